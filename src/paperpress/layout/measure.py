"""Measure: a story at a module's width and body-column count → its set lines, and how many grid lines
it needs (headline bands, byline, balanced body columns) and where it may be cut. Nothing is drawn here."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..fonts import FontBook
from ..linebreak.breaker import Line
from ..manifest import Layout, Style
from ..stories import Story
from .flow import flow, slots_used
from .grid import Grid
from .table import table_body
from .text import headline_lines, set_text


@dataclass
class Measured:
    """A story set for one module shape: every line, and the grid lines each part takes."""

    width: int  # the inner width the text is set to (inside a frame, beside a vertical headline)
    frame_lines: int  # grid lines a frame takes (1 above, 1 below) or 0
    heads: list[tuple[Line, Style]]  # horizontal headline lines
    vertical_parts: list[tuple[str, Style]]  # a vertical headline's parts, hung in the last column
    head_bands: int  # grid lines the headline block takes, with its air
    byline: Line | None
    byline_rows: int
    cols: int  # body columns
    chars: int  # characters per body line
    measure: int
    col_gap: int
    body: list[tuple[Line, bool, str]]  # (line, first of its paragraph, source file:line)
    para_ends: list[int]  # indexes into body after which a paragraph ends (where a cut is best)
    head_of: list[int] = field(default_factory=list)  # which headline part each headline line is (for tags)
    para_of: list[int] = field(default_factory=list)  # which paragraph each body line is (for tags)
    flush_right: dict[int, int] = field(default_factory=dict)  # body line index → shift of a 落款 line
    keep: set[int] = field(default_factory=set)  # body lines that never end a column (subheads, table rows)
    repeat: dict[int, tuple[int, ...]] = field(default_factory=dict)  # table body line → its header's lines

    def flow(self, per_col: int) -> list[tuple[int, int, int, bool]]:
        """(body line, column, row, repeated header) of every body line in columns of per_col rows."""
        return flow(len(self.body), per_col, self.keep, self.repeat)

    def slots_needed(self, per_col: int) -> int:
        """Grid lines the body takes in columns of per_col rows (kept blocks and repeated headers counted)."""
        return slots_used(self.flow(per_col), per_col)

    @property
    def top_lines(self) -> int:
        """Grid lines above the body: frame top, headline block, byline."""
        return self.frame_lines // 2 + self.head_bands + self.byline_rows

    def body_rows(self, rows: int | None = None) -> int:
        """Lines per body column, balanced (lengthened to avoid a widow) within rows when given."""
        return lines_per_column(self.body, self.cols, rows if rows is not None else len(self.body) + 1,
                                self.keep, self.repeat)

    @property
    def lines_needed(self) -> int:
        """Grid lines the whole module needs: exactly its headline, byline and balanced body."""
        return self.frame_lines + self.head_bands + self.byline_rows + self.body_rows()


def styles_for(kind: str, layout: Layout) -> tuple[Style, Style]:
    """(body, run-in) styles for an article kind."""
    if kind == "editors-note":
        return layout.style("note"), layout.style("note-label")
    return layout.style("body"), layout.style("runin")


def measure_story(story: Story, span: int, body_columns: int, box: bool, vertical: bool, layout: Layout,
                  fonts: FontBook, head_extra: int = 0) -> Measured:
    """Set a story for a module of span grid columns; head_extra adds headline bands (a copyfit means)."""
    grid = Grid(layout)
    em = layout.em
    width = grid.width(span)
    frame = 0
    if box:
        width -= 2 * em
        frame = 2
    parts = [(getattr(story, part), layout.part_style(story.kind, part)) for part in ("kicker", "title", "subtitle")]
    parts = [(text, style) for text, style in parts if text]
    vertical_parts: list[tuple[str, Style]] = []
    if vertical and parts:
        width -= layout.col_w + layout.gutter
        vertical_parts, parts = parts, []
    heads: list[tuple[Line, Style]] = []
    head_of: list[int] = []
    for k, (text, style) in enumerate(parts):
        part_lines = headline_lines(fonts, layout, text, style, width - 2 * em)
        heads += [(line, style) for line in part_lines]
        head_of += [k] * len(part_lines)
    bands = 0
    if heads:
        block = sum(style.leading for _, style in heads)
        bands = -(-(block + layout.pitch) // layout.pitch) + head_extra
    byline, byline_rows = None, 0
    if story.byline:
        style = layout.style("byline")
        byline = headline_lines(fonts, layout, story.byline, style, width)[0]
        byline_rows = 2 if heads else 1
    body_style, runin = styles_for(story.kind, layout)
    cols = min(body_columns, max(1, span - 1)) if vertical else body_columns
    chars_total = width // em
    chars = (chars_total - (cols - 1) * layout.gutter_chars) // cols
    meas = chars * em
    col_gap = (width - cols * meas) // max(cols - 1, 1)
    body: list[tuple[Line, bool, str]] = []
    ends: list[int] = []
    para_of: list[int] = []
    flush_right: dict[int, int] = {}
    keep: set[int] = set()
    repeat: dict[int, tuple[int, ...]] = {}
    for i, para in enumerate(story.paragraphs):
        if para.table is not None:  # a table: one body line per grid line of it (layout/table.py)
            tlines = table_body(para.table, fonts, layout, body_style, runin, meas, len(body), keep, repeat)
            body += [(t, False, f"{para.source.file}:{para.source.line}") for t in tlines]
            para_of += [i] * len(tlines)
            ends.append(len(body))
            continue
        runs = [(r.text, runin if r.bold else body_style) for r in para.runs]
        label = story.dateline if story.kind != "editors-note" else "编者按"
        if i == 0 and label:
            runs = [(label, runin), ("\u3000", body_style)] + runs
        kind = getattr(para, "kind", "text")
        special = kind in ("subhead", "closing")  # 小标题 and 落款: no indent, natural spacing
        setp = set_text(fonts, layout, runs, meas if special else meas - 2 * em, meas, justify=not special)
        where = f"{para.source.file}:{para.source.line}"
        for j, line in enumerate(setp.lines):
            if kind == "closing":
                flush_right[len(body)] = meas - line.used
            if kind == "subhead":
                keep.add(len(body))  # a 小标题 never ends a column: it keeps with the line after it
            body.append((line, j == 0 and not special, where))
            para_of.append(i)
        ends.append(len(body))
    return Measured(width, frame, heads, vertical_parts, bands, byline, byline_rows, cols, chars, meas, col_gap,
                    body, ends, head_of, para_of, flush_right, keep, repeat)


def lines_per_column(lines: list[tuple[Line, bool, str]], cols: int, rows: int, keep: set[int] | None = None,
                     repeat: dict[int, tuple[int, ...]] | None = None) -> int:
    """Balanced columns, lengthened by a line or more where that keeps a paragraph's last line from
    standing alone at the top of a column (a widow) or where kept blocks (subheads, table rows) and
    repeated table headers need it; the balanced height when nothing avoids a widow."""
    n = len(lines)
    kept = keep or set()  # a subhead opening a column is where it belongs, not a widow
    balanced = min(rows, max(1, -(-n // cols)))
    fallback = None
    for per_col in range(balanced, rows + 1):
        slots = flow(n, per_col, kept, repeat)
        if slots and slots[-1][1] >= cols:
            continue  # does not fit the columns at this height
        widows = any(r == 0 and c > 0 and lines[k][0].final and not lines[k][1] and not rep and k not in kept
                     for k, c, r, rep in slots)
        if not widows:
            return per_col
        if fallback is None:
            fallback = per_col
    return fallback if fallback is not None else balanced
