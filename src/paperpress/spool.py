"""A build's output files by relative path: the large ones (a page's print PDF carries its fonts: a few hundred
KB) wait in a temporary folder instead of in memory until the build is written, so that memory does not grow
with the files of a long issue (128 pages: 45 MB of PDFs). Read back on access; the folder goes with the Spool."""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from collections.abc import Callable, Iterator, MutableMapping
from pathlib import Path

LARGE = 256 * 1024  # bytes: smaller files stay in memory


class Spool(MutableMapping[str, bytes]):
    def __init__(self) -> None:
        self._items: dict[str, bytes | Path] = {}
        self._dir: Path | None = None
        self._remove: weakref.finalize | None = None
        self._closed = False

    def folder(self) -> Path:
        """The temporary folder (made on first use; removed with the Spool): forked workers write into it."""
        if self._closed:
            raise ValueError("the spool is closed")
        if self._dir is None:
            _remove_orphans()
            self._dir = Path(tempfile.mkdtemp(prefix=f"paperpress-spool-{os.getpid()}-"))
            self._remove = weakref.finalize(self, shutil.rmtree, self._dir, True)
        return self._dir

    def close(self) -> None:
        """Remove the folder now, with the large files (the small ones stay readable): the garbage collector
        or atexit would, but a worker process ends without either."""
        self._closed = True
        if self._remove is not None:
            self._remove()
        self._items = {k: v for k, v in self._items.items() if not isinstance(v, Path)}

    def put(self, key: str, data: bytes | Path) -> None:
        """Set a file from its bytes, or take over a file a worker wrote into folder() (no copy)."""
        old = self._items.get(key)
        if isinstance(old, Path) and old != data:
            old.unlink(missing_ok=True)
        # (a key set again keeps its place, as in a dict)
        self._items[key] = data if isinstance(data, Path) else _kept(data, self.folder)

    def __setitem__(self, key: str, data: bytes) -> None:
        self.put(key, data)

    def __getitem__(self, key: str) -> bytes:
        value = self._items[key]
        return value.read_bytes() if isinstance(value, Path) else value

    def __delitem__(self, key: str) -> None:
        value = self._items.pop(key)
        if isinstance(value, Path):
            value.unlink(missing_ok=True)

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"Spool({sorted(self._items)})"


def hand_over(files: list[tuple[str, bytes]], folder: Path | None) -> list[tuple[str, bytes | Path]]:
    """Large files written into a spool's folder (a forked worker's, or the parent's own while workers run),
    only their paths kept: the bytes cross no pipe and are never all in one process's memory at once."""
    if folder is None:
        return list(files)
    return [(rel, _kept(data, lambda: folder)) for rel, data in files]


def _kept(data: bytes, folder: Callable[[], Path]) -> bytes | Path:
    """Small files as bytes; a large one written to a new file in folder() (unique whatever process writes it),
    and its path."""
    if len(data) < LARGE:
        return bytes(data)
    fd, name = tempfile.mkstemp(suffix=".pdf", dir=folder())
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return Path(name)


def _remove_orphans() -> None:
    """Spools of builds that were killed (SIGKILL leaves no chance to clean up): their process is gone."""
    for folder in Path(tempfile.gettempdir()).glob("paperpress-spool-*-*"):
        pid = folder.name.split("-")[2]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except OSError:  # alive, another user's: not ours to touch
            pass
