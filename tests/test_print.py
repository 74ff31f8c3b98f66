"""Print readiness (PDF/X): our preflight on good and broken files, and Ghostscript's separations."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from PIL import Image as PILImage
from PIL import ImageMath

from paperpress.preflight import Rules, preflight
from tests.conftest import ROOT, SAMPLE, run_cli

X4 = Rules("PDF/X-4", 240)
X1A = Rules("PDF/X-1a:2001", 240)


def print_pdf(out: Path) -> Path:
    (pdf,) = sorted((out / "print").glob("*.pdf"))
    return pdf


def errors(findings) -> list[str]:
    return [f"[{f.rule}] {f.message}" for f in findings if f.severity == "error"]


def test_sample_passes_preflight(sample_build):
    """The sample's print PDF passes `paperpress preflight` for PDF/X-4 at the layout's 240% ink limit."""
    pdf = print_pdf(sample_build)
    assert pdf.name == "TYRB-20241115-05.pdf"  # the layout's file-name pattern for the plate-setter
    proc = run_cli("preflight", str(pdf), "--ink-limit", "240")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "passed" in proc.stdout


def test_output_intent_and_pdfx_metadata(sample_build):
    """GTS_PDFX output intent with the newsprint ICC profile embedded; Info and XMP say PDF/X-4."""
    with pikepdf.open(print_pdf(sample_build)) as pdf:
        (oi,) = pdf.Root.OutputIntents
        assert str(oi.S) == "/GTS_PDFX" and str(oi.OutputConditionIdentifier) == "CGATS TR 002"
        icc = oi.DestOutputProfile.read_bytes()
        assert icc == (ROOT / "profiles" / "CGATS-TR002-SNAP-newsprint.icc").read_bytes()
        assert str(pdf.docinfo.GTS_PDFXVersion) == "PDF/X-4" and str(pdf.docinfo.Trapped) == "/False"
        with pdf.open_metadata() as meta:
            assert meta["pdfxid:GTS_PDFXVersion"] == "PDF/X-4"
            assert meta["xmpMM:DocumentID"].startswith("uuid:")
        assert pdf.pdf_version == "1.6"


def test_black_text_on_black_plate_only(sample_build, tmp_path):
    """Ghostscript's tiffsep: the body text area has ink on the Black plate and none on C, M or Y."""
    if shutil.which("gs") is None:
        pytest.fail("Ghostscript (gs) is needed: apt-get install ghostscript")
    pdf = print_pdf(sample_build)
    subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=tiffsep", "-r50", "-dUseTrimBox",
                    f"-sOutputFile={tmp_path}/sep.tif", str(pdf)], check=True)
    plates = {}
    for name in ("Cyan", "Magenta", "Yellow", "Black"):
        (path,) = tmp_path.glob(f"sep({name}).tif")
        plates[name] = PILImage.open(path).convert("L")
    w, h = plates["Black"].size
    # the damage-compensation article's body: columns 1–5, well below the folio and the first headline
    box = (int(w * 0.08), int(h * 0.30), int(w * 0.50), int(h * 0.40))
    inked = {n: sum(im.crop(box).histogram()[:128]) for n, im in plates.items()}  # tiffsep: 0 = full ink
    assert inked["Black"] > 1000, inked
    assert inked["Cyan"] == inked["Magenta"] == inked["Yellow"] == 0, inked


def test_x1a_build_passes_x1a_rules(tmp_path):
    """`build --pdfx x1a`: PDF 1.3, no object streams, X-1a Info keys, and preflight under X-1a's rules."""
    proc = run_cli("build", str(SAMPLE), "-o", str(tmp_path / "out"), "--pdfx", "x1a")
    assert proc.returncode == 0, proc.stderr
    pdf_path = print_pdf(tmp_path / "out" / "2024-11-15")
    assert not errors(preflight(pdf_path, X1A))
    with pikepdf.open(pdf_path) as pdf:
        assert pdf.pdf_version == "1.3"
        assert str(pdf.docinfo.GTS_PDFXConformance) == "PDF/X-1a:2001"
        assert not any(isinstance(o, pikepdf.Stream) and o.get("/Type") == "/ObjStm" for o in pdf.objects)
    proc = run_cli("preflight", "--pdfx", "x1a", "--ink-limit", "240", str(pdf_path))
    assert proc.returncode == 0, proc.stdout


# -- each rule has a broken file that preflight catches -----------------------------------------

def _append(page: pikepdf.Page, pdf: pikepdf.Pdf, ops: bytes) -> None:
    page.contents_add(pdf.make_stream(ops), prepend=False)


