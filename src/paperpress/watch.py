"""`paperpress watch ISSUE.yaml`: build, then rebuild whenever the manifest, an article, a layout, a photo or a
font changes (watchfiles), fast enough to keep beside the editor.

A Session keeps, between rebuilds, what a cold build would make again from the same inputs:

- each page's layout (page model, fits, findings, plan), keyed by a hash of everything that page is made of —
  the issue's folio fields, the page entry with its modules, the articles' parsed text, the layout, the photos'
  bytes and the font files — so only the pages whose inputs changed are laid out again;
- every set paragraph (line breaking, with its shaping), keyed by its text, faces, sizes, measure and the
  layout's line-breaking settings (layout/text.py's PARAGRAPHS hook);
- each PDF, keyed by its pages' keys, the output profile and the metadata (a one-page print file whose page did
  not change is not drawn again), and each preflight verdict, keyed by the PDF's bytes and the rules;
- the font book, with its faces' shaping caches, while no font file or catalog changes (the faces are still
  read and checked on every rebuild, as a cold build does); the font subsets are kept by pdf/fonts.py itself.

Each cache keeps only what the last good rebuild used, so memory stays at about one issue's worth. What a
rebuild writes is byte-identical to a cold `paperpress build` of the same files (tests/test_watch.py).

Bad input does not stop it: the problems are printed, the last good output stays, and it keeps watching.
Ctrl-C ends it (exit 0); a build under way is abandoned and the previous output left as it was."""

from __future__ import annotations

import dataclasses
import hashlib
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from . import build as _build
from .errors import InputError, Problem, Problems
from .fonts import FontBook
from .layout import text as _text
from .layout.compose import compose_planned
from .manifest import Issue, PageSpec
from .model import Link, Page
from .pdf.writer import render
from .preflight import preflight

# the files a build reads: a change to anything else in the watched folders (an editor's swap file) is ignored
INPUT_SUFFIXES = frozenset({".yaml", ".yml", ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".otf", ".ttf", ".ttc",
                            ".icc"})


class Generations(dict):
    """A cache that keeps what the last completed round used: entries used again move from the previous round
    to this one; turn() ends a round and drops whatever it did not use. Counts hits and misses per round."""

    def __init__(self) -> None:
        super().__init__()
        self.previous: dict = {}
        self.hits = self.misses = 0
        self.log: list | None = None  # when a list: every key asked for is appended

    def get(self, key: Any, default: Any = None) -> Any:
        if self.log is not None:
            self.log.append(key)
        if key in self:
            self.hits += 1
            return self[key]
        if key in self.previous:
            self.hits += 1
            value = self[key] = self.previous.pop(key)
            return value
        self.misses += 1
        return default

    def keep(self, keys: tuple) -> None:
        """Carry these entries into this round without counting them (what a kept page was made of)."""
        for key in keys:
            if key not in self and key in self.previous:
                self[key] = self.previous.pop(key)

    def turn(self) -> None:
        self.previous = dict(self)
        self.clear()
        self.hits = self.misses = 0

    def forget(self) -> None:
        self.previous = {}
        self.clear()


