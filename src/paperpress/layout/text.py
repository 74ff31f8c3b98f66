"""Setting text of one style: spans, headline lines, paragraphs → glyph runs."""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import replace

from ..fonts import FontBook
from ..linebreak.atoms import Span, make_atoms
from ..linebreak.breaker import Line, Paragraph, Setter, Settings, set_paragraph
from ..linebreak.rules_zh import CLOSING, OPENING
from ..manifest import Layout, Style
from ..model import BLACK, CMYK, GlyphRun


def settings_for(layout: Layout) -> Settings:
    return Settings(rules=layout.rules, max_stretch=layout.max_stretch, latin_gap=layout.latin_gap,
                    punctuation=layout.punctuation)


def spans(fonts: FontBook, parts: list[tuple[str, Style]]) -> list[Span]:
    """Text in its style's face; a style with a marks-font sets its punctuation in that face."""
    out = []
    for text, style in parts:
        if not text:
            continue
        if not style.marks_font:
            out.append(Span(text, fonts[style.font], style.size))
            continue
        start = 0
        for i in range(1, len(text) + 1):
            if i == len(text) or style.face_for(text[i]) != style.face_for(text[start]):
                out.append(Span(text[start:i], fonts[style.face_for(text[start])], style.size))
                start = i
    return out


# Set paragraphs kept by a long-running process: `paperpress watch` (watch.py) puts a mapping here, so that a
# rebuild sets again only the paragraphs whose text, faces, sizes, measure or settings changed. None (a build
# from the command line): every paragraph is set. The lines are frozen, so one Paragraph may serve many pages.
PARAGRAPHS: MutableMapping[tuple, Paragraph] | None = None


def set_text(fonts: FontBook, layout: Layout, parts: list[tuple[str, Style]], first: int, width: int,
             justify: bool = True, latin_gap: float | None = None, line_cost: float = 0.0,
             setter: Callable[[], Setter] | None = None) -> Paragraph:
    """A paragraph set to a measure; from watch's in-process memo or the persistent cache when these exact
    inputs were set before."""
    from .. import linecache

    settings = settings_for(layout)
    if latin_gap is not None:
        settings = replace(settings, latin_gap=latin_gap)
    if line_cost:
        settings = replace(settings, line_cost=line_cost)

    def fresh() -> Paragraph:
        if setter is not None:  # the same text, measure and settings but the line cost: set again
            return setter().set(settings.line_cost, justify)
        return set_paragraph(make_atoms(spans(fonts, parts)), first, width, settings, justify)

    def made() -> Paragraph:
        if not linecache.enabled:
            return fresh()
        faces = sorted({f for _, style in parts for f in (style.font, style.marks_font) if f})
        key = (tuple((text, style.font, style.marks_font, style.size) for text, style in parts),
               tuple((f, linecache.face_checksum(fonts[f].path, fonts[f].index)) for f in faces),
               first, width, justify, settings)
        return linecache.paragraph(key, fresh)

    memo = PARAGRAPHS
    if memo is None:
        return made()
    pieces = spans(fonts, parts)
    key = (tuple((s.text, s.face.id, str(s.face.path), s.face.index, s.size) for s in pieces), first, width,
           justify, settings)
    hit = memo.get(key)
    if hit is None:
        hit = memo[key] = made()
    return hit


def line_runs(line: Line, x: int, baseline: int, color_of: dict[str, CMYK]) -> list[GlyphRun]:
    """A set line → one GlyphRun per face/size group, its origin at x on the baseline: the runs keep the line's
    own glyphs (a page holds hundreds of thousands: copying each would double the layout's memory)."""
    return [GlyphRun(face, size, x, baseline, glyphs, color_of.get(face, BLACK))
            for face, size, glyphs in line.glyphs if glyphs]


def setter_for(fonts: FontBook, layout: Layout, parts: list[tuple[str, Style]], first: int,
               width: int) -> Callable[[], Setter]:
    """A paragraph's Setter, built the first time it is asked for (a cached paragraph never needs it)."""
    made: list[Setter] = []

    def setter() -> Setter:
        if not made:
            made.append(Setter(make_atoms(spans(fonts, parts)), first, width, settings_for(layout)))
        return made[0]
    return setter


def set_text_variants(fonts: FontBook, layout: Layout, parts: list[tuple[str, Style]], first: int, width: int,
                      costs: tuple[float, ...], setter: Callable[[], Setter] | None = None) -> Iterator[Paragraph]:
    """The paragraph set at each line cost in turn (levelling's tries for a line more or fewer): from the caches
    as set_text would take it, else by one Setter (setter, or one made here) shared by all of them."""
    setter = setter or setter_for(fonts, layout, parts, first, width)
    for cost in costs:
        yield set_text(fonts, layout, parts, first, width, line_cost=cost, setter=setter)


# headlines that had to break inside a word, for the caller to report (cleared by whoever reads it)
HEADLINE_PROBLEMS: list[str] = []
MAX_HEADLINE_LINES = 4
_JIEBA = None


