"""The folio (版头) and the slug line."""

from __future__ import annotations

from ..fonts import FontBook
from ..manifest import Issue, PageSpec
from ..model import BLACK, Page, Rule
from ..units import mm, pt
from .grid import _put
from .text import headline_lines, line_runs

WEEKDAYS = "一二三四五六日"


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
