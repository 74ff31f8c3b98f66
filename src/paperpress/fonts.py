"""The font catalog (fonts/fonts.yaml) → FontBook: faces by id, coverage, cached glyph metrics."""

from __future__ import annotations

import hashlib
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path

import uharfbuzz as hb

from . import cache as disk_cache
from .errors import Problems
from .yamlsrc import load_mapping, mapping_items, node_get, node_int, node_str

REQUIRED = ("family", "style", "role", "file", "format")
FORMATS = {"cff": (b"OTTO",), "truetype": (b"\x00\x01\x00\x00", b"true")}  # sfnt version of each outline format
SAFE_FILE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")


def sfnt_problem(path: Path, index: int, fmt: str) -> str | None:
    """Why face `index` of an OpenType file is not usable as catalogued (missing, other format, cut short)."""
    try:
        with path.open("rb") as f:
            data = f.read(12)
            size = path.stat().st_size
            offset = 0
            if data[:4] == b"ttcf":
                count = struct.unpack(">I", data[8:12])[0]
                if index >= count:
                    return f"face index {index}, but the collection has {count} face(s)"
                f.seek(12 + 4 * index)
                offset = struct.unpack(">I", f.read(4))[0]
            elif index != 0:
                return f"face index {index}, but the file holds one face (index 0)"
            f.seek(offset)
            head = f.read(12)
            if len(head) < 12:
                return "not an OpenType font (cut short)"
            if head[:4] not in FORMATS[fmt]:
                actual = next((k for k, tags in FORMATS.items() if head[:4] in tags), None)
                return (f"catalogued as {fmt}, but its outlines are {actual}" if actual
                        else "not an OpenType font")
            tables = struct.unpack(">H", head[4:6])[0]
            directory = f.read(16 * tables)
            if len(directory) < 16 * tables:
                return "cut short (its table directory is incomplete)"
            for i in range(tables):
                tag, _, t_off, t_len = struct.unpack(">4sIII", directory[16 * i:16 * i + 16])
                if t_off + t_len > size:
                    return f"cut short (table '{tag.decode('latin-1').strip()}' runs past the end of the file)"
    except OSError as e:
        return f"cannot be read ({e.strerror or e})"
    return None


def _sha256(path: Path) -> str:
    """A file's sha256, remembered by path, size and mtime in the user's cache so that builds stay fast."""
    st = path.stat()
    key = str(path.resolve())
    stamp = [st.st_size, st.st_mtime_ns]
    cache = disk_cache.load("sha256.json")
    hit = cache.get(key)
    if isinstance(hit, list) and len(hit) == 3 and hit[:2] == stamp:
        return str(hit[2])
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    cache[key] = [*stamp, digest.hexdigest()]
    disk_cache.save("sha256.json", cache)
    return digest.hexdigest()


LANGUAGE = "zh-Hans"  # the text we set; selects the faces' Simplified Chinese forms


