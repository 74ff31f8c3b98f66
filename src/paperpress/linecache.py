"""A persistent cache of set paragraphs (and font subsets and preflight verdicts), so that a rebuild does only
the work whose input changed.

Each entry is one result, in $XDG_CACHE_HOME/paperpress/lines/ (else ~/.cache/paperpress/lines/), named by a
SHA-256 of everything the result depends on. For a paragraph: the text and each run's style (face ids, size),
the faces' file checksums, the measure and first-line width, justification, the layout's line-breaking
settings, and the code that sets lines (the sources of linebreak/, layout/text.py and this module, the
uharfbuzz, pyphen and pikepdf versions). A changed input is a new key, so an entry is never stale; nothing is
invalidated, old entries are only evicted. `value(kind, key, compute)` keeps other results under the same
rules: a face's subset for a glyph set (pdf/fonts.py), a print file's preflight findings for its exact bytes
(build.py) — an unchanged page is neither subset nor checked again.

Safe under concurrent builds: an entry is written to a temporary file and renamed into place, so a reader
sees a whole entry or none. Size-bounded: when a build has written entries and the folder holds more than
MAX_BYTES, the least recently used entries (by mtime, touched on every hit) go until it holds 3/4 of it.
Entries are plain data (tuples, numbers, strings, bytes, dicts), read with an unpickler that admits no class
at all. A cache that cannot be read or written only costs time. `paperpress build --no-cache` (or
enabled = False) neither reads nor writes it.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .linebreak.breaker import Paragraph, from_plain, to_plain

MAX_BYTES = int(os.environ.get("PAPERPRESS_CACHE_MB", "256")) * 1024 * 1024
enabled = True
stats = {"hits": 0, "misses": 0, "writes": 0}  # paragraphs, in this process
plain_stats = {"hits": 0, "misses": 0, "writes": 0}  # value()'s entries, in this process (workers count their own)
_SRC = Path(__file__).resolve().parent
_CODE: str | None = None
_FACES: dict[tuple[str, int], str] = {}


def folder() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "paperpress" / "lines"


def code_version() -> str:
    """A digest of the code whose output the cache keeps: any change to it starts a fresh key space."""
    global _CODE
    if _CODE is None:
        from importlib.metadata import version

        libs = " ".join(f"{name} {version(name)}" for name in ("uharfbuzz", "pyphen", "pikepdf"))
        h = hashlib.sha256(libs.encode())
        for rel in ("linebreak/breaker.py", "linebreak/atoms.py", "linebreak/rules_zh.py", "layout/text.py",
                    "linecache.py", "pdf/fonts.py", "preflight.py"):
            h.update((_SRC / rel).read_bytes())
        _CODE = h.hexdigest()
    return _CODE


def face_checksum(path: Path, index: int) -> str:
    key = (str(path), index)
    if key not in _FACES:
        from .fonts import _sha256

        _FACES[key] = f"{_sha256(path)}#{index}"
    return _FACES[key]


def _path(key: str) -> Path:
    return folder() / key[:2] / key[2:]


def entry(key_parts: tuple) -> Path:
    """The file a paragraph's entry for these inputs lives in."""
    return _path(_key(("paragraph", key_parts)))


def _key(key_parts: tuple) -> str:
    return hashlib.sha256(repr((code_version(), key_parts)).encode("utf-8")).hexdigest()


def _paragraph(data: object) -> Paragraph | None:
    try:
        lines: Any
        starts: Any
        lines, starts = data  # type: ignore[misc]
        return from_plain(lines, starts)
    except (TypeError, ValueError):
        return None


def paragraph(key_parts: tuple, compute: Callable[[], Paragraph]) -> Paragraph:
    """The cached paragraph for these inputs, or compute() stored under them."""
    if not enabled:
        return compute()
    made: list[Paragraph] = []

    def plain() -> tuple:
        made.append(compute())
        return to_plain(made[0])

    data = _value("paragraph", key_parts, plain, stats)
    if made:
        return made[0]
    hit = _paragraph(data)
    if hit is None:  # not a paragraph's shape: set it again
        return compute()
    return hit


class _PlainUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> object:
        raise pickle.UnpicklingError(f"{module}.{name}: a plain cache entry holds no objects")


def value(kind: str, key_parts: tuple, compute: Callable[[], object]) -> object:
    """compute()'s plain-data result, from the cache when these inputs were seen before (see the module's
    docstring); the caller checks the shape of what comes back."""
    if not enabled:
        return compute()
    return _value(kind, key_parts, compute, plain_stats)


def _value(kind: str, key_parts: tuple, compute: Callable[[], object], counts: dict[str, int]) -> object:
    path = _path(_key((kind, key_parts)))
    try:
        hit = _PlainUnpickler(io.BytesIO(path.read_bytes())).load()
    except (OSError, pickle.UnpicklingError, EOFError, TypeError, ValueError, IndexError):
        hit = None
    if hit is not None:
        counts["hits"] += 1
        try:
            os.utime(path)  # recently used: evicted last
        except OSError:
            pass
        return hit
    counts["misses"] += 1
    result = compute()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, path)
        counts["writes"] += 1
    except OSError:
        pass
    return result


def trim(limit: int | None = None) -> int:
    """Evict the least recently used entries when the cache holds more than limit bytes; how many went."""
    limit = MAX_BYTES if limit is None else limit
    entries = []
    total = 0
    try:
        shards = list(os.scandir(folder()))
    except OSError:
        return 0
    for shard in shards:
        try:
            with os.scandir(shard.path) as it:
                for e in it:
                    st = e.stat()
                    entries.append((st.st_mtime_ns, st.st_size, e.path))
                    total += st.st_size
        except OSError:
            continue
    if total <= limit:
        return 0
    removed = 0
    for _, size, path in sorted(entries):
        if total <= limit * 3 // 4:
            break
        try:
            os.unlink(path)
        except OSError:
            continue
        total -= size
        removed += 1
    return removed


__all__ = ["paragraph", "value", "trim", "enabled", "folder"]