def _stat(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return (-1, -1)
    return (st.st_size, st.st_mtime_ns)


def _file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "missing"


def _forget_font_caches() -> None:
    """The process-wide caches keyed by face id or path (atoms, glyph ink, subsets, pages' content streams with
    their glyph codes): stale once a font file changes under the same name. Each is cleared where it exists
    (they belong to other modules)."""
    from . import typography
    from .linebreak import atoms
    from .pdf import fonts as pdf_fonts
    from .pdf import writer

    for module, name in ((atoms, "_CHAR_ATOMS"), (typography, "_EXTENTS"), (pdf_fonts, "_SUBSETS"),
                         (pdf_fonts, "_CIDS"), (writer, "_PAGES")):
        cache = getattr(module, name, None)
        if isinstance(cache, dict):
            cache.clear()


@dataclass
class WatchProject(_build.Project):
    """A Project that hands out the same FontBook (and so the same warm Face objects) while the catalogs and
    every face's file are unchanged; the catalogs are still read and every face checked on each rebuild."""

    book: FontBook | None = None
    signature: tuple = ()
    fonts_changed: Callable[[], None] | None = None  # called when a catalog or font file changed

    def fontbook(self, problems: Problems) -> FontBook:
        before = len(problems.items)
        fresh = super().fontbook(problems)
        if len(problems.items) != before:
            return fresh  # reported; never cached
        signature = (tuple((str(c), _stat(c)) for c in self.catalogs),
                     tuple(sorted((f.id, f.family, f.style, f.role, str(f.path), f.index, f.format, _stat(f.path))
                                  for f in fresh.faces.values())))
        if self.book is not None and signature == self.signature:
            return self.book
        if self.book is not None:
            _forget_font_caches()
            if self.fonts_changed is not None:
                self.fonts_changed()
        self.book, self.signature = fresh, signature
        return fresh


@dataclass
class Rebuild:
    """What one (re)build did."""

    ok: bool
    seconds: float
    built: _build.Built | None = None
    final: Path | None = None
    laid_out: list[int] = field(default_factory=list)  # page numbers laid out anew
    reused: list[int] = field(default_factory=list)  # page numbers whose layout was kept
    paragraphs_set: int = 0
    paragraphs_kept: int = 0
    pdfs_drawn: int = 0
    pdfs_kept: int = 0
    problems: list[Problem] = field(default_factory=list)  # bad input or copy that does not fit
    what: str = ""  # "bad input", "does not fit", "cannot write", "internal error" when not ok
    message: str = ""
    traceback: str = ""  # of an internal error


class Session:
    """One issue kept warm: rebuild() builds it with the caches and writes it like `paperpress build`."""

    def __init__(self, issue_path: Path, out_dir: Path, root: Path | None = None, pdfx: str | None = None,
                 reading_pdf: bool = False, report_pdf: bool = False, allow_overset: bool = False) -> None:
        self.issue_path = issue_path
        self.out_dir = out_dir
        found = _build.Project.find(issue_path.parent, root)
        self.project = WatchProject(found.root, found.found_by)
        self.pdfx, self.reading_pdf, self.report_pdf, self.allow_overset = pdfx, reading_pdf, report_pdf, allow_overset
        self.pages = Generations()
        self.paragraphs = Generations()
        self.pdfs = Generations()
        self.verdicts = Generations()
        self._handed: dict[int, tuple[Page, Page, str]] = {}  # id of a page handed out → (it, the kept one, key)
        self.project.fonts_changed = self._forget
        self.issue: Issue | None = None
        self._laid_out: list[int] = []
        self._reused: list[int] = []

    def _forget(self) -> None:
        """A font changed: nothing set with the old one is kept (pages and PDFs are keyed by the fonts anyway)."""
        for cache in (self.pages, self.paragraphs, self.pdfs, self.verdicts):
            cache.forget()

    # -- the page cache ---------------------------------------------------------------------------------------

    def page_key(self, spec: PageSpec, issue: Issue, built_at: str) -> str:
        """A hash of everything compose_planned reads for this page."""
        h = hashlib.sha256()
        h.update(repr((issue.id, str(issue.path), issue.paper, issue.code, issue.date, issue.number)).encode())
        h.update(repr(spec).encode())  # the page entry, its modules, their parsed articles and the layout
        h.update(repr(self.project.signature).encode())  # the fonts
        h.update(built_at.encode())
        for m in spec.modules:
            if m.figure is not None:
                h.update(f"{m.figure}\0{_file_digest(m.figure)}".encode())
        return h.hexdigest()

    def _compose(self, spec: PageSpec, issue: Issue, fonts: FontBook, built_at: str = "",
                 plan: Any = None) -> tuple:
        key = self.page_key(spec, issue, built_at)
        hit = self.pages.get(key)
        if hit is None:
            before = len(_text.HEADLINE_PROBLEMS)
            self.paragraphs.log = []
            try:
                page, fits, findings, plan = compose_planned(spec, issue, fonts, built_at, plan)
            finally:
                used, self.paragraphs.log = tuple(self.paragraphs.log), None
            hit = self.pages[key] = (page, fits, findings, plan, tuple(_text.HEADLINE_PROBLEMS[before:]), used)
            self._laid_out.append(spec.number)
        else:
            _text.HEADLINE_PROBLEMS.extend(hit[4])  # what laying it out reported, reported again
            self.paragraphs.keep(hit[5])  # its paragraphs stay for the day it changes
            self._reused.append(spec.number)
        kept, fits, findings, plan = hit[:4]
        # the build may add marks to a page's items (--allow-overset): hand out fresh lists, keep the cached ones
        page = dataclasses.replace(kept, items=list(kept.items), lines=list(kept.lines), slug=list(kept.slug))
        self._handed[id(page)] = (page, kept, key)
        return page, list(fits), list(findings), plan

    def _render(self, pages: list[Page], fonts: FontBook, profile: Any, meta: Any) -> bytes:
        """render(), kept while every page is one handed out unchanged and the profile and metadata are the same."""
        keys: list[object] = []
        for page in pages:
            handed = self._handed.get(id(page))
            if handed is None or handed[0] is not page or (_unlinked(page.items), page.lines, page.slug) != (
                    _unlinked(handed[1].items), handed[1].lines, handed[1].slug):
                return render(pages, fonts, profile, meta)  # marked after layout, or not ours: drawn as it is
            # a jump line's link gets its target after every page is laid out: part of the key, not a change
            keys.append((handed[2], tuple(it for it in page.items if isinstance(it, Link))))
        icc = getattr(meta.intent, "profile", None)
        key = hashlib.sha256(repr((keys, profile, meta, icc and _stat(Path(icc)))).encode()).hexdigest()
        data = self.pdfs.get(key)
        if data is None:
            data = self.pdfs[key] = render(pages, fonts, profile, meta)
        return data

    def _preflight(self, data: bytes, rules: Any, name: str | None = None, content: bool = True) -> list:
        """preflight() of bytes, kept by their hash: an unchanged print file is not checked again."""
        key = (hashlib.sha256(data).hexdigest(), rules, name, content)
        found = self.verdicts.get(key)
        if found is None:
            found = self.verdicts[key] = tuple(preflight(data, rules, name=name, content=content))
        return list(found)

    # -- rebuilding -------------------------------------------------------------------------------------------

    def rebuild(self) -> Rebuild:
        start = time.perf_counter()
        self._laid_out, self._reused, self._handed = [], [], {}
        _text.HEADLINE_PROBLEMS.clear()  # a build stopped by bad input may have left some
        saved = _text.PARAGRAPHS
        _text.PARAGRAPHS = self.paragraphs
        result = Rebuild(False, 0.0)
        try:
            built = _build.build(self.issue_path, self.project, pdfx=self.pdfx, allow_overset=self.allow_overset,
                                 reading_pdf=self.reading_pdf, report_pdf=self.report_pdf, compose=self._compose,
                                 render_pdf=self._render, check_pdf=self._preflight)
            _build.check_output_folder(self.out_dir, built.issue, self.project)
            final = _build.write_atomically(built, self.out_dir)
            result = Rebuild(True, 0.0, built, final, paragraphs_set=self.paragraphs.misses,
                             paragraphs_kept=self.paragraphs.hits, pdfs_drawn=self.pdfs.misses,
                             pdfs_kept=self.pdfs.hits)
            self.issue = built.issue
            for cache in (self.pages, self.paragraphs, self.pdfs, self.verdicts):
                cache.turn()
        except _build.DoesNotFit as e:
            result = Rebuild(False, 0.0, problems=list(e.problems), what="does not fit")
        except InputError as e:
            result = Rebuild(False, 0.0, problems=list(e.problems), what="bad input")
        except _build.WriteError as e:
            result = Rebuild(False, 0.0, what="cannot write", message=str(e))
        except Exception as e:  # noqa: BLE001 - keep watching; the next save may well build
            result = Rebuild(False, 0.0, what="internal error", message=f"{type(e).__name__}: {e} (please report "
                             "it, with the input)", traceback=traceback.format_exc())
        finally:
            _text.PARAGRAPHS = saved
            _text.HEADLINE_PROBLEMS.clear()
            self._handed = {}
        result.laid_out, result.reused = list(self._laid_out), list(self._reused)
        result.seconds = time.perf_counter() - start
        return result

    def watched(self) -> list[Path]:
        """The folders whose files a build reads: the issue's (manifest, articles, photos), the layouts' and the
        font catalogs', and the folder of any article or photo the manifest names outside the issue folder."""
        folders = [self.issue_path.parent.resolve(), *(d.resolve() for d in self.project.layout_dirs),
                   *(c.parent.resolve() for c in self.project.catalogs)]
        if self.issue is not None:
            for spec in self.issue.pages:
                for m in spec.modules:
                    for p in (m.story.path if m.story else None, m.figure):
                        if p is not None:
                            folders.append(Path(p).resolve().parent)
        out: list[Path] = []
        for f in sorted(set(folders), key=lambda p: len(p.parts)):
            if f.is_dir() and not any(f.is_relative_to(o) for o in out):
                out.append(f)
        return out


# -- what the editor sees --------------------------------------------------------------------------------------


def fit_table(built: _build.Built) -> str:
    """Every module's fit, one line each: page, article, module, lines needed / available, the verdict."""
    rows = [("page", "article", "module", "lines", "fit")]
    for f in built.fits:
        if f.status == "short":
            verdict = f"short by {f.by_lines} line(s) (≈{f.by_lines * f.chars_per_line} characters)"
        elif f.status == "overset":
            verdict = f"OVERSET by {f.by_lines} line(s) (≈{f.by_lines * f.chars_per_line} characters)"
        else:
            verdict = "fits"
        rows.append((str(f.page), f.article, f.module, f"{f.lines_needed}/{f.lines_available}", verdict))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r[:4], widths, strict=True)) + "  " + r[4]
                     for r in rows)


