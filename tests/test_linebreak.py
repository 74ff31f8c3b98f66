"""Line breaking with synthetic widths: 1 em = 1000, Han and full-width marks one em, Latin half an em."""

from __future__ import annotations

from paperpress.linebreak.atoms import CLOSE, HAN, LATIN, MID, OPEN, Atom, _chunks
from paperpress.linebreak.breaker import Settings, set_paragraph
from paperpress.linebreak.rules_zh import CANNOT_END_STRICT, CANNOT_START_STRICT, CLOSING, MIDDLE, OPENING, is_latin

EM = 1000


def atoms(text: str) -> list[Atom]:
    out = []
    for chunk in _chunks(text):
        if is_latin(chunk[0]):
            out.append(Atom(chunk, "t", EM, LATIN, len(chunk) * EM // 2,
                            tuple((0, i * EM // 2, c) for i, c in enumerate(chunk))))
        elif chunk in OPENING:
            out.append(Atom(chunk, "t", EM, OPEN, EM, ((0, 0, chunk),), EM // 2, -EM // 2))
        elif chunk in CLOSING:
            out.append(Atom(chunk, "t", EM, CLOSE, EM, ((0, 0, chunk),), EM // 2, 0))
        elif chunk in MIDDLE:
            out.append(Atom(chunk, "t", EM, MID, EM, ((0, 0, chunk),), EM // 2, -EM // 4))
        else:
            out.append(Atom(chunk, "t", EM, HAN, EM * len(chunk),
                            tuple((0, i * EM, c) for i, c in enumerate(chunk))))
    return out


def lines_of(text: str, chars: int = 10, indent: int = 0, **kw) -> list[str]:
    para = set_paragraph(atoms(text), (chars - indent) * EM, chars * EM, Settings(**kw))
    return [line.text for line in para.lines]


def check_flush(text: str, chars: int = 10) -> None:
    para = set_paragraph(atoms(text), chars * EM, chars * EM, Settings())
    for line in para.lines[:-1]:
        assert line.used == chars * EM, (line.text, line.used)


def test_plain_han_fills_every_line():
    """A character grid: ten ideographs a line, nothing stretched (clreq 3.2 — no adjustment needed)."""
    text = "一二三四五六七八九十" * 2 + "甲乙"
    assert lines_of(text) == ["一二三四五六七八九十", "一二三四五六七八九十", "甲乙"]


def test_no_comma_at_line_start():
    """clreq 3.1.7: a comma that would open line 2 brings the character before it down (推出)."""
    text = "一二三四五六七八九十，甲乙丙"
    result = lines_of(text)
    assert result[0] == "一二三四五六七八九"
    assert result[1].startswith("十，")
    assert not any(line[0] in CANNOT_START_STRICT for line in result)
    check_flush(text)


def test_line_end_mark_squeezed_to_half():
    """clreq 3.1.6: a closing mark at line end gives up its blank half so the line fits (挤进)."""
    text = "一二三四五六七八九。”甲乙"  # 9 + 1.5 em: the ” at the end goes half width
    para = set_paragraph(atoms(text), 10 * EM, 10 * EM, Settings())
    assert para.lines[0].text == "一二三四五六七八九。”"
    assert para.lines[0].used == 10 * EM


def test_no_opening_quote_at_line_end():
    """clreq 3.1.8: an opening quote never ends a line; it moves down with what it opens."""
    text = "一二三四五六七八九“十甲”乙丙丁"
    result = lines_of(text)
    assert not any(line[-1] in CANNOT_END_STRICT for line in result)
    assert result[1].startswith("“")
    check_flush(text)


def test_closing_run_pushes_a_character_down():
    """clreq 3.1.7: 。” cannot both be squeezed in, so a character comes down with them and the line stretches."""
    text = "一二三四五六七八九十。”甲乙丙丁戊己庚"
    result = lines_of(text, compress_inline=False)
    assert result[0] == "一二三四五六七八九"
    assert result[1].startswith("十。”")
    check_flush(text)


def test_adjacent_marks_take_one_and_a_half_em():
    """clreq 3.1.6.1: 。” set side by side collapse the blank between them (1.5 em for the pair)."""
    para = set_paragraph(atoms("甲。”乙"), 10 * EM, 10 * EM, Settings())
    (line,) = para.lines
    xs = [g.x for _, _, gs in line.glyphs for g in gs]
    assert xs == [0, 1000, 1500, 2500]
    assert line.used == 3500


def test_opening_pair_collapses_into_the_second_mark():
    """clreq 3.1.6.1: （“ — the second opening mark gives up its leading blank (glyph shifted left)."""
    para = set_paragraph(atoms("甲（“乙"), 10 * EM, 10 * EM, Settings())
    xs = [g.x for _, _, gs in para.lines[0].glyphs for g in gs]
    assert xs == [0, 1000, 1500, 2500]


def test_justified_lines_end_at_the_measure():
    """clreq 3.2: every line but the last is flush at both edges, whatever the punctuation."""
    text = ("会议要求，各级各有关部门要以铁的纪律、铁的手段、铁的纪律，扛起责任、挑起担子，拧紧链条，"
            "全力把排放总量降下来、把污染峰值削下去，推动我市大气环境持续向好。")
    for chars in (9, 10, 11, 12, 13):
        check_flush(text, chars)


def test_no_lone_last_character():
    """孤字: a paragraph never ends with one character alone on its last line."""
    text = "一二三四五六七八九十甲"  # 11 characters on a 10-character measure
    result = lines_of(text)
    assert len(result[-1]) >= 2, result


def test_number_keeps_its_unit():
    """clreq 3.1.7: 2.4% and 31% and 4年 stay whole; a number never ends a line away from its unit."""
    text = "一二三四五六七八2024年十月同比下降2.4%，增加11天甲乙丙丁戊"
    result = lines_of(text)
    joined = "|".join(result)
    for piece in ("2024年", "2.4%", "11天"):
        assert piece in joined, (piece, result)


def test_latin_gap_between_han_and_digits():
    """clreq 3.2.3: a quarter em separates Han from digits (here 甲 2 乙: 1000 + 250 + 500 + 250)."""
    para = set_paragraph(atoms("甲2乙"), 10 * EM, 10 * EM, Settings())
    xs = [g.x for _, _, gs in para.lines[0].glyphs for g in gs]
    assert xs == [0, 1250, 2000]


def test_dash_is_never_split():
    """clreq 3.1.8: the two-em dash —— stays on one line."""
    text = "一二三四五六七八九——十甲乙丙"
    result = lines_of(text)
    assert all(not line.endswith("—") or line.endswith("——") for line in result)
    assert all(line.count("—") % 2 == 0 for line in result)


def test_first_line_indent():
    """A two-character first-line indent shortens only the first line."""
    text = "一二三四五六七八九十" * 2
    assert lines_of(text, indent=2) == ["一二三四五六七八", "九十一二三四五六七八", "九十"]


def test_strict_rules_keep_a_middle_dot_off_line_start():
    """clreq 3.1.7: under the strict set a middle dot never starts a line."""
    text = "一二三四五六七八九十·甲乙丙丁戊"
    strict = lines_of(text, rules="strict", compress_inline=False)
    assert not any(line[0] == "·" for line in strict)
