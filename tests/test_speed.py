"""Speed work that must not change a byte: the bounded DP window, the page pool, the persistent cache."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from paperpress.linebreak.atoms import CLOSE, HAN, LATIN, OPEN, Atom
from paperpress.linebreak.breaker import (
    HOUSE_STYLES,
    INFEASIBLE,
    LOOSE_WINDOW,
    SPACE,
    UNITS,
    WORD_BREAK_PENALTY,
    Breaker,
    Settings,
    _ends_number,
    _is_number,
    _is_range_mark,
    _pair_squeeze,
    _starts_number,
    house_style,
)
from paperpress.linebreak.rules_zh import RULE_SETS

from .conftest import ROOT, SAMPLE
from .test_linebreak import EM, atoms


def _pure(name: str):
    """The pure-Python source of a linebreak module, loaded on its own even where a compiled one is imported."""
    import importlib.util
    import sys

    path = ROOT / "src" / "paperpress" / "linebreak" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"paperpress.linebreak._pure_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module



class _Scanning(_pure("breaker").Breaker):  # type: ignore[misc]  # (a compiled class cannot be subclassed)
    """The DP as it was before the window became a moving boundary: every candidate tested from b down."""

    def _dp(self, first_width: int, width: int, window: bool) -> list[int] | None:
        n = len(self.atoms)
        best = [INFEASIBLE] * (n + 1)
        prev = [-1] * (n + 1)
        best[0] = 0.0
        W, Q, G, P, J, atoms, penalty, hy = self.W, self.Q, self.G, self.P, self.J, self.atoms, self.penalty, self.hy
        stretch = self.s.max_stretch
        spaces = any(x.kind == SPACE for x in atoms)  # lines may then need trimming: take the general path
        reach = LOOSE_WINDOW * self.s.max_stretch
        candidates = [k for k in range(n + 1) if k == 0 or self.can_break[k]]
        for j in range(1, len(candidates)):
            b = candidates[j]
            final = b == n
            squeeze_b = atoms[b - 1].squeeze
            em = atoms[b - 1].size
            for i in range(j - 1, -1, -1):
                a = candidates[i]
                w = first_width if a == 0 else width
                upper = W[b] - W[a] + G[b] - G[a] + hy[b]  # at least the line's natural width
                if window and not final and upper + (b - a) * reach * em < w:
                    continue  # hopelessly loose: a longer line (smaller a) will do better
                if best[a] == INFEASIBLE:
                    continue
                # lines only grow as a moves left: stop once even full squeezing cannot fit
                natural = upper - G[b] + G[b - 1] - P[b - 1] + P[a]
                if natural - (Q[b] - Q[a] + G[b] - G[a] + squeeze_b) > w and a < b - 1:
                    break
                d = w - natural
                if d >= 0 and not spaces:  # the common case, inlined: a line to stretch (or a last line)
                    if final:
                        cost = self._orphan(a, b)
                    else:
                        slots = J[b - 1] - J[a]
                        if slots <= 0:
                            cost = 1e16 * (1 + d / w)  # set flush left: the fuller the better
                        else:
                            r = d / (slots * stretch * atoms[a].size)
                            bad = 100.0 * r * r * r + (1e5 * r if r > 1 else 0.0)
                            cost = (1.0 + bad) * (1.0 + bad)
                else:
                    cost, _ = self._cost(a, b, w, final)
                    if final:
                        cost += self._orphan(a, b)
                total = best[a] + cost + penalty[b]
                if total < best[b]:
                    best[b] = total
                    prev[b] = a
        return prev if best[n] != INFEASIBLE else None


class _OldSetUp:
    """Breaker's set-up as it was before its per-atom tests were worked out once and its sums accumulated."""

    def __init__(self, atoms: list[Atom], settings: Settings):
        atoms = house_style(atoms, settings.punctuation)
        self.atoms = atoms
        self.s = settings
        n = len(atoms)
        cannot_start, cannot_end = RULE_SETS[settings.rules]
        # gap[k]: natural space between atom k and k+1 (Han–Latin gap, clreq 3.2.3)
        self.gap = [0] * n
        self.pair = [(0, 0)] * n  # squeeze of (k, k+1) when both sit on one line
        self.can_break = [False] * (n + 1)  # break before atom k
        self.can_break[n] = True
        self.penalty = [0.0] * (n + 1)  # cost of breaking before atom k
        for k in range(n - 1):
            a, b = atoms[k], atoms[k + 1]
            if (a.kind == LATIN and b.kind == HAN) or (a.kind == HAN and b.kind == LATIN):
                if not (_is_number(a) and b.text in UNITS) and "\u3000" not in (a.text, b.text) \
                        and not (_is_range_mark(a) or _is_range_mark(b)) and "/" not in (a.text, b.text):
                    self.gap[k] = round(settings.latin_gap * max(a.size, b.size))
            self.pair[k] = _pair_squeeze(a, b)
            ok = b.text[0] not in cannot_start and a.text[-1] not in cannot_end
            if a.kind == LATIN and b.kind == LATIN:
                ok = a.break_after  # a word breaks only at a long word's or URL's natural points
                self.penalty[k + 1] = WORD_BREAK_PENALTY
            if _is_number(a) and b.text[0] in UNITS:
                ok = False  # a number keeps its unit
            if _is_range_mark(b) and _ends_number(a) and k + 2 < n and _starts_number(atoms[k + 2]):
                ok = False  # 2019|—2020: the range mark never starts a line
            if _is_range_mark(a) and k > 0 and _ends_number(atoms[k - 1]) and _starts_number(b):
                ok = False  # 2019—|2020: nor ends one
            if b.text == "/":
                ok = False  # 元/股: a slash never starts a line
            if a.kind == SPACE:
                ok = True
            if b.kind == SPACE:
                ok = False
            self.can_break[k + 1] = ok
        # prefix sums so that each candidate line is measured in O(1)
        self.W = [0] * (n + 1)
        self.G = [0] * (n + 1)
        self.P = [0] * (n + 1)
        self.Q = [0] * (n + 1)  # squeeze still available inside a line (marks not already paired)
        # J: gaps that may take stretch. Never inside a Latin word or number (clreq 3.2: a Latin word
        # keeps its own spacing): pieces of one word (a URL broken at its natural points) stay tight.
        self.stretchable = [k < n - 1 and not (atoms[k].kind == LATIN and atoms[k + 1].kind == LATIN)
                            for k in range(n)]
        self.J = [0] * (n + 1)
        # hy[b]: the hyphen a line ending before atom b adds (b a hyphenation point of an English word)
        self.hy = [0] * (n + 1)
        for k in range(1, n):
            h = atoms[k - 1].hyphen
            if h is not None and atoms[k].kind == LATIN:
                self.hy[k] = h[1]
        paired = [0] * n
        for k in range(n - 1):
            sa, sb = self.pair[k]
            paired[k] += sa
            paired[k + 1] += sb
        for k, a in enumerate(atoms):
            self.W[k + 1] = self.W[k] + a.width
            self.G[k + 1] = self.G[k] + self.gap[k]
            self.P[k + 1] = self.P[k] + sum(self.pair[k])
            avail = a.squeeze - paired[k] if a.kind in (OPEN, CLOSE) else 0
            self.Q[k + 1] = self.Q[k] + max(avail, 0)
            self.J[k + 1] = self.J[k] + self.stretchable[k]


