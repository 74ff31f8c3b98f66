"""Column heads (栏头) and vertical text (竖排)."""

from __future__ import annotations

from ..fonts import FontBook
from ..manifest import Layout, Module, Style
from ..model import BLACK, CMYK, WHITE, Glyph, GlyphRun, Page, Rect
from .grid import Grid, centred_baseline
from .text import headline_lines, line_runs


def _column_head(page: Page, module: Module, layout: Layout, fonts: FontBook) -> None:
    """A column head (栏头): the column's name reversed out of a solid band."""
    assert module.line is not None and module.lines is not None  # placed by the plan
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
