"""The build: manifest → stories → coverage → layout → PDFs and report, written atomically."""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import errno
import fcntl
import gc
import json
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import linecache, pool, report_html, resources, typography
from .coverage import check_coverage
from .errors import InputError, Problem, Problems
from .fonts import Face, FontBook
from .layout.compose import Finding, Fit, compose_planned
from .layout.jumps import link_jumps, plan_jumps, unused_jumps
from .layout.plan import Plan, PlanError
from .manifest import Issue, PageSpec, load_issue, print_file_name
from .model import Page
from .pdf import reading, writer
from .pdf.archive import archive_meta, sidecar
from .pdf.writer import PROFILES, Meta, Profile, print_profile, render
from .preflight import Finding as PreflightFinding
from .preflight import Rules, preflight
from .scaffold import placeholders
from .spool import Spool, hand_over
from .typography import TypoFinding


@dataclass
class Project:
    """Where layouts and font catalogs come from: a project folder (may be None), then the bundled ones.

    See resources.py for the order a project folder is found in (--root, PAPERPRESS_ROOT, above the issue).
    """

    root: Path | None
    found_by: str = "--root"

    @property
    def layouts(self) -> Path:
        """The first folder layouts are looked up in (kept for callers that want one)."""
        return self.layout_dirs[0]

    @property
    def catalog(self) -> Path:
        return self.catalogs[0]

    @property
    def layout_dirs(self) -> list[Path]:
        own = [self.root / "layouts"] if self.root is not None and (self.root / "layouts").is_dir() else []
        return [*own, resources.bundled_layouts()]

    @property
    def catalogs(self) -> list[Path]:
        own = self.root / "fonts" / "fonts.yaml" if self.root is not None else None
        return [*([own] if own is not None and own.is_file() else []), resources.bundled_catalog()]

    @classmethod
    def find(cls, start: Path | None, root: Path | None = None) -> Project:
        found, how = resources.find_root(start, root)
        return cls(found, how)

    def fontbook(self, problems: Problems) -> FontBook:
        """Every catalog's faces; a face id of the project's own catalog wins over a bundled one."""
        faces: dict[str, Face] = {}
        for catalog in reversed(self.catalogs):
            faces.update(FontBook.load(catalog, problems).faces)
        return FontBook(faces, self.catalog)


@dataclass
class Built:
    issue: Issue
    pages: list[Page]
    fits: list[Fit]
    findings: list[Finding]
    files: Spool = field(default_factory=Spool)  # relative path → bytes (large ones on disk until written)
    page_files: list[str] = field(default_factory=list)  # the print PDF of each page, in page order
    preflight: list[PreflightFinding] = field(default_factory=list)  # of the print PDFs
    typography: list[TypoFinding] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    misfits: list[Problem] = field(default_factory=list)  # copy that does not fit (built only with allow_overset)
    recovered: list[str] = field(default_factory=list)  # what the write put right from a killed build
    plans: list[Plan] = field(default_factory=list)  # each page's final module rectangles


def load(issue_path: Path, project: Project | None = None) -> tuple[Issue, FontBook]:
    """Read everything the build needs; raise InputError with every problem found."""
    project = project or Project.find(issue_path.parent)
    problems = Problems()
    fonts = project.fontbook(problems)
    issue = load_issue(issue_path, fonts, project.layout_dirs, problems)
    if issue is not None:
        check_coverage(issue, fonts, problems)
    problems.raise_if_any()
    assert issue is not None
    return issue, fonts


class DoesNotFit(InputError):
    """Text or furniture that does not fit its module (overset, a headline taller than its module): exit 4."""


def misfits(issue: Issue, fits: list[Fit], findings: list[Finding]) -> list[Problem]:
    """Every module whose copy does not fit, located at its manifest entry, with the copyfit figures."""
    where = {(spec.number, m.story.id): m.where for spec in issue.pages for m in spec.modules if m.story}
    out = []
    for f in fits:
        if f.status == "overset" or f.overflowing_lines:
            file, line, col = where.get((f.page, f.article), (str(issue.path), None, None))
            if f.lines_available <= 0:
                what = (f"the headline is taller than the module: no line is left for the body's "
                        f"{f.lines_needed} lines")
            elif f.status == "overset":
                what = (f"overset by {f.by_lines} line(s) (≈{f.by_lines * f.chars_per_line} characters): needs "
                        f"{f.lines_needed} lines, has {f.lines_available}")
            else:
                what = f"{f.overflowing_lines} line(s) wider than the column"
            out.append(Problem(file, line, col, f"page {f.page} {f.article} ({f.module}): {what}"))
    for finding in findings:
        if finding.severity == "error":
            name, _, rest = finding.where.partition(":")
            row, _, column = rest.partition(":")
            out.append(Problem(name, int(row) if row.isdigit() else None,
                               int(column) if column.isdigit() else None, finding.message))
    return out


