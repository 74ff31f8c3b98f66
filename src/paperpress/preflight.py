"""Preflight any PDF against the print profile's rules, with pikepdf: what a prepress operator checks.

Colour spaces and operators (pages, forms, images), K-only overprinting black text, total ink, boxes and
bleed, registration marks outside the bleed, fonts embedded and subset with ToUnicode, PDF/X metadata and
output intent. Independent of the writer: it reads only the file.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf

MM = 72 / 25.4
TEXT_OPS = {"Tj", "TJ", "'", '"'}
PATH_OPS = {"m", "l", "c", "v", "y", "re"}
CMYK_SPACES = {"/DeviceCMYK"}


@dataclass(frozen=True)
class Finding:
    severity: str  # "error" fails the file; "warning" does not
    file: str
    page: int | None  # 1-based; None for the document
    rule: str
    message: str

    def __str__(self) -> str:
        where = self.file + (f" page {self.page}" if self.page else "")
        return f"{self.severity}: {where}: [{self.rule}] {self.message}"


@dataclass(frozen=True)
class Rules:
    pdfx: str = "PDF/X-4"  # or "PDF/X-1a:2001"
    ink_limit: int = 300  # percent
    min_bleed_mm: float = 3.0


@dataclass
class _State:
    fill_space: str = "/DeviceGray"
    stroke_space: str = "/DeviceGray"
    fill: tuple[float, ...] = (0.0,)
    overprint_fill: bool = False
    opm: int = 0
    stroke_obj: Any = None  # the stroke colour space's array, e.g. [/Separation /All …]

    def copy(self) -> _State:
        return _State(self.fill_space, self.stroke_space, self.fill, self.overprint_fill, self.opm, self.stroke_obj)


@dataclass
class _Page:
    file: str
    number: int
    rules: Rules
    bleed: tuple[float, float, float, float] | None
    findings: list[Finding] = field(default_factory=list)
    seen: set = field(default_factory=set)
    text_runs: int = 0
    black_text_runs: int = 0

    def add(self, severity: str, rule: str, message: str) -> None:
        key = (rule, message)
        if key not in self.seen:
            self.seen.add(key)
            self.findings.append(Finding(severity, self.file, self.number, rule, message))


def _space_name(cs: object, resources: Any) -> tuple[str, Any]:
    """Resolve a colour space operand to (family, object)."""
    name = str(cs)
    if name in ("/DeviceCMYK", "/DeviceRGB", "/DeviceGray", "/Pattern"):
        return name, None
    spaces = resources.get("/ColorSpace", {}) if resources is not None else {}
    obj = spaces.get(name) if spaces is not None else None
    if obj is None:
        return name, None
    if isinstance(obj, pikepdf.Name):
        return str(obj), None
    return str(obj[0]), obj


def _check_space(page: _Page, family: str, obj: Any, what: str) -> None:
    if family == "/DeviceCMYK":
        return
    if family in ("/Separation", "/DeviceN"):
        alt = str(obj[2]) if obj is not None else "?"
        if alt != "/DeviceCMYK":
            page.add("error", "colour", f"{what}: {family} with alternate space {alt} (only DeviceCMYK allowed)")
        return
    if family == "/ICCBased" and obj is not None and int(obj[1].get("/N", 0)) == 4:
        page.add("error", "colour", f"{what}: ICCBased CMYK (print uses DeviceCMYK under the output intent)")
        return
    page.add("error", "colour", f"{what}: colour space {family} (only DeviceCMYK or a Separation is allowed)")


def _ink(values: tuple[float, ...]) -> float:
    return sum(values) * 100


def _check_image(page: _Page, image: Any, name: str) -> None:
    cs = image.get("/ColorSpace")
    if image.get("/ImageMask", False):
        return
    family = str(cs[0]) if isinstance(cs, pikepdf.Array) else str(cs)
    if family not in CMYK_SPACES:
        page.add("error", "colour", f"image {name}: colour space {family} (only DeviceCMYK allowed)")
        return
    if "/SMask" in image and page.rules.pdfx == "PDF/X-1a:2001":
        page.add("error", "transparency", f"image {name}: soft mask (no transparency in PDF/X-1a)")
    try:
        pil = pikepdf.PdfImage(image).as_pil_image()
    except Exception as e:  # noqa: BLE001 - an image we cannot decode cannot be checked
        page.add("warning", "ink", f"image {name}: could not be decoded to check its ink ({e})")
        return
    if pil.mode != "CMYK":
        return
    from PIL import ImageMath  # only files with photos need it

    c, m, y, k = (b.convert("I") for b in pil.split())
    total = ImageMath.lambda_eval(lambda a: a["c"] + a["m"] + a["y"] + a["k"], c=c, m=m, y=y, k=k)
    peak = total.getextrema()[1] * 100 / 255
    if peak > page.rules.ink_limit + 0.5:
        page.add("error", "ink", f"image {name}: total ink up to {peak:.0f}% (limit {page.rules.ink_limit}%)")


def _walk(page: _Page, stream_owner: Any, resources: Any, state: _State, depth: int = 0) -> None:
    if depth > 8:
        return
    stack: list[_State] = []
    ext = resources.get("/ExtGState", {}) if resources is not None else {}
    xobjects = resources.get("/XObject", {}) if resources is not None else {}
    for operands, op in pikepdf.parse_content_stream(stream_owner):  # type: ignore[misc]
        op = str(op)
        if op == "q":
            stack.append(state.copy())
        elif op == "Q":
            state = stack.pop() if stack else state
        elif op in ("rg", "RG", "g", "G"):
            space = "DeviceRGB" if op in ("rg", "RG") else "DeviceGray"
            page.add("error", "colour", f"{space} colour operator '{op}' (only CMYK allowed)")
            if op == "rg":
                state.fill_space, state.fill = "/DeviceRGB", tuple(float(v) for v in operands)
        elif op in ("k", "K"):
            values = tuple(float(v) for v in operands)
            if _ink(values) > page.rules.ink_limit + 0.5:
                page.add("error", "ink", f"colour {' '.join(_fmt(v) for v in values)} {op}: total ink "
                         f"{_ink(values):.0f}% over the limit of {page.rules.ink_limit}%")
            if op == "k":
                state.fill_space, state.fill = "/DeviceCMYK", values
            else:
                state.stroke_space = "/DeviceCMYK"
        elif op in ("cs", "CS"):
            family, obj = _space_name(operands[0], resources)
            _check_space(page, family, obj, f"colour space {operands[0]}")
            if op == "cs":
                state.fill_space = family
            else:
                state.stroke_space, state.stroke_obj = family, obj
        elif op in ("sc", "scn"):
            state.fill = tuple(float(v) for v in operands if not isinstance(v, pikepdf.Name))
        elif op == "gs":
            gs = ext.get(str(operands[0])) if ext is not None else None
            if gs is not None:
                if "/op" in gs or "/OP" in gs:
                    state.overprint_fill = bool(gs.get("/op", gs.get("/OP", False)))
                if "/OPM" in gs:
                    state.opm = int(gs.OPM)
                if page.rules.pdfx == "PDF/X-1a:2001":
                    if "/SMask" in gs and str(gs.SMask) != "/None":
                        page.add("error", "transparency", "soft mask in ExtGState (no transparency in PDF/X-1a)")
                    for key in ("/CA", "/ca"):
                        if key in gs and float(gs[key]) < 1:
                            page.add("error", "transparency", f"{key} {float(gs[key])} (no transparency in PDF/X-1a)")
        elif op in TEXT_OPS:
            page.text_runs += 1
            if state.fill_space == "/DeviceCMYK" and len(state.fill) == 4:
                c, m, y, k = state.fill
                if k >= 0.999 and (c, m, y) == (0, 0, 0):
                    page.black_text_runs += 1
                    if not (state.overprint_fill and state.opm == 1):
                        page.add("error", "overprint", "100 K text that does not overprint (needs op true, OPM 1)")
                elif k >= 0.9 and (c > 0 or m > 0 or y > 0):
                    page.add("error", "black-text", f"rich black text ({_fmt(c)} {_fmt(m)} {_fmt(y)} {_fmt(k)}): "
                             "body text must be K only")
        elif op in PATH_OPS and page.bleed is not None and state.stroke_space == "/Separation" \
                and state.stroke_obj is not None and str(state.stroke_obj[1]) == "/All":
            _check_mark_position(page, op, [float(v) for v in operands])
        elif op == "Do":
            name = str(operands[0])
            xo = xobjects.get(name) if xobjects is not None else None
            if xo is None:
                continue
            if xo.get("/Subtype") == "/Image":
                _check_image(page, xo, name)
            elif xo.get("/Subtype") == "/Form":
                _walk(page, xo, xo.get("/Resources", resources), state.copy(), depth + 1)
        elif op == "BI" or op == "INLINE IMAGE":
            page.add("warning", "colour", "inline image (not checked)")
        elif op == "sh":
            page.add("warning", "colour", "shading (colour space not checked)")


def _check_mark_position(page: _Page, op: str, values: list[float]) -> None:
    x0, y0, x1, y1 = page.bleed  # type: ignore[misc]
    points = list(zip(values[0::2], values[1::2], strict=False)) if op != "re" else [
        (values[0], values[1]), (values[0] + values[2], values[1] + values[3])]
    for x, y in points:
        if x0 + 0.01 < x < x1 - 0.01 and y0 + 0.01 < y < y1 - 0.01:
            page.add("error", "marks", f"registration-colour mark at ({x:.1f}, {y:.1f}) pt inside the bleed")
            return


def _fmt(v: float) -> str:
    return f"{v:g}"


def _box(page: pikepdf.Page, key: str) -> tuple[float, float, float, float] | None:
    box = page.obj.get(key)
    if box is None:
        return None
    a, b, c, d = (float(v) for v in box)
    return (min(a, c), min(b, d), max(a, c), max(b, d))


def _check_boxes(p: _Page, page: pikepdf.Page) -> None:
    media, bleed, trim = _box(page, "/MediaBox"), _box(page, "/BleedBox"), _box(page, "/TrimBox")
    if trim is None:
        p.add("error", "boxes", "no TrimBox")
        return
    if bleed is None:
        p.add("error", "boxes", "no BleedBox")
        return
    need = p.rules.min_bleed_mm * MM - 0.01
    sides = (trim[0] - bleed[0], trim[1] - bleed[1], bleed[2] - trim[2], bleed[3] - trim[3])
    if min(sides) < need:
        p.add("error", "bleed", f"bleed {min(sides) / MM:.1f} mm (at least {p.rules.min_bleed_mm:g} mm on every side)")
    if media is not None and not (media[0] <= bleed[0] and media[1] <= bleed[1] and media[2] >= bleed[2]
                                  and media[3] >= bleed[3]):
        p.add("error", "boxes", "BleedBox extends beyond the MediaBox")


def _check_fonts(p: _Page, resources: Any, depth: int = 0) -> None:
    fonts = resources.get("/Font", {}) if resources is not None else {}
    for name, font in (fonts.items() if fonts is not None else []):
        base = str(font.get("/BaseFont", "?"))
        desc_font = font.DescendantFonts[0] if str(font.get("/Subtype")) == "/Type0" else font
        fd = desc_font.get("/FontDescriptor")
        if fd is None or not any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3")):
            p.add("error", "fonts", f"font {base} ({name}) is not embedded")
        if not re.match(r"^/[A-Z]{6}\+", base):
            p.add("error", "fonts", f"font {base} ({name}) is not a subset (no six-letter tag)")
        if "/ToUnicode" not in font:
            p.add("error", "fonts", f"font {base} ({name}) has no ToUnicode map: text cannot be copied")
    xobjects = resources.get("/XObject", {}) if resources is not None else {}
    for _, xo in (xobjects.items() if xobjects is not None else []):
        if xo.get("/Subtype") == "/Form" and depth < 8:
            _check_fonts(p, xo.get("/Resources", {}), depth + 1)


def _check_document(pdf: pikepdf.Pdf, file: str, rules: Rules) -> list[Finding]:
    out = []

    def add(rule: str, msg: str) -> None:
        out.append(Finding("error", file, None, rule, msg))

    info = pdf.docinfo
    version = str(info.get("/GTS_PDFXVersion", ""))
    want = "PDF/X-1:2001" if rules.pdfx == "PDF/X-1a:2001" else rules.pdfx
    if version != want:
        add("pdfx", f"Info GTS_PDFXVersion is '{version}', expected '{want}'")
    if rules.pdfx == "PDF/X-1a:2001":
        if str(info.get("/GTS_PDFXConformance", "")) != "PDF/X-1a:2001":
            add("pdfx", "Info GTS_PDFXConformance must be 'PDF/X-1a:2001'")
        if pdf.pdf_version > "1.4":
            add("pdfx", f"PDF {pdf.pdf_version}: PDF/X-1a:2001 files are PDF 1.3 (1.4 at most)")
    elif pdf.pdf_version < "1.6":
        add("pdfx", f"PDF {pdf.pdf_version}: PDF/X-4 needs PDF 1.6 or later")
    for key in ("/Title", "/CreationDate", "/ModDate"):
        if key not in info:
            add("metadata", f"Info has no {key[1:]}")
    if str(info.get("/Trapped", "")) not in ("/True", "/False"):
        add("metadata", "Info Trapped must be /True or /False")
    if "/ID" not in pdf.trailer:
        add("metadata", "no file identifier (/ID) in the trailer")
    if rules.pdfx == "PDF/X-4":
        if "/Metadata" not in pdf.Root:
            add("metadata", "no XMP metadata stream")
        else:
            with pdf.open_metadata() as meta:
                xv = meta.get("pdfxid:GTS_PDFXVersion")
                if xv != "PDF/X-4":
                    add("metadata", f"XMP pdfxid:GTS_PDFXVersion is {xv!r}, expected 'PDF/X-4'")
                for key in ("xmpMM:DocumentID", "xmpMM:InstanceID", "xmp:CreateDate", "dc:title"):
                    if not meta.get(key):
                        add("metadata", f"XMP has no {key}")
    intents: Any = pdf.Root.get("/OutputIntents", [])
    gts = [oi for oi in intents if str(oi.get("/S")) == "/GTS_PDFX"]
    if len(gts) != 1:
        add("output-intent", f"{len(gts)} GTS_PDFX output intents (exactly one required)")
    else:
        oi = gts[0]
        if not str(oi.get("/OutputConditionIdentifier", "")):
            add("output-intent", "output intent has no OutputConditionIdentifier")
        prof = oi.get("/DestOutputProfile")
        if prof is None:
            add("output-intent", "output intent has no embedded ICC profile (DestOutputProfile)")
        else:
            data = prof.read_bytes()
            if len(data) < 128 or data[16:20] != b"CMYK" or data[12:16] != b"prtr":
                add("output-intent", "the output intent's profile is not a CMYK output (prtr) profile")
    return out


def preflight(source: Path | bytes, rules: Rules, name: str | None = None, content: bool = True) -> list[Finding]:
    """Check one PDF (a file, or bytes named by name) against the rules; every finding, errors first.
    content=False skips the content streams (colours, text, ink), for pages checked in another file."""
    file = name or str(source)
    try:
        pdf = pikepdf.open(io.BytesIO(source) if isinstance(source, bytes) else source)
    except pikepdf.PdfError as e:
        return [Finding("error", file, None, "file", f"cannot be read as PDF: {e}")]
    with pdf:
        findings = _check_document(pdf, file, rules)
        for i, page in enumerate(pdf.pages, start=1):
            p = _Page(file, i, rules, _box(page, "/BleedBox"))
            _check_boxes(p, page)
            resources = page.obj.get("/Resources", pikepdf.Dictionary())
            _check_fonts(p, resources)
            if content:
                _walk(p, page, resources, _State())
            findings += p.findings
    return sorted(findings, key=lambda f: f.severity != "error")
