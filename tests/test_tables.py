"""Issue 9, items 4, 6 and 7: tables on the grid with repeated headers, subheads kept with the next line, and
normalisation of every text a page carries (headlines, bylines, captions, credits, column heads)."""

from __future__ import annotations

import csv
import re
import subprocess
from pathlib import Path

import pytest

from paperpress.errors import Problems
from paperpress.model import GlyphRun, Rule

MESSY = Path(__file__).parent / "data" / "messy" / "issue.yaml"
CSV = MESSY.parent / "articles" / "listings.csv"


@pytest.fixture(scope="module")
def messy(tmp_path_factory):
    from paperpress.build import build, write_atomically

    built = build(MESSY)
    out = tmp_path_factory.mktemp("tables") / "out"
    write_atomically(built, out)
    return built, out / built.issue.id


def _csv_rows() -> list[list[str]]:
    with CSV.open(encoding="utf-8") as f:
        return list(csv.reader(f))


def _listings(built):  # type: ignore[no-untyped-def]
    page = built.pages[0]
    runs = [r for r in page.items if isinstance(r, GlyphRun) and not r.vertical]
    spec = built.issue.pages[0]
    module = next(m for p in built.plans for pl in p.placed if (m := pl.module).story and m.story.id == "listings")
    return page, runs, spec.layout, module


def _start(run: GlyphRun) -> int:
    """Where the run's first glyph stands (a run's x is its origin, which its glyphs are placed from)."""
    return run.x + run.glyphs[0].x


def _in_module(run: GlyphRun, layout, module) -> bool:  # type: ignore[no-untyped-def]
    from paperpress.layout.grid import Grid

    grid = Grid(layout)
    return (grid.x(module.column) <= _start(run) < grid.x(module.column) + grid.width(module.span)
            and grid.band_top(module.line) <= run.y < grid.band_top(module.line + module.lines))


def test_table_header_repeats_after_a_column_break_in_the_pdf_text(messy):
    built, out = messy
    pdf = next((out / "print").glob("*.pdf"))
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    headers = [ln for ln in text.splitlines() if "上市日期" in ln and "保荐机构" in ln]
    assert len(headers) == 2, text  # the header row, once per body column
    assert headers[0].split() == ["公司", "上市日期", "保荐机构", "募资（亿元）"] == headers[1].split()
    first = text.index(headers[0])
    second = text.index(headers[1], first + 1)
    rows = [(r[1], r[2], r[3]) for r in _csv_rows()[1:]]

    def table_rows(part: str) -> list[tuple[str, ...]]:
        return [m.groups() for m in re.finditer(r"(\d{4}-\d{2}-\d{2}) (\S+) ([\d,.]+)$", part, re.M)]

    # the rows after the first header are column 1's, those after the second column 2's: every row once,
    # in the file's order, the header standing again where the table continues
    col1, col2 = table_rows(text[first:second]), table_rows(text[second:])
    assert len(col1) >= 10 and len(col2) >= 10
    assert col1 + col2 == rows


def test_table_geometry_header_on_top_of_the_next_column_rows_on_the_grid(messy):
    from paperpress.layout.grid import Grid

    built, _ = messy
    page, runs, layout, module = _listings(built)
    grid = Grid(layout)
    mine = [r for r in runs if _in_module(r, layout, module) and r.size == layout.body.size]
    heads = sorted((r for r in mine if r.text == "上市日期"), key=_start)
    assert len(heads) == 2
    body_top = min(r.y for r in mine)  # the first body grid line of the module
    col2 = min(_start(r) for r in mine if _start(r) > _start(heads[0]) + 50_000 and r.y == body_top)
    assert heads[1].y == body_top and heads[1].x > heads[0].x  # at the top of the second body column
    assert heads[0].y > body_top  # the first header follows the introduction in column 1
    assert col2 < heads[1].x
    assert heads[1].font == heads[0].font == layout.style("runin").font  # bold, the run-in style
    # the repeated header is not read twice by screen readers: an artifact, the first one tagged
    assert heads[0].article == "listings" and heads[1].article == ""
    # every line of the table sits on a body baseline of the grid, every rule on a band edge
    first_base = grid.baseline(1)
    assert all((r.y - first_base) % layout.pitch == 0 for r in mine)
    rules = [it for it in page.items if isinstance(it, Rule) and it.y1 == it.y2
             and grid.x(module.column) <= it.x1 < grid.x(module.column) + grid.width(module.span)
             and grid.band_top(module.line) < it.y1 < grid.band_top(module.line + module.lines)]
    assert len(rules) > 40
    assert all((r.y1 - layout.grid_top) % layout.pitch == 0 for r in rules)
    widths = {r.width for r in rules}
    assert widths == {layout.table.rule, layout.table.header_rule}


