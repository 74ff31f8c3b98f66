"""The front layout's masthead (报头), QR sizes and CSV charts: rendered, read back and decoded."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import textwrap

import pikepdf
import pytest

from paperpress.build import build, load
from paperpress.errors import InputError
from paperpress.model import BLACK, GlyphRun, Path
from paperpress.units import mm

from .conftest import ROOT

zxingcpp = pytest.importorskip("zxingcpp")
FRONT = ROOT / "issues/example-front/issue.yaml"
EAN = "9771000000017"  # the issue's ean13: 977100000001 and its check digit: 9+7+1+0+… weighted = 43 → 7
QR_URL = "https://example.org/jzcb/2025-03-03/lead"


@pytest.fixture(scope="module")
def front(tmp_path_factory):
    built = build(FRONT)
    out = tmp_path_factory.mktemp("front") / "out"
    out.mkdir()
    pdf = out / "front.pdf"
    pdf.write_bytes(built.files[built.page_files[0]])
    png = out / "front"
    subprocess.run(["pdftoppm", "-r", "300", "-png", "-singlefile", str(pdf), str(png)], check=True)
    return built, pdf, png.with_suffix(".png")


def _text(pdf) -> str:
    return re.sub(r"\s", "", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                            check=True).stdout)


def _bbox(items):
    xs = [op[i] for it in items for op in it.ops for i in range(1, len(op), 2)]
    ys = [op[i] for it in items for op in it.ops for i in range(2, len(op), 2)]
    return min(xs), min(ys), max(xs), max(ys)


def _slot_rect(layout, slot):
    x = layout.column_x(slot.column)
    y = layout.grid_top + (slot.line - 1) * layout.pitch
    return x, y, x + slot.span * layout.col_w + (slot.span - 1) * layout.gutter, y + slot.lines * layout.pitch


def _decode(png):
    from PIL import Image

    im = Image.open(png)
    return {(r.format, r.text) for r in zxingcpp.read_barcodes(im, ean_add_on_symbol=zxingcpp.EanAddOnSymbol.Require)
            } | {(r.format, r.text) for r in zxingcpp.read_barcodes(im)}


def test_masthead_comes_from_the_layout(front):
    built, pdf, _ = front
    spec = built.issue.pages[0]
    assert spec.layout.name == "a3-5col-front"
    assert "masthead" not in FRONT.read_text(encoding="utf-8").split("modules:")[1]  # no module entry for it
    text = _text(pdf)
    # 2025-03-03 was a Monday, 农历乙巳年二月初四 (春节 2025 fell on 29 January, so 3 March is day 34 → 2nd month, 4th)
    for part in ("2025年3月3日", "星期一", "农历乙巳年二月初四", "第25期", "国内统一连续出版物号CN14-0000",
                 "邮发代号21-25"):
        assert part in text, part


def test_masthead_data_sit_in_their_slot(front):
    built, _, _ = front
    layout, page = built.issue.pages[0].layout, built.pages[0]
    x0, y0, x1, y1 = _slot_rect(layout, layout.masthead.data)
    runs = [r for r in page.items if isinstance(r, GlyphRun) and ("农历" in r.text or "邮发代号" in r.text)]
    assert len(runs) == 2 and all(x0 <= r.x < x1 and y0 < r.y <= y1 for r in runs)
    assert {r.font for r in runs} == {layout.style("masthead-data").font}


def test_nameplate_is_the_issue_logo(front):
    """nameplate.svg (a sun over ridges, and the name as SVG text) as vector paths and a glyph run, in the slot."""
    built, _, _ = front
    layout, page = built.issue.pages[0].layout, built.pages[0]
    x0, y0, x1, y1 = _slot_rect(layout, layout.masthead.nameplate)
    paths = [p for p in page.items if isinstance(p, Path) and x0 <= p.ops[0][1] <= x1 and y0 <= p.ops[0][2] <= y1]
    assert len(paths) >= 3  # the circle and the two ridge shapes
    bx0, by0, bx1, by1 = _bbox(paths)
    assert x0 <= bx0 and bx1 <= x1 and y0 <= by0 and by1 <= y1
    name = [r for r in page.items if isinstance(r, GlyphRun) and r.text == "晋中晨报" and y0 < r.y <= y1]
    assert len(name) == 1 and name[0].font == layout.style("nameplate").font and name[0].size > 40_000
    # the SVG's #e60012 red and #1a1a1a ridge, as CMYK: no cyan, full magenta; a near-black grey
    assert any(p.fill and p.fill[0] == 0 and p.fill[1] == 1 and p.fill[2] > 0.9 for p in paths)
    assert any(p.fill and p.fill[:3] == (0, 0, 0) and 0.85 < p.fill[3] < 0.95 for p in paths)


def test_barcode_slot_decodes_to_the_issues_ean13_and_addon(front):
    built, _, png = front
    assert (zxingcpp.BarcodeFormat.EAN13, EAN + "25") in _decode(png)  # add-on 25: from number 第25期
    layout, page = built.issue.pages[0].layout, built.pages[0]
    x0, y0, x1, y1 = _slot_rect(layout, layout.masthead.barcode)
    bars = [p for p in page.items if isinstance(p, Path) and p.fill == BLACK and x0 <= p.ops[0][1] <= x1
            and y0 <= p.ops[0][2] <= y1]
    assert len(bars) > 30
    bx0, by0, bx1, by1 = _bbox(bars)
    assert x0 <= bx0 and bx1 <= x1 and y0 <= by0 and by1 <= y1
    # full size (100 %) fits one a3-5col column: the main symbol's bars are 95 modules of 0.33 mm, no less
    main = sorted(bars, key=lambda p: p.ops[0][1])
    assert main[-1].ops[0][1] - main[0].ops[0][1] > 95 * mm(0.33) * 0.99


def test_modules_stack_under_the_masthead(front):
    built, _, _ = front
    plan = built.plans[0]
    first, *rest = plan.placed
    assert first.module.furniture[0] == "front-masthead" and first.rect == (1, 5, 1, 10)
    lead = next(p for p in rest if p.module.story is not None)
    assert lead.rect[2] == 11  # no line: given: straight under the masthead's ten lines
    qr = next(p for p in rest if p.module.furniture and p.module.furniture[0] == "qr")
    assert qr.rect[2] == 11


def test_qr_size_is_honoured(front):
    """qr: {size: 22mm}: the symbol (finder patterns corner to corner) is 22 mm, its quiet zone around it."""
    built, _, png = front
    assert (zxingcpp.BarcodeFormat.QRCode, QR_URL) in _decode(png)
    layout, page = built.issue.pages[0].layout, built.pages[0]
    x5 = layout.column_x(5)
    y11 = layout.grid_top + 10 * layout.pitch
    dark = [p for p in page.items if isinstance(p, Path) and p.fill == BLACK and p.ops[0][1] >= x5
            and y11 <= p.ops[0][2] < y11 + 7 * layout.pitch]
    bx0, by0, bx1, by1 = _bbox(dark)
    assert abs((bx1 - bx0) - mm(22)) < mm(0.05) and abs((by1 - by0) - mm(22)) < mm(0.05)
    module = mm(22) / 29  # this URL at level M is a version-3 symbol: 29 modules a side
    assert bx0 - x5 >= 4 * module - 10 and by0 - y11 >= 4 * module - 10  # the quiet zone is kept


def test_csv_chart_labels_legend_and_axis_titles_are_text(front):
    built, pdf, _ = front
    text = _text(pdf)
    for part in ("各县区春耕农资调运", "化肥", "种子", "榆次", "太谷", "祁县", "平遥", "县区", "单位：吨", "3000",
                 "春播面积构成", "玉米", "谷子", "52%"):
        assert part in text, part
    layout, page = built.issue.pages[0].layout, built.pages[0]
    runs = {r.text: r for r in page.items if isinstance(r, GlyphRun)}
    assert runs["化肥"].font == runs["榆次"].font == layout.style("folio-info").font  # the house sans
    assert runs["各县区春耕农资调运"].font == layout.style("runin").font  # titles in the bold sans
    # the series in the house colours: the layout's accent, then 65 % black; the legend swatches match
    fills = [p.fill for p in page.items if isinstance(p, Path)]
    assert fills.count(layout.colors["accent"]) >= 4 + 1 and fills.count((0, 0, 0, 0.65)) >= 4 + 1


def test_everything_cmyk_and_passes_print_preflight(front):
    built, pdf, _ = front
    assert built.preflight == [] or all(f.severity != "error" for f in built.preflight)
    # independently: every colour operator in every content stream (forms included) is CMYK or a Separation
    with pikepdf.open(pdf) as doc:
        seen = {str(op) for _, op in pikepdf.parse_content_stream(doc.pages[0])}
        for name, xobj in (doc.pages[0].Resources.get("/XObject") or {}).items():
            if xobj.get("/Subtype") == "/Form":
                seen |= {str(op) for _, op in pikepdf.parse_content_stream(xobj)}
            elif xobj.get("/Subtype") == "/Image":
                assert xobj.get("/ColorSpace") == "/DeviceCMYK", name
    assert "k" in seen and not seen & {"rg", "RG", "g", "G"}
    # and Ghostscript: the page separates into C, M, Y and K only (its CMYK coverage device reads the PDF)
    gs = subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=inkcov", "-o", "-", str(pdf)],
                        capture_output=True, text=True, check=True).stdout.split()
    assert gs[-2:] == ["CMYK", "OK"] and float(gs[1]) > 0.01  # magenta: the red nameplate, bars and rules


def test_total_ink_under_the_limit(front, tmp_path):
    """Rendered separations (Ghostscript tiff32nc, inside the trim): no pixel over the layout's 240 % ink limit.

    Overprint is off for the count: 100 K type and rules overprint by design (the axis line over a red bar is
    100 K on top of its 215 %), which the printer expects; the limit holds for every colour laid down."""
    from PIL import Image

    built, pdf, _ = front
    tif = tmp_path / "out" / "p.tif"
    tif.parent.mkdir()
    subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=tiff32nc", "-dUseTrimBox",
                    "-dOverprint=/disable", "-r50", "-o", str(tif), str(pdf)],
                   check=True)
    with Image.open(tif) as im:
        assert im.mode == "CMYK"
        bands = [b.tobytes() for b in im.split()]
    total = max(map(sum, zip(*bands, strict=True))) * 100 / 255
    assert total <= built.issue.pages[0].layout.print.ink_limit + 1


def _issue(root, pages: str, name: str = "front-x", head: str | None = None):
    folder = root / "issues" / name
    (folder / "articles").mkdir(parents=True)
    shutil.copy(ROOT / "issues/example-front/articles/lead.yaml", folder / "articles/lead.yaml")
    shutil.copy(ROOT / "issues/example-front/spring.csv", folder / "spring.csv")
    path = folder / "issue.yaml"
    path.write_text((HEAD if head is None else head) + textwrap.dedent(pages), encoding="utf-8")
    return path


EMPTY_FRONT = """\
    pages:
      - {number: 1, name: 要闻, layout: a3-5col-front, modules: []}
