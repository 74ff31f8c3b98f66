"""clreq rules beyond the basics — house styles, URLs, normalisation, widows, vertical heads — and the
stress story (tests/data/stress), whose messy newsroom text must come out without a single violation."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from paperpress.layout.compose import centred_baseline
from paperpress.linebreak.breaker import UNJUSTIFIABLE, Settings, set_paragraph
from paperpress.linebreak.rules_zh import CANNOT_END_STRICT, CANNOT_START_STRICT, CLOSING, OPENING, is_han
from paperpress.model import GlyphRun
from paperpress.normalize import normalize
from tests.conftest import ROOT, run_cli
from tests.test_linebreak import EM, atoms

STRESS = ROOT / "tests" / "data" / "stress" / "issue.yaml"


# -- house styles (clreq 3.1.6) ----------------------------------------------------------------------

def xs(text: str, **kw) -> list[int]:
    para = set_paragraph(atoms(text), 20 * EM, 20 * EM, Settings(**kw))
    return [g.x for _, _, gs in para.lines[0].glyphs for g in gs]


def test_quanjiao_keeps_marks_full_width():
    """clreq 3.1.6 全角式: a comma inside the line takes a full em."""
    assert xs("甲，乙", punctuation="quanjiao") == [0, 1000, 2000]


def test_kaiming_sets_pause_marks_half_width():
    """clreq 3.1.6 开明式: ，、；： are half width, the full stop keeps its em."""
    assert xs("甲，乙。丙", punctuation="kaiming") == [0, 1000, 1500, 2500, 3500]


def test_banjiao_sets_every_mark_half_width():
    """clreq 3.1.6 半角式: every mark half width; an opening mark's glyph moves into its half."""
    assert xs("甲，“乙”。丙", punctuation="banjiao") == [0, 1000, 1000, 2000, 3000, 3500, 4000]


def test_adjacent_marks_take_one_em_in_the_tight_style():
    """clreq 3.1.6.1: ”“ take 1.5 em in 全角式 and 1 em in the tighter 半角式."""
    full = xs("甲”“乙", punctuation="quanjiao")
    tight = xs("甲”“乙", punctuation="banjiao")
    assert full[3] - full[1] == 1500 and tight[3] - tight[1] == 1000


# -- Latin, numbers and URLs (clreq 3.1.7, 3.2.3) ----------------------------------------------------

def test_url_breaks_only_at_its_natural_points():
    """clreq 3.1.7: a URL too long for the line breaks after / or . and never inside a name."""
    text = "详见https://sthjj.taiyuan.gov.cn/xwzx/gzdt/index.shtml查询"
    para = set_paragraph(atoms(text), 12 * EM, 12 * EM, Settings())
    lines = [line.text for line in para.lines]
    for left, right in zip(lines, lines[1:], strict=False):
        if left[-1].isascii() and right[0].isascii():
            assert left[-1] in "/.-_", lines
    assert "".join(lines) == text


def test_number_with_sign_and_decimals_stays_whole():
    """clreq 3.1.7: −9126.00万元 and 688523.SH are never split."""
    text = "甲乙丙丁戊己庚辛壬净利润−9126.00万元，代码688523.SH。"
    for chars in range(8, 14):
        para = set_paragraph(atoms(text), chars * EM, chars * EM, Settings())
        joined = "|".join(line.text for line in para.lines)
        assert "−9126.00万" in joined and "688523.SH" in joined, joined


# -- normalisation (GB/T 15834) ----------------------------------------------------------------------

@pytest.mark.parametrize("raw,expected", [
    ("各县(市、区)政府,要求完成;任务?是!", "各县（市、区）政府，要求完成；任务？是！"),  # ASCII marks between Han
    ('他说"好"。', "他说“好”。"),  # straight quotes curl, opening then closing
    ("共1,280项,比例3:2", "共1,280项，比例3:2"),  # digit groups and ratios stay ASCII
    ("Hello, world", "Hello, world"),  # Latin text is left alone
])
def test_normalisation(raw, expected):
    """ASCII punctuation in Chinese context becomes full width; every change is returned with its position."""
    text, changes = normalize(raw)
    assert text == expected
    assert all(raw[c.index] == c.old and text[c.index] == c.new for c in changes)


