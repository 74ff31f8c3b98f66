"""Barcodes, QR codes and charts: built with reportlab.graphics, converted to our page items, decoded back."""

import io
import subprocess

import pikepdf
import pytest

from paperpress.build import load
from paperpress.graphics import cmyk, drawing_items
from paperpress.layout.furniture import (
    QUIET_LEFT,
    QUIET_RIGHT,
    FurnitureError,
    chart_drawing,
    ean2_modules,
    ean13_check_digit,
    ean13_drawing,
    qr_drawing,
    verify_ean13,
)
from paperpress.model import BLACK, GlyphRun, Page, Path
from paperpress.pdf.writer import PROFILES, Meta, print_profile, render
from paperpress.preflight import Rules, preflight

from .conftest import ROOT

zxingcpp = pytest.importorskip("zxingcpp")
EAN = "9771671016003"  # ISSN-style 977 prefix; check digit 3 worked by hand: 87 → 10 - 7
URL = "https://example.org/e/2024-11-15"
DPI = 300


@pytest.fixture(scope="module")
def furniture_pdf(tmp_path_factory):
    issue, fonts = load(ROOT / "issues/2024-11-15/issue.yaml")
    layout = issue.pages[0].layout
    page = Page(1, "t", layout.trim_w, layout.trim_h, layout.bleed)
    style = layout.style("caption")
    page.items += drawing_items(ean13_drawing(EAN, "25"), fonts, layout, style, 30_000, 40_000)
    page.items += drawing_items(qr_drawing(URL, 72), fonts, layout, style, 200_000, 40_000)
    chart = chart_drawing("bar", {"小店区": 3, "迎泽区": 5, "杏花岭": 2}, title="各区巡河次数")
    page.items += drawing_items(chart, fonts, layout, style, 30_000, 200_000)
    profile = print_profile(layout.print.pdfx)
    meta = Meta("t", issue.date, intent=layout.print.intent)
    data = render([page], fonts, profile, meta)
    out = tmp_path_factory.mktemp("furniture") / "f.pdf"
    out.write_bytes(data)
    return out, page, Rules(profile.pdfx or "PDF/X-4", layout.print.ink_limit), render([page], fonts,
                                                                                     PROFILES["screen"], meta)


def _decode(pdf_path):
    from PIL import Image

    png = pdf_path.with_suffix("")
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", "-singlefile", str(pdf_path), str(png)], check=True)
    im = Image.open(str(png) + ".png")
    return {(r.format, r.text) for r in zxingcpp.read_barcodes(
        im, ean_add_on_symbol=zxingcpp.EanAddOnSymbol.Require)} | {
        (r.format, r.text) for r in zxingcpp.read_barcodes(im)}


def test_check_digit():
    assert ean13_check_digit("977167101600") == 3
    assert ean13_check_digit("400638133393") == 1  # a well-known EAN-13: 4006381333931
    assert verify_ean13("977167101600") == EAN
    with pytest.raises(FurnitureError, match="check digit"):
        verify_ean13("9771671016008")
    with pytest.raises(FurnitureError):
        ean13_drawing(EAN, magnification=0.7)  # under the standard's 80 %


def test_ean2_parity():
    # value mod 4 picks the parity: 25 → 1 → L then G; start guard 1011, separator 01
    assert ean2_modules("25") == "1011" + "0010011" + "01" + "0111001"  # L-coded 2, G-coded 5
    assert len(ean2_modules("00")) == 20


def test_barcode_and_qr_decode_from_the_rendered_page(furniture_pdf):
    found = _decode(furniture_pdf[0])
    assert (zxingcpp.BarcodeFormat.EAN13, EAN + "25") in found  # the main symbol and its add-on
    assert (zxingcpp.BarcodeFormat.QRCode, URL) in found


def test_quiet_zones_are_clear(furniture_pdf):
    """No ink within the quiet zones beside the EAN-13's outermost bars."""
    page = furniture_pdf[1]
    module = 0.33 * 1000 * 72 / 25.4
    bars = [it for it in page.items if isinstance(it, Path) and it.fill == BLACK and it.ops[0][2] < 200_000
            and it.ops[0][1] < 150_000]
    xs = sorted(x for it in bars for op in it.ops if op[0] in "ml" for x in [op[1]])
    first, last = xs[0], xs[-1]
    assert first - 30_000 >= QUIET_LEFT * module - 1  # the drawing's left edge is at x = 30 pt (30,000 mpt)
    main_end = max(x for it in bars for op in it.ops if op[0] in "ml" for x in [op[1]]
                   if x < first + 100 * module)
    addon_start = min(x for x in xs if x > main_end + 2 * module)
    assert addon_start - main_end >= 7 * module - 1  # the add-on gap (7…12 modules)
    assert QUIET_RIGHT == 7 and last > addon_start


