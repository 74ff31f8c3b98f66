"""Compose a page: folio header, then each module on its grid rectangle (headline, byline, body columns)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..fonts import FontBook
from ..manifest import Issue, Layout, Module, PageSpec, Style
from ..model import Bookmark, Glyph, GlyphRun, LineInfo, Link, Page, Rect, Rule
from ..stories import Story
from ..units import pt
from .figures import _figure
from .flow import slots_used
from .folio import WEEKDAYS, _folio, _slug
from .grid import ASCENT, Finding, Grid, _put, centred_baseline
from .heads import _column_head, _vertical_text
from .measure import JUMP_BACK, JUMP_MARK, Measured, measure_story, styles_for
from .plan import Placed, Plan, plan_page
from .table import TableLine, place_table_line

__all__ = ["ASCENT", "WEEKDAYS", "Finding", "Fit", "Grid", "centred_baseline", "compose_page"]

@dataclass(frozen=True)
class Fit:
    """How an article fits its module: the layout editor's copyfit figures."""

    article: str
    page: int
    module: str  # grid rectangle, e.g. "columns 1–4, lines 1–30"
    lines_available: int
    lines_needed: int
    chars_per_line: int
    overflowing_lines: int  # lines set wider than their measure (should be 0)
    placed: Placed | None = None  # the plan's rectangle and copyfit decisions

    @property
    def status(self) -> str:
        if self.lines_needed > self.lines_available:
            return "overset"
        if self.lines_needed < self.lines_available:
            return "short"
        return "fits"

    @property
    def by_lines(self) -> int:
        return abs(self.lines_available - self.lines_needed)


def compose_page(spec: PageSpec, issue: Issue, fonts: FontBook,
                 built_at: str = "") -> tuple[Page, list[Fit], list[Finding]]:
    """Lay out one page; built_at (a timestamp) goes into the slug line when the layout asks for one."""
    page, fits, findings, _ = compose_planned(spec, issue, fonts, built_at)
    return page, fits, findings


def compose_planned(spec: PageSpec, issue: Issue, fonts: FontBook, built_at: str = "",
                    plan: Plan | None = None) -> tuple[Page, list[Fit], list[Finding], Plan]:
    """Plan the page (final rectangles, copyfit) unless a plan is given, then place it into the page's items."""
    if plan is None:
        plan = plan_page(spec, fonts)
    layout = spec.layout
    page = Page(spec.number, spec.name, layout.trim_w, layout.trim_h, layout.bleed,
                grid_origin=layout.grid_top, grid_pitch=layout.pitch)
    page.items.append(Bookmark(f"第{spec.number}版 {spec.name}", 0, 0))
    _folio(page, spec, issue, fonts)
    if layout.print.slug:
        _slug(page, spec, issue, fonts, built_at)
    fits: list[Fit] = []
    findings: list[Finding] = []
    for p in plan.placed:
        module = p.module
        if module.story is not None:
            fit = _article(page, spec, module, layout, fonts, p.measured, p)
            fits.append(dataclasses.replace(fit, placed=p))
        elif module.figure is not None:
            findings += _figure(page, module, layout, fonts)
        elif module.furniture is not None:
            from .furniture import place, place_masthead  # ReportLab loads only for pages with furniture

            if module.furniture[0] == "masthead":
                place_masthead(page, module, layout, fonts, issue)
            elif module.furniture[0] == "front-masthead":  # the layout's own masthead (layout/masthead.py)
                from .masthead import place_front_masthead

                findings += place_front_masthead(page, layout, issue, fonts)
            else:
                place(page, module, layout, fonts)
        else:
            _column_head(page, module, layout, fonts)
    _separators(page, tuple(p.module for p in plan.placed), layout)
    return page, fits, findings, plan


def _separators(page: Page, modules: tuple[Module, ...], layout: Layout) -> None:
    """Hairlines between neighbouring articles: in the gutter beside, on the band edge below.

    Framed modules and column heads carry their own edge, so they get none.
    """
    grid = Grid(layout)
    plain = [m for m in modules if m.story is not None and not m.box]
    width = pt(0.5)
    for a in plain:
        for b in plain:
            assert a.line is not None and a.lines is not None and b.line is not None and b.lines is not None
            top, bottom = max(a.line, b.line), min(a.line + a.lines, b.line + b.lines)
            if b.column == a.column + a.span and top < bottom:
                x = grid.x(b.column) - layout.gutter // 2
                page.items.append(Rule(x, grid.band_top(top), x, grid.band_top(bottom), width))
            left, right = max(a.column, b.column), min(a.column + a.span, b.column + b.span)
            if b.line == a.line + a.lines and left < right:
                y = grid.band_top(b.line)
                page.items.append(Rule(grid.x(left), y, grid.x(right - 1) + layout.col_w, y, width))