def build(issue_path: Path, project: Project | None = None, pdfx: str | None = None,
          allow_overset: bool = False, progress: Callable[[int, int], None] | None = None,
          reading_pdf: bool = False, jobs: int | None = None, use_cache: bool = True, report_pdf: bool = False,
          compose: Callable[..., tuple[Page, list[Fit], list[Finding], Plan]] | None = None,
          render_pdf: Callable[..., bytes] | None = None,
          check_pdf: Callable[..., list[PreflightFinding]] | None = None) -> Built:
    """Read, lay out and render an issue in memory; pdfx overrides the layouts' PDF/X flavour.

    Copy that does not fit raises DoesNotFit, unless allow_overset: then the build goes on without print PDFs
    (a plate with text missing never leaves the building), and the screen PDF marks each module.
    progress(done, total) is called as each page is laid out and as each print page is rendered.
    jobs: worker processes for the output files (None: one for a small issue, else one per core);
    use_cache=False: a cold build, the persistent cache of set paragraphs neither read nor written.
    report_pdf adds report.pdf (report.html by WeasyPrint). compose, render_pdf and check_pdf stand in for
    compose_planned, render and preflight (same arguments and results): `paperpress watch` passes ones that
    keep a page's layout, a PDF and a preflight verdict while their inputs stay the same (in one process)."""
    was, writes = linecache.enabled, linecache.stats["writes"] + linecache.plain_stats["writes"]
    linecache.enabled = use_cache and was
    collecting = gc.isenabled()
    # A build makes millions of small objects and almost no cyclic garbage: the cycle collector's passes over
    # the growing heap cost about a sixth of the CPU time and free nothing (peak memory measured the same).
    gc.disable()
    try:
        hooks = Hooks(compose or compose_planned, render_pdf or render, check_pdf or preflight)
        if render_pdf is not None or check_pdf is not None:
            jobs = 1  # the stand-ins keep what they made in this process
        files = Spool()
        try:
            built = _build(issue_path, project, pdfx, allow_overset, progress, reading_pdf, jobs, report_pdf,
                           hooks, files)
        except BaseException:  # bad input, or a signal in a batch worker, which then ends without atexit
            files.close()
            raise
    finally:
        linecache.enabled = was
        if collecting:
            gc.enable()
    if linecache.stats["writes"] + linecache.plain_stats["writes"] > writes:
        linecache.trim()  # the cache stays within its size
    return built


@dataclass(frozen=True)
class Hooks:
    """The functions a build lays out, renders and checks with (watch substitutes caching ones)."""

    compose: Callable[..., tuple[Page, list[Fit], list[Finding], Plan]]
    render: Callable[..., bytes]
    check: Callable[..., list[PreflightFinding]]


