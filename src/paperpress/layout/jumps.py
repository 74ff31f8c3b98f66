"""Jumps (转版): an article too long for its module is cut at a line so that its first part fills the module
exactly, the last line （下转第N版）; the rest becomes a continuation module on page N under a jump headline
and （上接第M版）. Each mark is one unbreakable line of its own, and the page numbers come from the manifest.

The cut is made on the source page's plan; the continuation is then appended to its page's modules (after
the page's own, stacked on the skyline) and planned like any article. Read across the jump, the text is the
whole article in order: the continuation's first paragraph is the rest of the cut one, character for
character, and its paragraphs keep the article's numbers (one P element across pages in the tagged PDF).
"""

from __future__ import annotations

import dataclasses

from ..fonts import FontBook
from ..linebreak.breaker import Line
from ..manifest import Continuation, Layout, Module, PageSpec
from ..model import Link, Page
from ..stories import Para, Run, Story
from .grid import Finding, Grid
from .measure import JUMP_MARK, Measured, styles_for
from .plan import Plan, plan_page
from .text import set_text


def jump_to(page: int) -> str:
    return f"（下转第{page}版）"


def jump_from(page: int) -> str:
    return f"（上接第{page}版）"


def set_mark(fonts: FontBook, layout: Layout, text: str, measure: int) -> Line:
    """A jump line: one unit in the body face, the page number set close (第2版, no Han–Latin gap)."""
    body_style, _ = styles_for("news", layout)
    return set_text(fonts, layout, [(text, body_style)], measure, measure, justify=False, latin_gap=0).lines[0]


def cut_for_jump(ms: Measured, rows: int, to_page: int, layout: Layout,
                 fonts: FontBook) -> tuple[Measured, tuple[int, int]] | None:
    """The first part of a story for a module of rows × columns body lines, and where the rest starts
    (paragraph, character); None when the whole story fits."""
    capacity = rows * ms.cols
    if len(ms.body) <= capacity or capacity < 2:
        return None
    k = capacity - 1  # body lines kept; the last line of the last column carries the mark
    mark = set_mark(fonts, layout, jump_to(to_page), ms.measure)
    where = ms.body[k - 1][2]
    body = ms.body[:k] + [(mark, False, where)]
    para_of = ms.para_of[:k] + [JUMP_MARK]
    flush = {i: shift for i, shift in ms.flush_right.items() if i < k}
    flush[k] = ms.measure - mark.used
    cut = (ms.para_of[k], ms.char_at[k])
    return dataclasses.replace(ms, body=body, para_of=para_of, flush_right=flush,
                               char_at=ms.char_at[:k] + [0], para_ends=[e for e in ms.para_ends if e <= k]), cut


def _label_runs(story: Story) -> tuple[Run, ...]:
    """The run-in label the first paragraph is set with (dateline, or 编者按), as measure sets it."""
    return (Run(story.label, bold=True), Run("\u3000")) if story.label else ()


def rest_of(story: Story, cut: tuple[int, int]) -> Story:
    """The continuation's story: the jump headline, and the paragraphs from the cut on."""
    p, offset = cut
    para = story.paragraphs[p]
    runs = list((_label_runs(story) if p == 0 else ()) + para.runs)
    rest: list[Run] = []
    pos = 0
    for r in runs:
        end = pos + len(r.text)
        if end > offset:
            rest.append(Run(r.text[max(0, offset - pos):], r.bold))
        pos = end
    first = Para(tuple(rest), para.source, "continued" if offset and para.kind == "text" else para.kind) \
        if offset else dataclasses.replace(para, runs=tuple(runs))
    return dataclasses.replace(story, kicker=None, title=story.jump_title or story.title or story.kicker,
                               subtitle=None, byline=None, dateline=None,
                               paragraphs=(first, *story.paragraphs[p + 1:]))


def continuation(source: Module, source_page: int, cut: tuple[int, int], dest: PageSpec) -> Module:
    """The module that carries the rest of source's article on dest: the place continue: gives, else the
    source's columns, stacked after the page's own modules and as tall as its copy (or to the foot)."""
    j = source.jump
    assert j is not None and source.story is not None
    span = min(j.span or source.span, dest.layout.columns)
    column = min(j.column or source.column, dest.layout.columns - span + 1)
    return Module(rest_of(source.story, cut), None, None, None, None, column, span, j.line, j.lines,
                  j.body_columns or span, False, j.where, auto_columns=j.body_columns is None,
                  cont=Continuation(source_page, cut[0]))


def plan_jumps(pages: tuple[PageSpec, ...], fonts: FontBook) -> tuple[list[PageSpec], dict[int, Plan]]:
    """Every page with the continuations that jump onto it appended to its modules; and the plans already
    made of pages that send a jump but receive none (they need no second planning)."""
    by_number = {spec.number: spec for spec in pages}
    extra: dict[int, list[Module]] = {}
    plans: dict[int, Plan] = {}
    for spec in pages:
        if not any(m.jump is not None for m in spec.modules):
            continue
        plan = plan_page(spec, fonts)  # the jump's source: its module's rectangle never depends on continuations
        plans[spec.number] = plan
        for p in plan.placed:
            if p.cut is not None and p.continues_on is not None:
                dest = by_number[p.continues_on]
                extra.setdefault(dest.number, []).append(continuation(p.module, spec.number, p.cut, dest))
    out = [dataclasses.replace(spec, modules=spec.modules + tuple(extra[spec.number])) if spec.number in extra
           else spec for spec in pages]
    return out, {n: plan for n, plan in plans.items() if n not in extra}


def link_jumps(pages: list[Page], plans: list[Plan], layouts: dict[int, Layout]) -> None:
    """Point each jump line's link at the other part: 下转 at the continuation's top, 上接 back at the 下转 line."""
    tops = {(plan.page, p.module.story.id): Grid(layouts[plan.page]).band_top(p.rect[2])
            for plan in plans for p in plan.placed if p.continued_from is not None and p.module.story}
    marks = {(page.number, it.article, it.dest_page): it.y for page in pages for it in page.items
             if isinstance(it, Link) and it.dest_page}
    for page in pages:
        for i, it in enumerate(page.items):
            if not isinstance(it, Link) or not it.dest_page:
                continue
            y = tops.get((it.dest_page, it.article))  # a 下转 line: to the continuation
            if y is None:  # a 上接 line: back to the 下转 line
                y = marks.get((it.dest_page, it.article, page.number), 0)
            page.items[i] = dataclasses.replace(it, dest_y=y)


def unused_jumps(plans: list[Plan]) -> list[Finding]:
    """An article that names a continuation but fits its module whole: the editor should know."""
    out = []
    for plan in plans:
        for p in plan.placed:
            j = p.module.jump
            if j is not None and p.cut is None and p.status != "overset":
                f, line, col = j.where
                out.append(Finding("warning", f"{f}:{line}:{col}", f"page {plan.page} {p.module.name}: fits its "
                                   f"module whole, so nothing continues on page {j.page} (continue: not needed)"))
    return out