def test_normalisation_can_be_switched_off(project_copy, tmp_path):
    """An article with normalize: false keeps its ASCII commas and the report lists no change for it."""
    art = project_copy.parent / "articles" / "training.yaml"
    text = art.read_text(encoding="utf-8").replace("11月4日至6日，", "11月4日至6日,")
    art.write_text(text, encoding="utf-8")
    proc = run_cli("build", str(project_copy), "-o", str(tmp_path / "a"))
    assert proc.returncode == 0, proc.stderr
    report = json.loads((tmp_path / "a" / "2024-11-15" / "report.json").read_text(encoding="utf-8"))
    changes = [t for t in report["typography"] if t["rule"] == "normalised"]
    # report.json locates relative to the issue folder, whatever path the build was given
    line, col = _line_of(art, "11月4日至6日,"), _col_of(art, ",")
    assert [c["where"] for c in changes] == [f"articles/training.yaml:{line}:{col}"]
    art.write_text("normalize: false\n" + text, encoding="utf-8")
    proc = run_cli("build", str(project_copy), "-o", str(tmp_path / "b"))
    report = json.loads((tmp_path / "b" / "2024-11-15" / "report.json").read_text(encoding="utf-8"))
    assert not [t for t in report["typography"] if t["rule"] == "normalised"]


def _line_of(path: Path, needle: str) -> int:
    text = path.read_text(encoding="utf-8")
    return text.count("\n", 0, text.index(needle)) + 1


def _col_of(path: Path, needle: str) -> int:
    text = path.read_text(encoding="utf-8")
    i = text.index(needle)
    return i - text.rfind("\n", 0, i)


# -- the stress story --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def stress():
    from paperpress.build import build

    return build(STRESS)


def test_stress_story_has_no_typographic_error(stress):
    """clreq 3.1.7–3.1.8, 3.2 on messy text: no rule violation, ragged or overhanging line, overlap."""
    errors = [str(t) for t in stress.typography if t.severity == "error"]
    assert not errors, errors
    assert {f.status for f in stress.fits} <= {"fits", "short"}


def test_stress_lines_obey_kinsoku_and_are_flush(stress):
    """Every line of the stress page: allowed start and end, and flush at the right within 0.5 pt."""
    lines = [line for page in stress.pages for line in page.lines]
    assert len(lines) > 100
    for line in lines:
        assert line.text[0] not in CANNOT_START_STRICT and line.text[-1] not in CANNOT_END_STRICT, line.text
        assert line.end <= line.x1 + 500, line.text  # never wider than its column
        if not line.final and line.ratio < UNJUSTIFIABLE:
            assert abs(line.x1 - line.end) <= 500, line.text
        elif not line.final:
            # a line of URL pieces has no gap to stretch without letter-spacing: flush left, reported
            assert " " not in line.text and not any(is_han(c) for c in line.text), line.text
            assert any(t.rule == "loose" and line.text in t.message for t in stress.typography), line.text


def test_stress_adjacent_marks_all_squeezed(stress):
    """clreq 3.1.6.1: in every line, any two full-width marks side by side stand less than an em apart."""
    page = stress.pages[0]
    runs_by_line = defaultdict(list)
    for item in page.items:
        if isinstance(item, GlyphRun):
            runs_by_line[item.y].append(item)
    pairs = 0
    for line in page.lines:
        glyphs = sorted((r.x + g.x, g.text, r.size) for r in runs_by_line[line.baseline]
                        for g in r.glyphs if line.x0 <= r.x + g.x < line.x1)
        for (x1, t1, size), (x2, t2, _) in zip(glyphs, glyphs[1:], strict=False):
            if t1 in OPENING | CLOSING and t2 in OPENING | CLOSING:
                pairs += 1
                assert x2 - x1 < 0.8 * size, (t1 + t2, line.text)
    assert pairs >= 20  # the stress text has plenty of them