def _build(issue_path: Path, project: Project | None, pdfx: str | None, allow_overset: bool,
           progress: Callable[[int, int], None] | None, reading_pdf: bool, jobs: int | None,
           report_pdf: bool, hooks: Hooks, files: Spool) -> Built:
    t0 = time.perf_counter()
    issue, fonts = load(issue_path, project)
    t1 = time.perf_counter()
    pages, fits, findings = [], [], []
    # a build time only where a layout asks for a slug line: otherwise builds stay byte-identical
    built_at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%MZ") if any(
        spec.layout.print.slug for spec in issue.pages) else ""
    steps = 2 * len(issue.pages)
    plans: list[Plan] = []
    title = f"{issue.paper} {issue.date.isoformat()}"
    workers = jobs if jobs is not None else pool.default_jobs(len(issue.pages))
    # With workers, each page's print file is rendered and preflighted ahead, on the other core, while the
    # next pages are laid out; a page whose file could not be made ahead is made with the others below.
    ahead = pool.Ahead() if workers > 1 else None
    # workers write their large files (the pages' print PDFs) into the spool's folder and hand back paths
    spool = files.folder() if workers > 1 else None
    ahead_meta: dict[int, tuple[Meta, tuple]] = {}  # what each page's file was made ahead from
    try:
        try:
            specs, planned = plan_jumps(issue.pages, fonts)
        except PlanError as e:
            raise InputError(e.problems) from None
        for index, spec in enumerate(specs):
            try:
                page, page_fits, page_findings, plan = hooks.compose(spec, issue, fonts, built_at,
                                                                     planned.get(spec.number))
            except PlanError as e:
                raise InputError(e.problems) from None
            pages.append(page)
            plans.append(plan)
            fits += page_fits
            findings += page_findings
            if progress is not None:
                progress(len(pages), steps)
            if ahead is not None:
                meta = _page_meta(title, issue, page, fits)
                ahead_meta[index] = (meta, _drawn(page))
                ahead.offer(index, _page_task(spec, page, fonts, pdfx, meta, print_file_name(issue, spec), hooks,
                                              ahead=True, spool=spool))
        # what is left of the issue's checks runs here while the child is still at work on the last pages
        link_jumps(pages, plans, {spec.number: spec.layout for spec in specs})
        findings += unused_jumps(plans)
        stories = [m.story for spec in issue.pages for m in spec.modules if m.story is not None]
        rule_sets = [spec.layout.rules for spec in issue.pages]
        built = Built(issue, pages, fits, findings, typography=typography.check(pages, stories, fonts, rule_sets),
                      plans=plans, files=files)
        built.typography += placeholders(stories)
        built.typography += typography.module_normalisations(m for spec in issue.pages for m in spec.modules)
        built.misfits = misfits(issue, fits, findings)
        if built.misfits and not allow_overset:
            raise DoesNotFit(built.misfits)
        t2 = time.perf_counter()  # (the pages made from here on count as pdf time)
        # and the pages no child took yet are made here (the results are the same wherever a task runs)
        done_ahead = {} if ahead is None else ahead.collect() if built.misfits else ahead.finish()
    finally:
        if ahead is not None:
            ahead.cancel()
    if built.misfits:
        _mark_misfits(built)
    articles = ", ".join(f.article for f in fits)
    settings = issue.pages[0].layout.print
    profile = print_profile(pdfx or settings.pdfx)
    # Every output file is an independent task (its render and, for print, its preflight): run on forked
    # workers when jobs > 1, each result put back in its place, so the bytes do not depend on the workers.
    tasks: list[Callable[[], _Result]] = []
    results_ahead: dict[int, _Result] = {}
    for index, (spec, page) in enumerate(zip(issue.pages, pages, strict=True)):
        name = f"print/{print_file_name(issue, spec)}"
        built.page_files.append(name)
        if built.misfits:
            continue
        meta = _page_meta(title, issue, page, fits)
        if index in done_ahead and _same(ahead_meta[index], (meta, _drawn(page))):  # made ahead from this input
            results_ahead[len(tasks)] = done_ahead[index]
            for record in done_ahead[index][3]:  # the page's stream, for the whole issue's file to draw again
                writer.seed_page_stream(page, fonts, record)
        tasks.append(_page_task(spec, page, fonts, pdfx, meta, print_file_name(issue, spec), hooks, spool=spool))
    page_tasks = len(tasks)
    whole = Meta(title, issue.date, keywords=articles, intent=settings.intent)
    whole_task: int | None = None
    if len(pages) > 1 and not built.misfits:
        # the whole issue repeats the pages checked above: its document and fonts are checked
        whole_task = len(tasks)
        tasks.append(_task(fonts, [(f"print/{issue.id}.pdf", pages, profile, whole)],
                           (Rules(profile.pdfx or "PDF/X-4", settings.ink_limit), False), hooks, spool=spool))
    screen = [(f"screen/{issue.id}.pdf", pages, PROFILES["screen"], whole)]
    if not built.misfits:  # an archive copy with text cut off would be a false record
        screen.append((f"archive/{issue.id}.pdf", pages, PROFILES["archive"],
                       archive_meta(issue, pages, stories, title, articles)))
    # one task: the archive reuses the screen copy's compressed streams
    tasks.append(_task(fonts, screen, None, hooks, spool=spool))

    pages_done = [0]

    def page_done(i: int) -> None:
        if progress is not None and i < page_tasks:
            pages_done[0] += 1
            progress(len(issue.pages) + pages_done[0], steps)

    for i in sorted(results_ahead):
        page_done(i)
    todo = [i for i in range(len(tasks)) if i not in results_ahead]
    # The whole issue draws the pages' streams again. Pages whose files are still to be made on the workers
    # (not made ahead, or changed since: a jump line) would be drawn twice in two workers; so then the whole
    # issue waits for them and is made here, from the streams they hand back, while the workers go on with the
    # screen copy.
    waiting = {i for i in todo if i < page_tasks}
    deferred: list[_Result] = []
    if whole_task is not None and waiting and workers > 1:
        todo.remove(whole_task)

    def finished(k: int, result: _Result) -> None:
        i = todo[k]
        page_done(i)
        if i in waiting:
            waiting.discard(i)
            if whole_task is not None and whole_task not in todo:
                for record in result[3]:
                    writer.seed_page_stream(pages[i], fonts, record)
                if not waiting:
                    deferred.append(tasks[whole_task]())

    longest_first = [i for i in todo if i >= page_tasks] + [i for i in todo if i < page_tasks]
    rest = pool.run_all([tasks[i] for i in todo], workers, order=[todo.index(i) for i in longest_first],
                        done=finished)
    results = [results_ahead[i] if i in results_ahead else deferred[0] if i not in todo else rest[todo.index(i)]
               for i in range(len(tasks))]
    preflight_s = 0.0
    for out, found, seconds, _ in results:
        for rel, data in out:
            built.files.put(rel, data)
        built.preflight += found
        preflight_s += seconds
    reading_html = reading.html(issue, fonts)
    built.files[f"reading/{issue.id}.html"] = reading_html.encode("utf-8")
    if reading_pdf:  # WeasyPrint takes a second or two: on request (build --reading-pdf)
        rendered = reading.pdf(reading_html)
        if rendered is None:
            raise InputError([Problem("--reading-pdf", None, None, "the reading PDF needs WeasyPrint: "
                                      "pip install 'paperpress[reading]'")])
        built.files[f"reading/{issue.id}.pdf"] = rendered
    built.files["archive.json"] = sidecar(issue, pages, stories, built.files)
    t3 = time.perf_counter()
    # pdf: the wall time of rendering and checking every file; preflight: the part of it spent checking, summed
    # over the workers
    built.timings = {"read": t1 - t0, "layout": t2 - t1, "pdf": t3 - t2, "preflight": preflight_s}
    built.files["report.json"] = json.dumps(report(built), ensure_ascii=False, indent=2).encode("utf-8")
    built.files["report.html"] = report_html.render(built, report(built))
    if report_pdf:  # for print-out, on request (build --report-pdf): WeasyPrint takes a second or so
        faces = issue.pages[0].layout
        rendered = report_html.pdf(built.files["report.html"], fonts[faces.style("folio-info").font].path,
                                   fonts[faces.style("runin").font].path)
        if rendered is None:
            raise InputError([Problem("--report-pdf", None, None, "the report PDF needs WeasyPrint: "
                                      "pip install 'paperpress[reading]'")])
        built.files["report.pdf"] = rendered
    return built


