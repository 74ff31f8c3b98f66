"""Compose a page: folio header, then each module on its grid rectangle (headline, byline, body columns)."""

from __future__ import annotations

from dataclasses import dataclass

from ..fonts import FontBook
from ..linebreak.breaker import Line
from ..manifest import Issue, Layout, Module, PageSpec, Style
from ..model import WHITE, Bookmark, LineInfo, Page, Rect, Rule
from ..units import pt
from .text import headline_lines, line_runs, set_text

WEEKDAYS = "一二三四五六日"
ASCENT = 0.88  # the ideographic em box sits 0.88 em above and 0.12 em below the baseline


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


class Grid:
    """The page's character grid: column edges and baseline bands."""

    def __init__(self, layout: Layout):
        self.l = layout

    def band_top(self, line: int) -> int:
        return self.l.grid_top + (line - 1) * self.l.pitch

    def baseline(self, line: int, size: int | None = None) -> int:
        """Baseline of a grid line for text of the given size: its em box centred in the band."""
        size = size or self.l.em
        return self.band_top(line) + (self.l.pitch - size) // 2 + round(ASCENT * size)

    def x(self, col: int) -> int:
        return self.l.column_x(col)

    def width(self, span: int) -> int:
        return span * self.l.col_w + (span - 1) * self.l.gutter


def compose_page(spec: PageSpec, issue: Issue, fonts: FontBook) -> tuple[Page, list[Fit]]:
    layout = spec.layout
    page = Page(spec.number, spec.name, layout.trim_w, layout.trim_h, layout.bleed,
                grid_origin=layout.grid_top, grid_pitch=layout.pitch)
    page.items.append(Bookmark(f"第{spec.number}版 {spec.name}", 0, 0))
    _folio(page, spec, issue, fonts)
    fits = []
    for module in spec.modules:
        if module.story is None:
            _column_head(page, module, layout, fonts)
        else:
            fits.append(_article(page, spec, module, layout, fonts))
    return page, fits


def _colors(layout: Layout, *styles: Style) -> dict[str, tuple[float, float, float, float]]:
    return {s.font: s.color for s in styles}


def _put(page: Page, line: Line, x: int, baseline: int, *styles: Style) -> None:
    colors = {s.font: s.color for s in styles}
    page.items.extend(line_runs(line, x, baseline, colors))


def _folio(page: Page, spec: PageSpec, issue: Issue, fonts: FontBook) -> None:
    """The page header (版头): page name, paper, date with weekday, page number, editor; a double rule."""
    layout = spec.layout
    left, width = layout.margin_left, layout.area_w
    bottom = layout.grid_top - layout.pitch // 2
    s_page, s_paper, s_info = layout.style("folio-page"), layout.style("folio-paper"), layout.style("folio-info")
    # the double rule (文武线) closing the header: thick over thin
    page.items.append(Rule(left, bottom - pt(3.5), left + width, bottom - pt(3.5), pt(2.0), s_page.color))
    page.items.append(Rule(left, bottom - pt(0.9), left + width, bottom - pt(0.9), pt(0.5), s_page.color))
    base = bottom - pt(3.5) - pt(6)
    name = headline_lines(fonts, layout, page.name, s_page, width)[0]
    _put(page, name, left, base, s_page)
    d = issue.date
    info = f"{d.year}年{d.month}月{d.day}日　星期{WEEKDAYS[d.weekday()]}"
    if spec.editor:
        info += f"　　{spec.editor}"
    right_parts = [(issue.paper, s_paper), (f"第{spec.number}版", s_page)]
    x = left + width
    for text, style in reversed(right_parts):
        line = headline_lines(fonts, layout, text, style, width)[0]
        x -= line.used
        _put(page, line, x, base, style)
        x -= layout.em * 2
    info_line = headline_lines(fonts, layout, info, s_info, width)[0]
    _put(page, info_line, left + width - info_line.used, base - s_page.size - pt(2), s_info)