@dataclass
class Face:
    """One font face, read in place with HarfBuzz; metrics in font units."""

    id: str
    family: str
    style: str
    role: str
    path: Path
    index: int
    format: str  # "cff" or "truetype"
    _face: hb.Face | None = field(default=None, repr=False)
    _font: hb.Font | None = field(default=None, repr=False)
    _glyphs: dict[str, tuple[int, int]] = field(default_factory=dict, repr=False)
    _shaped: dict[tuple[str, tuple[str, ...]], list[tuple[int, int, int, int]]] = field(
        default_factory=dict, repr=False)
    _cmap: set[int] | None = field(default=None, repr=False)
    _advances: dict[int, int] = field(default_factory=dict, repr=False)
    _upem: int = field(default=0, repr=False)

    def _open(self) -> None:
        blob = hb.Blob.from_file_path(str(self.path))
        self._face = hb.Face(blob, self.index)
        self._font = hb.Font(self._face)

    @property
    def hb_face(self) -> hb.Face:
        if self._face is None:
            self._open()
        assert self._face is not None
        return self._face

    @property
    def hb_font(self) -> hb.Font:
        if self._font is None:
            self._open()
        assert self._font is not None
        return self._font

    @property
    def upem(self) -> int:
        if not self._upem:
            self._upem = self.hb_face.upem
        return self._upem

    def advance(self, gid: int) -> int:
        """Horizontal advance of a glyph in font units, cached."""
        hit = self._advances.get(gid)
        if hit is None:
            hit = self._advances[gid] = self.hb_font.get_glyph_h_advance(gid)
        return hit

    def has(self, ch: str) -> bool:
        if self._cmap is None:
            self._cmap = set(self.hb_face.unicodes)
        return ord(ch) in self._cmap

    def glyph(self, ch: str) -> tuple[int, int]:
        """(gid, horizontal advance in font units) of a character's nominal glyph."""
        hit = self._glyphs.get(ch)
        if hit is None:
            font = self.hb_font
            gid = font.get_nominal_glyph(ord(ch)) or 0
            hit = (gid, font.get_glyph_h_advance(gid))
            self._glyphs[ch] = hit
        return hit

    def shape(self, text: str, features: tuple[str, ...] = ()) -> list[tuple[int, int, int, int]]:
        """Shape text: [(gid, cluster, x_advance, x_offset)] in font units, cached."""
        key = (text, features)
        hit = self._shaped.get(key)
        if hit is None:
            buf = hb.Buffer()
            buf.add_str(text)
            buf.guess_segment_properties()
            buf.language = LANGUAGE  # Simplified Chinese forms (locl): —— as the full two-em dash
            if not text.isascii():
                buf.script = "Hani"  # marks and dashes are script-neutral; set among Han they take Han forms
            hb.shape(self.hb_font, buf, {f: True for f in features})
            hit = [(i.codepoint, i.cluster, p.x_advance, p.x_offset)
                   for i, p in zip(buf.glyph_infos, buf.glyph_positions, strict=True)]
            self._shaped[key] = hit
        return hit


    def shape_vertical(self, text: str) -> list[tuple[int, int, int, int, int]]:
        """Shape top to bottom (vert/vrt2 applied by HarfBuzz): [(gid, cluster, x_offset, y_offset, y_advance)]."""
        buf = hb.Buffer()
        buf.add_str(text)
        buf.guess_segment_properties()
        buf.language = LANGUAGE
        buf.direction = "ttb"
        hb.shape(self.hb_font, buf, {})
        return [(i.codepoint, i.cluster, p.x_offset, p.y_offset, p.y_advance)
                for i, p in zip(buf.glyph_infos, buf.glyph_positions, strict=True)]


class FontBook:
    """Faces by id, as the catalog lists them."""

    def __init__(self, faces: dict[str, Face], catalog: Path):
        self.faces = faces
        self.catalog = catalog

    def __getitem__(self, face_id: str) -> Face:
        return self.faces[face_id]

    def __contains__(self, face_id: str) -> bool:
        return face_id in self.faces

    @classmethod
    def load(cls, catalog: Path, problems: Problems) -> FontBook:
        """Read the catalog; every face's file is checked (sha256, face index, format) before it is used."""
        fname = str(catalog)
        root = load_mapping(catalog, problems, "the font catalog (faces: …)")
        faces: dict[str, Face] = {}
        if root is None:
            return cls(faces, catalog)
        faces_node = node_get(root, "faces", fname, problems, required=True)
        for key, node in mapping_items(faces_node, fname, problems):
            face_id = key.value
            given = {name: node_str(node_get(node, name, fname, problems, required=True), fname, problems)
                     for name in REQUIRED}
            index = node_int(node_get(node, "index", fname, problems), fname, problems, 0, 255) or 0
            values = {k: v for k, v in given.items() if v is not None}
            if len(values) < len(given):
                continue
            path = catalog.parent / values["file"]
            if not SAFE_FILE.fullmatch(values["file"]) or not path.is_file():
                problems.add(fname, node.start_mark, f"font file {values['file']} of face '{face_id}' not found "
                             f"in {catalog.parent} (a plain file name beside the catalog)")
                continue
            if values["format"] not in FORMATS:
                problems.add(fname, node.start_mark, f"face '{face_id}': format '{values['format']}' (expected "
                             f"one of: {', '.join(FORMATS)})")
                continue
            sha_node = node_get(node, "sha256", fname, problems)
            if sha_node is not None and (sha := node_str(sha_node, fname, problems)) is not None:
                if sha.lower() != _sha256(path):
                    problems.add(fname, sha_node.start_mark, f"{values['file']} does not match its sha256 in the "
                                 "catalog: the file changed or is damaged (line breaks would change with it)")
                    continue
            why = sfnt_problem(path, index, values["format"])
            if why is not None:
                problems.add(fname, node.start_mark, f"face '{face_id}' ({values['file']}): {why}")
                continue
            faces[face_id] = Face(face_id, values["family"], values["style"], values["role"], path, index,
                                  values["format"])
        return cls(faces, catalog)