"""


def _edit_front(root, old: str, new: str) -> None:
    """The project copy's front layout with one piece of its text replaced (which must be there)."""
    layout = root / "layouts" / "a3-5col-front.yaml"
    text = layout.read_text(encoding="utf-8")
    assert old in text, old
    layout.write_text(text.replace(old, new), encoding="utf-8")


HEAD = """\
paper: 榆次晚报
date: 2024-11-15
number: "第8103期"
cn: CN 14-0099
post-code: 21-99
ean13: "9771671016003"
"""


def test_any_issue_gets_the_front_layout_with_its_name_as_nameplate(project_copy, tmp_path):
    """No nameplate file: the paper's name in the layout's nameplate face; add-on 03 from 第8103期."""
    path = _issue(project_copy.parents[2], """\
        pages:
          - {number: 1, name: 要闻, layout: a3-5col-front, modules: [{article: articles/lead.yaml, column: 1,
             span: 5}]}
    """)
    built = build(path)
    layout, page = built.issue.pages[0].layout, built.pages[0]
    x0, y0, x1, y1 = _slot_rect(layout, layout.masthead.nameplate)
    name = [r for r in page.items if isinstance(r, GlyphRun) and r.text == "榆次晚报" and y0 < r.y <= y1]
    assert len(name) == 1 and name[0].size == layout.style("nameplate").size
    assert name[0].color == layout.colors["accent"]
    pdf = tmp_path / "out" / "p.pdf"
    pdf.parent.mkdir()
    pdf.write_bytes(built.files[built.page_files[0]])
    assert "农历甲辰年十月十五" in _text(pdf) and "国内统一连续出版物号CN14-0099" in _text(pdf)
    subprocess.run(["pdftoppm", "-r", "300", "-png", "-singlefile", str(pdf), str(pdf.with_suffix(""))], check=True)
    assert (zxingcpp.BarcodeFormat.EAN13, "9771671016003" + "03") in _decode(pdf.with_suffix(".png"))


