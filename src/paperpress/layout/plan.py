"""Plan: a page's modules → final grid rectangles and copyfit decisions, as plain data.

Modules are taken in manifest order. A module without `line:` stacks directly under what is already
placed over its columns (a skyline); an article without `lines:` takes exactly the grid lines its
headline, byline and balanced body need. An auto-sized article with free grid lines beneath it (the
last of its stack) grows to the foot of the page or to the module beneath, and copyfit fills the
growth with the layout's means, in the layout's order. Body size, leading and the grid never change.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import Problem
from ..fonts import FontBook
from ..manifest import Layout, Module, PageSpec
from .measure import Measured, measure_story

# measure(module, body columns, headline air, byline space, title on two lines) → the story set so
Measure = Callable[..., Measured]

# the copyfit means this planner knows, in the default order
MEANS = ("body-columns", "headline-lines", "headline-space", "byline-space")
MAX_HEAD_AIR = 2  # grid lines of air a headline may gain (the layout's limit for filling)


class PlanError(Exception):
    """Modules that cannot be placed on their page: each named, with where it is in the manifest."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Placed:
    """One module's final rectangle and how its copy fits it."""

    module: Module  # with its final column, span, line and lines
    auto_line: bool = False
    auto_lines: bool = False
    measured: Measured | None = None
    lines_needed: int | None = None  # grid lines the copy needs (articles)
    means: list[str] = field(default_factory=list)  # copyfit means used, in the order applied
    continues_on: int | None = None  # page the article jumps to (转版), cut to fill this module exactly
    continued_from: int | None = None  # page this continuation comes from
    cut: tuple[int, int] | None = None  # (paragraph, character) where the jump cuts the article

    @property
    def rect(self) -> tuple[int, int, int, int]:
        m = self.module
        assert m.line is not None and m.lines is not None
        return m.column, m.span, m.line, m.lines

    @property
    def status(self) -> str:
        """fits (every body column level on the last line), short or overset — from the body itself."""
        if self.measured is None:
            return "fixed"
        ms, m = self.measured, self.module
        assert m.lines is not None
        rows = m.lines - ms.frame_lines - ms.head_bands - ms.byline_rows
        n = ms.slots_needed(max(rows, 1))  # body lines, with kept subheads' and repeated headers' rows
        if n > rows * ms.cols:
            return "overset"
        return "fits" if n == rows * ms.cols else "short"


@dataclass
class Plan:
    page: int
    columns: int
    lines: int
    placed: list[Placed]

    def occupied(self) -> set[tuple[int, int]]:
        cells = set()
        for p in self.placed:
            c, s, line, n = p.rect
            cells |= {(col, ln) for col in range(c, c + s) for ln in range(line, line + n)}
        return cells

    @property
    def unused_cells(self) -> int:
        """Grid cells (column × line) of the type area no module covers."""
        return self.columns * self.lines - len(self.occupied())

    def __str__(self) -> str:
        rows = [f"page {self.page}: {self.columns} columns × {self.lines} lines, {self.unused_cells} cells unused"]
        for p in self.placed:
            c, s, line, n = p.rect
            need = f" needs {p.lines_needed}" if p.lines_needed is not None else ""
            rows.append(f"  {p.module.name:24} columns {c}–{c + s - 1} lines {line}–{line + n - 1}"
                        f"{need} {p.status} {'+'.join(p.means)}")
        return "\n".join(rows)