def test_chart_labels_are_real_text(furniture_pdf):
    text = subprocess.run(["pdftotext", str(furniture_pdf[0]), "-"], capture_output=True, text=True,
                          check=True).stdout
    for label in ("小店区", "迎泽区", "杏花岭", "各区巡河次数"):
        assert label in text.replace(" ", "")
    runs = [it for it in furniture_pdf[1].items if isinstance(it, GlyphRun)]
    assert any(r.text == "杏花岭" for r in runs)


def test_everything_cmyk_and_passes_print_preflight(furniture_pdf):
    out, _, rules, screen = furniture_pdf
    assert [f for f in preflight(out.read_bytes(), rules) if f.severity == "error"] == []
    with pikepdf.open(out) as pdf:
        ops = {str(op) for _, op in pikepdf.parse_content_stream(pdf.pages[0])}
    assert not ops & {"rg", "RG", "g", "G"}
    with pikepdf.open(io.BytesIO(screen)) as pdf:
        ops = {str(op) for _, op in pikepdf.parse_content_stream(pdf.pages[0])}
    assert "rg" in ops and not ops & {"k", "K"}


def test_colour_conversion():
    from reportlab.lib import colors

    assert cmyk(colors.black) == BLACK
    assert cmyk(colors.CMYKColor(0, 0, 0, 1)) == BLACK
    assert cmyk(colors.Color(1, 0, 0)) == (0, 1, 1, 0)
    assert cmyk(None) is None


@pytest.mark.parametrize("kind", ["line", "pie"])
def test_other_charts_convert(kind):
    issue, fonts = load(ROOT / "issues/2024-11-15/issue.yaml")
    layout = issue.pages[0].layout
    items = drawing_items(chart_drawing(kind, {"一月": 1, "二月": 4, "三月": 2}), fonts, layout,
                          layout.style("caption"), 0, 0)
    assert any(isinstance(i, Path) for i in items)
    assert {"一月", "二月", "三月"} <= {i.text for i in items if isinstance(i, GlyphRun)}


def test_example_front_page(tmp_path):
    """The example front page: a decodable EAN-13+2 and QR code, a chart with CJK labels, print preflight passed."""
    from paperpress.build import build

    built = build(ROOT / "issues/example-front/issue.yaml")
    assert [f for f in built.preflight if f.severity == "error"] == []
    pdf = tmp_path / "front.pdf"
    pdf.write_bytes(built.files[built.page_files[0]])
    found = _decode(pdf)
    assert (zxingcpp.BarcodeFormat.EAN13, "9771000000017" + "25") in found  # check digit 7: 43 → 10 - 3
    assert (zxingcpp.BarcodeFormat.QRCode, "https://example.org/jzcb/2025-03-03/lead") in found
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert all(label in text.replace(" ", "") for label in ("榆次", "太谷", "祁县", "平遥"))


def test_manifest_rejects_a_wrong_check_digit(project_copy):
    import shutil

    from paperpress.build import load
    from paperpress.errors import InputError

    root = project_copy.parent.parent.parent
    shutil.copytree(ROOT / "issues/example-front", root / "issues/example-front")
    issue = root / "issues/example-front/issue.yaml"
    issue.write_text(issue.read_text(encoding="utf-8").replace('"977100000001"', '"9771000000012"'),
                     encoding="utf-8")
    with pytest.raises(InputError, match="check digit"):
        load(issue)


def test_lunar_date():
    import datetime as dt

    from paperpress.layout.furniture import lunar_date

    assert lunar_date(dt.date(2025, 3, 3)) == "乙巳年二月初四"  # 春节 2025 fell on 29 January
    assert lunar_date(dt.date(2024, 11, 15)) == "甲辰年十月十五"
    assert lunar_date(dt.date(2025, 1, 29)) == "乙巳年正月初一"
    assert lunar_date(dt.date(2023, 3, 22)) == "癸卯年闰二月初一"  # 2023 had a leap second month


def test_example_masthead_is_text():
    """The example's masthead (from its front layout now): the name as text, and the data lines."""
    from paperpress.build import build

    built = build(ROOT / "issues/example-front/issue.yaml")
    page = built.pages[0]
    text = "".join(r.text for r in page.items if isinstance(r, GlyphRun))
    for part in ("晋中晨报", "农历乙巳年二月初四", "第25期", "国内统一连续出版物号CN14-0000", "邮发代号21-25"):
        assert part in text.replace(" ", "").replace("　", "")