def test_front_layout_needs_the_issues_ean13(project_copy):
    path = _issue(project_copy.parents[2], EMPTY_FRONT, head=HEAD.replace('ean13: "9771671016003"\n', ""))
    with pytest.raises(InputError, match="needs ean13:") as e:
        load(path)
    assert e.value.problems[0].line == 7  # the page's layout: entry


def test_a_module_over_the_masthead_is_a_located_error(project_copy):
    path = _issue(project_copy.parents[2], """\
        pages:
          - number: 1
            name: 要闻
            layout: a3-5col-front
            modules:
              - {article: articles/lead.yaml, column: 2, span: 2, line: 8, lines: 6}
    """)
    with pytest.raises(InputError, match="overlaps module 'front-masthead'") as e:
        load(path)
    assert e.value.problems[0].line == 12


@pytest.mark.parametrize(("size", "message"), [("5mm", "modules of at least 0.4 mm"), ("9", "expected a length"),
                                               ("60mm", "larger than its module")])
def test_qr_size_is_checked(project_copy, size, message):
    path = _issue(project_copy.parents[2], f"""\
        pages:
          - number: 1
            name: 要闻
            layout: a3-5col
            modules:
              - {{qr: {{url: "https://example.org/a", size: "{size}"}}, column: 5, span: 1, line: 1, lines: 8}}
    """)
    with pytest.raises(InputError, match=message) as e:
        load(path)
    assert e.value.problems[0].line == 12


