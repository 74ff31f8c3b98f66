"""Tables (`table:` paragraphs) set on the body grid.

Each column is as wide as its widest cell (at its natural spacing) when the table fits the body column's
measure; the space left over widens the gaps, so the table spans the measure. A table too wide for it
narrows its widest columns first, down to what the others leave, and their cells wrap onto more grid lines
(the lines of one row stay together in a column). A column whose body cells are all numbers is set flush
right, header included; other cells flush left. The header row is set in the layout's run-in (bold) style.
Every line of a table is one body grid line, and the rules (the layout's `table:` setting) lie on the band
edges between grid lines: heavy above and under the header and under the last row, light between rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..fonts import FontBook
from ..linebreak.atoms import make_atoms
from ..linebreak.breaker import Line, set_paragraph
from ..manifest import Layout, Style
from ..model import Page, Rule
from ..stories import Table
from .grid import _put
from .text import set_text, settings_for, spans

# a number as a table carries it: 1,234.5  -3.2%  +12  0.35  （thousands separators, a sign, a percent）
NUMBER = re.compile(r"[+\-−]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?\s*[%‰]?")
MIN_COLUMN_EMS = 2


@dataclass(frozen=True)
class TableLine(Line):
    """One grid line of a table: the cells' lines at their x offsets in the body column, and the rules
    above and under it (widths in millipoints, 0 for none). It is a Line of no glyphs of its own, so the
    measure and plan stages count it as one body line."""

    cells: tuple[tuple[int, Line], ...] = ()
    header: bool = False
    top_rule: int = 0
    bottom_rule: int = 0
    row_end: bool = True  # the last grid line of its row

    @property
    def text(self) -> str:
        return "\u3000".join(line.text for _, line in self.cells)


def is_number(text: str) -> bool:
    return bool(NUMBER.fullmatch(text.strip()))


def numeric_columns(table: Table) -> list[bool]:
    """Columns whose body cells are all numbers (empty cells aside), at least one of them."""
    out = []
    for j in range(table.columns):
        cells = [row[j].strip() for row in table.rows if row[j].strip()]
        out.append(bool(cells) and all(is_number(c) for c in cells))
    return out


def column_widths(natural: list[int], avail: int, em: int) -> list[int]:
    """Widths from content within avail: the natural widths when they fit, else the widest columns capped
    at the width that makes the table fit (never under MIN_COLUMN_EMS ems where that can be helped)."""
    if sum(natural) <= avail:
        return list(natural)
    floor = min(MIN_COLUMN_EMS * em, avail // len(natural))
    lo, hi = floor, max(natural)
    while lo < hi:  # the largest cap w with sum(min(n, w)) <= avail
        w = (lo + hi + 1) // 2
        if sum(max(min(n, w), min(n, floor)) for n in natural) <= avail:
            lo = w
        else:
            hi = w - 1
    return [max(min(n, lo), min(n, floor)) for n in natural]


def set_table(table: Table, fonts: FontBook, layout: Layout, body: Style, header_style: Style,
              measure: int) -> tuple[list[TableLine], int]:
    """The table's grid lines, and how many of them are the header's."""
    settings = settings_for(layout)
    ts = layout.table
    em = layout.em

    def natural(text: str, style: Style) -> Line:
        return set_paragraph(make_atoms(spans(fonts, [(text, style)])), 10**9, 10**9, settings,
                             justify=False).lines[0]

    rows = ([(table.header, header_style)] if table.header else []) + [(r, body) for r in table.rows]
    ncols = table.columns
    singles = [[natural(c, style) if c else None for c in row] for row, style in rows]
    nat = [max((line.used for row in singles if (line := row[j]) is not None), default=0) for j in range(ncols)]
    gap = ts.gap * em
    widths = column_widths(nat, max(ncols * em, measure - gap * (ncols - 1)), em)
    spare = measure - sum(widths) - gap * (ncols - 1)
    gaps = [gap + (spare // (ncols - 1) if ncols > 1 and spare > 0 else 0)] * max(ncols - 1, 0)
    lefts = [sum(widths[:j]) + sum(gaps[:j]) for j in range(ncols)]
    table_w = lefts[-1] + widths[-1] if ncols > 1 or spare <= 0 else measure
    right = numeric_columns(table)
    out: list[TableLine] = []
    header_lines = 0
    for r, ((row, style), single) in enumerate(zip(rows, singles, strict=True)):
        is_header = bool(table.header) and r == 0
        cell_lines: list[list[Line]] = []
        for j, cell in enumerate(row):
            if not cell:
                cell_lines.append([])
            elif single[j] is not None and single[j].used <= widths[j]:  # type: ignore[union-attr]
                cell_lines.append([single[j]])  # type: ignore[list-item]
            else:
                cell_lines.append(list(set_text(fonts, layout, [(cell, style)], widths[j], widths[j],
                                                justify=False).lines))
        height = max(1, max(len(lines) for lines in cell_lines))
        last_row = r == len(rows) - 1
        for k in range(height):
            cells = tuple((lefts[j] + (widths[j] - lines[k].used if right[j] else 0), lines[k])
                          for j, lines in enumerate(cell_lines) if k < len(lines))
            top = ts.header_rule if k == 0 and (is_header or (r == 0 and not table.header)) else 0
            bottom = 0
            if k == height - 1:
                bottom = ts.header_rule if is_header or last_row else ts.rule
            out.append(TableLine(0, 0, (), measure, table_w, table_w, False, 0.0, cells, is_header, top, bottom,
                                 k == height - 1))
        if is_header:
            header_lines = len(out)
    return out, header_lines


def table_body(table: Table, fonts: FontBook, layout: Layout, body: Style, header_style: Style, measure: int,
               start: int, keep: set[int], repeat: dict[int, tuple[int, ...]]) -> list[TableLine]:
    """The table's lines for a body whose next line index is start; marks in keep the lines that must not end
    a column (a row's lines stay together, the header keeps with the first row) and in repeat, for each body
    row line, the header lines to set again at the top of a column the table continues in (layout/flow.py)."""
    lines, n_head = set_table(table, fonts, layout, body, header_style, measure)
    head = tuple(range(start, start + n_head))
    for j, line in enumerate(lines):
        if j < n_head or not line.row_end:
            keep.add(start + j)
        if j >= n_head and head:
            repeat[start + j] = head
    return lines


def place_table_line(page: Page, line: TableLine, x: int, band_top: int, baseline: int, layout: Layout,
                     body: Style, header_style: Style, tag: tuple[str, str, int] | None) -> None:
    """Draw one table line at a body column's left edge x on the grid line whose band starts at band_top."""
    style = header_style if line.header else body
    for dx, cell in line.cells:
        _put(page, cell, x + dx, baseline, style, tag=tag)
    ts = layout.table
    if line.top_rule:
        page.items.append(Rule(x, band_top, x + line.used, band_top, line.top_rule, ts.color))
    if line.bottom_rule:
        y = band_top + layout.pitch
        page.items.append(Rule(x, y, x + line.used, y, line.bottom_rule, ts.color))