def describe(result: Rebuild, out: TextIO, err: TextIO, debug: bool = False) -> None:
    from .console import print_problems

    if result.ok:
        assert result.built is not None
        pages = (f"{len(result.laid_out)} page(s) laid out" +
                 (f", {len(result.reused)} kept" if result.reused else ""))
        print(f"built {result.final} in {result.seconds:.2f} s ({pages}; {result.paragraphs_set} paragraph(s) "
              f"set, {result.paragraphs_kept} kept; {result.pdfs_drawn} PDF(s) drawn, {result.pdfs_kept} kept)",
              file=out)
        print(fit_table(result.built), file=out)
        warnings = sum(t.severity != "info" for t in result.built.typography)
        failed = sum(f.severity == "error" for f in result.built.preflight)
        print(f"{warnings} typographic warning(s) (report.html); print preflight "
              f"{'passed' if not failed else f'FAILED: {failed} error(s)'}", file=out)
    else:
        if result.problems:
            what = "; the last good output stays" + ("" if result.what == "bad input" else f" ({result.what})")
            print_problems(result.problems, err, what)
        else:
            if debug and result.traceback:
                print(result.traceback, file=err, end="")
            print(f"{result.what}: {result.message}; the last good output stays", file=err)
        print(f"not built ({result.what}) in {result.seconds:.2f} s; watching for the next change", file=err)
    out.flush()
    err.flush()