def _break(src: Path, dst: Path, how) -> Path:
    with pikepdf.open(src) as pdf:
        how(pdf, pdf.pages[0])
        pdf.save(dst)
    return dst


BREAKAGES = {
    "rgb-colour": (lambda pdf, page: _append(page, pdf, b"q 1 0 0 rg 100 100 50 50 re f Q"), "colour"),
    "gray-colour": (lambda pdf, page: _append(page, pdf, b"q 0.5 g 100 100 50 50 re f Q"), "colour"),
    "ink-over-limit": (lambda pdf, page: _append(page, pdf, b"q 1 1 1 1 k 100 100 50 50 re f Q"), "ink"),
    "rich-black-text": (lambda pdf, page: _append(
        page, pdf, b"q 0.6 0.5 0.4 1 k /GSop gs BT /F1 10 Tf 100 100 Td <0001> Tj ET Q"), "black-text"),
    "black-text-knocks-out": (lambda pdf, page: _append(
        page, pdf, b"q 0 0 0 1 k /GSko gs BT /F1 10 Tf 100 100 Td <0001> Tj ET Q"), "overprint"),
    "mark-inside-bleed": (lambda pdf, page: _append(
        page, pdf, b"q /CSall CS 1 SCN 300 300 m 320 300 l S Q"), "marks"),
    "no-bleed": (lambda pdf, page: page.obj.__setitem__("/BleedBox", page.obj.TrimBox), "bleed"),
    "no-trimbox": (lambda pdf, page: page.obj.__delitem__("/TrimBox"), "boxes"),
    "font-not-embedded": (lambda pdf, page: [
        f.DescendantFonts[0].FontDescriptor.__delitem__("/FontFile3")
        for f in page.Resources.Font.values() if "/FontFile3" in f.DescendantFonts[0].FontDescriptor], "fonts"),
    "no-tounicode": (lambda pdf, page: [f.__delitem__("/ToUnicode") for f in page.Resources.Font.values()],
                     "fonts"),
    "no-output-intent": (lambda pdf, page: pdf.Root.__delitem__("/OutputIntents"), "output-intent"),
    "no-pdfx-version": (lambda pdf, page: pdf.docinfo.__delitem__("/GTS_PDFXVersion"), "pdfx"),
    "xmp-without-pdfx": (lambda pdf, page: pdf.Root.__delitem__("/Metadata"), "metadata"),
}


@pytest.mark.parametrize("name", sorted(BREAKAGES))
def test_preflight_catches(sample_build, tmp_path, name):
    """A copy of the sample's print PDF broken in one way fails preflight with that rule (and the original passes)."""
    how, rule = BREAKAGES[name]
    src = print_pdf(sample_build)
    assert not errors(preflight(src, X4))
    broken = _break(src, tmp_path / f"{name}.pdf", how)
    found = errors(preflight(broken, X4))
    assert any(f.startswith(f"[{rule}]") for f in found), found
    proc = run_cli("preflight", "--ink-limit", "240", str(broken))
    assert proc.returncode == 1


def _image_xobject(pdf: pikepdf.Pdf, mode: str, colour) -> pikepdf.Stream:
    im = PILImage.new(mode, (8, 8), colour)
    space = {"RGB": pikepdf.Name.DeviceRGB, "CMYK": pikepdf.Name.DeviceCMYK}[mode]
    return pikepdf.Stream(pdf, im.tobytes(), Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image, Width=8,
                          Height=8, ColorSpace=space, BitsPerComponent=8)


@pytest.mark.parametrize("mode,colour,rule", [("RGB", (200, 30, 30), "colour"),
                                               ("CMYK", (255, 255, 255, 255), "ink")])
def test_preflight_checks_images(sample_build, tmp_path, mode, colour, rule):
    """An RGB photo, or a CMYK one over the ink limit, placed on the page fails preflight."""
    def how(pdf, page):
        xobjects = page.Resources.get("/XObject", pikepdf.Dictionary())
        xobjects["/ImBad"] = _image_xobject(pdf, mode, colour)
        page.Resources["/XObject"] = xobjects
        _append(page, pdf, b"q 50 0 0 50 100 100 cm /ImBad Do Q")
    broken = _break(print_pdf(sample_build), tmp_path / "img.pdf", how)
    assert any(f.startswith(f"[{rule}]") for f in errors(preflight(broken, X4)))


# -- a photo in a module ---------------------------------------------------------------------------

