"""Issue 9: typography that survives messy wire copy (our own sentences)."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperpress.linebreak.breaker import Breaker, Settings, set_paragraph
from paperpress.linebreak.rules_zh import CLOSING, is_han
from paperpress.model import GlyphRun
from paperpress.normalize import normalize
from tests.test_linebreak import EM, atoms


def _latin_steps(para) -> list[int]:
    """Advances between consecutive glyphs of one Latin atom (the helper's letters are EM/2 wide)."""
    steps = []
    for line in para.lines:
        glyphs = [g for _, _, gs in line.glyphs for g in gs]
        for g1, g2 in zip(glyphs, glyphs[1:], strict=False):
            if g1.text.isascii() and g2.text.isascii() and g1.text.isalpha() and g2.text.isalpha():
                steps.append(g2.x - g1.x)
    return steps


def test_stretched_line_never_letter_spaces_a_latin_word():
    # line 1 holds 中文 + a 10-letter word (two gaps only): the old code spread the line's slack into
    # the word's letters; now the slack goes to the Han–Latin gaps and between Han characters only
    para = set_paragraph(atoms("中文abcdefghij中文中文中文中文中文"), 8 * EM, 8 * EM, Settings())
    steps = _latin_steps(para)
    assert steps and all(s == EM // 2 for s in steps), steps
    assert all(line.used == 8 * EM for line in para.lines if not line.final)


def test_token_wider_than_the_measure_breaks_and_never_overhangs():
    word = "someVeryLongOptionNameWithoutAnyBreakPoint"  # 42 letters = 21 em, measure 10 em
    para = set_paragraph(atoms(f"设置{word}参数"), 10 * EM, 10 * EM, Settings())
    assert len(para.lines) >= 3
    assert all(line.used <= 10 * EM for line in para.lines), [(ln.text, ln.used) for ln in para.lines]
    assert "".join(line.text for line in para.lines) == f"设置{word}参数"


def test_number_range_is_one_unit():
    text = "会议定于2019—2020年举行"
    br = Breaker(atoms(text), Settings())
    texts = [a.text for a in br.atoms]
    k = texts.index("—")
    assert not br.can_break[k] and not br.can_break[k + 1]
    assert br.gap[k - 1] == 0 and br.gap[k] == 0  # no Han–Latin gap around the range mark


def test_slash_between_han_never_starts_a_line_and_is_unspaced():
    br = Breaker(atoms("价格为每吨3000元/吨左右"), Settings())
    texts = [a.text for a in br.atoms]
    k = texts.index("/")
    assert not br.can_break[k]
    assert br.gap[k - 1] == 0 and br.gap[k] == 0


def test_brackets_are_normalised_as_a_pair():
    assert normalize("（编号：ABC-123)")[0] == "（编号：ABC-123）"
    assert normalize("(6月10日）")[0] == "（6月10日）"
    assert normalize("英文名(John Smith)先生")[0].count("（") == normalize("英文名(John Smith)先生")[0].count("）")


def test_stray_spaces_in_chinese_are_removed_and_listed():
    text, changes = normalize("原油 期货 价格在晚高峰 。”番禺 ，Clean Air Asia计划")
    assert text == "原油期货价格在晚高峰。”番禺，Clean Air Asia计划"
    assert [(c.index, c.old, c.new) for c in changes] == [(2, " ", ""), (5, " ", ""), (12, " ", ""), (17, " ", "")]


MESSY = Path(__file__).parent / "data" / "messy" / "issue.yaml"
RANGE_OR_SLASH = frozenset("—–～~至/")


@pytest.fixture(scope="module")
def messy():
    from paperpress.build import build

    return build(MESSY)


def test_messy_copy_has_no_typographic_error(messy):
    errors = [str(t) for t in messy.typography if t.severity == "error"]
    assert not errors, errors


def test_messy_lines_never_overhang_nor_start_with_a_range_mark_slash_or_closing_mark(messy):
    lines = [line for page in messy.pages for line in page.lines]
    assert len(lines) > 20
    for line in lines:
        assert line.end <= line.x1 + 500, line.text
        assert line.text[0] not in RANGE_OR_SLASH and line.text[0] not in CLOSING, line.text


def test_messy_latin_glyphs_keep_their_natural_spacing(messy):
    """Every pair of adjacent Latin glyphs sits at the font's own advance (kerning aside): the old code
    spread a loose line's slack between letters, 0.4 em and more per letter here."""
    from paperpress.build import load

    issue, fonts = load(MESSY)
    source = "".join(p.text for spec in issue.pages for m in spec.modules if m.story for p in m.story.paragraphs)
    pairs = 0
    for page in messy.pages:
        for run in page.items:
            if not isinstance(run, GlyphRun) or run.vertical:
                continue
            face = fonts[run.font]
            for g1, g2 in zip(run.glyphs, run.glyphs[1:], strict=False):
                if g1.text.isascii() and g1.text.isalnum() and g2.text.isascii() and g2.text.isalnum() \
                        and f"{g1.text} {g2.text}" not in source:  # not across a word space
                    natural = face.hb_font.get_glyph_h_advance(g1.gid) * run.size / face.upem
                    assert abs((g2.x - g1.x) - natural) <= 0.1 * run.size, (g1.text, g2.text, g2.x - g1.x, natural)
                    pairs += 1
    assert pairs > 100


def test_messy_brackets_pair_and_stray_spaces_are_gone(messy):
    stories = [m.story for spec in messy.issue.pages for m in spec.modules if m.story is not None]
    assert len(stories) == 4  # security, finance, listings, commentary
    for story in stories:
        for para in story.paragraphs:
            text = para.text
            assert text.count("（") == text.count("）") and text.count("(") == text.count(")"), text
            for a, b, c in zip(text, text[1:], text[2:], strict=False):
                assert not (b == " " and (is_han(a) or a in CLOSING) and (is_han(c) or c in CLOSING)), text
            assert " ，" not in text and " 。" not in text and "元 /" not in text
    normalised = [t for t in messy.typography if t.rule == "normalised"]
    assert any("' ' → ''" in t.message for t in normalised)


def test_hyphenation_points_come_from_the_dictionary():
    from paperpress.linebreak.atoms import hyphenation_pieces

    assert hyphenation_pieces("mitigation") == ["mit", "i", "ga", "tion"]
    assert hyphenation_pieces("Dfoo") == ["Dfoo"]  # short words stay whole
    assert hyphenation_pieces("CVE2024") == ["CVE2024"]  # not a word: never hyphenated


def test_a_line_broken_at_a_hyphenation_point_ends_with_a_hyphen_and_stays_flush():
    from dataclasses import replace

    base = atoms("中文中文中文")
    # "interna|tional": 14 letters = 7 em; the measure 8 em; hyphen 0.5 em
    left = atoms("interna")[0]
    left = replace(left, break_after=True, hyphen=(7, EM // 2))
    right = atoms("tional")[0]
    para = set_paragraph(base[:4] + [left, right] + base, 8 * EM, 8 * EM, Settings())
    first = para.lines[0]
    assert first.text.endswith("interna-"), [ln.text for ln in para.lines]
    assert first.used == 8 * EM
    assert para.lines[1].text.startswith("tional")


def _fake_measure(part: str):
    from types import SimpleNamespace

    return SimpleNamespace(text=part, used=len(part) * EM)


def test_headline_breaks_only_between_words():
    from paperpress.layout.text import phrase_lines

    title = "某开源组件曝出远程命令执行漏洞"  # 15 chars; a 9-char measure forces two lines
    lines = phrase_lines(title, 9 * EM, _fake_measure, len(title) * EM)
    assert lines is not None and "".join(ln.text for ln in lines) == title
    assert all(len(ln.text) >= 2 and ln.used <= 9 * EM for ln in lines)
    # never inside 远程 / 命令 / 执行 (jieba's words), and "印发" style one-word splits are impossible
    ends = {sum(len(ln.text) for ln in lines[:k]) for k in range(1, len(lines))}
    for word in ("开源", "组件", "曝出", "远程", "命令", "执行", "漏洞"):
        i = title.index(word)
        assert i + 1 not in ends, [ln.text for ln in lines]


def test_headline_that_cannot_break_cleanly_is_reported_as_none():
    from paperpress.layout.text import phrase_lines

    assert phrase_lines("印发", 1 * EM, _fake_measure, 2 * EM) is None


def test_unbreakable_headline_is_reported_by_check(tmp_path):
    """A title too long for its span with no phrase break that fits: check warns, naming the remedy."""
    import shutil

    from paperpress.build import build

    shutil.copytree(MESSY.parent, tmp_path / "messy")
    art = tmp_path / "messy" / "articles" / "finance.yaml"
    art.write_text(art.read_text(encoding="utf-8").replace("前三季度营收同比增长",
                   "ABCDEFGHIJKLMNOPQRSTUVWXYZ" * 2 + "营收"), encoding="utf-8")
    built = build(tmp_path / "messy" / "issue.yaml", allow_overset=True)  # the longer headline takes body lines
    found = [t for t in built.typography if t.rule == "headline-break"]
    assert found and "wider span" in found[0].message


def test_subhead_and_closing_are_paragraph_kinds(messy):
    story = next(m.story for spec in messy.issue.pages for m in spec.modules
                 if m.story is not None and m.story.id == "finance")
    kinds = [(p.kind, p.text) for p in story.paragraphs if p.kind != "text"]
    assert kinds == [("subhead", "二、后市展望"), ("closing", "某某市统计局"), ("closing", "2024年12月2日")]
    lines = {ln.text: ln for page in messy.pages for ln in page.lines if ln.article == "finance"}
    sub = lines["二、后市展望"]
    assert sub.start == sub.x0  # flush left, no paragraph indent
    for text in ("某某市统计局", "2024年12月2日"):
        assert abs(lines[text].end - lines[text].x1) <= 500, text  # 落款: flush right
        assert lines[text].start > lines[text].x0 + 2000


def test_a_paragraph_item_of_an_unknown_kind_is_an_error(tmp_path):
    import shutil

    from paperpress.build import build
    from paperpress.errors import InputError

    shutil.copytree(MESSY.parent, tmp_path / "messy")
    art = tmp_path / "messy" / "articles" / "finance.yaml"
    art.write_text(art.read_text(encoding="utf-8").replace("{subhead:", "{subheading:"), encoding="utf-8")
    with pytest.raises(InputError) as err:
        build(tmp_path / "messy" / "issue.yaml")
    assert "subheading" in str(err.value)


def test_percentage_range_is_one_unit():
    br = Breaker(atoms("增速放缓至3%～5%左右"), Settings())
    texts = [a.text for a in br.atoms]
    k = texts.index("～")
    assert not br.can_break[k] and not br.can_break[k + 1]


def test_headline_words_are_cached_and_agree(tmp_path, monkeypatch):
    """jieba's words of a headline come from the cache folder on a rebuild, and give the same cuts."""
    import sys

    from paperpress.layout import text as text_mod

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    headline = "市生态环境系统举办学习贯彻党的二十大精神宣讲培训班"
    first = text_mod.phrase_cuts(headline)
    assert (tmp_path / "paperpress" / "words.json").is_file()
    monkeypatch.setattr(text_mod, "_JIEBA", None)
    monkeypatch.setitem(sys.modules, "jieba", None)  # an import of jieba now fails: the cache must answer
    assert text_mod.phrase_cuts(headline) == first
    assert first and all(0 < p < len(headline) for p in first)