def _right_edge(run: GlyphRun, fonts) -> float:  # type: ignore[no-untyped-def]
    face = fonts[run.font]
    last = run.glyphs[-1]
    return run.x + last.x + face.hb_font.get_glyph_h_advance(last.gid) * run.size / face.upem


def _ink_right(run: GlyphRun, fonts) -> float:  # type: ignore[no-untyped-def]
    face = fonts[run.font]
    last = run.glyphs[-1]
    ext = face.hb_font.get_glyph_extents(last.gid)
    return run.x + last.x + (ext.x_bearing + ext.width) * run.size / face.upem


def test_table_numbers_are_right_aligned_and_words_left_aligned(messy):
    from paperpress.build import load

    built, _ = messy
    _, fonts = load(MESSY)
    page, runs, layout, module = _listings(built)
    rows = _csv_rows()[1:]
    money = {r[3] for r in rows}
    companies = {r[0].replace(" ", "") for r in rows}
    mine = [r for r in runs if _in_module(r, layout, module)]
    measure = next(pl.measured.measure for pl in built.plans[0].placed if pl.module.name == "listings")
    col_edge = sorted({_start(r) for r in mine if r.text == "公司"})  # the header's first cell: each column's left
    assert len(col_edge) == 2
    for left in col_edge:
        column = [r for r in mine if left <= _start(r) < left + measure]
        numbers = [r for r in column if r.text in money]
        names = [r for r in column if r.text in companies]
        assert len(numbers) >= 15 and len(names) >= 15
        rights = {round(_right_edge(r, fonts)) for r in numbers}
        assert max(rights) - min(rights) <= 20, rights  # one right edge (20 millipoints: rounding)
        assert len({_start(r) for r in numbers}) > 1  # so not flush left: 5.70 and 1,234.50 start apart
        assert len({_start(r) for r in names}) == 1, sorted((_start(r), r.text) for r in names)  # names flush left
        # nothing of the table reaches past its body column (the ink: a closing mark's blank half at the
        # end of 募资（亿元） is compressed away, as at any line end)
        assert all(_ink_right(r, fonts) <= left + measure + 1 for r in column if r.size == layout.body.size)
        assert max(_right_edge(r, fonts) for r in column) > left + measure - layout.em  # it spans the measure


def test_table_from_yaml_rows_normalised_and_located(tmp_path):
    from paperpress.stories import load_story

    art = tmp_path / "t.yaml"
    art.write_text("kind: news\ntitle: 表\nparagraphs:\n"
                   "  - {table: {header: [地区, 数量], rows: [[北京 朝阳, 12], [上海(浦东), '1,200']]}}\n",
                   encoding="utf-8")
    problems = Problems()
    story = load_story(art, problems)
    assert story is not None, [str(p) for p in problems.items]
    table = story.paragraphs[0].table
    assert table is not None and table.header == ("地区", "数量")
    assert table.rows == (("北京朝阳", "12"), ("上海（浦东）", "1,200"))
    spots = {(n.line, n.column, n.old, n.new) for n in story.normalisations}
    line4 = art.read_text(encoding="utf-8").splitlines()[3]
    assert (4, line4.index(" 朝阳") + 1, " ", "") in spots
    assert (4, line4.index("(浦东") + 1, "(", "（") in spots


@pytest.mark.parametrize("body, message", [
    ("{table: {csv: ../x.csv}}", "next to the article"),
    ("{table: {rows: [[a, b], [c]]}}", "a table row of 1 cells"),
    ("{table: {rows: [[a]], csv: x.csv}}", "one of them"),
    ("{table: {rows: [[a]], colour: red}}", "unknown field 'colour'"),
])
def test_bad_tables_are_located_errors(tmp_path, body, message):
    from paperpress.stories import load_story

    art = tmp_path / "t.yaml"
    art.write_text(f"kind: news\ntitle: 表\nparagraphs:\n  - {body}\n", encoding="utf-8")
    problems = Problems()
    assert load_story(art, problems) is None
    assert any(message in str(p) for p in problems.items), [str(p) for p in problems.items]


def test_column_widths_from_content_within_the_measure():
    from paperpress.layout.table import column_widths

    em = 10_000
    assert column_widths([40_000, 50_000, 20_000], 200_000, em) == [40_000, 50_000, 20_000]
    narrowed = column_widths([120_000, 50_000, 20_000], 150_000, em)
    assert sum(narrowed) <= 150_000 and narrowed[1:] == [50_000, 20_000] and narrowed[0] >= 70_000


def test_a_wide_table_wraps_its_cells_and_keeps_a_row_together(messy):
    """瑞丰股份（筹） is wider than its column: it takes two grid lines, never split between columns."""
    built, _ = messy
    page, runs, layout, module = _listings(built)
    mine = [r for r in runs if _in_module(r, layout, module)]
    part1 = next(r for r in mine if r.text.startswith("瑞丰股份"))
    part2 = next(r for r in mine if r.text == "（筹）")
    assert part2.y == part1.y + layout.pitch and abs(part2.x - part1.x) < layout.em


