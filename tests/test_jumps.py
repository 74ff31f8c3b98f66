"""Jumps (转版): an article cut to fill its module exactly, continued on another page under a jump headline;
read across the jump the text is the whole article in order; the 转/接 lines name the right pages, are one
line each, and link to each other. Forward and backward jumps in one issue."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
import yaml

from paperpress.build import build, write_atomically

ROOT = Path(__file__).parent.parent
SAMPLE = ROOT / "issues" / "2024-11-15" / "articles"


def _long_article(path: Path, sources: list[str], jump_title: str | None) -> list[str]:
    """An article made of the sample's paragraphs (so every character is known to the fonts)."""
    first = yaml.safe_load((SAMPLE / sources[0]).read_text(encoding="utf-8"))
    paras = [p for s in sources for p in yaml.safe_load((SAMPLE / s).read_text(encoding="utf-8"))["paragraphs"]
             if isinstance(p, str)]
    data = {"kind": "news", "title": first["title"], "dateline": "本报讯", "paragraphs": paras}
    if jump_title:
        data["jump-title"] = jump_title
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return ["本报讯" + paras[0].replace("**", "")] + [p.replace("**", "") for p in paras[1:]]


@pytest.fixture(scope="module")
def jumped(tmp_path_factory):
    d = tmp_path_factory.mktemp("jumps")
    (d / "articles").mkdir()
    for name in ("air-dispatch.yaml", "training.yaml", "xiaodian.yaml", "yingze.yaml"):
        shutil.copy(SAMPLE / name, d / "articles" / name)
    forward = _long_article(d / "articles" / "lead.yaml", ["damage-compensation.yaml", "xiaodian.yaml"],
                            "生态损害赔偿工作（续）")
    back = _long_article(d / "articles" / "back.yaml", ["xinghualing.yaml", "yingze.yaml"], None)
    (d / "issue.yaml").write_text("""\
paper: 太原日报
code: TYRB
id: jumps
date: 2024-11-15
pages:
  - number: 1
    name: 要闻
    layout: a3-5col
    modules:
      - {article: articles/lead.yaml, column: 1, span: 3, lines: 30, continue: {page: 2}}
      - {article: articles/air-dispatch.yaml, column: 4, span: 2}
      - {article: articles/training.yaml, column: 1, span: 3}
  - number: 2
    name: 综合
    layout: a3-5col
    modules:
      - {article: articles/xiaodian.yaml, column: 1, span: 5}
      - {article: articles/back.yaml, column: 1, span: 5, lines: 20, continue: {page: 1, column: 4, span: 2}}
""", encoding="utf-8")
    built = build(d / "issue.yaml")
    out = write_atomically(built, tmp_path_factory.mktemp("o") / "out")
    return built, out, {"lead": forward, "back": back}