TEXT = ("据新华社北京11月15日电（记者王明）“十四五”规划实施以来，全国累计完成造林5.4亿亩、种草改良6亿亩，"
        "治理沙化石漠化土地1.3亿亩——比2019—2020年多出30%。详见https://www.forestry.gov.cn/main/5462/index.html，"
        "《中国国土绿化状况公报》指出：森林覆盖率达到24.02%，草原综合植被盖度达到50.32%！专家说，“这是长期努力的结果。”")


def test_bounded_window_chooses_the_breaks_of_the_full_scan() -> None:
    """The moving boundary skips exactly the lines the full scan skipped: same breaks on random texts, measures
    and first-line indents (the first line's own width is tested on its own)."""
    rng = random.Random(13)
    tried = 0
    for _ in range(300):
        start = rng.randrange(len(TEXT) - 20)
        text = TEXT[start:start + rng.randrange(20, 200)]
        chars = rng.randrange(5, 22)
        first = (chars - rng.choice((0, 0, 2, -1))) * EM
        settings = Settings(max_stretch=rng.choice((0.1, 0.25, 0.5)), punctuation=rng.choice(("quanjiao", "kaiming")))
        at = atoms(text)
        for window in (True, False):
            assert Breaker(at, settings)._dp(first, chars * EM, window) == \
                _Scanning(at, settings)._dp(first, chars * EM, window), (text, chars, first, settings, window)
        tried += 1
    assert tried == 300