def _column_head(page: Page, module: Module, layout: Layout, fonts: FontBook) -> None:
    """A column head (栏头): the column's name reversed out of a solid band."""
    grid = Grid(layout)
    style = layout.style("head")
    x0, w = grid.x(module.column), grid.width(module.span)
    top = grid.band_top(module.line)
    h = module.lines * layout.pitch
    fill = layout.colors.get("accent", (0.0, 0.0, 0.0, 1.0))
    page.items.append(Rect(x0, top + layout.pitch // 4, w, h - layout.pitch // 2, fill=fill))
    lines = headline_lines(fonts, layout, module.head or "", style, w - 2 * layout.em)
    block = len(lines) * style.leading
    y = top + (h - block) // 2
    for line in lines:
        base = y + (style.leading - style.size) // 2 + round(ASCENT * style.size)
        page.items.extend(line_runs(line, x0 + (w - line.used) // 2, base, {style.font: WHITE}))
        y += style.leading


def _styles_for(kind: str, layout: Layout) -> tuple[Style, Style]:
    """(body, run-in) styles for an article kind."""
    if kind == "editors-note":
        return layout.style("note"), layout.style("note-label")
    return layout.style("body"), layout.style("runin")


def _article(page: Page, spec: PageSpec, module: Module, layout: Layout, fonts: FontBook) -> Fit:
    story = module.story
    assert story is not None
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

    # headline block: kicker, title, subtitle centred across the module, whole grid lines tall
    heads: list[tuple[Line, Style]] = []
    for field, sname in (("kicker", "kicker"), ("title", "title"), ("subtitle", "subtitle")):
        text = getattr(story, field)
        if text:
            style = layout.style(f"{story.kind}.{sname}") if f"{story.kind}.{sname}" in layout.styles \
                else layout.style(sname)
            heads += [(line, style) for line in headline_lines(fonts, layout, text, style, width - 2 * em)]
    line_no = first_line
    if heads:
        block = sum(style.leading for _, style in heads)
        bands = -(-(block + layout.pitch) // layout.pitch)
        y = grid.band_top(line_no) + (bands * layout.pitch - block) // 2
        for line, style in heads:
            base = y + (style.leading - style.size) // 2 + round(ASCENT * style.size)
            _put(page, line, x0 + (width - line.used) // 2, base, style)
            y += style.leading
        line_no += bands
    if story.byline:
        style = layout.style("byline")
        line = headline_lines(fonts, layout, story.byline, style, width)[0]
        _put(page, line, x0 + (width - line.used) // 2, grid.baseline(line_no, style.size), style)
        line_no += 2 if heads else 1

    # body: paragraphs set to the body column measure, flowed column by column
    body_style, runin = _styles_for(story.kind, layout)
    cols = module.body_columns
    chars_total = width // em
    chars = (chars_total - (cols - 1) * layout.gutter_chars) // cols
    measure = chars * em
    col_gap = (width - cols * measure) // max(cols - 1, 1)
    lines: list[tuple[Line, bool]] = []
    for i, para in enumerate(story.paragraphs):
        parts = [(r.text, runin if r.bold else body_style) for r in para.runs]
        label = story.dateline if story.kind != "editors-note" else "编者按"
        if i == 0 and label:
            parts = [(label, runin), ("\u3000", body_style)] + parts
        setp = set_text(fonts, layout, parts, measure - 2 * em, measure)
        for j, line in enumerate(setp.lines):
            lines.append((line, j == 0))
    rows = last_line - line_no + 1
    capacity = rows * cols
    # balanced columns; a short boxed item sits in the middle of its box, still on the grid
    per_col = min(rows, max(1, -(-len(lines) // cols)))
    if module.box:
        line_no += (rows - per_col) // 2
    overflowing = 0
    for k, (line, first_of_para) in enumerate(lines[: per_col * cols]):
        c, r = divmod(k, per_col)
        cx = x0 + c * (measure + col_gap)
        indent = 2 * em if first_of_para else 0
        base = grid.baseline(line_no + r)
        _put(page, line, cx + indent, base, body_style, runin)
        start = cx + indent + min((g.x for _, _, gs in line.glyphs for g in gs[:1]), default=0)
        if line.used > line.width:
            overflowing += 1
        page.lines.append(LineInfo(story.id, cx, cx + measure, base, start, cx + indent + line.used,
                                   line.final, line.text))
    return Fit(story.id, spec.number,
               f"columns {module.column}–{module.column + module.span - 1}, "
               f"lines {module.line}–{module.line + module.lines - 1}",
               capacity, len(lines), chars, overflowing)


def _first_words(story) -> str:  # type: ignore[no-untyped-def]
    return story.paragraphs[0].text[:12] + "…"
