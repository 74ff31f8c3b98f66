"""The build: manifest → stories → coverage → layout → PDFs and report, written atomically."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import typography
from .coverage import check_coverage
from .errors import InputError, Problems
from .fonts import FontBook
from .layout.compose import Finding, Fit, compose_planned
from .layout.plan import Plan, PlanError
from .manifest import Issue, load_issue
from .model import Page
from .pdf.writer import PROFILES, Meta, print_profile, render
from .preflight import Finding as PreflightFinding
from .preflight import Rules, preflight
from .typography import TypoFinding


@dataclass
class Project:
    """Where layouts and the font catalog live: the nearest folder above the issue that has both."""

    root: Path

    @property
    def layouts(self) -> Path:
        return self.root / "layouts"

    @property
    def catalog(self) -> Path:
        return self.root / "fonts" / "fonts.yaml"

    @classmethod
    def find(cls, start: Path) -> Project:
        for d in [start.resolve(), *start.resolve().parents]:
            if (d / "layouts").is_dir() and (d / "fonts" / "fonts.yaml").is_file():
                return cls(d)
        return cls(Path.cwd())


@dataclass
class Built:
    issue: Issue
    pages: list[Page]
    fits: list[Fit]
    findings: list[Finding]
    files: dict[str, bytes] = field(default_factory=dict)  # relative path → bytes
    page_files: list[str] = field(default_factory=list)  # the print PDF of each page, in page order
    preflight: list[PreflightFinding] = field(default_factory=list)  # of the print PDFs
    typography: list[TypoFinding] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    plans: list[Plan] = field(default_factory=list)  # each page's final module rectangles


def load(issue_path: Path, project: Project | None = None) -> tuple[Issue, FontBook]:
    """Read everything the build needs; raise InputError with every problem found."""
    project = project or Project.find(issue_path.parent)
    problems = Problems()
    fonts = FontBook.load(project.catalog, problems)
    issue = load_issue(issue_path, fonts, project.layouts, problems)
    if issue is not None:
        check_coverage(issue, fonts, problems)
    problems.raise_if_any()
    assert issue is not None
    return issue, fonts


def file_name(issue: Issue, page: Page, pattern: str) -> str:
    """The plate-setter's name for a page's PDF, from the layout's print.file-name pattern."""
    return pattern.format(issue=issue.id, code=issue.code, date=f"{issue.date:%Y%m%d}", page=page.number)


def build(issue_path: Path, project: Project | None = None, pdfx: str | None = None) -> Built:
    """Read, lay out and render an issue in memory; pdfx overrides the layouts' PDF/X flavour."""
    t0 = time.perf_counter()
    issue, fonts = load(issue_path, project)
    t1 = time.perf_counter()
    pages, fits, findings = [], [], []
    # a build time only where a layout asks for a slug line: otherwise builds stay byte-identical
    built_at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%MZ") if any(
        spec.layout.print.slug for spec in issue.pages) else ""
    plans: list[Plan] = []
    for spec in issue.pages:
        try:
            page, page_fits, page_findings, plan = compose_planned(spec, issue, fonts, built_at)
        except PlanError as e:
            raise InputError(e.problems) from None
        pages.append(page)
        plans.append(plan)
        fits += page_fits
        findings += page_findings
    stories = [m.story for spec in issue.pages for m in spec.modules if m.story is not None]
    rule_sets = [spec.layout.rules for spec in issue.pages]
    built = Built(issue, pages, fits, findings, typography=typography.check(pages, stories, fonts, rule_sets),
                  plans=plans)
    t2 = time.perf_counter()
    title = f"{issue.paper} {issue.date.isoformat()}"
    articles = ", ".join(f.article for f in fits)
    settings = issue.pages[0].layout.print
    profile = print_profile(pdfx or settings.pdfx)
    checks: list[tuple[str, Rules]] = []  # each print file with the rules of its own layout
    for spec, page in zip(issue.pages, pages, strict=True):
        ps = spec.layout.print
        meta = Meta(f"{title} 第{page.number}版 {page.name}", issue.date, subject=page.name,
                    keywords=", ".join(f.article for f in fits if f.page == page.number), intent=ps.intent)
        name = f"print/{file_name(issue, page, ps.file_name)}"
        page_profile = print_profile(pdfx or ps.pdfx)
        built.files[name] = render([page], fonts, page_profile, meta)
        built.page_files.append(name)
        checks.append((name, Rules(page_profile.pdfx or "PDF/X-4", ps.ink_limit)))
    whole = Meta(title, issue.date, keywords=articles, intent=settings.intent)
    if len(pages) > 1:
        built.files[f"print/{issue.id}.pdf"] = render(pages, fonts, profile, whole)
    built.files[f"screen/{issue.id}.pdf"] = render(pages, fonts, PROFILES["screen"], whole)
    t3 = time.perf_counter()
    for rel, rules in checks:
        built.preflight += preflight(built.files[rel], rules, name=rel)
    if len(pages) > 1:  # the whole issue repeats the pages checked above: its document and fonts are checked
        rel = f"print/{issue.id}.pdf"
        rules = Rules(profile.pdfx or "PDF/X-4", settings.ink_limit)
        built.preflight += preflight(built.files[rel], rules, name=rel, content=False)
    t4 = time.perf_counter()
    built.timings = {"read": t1 - t0, "layout": t2 - t1, "pdf": t3 - t2, "preflight": t4 - t3}
    built.files["report.json"] = json.dumps(report(built), ensure_ascii=False, indent=2).encode("utf-8")
    return built


def report(built: Built) -> dict:
    issue = built.issue
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
            "preflight": {"passed": not any(f.severity == "error" for f in built.preflight),
                          "findings": [str(f) for f in built.preflight]},
            "typography": [{"severity": f.severity, "article": f.article, "where": f.where, "rule": f.rule,
                            "message": f.message} for f in built.typography],
            "findings": [{"severity": f.severity, "where": f.where, "message": f.message} for f in built.findings],
            "outputs": sorted(k for k in built.files if k != "report.json"),
            "timings_seconds": {k: round(v, 4) for k, v in built.timings.items()}}


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
    if f.status == "short":
        out["message"] = f"short by {f.by_lines} lines (≈{f.by_lines * f.chars_per_line} characters)"
    elif f.status == "overset":
        out["message"] = (f"needs {p.lines_needed} grid lines, has {lines} — {f.by_lines} body lines over, "
                          f"≈{f.by_lines * f.chars_per_line} characters")
    else:
        out["message"] = f.status
    return out


def write_atomically(built: Built, out_dir: Path) -> Path:
    """Write every file into a temporary folder, then swap it in: never a half-written issue."""
    out_dir.mkdir(parents=True, exist_ok=True)
    final = out_dir / built.issue.id
    tmp = Path(tempfile.mkdtemp(prefix=f".{built.issue.id}.tmp-", dir=out_dir))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes it private; the issue folder is for the newsroom
    try:
        for rel, data in built.files.items():
            p = tmp / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)
        old = None
        if final.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{built.issue.id}.old-", dir=out_dir))
            os.rename(final, old / "previous")
        os.rename(tmp, final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final