def _photo(path: Path, size: tuple[int, int]) -> None:
    """A synthetic RGB photo: saturated gradients and a deep shadow corner, the hard cases for ink."""
    w, h = size
    im = PILImage.new("RGB", size)
    px = im.load()
    for y in range(h):
        for x in range(w):
            px[x, y] = (255 * x // w, 255 * y // h, 255 - 255 * x // w) if x + y > 20 else (0, 0, 0)
    im.save(path, quality=92)


def _with_photo(project_copy: Path, size: tuple[int, int]) -> Path:
    _photo(project_copy.parent / "patrol.jpg", size)
    text = project_copy.read_text(encoding="utf-8")
    text = text.replace(
        "      - {article: articles/river-patrol.yaml,        column: 1, span: 5, line: 32, lines: 8, columns: 3, "
        "box: true}",
        "      - {figure: patrol.jpg, caption: 环保小卫士巡河, credit: 本报记者 摄, column: 1, span: 2, line: 32,"
        " lines: 8}\n"
        "      - {article: articles/river-patrol.yaml,        column: 3, span: 3, line: 32, lines: 8, box: true}")
    project_copy.write_text(text, encoding="utf-8")
    return project_copy


def test_photo_is_converted_to_cmyk_under_the_ink_limit(project_copy, tmp_path):
    """An RGB JPEG in a figure module ends DeviceCMYK through the newsprint profile, ≤ 240% ink; preflight passes."""
    issue = _with_photo(project_copy, (900, 700))
    proc = run_cli("build", str(issue), "-o", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    pdf_path = print_pdf(tmp_path / "out" / "2024-11-15")
    assert not errors(preflight(pdf_path, X4))
    with pikepdf.open(pdf_path) as pdf:
        (image,) = [v for v in pdf.pages[0].Resources.XObject.values() if v.Subtype == "/Image"]
        assert str(image.ColorSpace) == "/DeviceCMYK"
        bands = [b.convert("I") for b in pikepdf.PdfImage(image).as_pil_image().split()]
        total = ImageMath.lambda_eval(lambda a: a["c"] + a["m"] + a["y"] + a["k"],
                                      c=bands[0], m=bands[1], y=bands[2], k=bands[3])
        peak = total.getextrema()[1] * 100 / 255
        assert 150 < peak <= 240, peak  # the shadow corner is a rich black, held under the limit
    screen = tmp_path / "out" / "2024-11-15" / "screen" / "2024-11-15.pdf"
    with pikepdf.open(screen) as pdf:
        (image,) = [v for v in pdf.pages[0].Resources.XObject.values() if v.Subtype == "/Image"]
        assert str(image.ColorSpace) == "/DeviceRGB"
    assert "环保小卫士巡河（本报记者" in subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True,
                                                     text=True).stdout.replace("\n", "")


def test_low_resolution_photo_is_reported_not_upsampled(project_copy, tmp_path):
    """A photo under the layout's 200 ppi is reported with its effective resolution and embedded at its own size."""
    issue = _with_photo(project_copy, (120, 100))
    proc = run_cli("build", str(issue), "-o", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    assert "patrol.jpg:" in proc.stderr and "ppi effective resolution" in proc.stderr
    with pikepdf.open(print_pdf(tmp_path / "out" / "2024-11-15")) as pdf:
        (image,) = [v for v in pdf.pages[0].Resources.XObject.values() if v.Subtype == "/Image"]
        assert int(image.Width) <= 120 and int(image.Height) <= 100


def test_slug_line_only_where_the_layout_asks(project_copy, tmp_path):
    """slug: true puts paper, date, page and build time outside the trim of the print PDF only."""
    lay = project_copy.parent.parent.parent / "layouts" / "broadsheet.yaml"
    lay.write_text(lay.read_text(encoding="utf-8").replace("slug: false", "slug: true"), encoding="utf-8")
    proc = run_cli("build", str(project_copy), "-o", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "out" / "2024-11-15"
    pdf = print_pdf(out)
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True).stdout
    flat = "".join(text.split())
    assert "太原日报2024-11-15第5版生态环境built20" in flat
    screen = subprocess.run(["pdftotext", "-raw", str(out / "screen" / "2024-11-15.pdf"), "-"],
                            capture_output=True, text=True).stdout
    assert "built" not in screen
    with pikepdf.open(pdf) as doc:
        trim = [float(v) for v in doc.pages[0].TrimBox]
    bbox = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True).stdout
    line = next(ln for ln in bbox.splitlines() if ">built<" in ln)
    y_max = float(line.split('yMax="')[1].split('"')[0])
    height = float(doc_height(pdf))
    assert height - y_max < trim[1] - 3 * 72 / 25.4  # below the bleed (pdftotext's y runs downwards)
    assert not errors(preflight(pdf, X4))


def doc_height(pdf: Path) -> float:
    with pikepdf.open(pdf) as doc:
        return float(doc.pages[0].MediaBox[3])