def _candidates(module: Module) -> list[int]:
    """Body column counts copyfit may try: the manifest's (or one per grid column) first, then fewer."""
    if not module.auto_columns:
        return [module.body_columns]
    first = module.body_columns
    return [first] + [c for c in range(first - 1, max(1, -(-module.span // 2)) - 1, -1)]


def _level(ms: Measured) -> bool:
    per_col = ms.body_rows()
    return ms.slots_needed(per_col) == per_col * ms.cols


def plan_page(spec: PageSpec, fonts: FontBook, means: tuple[str, ...] | None = None) -> Plan:
    layout = spec.layout
    means = tuple(means if means is not None else (layout_means(layout)))
    skyline = [0] * (layout.columns + 2)  # last line taken in each grid column
    placed: list[Placed] = []
    problems: list[Problem] = []
    cache: dict[tuple, Measured] = {}
    bodies: dict[tuple, tuple] = {}  # a body set once per column count, whatever the headline does

    def measure(m: Module, cols: int, head_extra: int = 0, byline_extra: int = 0, split: bool = False) -> Measured:
        key = (id(m), cols, head_extra, split)
        assert m.story is not None
        if key not in cache:
            cache[key] = measure_story(m.story, m.span, cols, m.box, m.vertical, layout, fonts, head_extra, m.cont,
                                       head_split=split, body_cache=bodies)
        ms = cache[key]
        if byline_extra and ms.byline is not None:
            ms = dataclasses.replace(ms, byline_rows=max(1, ms.byline_rows + byline_extra))
        return ms

    for m in spec.modules:
        cols_range = range(m.column, m.column + m.span)
        line = m.line if m.line is not None else max(skyline[c] for c in cols_range) + 1
        p = Placed(m, auto_line=m.line is None, auto_lines=m.lines is None,
                   continued_from=m.cont.from_page if m.cont is not None else None)
        if m.story is not None:
            candidates = _candidates(m)
            ms = measure(m, candidates[0])
            if m.lines is None and "body-columns" in means and not _level(ms):
                # the first count that sets the body level; else the first (the others are set only here)
                level = next((t for t in (measure(m, c) for c in candidates[1:]) if _level(t)), None)
                if level is not None:
                    ms = level
                    p.means.append(f"body-columns {ms.cols}")
            p.measured, p.lines_needed = ms, ms.lines_needed
            lines = m.lines if m.lines is not None else ms.lines_needed
        elif m.lines is None and m.head is not None:  # a column head: its lines of text and a line of air
            from .text import headline_lines

            style = layout.style("head")
            rows = len(headline_lines(fonts, layout, m.head, style, layout.column_x(m.column + m.span - 1)
                                      + layout.col_w - layout.column_x(m.column) - 2 * layout.em))
            lines = -(-(rows * style.leading + 2 * layout.pitch) // layout.pitch)
        else:
            assert m.lines is not None
            lines = m.lines
        if line > layout.lines:
            problems.append(Problem(m.where[0], m.where[1], m.where[2],
                                    f"module '{m.name}' does not fit on page {spec.number}: its columns "
                                    f"{m.column}–{m.column + m.span - 1} are full down to line {line - 1}"))
            continue
        lines = min(lines, layout.lines - line + 1)  # an overset article is clipped, and reported
        p.module = dataclasses.replace(m, line=line, lines=lines, body_columns=p.measured.cols if p.measured
                                       else m.body_columns)
        for c in cols_range:
            skyline[c] = max(skyline[c], line + lines - 1)
        placed.append(p)
    _check_overlaps(placed, problems)
    if problems:
        raise PlanError(problems)

    # grow each auto-sized article with free lines beneath it, then fill the growth
    for p in placed:
        if not p.auto_lines or p.measured is None:
            continue
        c, s, line, n = p.rect
        below = [q.rect[2] for q in placed if q is not p and q.rect[2] > line
                 and q.rect[0] < c + s and c < q.rect[0] + q.rect[1]]
        limit = min(below, default=layout.lines + 1) - 1
        if limit <= line + n - 1:
            continue
        avail = limit - line + 1
        p.module = dataclasses.replace(p.module, lines=avail)
        _copyfit(p, avail, means, measure, layout.pitch, +1)
        if p.status == "short" and p.auto_line:
            _give_to_head(p, placed)

    # copy too long for its module: the means in reverse, then the jump it names, else it stays overset
    for p in placed:
        if p.measured is None or p.status != "overset":
            continue
        assert p.module.lines is not None
        _copyfit(p, p.module.lines, means, measure, layout.pitch, -1)
        if p.status == "overset" and p.module.jump is not None:
            _cut(p, fonts, layout)
    return Plan(spec.number, layout.columns, layout.lines, placed)


def _block(ms: Measured) -> int:
    return sum(style.leading for _, style in ms.heads)


def _cut(p: Placed, fonts: FontBook, layout: Layout) -> None:
    """Cut the article so that its first part fills this module exactly, its last line （下转第N版）."""
    from .jumps import cut_for_jump

    m = p.module
    assert m.jump is not None and p.measured is not None and m.lines is not None
    rows = m.lines - p.measured.frame_lines - p.measured.head_bands - p.measured.byline_rows
    done = cut_for_jump(p.measured, rows, m.jump.page, layout, fonts)
    if done is None:
        return
    p.measured, p.cut = done
    p.continues_on = m.jump.page


def _give_to_head(p: Placed, placed: list[Placed]) -> None:
    """Copy that cannot fill its grown module (a boxed editor's note) moves down, and the column head
    directly above it, over the same columns and sized by the planner, takes the lines instead."""
    assert p.measured is not None
    c, s, line, n = p.rect
    spare = n - p.measured.lines_needed
    head = next((q for q in placed if q.auto_lines and q.module.head is not None and q.rect[0] == c
                 and q.rect[1] == s and q.rect[2] + q.rect[3] == line), None)
    if head is None or spare <= 0:
        return
    head.module = dataclasses.replace(head.module, lines=head.rect[3] + spare)
    p.module = dataclasses.replace(p.module, line=line + spare, lines=n - spare)


def _copyfit(p: Placed, lines: int, means: tuple[str, ...], measure: Measure, pitch: int, step: int) -> None:
    """Fit the copy to its module of `lines` grid lines with the layout's means: for copy short of a grown
    module (step +1) another body-column count, the title on two lines, headline air, a byline line; for copy
    over its module (step -1) the same in reverse. Of the combinations whose body ends level on the module's
    last line, the one with the fewest means, in the layout's order, is taken; else nothing changes (the
    module is reported short or overset, in lines and characters)."""
    m, natural = p.module, p.measured
    assert natural is not None
    cols = _candidates(m) if "body-columns" in means else [natural.cols]
    heads = ((range(MAX_HEAD_AIR + 1) if step > 0 else (0, -1)) if "headline-space" in means else (0,))
    bylines = (0, step) if "byline-space" in means and m.story and m.story.byline else (0,)
    splits = (False, True) if step > 0 and "headline-lines" in means and m.story and m.story.title else (False,)
    options = []
    for ci, c in enumerate(cols):
        for sp in splits:
            for h in heads:
                for b in bylines:
                    ms = measure(m, c, h, b, sp)
                    if h and (ms.head_bands == 0 or ms.head_bands * pitch < _block(ms)):
                        continue  # no headline to give air to, or less air than the headline itself
                    if (b and ms.byline_rows == measure(m, c).byline_rows) or (
                            sp and ms.heads == measure(m, c, h, b).heads):
                        continue  # the means changes nothing here
                    if ms.lines_needed == lines and _level(ms):
                        used = [name for name, on in (("body-columns", ci > 0), ("headline-lines", sp),
                                                      ("headline-space", h != 0), ("byline-space", b != 0)) if on]
                        rank = sorted(means.index(u) for u in used)
                        options.append((len(used), rank, ci, sp, h, b, ms))
    if not options:
        return
    _, _, ci, sp, h, b, ms = min(options, key=lambda o: o[:6])
    p.means = ([f"body-columns {ms.cols}"] if ci > 0 else []) + (["headline-lines 2"] if sp else []) + \
        ([f"headline-space {h:+d}"] if h else []) + ([f"byline-space {b:+d}"] if b else [])
    p.measured = ms
    p.module = dataclasses.replace(m, body_columns=ms.cols)


def layout_means(layout: Layout) -> tuple[str, ...]:
    return tuple(getattr(layout, "copyfit", None) or MEANS)


def _check_overlaps(placed: list[Placed], problems: list[Problem]) -> None:
    for i, a in enumerate(placed):
        for b in placed[i + 1:]:
            ac, as_, al, an = a.rect
            bc, bs, bl, bn = b.rect
            if ac < bc + bs and bc < ac + as_ and al < bl + bn and bl < al + an:
                w = b.module.where
                problems.append(Problem(w[0], w[1], w[2], f"module '{b.module.name}' (lines {bl}–{bl + bn - 1}) "
                                        f"overlaps module '{a.module.name}' (lines {al}–{al + an - 1})"))