def _word_lengths(text: str) -> list[int]:
    """jieba's words of a headline, as lengths. Loading jieba's dictionary takes most of a second, so the
    answers are kept in the user's cache folder (keyed by jieba's version and the text): a rebuild of the
    same headlines does not load it. A cache that cannot be read or written only costs that second."""
    global _JIEBA
    from importlib.metadata import version

    from .. import cache as disk_cache

    key = f"jieba {version('jieba')}\t{text}"
    cache = disk_cache.load("words.json")
    hit = cache.get(key)
    if isinstance(hit, list) and all(isinstance(n, int) for n in hit) and sum(hit) == len(text):
        return hit
    if _JIEBA is None:
        import jieba

        jieba.setLogLevel(60)
        _JIEBA = jieba
    lengths = [len(word) for word in _JIEBA.cut(text)]
    cache[key] = lengths
    disk_cache.save("words.json", cache)
    return lengths


def phrase_cuts(text: str) -> dict[int, int]:
    """Where a headline may break, with a cost: after a punctuation mark or ideographic space (0), between
    two words found by jieba (1); never inside a word, never leaving one character alone on a line."""
    cuts: dict[int, int] = {}
    pos = 0
    for length in _word_lengths(text):
        pos += length
        if 0 < pos < len(text):
            cuts[pos] = 1
    for i, ch in enumerate(text[:-1]):
        if ch in CLOSING or ch == "\u3000":
            cuts[i + 1] = 0
        if text[i + 1] in OPENING:
            cuts[i + 1] = 0
    for i in list(cuts):
        if text[i - 1] in OPENING or text[i] in CLOSING:
            del cuts[i]  # kinsoku still holds
    return cuts


def phrase_lines(text: str, width: int, measure, total: int) -> list[Line] | None:
    """The headline in the fewest lines that fit, broken only at phrase_cuts, most even first; None when
    no such break fits the width."""
    cuts = phrase_cuts(text)
    positions = sorted(cuts)
    cache: dict[tuple[int, int], Line] = {}

    def line(a: int, b: int) -> Line:
        if (a, b) not in cache:
            cache[(a, b)] = measure(text[a:b].strip("\u3000 "))
        return cache[(a, b)]

    def solve(a: int, k: int) -> tuple[float, list[int]] | None:
        """Best breaks for text[a:] in k lines: (cost, ends)."""
        rest = text[a:].strip("\u3000 ")
        if k == 1:
            if len(rest) < 2 or line(a, len(text)).used > width:
                return None
            return 0.0, [len(text)]
        best = None
        for p in positions:
            if p <= a + 1 or len(text) - p < 2:
                continue
            first = line(a, p)
            if first.used > width:
                break
            tail = solve(p, k - 1)
            if tail is None:
                continue
            widths = [first.used] + [line(x, y).used for x, y in zip([p, *tail[1][:-1]], tail[1], strict=False)]
            cost = (max(widths) - min(widths)) / max(width, 1) + cuts[p] * 0.5 + tail[0]
            if best is None or cost < best[0]:
                best = (cost, [p, *tail[1]])
        return best

    n0 = max(2, -(-total // max(width, 1)))
    for k in range(n0, MAX_HEADLINE_LINES + 1):
        found = solve(0, k)
        if found is not None:
            starts = [0, *found[1][:-1]]
            return [line(a, b) for a, b in zip(starts, found[1], strict=False)]
    return None


def headline_lines(fonts: FontBook, layout: Layout, text: str, style: Style, width: int) -> list[Line]:
    """A headline in as few lines as fit the width, broken where the lines come out most even."""
    settings = settings_for(layout)

    def one_line(part: str) -> Line:
        """The text on a single line at its natural spacing."""
        return set_paragraph(make_atoms(spans(fonts, [(part, style)])), 10**9, 10**9, settings,
                             justify=False).lines[0]

    whole = one_line(text)
    total = whole.used
    if total <= width:
        return [whole]
    phrases = text.split("\u3000")
    if len(phrases) > 1:
        # an ideographic space separates a headline's phrases: break there first
        lines = [one_line(p) for p in phrases]
        if all(line.used <= width for line in lines):
            return lines
    broken = phrase_lines(text, width, lambda part: one_line(part), total)
    if broken is not None:
        return broken
    HEADLINE_PROBLEMS.append(f"headline '{text}' cannot be broken between phrases in {width / 1000:.1f} pt: "
                             "set it a size smaller or give it a wider span")
    atoms = make_atoms(spans(fonts, [(text, style)]))
    n = max(1, -(-total // width))
    while True:
        # ask for lines of total/n so the breaker balances them, and accept if they fit the measure
        target = min(width, -(-total // n) + style.size)
        para = set_paragraph(atoms, target, target, settings, justify=False)
        if all(line.used <= width for line in para.lines) and len(para.lines) <= n + 1:
            return list(para.lines)
        n += 1
        if n > 8:
            return list(para.lines)