def test_stress_baselines_on_the_grid_and_no_lone_characters(stress):
    """Every body baseline on the page grid; no paragraph ends in a single character (孤字)."""
    page = stress.pages[0]
    assert len({(line.baseline - page.grid_origin) % page.grid_pitch for line in page.lines}) == 1
    offset = centred_baseline(0, page.grid_pitch, 10000)
    for line in page.lines:
        assert (line.baseline - page.grid_origin - offset) % page.grid_pitch == 0
        if line.final:
            assert sum(c.isalnum() for c in line.text) >= 2 or line.text in ("短段。",), line.text


def test_stress_normalisations_are_reported_with_locations(stress):
    """The stress articles' ASCII commas, semicolons, brackets and quotes are listed, each with file:line:col."""
    changes = [t for t in stress.typography if t.rule == "normalised"]
    assert len(changes) >= 30
    assert all(t.where.count(":") == 2 for t in changes)
    assert {t.message for t in changes} >= {"',' → '，'", "'\"' → '“'", "'\"' → '”'", "'(' → '（'", "';' → '；'"}


def test_loose_url_lines_are_reported(stress):
    """A URL in an 11-character column cannot be set tightly: the build says so rather than hiding it."""
    loose = [t for t in stress.typography if t.rule == "loose"]
    assert any("https" in t.message or "gov" in t.message for t in loose)
    assert any(t.rule == "word-broken" for t in stress.typography)


def test_check_command_prints_findings(tmp_path):
    """`paperpress check` lists findings per article with locations and exits 0 when there is no error."""
    proc = run_cli("check", str(STRESS))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "markets:" in proc.stdout and "[normalised]" in proc.stdout and "0 typographic error(s)" in proc.stdout


# -- widows and vertical heads -----------------------------------------------------------------------

def test_no_widow_where_the_module_can_avoid_it(sample_built):
    """A paragraph's last line never stands alone at the top of a column of the sample page."""
    assert not any(line.widow for page in sample_built.pages for line in page.lines)


def test_vertical_column_head(project_copy, tmp_path):
    """竖排: a vertical head sets its characters top to bottom on one axis, with vertical quote forms."""
    text = project_copy.read_text(encoding="utf-8")
    text = text.replace("line: 40, lines: 6}", "line: 40, lines: 6, vertical: true}")
    project_copy.write_text(text.replace("span: 2, line: 40, lines: 6, vertical", "span: 2, line: 40, lines: 6, "
                                         "vertical"), encoding="utf-8")
    from paperpress.build import build

    built = build(project_copy)
    runs = [i for i in built.pages[0].items if isinstance(i, GlyphRun) and i.vertical]
    assert "".join(r.text for r in runs) == "“一把手”话“秋冬防”"
    ys = [r.y for r in runs]
    assert ys == sorted(ys) and len(set(ys)) == len(ys)  # strictly downwards
    han = [r for r in runs if r.text not in "“”"]
    assert len({r.x for r in han}) == 1  # ideographs on one vertical axis
    from paperpress.fonts import FontBook  # noqa: F401 - the quotes take the font's vertical forms
    quote = next(r for r in runs if r.text == "“")
    face = built_face(built, quote.font)
    assert quote.glyphs[0].gid != face.glyph("“")[0]


def built_face(built, face_id):
    from paperpress.errors import Problems
    from paperpress.fonts import FontBook

    return FontBook.load(ROOT / "fonts" / "fonts.yaml", Problems())[face_id]