# files, preflight findings, seconds, and the content streams made for one-page files (a page's own print file:
# a task run in a forked process hands them back, so that the whole issue's file need not draw its pages again)
_Result = tuple[list[tuple[str, bytes | Path]], list[PreflightFinding], float, list[writer.StreamRecord]]


def _task(fonts: FontBook, files: list[tuple[str, list[Page], Profile, Meta]],
          check: tuple[Rules, bool] | None, hooks: Hooks,
          ahead_of: Sequence[tuple[Page, Profile]] = (),
          spool: Path | None = None) -> Callable[[], _Result]:
    """Render these files and preflight the first with check's (rules, content) when given; and draw the
    streams of ahead_of's pages for another file (the screen copy) to show. Given a spool folder, large files
    go into it and come back as paths."""
    draw, checker = hooks.render, hooks.check

    def run() -> _Result:
        out = [(rel, draw(doc_pages, fonts, doc_profile, meta)) for rel, doc_pages, doc_profile, meta in files]
        streams = [record for _, doc_pages, doc_profile, _ in files if len(doc_pages) == 1
                   if (record := writer.page_stream(doc_pages[0], doc_profile)) is not None]
        streams += [record for page, profile in ahead_of
                    if (record := writer.prepare(page, fonts, profile)) is not None]
        t = time.perf_counter()
        found = [] if check is None else _preflight(out[0][1], check[0], out[0][0], check[1], checker)
        return hand_over(out, spool), found, time.perf_counter() - t, streams
    return run


