"""Embedding faces: HarfBuzz subsets of the glyphs drawn, as CIDFontType0C or TrueType, with ToUnicode.

A glyph's code in the content stream is the same in every file that draws it, whatever else that file's subset
holds: the glyph's CID in a CID-keyed CFF face (the subset keeps the original charset, and a CIDFontType0
selects glyphs by CID through it), its original glyph id in a TrueType face (the subset's CIDToGIDMap stream
maps it to the glyph's new id). So a page's content stream can be made once and drawn in its own print file
and in the whole issue's. Only a name-keyed CFF face, whose glyphs a PDF selects by their id in the subset
itself, is shown by its new glyph ids."""

from __future__ import annotations

import hashlib
import struct
import sys
import zlib
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pydyf
import uharfbuzz as hb

from ..fonts import Face
from .objects import LEVEL, flate

_FLAGS = (hb.SubsetFlags.DESUBROUTINIZE | hb.SubsetFlags.NO_HINTING | hb.SubsetFlags.NOTDEF_OUTLINE
          | hb.SubsetFlags.NO_LAYOUT_CLOSURE)
# tables a PDF viewer never reads from an embedded font
_DW = 1000  # the CIDFonts' default glyph width
_DROP = ("GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "DSIG", "JSTF", "MATH", "meta", "kern")
# a CFF face embeds its CFF table alone (FontFile3): the rest need not be subset at all (15% of the time)
_DROP_CFF = _DROP + ("cmap", "hmtx", "hhea", "name", "OS/2", "post", "maxp")


@dataclass
class UsedFont:
    """Glyphs a document draws from one face, and what each stands for."""

    face: Face
    text: dict[int, str] = field(default_factory=dict)  # old gid → characters
    codes: dict[int, int] = field(default_factory=dict)  # old gid → code in the content stream (see above)
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


def _index(data: bytes, pos: int) -> tuple[list[tuple[int, int]], int]:
    """A CFF INDEX at pos: each object's (start, end), and where the INDEX ends."""
    count = int.from_bytes(data[pos:pos + 2], "big")
    if count == 0:
        return [], pos + 2
    size = data[pos + 2]
    at = pos + 3
    offsets = [int.from_bytes(data[at + i * size:at + (i + 1) * size], "big") for i in range(count + 1)]
    base = at + (count + 1) * size - 1  # offsets count from 1, from the byte before the data
    return [(base + offsets[i], base + offsets[i + 1]) for i in range(count)], base + offsets[-1]


def _dict(data: bytes, start: int, end: int) -> dict[int, list[int]]:
    """A CFF DICT's operators (two-byte ones as 1200 + the second byte) → their integer operands (reals: 0)."""
    out: dict[int, list[int]] = {}
    operands: list[int] = []
    i = start
    while i < end:
        b0 = data[i]
        if b0 <= 21:
            op, i = (1200 + data[i + 1], i + 2) if b0 == 12 else (b0, i + 1)
            out[op], operands = operands, []
        elif 32 <= b0 <= 246:
            operands.append(b0 - 139)
            i += 1
        elif 247 <= b0 <= 250:
            operands.append((b0 - 247) * 256 + data[i + 1] + 108)
            i += 2
        elif 251 <= b0 <= 254:
            operands.append(-(b0 - 251) * 256 - data[i + 1] - 108)
            i += 2
        elif b0 == 28:
            operands.append(int.from_bytes(data[i + 1:i + 3], "big", signed=True))
            i += 3
        elif b0 == 29:
            operands.append(int.from_bytes(data[i + 1:i + 5], "big", signed=True))
            i += 5
        elif b0 == 30:  # a real: nibbles up to the end nibble 0xf
            i += 1
            while data[i] >> 4 != 0xF and data[i] & 0xF != 0xF:
                i += 1
            i += 1
            operands.append(0)
        else:
            raise ValueError(f"reserved CFF DICT byte {b0}")
    return out


def cff_cids(read: Callable[[int, int], bytes]) -> Sequence[int] | None:
    """Each glyph's CID (by glyph id) in a CID-keyed CFF font (its Top DICT has ROS); None for a name-keyed one
    or what cannot be read as CFF. read(offset, size) gives the CFF table's bytes there: only the header, the
    Top DICT and the charset are read, never the glyphs (a CJK face's CFF is 10 MB or more)."""
    try:
        head = read(0, 1 << 16)  # the header, Name and Top DICT INDEX come first and are small
        _, at = _index(head, head[2])  # the Name INDEX follows the header, head[2] bytes long
        tops, _ = _index(head, at)
        top = _dict(head, *tops[0])
        if 1230 not in top or len(top.get(15, ())) != 1 or len(top.get(17, ())) != 1:
            return None
        charset, charstrings = top[15][0], top[17][0]
        glyphs = int.from_bytes(read(charstrings, 2), "big")
        if charset <= 2 or glyphs == 0:  # the predefined charsets are name-keyed ones
            return None
        table = read(charset, 1 + 4 * glyphs)  # no charset format takes more
        fmt, pos = table[0], 1
        cids = array("H", [0])  # .notdef
        if fmt == 0:
            cids.frombytes(table[pos:pos + 2 * (glyphs - 1)])
            if sys.byteorder == "little":
                cids.byteswap()
            if len(cids) < glyphs:
                return None
        elif fmt in (1, 2):
            step = 3 if fmt == 1 else 4
            while len(cids) < glyphs:
                if pos + step > len(table):
                    return None
                first = int.from_bytes(table[pos:pos + 2], "big")
                left = int.from_bytes(table[pos + 2:pos + step], "big")
                cids.extend(range(first, min(first + left + 1, 0x10000)))
                pos += step
        else:
            return None
        return cids[:glyphs]
    except (IndexError, ValueError, OverflowError):
        return None


def _sfnt_table(path: Path, index: int, tag: bytes) -> tuple[int, int] | None:
    """(offset, length) of a table in a font file (face `index` of a collection)."""
    with path.open("rb") as f:
        head = f.read(12)
        if head[:4] == b"ttcf":
            f.seek(12 + 4 * index)
            f.seek(int.from_bytes(f.read(4), "big"))
            head = f.read(12)
        records = f.read(16 * int.from_bytes(head[4:6], "big"))
    for i in range(0, len(records), 16):
        if records[i:i + 4] == tag:
            return int.from_bytes(records[i + 8:i + 12], "big"), int.from_bytes(records[i + 12:i + 16], "big")
    return None


_CIDS: dict[str, Sequence[int] | None] = {}  # a CFF face's checksum → its glyphs' CIDs (None: name-keyed)


def _face_cids(face: Face) -> Sequence[int] | None:
    """The CIDs of a CFF face's glyphs, read once per face in a process; None for name-keyed (or TrueType)."""
    if face.format != "cff":
        return None
    from .. import linecache

    key = linecache.face_checksum(face.path, face.index)
    if key not in _CIDS:
        _CIDS[key] = None
        where = _sfnt_table(face.path, face.index, b"CFF ")
        if where is not None:
            offset, length = where
            with face.path.open("rb") as f:
                def read(at: int, size: int) -> bytes:
                    f.seek(offset + at)
                    return f.read(max(0, min(size, length - at)))

                _CIDS[key] = cff_cids(read)
    return _CIDS[key]


def stable_codes(face: Face) -> bool:
    """Whether a face's glyphs have the same codes in every subset (all but a name-keyed CFF face)."""
    return face.format != "cff" or _face_cids(face) is not None


def own_codes(used: UsedFont) -> bool:
    """Fill used.codes and used.hex without subsetting, where the face's codes are its own (as embed() would
    fill them); False for a name-keyed CFF face, whose codes only its subset decides."""
    face = used.face
    if face.format == "cff":
        cids = _face_cids(face)
        if cids is None:
            return False
        used.codes = {old: cids[old] for old in used.text}
    else:
        used.codes = {old: old for old in used.text}
    used.hex = {old: f"<{code:04X}>" for old, code in used.codes.items()}
    return True


@dataclass
class _Subset:
    stream: pydyf.Stream  # the font program, compressed once, shared by every PDF that embeds this subset
    mapping: dict[int, int]  # old gid → new gid
    codes: dict[int, int]  # old gid → its code in the content stream
    cid_map: bytes = b""  # TrueType: the CIDToGIDMap stream (code → new gid, 2 bytes each), Flate-compressed


_SUBSETS: dict[tuple[str, tuple[int, ...]], _Subset] = {}


def _subset(face: Face, gids: tuple[int, ...]) -> _Subset:
    """HarfBuzz subset of a face to these glyphs, memoised (print and screen share their glyphs) and kept in the
    persistent cache (an unchanged page's subsets are not made again)."""
    key = (face.id, gids)
    hit = _SUBSETS.get(key)
    if hit is not None:
        return hit
    from .. import linecache

    cids = _face_cids(face)
    stored = linecache.value("subset", (linecache.face_checksum(face.path, face.index), face.format, gids),
                             lambda: _made(face, gids, cids is not None))
    if not (isinstance(stored, tuple) and len(stored) == 4 and isinstance(stored[0], bytes)
            and isinstance(stored[2], dict) and isinstance(stored[3], bytes)):
        stored = _made(face, gids, cids is not None)
    compressed, length1, mapping, cid_map = stored
    if face.format != "cff":
        codes = {g: g for g in gids}
    elif cids is not None:
        codes = {g: cids[g] for g in gids}
    else:
        codes = mapping
    extra = {"Subtype": "/CIDFontType0C"} if face.format == "cff" else {"Length1": length1}
    hit = _Subset(pydyf.Stream([compressed], {**extra, "Filter": "/FlateDecode"}), mapping, codes, cid_map)
    if len(_SUBSETS) >= 64:  # the newest few: a page's own subsets are used once, the whole issue's by 2–3 files
        del _SUBSETS[next(iter(_SUBSETS))]
    _SUBSETS[key] = hit
    return hit


def _made(face: Face, gids: tuple[int, ...], cid_keyed: bool) -> tuple[bytes, int, dict[int, int], bytes]:
    """(the subset program, Flate-compressed; its uncompressed length; old gid → new gid; for TrueType the
    CIDToGIDMap, original gid → new gid, Flate-compressed). A CID-keyed CFF subset keeps its glyphs' CIDs;
    a name-keyed one gets an identity charset (its glyphs are selected by their new ids)."""
    inp = hb.SubsetInput()
    for gid in gids:
        inp.glyph_set.add(gid)
    inp.flags = _FLAGS if cid_keyed or face.format != "cff" else _FLAGS | hb.SubsetFlags.CFF_IDENTITY_CHARSET
    drop = inp.sets(hb.SubsetInputSets.DROP_TABLE_TAG)
    for tag in (_DROP_CFF if face.format == "cff" else _DROP):
        drop.add(int.from_bytes(tag.ljust(4).encode(), "big"))
    plan = hb.SubsetPlan(face.hb_face, inp)
    sub = plan.execute()
    old_to_new = plan.old_to_new_glyph_mapping
    mapping = {g: old_to_new[g] for g in gids}
    raw = sub.reference_table("CFF ").data if face.format == "cff" else sub.blob.data
    cid_map = b""
    if face.format != "cff":
        table = array("H", bytes(2 * (max(gids, default=0) + 1)))
        for old, new in mapping.items():
            table[old] = new
        if sys.byteorder == "little":
            table.byteswap()  # big-endian, as PDF 9.7.4.2 has it
        cid_map = zlib.compress(table.tobytes(), LEVEL)
    return zlib.compress(raw, LEVEL), len(raw), mapping, cid_map


def embed(pdf: pydyf.PDF, used: UsedFont) -> pydyf.Dictionary:
    """Subset the face to the used glyphs and add the Type0 font objects; fills used.codes."""
    face = used.face
    sub = _subset(face, tuple(sorted(used.text)))
    used.codes = {old: sub.codes[old] for old in used.text}
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
    file_stream = pydyf.Stream(sub.stream.stream, dict(sub.stream.extra))
    pdf.add_object(file_stream)
    descriptor = pydyf.Dictionary({
        "Type": "/FontDescriptor", "FontName": "/" + base, "Flags": 4,
        "FontBBox": pydyf.Array([round(v * scale) for v in (xmin, ymin, xmax, ymax)]),
        "ItalicAngle": 0, "Ascent": round(ext.ascender * scale), "Descent": round(ext.descender * scale),
        "CapHeight": round(ext.ascender * scale * 0.8), "StemV": 80, file_key: file_stream.reference,
    })
    pdf.add_object(descriptor)
    # glyphs of the default width (DW: a CJK face's em-square ideographs, most of them) are left out of W: with
    # codes that are the face's own, not consecutive in a subset, W would otherwise list them one by one
    widths = []
    for old in sorted(used.text, key=lambda g: used.codes[g]):
        w = round(font.get_glyph_h_advance(old) * scale)
        if w != _DW:
            widths.append((used.codes[old], w))
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
        "FontDescriptor": descriptor.reference, "DW": _DW, "W": pydyf.Array(w_array),
    })
    if face.format != "cff":  # codes are the original glyph ids: the map takes each to its id in the subset
        cid_map = pydyf.Stream([sub.cid_map], {"Filter": "/FlateDecode"})
        pdf.add_object(cid_map)
        cid["CIDToGIDMap"] = cid_map.reference
    pdf.add_object(cid)
    to_unicode = flate(_tounicode(sorted((used.codes[g], t) for g, t in used.text.items())))
    pdf.add_object(to_unicode)
    font_dict = pydyf.Dictionary({
        "Type": "/Font", "Subtype": "/Type0", "BaseFont": "/" + base, "Encoding": "/Identity-H",
        "DescendantFonts": pydyf.Array([cid.reference]), "ToUnicode": to_unicode.reference,
    })
    pdf.add_object(font_dict)
    return font_dict