def test_vertical_headline(project_copy):
    """竖排标题: with vertical: true an article's kicker and title stand top to bottom in the module's last
    column, kicker to the right of the title, and the body keeps to the columns on their left."""
    text = project_copy.read_text(encoding="utf-8")
    project_copy.write_text(text.replace("column: 1, span: 4, line: 63, lines: 26}",
                                         "column: 1, span: 4, line: 63, lines: 26, vertical: true}"),
                            encoding="utf-8")
    from paperpress.build import build

    built = build(project_copy)
    # giving a column to the headline would overset the body by a line: one paragraph set a line shorter
    # (within the compression limit) levels the three body columns on the module's last line instead
    assert built.misfits == []
    fit = next(f for f in built.fits if f.article == "xinghualing")
    assert fit.status == "fits" and fit.lines_needed == fit.lines_available
    page = built.pages[0]
    runs = [i for i in page.items if isinstance(i, GlyphRun) and i.vertical]
    kicker = [r for r in runs if r.size == 15000]
    title = [r for r in runs if r.size == 22000]
    assert "".join(r.text for r in kicker) == "扛牢责任担当　精准聚力攻坚"
    assert "".join(r.text for r in title) == "奋力交出大气污染防治最优答卷"
    for column in (kicker, title):
        ys = [r.y for r in column]
        assert ys == sorted(ys) and len({r.x for r in column}) <= 2  # down one axis (upright forms may shift)
    assert min(r.x for r in kicker) > max(r.x for r in title)
    body = [ln for ln in page.lines if ln.article == "xinghualing"]
    assert body and max(ln.x1 for ln in body) < min(r.x for r in title)


def test_check_uses_the_layouts_rule_set():
    """clreq 3.1.7: a line starting with a middle dot is an error under the strict set, allowed under loose."""
    from paperpress.linebreak.rules_zh import RULE_SETS
    from paperpress.model import LineInfo
    from paperpress.typography import _lines

    line = LineInfo("a", 0, 10000, 0, 0, 10000, False, "·溥仪", 0.0, "a.yaml:1")
    assert [f.rule for f in _lines("a", [line], *RULE_SETS["strict"])] == ["line-start"]
    assert not [f for f in _lines("a", [line], *RULE_SETS["loose"]) if f.rule == "line-start"]


def test_the_overlap_check_finds_glyphs_that_collide() -> None:
    """The check that guards every build: two ideographs closer than an em, and a squeezed mark whose ink runs
    into its neighbour's, are each an error; the same glyphs a full em apart are not."""
    from paperpress.build import load
    from paperpress.model import Glyph, Page
    from paperpress.typography import _overlaps

    issue, fonts = load(ROOT / "issues" / "2024-11-15" / "issue.yaml")
    face_id = issue.pages[0].layout.style("body").font
    face = fonts[face_id]
    gid = {ch: face.glyph(ch)[0] for ch in "中国，（"}

    def page(*runs: tuple[int, tuple[tuple[str, int], ...]]) -> Page:
        p = Page(1, "t", 300_000, 400_000, 0)
        p.items += [GlyphRun(face_id, 9000, x, 100_000, tuple(Glyph(gid[c], gx, c) for c, gx in glyphs))
                    for x, glyphs in runs]
        return p

    assert _overlaps(page((10_000, (("中", 0), ("国", 9000), ("，", 18000), ("（", 27000)))), fonts) == []
    han = _overlaps(page((10_000, (("中", 0), ("国", 4500)))), fonts)
    assert [f.rule for f in han] == ["overlap"] and "'中' and '国' overlap by 4.50 pt" in han[0].message
    # two runs on one baseline: their glyphs are compared across the runs too, in the order they stand
    across = _overlaps(page((10_000, (("中", 0),)), (5_000, (("国", 0),))), fonts)
    assert len(across) == 1 and "'国' and '中'" in across[0].message
    # two commas squeezed 1 pt apart: the first one's ink (0.68–2.06 pt from its origin) runs into the second's
    marks = _overlaps(page((10_000, (("，", 0), ("，", 1000)))), fonts)
    assert [f.rule for f in marks] == ["overlap"] and "'，' and '，' overlap by 0.38 pt" in marks[0].message
    # an opening bracket's ink sits on its right half: a comma's just before it does not touch it
    assert _overlaps(page((10_000, (("，", 0), ("（", 1000)))), fonts) == []