def _preflight(data: bytes, rules: Rules, name: str, content: bool,
               checker: Callable[..., list[PreflightFinding]] = preflight) -> list[PreflightFinding]:
    """The preflight's findings for a print file; from the cache when these very bytes were checked before."""
    import hashlib

    def check() -> list[tuple]:
        return [(f.severity, f.file, f.page, f.rule, f.message)
                for f in checker(data, rules, name=name, content=content)]

    found = linecache.value("preflight", (hashlib.sha256(data).hexdigest(), repr(rules), name, content), check)
    if not (isinstance(found, list) and all(isinstance(f, tuple) and len(f) == 5 for f in found)):
        found = check()
    return [PreflightFinding(*f) for f in found]


def _drawn(page: Page) -> tuple:
    """What a page's print file is made of: its number and name (its metadata) and what its content stream is
    drawn from (writer.snapshot: not its links and bookmarks, as a print file has neither annotations nor an
    outline: no print profile is tagged or has one), so that a jump line's link pointed at its other part after
    layout leaves the file as made."""
    assert not any(p.outline or p.tagged for p in PROFILES.values() if p.name.startswith("print"))
    return (page.number, page.name, writer.snapshot(page))


def _same(a: tuple[Meta, tuple], b: tuple[Meta, tuple]) -> bool:
    """The same metadata, and the page drawn from the very same items (nothing changed it after layout)."""
    (meta_a, (number_a, name_a, drawn_a)), (meta_b, (number_b, name_b, drawn_b)) = a, b
    return meta_a == meta_b and (number_a, name_a) == (number_b, name_b) and writer.unchanged(drawn_a, drawn_b)


def _page_meta(title: str, issue: Issue, page: Page, fits: list[Fit]) -> Meta:
    spec = next(s for s in issue.pages if s.number == page.number)
    return Meta(f"{title} 第{page.number}版 {page.name}", issue.date, subject=page.name,
                keywords=", ".join(f.article for f in fits if f.page == page.number), intent=spec.layout.print.intent)


def _page_task(spec: PageSpec, page: Page, fonts: FontBook, pdfx: str | None, meta: Meta,
               file_name: str, hooks: Hooks, ahead: bool = False,
               spool: Path | None = None) -> Callable[[], _Result]:
    """One page's print file and its preflight (with its own layout's rules). Made ahead (on the spare core,
    while later pages are laid out), it draws the page's screen stream too, for the screen and archive copies:
    only with our own renderer (a stand-in keeps its own PDFs)."""
    ps = spec.layout.print
    page_profile = print_profile(pdfx or ps.pdfx)
    screen = [(page, PROFILES["screen"])] if ahead and hooks.render is render else []
    return _task(fonts, [(f"print/{file_name}", [page], page_profile, meta)],
                 (Rules(page_profile.pdfx or "PDF/X-4", ps.ink_limit), True), hooks, screen, spool)


def _mark_misfits(built: Built) -> None:
    """An overset mark on the screen pages: a red frame on the module's foot and its figures."""
    from .model import Rect
    from .units import pt

    for spec, page, plan in zip(built.issue.pages, built.pages, built.plans, strict=True):
        layout = spec.layout
        for m in (p.module for p in plan.placed):  # the final rectangles: auto geometry filled in
            if m.story is None or m.line is None or m.lines is None:
                continue
            if not any(p.message.startswith(f"page {spec.number} {m.story.id} ") for p in built.misfits):
                continue
            x = layout.column_x(m.column)
            w = layout.column_x(m.column + m.span - 1) + layout.col_w - x
            y = layout.grid_top + (m.line + m.lines - 1) * layout.pitch
            page.items.append(Rect(x, y, w, layout.pitch, stroke=OVERSET_MARK, stroke_width=pt(2)))


OVERSET_MARK = (0.0, 1.0, 1.0, 0.0)  # proof red: only ever on a screen PDF, print files are not written