def test_set_up_is_the_same_as_before() -> None:
    """Gaps, pair squeezes, break permissions, penalties and prefix sums equal the old per-pair set-up's, on
    random pieces of a text with numbers, ranges, units, a URL, Latin words and marks."""
    rng = random.Random(8)
    for _ in range(300):
        start = rng.randrange(len(TEXT) - 5)
        text = TEXT[start:start + rng.randrange(2, 120)] + rng.choice(("", " Hello world 2019—2020", "元/股"))
        settings = Settings(rules=rng.choice(("strict", "loose")), punctuation=rng.choice(HOUSE_STYLES))
        at = atoms(text)
        new, old = Breaker(at, settings), _OldSetUp(at, settings)
        for name in ("gap", "pair", "can_break", "penalty", "W", "G", "P", "Q", "J", "hy", "stretchable"):
            assert getattr(new, name) == getattr(old, name), (name, text)


def _peer():
    """bench/peer.py (not a package): its generator of A3 issues of any length."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("paperpress_bench_peer", ROOT / "bench" / "peer.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_sample_builds_to_the_same_bytes_twice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reuse inside a build (adjustments, compressed streams, ICC, subsets) leaves no trace: two builds of the
    sample, one cold and one from a warm cache, give the same files."""
    from paperpress.build import build, write_atomically

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    a = write_atomically(build(SAMPLE, use_cache=False), tmp_path / "out" / "a")
    b = write_atomically(build(SAMPLE), tmp_path / "out" / "b")
    c = write_atomically(build(SAMPLE), tmp_path / "out" / "c")
    fa = _files(a)
    assert any(k.startswith("print/") for k in fa) and fa == _files(b) == _files(c)


