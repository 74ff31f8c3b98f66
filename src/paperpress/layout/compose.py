"""Compose a page: folio header, then each module on its grid rectangle (headline, byline, body columns)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..fonts import FontBook
from ..linebreak.breaker import Line
from ..manifest import Issue, Layout, Module, PageSpec, Style
from ..model import BLACK, CMYK, WHITE, Bookmark, Glyph, GlyphRun, Image, LineInfo, Page, Rect, Rule
from ..units import mm, pt
from .text import headline_lines, line_runs, set_text

WEEKDAYS = "一二三四五六日"
ASCENT = 0.88  # the ideographic em box sits 0.88 em above and 0.12 em below the baseline


def centred_baseline(top: int, height: int, size: int) -> int:
    """The baseline that centres an em box of this size in a band [top, top + height)."""
    return top + (height - size) // 2 + round(ASCENT * size)


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
        return centred_baseline(self.band_top(line), self.l.pitch, size)

    def x(self, col: int) -> int:
        return self.l.column_x(col)

    def width(self, span: int) -> int:
        return span * self.l.col_w + (span - 1) * self.l.gutter


@dataclass(frozen=True)
class Finding:
    """Something the layout editor or the printer should know: severity, where, what."""

    severity: str  # "error", "warning" or "info"
    where: str
    message: str


def compose_page(spec: PageSpec, issue: Issue, fonts: FontBook,
                 built_at: str = "") -> tuple[Page, list[Fit], list[Finding]]:
    """Lay out one page; built_at (a timestamp) goes into the slug line when the layout asks for one."""
    layout = spec.layout
    page = Page(spec.number, spec.name, layout.trim_w, layout.trim_h, layout.bleed,
                grid_origin=layout.grid_top, grid_pitch=layout.pitch)
    page.items.append(Bookmark(f"第{spec.number}版 {spec.name}", 0, 0))
    _folio(page, spec, issue, fonts)
    if layout.print.slug:
        _slug(page, spec, issue, fonts, built_at)
    fits: list[Fit] = []
    findings: list[Finding] = []
    for module in spec.modules:
        if module.story is not None:
            fits.append(_article(page, spec, module, layout, fonts))
        elif module.figure is not None:
            findings += _figure(page, module, layout, fonts)
        elif module.furniture is not None:
            from .furniture import place, place_masthead  # ReportLab loads only for pages with furniture

            if module.furniture[0] == "masthead":
                place_masthead(page, module, layout, fonts, issue)
            else:
                place(page, module, layout, fonts)
        else:
            _column_head(page, module, layout, fonts)
    _separators(page, spec.modules, layout)
    return page, fits, findings


def _figure(page: Page, module: Module, layout: Layout, fonts: FontBook) -> list[Finding]:
    """A photo cropped to fill its box (never enlarged beyond what its pixels carry without a warning),
    the caption and credit on whole grid lines beneath it."""
    from PIL import Image as PILImage

    grid = Grid(layout)
    x0, width = grid.x(module.column), grid.width(module.span)
    style = layout.style("caption")
    text = (module.caption or "") + (f"（{module.credit}）" if module.credit else "")
    cap_lines = list(set_text(fonts, layout, [(text, style)], width, width).lines) if text else []
    img_lines = module.lines - len(cap_lines) - (1 if cap_lines else 0)
    where = f"{module.where[0]}:{module.where[1]}:{module.where[2]}"
    if img_lines < 2:  # the photo needs room above its caption: a collision, not a picture 1 pt tall
        return [Finding("error", where, f"{module.figure.name}: {module.lines} line(s) hold the caption "
                        f"({len(cap_lines)} line(s)) but leave no room for the photo; give the module at least "
                        f"{len(cap_lines) + (1 if cap_lines else 0) + 2} lines")]
    top = grid.band_top(module.line) + layout.pitch // 4
    h = img_lines * layout.pitch - layout.pitch // 4
    with PILImage.open(module.figure) as im:
        pw, ph = im.size
    # crop to the box's proportions, centred
    if pw * h > ph * width:
        cw = ph * width // h
        crop = ((pw - cw) // 2, 0, (pw - cw) // 2 + cw, ph)
    else:
        ch = pw * h // width
        crop = (0, (ph - ch) // 2, pw, (ph - ch) // 2 + ch)
    fig_id = f"figure:{module.where[0]}:{module.where[1]}"
    page.items.append(Image(str(module.figure), x0, top, width, h, crop, alt=text, figure=fig_id))
    ppi = (crop[2] - crop[0]) * 72000 / width
    findings = []
    if ppi < layout.print.min_ppi:
        findings.append(Finding("warning", where, f"{module.figure.name}: {ppi:.0f} ppi effective resolution at "
                                f"this size, under the layout's minimum of {layout.print.min_ppi} ppi "
                                "(not upsampled)"))
    line_no = module.line + img_lines + 1
    for line in cap_lines:
        _put(page, line, x0, grid.baseline(line_no, style.size), style, tag=(fig_id, "Caption", 0))
        line_no += 1
    return findings


def _separators(page: Page, modules: tuple[Module, ...], layout: Layout) -> None:
    """Hairlines between neighbouring articles: in the gutter beside, on the band edge below.

    Framed modules and column heads carry their own edge, so they get none.
    """
    grid = Grid(layout)
    plain = [m for m in modules if m.story is not None and not m.box]
    width = pt(0.5)
    for a in plain:
        for b in plain:
            top, bottom = max(a.line, b.line), min(a.line + a.lines, b.line + b.lines)
            if b.column == a.column + a.span and top < bottom:
                x = grid.x(b.column) - layout.gutter // 2
                page.items.append(Rule(x, grid.band_top(top), x, grid.band_top(bottom), width))
            left, right = max(a.column, b.column), min(a.column + a.span, b.column + b.span)
            if b.line == a.line + a.lines and left < right:
                y = grid.band_top(b.line)
                page.items.append(Rule(grid.x(left), y, grid.x(right - 1) + layout.col_w, y, width))


def _put(page: Page, line: Line, x: int, baseline: int, *styles: Style,
         tag: tuple[str, str, int] | None = None) -> None:
    """tag: (article, role, paragraph) the runs belong to, for the tagged screen and archive PDFs."""
    colors = {f: s.color for s in styles for f in (s.marks_font, s.font) if f}
    runs = line_runs(line, x, baseline, colors)
    if tag:
        runs = [replace(r, article=tag[0], role=tag[1], para=tag[2]) for r in runs]
    page.items.extend(runs)


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


def _slug(page: Page, spec: PageSpec, issue: Issue, fonts: FontBook, built_at: str) -> None:
    """The slug line below the bleed: paper, date, page and build time, for the plate room."""
    style = spec.layout.style("folio-info")
    text = f"{issue.paper}　{issue.date.isoformat()}　第{spec.number}版 {spec.name}　built {built_at}"
    line = headline_lines(fonts, spec.layout, text, style, 10**9)[0]
    y = page.height + page.bleed + mm(4) + style.size
    page.slug.extend(line_runs(line, mm(20), y, {style.font: BLACK}))  # clear of the crop marks


def _column_head(page: Page, module: Module, layout: Layout, fonts: FontBook) -> None:
    """A column head (栏头): the column's name reversed out of a solid band."""
    grid = Grid(layout)
    style = layout.style("head")
    x0, w = grid.x(module.column), grid.width(module.span)
    top = grid.band_top(module.line)
    h = module.lines * layout.pitch
    fill = layout.colors.get("accent", BLACK)
    page.items.append(Rect(x0, top + layout.pitch // 4, w, h - layout.pitch // 2, fill=fill))
    if module.vertical:
        _vertical_text(page, module.head or "", fonts, style, x0 + w // 2, top, h, WHITE)
        return
    lines = headline_lines(fonts, layout, module.head or "", style, w - 2 * layout.em)
    block = len(lines) * style.leading
    y = top + (h - block) // 2
    for line in lines:
        base = centred_baseline(y, style.leading, style.size)
        page.items.extend(line_runs(line, x0 + (w - line.used) // 2, base, {style.font: WHITE}))
        y += style.leading


def _vertical_text(page: Page, text: str, fonts: FontBook, style: Style, centre: int, top: int, h: int,
                   color: CMYK, centred: bool = True, tag: tuple[str, str, int] | None = None) -> int:
    """竖排: the text top to bottom on the axis x = centre, with the face's vertical forms (vert) and
    vertical metrics; Latin letters and digits stand upright, one under the other. Centred in [top, top + h)
    or hung from top; returns the height it takes."""
    face = fonts[style.font]
    scale = style.size / face.upem
    shaped = face.shape_vertical(text)
    height = sum(-yadv for _, _, _, _, yadv in shaped) * scale
    pen = top + (h - height) / 2 if centred else top
    for gid, cluster, xoff, yoff, yadv in shaped:
        nxt = min((c for _, c, _, _, _ in shaped if c > cluster), default=len(text))
        x = round(centre + xoff * scale)
        y = round(pen - yoff * scale)
        page.items.append(GlyphRun(style.font, style.size, x, y, (Glyph(gid, 0, text[cluster:nxt]),), color,
                                   vertical=True, **_tag_fields(tag)))
        pen += -yadv * scale
    return round(height)


def _tag_fields(tag: tuple[str, str, int] | None) -> dict:
    return {"article": tag[0], "role": tag[1], "para": tag[2]} if tag else {}


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

    parts = [(getattr(story, part), layout.part_style(story.kind, part)) for part in ("kicker", "title", "subtitle")]
    parts = [(text, style) for text, style in parts if text]
    if module.vertical and parts:
        # a vertical headline (竖排标题) hangs in the module's last grid column: kicker outermost (right),
        # then title, then subtitle; the body takes the columns to its left
        widths = [style.size * 3 // 2 for _, style in parts]  # each vertical line with its half-em of air
        right = x0 + width - (layout.col_w - sum(widths)) // 2  # the lines centred in the strip
        top = grid.band_top(first_line) + layout.pitch // 2
        for k, ((text, style), w) in enumerate(zip(parts, widths, strict=True)):
            _vertical_text(page, text, fonts, style, right - w // 2, top, grid.band_top(last_line + 1) - top,
                           style.color, centred=False, tag=(story.id, "H", -1 - k))
            right -= w
        width -= layout.col_w + layout.gutter
        parts = []

    # headline block: kicker, title, subtitle centred across the module, whole grid lines tall
    heads: list[tuple[Line, Style]] = []
    head_of: list[int] = []  # which headline part (kicker, title, subtitle) each line is
    for k, (text, style) in enumerate(parts):
        part_lines = headline_lines(fonts, layout, text, style, width - 2 * em)
        heads += [(line, style) for line in part_lines]
        head_of += [k] * len(part_lines)
    line_no = first_line
    if heads:
        block = sum(style.leading for _, style in heads)
        bands = -(-(block + layout.pitch) // layout.pitch)
        y = grid.band_top(line_no) + (bands * layout.pitch - block) // 2
        for (line, style), k in zip(heads, head_of, strict=True):
            base = centred_baseline(y, style.leading, style.size)
            _put(page, line, x0 + (width - line.used) // 2, base, style, tag=(story.id, "H", -1 - k))
            y += style.leading
        line_no += bands
    if story.byline:
        style = layout.style("byline")
        line = headline_lines(fonts, layout, story.byline, style, width)[0]
        _put(page, line, x0 + (width - line.used) // 2, grid.baseline(line_no, style.size), style,
             tag=(story.id, "Byline", -10))
        line_no += 2 if heads else 1

    # body: paragraphs set to the body column measure, flowed column by column
    body_style, runin = _styles_for(story.kind, layout)
    cols = min(module.body_columns, max(1, module.span - 1)) if module.vertical else module.body_columns
    chars_total = width // em
    chars = (chars_total - (cols - 1) * layout.gutter_chars) // cols
    measure = chars * em
    col_gap = (width - cols * measure) // max(cols - 1, 1)
    lines: list[tuple[Line, bool, str]] = []
    para_of: list[int] = []
    flush_right: dict[int, int] = {}  # line index → shift of a 落款 line set flush right
    for i, para in enumerate(story.paragraphs):
        parts = [(r.text, runin if r.bold else body_style) for r in para.runs]
        label = story.dateline if story.kind != "editors-note" else "编者按"
        if i == 0 and label:
            parts = [(label, runin), ("\u3000", body_style)] + parts
        kind = getattr(para, "kind", "text")
        special = kind in ("subhead", "closing")  # 小标题 and 落款: no indent, natural spacing
        setp = set_text(fonts, layout, parts, measure if special else measure - 2 * em, measure, justify=not special)
        where = f"{para.source.file}:{para.source.line}"
        for j, line in enumerate(setp.lines):
            if kind == "closing":
                flush_right[len(lines)] = measure - line.used
            lines.append((line, j == 0 and not special, where))
            para_of.append(i)
    rows = last_line - line_no + 1
    capacity = rows * cols
    per_col = _lines_per_column(lines, cols, rows)
    if module.box:  # a short boxed item sits in the middle of its box, still on the grid
        line_no += (rows - per_col) // 2
    overflowing = 0
    for k, (line, first_of_para, where) in enumerate(lines[: per_col * cols]):
        c, r = divmod(k, per_col)
        cx = x0 + c * (measure + col_gap)
        indent = 2 * em if first_of_para else flush_right.get(k, 0)
        base = grid.baseline(line_no + r)
        _put(page, line, cx + indent, base, body_style, runin, tag=(story.id, "P", para_of[k]))
        start = cx + indent + min((g.x for _, _, gs in line.glyphs for g in gs[:1]), default=0)
        if line.used > line.width:
            overflowing += 1
        widow = r == 0 and c > 0 and line.final and not first_of_para
        page.lines.append(LineInfo(story.id, cx, cx + measure, base, start, cx + indent + line.used,
                                   line.final, line.text, line.ratio, where, widow))
    return Fit(story.id, spec.number,
               f"columns {module.column}–{module.column + module.span - 1}, "
               f"lines {module.line}–{module.line + module.lines - 1}",
               capacity, len(lines), chars, overflowing)


def _lines_per_column(lines: list[tuple[Line, bool, str]], cols: int, rows: int) -> int:
    """Balanced columns, lengthened by a line or more where that keeps a paragraph's last line from
    standing alone at the top of a column (a widow); the balanced height when nothing avoids it."""
    n = len(lines)
    balanced = min(rows, max(1, -(-n // cols)))
    for per_col in range(balanced, rows + 1):
        widows = any(k % per_col == 0 and k >= per_col and lines[k][0].final and not lines[k][1]
                     for k in range(min(n, per_col * cols)))
        if not widows:
            return per_col
    return balanced


def _first_words(story) -> str:  # type: ignore[no-untyped-def]
    return story.paragraphs[0].text[:12] + "…"