def _relative(where: str, base: str) -> str:
    """A location as the report gives it: relative to the issue folder, whatever path the build was given."""
    prefix = base.rstrip("/") + "/"
    return where[len(prefix):] if where.startswith(prefix) else where


def report(built: Built) -> dict:
    """The report's content: the same input gives the same bytes (no timings, no absolute paths)."""
    issue = built.issue
    base = str(issue.path.parent)
    pages = []
    for spec, page, pfile in zip(issue.pages, built.pages, built.page_files, strict=True):
        mods = []
        for f in built.fits:
            if f.page != page.number:
                continue
            entry = {"article": f.article, "module": f.module, "status": f.status,
                     "lines_available": f.lines_available, "lines_needed": f.lines_needed}
            if f.status == "short":
                entry["short_by_lines"] = f.by_lines
                entry["short_by_chars"] = f.by_lines * f.chars_per_line
            elif f.status == "overset":
                entry["overset_lines"] = f.by_lines
                entry["overset_chars"] = f.by_lines * f.chars_per_line
            entry.update(_placed_fields(f))
            mods.append(entry)
        heads = [m.head for m in spec.modules if m.story is None]
        entry = {"number": page.number, "name": page.name, "layout": spec.layout.name,
                 "file": pfile, "modules": mods, "column_heads": heads}
        plan = next((p for p in built.plans if p.page == page.number), None)
        if plan is not None:
            entry["unused_grid_cells"] = plan.unused_cells
        pages.append(entry)
    return {"issue": issue.id, "paper": issue.paper, "date": issue.date.isoformat(), "number": issue.number,
            "pages": pages,
            "overset": [_relative(str(p), base) for p in built.misfits],
            "preflight": {"passed": not any(f.severity == "error" for f in built.preflight) and not built.misfits,
                          "findings": [str(f) for f in built.preflight]},
            "typography": [{"severity": f.severity, "article": f.article, "where": _relative(f.where, base),
                            "rule": f.rule, "message": f.message} for f in built.typography],
            "findings": [{"severity": f.severity, "where": _relative(f.where, base), "message": f.message}
                         for f in built.findings],
            "outputs": sorted(k for k in built.files if k != "report.json")}


def protected_folders(issue: Issue, project: Project) -> list[Path]:
    """What a build reads and must never write into, replace or delete: sources, layouts, fonts, profiles."""
    folders = [issue.path.parent, *project.layout_dirs, *(c.parent for c in project.catalogs),
               resources.bundled_profiles()]
    if project.root is not None:
        folders += [project.root / "layouts", project.root / "fonts", project.root / "profiles"]
    return [Path(str(f)).resolve() for f in folders]


def check_output_folder(out_dir: Path, issue: Issue, project: Project) -> None:
    """Refuse an output folder that is, contains or lies inside a source folder (exit 2, nothing written)."""
    out = out_dir.resolve()
    final = out / issue.id
    for src in protected_folders(issue, project):
        for target in (out, final):
            if target == src or target.is_relative_to(src) or src.is_relative_to(target):
                rel = "is" if target == src else ("lies inside" if target.is_relative_to(src) else "contains")
                raise InputError([Problem(str(out_dir), None, None,
                                          f"the output folder {rel} {src}, which the build reads: choose "
                                          "another, e.g. -o output")])


