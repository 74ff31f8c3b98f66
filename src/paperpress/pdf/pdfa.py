"""Our own checks of the PDF/A-2 rules the archive copy relies on (ISO 19005-2), with pikepdf.

Not a full validator: it checks what we implement and could get wrong — identification in XMP, the
output intent, metadata agreeing with Info, fonts embedded with complete ToUnicode, device colour
only under the matching intent, no encryption, transparency, external content or forbidden actions,
annotations printable — and, for the tagged copy, the structure tree's basic shape."""

from __future__ import annotations

import io
import re

import pikepdf

NS = {"x": "adobe:ns:meta/", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
      "dc": "http://purl.org/dc/elements/1.1/", "pdfaid": "http://www.aiim.org/pdfa/ns/id/"}
ALLOWED_ACTIONS = {"/GoTo", "/GoToR", "/Thread", "/URI", "/Named", "/SubmitForm"}
FORBIDDEN_FILTERS = {"/LZWDecode", "/Crypt"}


def _cmap_codes(cmap: bytes) -> dict[int, str]:
    """code → text of a ToUnicode CMap's bfchar and bfrange entries (the forms our writer emits)."""
    out: dict[int, str] = {}
    text = cmap.decode("latin-1")
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for code, uni in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            out[int(code, 16)] = bytes.fromhex(uni).decode("utf-16-be", "replace")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi, start in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            base = int(start, 16)
            for i, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                out[code] = chr(base + i) if base + i < 0x10000 else "?"
    return out