def _is_input(change: Any, path: str) -> bool:
    from watchfiles import DefaultFilter

    return Path(path).suffix.lower() in INPUT_SUFFIXES and DefaultFilter()(change, path)


def watch(session: Session, stop: Any = None, on_rebuild: Callable[[Rebuild], None] | None = None,
          out: TextIO | None = None, err: TextIO | None = None, debounce_ms: int = 400, debug: bool = False) -> int:
    """Build once, then rebuild after every change to an input until stop (a threading.Event) is set or the
    user presses Ctrl-C. Returns the exit status: 0."""
    import watchfiles

    out = out or sys.stdout
    err = err or sys.stderr
    try:
        result = session.rebuild()
        describe(result, out, err, debug)
        if on_rebuild is not None:
            on_rebuild(result)
        while stop is None or not stop.is_set():
            folders = session.watched()
            print(f"watching {', '.join(str(f) for f in folders)} (Ctrl-C stops)", file=out, flush=True)
            restart = False
            for changes in watchfiles.watch(*folders, watch_filter=_is_input, stop_event=stop, debounce=debounce_ms,
                                            step=50, raise_interrupt=True):
                names = sorted({Path(p).name for _, p in changes})
                print(f"changed: {', '.join(names)}", file=out, flush=True)
                result = session.rebuild()
                describe(result, out, err, debug)
                if on_rebuild is not None:
                    on_rebuild(result)
                if session.watched() != folders:  # an article or photo from a new folder: watch it too
                    restart = True
                    break
            if not restart:
                break
    except KeyboardInterrupt:
        print("stopped watching", file=err, flush=True)
    return 0


def _unlinked(items: list) -> list:
    """A page's items without its links (whose jump targets are filled in after layout)."""
    return [it for it in items if not isinstance(it, Link)]
