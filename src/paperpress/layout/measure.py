"""Measure: a story at a module's width and body-column count → its set lines, and how many grid lines
it needs (headline bands, byline, balanced body columns) and where it may be cut. Nothing is drawn here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..fonts import FontBook
from ..linebreak.breaker import Line, Paragraph, Setter
from ..manifest import Continuation, Layout, Style
from ..stories import Story
from .flow import flow, slots_used
from .grid import Grid
from .table import table_body
from .text import headline_lines, set_text, set_text_variants, setter_for


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
    char_at: list[int] = field(default_factory=list)  # where each body line starts in its paragraph's text
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


JUMP_MARK, JUMP_HEAD, JUMP_BACK = -30, 19, -31  # tag indexes of the 下转 line, jump headline, 上接 line


def measure_story(story: Story, span: int, body_columns: int, box: bool, vertical: bool, layout: Layout,
                  fonts: FontBook, head_extra: int = 0, cont: Continuation | None = None,
                  level: bool = True, head_split: bool = False, body_cache: dict | None = None) -> Measured:
    """Set a story for a module of span grid columns; head_extra adds headline bands (a copyfit means).
    A continuation (cont) opens with its （上接第N版） line; its paragraphs keep the whole article's numbers."""
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
        if head_split and text == story.title and len(part_lines) == 1:
            part_lines = _two_lines(fonts, layout, text, style, part_lines)
        heads += [(line, style) for line in part_lines]
        head_of += [k + (JUMP_HEAD if cont else 0)] * len(part_lines)
    bands = 0
    if heads:
        block = sum(style.leading for _, style in heads)
        bands = -(-(block + layout.pitch) // layout.pitch) + head_extra
    byline, byline_rows = None, 0
    if story.byline:
        style = layout.style("byline")
        byline = headline_lines(fonts, layout, story.byline, style, width)[0]
        byline_rows = 2 if heads else 1
    cols = min(body_columns, max(1, span - 1)) if vertical else body_columns
    chars_total = width // em
    chars = (chars_total - (cols - 1) * layout.gutter_chars) // cols
    meas = chars * em
    col_gap = (width - cols * meas) // max(cols - 1, 1)
    key = (id(story), cols, meas, cont, level)
    got = body_cache.get(key) if body_cache is not None else None
    if got is None:
        got = _set_body(story, cols, meas, layout, fonts, cont, level)
        if body_cache is not None:
            body_cache[key] = got
    body, ends, para_of, flush_right, char_at, keep, repeat = got
    return Measured(width, frame, heads, vertical_parts, bands, byline, byline_rows, cols, chars, meas, col_gap,
                    body, ends, head_of, para_of, flush_right, char_at, keep, repeat)


def _set_body(story: Story, cols: int, meas: int, layout: Layout, fonts: FontBook, cont: Continuation | None,
              level: bool) -> tuple:
    """The body's lines at one measure and column count, levelled (the costly part of measuring)."""
    em = layout.em
    body_style, runin = styles_for(story.kind, layout)
    body: list[tuple[Line, bool, str]] = []
    ends: list[int] = []
    para_of: list[int] = []
    flush_right: dict[int, int] = {}
    char_at: list[int] = []
    if cont is not None:
        from .jumps import jump_from, set_mark

        src = story.paragraphs[0].source
        body.append((set_mark(fonts, layout, jump_from(cont.from_page), meas), False, f"{src.file}:{src.line}"))
        para_of.append(JUMP_BACK)
        char_at.append(0)
        ends.append(len(body))
    base = cont.para_base if cont is not None else 0
    setting: list[Setting] = []
    keep: set[int] = set()
    repeat: dict[int, tuple[int, ...]] = {}
    label = story.label if cont is None else None  # a continuation's first paragraph is the rest of one
    for i, para in enumerate(story.paragraphs):
        if para.table is not None:  # set where it stands in the body, below
            setting.append(Setting([], 0, "table", Paragraph(())))
            continue
        runs = [(r.text, runin if r.bold else body_style) for r in para.runs]
        if i == 0 and label:
            runs = [(label, runin), ("\u3000", body_style)] + runs
        special = para.kind in ("subhead", "closing")  # 小标题 and 落款: no indent, natural spacing
        first = meas - 2 * em if _indented(para.kind) else meas
        setter = setter_for(fonts, layout, runs, first, meas)  # shared with levelling's tries
        setting.append(Setting(runs, first, para.kind, set_text(fonts, layout, runs, first, meas,
                                                                justify=not special, setter=setter), setter))
    if cols > 1 and level and all(s.kind != "table" for s in setting):  # a table's rows keep their lines
        _level(setting, body, cols, fonts, layout, meas)
    for i, (para, st) in enumerate(zip(story.paragraphs, setting, strict=True)):
        kind, setp = st.kind, st.paragraph
        where = f"{para.source.file}:{para.source.line}"
        if para.table is not None:  # a table: one body line per grid line of it (layout/table.py)
            tlines = table_body(para.table, fonts, layout, body_style, runin, meas, len(body), keep, repeat)
            body += [(t, False, where) for t in tlines]
            para_of += [base + i] * len(tlines)
            char_at += [0] * len(tlines)
            ends.append(len(body))
            continue
        indent = _indented(kind)
        for j, line in enumerate(setp.lines):
            if kind == "closing":
                flush_right[len(body)] = meas - line.used
            if kind == "subhead":
                keep.add(len(body))  # a 小标题 never ends a column: it keeps with the line after it
            body.append((line, j == 0 and indent, where))
            para_of.append(base + i)
            char_at.append(setp.starts[j] if j < len(setp.starts) else 0)
        ends.append(len(body))
    return body, ends, para_of, flush_right, char_at, keep, repeat


def _indented(kind: str) -> bool:
    """Whether a paragraph of this kind opens with the two-character indent: not a 小标题, a 落款, or the rest
    of a paragraph a jump cut."""
    return kind not in ("subhead", "closing", "continued")


def _two_lines(fonts: FontBook, layout: Layout, text: str, style: Style, one: list[Line]) -> list[Line]:
    """A one-line title broken into two even lines at a phrase break (a copyfit means); else as it was."""
    from .text import HEADLINE_PROBLEMS

    known = len(HEADLINE_PROBLEMS)
    lines = headline_lines(fonts, layout, text, style, one[0].used * 3 // 5)
    clean = len(HEADLINE_PROBLEMS) == known
    del HEADLINE_PROBLEMS[known:]
    return lines if clean and len(lines) == 2 else one


@dataclass
class Setting:
    """One paragraph as set: its styled runs, first-line width, kind and lines."""

    runs: list[tuple[str, Style]]
    first: int
    kind: str
    paragraph: Paragraph
    setter: Callable[[], Setter] | None = None  # its atoms and breaker, made once for every try


# line costs that ask the breaker for one line more (negative) or fewer, mildest first: a within-limit line
# costs at most about 1e4, a loose one about 1e10, so these never buy a line past the layout's max-stretch
LONGER, SHORTER = (-1000.0, -12000.0), (1000.0, 12000.0)


def _level(setting: list[Setting], lead: list[tuple[Line, bool, str]], cols: int, fonts: FontBook, layout: Layout,
           meas: int) -> None:
    """Level the body columns (every column ends on the same grid line, no widow at a column's top): set a
    few paragraphs one line longer or shorter (TeX's looseness, the compositor's 拉行/缩行), each within
    the layout's stretch and compression limits. Nothing changes when that cannot level the columns."""

    def probe(changed: dict[int, Paragraph]) -> list[tuple[Line, bool, str]]:
        out = list(lead)
        for k, s in enumerate(setting):
            indent = _indented(s.kind)
            out += [(ln, j == 0 and indent, "") for j, ln in enumerate(changed.get(k, s.paragraph).lines)]
        return out

    def level(lines: list[tuple[Line, bool, str]]) -> bool:
        return lines_per_column(lines, cols, len(lines) + 1) * cols == len(lines)

    if level(probe({})):
        return
    n = len(lead) + sum(len(s.paragraph.lines) for s in setting)
    more, fewer = (-n) % cols, n % cols
    # paragraphs of several lines, the longest first: they have the most room to give or take
    order = sorted((i for i, s in enumerate(setting) if s.kind in ("text", "continued")
                    and len(s.paragraph.lines) >= 2), key=lambda i: -len(setting[i].paragraph.lines))
    tried: dict[tuple[int, int], Paragraph | None] = {}

    def variant(i: int, step: int) -> Paragraph | None:
        if (i, step) not in tried:
            s = setting[i]
            tried[(i, step)] = None
            costs = LONGER if step > 0 else SHORTER
            for p in set_text_variants(fonts, layout, s.runs, s.first, meas, costs, s.setter):
                if len(p.lines) == len(s.paragraph.lines) + step and \
                        all(abs(ln.ratio) <= 1.0 for ln in p.lines if not ln.final):
                    tried[(i, step)] = p
                    break
        return tried[(i, step)]

    targets = sorted({d for d in (more, -fewer, more + cols, -fewer - cols) if d and abs(d) <= len(order)},
                     key=abs)
    for delta in targets:
        step = 1 if delta > 0 else -1
        changed: dict[int, Paragraph] = {}
        for i in order:
            p = variant(i, step)
            if p is not None:
                changed[i] = p
                if len(changed) == abs(delta):
                    break
        if len(changed) == abs(delta) and level(probe(changed)):
            for k, p in changed.items():
                setting[k].paragraph = p
            return


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