def _inside(path: Path, folder: Path) -> Path:
    """path, proven to lie inside folder once resolved (whatever a pattern or id made of it)."""
    resolved = path.resolve()
    if not resolved.is_relative_to(folder.resolve()):
        raise OSError(f"refusing to write {path}: outside the output folder {folder}")
    return resolved


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Builds into one output folder take turns: an exclusive lock on the folder itself (no lock file)."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM wait while the output is swapped (a kill -9 is what recovery is for)."""
    held = {signal.SIGINT, signal.SIGTERM}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2 RENAME_EXCHANGE); False where the system cannot."""
    fn = getattr(_LIBC, "renameat2", None) if _LIBC is not None else None
    if fn is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


try:
    _LIBC: ctypes.CDLL | None = ctypes.CDLL(None, use_errno=True)
except OSError:  # pragma: no cover - no C library to call
    _LIBC = None


def recover(out_dir: Path, issue_id: str) -> list[str]:
    """Put right what a killed build left: restore the previous output if the final path is missing, then
    remove stale temporary folders. Call with the folder locked. Returns what was done, for the log."""
    final = out_dir / issue_id
    done = []
    for old in sorted(out_dir.glob(f".{issue_id}.old-*")):
        previous = old / "previous"
        if not final.exists() and previous.is_dir():
            os.rename(previous, final)
            done.append(f"restored the previous output from {old.name}")
    for stale in sorted([*out_dir.glob(f".{issue_id}.old-*"), *out_dir.glob(f".{issue_id}.tmp-*")]):
        shutil.rmtree(stale, ignore_errors=True)
        done.append(f"removed {stale.name}, left by a build that was stopped")
    return done


class WriteError(OSError):
    """The output could not be written; says whether the previous output is still in place."""


def _placed_fields(f: Fit) -> dict:
    """A module's final rectangle and copyfit, in the editor's units."""
    p = f.placed
    if p is None:
        return {}
    column, span, line, lines = p.rect
    out = {"column": column, "span": span, "line": line, "lines": lines, "box": p.module.box,
           "body_columns": p.module.body_columns, "means": list(p.means),
           "auto": {"line": p.auto_line, "lines": p.auto_lines}, "grid_lines_needed": p.lines_needed,
           "grid_lines_available": lines}
    out["message"] = fit_message(f)
    out["continues_on"] = p.continues_on
    out["continued_from"] = p.continued_from
    if p.cut is not None:
        out["cut"] = {"paragraph": p.cut[0] + 1, "character": p.cut[1]}
    return out


def fit_message(f: Fit) -> str:
    """How an article fits its module, in the editor's units."""
    p = f.placed
    if f.status == "short":
        text = f"short by {f.by_lines} lines (≈{f.by_lines * f.chars_per_line} characters)"
    elif f.status == "overset":
        need = f" needs {p.lines_needed} grid lines, has {p.rect[3]} —" if p is not None else ""
        text = f"{need} {f.by_lines} body lines over, ≈{f.by_lines * f.chars_per_line} characters".strip()
    else:
        text = "fits"
    if p is not None and p.cut is not None:
        text += f"; cut in paragraph {p.cut[0] + 1}, continues on page {p.continues_on}"
    if p is not None and p.continued_from is not None:
        text += f"; continued from page {p.continued_from}"
    if p is not None and p.means:
        text += f" (copyfit: {', '.join(p.means)})"
    return text


def fit_table(built: Built) -> list[str]:
    """One line per article module: page, article, final rectangle, and how it fits."""
    return [f"page {f.page} {f.article:24} {f.module:28} {fit_message(f)}" for f in built.fits]


def write_atomically(built: Built, out_dir: Path) -> Path:
    """Write every file into a temporary folder, then swap it in: at any instant the final path holds either
    the previous or the new complete output; builds into one folder serialise on a lock."""
    out_dir.mkdir(parents=True, exist_ok=True)
    issue_id = built.issue.id
    final = out_dir / issue_id
    with _locked(out_dir):
        built.recovered = recover(out_dir, issue_id)
        tmp = Path(tempfile.mkdtemp(prefix=f".{issue_id}.tmp-", dir=out_dir))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes it private; the issue folder is for the newsroom
        try:
            for rel, data in built.files.items():
                p = _inside(tmp / rel, tmp)
                p.parent.mkdir(parents=True, exist_ok=True)
                p.write_bytes(data)
        except BaseException as e:
            shutil.rmtree(tmp, ignore_errors=True)
            if isinstance(e, OSError):
                raise WriteError(f"{e.strerror or e}; the previous output is untouched") from e
            raise
        with _signals_held():
            try:
                if not final.exists():
                    os.rename(tmp, final)
                elif _exchange(tmp, final):
                    shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the previous output
                else:  # two renames; a kill between them is put right by recover() at the next build
                    old = Path(tempfile.mkdtemp(prefix=f".{issue_id}.old-", dir=out_dir))
                    os.rename(final, old / "previous")
                    os.rename(tmp, final)
                    shutil.rmtree(old, ignore_errors=True)
            except OSError as e:
                recover(out_dir, issue_id)  # puts the previous output back if it had been moved aside
                shutil.rmtree(tmp, ignore_errors=True)
                state = "the previous output is untouched" if final.exists() else "there was no previous output"
                raise WriteError(f"{e.strerror or e}; {state}") from e
    return final