def check(data: bytes, level: str = "U") -> list[str]:
    """Problems found (empty: passes our checks) in a file claiming PDF/A-2 at level U (or A)."""
    problems: list[str] = []
    head = data[:1024]
    if not re.match(rb"%PDF-1\.[0-7]\r?\n%[\x80-\xff]{4}", head):
        problems.append("header: %PDF-1.n followed by a comment of four bytes over 127 (6.1.2)")
    pdf = pikepdf.open(io.BytesIO(data))
    if pdf.is_encrypted or "/Encrypt" in pdf.trailer:
        problems.append("encrypted (6.1.3)")
    if "/ID" not in pdf.trailer:
        problems.append("no file identifier /ID in the trailer (6.1.3)")
    root = pdf.Root
    # identification and metadata (6.6)
    if "/Metadata" not in root:
        return problems + ["no XMP metadata in the catalog (6.6.2)"]
    from lxml import etree  # pikepdf depends on lxml

    xmp = etree.fromstring(root.Metadata.read_bytes())
    part = xmp.findtext(".//pdfaid:part", namespaces=NS)
    conf = xmp.findtext(".//pdfaid:conformance", namespaces=NS)
    if part != "2" or conf != level:
        problems.append(f"XMP pdfaid part/conformance {part}/{conf}, expected 2/{level} (6.6.4)")
    info = pdf.trailer.get("/Info")
    title = xmp.findtext(".//dc:title/rdf:Alt/rdf:li", namespaces=NS)
    if info is not None and "/Title" in info and str(info.Title) != title:
        problems.append("Info /Title differs from dc:title (6.6.3)")
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        for key, prop in (("/Producer", "pdf:Producer"), ("/Creator", "xmp:CreatorTool"),
                          ("/Keywords", "pdf:Keywords")):
            if info is not None and key in info and str(info[key]) != str(meta.get(prop, "")):
                problems.append(f"Info {key} differs from XMP {prop} (6.6.3)")
    if "pdfaExtension" not in root.Metadata.read_bytes().decode("utf-8") and b"xmlns:pp=" in root.Metadata.read_bytes():
        problems.append("own XMP schema used without a PDF/A extension schema description (6.6.2.3)")
    # output intent (6.2.3)
    intents = [oi for oi in root.get("/OutputIntents", []) if oi.get("/S") == "/GTS_PDFA1"]
    rgb_intent = False
    if len(intents) != 1 or "/DestOutputProfile" not in intents[0]:
        problems.append("not exactly one GTS_PDFA1 output intent with an embedded profile (6.2.3)")
    else:
        icc = intents[0].DestOutputProfile.read_bytes()
        rgb_intent = icc[16:20] == b"RGB " and icc[36:40] == b"acsp" and int(intents[0].DestOutputProfile.N) == 3
        if not rgb_intent:
            problems.append("the output intent's profile is not an RGB ICC profile with N 3 (6.2.3)")
    # pages: colour, fonts, images, annotations, transparency
    for n, page in enumerate(pdf.pages, 1):
        res = page.obj.get("/Resources", pikepdf.Dictionary())
        if "/Group" in page.obj:
            problems.append(f"page {n}: transparency group (6.4)")
        for name, gs in res.get("/ExtGState", {}).items():
            if gs.get("/SMask", pikepdf.Name.None_) != pikepdf.Name.None_ or float(gs.get("/CA", 1)) != 1 \
                    or float(gs.get("/ca", 1)) != 1 or gs.get("/BM", pikepdf.Name.Normal) not in (
                        pikepdf.Name.Normal, pikepdf.Name.Compatible):
                problems.append(f"page {n}: {name} uses transparency (6.4)")
        used: dict[str, set[int]] = {}
        current = None
        for operands, op in pikepdf.parse_content_stream(page):  # type: ignore[misc]
            o = str(op)
            if o == "Tf":
                current = str(operands[0])
            elif o in ("k", "K"):
                problems.append(f"page {n}: DeviceCMYK colour without a CMYK output intent (6.2.4.3)")
            elif o in ("rg", "RG") and not rgb_intent:
                problems.append(f"page {n}: DeviceRGB colour without an RGB output intent (6.2.4.3)")
            elif o in ("TJ", "Tj") and current:
                items = operands[0] if o == "TJ" else [operands[0]]
                for s in items:
                    if isinstance(s, pikepdf.String):
                        b = bytes(s)
                        used.setdefault(current, set()).update(int.from_bytes(b[i:i + 2], "big")
                                                               for i in range(0, len(b) - 1, 2))
        for name, font in res.get("/Font", {}).items():
            fonts = [font] + list(font.get("/DescendantFonts", []))
            if not any("/FontDescriptor" in f and any(k in f.FontDescriptor for k in
                       ("/FontFile", "/FontFile2", "/FontFile3")) for f in fonts):
                problems.append(f"page {n}: font {name} not embedded (6.2.11.4)")
            if "/ToUnicode" not in font:
                problems.append(f"page {n}: font {name} has no ToUnicode (6.2.11.7)")
                continue
            cmap = _cmap_codes(font.ToUnicode.read_bytes())
            for code in sorted(used.get(name, ())):
                text = cmap.get(code)
                if not text or any(ch in "\0\ufeff\ufffe\ufffd" for ch in text):
                    problems.append(f"page {n}: font {name} code {code:04X} has no Unicode value (6.2.11.7.2)")
        for name, xo in res.get("/XObject", {}).items():
            if "/Alternates" in xo or xo.get("/Interpolate", False) is True or "/OPI" in xo:
                problems.append(f"page {n}: image {name} has Alternates, Interpolate or OPI (6.2.8)")
            if "/SMask" in xo or xo.get("/Subtype") == "/PS":
                problems.append(f"page {n}: XObject {name} with a soft mask or PostScript (6.2.9, 6.4)")
            if "/F" in xo:
                problems.append(f"page {n}: XObject {name} refers to external content (6.1.7)")
            filters = xo.get("/Filter")
            names = [str(f) for f in filters] if isinstance(filters, pikepdf.Array) else [str(filters)]
            if FORBIDDEN_FILTERS & set(names):
                problems.append(f"page {n}: image {name} uses {names} (6.1.7.2)")
            cs = xo.get("/ColorSpace")
            if cs == "/DeviceCMYK" or (cs == "/DeviceRGB" and not rgb_intent):
                problems.append(f"page {n}: image {name} in {cs} without a matching output intent (6.2.4.3)")
        for annot in page.obj.get("/Annots", []):
            flags = int(annot.get("/F", 0))
            if not flags & 4 or flags & (1 | 2 | 32):
                problems.append(f"page {n}: annotation without the Print flag, or hidden (6.3.2)")
            action = annot.get("/A")
            if action is not None and str(action.get("/S")) not in ALLOWED_ACTIONS:
                problems.append(f"page {n}: annotation action {action.get('/S')} not allowed (6.5.1)")
    if "/Names" in root and ("/JavaScript" in root.Names or "/EmbeddedFiles" in root.Names):
        problems.append("JavaScript or embedded files in the name tree (6.5.1, 6.8)")
    if "/AA" in root or "/OpenAction" in root and str(root.OpenAction.get("/S", "")) not in ALLOWED_ACTIONS:
        problems.append("additional or forbidden open actions (6.5.2)")
    if level == "A":
        problems += check_tagged(pdf)
    return problems


def check_tagged(pdf: pikepdf.Pdf) -> list[str]:
    """The shape of a tagged file (6.7.2–6.7.3 of level A): MarkInfo, StructTreeRoot, ParentTree, /Lang."""
    problems = []
    root = pdf.Root
    mark_info = root.get("/MarkInfo")
    if mark_info is None or not bool(mark_info.get("/Marked", False)):
        problems.append("MarkInfo /Marked is not true (6.7.2.2)")
    if "/StructTreeRoot" not in root or "/ParentTree" not in root.StructTreeRoot:
        problems.append("no StructTreeRoot with a ParentTree (6.7.3)")
    if "/Lang" not in root:
        problems.append("no document /Lang (6.7.4)")
    for n, page in enumerate(pdf.pages, 1):
        if "/StructParents" not in page.obj:
            problems.append(f"page {n}: no /StructParents (6.7.3)")
    return problems