def test_csv_problems_name_the_row(project_copy):
    root = project_copy.parents[2]
    path = _issue(root, """\
        pages:
          - number: 1
            name: 要闻
            layout: a3-5col
            modules:
              - {chart: {type: line, data: spring.csv}, column: 1, span: 3, line: 1, lines: 20}
    """)
    (path.parent / "spring.csv").write_text("县区,化肥\n榆次,3200\n太谷,二千\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"spring.csv row 3 column 2: '二千' is not a number"):
        load(path)
    (path.parent / "spring.csv").unlink()
    with pytest.raises(InputError, match="spring.csv not found"):
        load(path)


def test_the_masthead_module_still_works(project_copy):
    """masthead: as a module on an ordinary layout: the name and data lines, CN from the module or the issue."""
    path = _issue(project_copy.parents[2], """\
        pages:
          - number: 1
            name: 要闻
            layout: a3-5col
            modules:
              - {masthead: {cn: CN 14-0001}, column: 1, span: 3, line: 1, lines: 8}
    """)
    built = build(path)
    text = "".join(r.text for r in built.pages[0].items if isinstance(r, GlyphRun)).replace(" ", "")
    assert "农历甲辰年十月十五" in text and "CN14-0001" in text and "邮发代号21-99" in text
    assert [p.module.furniture[0] for p in built.plans[0].placed] == ["masthead"]  # no layout masthead here


def test_layout_masthead_problems_are_located(project_copy):
    root = project_copy.parents[2]
    layout = root / "layouts" / "a3-5col-front.yaml"
    src = layout.read_text(encoding="utf-8")
    layout.write_text(src.replace("barcode: {column: 5, span: 1, line: 1, lines: 9}",
                                  "barcode: {column: 5, span: 1, line: 1, lines: 3}"), encoding="utf-8")
    path = _issue(root, EMPTY_FRONT)
    with pytest.raises(InputError, match="smaller than the EAN-13\\+2 at its minimum size") as e:
        load(path)
    assert e.value.problems[0].file.endswith("a3-5col-front.yaml")
    layout.write_text(src.replace("data: {column: 1, span: 4, line: 8, lines: 2,",
                                  "data: {column: 1, span: 4, line: 7, lines: 2,"), encoding="utf-8")
    with pytest.raises(InputError, match="masthead nameplate overlaps its data"):
        load(path)


def test_screen_copy_is_rgb(front):
    built, _, _ = front
    screen = next(v for k, v in built.files.items() if k.startswith("screen/"))
    with pikepdf.open(io.BytesIO(screen)) as doc:
        ops = {str(op) for _, op in pikepdf.parse_content_stream(doc.pages[0])}
    assert "rg" in ops and not ops & {"k", "K"}


def test_pie_wedges_keep_their_colours():
    """Each slice in its palette colour (ReportLab's wedge polygons carry no paint of their own)."""
    from paperpress.graphics import drawing_items
    from paperpress.layout.furniture import chart_drawing, chart_palette

    issue, fonts = load(FRONT)
    layout = issue.pages[0].layout
    palette = chart_palette(layout.colors)
    d = chart_drawing("pie", {"甲": 1, "乙": 2, "丙": 3}, palette=palette)
    items = drawing_items(d, fonts, layout, layout.style("folio-info"), 0, 0)
    wedges = [p for p in items if isinstance(p, Path) and len(p.ops) > 10]  # slices: arcs of many points
    assert [w.fill for w in wedges] == palette[:3]
    assert palette[0] == layout.colors["accent"] and BLACK not in palette


def test_front_and_inner_pages_share_the_grid(project_copy):
    """Page 1 on a3-5col-front, page 2 on a3-5col (as in the 4-page example): the same columns and lines,
    the masthead only on the front, every print page through the preflight."""
    path = _issue(project_copy.parents[2], """\
        code: YCWB
        pages:
          - {number: 1, name: 要闻, layout: a3-5col-front, modules: [{article: articles/lead.yaml, column: 1,
             span: 5}]}
          - {number: 2, name: 综合, layout: a3-5col, modules: [{article: articles/lead.yaml, column: 1, span: 5}]}
    """)
    built = build(path)
    front_l, inner_l = (p.layout for p in built.issue.pages)
    assert [front_l.column_x(c) for c in range(1, 6)] == [inner_l.column_x(c) for c in range(1, 6)]
    assert (front_l.grid_top, front_l.pitch, front_l.lines) == (inner_l.grid_top, inner_l.pitch, inner_l.lines)
    assert [p.module.name for p in built.plans[0].placed][0] == "front-masthead"
    assert all(p.module.name != "front-masthead" for p in built.plans[1].placed)
    assert built.plans[0].placed[1].rect[2] == 11 and built.plans[1].placed[0].rect[2] == 1
    assert [f for f in built.preflight if f.severity == "error"] == []
    assert sorted(built.page_files) == ["print/YCWB-20241115-01.pdf", "print/YCWB-20241115-02.pdf"]


def test_a_layout_nameplate_image(project_copy):
    """The layout's own nameplate file (a PNG here), placed whole in its slot and kept to its proportions."""
    from PIL import Image as PILImage

    from paperpress.model import Image

    root = project_copy.parents[2]
    PILImage.new("RGB", (800, 200), (230, 0, 18)).save(root / "layouts" / "plate.png")
    _edit_front(root, "style: nameplate}", "style: nameplate, file: plate.png}")
    path = _issue(root, EMPTY_FRONT)
    built = build(path)
    lay = built.issue.pages[0].layout
    x0, y0, x1, y1 = _slot_rect(lay, lay.masthead.nameplate)
    (img,) = [i for i in built.pages[0].items if isinstance(i, Image)]
    assert x0 <= img.x and img.x + img.w <= x1 and y0 <= img.y and img.y + img.h <= y1
    assert abs(img.w / img.h - 4) < 0.01 and (img.w == x1 - x0 or img.h == y1 - y0)
    assert not any(isinstance(r, GlyphRun) and r.text == "榆次晚报" and y0 < r.y <= y1 for r in built.pages[0].items)
    assert [f for f in built.preflight if f.severity == "error"] == []  # the photo path: CMYK through the profile


def test_data_lines_that_do_not_fit_their_slot(project_copy):
    from paperpress.build import DoesNotFit

    root = project_copy.parents[2]
    _edit_front(root, "data: {column: 1, span: 4, line: 8, lines: 2,", "data: {column: 1, span: 1, line: 8, lines: 2,")
    path = _issue(root, EMPTY_FRONT)
    with pytest.raises(DoesNotFit, match=r"the masthead's data \(\d lines\) do not fit its 2 line\(s\)"):
        build(path)