def _article(page: Page, spec: PageSpec, module: Module, layout: Layout, fonts: FontBook,
             m: Measured | None = None, placed: Placed | None = None) -> Fit:
    story = module.story
    assert story is not None and module.line is not None and module.lines is not None
    if m is None:
        m = measure_story(story, module.span, module.body_columns, module.box, module.vertical, layout, fonts)
    grid = Grid(layout)
    em = layout.em
    x0, width = grid.x(module.column), grid.width(module.span)
    first_line, last_line = module.line, module.line + module.lines - 1
    if module.box:
        # the frame takes half a band and half a character; text stays on whole characters and lines
        top = grid.band_top(first_line) + layout.pitch // 2
        bottom = grid.band_top(last_line + 1) - layout.pitch // 2
        page.items.append(Rect(x0 + em // 4, top, width - em // 2, bottom - top,
                               stroke=layout.style("kicker").color, stroke_width=pt(0.75)))
        x0, width = x0 + em, width - 2 * em
        first_line, last_line = first_line + 1, last_line - 1
    page.items.append(Bookmark(story.title or story.kicker or _first_words(story), grid.band_top(first_line), 1))

    if m.vertical_parts:
        # a vertical headline (竖排标题) hangs in the module's last grid column: kicker outermost (right),
        # then title, then subtitle; the body takes the columns to its left
        widths = [style.size * 3 // 2 for _, style in m.vertical_parts]  # each line with its half-em of air
        right = x0 + width - (layout.col_w - sum(widths)) // 2  # the lines centred in the strip
        top = grid.band_top(first_line) + layout.pitch // 2
        for k, ((text, style), w) in enumerate(zip(m.vertical_parts, widths, strict=True)):
            _vertical_text(page, text, fonts, style, right - w // 2, top, grid.band_top(last_line + 1) - top,
                           style.color, centred=False, tag=(story.id, "H", -1 - k))
            right -= w
    width = m.width

    # headline block: kicker, title, subtitle centred across the module, whole grid lines tall
    line_no = first_line
    if m.heads:
        block = sum(style.leading for _, style in m.heads)
        y = grid.band_top(line_no) + (m.head_bands * layout.pitch - block) // 2
        for (line, style), k in zip(m.heads, m.head_of, strict=True):
            base = centred_baseline(y, style.leading, style.size)
            _put(page, line, x0 + (width - line.used) // 2, base, style, tag=(story.id, "H", -1 - k))
            y += style.leading
        line_no += m.head_bands
    if m.byline is not None:
        style = layout.style("byline")
        _put(page, m.byline, x0 + (width - m.byline.used) // 2, grid.baseline(line_no, style.size), style,
             tag=(story.id, "Byline", -10))
        line_no += m.byline_rows

    # body: paragraphs set to the body column measure, flowed column by column
    body_style, runin = styles_for(story.kind, layout)
    cols, measure, col_gap, lines = m.cols, m.measure, m.col_gap, m.body
    para_of, flush_right = m.para_of, m.flush_right
    rows = last_line - line_no + 1
    capacity = rows * cols
    per_col = m.body_rows(rows)
    if module.box:  # a short boxed item sits in the middle of its box, still on the grid
        line_no += (rows - per_col) // 2
    overflowing = 0
    slots = m.flow(per_col)  # kept subheads and table rows, repeated table headers (layout/flow.py)
    for k, c, r, repeated in slots:
        if c >= cols:
            break
        line, first_of_para, where = lines[k]
        cx = x0 + c * (measure + col_gap)
        if isinstance(line, TableLine):
            place_table_line(page, line, cx, grid.band_top(line_no + r), grid.baseline(line_no + r), layout,
                             body_style, runin, tag=None if repeated else (story.id, "P", para_of[k]))
            continue
        indent = 2 * em if first_of_para else flush_right.get(k, 0)
        base = grid.baseline(line_no + r)
        if first_of_para:
            _indent(page, fonts, body_style, cx, base, indent, (story.id, "P", para_of[k]))
        _put(page, line, cx + indent, base, body_style, runin, tag=(story.id, "P", para_of[k]))
        if para_of[k] in (JUMP_MARK, JUMP_BACK) and placed is not None:  # the jump line links to the other part
            to = placed.continues_on if para_of[k] == JUMP_MARK else placed.continued_from
            page.items.append(Link(cx + indent, base - layout.em * 88 // 100, line.used, layout.em,
                                   dest_page=to or 0, article=story.id))
        start = cx + indent + min((g.x for _, _, gs in line.glyphs for g in gs[:1]), default=0)
        if line.used > line.width:
            overflowing += 1
        widow = r == 0 and c > 0 and line.final and not first_of_para and k not in m.keep
        page.lines.append(LineInfo(story.id, cx, cx + measure, base, start, cx + indent + line.used,
                                   line.final, line.text, line.ratio, where, widow))
    return Fit(story.id, spec.number,
               f"columns {module.column}–{module.column + module.span - 1}, "
               f"lines {module.line}–{module.line + module.lines - 1}",
               capacity, slots_used(slots, per_col), m.chars, overflowing)


def _indent(page: Page, fonts: FontBook, style: Style, x: int, baseline: int, width: int,
            tag: tuple[str, str, int]) -> None:
    """A paragraph's first-line indent set as ideographic spaces (U+3000, blank glyphs) rather than as a bare
    offset: the text holds the indent as Chinese text does, and a reader that groups lines into blocks by
    their left edges (pdfminer's layout analysis) keeps the paragraph with the lines above it."""
    face = fonts[style.font]
    if not face.has("\u3000"):
        return
    gid, adv = face.glyph("\u3000")
    step = adv * style.size // face.upem
    n = width // step if step else 0
    if n:
        glyphs = tuple(Glyph(gid, i * step, "\u3000") for i in range(n))
        page.items.append(GlyphRun(style.font, style.size, x, baseline, glyphs, style.color, article=tag[0],
                                   role=tag[1], para=tag[2]))


def _first_words(story: Story) -> str:
    return story.paragraphs[0].text[:12] + "…"
