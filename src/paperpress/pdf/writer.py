"""Our PDF writer on pydyf: pages of the page model → PDF bytes, shaped by an output profile."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import pathlib
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pydyf

from ..fonts import Face, FontBook
from ..manifest import OutputIntent
from ..model import BLACK, CMYK, Bookmark, GlyphRun, Image, Link, Page, Path, Rect, Rule
from ..units import mm
from .fonts import UsedFont, embed, own_codes, stable_codes
from .objects import LEVEL, flate
from .tagged import Tagger, link_annotations, outline_count, page_labels
from .xmp import packet


@dataclass(frozen=True)
class Profile:
    """One output flavour: what the PDF is for decides colour, boxes, marks, standard and navigation."""

    name: str
    color: str  # "cmyk" or "rgb"
    marks: bool  # bleed, crop and registration marks around the trim
    overprint_black: bool  # 100 K text and rules overprint (no knock-out on the other plates)
    outline: bool
    version: bytes = b"1.7"
    pdfx: str | None = None  # "PDF/X-4" or "PDF/X-1a:2001": OutputIntent, metadata, boxes
    object_streams: bool = True  # PDF 1.5 and later only
    tagged: bool = False  # structure tree, marked content, artifacts, /Lang, links, page labels
    pdfa: tuple[int, str] | None = None  # (2, "U"): PDF/A-2u with an sRGB output intent
    photo_ppi: int = 0  # >0: photos downsampled to this resolution and JPEG-compressed (the screen copy)
    # text drawn this much taller (Tm), invisibly: pdfminer's layout analysis joins a column's lines into one
    # box only where the gap between them is under half the type size, strictly; at a leading of exactly
    # 1.5 × the size (the broadsheet's 15 pt on 10 pt) the gap sits on the limit and every line falls apart
    # into its own box, interleaved with the next column's. 1.0002 is 0.002 pt on 10 pt type.
    text_scale_y: float = 1.0


PROFILES = {
    "print": Profile("print", "cmyk", marks=True, overprint_black=True, outline=False, version=b"1.6",
                     pdfx="PDF/X-4"),
    "print-x1a": Profile("print-x1a", "cmyk", marks=True, overprint_black=True, outline=False, version=b"1.3",
                         pdfx="PDF/X-1a:2001", object_streams=False),
    "screen": Profile("screen", "rgb", marks=False, overprint_black=False, outline=True, tagged=True,
                      photo_ppi=150, text_scale_y=1.0002),
    "archive": Profile("archive", "rgb", marks=False, overprint_black=False, outline=True, tagged=True,
                       pdfa=(2, "U"), text_scale_y=1.0002),
}


def print_profile(pdfx: str) -> Profile:
    return PROFILES["print-x1a" if pdfx == "PDF/X-1a:2001" else "print"]


MARK_AREA = mm(12)  # room outside the bleed for crop and registration marks
MARK_LEN = mm(8)
MARK_GAP = mm(1)  # marks start this far outside the bleed
MARK_WIDTH = 250  # 0.25 pt


@dataclass(frozen=True)
class Meta:
    title: str
    date: dt.date  # the issue's date: the documents' creation date, so builds stay reproducible
    subject: str = ""
    keywords: str = ""
    intent: OutputIntent | None = None
    creator: str = ""  # the paper (dc:creator)
    extra: tuple[tuple[str, str], ...] = ()  # our own XMP schema's properties (archive): name → text


def _pdf_date(d: dt.date) -> tuple[str, str]:
    """(PDF date string, XMP date) for midnight of the issue date, Beijing time."""
    return (f"D:{d:%Y%m%d}000000+08'00'", f"{d.isoformat()}T00:00:00+08:00")


def _uuid(digest: bytes) -> str:
    h = digest.hex()
    return f"uuid:{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def _num(v: float) -> str:
    s = f"{v:.3f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


class _Canvas:
    """Content stream writer in our coordinates (millipoints, y down from the trim's top-left)."""

    def __init__(self, profile: Profile, offset: int, height: int):
        self.p = profile
        self.o = offset
        self.h = height
        self.ops: list[str] = []
        self.fill: CMYK | None = None  # what the graphics state holds now (None: not set yet)
        self.stroke: CMYK | None = None
        self.gs: str | None = None

    def X(self, x: float) -> str:  # noqa: N802
        return _num((x + self.o) / 1000)

    def Y(self, y: float) -> str:  # noqa: N802
        return _num((self.h - (y + self.o)) / 1000)

    @contextmanager
    def saved(self) -> Iterator[None]:
        """q … Q, keeping track of what the graphics state is again afterwards."""
        state = (self.fill, self.stroke, self.gs)
        self.ops.append("q")
        yield
        self.ops.append("Q")
        self.fill, self.stroke, self.gs = state

    def color(self, c: CMYK, stroke: bool) -> None:
        """Set a colour (and the overprint state that goes with it), only where it changes."""
        if (self.stroke if stroke else self.fill) == c:
            return
        if stroke:
            self.stroke = c
        else:
            self.fill = c
        if self.p.color == "cmyk":
            op = "K" if stroke else "k"
            self.ops.append(" ".join(_num(v) for v in c) + " " + op)
        else:
            cc, m, y, k = c
            rgb = ((1 - cc) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
            self.ops.append(" ".join(_num(v) for v in rgb) + (" RG" if stroke else " rg"))
        if self.p.overprint_black:
            gs = "GSop" if c == BLACK else "GSko"
            if gs != self.gs:
                self.ops.append(f"/{gs} gs")
                self.gs = gs


_ADJUSTMENTS: dict[int, tuple[GlyphRun, tuple[str, ...]]] = {}  # id(run) → (the run, its TJ adjustments)


def _adjustments(run: GlyphRun, face: Face) -> tuple[str, ...]:
    """Each glyph's TJ adjustment to the next glyph's position ("" where none): the same in every file a run
    is drawn in (per-page, whole-issue, screen, archive), so worked out once. Keyed by the run's id, the run
    kept with it so that the id cannot be reused while the entry lives."""
    hit = _ADJUSTMENTS.get(id(run))
    if hit is not None and hit[0] is run:
        return hit[1]
    size = run.size
    glyphs = run.glyphs
    advance = face.advance
    upem = face.upem
    out = []
    for i in range(len(glyphs) - 1):
        g = glyphs[i]
        adj = (advance(g.gid) * size / upem - (glyphs[i + 1].x - g.x)) * 1000 / size
        out.append(_num(adj) if abs(adj) > 0.0005 else "")
    out.append("")
    if len(_ADJUSTMENTS) > 8192:  # more than a page's runs: a page's print and screen streams are drawn one
        _ADJUSTMENTS.clear()  # after the other, and keeping every run of a long issue costs ~100 KB a page
    adjs = _ADJUSTMENTS[id(run)] = (run, tuple(out))
    return adjs[1]


def _glyph_ops(run: GlyphRun, used: UsedFont, font_name: str, cv: _Canvas) -> None:
    """One text object: the run's glyphs by their codes, positioned with TJ adjustments; glyphs with none between
    them share one string (<AAAABBBB>, not <AAAA><BBBB>).

    A glyph that stands for other characters than its ToUnicode entry says (one glyph serving
    ⼀ U+2F00 and 一 U+4E00) is wrapped in an ActualText span, so copied text stays exact.
    """
    size = run.size
    glyphs = run.glyphs
    hexes = used.hex
    texts = used.text
    at = f"{cv.X(run.x + glyphs[0].x)} {cv.Y(run.y)}"
    sy = cv.p.text_scale_y
    out = [f"BT /{font_name} {_num(size / 1000)} Tf " + (f"{at} Td" if sy == 1 else f"1 0 0 {sy} {at} Tm")]
    parts: list[str] = []
    for g, adj in zip(glyphs, _adjustments(run, used.face), strict=True):
        shown = hexes[g.gid] + adj
        if texts[g.gid] == g.text:
            parts.append(shown)
            continue
        if parts:
            out.append(f"[{''.join(parts).replace('><', '')}] TJ")
            parts = []
        actual = g.text.encode("utf-16-be").hex().upper()
        out.append(f"/Span <</ActualText <FEFF{actual}>>> BDC [{shown}] TJ EMC")
    if parts:
        out.append(f"[{''.join(parts).replace('><', '')}] TJ")
    out.append("ET")
    cv.ops.append(" ".join(out))


def _path_ops(path: Path, cv: _Canvas) -> None:
    """Fill, then stroke, as two painting operators: each colour carries its own overprint state
    (a 100 K stroke overprints even where the fill beside it knocks out)."""
    parts = []
    for op in path.ops:
        pts = op[1:]
        coords = " ".join(f"{cv.X(x)} {cv.Y(y)}" for x, y in zip(pts[0::2], pts[1::2], strict=True))
        parts.append(f"{coords} {op[0]}" if coords else op[0])
    geometry = " ".join(parts)
    with cv.saved():
        if path.fill is not None:
            cv.color(path.fill, stroke=False)
            cv.ops.append(f"{geometry} {'f*' if path.even_odd else 'f'}")
        if path.stroke is not None and path.stroke_width > 0:
            cv.color(path.stroke, stroke=True)
            cv.ops.append(f"{_num(path.stroke_width / 1000)} w 0 J 0 j {geometry} S")


def _marks(cv: _Canvas, page: Page) -> None:
    """Crop marks at the trim corners and registration targets at the edges, outside the bleed."""
    w, h, b = page.width, page.height, page.bleed
    cv.ops.append("q /CSall CS 1 SCN /GSop gs")
    cv.ops.append(f"{_num(MARK_WIDTH / 1000)} w")
    start = b + MARK_GAP
    for x, y, sx, sy in ((0, 0, -1, -1), (w, 0, 1, -1), (0, h, -1, 1), (w, h, 1, 1)):
        cv.ops.append(f"{cv.X(x + sx * start)} {cv.Y(y)} m {cv.X(x + sx * (start + MARK_LEN))} {cv.Y(y)} l S")
        cv.ops.append(f"{cv.X(x)} {cv.Y(y + sy * start)} m {cv.X(x)} {cv.Y(y + sy * (start + MARK_LEN))} l S")
    r = mm(2.5)
    d = b + MARK_GAP + MARK_LEN // 2
    for cx, cy in ((w // 2, -d), (w // 2, h + d), (-d, h // 2), (w + d, h // 2)):
        cv.ops.append(f"{cv.X(cx - r - mm(1.5))} {cv.Y(cy)} m {cv.X(cx + r + mm(1.5))} {cv.Y(cy)} l S")
        cv.ops.append(f"{cv.X(cx)} {cv.Y(cy - r - mm(1.5))} m {cv.X(cx)} {cv.Y(cy + r + mm(1.5))} l S")
        k = 0.5523 * r
        X, Y = cv.X, cv.Y
        cv.ops.append(
            f"{X(cx + r)} {Y(cy)} m "
            f"{X(cx + r)} {Y(cy - k)} {X(cx + k)} {Y(cy - r)} {X(cx)} {Y(cy - r)} c "
            f"{X(cx - k)} {Y(cy - r)} {X(cx - r)} {Y(cy - k)} {X(cx - r)} {Y(cy)} c "
            f"{X(cx - r)} {Y(cy + k)} {X(cx - k)} {Y(cy + r)} {X(cx)} {Y(cy + r)} c "
            f"{X(cx + k)} {Y(cy + r)} {X(cx + r)} {Y(cy + k)} {X(cx + r)} {Y(cy)} c S")
    cv.ops.append("Q")


def _variant(profile: Profile) -> tuple:
    """What of a profile a page's content stream depends on: two profiles alike in these draw the same bytes."""
    return (profile.color, profile.overprint_black, profile.marks, profile.tagged, profile.text_scale_y)


def snapshot(page: Page) -> tuple:
    """What a page's stream is drawn from, held (so the objects stay the same ones) to compare by identity:
    not its links and bookmarks (the document's annotations and outline are made of them, never its streams)."""
    return (page.width, page.height, page.bleed, tuple(it for it in page.items if not isinstance(it, Link | Bookmark)),
            tuple(page.slug))


def unchanged(a: tuple, b: tuple) -> bool:
    (*fa, items_a, slug_a), (*fb, items_b, slug_b) = a, b
    return fa == fb and len(items_a) == len(items_b) and len(slug_a) == len(slug_b) and \
        all(x is y for x, y in zip(items_a, items_b, strict=True)) and \
        all(x is y for x, y in zip(slug_a, slug_b, strict=True))


@dataclass
class _Drawn:
    """A page's content stream as one drawing variant makes it, and what it was made under."""

    page: Page  # kept, so that its id cannot be reused while the entry lives
    snapshot: tuple  # snapshot(page) when drawn
    fonts: FontBook  # resource names are the faces' places in this book
    texts: dict[str, dict[int, str]]  # face → glyph → the text its ToUnicode entry gave (ActualText depends on it)
    digest: bytes  # sha-256 of the stream's text (the document id is made of these)
    data: bytes  # Flate-compressed
    tags: TagRecord | None = None  # a tagged variant's marked content, as the tagger recorded it


_PAGES: dict[tuple[int, tuple], _Drawn] = {}  # (id(page), _variant(profile)) → its stream; the newest _KEPT
# a build keeps two per page (print, screen), each shown again later in the build: room for a 256-page issue
# (the streams are a few tens of KB each, compressed); an older one is only drawn again when evicted
_KEPT = 512

TagRecord = tuple[tuple[tuple[str, str, int], ...], dict[str, str]]  # Tagger.page_record()
# what a _Drawn is without its objects: variant, texts, digest, data, tags
StreamRecord = tuple[tuple, dict[str, dict[int, str]], bytes, bytes, TagRecord | None]


def page_stream(page: Page, profile: Profile) -> StreamRecord | None:
    """The page's stream as made in this process for this profile's variant, as plain data (to hand to the
    process that forked this one: see seed_page_stream); None if none was made."""
    hit = _PAGES.get((id(page), _variant(profile)))
    if hit is None or hit.page is not page or not unchanged(hit.snapshot, snapshot(page)):
        return None
    return (_variant(profile), hit.texts, hit.digest, hit.data, hit.tags)


def seed_page_stream(page: Page, fonts: FontBook, record: StreamRecord) -> None:
    """Take a page's stream that another process made (from the page as it is now, in this book) as if made here."""
    variant, texts, digest, data, tags = record
    _remember((id(page), variant), _Drawn(page, snapshot(page), fonts, texts, digest, data, tags))


def _remember(key: tuple[int, tuple], drawn: _Drawn) -> None:
    if len(_PAGES) >= _KEPT and key not in _PAGES:
        del _PAGES[next(iter(_PAGES))]
    _PAGES[key] = drawn


def _reusable(page: Page, variant: tuple, fonts: FontBook, used: dict[str, UsedFont]) -> _Drawn | None:
    """The page's stream made before, if it is the one this document would draw: the same items, names and
    codes, and every glyph's ToUnicode text in this document the one the stream was made for."""
    hit = _PAGES.get((id(page), variant))
    if hit is None or hit.page is not page or hit.fonts is not fonts or not unchanged(hit.snapshot, snapshot(page)):
        return None
    for face, texts in hit.texts.items():
        doc = used.get(face)
        if doc is None or not texts.items() <= doc.text.items():
            return None
    return hit


def _image_name(key: tuple) -> str:
    """An image's resource name, the same in every document that draws it (a page's stream is shared)."""
    return "Im" + hashlib.sha256(repr(key).encode("utf-8")).hexdigest()[:16]


def _drawn_items(page: Page, profile: Profile) -> list:
    return page.items + page.slug if profile.marks else page.items


def _glyphs(pages: list[Page], fonts: FontBook, profile: Profile) -> dict[str, UsedFont]:
    """The glyphs these pages draw, by face (they decide the subsets), each with its first non-empty text."""
    used: dict[str, UsedFont] = {}
    for page in pages:
        for item in _drawn_items(page, profile):
            if isinstance(item, GlyphRun) and item.glyphs:
                if item.font not in used:
                    used[item.font] = UsedFont(fonts[item.font])
                seen = used[item.font].text  # UsedFont.use, inlined: every glyph of every file passes here
                for g in item.glyphs:
                    gid = g.gid
                    if gid not in seen or (not seen[gid] and g.text):
                        seen[gid] = g.text
    return used


def _places(fonts: FontBook) -> dict[str, str]:
    """A face's resource name is its place in the book, the same in every document (a page's stream is shared)."""
    return {face: f"F{i + 1}" for i, face in enumerate(fonts.faces)}


def _draw(page: Page, profile: Profile, used: dict[str, UsedFont], names: dict[str, str],
          image: Callable[[Image], str], tagger: Tagger | None, page_index: int) -> bytes:
    """A page's content stream (its text)."""
    offset = (page.bleed + MARK_AREA) if profile.marks else 0
    cv = _Canvas(profile, offset, page.height + 2 * offset)
    if profile.marks:
        _marks(cv, page)
    if tagger:
        tagger.start_page(page_index)
    for item in _drawn_items(page, profile):
        if tagger and not isinstance(item, Bookmark | Link):
            tagger.mark(item, cv.ops)
        if isinstance(item, GlyphRun):
            if item.glyphs:
                cv.color(item.color, stroke=False)
                _glyph_ops(item, used[item.font], names[item.font], cv)
        elif isinstance(item, Rule):
            with cv.saved():
                cv.color(item.color, stroke=True)
                cv.ops.append(f"{_num(item.width / 1000)} w 0 J")
                cv.ops.append(f"{cv.X(item.x1)} {cv.Y(item.y1)} m {cv.X(item.x2)} {cv.Y(item.y2)} l S")
        elif isinstance(item, Image):
            name = image(item)
            cv.ops.append(f"q {_num(item.w / 1000)} 0 0 {_num(item.h / 1000)} {cv.X(item.x)} "
                          f"{cv.Y(item.y + item.h)} cm /{name} Do Q")
        elif isinstance(item, Rect):
            with cv.saved():
                rect = f"{cv.X(item.x)} {cv.Y(item.y + item.h)} {_num(item.w / 1000)} {_num(item.h / 1000)} re"
                if item.fill is not None:
                    cv.color(item.fill, stroke=False)
                    cv.ops.append(rect + " f")
                if item.stroke is not None:
                    cv.color(item.stroke, stroke=True)
                    cv.ops.append(f"{_num(item.stroke_width / 1000)} w {rect} S")
        elif isinstance(item, Path) and item.ops:
            _path_ops(item, cv)
    if tagger:
        tagger.end_page(cv.ops)
    return "\n".join(cv.ops).encode("latin-1")


def prepare(page: Page, fonts: FontBook, profile: Profile) -> StreamRecord | None:
    """Draw a page's content stream for a profile's variant ahead of the document that will show it (the screen
    copy's, in the task that makes the page's own print file), and keep it as render() would; its record, or
    None where the page's faces have no codes of their own (name-keyed CFF)."""
    made = page_stream(page, profile)
    if made is not None:
        return made
    used = _glyphs([page], fonts, profile)
    if not all(own_codes(u) for u in used.values()):
        return None
    tagger = Tagger(pydyf.PDF()) if profile.tagged else None  # its PDF is only written to by finish()
    text = _draw(page, profile, used, _places(fonts), lambda item: _image_name((item.path, item.crop)), tagger, 0)
    text_hash, data = _compressed(text)
    _remember((id(page), _variant(profile)),
              _Drawn(page, snapshot(page), fonts, {face: u.text for face, u in used.items()}, text_hash, data,
                     tagger.page_record() if tagger else None))
    return page_stream(page, profile)


def render(pages: list[Page], fonts: FontBook, profile: Profile, meta: Meta) -> bytes:
    pdf = pydyf.PDF()
    # the glyphs drawn decide the subsets, and the subsets the codes the content streams use
    used = _glyphs(pages, fonts, profile)
    places = _places(fonts)
    names = {face: places[face] for face in used}
    images: dict[tuple, tuple[str, pydyf.Stream]] = {}
    font_refs = {names[key]: embed(pdf, u).reference for key, u in used.items()}

    def image(item: Image) -> str:
        key = (item.path, item.crop)
        if key not in images:
            from .images import embed_image  # Pillow and littleCMS load only for pages with photos

            profile_path = meta.intent.profile if meta.intent else None
            images[key] = (_image_name(key), embed_image(pdf, item, profile.color, profile_path, profile.photo_ppi))
        return images[key][0]

    variant = _variant(profile)
    # a stream is kept for reuse (the whole issue draws a page's own print file's again, the archive the screen
    # copy's) where its faces' codes do not depend on the subset; with the ToUnicode texts of this document's
    # glyphs it was made under (a superset of the page's own: reused only in a document that agrees)
    keep = all(stable_codes(u.face) for u in used.values())
    page_streams: list[tuple[Page, bytes, bytes, int, int]] = []  # page, text digest, Flate bytes, offset, height
    tagger = Tagger(pdf) if profile.tagged else None
    for page_index, page in enumerate(pages):
        offset = (page.bleed + MARK_AREA) if profile.marks else 0
        height = page.height + 2 * offset
        made = _reusable(page, variant, fonts, used)
        if made is not None and (tagger is None) != (made.tags is None):
            made = None
        if made is not None:
            for item in _drawn_items(page, profile):  # the images are embedded in the same order as drawing would
                if isinstance(item, Image):
                    image(item)
            if tagger and made.tags is not None:
                tagger.replay(page_index, made.tags)
            page_streams.append((page, made.digest, made.data, offset, height))
            continue
        text = _draw(page, profile, used, names, image, tagger, page_index)
        text_hash, data = _compressed(text)
        if keep:
            _remember((id(page), variant), _Drawn(page, snapshot(page), fonts,
                                                  {face: u.text for face, u in used.items()}, text_hash, data,
                                                  tagger.page_record() if tagger else None))
        page_streams.append((page, text_hash, data, offset, height))

    ext = {}
    if profile.overprint_black:
        ext["GSop"] = pydyf.Dictionary({"Type": "/ExtGState", "OP": "true", "op": "true", "OPM": 1})
        ext["GSko"] = pydyf.Dictionary({"Type": "/ExtGState", "OP": "false", "op": "false", "OPM": 1})
    resources = pydyf.Dictionary({"Font": pydyf.Dictionary(font_refs)})
    if images:
        resources["XObject"] = pydyf.Dictionary({n: st.reference for n, st in images.values()})
    if ext:
        resources["ExtGState"] = pydyf.Dictionary(ext)
    if profile.marks:
        tint = pydyf.Dictionary({"FunctionType": 2, "Domain": pydyf.Array([0, 1]),
                                 "C0": pydyf.Array([0, 0, 0, 0]), "C1": pydyf.Array([1, 1, 1, 1]), "N": 1})
        pdf.add_object(tint)
        resources["ColorSpace"] = pydyf.Dictionary(
            {"CSall": pydyf.Array(["/Separation", "/All", "/DeviceCMYK", tint.reference])})
    pdf.add_object(resources)

    page_refs = []
    digest = hashlib.sha256(profile.name.encode() + meta.title.encode("utf-8"))
    for index, (page, text_hash, data, offset, height) in enumerate(page_streams):
        digest.update(text_hash)
        content = pydyf.Stream([data], {"Filter": "/FlateDecode"})
        pdf.add_object(content)
        width = page.width + 2 * offset
        box = pydyf.Array([0, 0, _num(width / 1000), _num(height / 1000)])
        pdict = pydyf.Dictionary({
            "Type": "/Page", "Parent": pdf.pages.reference, "MediaBox": box,
            "Contents": content.reference, "Resources": resources.reference,
        })
        if profile.marks:
            o, b = offset, page.bleed
            pdict["TrimBox"] = pydyf.Array([_num(o / 1000), _num(o / 1000), _num((o + page.width) / 1000),
                                            _num((o + page.height) / 1000)])
            pdict["BleedBox"] = pydyf.Array([_num((o - b) / 1000), _num((o - b) / 1000),
                                             _num((o + page.width + b) / 1000), _num((o + page.height + b) / 1000)])
        if tagger:
            pdict["StructParents"] = index
            pdict["Tabs"] = "/S"
        pdf.add_page(pdict)
        page_refs.append((pdf.objects[-1], page, offset, height))
    if profile.outline:
        _outline(pdf, page_refs)
    if tagger:
        annots = link_annotations(pdf, page_refs, fonts)
        tagger.finish([ref for ref, *_ in page_refs], annots)
        page_labels(pdf, pages)
        pdf.catalog["Lang"] = pydyf.String("zh-CN")
        pdf.catalog["ViewerPreferences"] = pydyf.Dictionary({"DisplayDocTitle": "true"})
    pdf_date, xmp_date = _pdf_date(meta.date)
    producer = "paperpress (pydyf)"
    pdf.info["Title"] = pydyf.String(meta.title)
    if meta.subject:
        pdf.info["Subject"] = pydyf.String(meta.subject)
    if meta.keywords:
        pdf.info["Keywords"] = pydyf.String(meta.keywords)
    pdf.info["Creator"] = pydyf.String("paperpress")
    pdf.info["Producer"] = pydyf.String(producer)
    pdf.info["CreationDate"] = pydyf.String(pdf_date)
    pdf.info["ModDate"] = pydyf.String(pdf_date)
    if profile.pdfx:
        pdf.info["Trapped"] = "/False"
        if profile.pdfx == "PDF/X-1a:2001":
            pdf.info["GTS_PDFXVersion"] = pydyf.String("PDF/X-1:2001")
            pdf.info["GTS_PDFXConformance"] = pydyf.String("PDF/X-1a:2001")
        else:
            pdf.info["GTS_PDFXVersion"] = pydyf.String(profile.pdfx)
        if meta.intent is not None:
            _output_intent(pdf, meta.intent)
    if profile.pdfa:
        _srgb_intent(pdf)
    doc = digest.digest()
    instance = hashlib.sha256(doc + b"instance").digest()
    xmp = packet(title=meta.title, subject=meta.subject, keywords=meta.keywords, creator_tool="paperpress",
                 producer=producer, date=xmp_date, document_id=_uuid(doc), instance_id=_uuid(instance),
                 pdfx=profile.pdfx if profile.pdfx != "PDF/X-1a:2001" else None, pdfa=profile.pdfa,
                 creator=meta.creator if profile.pdfa else "", language="zh-CN" if profile.pdfa else "",
                 own=dict(meta.extra) if profile.pdfa else None)
    metadata = pydyf.Stream([xmp], {"Type": "/Metadata", "Subtype": "/XML"})
    pdf.add_object(metadata)
    pdf.catalog["Metadata"] = metadata.reference
    out = io.BytesIO()
    ident = doc[:16].hex().encode()
    pdf.write(out, version=profile.version, identifier=ident, compress=profile.object_streams)
    return out.getvalue()


_STREAMS: dict[bytes, bytes] = {}  # sha-256 of a content stream → its Flate bytes (the newest few hundred)


def _compressed(text: bytes) -> tuple[bytes, bytes]:
    """(sha-256, Flate bytes) of a page's content stream, compressed once: the screen and archive copies draw
    the same bytes."""
    key = hashlib.sha256(text).digest()
    data = _STREAMS.get(key)
    if data is None:
        data = zlib.compress(text, LEVEL)
        if len(_STREAMS) >= 512:
            del _STREAMS[next(iter(_STREAMS))]
        _STREAMS[key] = data
    return key, data


_ICC: dict[tuple[str, int, int], bytes] = {}  # a profile file (path, size, mtime) → its Flate bytes


def _icc(path: pathlib.Path) -> bytes:
    """The printing condition's profile, read and compressed once for every print file of a build."""
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key not in _ICC:
        _ICC[key] = zlib.compress(path.read_bytes(), LEVEL)
    return _ICC[key]


def _output_intent(pdf: pydyf.PDF, intent: OutputIntent) -> None:
    """GTS_PDFX output intent with the printing condition's ICC profile embedded."""
    icc = pydyf.Stream([_icc(intent.profile)], {"N": 4, "Filter": "/FlateDecode"})
    pdf.add_object(icc)
    oi = pydyf.Dictionary({
        "Type": "/OutputIntent", "S": "/GTS_PDFX",
        "OutputConditionIdentifier": pydyf.String(intent.condition),
        "RegistryName": pydyf.String(intent.registry), "Info": pydyf.String(intent.info),
        "OutputCondition": pydyf.String(intent.info), "DestOutputProfile": icc.reference,
    })
    pdf.add_object(oi)
    pdf.catalog["OutputIntents"] = pydyf.Array([oi.reference])


def _srgb_intent(pdf: pydyf.PDF) -> None:
    """GTS_PDFA1 output intent with an sRGB profile: what DeviceRGB means in the archive copy."""
    from .srgb import srgb_icc

    icc = flate(srgb_icc(), {"N": 3})
    pdf.add_object(icc)
    oi = pydyf.Dictionary({
        "Type": "/OutputIntent", "S": "/GTS_PDFA1",
        "OutputConditionIdentifier": pydyf.String("sRGB IEC61966-2.1"),
        "RegistryName": pydyf.String("http://www.color.org"), "Info": pydyf.String("sRGB IEC61966-2.1"),
        "DestOutputProfile": icc.reference,
    })
    pdf.add_object(oi)
    pdf.catalog["OutputIntents"] = pydyf.Array([oi.reference])


def _outline(pdf: pydyf.PDF, page_refs: list) -> None:
    """Bookmarks: one per page, one per article under it."""
    root = pydyf.Dictionary({"Type": "/Outlines"})
    pdf.add_object(root)
    tops = []
    for page_obj, page, offset, height in page_refs:
        children: list[pydyf.Dictionary] = []
        top = None
        for item in page.items:
            if not isinstance(item, Bookmark):
                continue
            y = _num((height - (item.y + offset)) / 1000)
            entry = pydyf.Dictionary({"Title": pydyf.String(item.title),
                                      "Dest": pydyf.Array([page_obj.reference, "/XYZ", 0, y, 0])})
            pdf.add_object(entry)
            if item.level == 0:
                top = entry
                tops.append((entry, children))
            elif top is not None:
                children.append(entry)
    _link_siblings(tops and [t for t, _ in tops], root)
    for entry, children in tops:
        if children:
            _link_siblings(children, entry)  # open: its Count is its children
    # the root counts every visible entry: the pages and, as they are open, the articles under them
    root["Count"] = outline_count([len(children) for _, children in tops])
    pdf.catalog["Outlines"] = root.reference
    pdf.catalog["PageMode"] = "/UseOutlines"


def _link_siblings(items: list, parent: pydyf.Dictionary) -> None:
    if not items:
        return
    for i, it in enumerate(items):
        it["Parent"] = parent.reference
        if i:
            it["Prev"] = items[i - 1].reference
        if i + 1 < len(items):
            it["Next"] = items[i + 1].reference
    parent["First"] = items[0].reference
    parent["Last"] = items[-1].reference
    parent["Count"] = len(items)