def test_same_bytes_with_and_without_cache_and_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 3-page issue: --no-cache with one process, a cold cache with two workers, then the warm cache with one
    and with two — every file the same bytes, and the warm builds set no paragraph anew."""
    from paperpress import linecache, pool
    from paperpress.build import build, write_atomically
    from paperpress.pdf import fonts

    peer = _peer()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    made_ahead: list[int] = []
    collect = pool.Ahead.collect

    def counting(self: pool.Ahead) -> dict:
        made_ahead.append(len(collect(self)))
        return self.results

    monkeypatch.setattr(pool.Ahead, "collect", counting)
    paragraphs, titles = peer.content(3)
    (tmp_path / "project").mkdir()
    issue = peer.write_project(tmp_path / "project", peer.split(paragraphs[: len(paragraphs) // 3], 3), titles)
    outs = []
    counts: list[dict[str, int]] = []
    plains: list[dict[str, int]] = []  # subsets and preflight verdicts (counted where they are made)
    for name, jobs, cache in (("cold", 1, False), ("fill", 2, True), ("warm1", 1, True), ("warm2", 2, True)):
        fonts._SUBSETS.clear()  # only the persistent cache may carry subsets from one build to the next
        before, plain = dict(linecache.stats), dict(linecache.plain_stats)
        built = build(issue, jobs=jobs, use_cache=cache)
        counts.append({k: linecache.stats[k] - before[k] for k in before})
        plains.append({k: linecache.plain_stats[k] - plain[k] for k in plain})
        outs.append(_files(write_atomically(built, tmp_path / "out" / name)))
    assert len([k for k in outs[0] if k.startswith("print/")]) == 4  # three pages and the whole issue
    assert all(o == outs[0] for o in outs[1:])
    assert len(made_ahead) == 2 and all(n >= 1 for n in made_ahead)  # the two-worker builds made pages ahead
    assert counts[0] == {"hits": 0, "misses": 0, "writes": 0}  # --no-cache: the cache is not even looked at
    assert counts[1]["misses"] >= 10 and counts[1]["writes"] == counts[1]["misses"]
    assert counts[2]["misses"] == counts[3]["misses"] == 0 and counts[2]["hits"] == counts[1]["misses"]
    # one process, warm: every subset (4 files' faces) and the 4 print files' verdicts come from the cache
    assert plains[2]["misses"] == 0 and plains[2]["hits"] >= 8


def test_cache_is_bounded_and_ignores_what_it_did_not_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import pickle

    from paperpress import linecache
    from paperpress.linebreak.breaker import Paragraph

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    made = []
    calls = []

    def compute() -> Paragraph:
        calls.append(1)
        return Paragraph(())

    for i in range(8):
        key = ("text", i)
        assert linecache.paragraph(key, compute) == Paragraph(())
        made.append(linecache.entry(key))
        assert made[-1].is_file()
    for age, path in enumerate(made):  # entry 0 the least recently used
        os.utime(path, ns=(10**18 + age * 10**9,) * 2)
    size = made[0].stat().st_size
    assert linecache.trim(limit=4 * size) == 5  # down to 3/4 of the limit: the 3 newest stay
    assert sorted(p.exists() for p in made) == [False] * 5 + [True] * 3 and all(p.exists() for p in made[5:])
    assert linecache.paragraph(("text", 7), compute) == Paragraph(()) and len(calls) == 8  # a hit
    made[7].write_bytes(pickle.dumps(os.system))  # not a paragraph: refused, not called
    made[6].write_bytes(b"\x80\x05 cut short")
    assert linecache.paragraph(("text", 7), compute) == Paragraph(()) and len(calls) == 9
    assert linecache.paragraph(("text", 6), compute) == Paragraph(()) and len(calls) == 10


def test_make_install_compiled_the_breaker() -> None:
    """`make install` (which `make test` runs first) compiles the breaker and atoms with mypyc wherever a C
    compiler is at hand, and they are what a build imports: the tests below then compare them with the
    pure-Python sources. A stale extension (its source edited since) is never imported."""
    import shutil

    from paperpress import linebreak
    from paperpress.linebreak import atoms as imported_atoms
    from paperpress.linebreak import breaker as imported_breaker
    from paperpress.linebreak import rules_zh as imported_rules

    if shutil.which("cc") is None:
        pytest.skip("no C compiler here: paperpress runs its pure-Python breaker")
    folder = Path(linebreak.__file__).parent
    assert not linebreak.stale(folder), "an extension is older than its source: run `make install`"
    assert imported_breaker.__file__ is not None and imported_breaker.__file__.endswith(".so")
    assert imported_atoms.__file__ is not None and imported_atoms.__file__.endswith(".so")
    assert imported_rules.__file__ is not None and imported_rules.__file__.endswith(".so")


def test_a_laid_out_page_copies_and_pickles(sample_built) -> None:  # type: ignore[no-untyped-def]
    """A set line's runs hold the (compiled) breaker's own glyphs: a page still deep-copies and pickles to an
    equal page."""
    import copy
    import pickle

    page = sample_built.pages[0]
    assert any(type(g).__name__ == "PlacedGlyph" for it in page.items for g in getattr(it, "glyphs", ()))
    assert copy.deepcopy(page) == page and pickle.loads(pickle.dumps(page)) == page


def test_a_stale_extension_is_found(tmp_path: Path) -> None:
    import os

    from paperpress.linebreak import stale

    assert stale(tmp_path) == []  # nothing compiled: nothing stale
    for name in ("rules_zh", "atoms", "breaker"):
        (tmp_path / f"{name}.py").write_text("")
        (tmp_path / f"{name}.cpython-311-x86_64-linux-gnu.so").write_bytes(b"")
        os.utime(tmp_path / f"{name}.py", (1000, 1000))
    (tmp_path / "native__mypyc.cpython-311-x86_64-linux-gnu.so").write_bytes(b"")
    assert stale(tmp_path) == []
    os.utime(tmp_path / "native__mypyc.cpython-311-x86_64-linux-gnu.so", (900, 900))  # the group's shared part
    assert stale(tmp_path) == ["rules_zh", "atoms", "breaker"]
    os.utime(tmp_path / "native__mypyc.cpython-311-x86_64-linux-gnu.so", (1100, 1100))
    os.utime(tmp_path / "atoms.py", (2000, 2000))  # edited since
    assert stale(tmp_path) == ["atoms"]


def test_pure_python_and_compiled_builds_give_the_same_bytes(tmp_path: Path) -> None:
    """The sample issue and the messy one (tables: their grid lines subclass the breaker's Line) built by the
    pure-Python breaker (PAPERPRESS_PURE) and by whatever this checkout imports (the compiled one after `make
    install`): every output file the same bytes."""
    import os
    import subprocess
    import sys

    messy = ROOT / "tests" / "data" / "messy" / "issue.yaml"
    outs = []
    for name, pure in (("pure", "1"), ("default", "")):
        env = {**os.environ, "PAPERPRESS_PURE": pure, "XDG_CACHE_HOME": str(tmp_path / "cache" / name)}
        code = ("import sys; from paperpress.linebreak import breaker; print(breaker.__file__); "
                "from paperpress.cli import main; sys.exit(main())")
        proc = subprocess.run([sys.executable, "-c", code, "build", str(SAMPLE), str(messy), "-o",
                               str(tmp_path / name), "--no-cache"], capture_output=True, text=True, env=env, cwd=ROOT)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.splitlines()[0].endswith(".py") or not pure  # PAPERPRESS_PURE: the sources
        outs.append(_files(tmp_path / name))
    assert len({k.split("/")[0] for k in outs[0]}) == 2 and len(outs[0]) > 10 and outs[0] == outs[1]


def test_compiled_breaker_sets_the_same_lines_as_the_pure_python_one() -> None:
    """`make compiled` builds the breaker and atoms with mypyc; whichever is imported, the pure-Python source
    stays the reference: same lines, glyph positions and ratios on random texts and measures."""
    from paperpress.linebreak import breaker

    pure = _pure("breaker")
    rng = random.Random(5)
    for _ in range(100):
        start = rng.randrange(len(TEXT) - 20)
        text = TEXT[start:start + rng.randrange(20, 200)]
        chars = rng.randrange(6, 22)
        settings = Settings(max_stretch=rng.choice((0.1, 0.25)), punctuation=rng.choice(HOUSE_STYLES))
        got = breaker.set_paragraph(atoms(text), (chars - 2) * EM, chars * EM, settings)
        same = pure.Settings(**{f: getattr(settings, f) for f in pure.Settings.__dataclass_fields__})
        ref = pure.set_paragraph(atoms(text), (chars - 2) * EM, chars * EM, same)
        assert [(x.start, x.end, x.width, x.natural, x.used, x.final, x.ratio,
                 [(f, s, [(g.gid, g.x, g.text) for g in gs]) for f, s, gs in x.glyphs]) for x in got.lines] == \
            [(x.start, x.end, x.width, x.natural, x.used, x.final, x.ratio,
              [(f, s, [(g.gid, g.x, g.text) for g in gs]) for f, s, gs in x.glyphs]) for x in ref.lines], text


def test_spool_keeps_large_files_on_disk_and_reads_them_back(tmp_path: Path) -> None:
    """A build's files: small ones in memory, large ones in a temporary folder (read back on access, in the
    order they were set, a key set again keeping its place); a forked worker's large files come back as paths
    the spool takes over; the folder goes with the spool."""
    import gc
    import subprocess
    import sys

    from paperpress.spool import LARGE, Spool, hand_over

    files = Spool()
    big, small = b"%PDF" + bytes(LARGE), b"{}"
    files["print/a.pdf"] = big
    files["report.json"] = small
    folder = files.folder()
    assert [p.stat().st_size for p in folder.iterdir()] == [len(big)]  # only the large one went to disk
    assert files["print/a.pdf"] == big and dict(files) == {"print/a.pdf": big, "report.json": small}
    files["print/a.pdf"] = small  # set again: back in memory, its file gone, its place kept
    assert list(files) == ["print/a.pdf", "report.json"] and not list(folder.iterdir())
    # a worker (here another process) writes a large file into the folder and hands back its path
    code = ("import sys, pathlib; from paperpress.spool import hand_over, LARGE; "
            "print(hand_over([('x', bytes(LARGE)), ('y', b'{}')], pathlib.Path(sys.argv[1]))[0][1])")
    made = Path(subprocess.run([sys.executable, "-c", code, str(folder)], capture_output=True, text=True,
                               check=True).stdout.strip())
    assert made.parent == folder and made.stat().st_size == LARGE
    assert hand_over([("print/b.pdf", big)], None) == [("print/b.pdf", big)]  # no folder: the bytes stay
    files.put("print/c.pdf", made)
    assert files["print/c.pdf"] == bytes(LARGE)
    del files["print/c.pdf"]
    assert not made.exists()
    files["print/d.pdf"] = big
    del files
    gc.collect()
    assert not folder.exists()
    closed = Spool()
    closed["print/e.pdf"], closed["report.json"] = big, small
    made_here = closed.folder()
    closed.close()  # removed at once (a worker process ends without running atexit), the small file kept
    assert not made_here.exists() and dict(closed) == {"report.json": small}


def test_a_killed_builds_spool_is_removed_by_the_next(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import subprocess
    import tempfile

    from paperpress.spool import Spool

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = subprocess.Popen(["true"])
    dead.wait()  # a pid that has ended (not reused this instant)
    orphan = tmp_path / f"paperpress-spool-{dead.pid}-abc"
    alive = tmp_path / f"paperpress-spool-{os.getpid()}-def"
    other = tmp_path / "paperpress-spool-notapid"
    for folder in (orphan, alive, other):
        folder.mkdir()
    made = Spool().folder()
    assert made.name.startswith(f"paperpress-spool-{os.getpid()}-")
    assert not orphan.exists() and alive.exists() and other.exists()
