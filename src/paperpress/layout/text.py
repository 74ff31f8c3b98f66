"""Setting text of one style: spans, headline lines, paragraphs → glyph runs."""

from __future__ import annotations

from ..fonts import FontBook
from ..linebreak.atoms import Span, make_atoms
from ..linebreak.breaker import Line, Paragraph, Settings, set_paragraph
from ..manifest import Layout, Style
from ..model import BLACK, CMYK, Glyph, GlyphRun


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


def set_text(fonts: FontBook, layout: Layout, parts: list[tuple[str, Style]], first: int, width: int,
             justify: bool = True) -> Paragraph:
    atoms = make_atoms(spans(fonts, parts))
    return set_paragraph(atoms, first, width, settings_for(layout), justify)


def line_runs(line: Line, x: int, baseline: int, color_of: dict[str, CMYK]) -> list[GlyphRun]:
    """A set line → one GlyphRun per face/size group, positioned at x on the baseline."""
    runs = []
    for face, size, glyphs in line.glyphs:
        if not glyphs:
            continue
        x0 = glyphs[0].x
        runs.append(GlyphRun(face, size, x + x0, baseline,
                             tuple(Glyph(g.gid, g.x - x0, g.text) for g in glyphs), color_of.get(face, BLACK)))
    return runs


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
