"""Embedding faces: HarfBuzz subsets of the glyphs drawn, as CIDFontType0C or TrueType, with ToUnicode."""

from __future__ import annotations

import hashlib
import struct
import zlib
from dataclasses import dataclass, field

import pydyf
import uharfbuzz as hb

from ..fonts import Face
from .objects import LEVEL, flate

_FLAGS = (hb.SubsetFlags.DESUBROUTINIZE | hb.SubsetFlags.NO_HINTING | hb.SubsetFlags.NOTDEF_OUTLINE
          | hb.SubsetFlags.NO_LAYOUT_CLOSURE | hb.SubsetFlags.CFF_IDENTITY_CHARSET)
# tables a PDF viewer never reads from an embedded font
_DROP = ("GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "DSIG", "JSTF", "MATH", "meta", "kern")


@dataclass
class UsedFont:
    """Glyphs a document draws from one face, and what each stands for."""

    face: Face
    text: dict[int, str] = field(default_factory=dict)  # old gid → characters
    codes: dict[int, int] = field(default_factory=dict)  # old gid → code in the content stream (new gid)
    hex: dict[int, str] = field(default_factory=dict)  # old gid → its code as the content stream shows it

    def use(self, gid: int, text: str) -> None:
        if gid not in self.text or (not self.text[gid] and text):
            self.text[gid] = text


def _tounicode(entries: list[tuple[int, str]]) -> bytes:
    lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
             "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
             "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange"]
    entries = [(c, t) for c, t in entries if t]
    for i in range(0, len(entries), 100):
        chunk = entries[i:i + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines += [f"<{c:04X}> <{t.encode('utf-16-be').hex().upper()}>" for c, t in chunk]
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode("ascii")


def _ps_name(face: Face) -> str:
    return (face.family + "-" + face.style).replace(" ", "")


@dataclass
class _Subset:
    data: bytes  # the font program (empty: only its compressed stream is kept)
    length1: int  # uncompressed length (TrueType's Length1)
    mapping: dict[int, int]  # old gid → new gid (the code in the content stream)
    stream: pydyf.Stream | None = None  # compressed once, shared by every PDF that embeds this subset


_SUBSETS: dict[tuple[str, tuple[int, ...]], _Subset] = {}


def _subset(face: Face, gids: tuple[int, ...]) -> _Subset:
    """HarfBuzz subset of a face to these glyphs, memoised (print and screen share their glyphs) and kept in the
    persistent cache (an unchanged page's subsets are not made again)."""
    key = (face.id, gids)
    hit = _SUBSETS.get(key)
    if hit is not None:
        return hit
    from .. import linecache

    stored = linecache.value("subset", (linecache.face_checksum(face.path, face.index), face.format, gids),
                             lambda: _made(face, gids))
    if not (isinstance(stored, tuple) and len(stored) == 3 and isinstance(stored[0], bytes)
            and isinstance(stored[2], dict)):
        stored = _made(face, gids)
    compressed, length1, mapping = stored
    extra = {"Subtype": "/CIDFontType0C"} if face.format == "cff" else {"Length1": length1}
    hit = _Subset(b"", length1, mapping, pydyf.Stream([compressed], {**extra, "Filter": "/FlateDecode"}))
    if len(_SUBSETS) >= 64:  # the newest few: a page's own subsets are used once, the whole issue's by 2–3 files
        del _SUBSETS[next(iter(_SUBSETS))]
    _SUBSETS[key] = hit
    return hit


def _made(face: Face, gids: tuple[int, ...]) -> tuple[bytes, int, dict[int, int]]:
    """(the subset program, Flate-compressed; its uncompressed length; old gid → new gid)."""
    inp = hb.SubsetInput()
    for gid in gids:
        inp.glyph_set.add(gid)
    inp.flags = _FLAGS
    drop = inp.sets(hb.SubsetInputSets.DROP_TABLE_TAG)
    for tag in _DROP:
        drop.add(int.from_bytes(tag.ljust(4).encode(), "big"))
    plan = hb.SubsetPlan(face.hb_face, inp)
    sub = plan.execute()
    mapping = plan.old_to_new_glyph_mapping
    raw = sub.reference_table("CFF ").data if face.format == "cff" else sub.blob.data
    return zlib.compress(raw, LEVEL), len(raw), {g: mapping[g] for g in gids}


def embed(pdf: pydyf.PDF, used: UsedFont) -> pydyf.Dictionary:
    """Subset the face to the used glyphs and add the Type0 font objects; fills used.codes."""
    face = used.face
    sub = _subset(face, tuple(sorted(used.text)))
    used.codes = {old: sub.mapping[old] for old in used.text}
    used.hex = {old: f"<{code:04X}>" for old, code in used.codes.items()}
    upem = face.upem
    font = face.hb_font
    # deterministic subset tag from the glyph set (PDF 9.6.4: six capital letters)
    digest = hashlib.sha256(f"{face.id}:{sorted(used.text)}".encode()).digest()
    tag = "".join(chr(65 + b % 26) for b in digest[:6])
    base = f"{tag}+{_ps_name(face)}"
    head = face.hb_face.reference_table("head").data
    xmin, ymin, xmax, ymax = struct.unpack(">hhhh", head[36:44])
    ext = font.get_font_extents("ltr")
    scale = 1000 / upem
    if face.format == "cff":
        file_key, subtype = "FontFile3", "/CIDFontType0"
    else:
        file_key, subtype = "FontFile2", "/CIDFontType2"
    assert sub.stream is not None
    file_stream = pydyf.Stream(sub.stream.stream, dict(sub.stream.extra))
    pdf.add_object(file_stream)
    descriptor = pydyf.Dictionary({
        "Type": "/FontDescriptor", "FontName": "/" + base, "Flags": 4,
        "FontBBox": pydyf.Array([round(v * scale) for v in (xmin, ymin, xmax, ymax)]),
        "ItalicAngle": 0, "Ascent": round(ext.ascender * scale), "Descent": round(ext.descender * scale),
        "CapHeight": round(ext.ascender * scale * 0.8), "StemV": 80, file_key: file_stream.reference,
    })
    pdf.add_object(descriptor)
    widths = []
    for old in sorted(used.text, key=lambda g: used.codes[g]):
        widths.append((used.codes[old], round(font.get_glyph_h_advance(old) * scale)))
    w_array: list = []
    run: list[int] = []
    run_start = -2
    for code, w in widths:
        if code != run_start + len(run):
            if run:
                w_array += [run_start, pydyf.Array(run)]
            run, run_start = [], code
        run.append(w)
    if run:
        w_array += [run_start, pydyf.Array(run)]
    cid = pydyf.Dictionary({
        "Type": "/Font", "Subtype": subtype, "BaseFont": "/" + base,
        "CIDSystemInfo": pydyf.Dictionary({"Registry": pydyf.String("Adobe"), "Ordering": pydyf.String("Identity"),
                                           "Supplement": 0}),
        "FontDescriptor": descriptor.reference, "DW": 1000, "W": pydyf.Array(w_array),
    })
    if face.format != "cff":
        cid["CIDToGIDMap"] = "/Identity"
    pdf.add_object(cid)
    to_unicode = flate(_tounicode(sorted((used.codes[g], t) for g, t in used.text.items())))
    pdf.add_object(to_unicode)
    font_dict = pydyf.Dictionary({
        "Type": "/Font", "Subtype": "/Type0", "BaseFont": "/" + base, "Encoding": "/Identity-H",
        "DescendantFonts": pydyf.Array([cid.reference]), "ToUnicode": to_unicode.reference,
    })
    pdf.add_object(font_dict)
    return font_dict