def test_flow_moves_a_subhead_off_the_column_foot_and_repeats_table_headers():
    from paperpress.layout.flow import flow

    plain = flow(6, 3)
    assert [(k, c, r) for k, c, r, _ in plain] == [(0, 0, 0), (1, 0, 1), (2, 0, 2), (3, 1, 0), (4, 1, 1), (5, 1, 2)]
    kept = flow(6, 3, keep={2})  # line 2, a subhead, would end column 1
    assert [(k, c, r) for k, c, r, _ in kept][2:4] == [(2, 1, 0), (3, 1, 1)]
    # a table: line 0 its header, 1..5 rows; a new column starts with the header again
    table = flow(6, 4, keep={0}, repeat={k: (0,) for k in range(1, 6)})
    assert [(k, c, r, rep) for k, c, r, rep in table if c == 1] == [(0, 1, 0, True), (4, 1, 1, False),
                                                                     (5, 1, 2, False)]


def test_a_subhead_is_never_the_last_line_of_a_body_column():
    """For every column height, the finance article's 小标题 is followed in its own column by the next
    line; at some heights the plain fill (line i at i % rows) would have left it at the column's foot."""
    from paperpress.build import load
    from paperpress.layout.measure import measure_story

    issue, fonts = load(MESSY)
    spec = issue.pages[0]
    story = next(m.story for m in spec.modules if m.story is not None and m.story.id == "finance")
    ms = measure_story(story, 4, 4, False, False, spec.layout, fonts)
    sub = next(k for k, (line, _, _) in enumerate(ms.body) if line.text == "二、后市展望")
    would_have_ended = 0
    for per_col in range(2, len(ms.body) + 1):
        where = {k: (c, r) for k, c, r, _ in ms.flow(per_col)}
        c, r = where[sub]
        assert r < per_col - 1 and where[sub + 1] == (c, r + 1), per_col
        would_have_ended += sub % per_col == per_col - 1
    assert would_have_ended


def test_subhead_in_the_messy_page_has_its_next_line_under_it(messy):
    built, _ = messy
    lines = [ln for page in built.pages for ln in page.lines]
    for text in ("二、后市展望", "三、市场反应"):
        sub = next(ln for ln in lines if ln.text == text)
        below = [ln for ln in lines if ln.x0 == sub.x0 and ln.baseline == sub.baseline + built.issue.pages[0]
                 .layout.pitch]
        assert below, text


def test_every_text_kind_is_normalised_and_listed(messy):
    built, out = messy
    spec = built.issue.pages[0]
    story = next(m.story for m in spec.modules if m.story is not None and m.story.id == "commentary")
    assert story.kicker == "周末评论（第3期）"
    assert story.title == "理性看待“波动”，守住长期价值"
    assert story.subtitle == "写在（年末）行情之前"
    assert story.byline == "特约评论员\u3000王\u3000某"  # name spaces kept as the house's ideographic space
    figure = next(m for m in spec.modules if m.figure is not None)
    assert figure.caption == "加油站夜景（资料图）"
    assert figure.credit == "记者\u3000张三\u3000李四\u3000摄"
    head = next(m for m in spec.modules if m.head is not None)
    assert head.head == "市场观察（周评）"
    # each change located at its file:line:column, like the body's
    found = {t.where for t in built.typography if t.rule == "normalised"}
    manifest = MESSY.read_text(encoding="utf-8").splitlines()
    article = (MESSY.parent / "articles" / "commentary.yaml").read_text(encoding="utf-8").splitlines()
    rel = "tests/data/messy/"

    def at(lines, marker, offset, file):  # type: ignore[no-untyped-def]
        row = next(i for i, ln in enumerate(lines) if marker in ln)
        return f"{file}:{row + 1}:{lines[row].index(marker) + offset + 1}"

    expected = [at(manifest, "市场 观察(周评)", 2, "issue.yaml"), at(manifest, "市场 观察(周评)", 5, "issue.yaml"),
                at(manifest, "夜景(资料图)", 2, "issue.yaml"), at(manifest, "张三 李四", 2, "issue.yaml"),
                at(article, "周末 评论", 2, "articles/commentary.yaml"),
                at(article, '"波动" ,', 0, "articles/commentary.yaml"),
                at(article, '"波动" ,', 4, "articles/commentary.yaml"),
                at(article, "(年末)", 0, "articles/commentary.yaml"),
                at(article, "王 某", 1, "articles/commentary.yaml")]
    for where in expected:
        assert any(f.endswith(where) for f in found), (where, sorted(found))
    assert not any(rel + "issue.yaml" in f and "李 雪" in f for f in found)
    # and the printed page carries the normalised forms
    pdf = next((out / "print").glob("*.pdf"))
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "（资料图）" in text and "(资料图)" not in text and "（周评）" in text.replace(" ", "")