def _text(pdf: Path, page: int) -> str:
    return subprocess.run(["pdftotext", "-raw", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


def _flat(s: str) -> str:
    return re.sub(r"\s+", "", s.replace("\u3000", ""))


def _read_across(pdf: Path, whole: list[str], start_page: int, mark_to: str, mark_from: str,
                 dest_page: int) -> None:
    """The article's text on its first page up to the 下转 line, then after the 上接 line: the whole article."""
    full = _flat("".join(whole))
    first = _flat(_text(pdf, start_page))
    head = full[:12]
    assert head in first
    part1 = first[first.index(head):]
    assert mark_to in part1
    part1 = part1[: part1.index(mark_to)]
    second = _flat(_text(pdf, dest_page))
    assert second.count(mark_from) == 1
    part2 = second[second.index(mark_from) + len(mark_from):][: len(full) - len(part1)]
    assert part1 + part2 == full
    assert len(part1) > 200 and len(part2) > 200  # really cut in two


def test_text_is_whole_and_in_order_across_forward_and_backward_jumps(jumped):
    built, out, texts = jumped
    pdf = out / "print" / "jumps.pdf"
    _read_across(pdf, texts["lead"], 1, "（下转第2版）", "（上接第1版）", 2)
    _read_across(pdf, texts["back"], 2, "（下转第1版）", "（上接第2版）", 1)


def test_jump_lines_are_one_line_each_with_the_right_page(jumped):
    _, out, _ = jumped
    pdf = out / "print" / "jumps.pdf"
    lines1 = [ln.strip() for ln in _text(pdf, 1).splitlines()]
    lines2 = [ln.strip() for ln in _text(pdf, 2).splitlines()]
    assert "（下转第2版）" in lines1 and "（上接第2版）" in lines1
    assert "（上接第1版）" in lines2 and "（下转第1版）" in lines2


def test_the_first_part_fills_its_module_and_the_report_says_where_it_goes(jumped):
    built, out, _ = jumped
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    mods = {(p["number"], m["article"]): m for p in report["pages"] for m in p["modules"]}
    lead1, lead2 = mods[(1, "lead")], mods[(2, "lead")]
    assert lead1["status"] == "fits" and lead1["continues_on"] == 2 and lead1["lines"] == 30
    assert lead1["cut"]["paragraph"] >= 1 and "continues on page 2" in lead1["message"]
    assert lead2["continued_from"] == 1 and lead2["continues_on"] is None
    # the continuation: where continue: puts it, else the source's columns, stacked after the page's own
    assert (lead2["column"], lead2["span"]) == (1, 3)
    back1 = mods[(1, "back")]
    assert (back1["column"], back1["span"]) == (4, 2) and back1["continued_from"] == 2
    # the source module's body is level: every body line of the module is used
    placed = next(f.placed for f in built.fits if f.article == "lead" and f.page == 1)
    ms = placed.measured
    rows = 30 - ms.head_bands - ms.byline_rows
    assert len(ms.body) == rows * ms.cols


def test_jump_lines_link_to_the_other_part(jumped):
    _, out, _ = jumped
    with pikepdf.open(out / "screen" / "jumps.pdf") as pdf:
        pages = list(pdf.pages)
        targets = []
        for i, page in enumerate(pages):
            for a in page.obj.get("/Annots", []):
                if a.get("/Subtype") == "/Link" and "/Dest" in a:
                    dest = a["/Dest"][0]
                    targets.append((i, next(j for j, p in enumerate(pages) if p.obj.objgen == dest.objgen)))
    # 下转 and 上接 on each page, each pointing at the other page
    assert sorted(targets) == [(0, 1), (0, 1), (1, 0), (1, 0)]


def test_a_jump_to_a_page_not_in_the_issue_is_located(tmp_path):
    d = tmp_path / "i"
    (d / "articles").mkdir(parents=True)
    shutil.copy(SAMPLE / "training.yaml", d / "articles" / "training.yaml")
    (d / "issue.yaml").write_text("""\
paper: 太原日报
date: 2024-11-15
pages:
  - number: 1
    name: 要闻
    layout: a3-5col
    modules:
      - {article: articles/training.yaml, column: 1, span: 3, continue: {page: 7}}
""", encoding="utf-8")
    from paperpress.errors import InputError

    with pytest.raises(InputError) as e:
        build(d / "issue.yaml")
    assert any(p.line == 8 and "page 7 is not in this issue" in p.message for p in e.value.problems)


def _across(text: str, whole: list[str], mark_to: str, mark_from: str) -> str:
    """The article as read through a forward jump: from its first words to the 下转 line, then on from the
    上接 line that follows."""
    flat, full = _flat(text), _flat("".join(whole))
    start = flat.index(full[:12])
    to = flat.index(mark_to, start)
    back = flat.index(mark_from, to) + len(mark_from)
    part1 = flat[start:to]
    return part1 + flat[back: back + len(full) - len(part1)]


@pytest.mark.parametrize("edition", ["screen/jumps.pdf", "archive/jumps.pdf"])
@pytest.mark.parametrize("tool", ["pdftotext", "pypdfium2", "pdfminer"])
def test_three_extractors_read_the_jumped_article_whole_and_in_order(jumped, edition, tool):
    from tests.test_editions import extract

    _, out, texts = jumped
    text = extract(tool, out / edition)
    assert _across(text, texts["lead"], "（下转第2版）", "（上接第1版）") == _flat("".join(texts["lead"]))


def test_the_structure_tree_reads_the_jumped_article_as_one(jumped):
    """One Art for the article across both pages: its paragraphs in order, the cut one a single P."""
    from tests.test_editions import _structure_text

    _, out, texts = jumped
    with pikepdf.open(out / "screen" / "jumps.pdf") as pdf:
        groups = _structure_text(pdf)
    title = yaml.safe_load((SAMPLE / "damage-compensation.yaml").read_text(encoding="utf-8"))["title"]
    (art,) = [kids for s, kids in groups if s == "/Art" and any(t == _flat(title) for _, t in kids)]
    heads = [t for tag, t in art if tag == "/H"]
    assert heads == [_flat(title), _flat("生态损害赔偿工作（续）")]  # the title, then the jump headline
    paras = [t for tag, t in art if tag == "/P" and "转第" not in t and "接第" not in t]
    assert paras == [_flat(p) for p in texts["lead"]]
    assert [t for tag, t in art if tag == "/P" and ("转第" in t or "接第" in t)] == ["（下转第2版）", "（上接第1版）"]


def test_short_and_long_copy_on_one_page_are_filled_jumped_or_reported(tmp_path):
    """One page with copy made too long (it jumps to page 6, cut to fill its module) and too short (its module
    grows to the foot and copyfit fills it: a second headline line), and two pinned modules whose copy is
    short (reported in lines and characters); report.json names what was done to each."""
    d = tmp_path / "i"
    (d / "articles").mkdir(parents=True)
    for name in ("air-dispatch.yaml", "xiaodian.yaml", "xinghualing.yaml", "yingze.yaml"):
        shutil.copy(SAMPLE / name, d / "articles" / name)
    _long_article(d / "articles" / "long.yaml", ["damage-compensation.yaml", "xiaodian.yaml"], None)
    (d / "issue.yaml").write_text("""\
paper: 太原日报
date: 2024-11-15
id: sl
pages:
  - number: 5
    name: 生态环境
    layout: broadsheet
    modules:
      - {article: articles/long.yaml, column: 1, span: 4, line: 1, lines: 30, continue: {page: 6}}
      - {article: articles/xiaodian.yaml, column: 5, span: 4, line: 1, lines: 60}
      - {article: articles/yingze.yaml, column: 5, span: 4, line: 61}
      - {article: articles/xinghualing.yaml, column: 1, span: 4, line: 31, lines: 58}
  - number: 6
    name: 综合
    layout: broadsheet
    modules:
      - {article: articles/air-dispatch.yaml, column: 1, span: 8}
""", encoding="utf-8")
    out = write_atomically(build(d / "issue.yaml"), tmp_path / "out")
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    mods = {(p["number"], m["article"]): m for p in report["pages"] for m in p["modules"]}
    long5, short = mods[(5, "long")], mods[(5, "yingze")]
    assert long5["status"] == "fits" and long5["continues_on"] == 6 and long5["cut"]["paragraph"] >= 1
    assert mods[(6, "long")]["continued_from"] == 5
    assert short["status"] == "fits" and (short["line"], short["lines"]) == (61, 28)
    assert short["means"] == ["headline-lines 2"] and short["grid_lines_needed"] < 28 and short["auto"]["lines"]
    pinned = mods[(5, "xiaodian")]
    assert pinned["status"] == "short" and pinned["means"] == []
    assert pinned["message"] == f"short by {pinned['short_by_lines']} lines (≈{pinned['short_by_chars']} characters)"
    assert (out / "print" / "sl.pdf").is_file()  # nothing overset: the print files are written
