"""Typographic findings on the laid-out lines: what `paperpress check` prints and report.json keeps."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

from .fonts import FontBook
from .linebreak.breaker import UNJUSTIFIABLE
from .linebreak.rules_zh import CLOSING, OPENING, RULE_SETS, is_han, is_latin
from .model import GlyphRun, LineInfo, Page
from .stories import Story

if TYPE_CHECKING:
    from .manifest import Module

FLUSH_TOLERANCE = 500  # 0.5 pt, in millipoints
LOOSEST_SHOWN = 3
MARKS = OPENING | CLOSING


@dataclass(frozen=True)
class TypoFinding:
    severity: str  # "error", "warning", "info"
    article: str
    where: str  # file:line of the paragraph (or of the change)
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.severity}: {self.where}: [{self.rule}] {self.article}: {self.message}"


def check(pages: list[Page], stories: list[Story], fonts: FontBook, rules: list[str]) -> list[TypoFinding]:
    """Findings for each page, judged by the kinsoku rule set ('strict' or 'loose') of its own layout."""
    out: list[TypoFinding] = []
    for page, rule_set in zip(pages, rules, strict=True):
        by_article: dict[str, list[LineInfo]] = {}
        for line in page.lines:
            by_article.setdefault(line.article, []).append(line)
        for article, lines in by_article.items():
            out += _lines(article, lines, *RULE_SETS[rule_set])
        out += _overlaps(page, fonts)
    from .layout import text as _text

    for problem in _text.HEADLINE_PROBLEMS:  # set while these pages were laid out
        out.append(TypoFinding("warning", "", "headline", "headline-break", problem))
    _text.HEADLINE_PROBLEMS.clear()
    for story in stories:
        for n in story.normalisations:
            out.append(TypoFinding("info", story.id, f"{n.file}:{n.line}:{n.column}", "normalised",
                                   f"'{n.old}' → '{n.new}'"))
    return out


def module_normalisations(modules: Iterable[Module]) -> list[TypoFinding]:
    """What normalisation changed in the manifest's captions, credits and column heads, located."""
    return [TypoFinding("info", m.name, f"{n.file}:{n.line}:{n.column}", "normalised", f"'{n.old}' → '{n.new}'")
            for m in modules for n in m.normalisations]


def _lines(article: str, lines: list[LineInfo], cannot_start: frozenset[str],
           cannot_end: frozenset[str]) -> list[TypoFinding]:
    out = []

    def add(severity: str, line: LineInfo, rule: str, message: str) -> None:
        out.append(TypoFinding(severity, article, line.source, rule, message))

    for i, line in enumerate(lines):
        if line.text[0] in cannot_start:
            add("error", line, "line-start", f"line starts with '{line.text[0]}': {line.text}")
        if line.text[-1] in cannot_end:
            add("error", line, "line-end", f"line ends with '{line.text[-1]}': {line.text}")
        if not line.final and line.ratio >= UNJUSTIFIABLE and line.end <= line.x1 + FLUSH_TOLERANCE:
            add("warning", line, "loose", "no gap to stretch without letter-spacing a Latin word: set flush "
                f"left, {(line.x1 - line.end) / 1000:.2f} pt short: {line.text}")
        elif not line.final and abs(line.x1 - line.end) > FLUSH_TOLERANCE:
            add("error", line, "ragged", f"line ends {(line.x1 - line.end) / 1000:.2f} pt from the column edge: "
                f"{line.text}")
        if line.end > line.x1 + FLUSH_TOLERANCE:
            add("error", line, "overhang", f"line overhangs the column by {(line.end - line.x1) / 1000:.2f} pt")
        if 1.0 < line.ratio < UNJUSTIFIABLE and not line.final:
            add("warning", line, "loose", f"spacing beyond the layout's max-stretch ({line.ratio:.2f}×): {line.text}")
        if line.final and sum(1 for c in line.text if c.isalnum()) < 2 and i > 0 and not lines[i - 1].final:
            add("warning", line, "lone-character", f"孤字: the paragraph's last line holds only '{line.text}'")
        if line.widow:
            add("warning", line, "widow", f"the paragraph's last line stands alone at the top of a column: "
                f"{line.text}")
        if not line.final and i + 1 < len(lines) and is_latin(line.text[-1]) and is_latin(lines[i + 1].text[0]) \
                and line.text[-1] in "/.-_":
            add("info", line, "word-broken", f"a long Latin word or URL broken after '{line.text[-1]}'")
        elif not line.final and i + 1 < len(lines) and line.text[-1].isascii() and line.text[-1].isalnum() \
                and lines[i + 1].text[0].isascii() and lines[i + 1].text[0].isalnum():
            add("info", line, "word-broken", f"a token wider than the measure broken at a character boundary: "
                f"{line.text}|{lines[i + 1].text}")
    loosest = sorted((ln for ln in lines if not ln.final and ln.ratio > 0), key=lambda ln: -ln.ratio)
    for line in loosest[:LOOSEST_SHOWN]:
        add("info", line, "loosest", f"{line.ratio:.2f} of the max-stretch: {line.text}")
    return out