def test_a_module_may_switch_normalisation_off(tmp_path):
    import shutil

    from paperpress.build import load

    shutil.copytree(MESSY.parent, tmp_path / "messy")
    issue_file = tmp_path / "messy" / "issue.yaml"
    issue_file.write_text(issue_file.read_text(encoding="utf-8").replace(
        "{head: 市场 观察(周评),", "{head: 市场 观察(周评), normalize: false,"), encoding="utf-8")
    issue, _ = load(issue_file)
    head = next(m for m in issue.pages[0].modules if m.head is not None)
    assert head.head == "市场 观察(周评)" and head.normalisations == ()


def test_the_reading_edition_carries_the_table_as_a_table():
    import xml.dom.minidom

    from paperpress.build import load
    from paperpress.pdf.reading import html

    issue, fonts = load(MESSY)
    doc = xml.dom.minidom.parseString(html(issue, fonts))
    tables = doc.getElementsByTagName("table")
    assert len(tables) == 1
    assert [th.firstChild.data for th in tables[0].getElementsByTagName("th")] == ["公司", "上市日期", "保荐机构",
                                                                                  "募资（亿元）"]
    assert len(tables[0].getElementsByTagName("tr")) == 1 + len(_csv_rows()) - 1


def test_csv_cells_are_normalised_and_located_at_their_row_and_column(messy):
    built, _ = messy
    found = {"tests/data/messy/" + t.where.split("/messy/")[1]: t.message for t in built.typography
             if t.rule == "normalised" and ".csv" in t.where}
    lines = CSV.read_text(encoding="utf-8").splitlines()
    row = next(i for i, ln in enumerate(lines) if ln.startswith("蓝海 生物")) + 1
    assert found[f"tests/data/messy/articles/listings.csv:{row}:3"] == "' ' → ''"
    row = next(i for i, ln in enumerate(lines) if "(筹)" in ln) + 1
    col = lines[row - 1].index("(筹)") + 1
    assert found[f"tests/data/messy/articles/listings.csv:{row}:{col}"] == "'(' → '（'"
    header_col = lines[0].index("(亿元)") + 1  # the header: 募资(亿元)
    assert found[f"tests/data/messy/articles/listings.csv:1:{header_col}"] == "'(' → '（'"


def test_layout_table_setting(tmp_path):
    import shutil

    from paperpress.build import load
    from paperpress.errors import InputError

    root = tmp_path / "proj"
    shutil.copytree(MESSY.parent, root / "messy")
    (root / "layouts").mkdir()
    layout = (Path(__file__).parent.parent / "layouts" / "broadsheet.yaml").read_text(encoding="utf-8")
    assert "table:" in layout and "rule: 0.25pt" in layout  # the bundled layouts carry the setting
    (root / "layouts" / "broadsheet.yaml").write_text(layout.replace("rule: 0.25pt", "rule: 0pt")
                                                      .replace("header-rule: 0.75pt", "header-rule: 1pt"),
                                                      encoding="utf-8")
    issue, _ = load(root / "messy" / "issue.yaml")
    ts = issue.pages[0].layout.table
    assert (ts.rule, ts.header_rule, ts.gap) == (0, 1000, 1)
    (root / "layouts" / "broadsheet.yaml").write_text(layout.replace("gap: 1 ", "gaps: 1 "), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load(root / "messy" / "issue.yaml")
    assert "unknown field 'gaps' in table" in str(err.value)


def test_plan_and_composition_agree_on_how_a_table_article_fits(messy, tmp_path):
    """The plan counts a table's repeated header and a moved subhead's empty row, as composition does."""
    import shutil

    from paperpress.build import build

    built, _ = messy
    for fit in built.fits:
        assert fit.placed is not None and fit.placed.status == fit.status, (fit.article, fit.status)
    # one line fewer: the listings article would fit by plain line count (48 lines in 48) but not with its header
    # repeated in column 2 and the subhead's empty row — both stages call it overset
    shutil.copytree(MESSY.parent, tmp_path / "messy")
    issue_file = tmp_path / "messy" / "issue.yaml"
    issue_file.write_text(issue_file.read_text(encoding="utf-8").replace("line: 11, lines: 28, columns: 2",
                                                                         "line: 11, lines: 27, columns: 2"),
                          encoding="utf-8")
    shrunk = build(issue_file, allow_overset=True)
    fit = next(f for f in shrunk.fits if f.article == "listings")
    assert fit.status == fit.placed.status == "overset"
    ms = fit.placed.measured
    assert len(ms.body) <= fit.lines_available < fit.lines_needed
