"""Geometry of the laid-out sample page, asserted on Page.items and the body lines it records."""

from __future__ import annotations

from paperpress.layout.compose import centred_baseline
from paperpress.linebreak.rules_zh import CANNOT_END_STRICT, CANNOT_START_STRICT
from paperpress.model import GlyphRun

HALF_PT = 500  # millipoints


def body_lines(built):
    return [line for page in built.pages for line in page.lines]


def test_every_article_fits_its_module(sample_built):
    """No article is overset: all of the sample's text is on the page."""
    assert {f.status for f in sample_built.fits} <= {"fits", "short"}
    assert all(f.overflowing_lines == 0 for f in sample_built.fits)
    assert len(sample_built.fits) == 8


def test_non_final_lines_flush_at_both_edges(sample_built):
    """Every line but a paragraph's last ends within 0.5 pt of its column's right edge; every line starts at
    the left edge, or two characters in for a paragraph's first line (an opening mark squeezed at the start
    sets its glyph half an em further left, so that its ink is what meets the edge)."""
    from paperpress.linebreak.rules_zh import OPENING

    em = 10000
    for line in body_lines(sample_built):
        assert line.end <= line.x1 + HALF_PT, line.text
        if not line.final:
            assert abs(line.end - line.x1) <= HALF_PT, (line.text, line.x1 - line.end)
        allowed = {0, 2 * em} | ({-em // 2, 2 * em - em // 2} if line.text[0] in OPENING else set())
        assert line.start - line.x0 in allowed, (line.text, line.start - line.x0)


def test_no_line_starts_or_ends_with_forbidden_marks(sample_built):
    """clreq 3.1.7–3.1.8 on the real text: no line opens with ，。、；：？！）」》” nor closes with （「《“."""
    for line in body_lines(sample_built):
        assert line.text[0] not in CANNOT_START_STRICT, line.text
        assert line.text[-1] not in CANNOT_END_STRICT, line.text


def test_body_baselines_on_one_grid(sample_built):
    """All body baselines of the page sit on the one baseline grid (grid origin + k × leading)."""
    page = sample_built.pages[0]
    # one grid: every baseline at the same place within its band, whatever module or column it is in
    assert len({(line.baseline - page.grid_origin) % page.grid_pitch for line in page.lines}) == 1
    offset = centred_baseline(0, page.grid_pitch, 10000)  # the 10 pt body's em box centred in its band
    for line in page.lines:
        k, rest = divmod(line.baseline - page.grid_origin - offset, page.grid_pitch)
        assert rest == 0 and k >= 0, (line.text, rest)
    # body text on at least two thirds of the 88 grid lines (the rest hold headlines and rules)
    assert len({line.baseline for line in page.lines}) >= 88 * 2 // 3


def test_no_lone_last_character(sample_built):
    """孤字: no paragraph's last line holds a single character."""
    for line in body_lines(sample_built):
        if line.final:
            chars = [c for c in line.text if c.isalnum()]
            assert len(chars) >= 2, line.text


def test_glyphs_stay_inside_the_trim(sample_built):
    """Every glyph run starts inside the page and inside the type area horizontally."""
    page = sample_built.pages[0]
    for item in page.items:
        if isinstance(item, GlyphRun):
            assert 0 < item.x < page.width and 0 < item.y < page.height


def test_body_text_is_all_there_in_reading_order(sample_built):
    """The body lines of each article, joined, give back its paragraphs (nothing lost in flow or columns)."""
    from paperpress.stories import load_story
    from tests.conftest import SAMPLE

    by_article: dict[str, str] = {}
    for line in body_lines(sample_built):
        by_article[line.article] = by_article.get(line.article, "") + line.text
    for path in sorted((SAMPLE.parent / "articles").glob("*.yaml")):
        from paperpress.errors import Problems

        story = load_story(path, Problems())
        text = "".join(p.text for p in story.paragraphs)
        assert by_article[story.id].replace("\u3000", "").endswith(text.replace("\u3000", "")), story.id


def test_kai_text_takes_full_width_marks_from_its_marks_font(sample_built):
    """LXGW WenKai's quotes are proportional: the note style sets its marks in the Song face (marks-font),
    the ideographs in 楷体."""
    from paperpress.model import GlyphRun

    page = sample_built.pages[0]
    note_lines = {line.baseline: line for line in page.lines if line.article == "editors-note"}
    runs = [i for i in page.items if isinstance(i, GlyphRun) and i.y in note_lines
            and note_lines[i.y].x0 <= i.x < note_lines[i.y].x1]
    marks = {g.text for r in runs if r.font == "serif-regular" for g in r.glyphs}
    han = {g.text for r in runs if r.font == "kai-regular" for g in r.glyphs}
    assert {"“", "”", "（", "）"} <= marks
    assert "秋" in han and not (marks & han)


def test_sample_has_no_typographic_error(sample_built):
    """paperpress check's findings on the sample: no error (collisions included) and no warning."""
    assert not [str(t) for t in sample_built.typography if t.severity in ("error", "warning")]