_EXTENTS: dict[tuple[str, int], tuple[int, int] | None] = {}


def _ink(fonts: FontBook, run: GlyphRun, gid: int) -> tuple[float, float] | None:
    """Left and right edge of a glyph's ink, from its origin, at the run's size."""
    key = (run.font, gid)
    if key not in _EXTENTS:
        face = fonts[run.font]
        ext = face.hb_font.get_glyph_extents(gid)
        _EXTENTS[key] = None if ext is None or ext.width == 0 else (ext.x_bearing, ext.x_bearing + ext.width)
    ink = _EXTENTS[key]
    if ink is None:
        return None
    scale = run.size / fonts[run.font].upem
    return ink[0] * scale, ink[1] * scale


def _overlaps(page: Page, fonts: FontBook) -> list[TypoFinding]:
    """No two glyphs collide within a line: ideographs keep a full em apart (compression never takes
    from them), and a punctuation mark's ink never runs into its neighbour's (squeezing must not collide)."""
    out = []
    rows: dict[int, list[tuple[int, int, tuple[float, float] | None, str]]] = {}
    marks = MARKS
    for item in page.items:
        if not isinstance(item, GlyphRun) or item.vertical:
            continue
        x0, size = item.x, item.size
        rows.setdefault(item.y, []).extend([
            (x0 + g.x, size, _ink(fonts, item, g.gid) if g.text in marks else None, g.text)  # only marks squeeze
            for g in item.glyphs])
    for y, glyphs in rows.items():
        glyphs.sort(key=lambda t: t[0])
        for (x1, s1, ink1, t1), (x2, _, ink2, t2) in pairwise(glyphs):
            if x2 - x1 >= s1 - 1:
                continue  # a full em or more apart (not squeezed): no clash
            clash = 0.0
            if is_han(t1[:1] or " ") and is_han(t2[:1] or " "):
                clash = s1 - (x2 - x1)  # (sorted: x2 >= x1, so closer than an em is a clash)
            elif (t1 in marks or t2 in marks) and ink1 and ink2:
                right, left = x1 + ink1[1], x2 + ink2[0]
                clash = right - left if right > left + 1 and x2 + ink2[1] > x1 + ink1[0] else 0.0
            if clash > 0:
                out.append(TypoFinding("error", "", f"page {page.number}, baseline {y / 1000:.1f} pt", "overlap",
                                       f"'{t1}' and '{t2}' overlap by {clash / 1000:.2f} pt"))
    return out


def pairs_squeezed(line_runs: list[GlyphRun], em: int) -> list[str]:
    """Adjacent full-width marks that were not squeezed (their origins a full em or more apart)."""
    bad = []
    glyphs = sorted((r.x + g.x, g.text) for r in line_runs for g in r.glyphs)
    for (x1, t1), (x2, t2) in pairwise(glyphs):
        marks = OPENING | CLOSING
        if t1 in marks and t2 in marks and x2 - x1 >= em * 0.9:
            bad.append(t1 + t2)
    return bad
