"""The sample's PDFs read back with independent tools: pdffonts, pdftotext (poppler) and pikepdf."""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from pathlib import Path

import pikepdf
import pytest

from tests.conftest import SAMPLE, run_cli
from tests.seed_text import repaired_seed_paragraphs

SEED = Path(__file__).parent / "data" / "seed.txt"
MM = 72 / 25.4
RGB_OPS = {"rg", "RG"}
CMYK_OPS = {"k", "K"}


def print_pdf(out: Path) -> Path:
    (pdf,) = sorted((out / "print").glob("*.pdf"))
    return pdf


def pdftotext(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text.replace("\u3000", ""))


def test_fonts_embedded_subset_with_unicode(sample_build):
    """pdffonts: every font of both PDFs is embedded, subset and has a ToUnicode map."""
    for pdf in [print_pdf(sample_build), *sorted((sample_build / "screen").glob("*.pdf"))]:
        out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        rows = out.splitlines()[2:]
        assert len(rows) >= 4
        for row in rows:
            cols = row.split()
            emb, sub, uni = cols[-5], cols[-4], cols[-3]
            assert (emb, sub, uni) == ("yes", "yes", "yes"), row
            assert re.match(r"[A-Z]{6}\+", cols[0]), row


@pytest.mark.parametrize("kind", ["print", "screen"])
def test_text_copies_back_as_the_articles(sample_build, kind):
    """pdftotext: every block of the repaired seed (titles, bylines, paragraphs) comes back whole and in order."""
    pdf = print_pdf(sample_build) if kind == "print" else sample_build / "screen" / "2024-11-15.pdf"
    text = squash(pdftotext(pdf))
    blocks = repaired_seed_paragraphs(SEED)
    for block in blocks:
        assert squash(block) in text, block[:30]
    # and every character of the seed is there as many times as the seed has it
    need = Counter(squash("".join(blocks)))
    have = Counter(text)
    assert not need - have


def _content_ops(pdf: pikepdf.Pdf):
    for page in pdf.pages:
        for operands, op in pikepdf.parse_content_stream(page):
            yield page, operands, str(op)


def test_print_is_cmyk_only(sample_build):
    """pikepdf: the print PDF paints only with CMYK operators and a /All separation; no RGB anywhere."""
    pdf = pikepdf.open(print_pdf(sample_build))
    ops = Counter(op for _, _, op in _content_ops(pdf))
    assert ops["k"] > 0
    assert not (set(ops) & {"rg", "RG", "g", "G", "sc", "SC", "scn"})
    raw = print_pdf(sample_build).read_bytes()
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Array):
            assert "/DeviceRGB" not in repr(obj) and "/ICCBased" not in repr(obj)
    assert b"DeviceRGB" not in raw


def test_black_text_is_100k_and_overprints(sample_build):
    """Black text is 0 0 0 1 k under an ExtGState with OP/op true and OPM 1."""
    pdf = pikepdf.open(print_pdf(sample_build))
    page = pdf.pages[0]
    states = page.Resources.ExtGState
    colour, state, black_text_runs = None, None, 0
    for operands, op in pikepdf.parse_content_stream(page):
        op = str(op)
        if op == "k":
            colour = tuple(float(v) for v in operands)
        elif op == "gs":
            state = states[str(operands[0])]
        elif op == "TJ" and colour == (0, 0, 0, 1):
            assert bool(state.OP) and bool(state.op) and int(state.OPM) == 1
            black_text_runs += 1
        elif op == "TJ":
            assert colour is not None and not bool(state.op)  # coloured and reversed text knock out
    assert black_text_runs > 500


def test_print_boxes_and_bleed(sample_build):
    """MediaBox ⊇ BleedBox ⊇ TrimBox, with at least 3 mm of bleed on every side; the trim is the layout's."""
    pdf = pikepdf.open(print_pdf(sample_build))
    page = pdf.pages[0]
    media = [float(v) for v in page.MediaBox]
    bleed = [float(v) for v in page.BleedBox]
    trim = [float(v) for v in page.TrimBox]
    assert media[0] <= bleed[0] and media[1] <= bleed[1] and media[2] >= bleed[2] and media[3] >= bleed[3]
    for i in (0, 1):
        assert trim[i] - bleed[i] >= 3 * MM - 0.01
        assert bleed[i + 2] - trim[i + 2] >= 3 * MM - 0.01
    assert abs((trim[2] - trim[0]) - 370 * MM) < 0.01 and abs((trim[3] - trim[1]) - 530 * MM) < 0.01


def test_screen_is_rgb(sample_build):
    """The screen PDF paints in RGB only, has no print boxes and carries an outline of pages and articles."""
    pdf = pikepdf.open(sample_build / "screen" / "2024-11-15.pdf")
    ops = Counter(op for _, _, op in _content_ops(pdf))
    assert ops["rg"] > 0 and not (set(ops) & CMYK_OPS)
    assert "/TrimBox" not in pdf.pages[0]
    with pdf.open_outline() as outline:
        titles = [item.title for item in outline.root]
        assert titles == ["第5版 生态环境"]
        assert len(outline.root[0].children) == 8


def test_report_lists_modules_and_fit(sample_build):
    """report.json names every module with its fit; timings stay out of it (same input, same bytes)."""
    import json

    report = json.loads((sample_build / "report.json").read_text(encoding="utf-8"))
    (page,) = report["pages"]
    assert [m["article"] for m in page["modules"]] == [
        "training", "river-patrol", "damage-compensation", "air-dispatch", "xiaodian", "editors-note",
        "xinghualing", "yingze"]
    for m in page["modules"]:
        assert m["status"] == "fits"  # the planner fills the sample page, every column level
        assert m["lines_needed"] <= m["lines_available"]
    assert "timings_seconds" not in report and report["overset"] == []


def test_builds_are_byte_identical(tmp_path, sample_build):
    """Same input, same bytes: a second build gives identical PDFs."""
    proc = run_cli("build", str(SAMPLE), "-o", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    for pdf in sorted(sample_build.rglob("*.pdf")):
        again = tmp_path / "out" / "2024-11-15" / pdf.relative_to(sample_build)
        assert again.read_bytes() == pdf.read_bytes(), pdf.name


def test_qpdf_finds_no_structural_error(sample_build):
    """qpdf --check (an independent parser) reads every output PDF without a syntax or stream error."""
    for pdf in sorted(sample_build.rglob("*.pdf")):
        proc = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "No syntax or stream encoding errors found" in proc.stdout


def test_two_page_issue(project_copy, tmp_path):
    """An issue of two pages: one print PDF per page plus the whole issue, a two-page screen PDF with an
    outline entry per page, and every print file passing preflight."""
    text = project_copy.read_text(encoding="utf-8")
    pages = text[text.index("pages:") + len("pages:\n"):]
    project_copy.write_text(text + pages.replace("number: 5", "number: 6").replace("name: 生态环境", "name: 专刊"),
                            encoding="utf-8")
    proc = run_cli("build", str(project_copy), "-o", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "out" / "2024-11-15"
    assert sorted(p.name for p in (out / "print").iterdir()) == [
        "2024-11-15.pdf", "TYRB-20241115-05.pdf", "TYRB-20241115-06.pdf"]
    with pikepdf.open(out / "print" / "2024-11-15.pdf") as whole:
        assert len(whole.pages) == 2
    with pikepdf.open(out / "screen" / "2024-11-15.pdf") as screen, screen.open_outline() as outline:
        assert [item.title for item in outline.root] == ["第5版 生态环境", "第6版 专刊"]
    proc = run_cli("preflight", "--ink-limit", "240", *map(str, sorted((out / "print").iterdir())))
    assert proc.returncode == 0, proc.stdout


def test_shared_glyph_copies_as_its_own_character(project_copy, tmp_path):
    """⼀ (U+2F00) and 一 (U+4E00) share one glyph in Noto CJK: ActualText keeps each one's copy-paste text."""
    art = project_copy.parent / "articles" / "training.yaml"
    art.write_text(art.read_text(encoding="utf-8").replace("为期3天的集中培训", "为期3天的集中培训（部首⼀与数字一）"),
                   encoding="utf-8")
    proc = run_cli("build", str(project_copy), "-o", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "out" / "2024-11-15"
    for pdf in (print_pdf(out), out / "screen" / "2024-11-15.pdf"):
        assert "（部首⼀与数字一）" in squash(pdftotext(pdf))


def _book():
    from paperpress.errors import Problems
    from paperpress.fonts import FontBook

    return FontBook.load(Path(__file__).resolve().parent.parent / "fonts" / "fonts.yaml", Problems())


def _faces_by_name() -> dict[str, Path]:
    return {(f.family + "-" + f.style).replace(" ", ""): f.path for f in _book().faces.values()}


def test_glyph_codes_are_the_faces_own(sample_build):
    """fontTools on the embedded fonts: each glyph's code is its CID in the original CID-keyed CFF face (the subset
    keeps that CID in its charset) or its original glyph id in a TrueType face (the CIDToGIDMap stream takes it
    to the subset's glyph with the same outline), and ToUnicode gives the character the original cmap maps to it."""
    import contextlib
    import io

    from fontTools.cffLib import CFFFontSet
    from fontTools.ttLib import TTFont

    from paperpress.pdf.pdfa import _cmap_codes

    faces = _faces_by_name()
    kinds = set()
    with pikepdf.open(print_pdf(sample_build)) as pdf, contextlib.ExitStack() as files:
        for font in pdf.pages[0].Resources.Font.values():
            cid_font = font.DescendantFonts[0]
            original = files.enter_context(TTFont(faces[str(font.BaseFont)[8:]], lazy=True))
            cmap = original.getBestCmap()
            codes = _cmap_codes(font.ToUnicode.read_bytes())
            nominal = {c: t for c, t in codes.items() if len(t) == 1 and ord(t) in cmap}
            assert len(nominal) >= 10
            order = original.getGlyphOrder()
            for code, text in nominal.items():
                assert order[code] == cmap[ord(text)], (font.BaseFont, code, text)
            descriptor = cid_font.FontDescriptor
            if cid_font.Subtype == "/CIDFontType0":
                kinds.add("cff")
                assert "/CIDToGIDMap" not in cid_font
                cff = CFFFontSet()
                cff.decompile(io.BytesIO(descriptor.FontFile3.read_bytes()), None)
                assert cff.topDictIndex[0].ROS == ("Adobe", "Identity", 0)
                charset = set(cff.topDictIndex[0].charset)
                assert all(f"cid{code:05d}" in charset for code in codes)
            else:
                kinds.add("truetype")
                table = descriptor.FontFile2.read_bytes()
                sub = TTFont(io.BytesIO(table))
                gid_of = cid_font.CIDToGIDMap.read_bytes()
                assert len(gid_of) >= 2 * (max(codes) + 1)
                new = {c: int.from_bytes(gid_of[2 * c:2 * c + 2], "big") for c in range(len(gid_of) // 2)}
                new = {c: gid for c, gid in new.items() if gid}  # the CIDs drawn: every glyph of the subset once
                assert set(codes) <= set(new) and sorted(new.values()) == list(range(1, len(sub.getGlyphOrder())))
                glyf, sub_glyf, sub_order = original["glyf"], sub["glyf"], sub.getGlyphOrder()
                for code, gid in new.items():
                    a, b = glyf[order[code]], sub_glyf[sub_order[gid]]
                    assert a.getCoordinates(glyf)[0] == b.getCoordinates(sub_glyf)[0], (code, gid)
    assert kinds == {"cff", "truetype"}


def test_cids_read_from_the_cff_as_fonttools_reads_them(tmp_path):
    """Our CFF reader gives each glyph's CID as fontTools names it (Noto CJK: CID = glyph id), and None for a
    name-keyed CFF font (whose glyphs a PDF selects by glyph id: it keeps the new-gid codes) or bytes that are
    no CFF at all."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.t2CharStringPen import T2CharStringPen
    from fontTools.ttLib import TTFont

    from paperpress.pdf.fonts import cff_cids

    for path in sorted((Path(__file__).resolve().parent.parent / "fonts").glob("*.otf")):
        with TTFont(path, lazy=True) as font:
            data = font.reader["CFF "]
            cids = cff_cids(lambda at, size, data=data: data[at:at + size])
            order = font.getGlyphOrder()
        assert cids is not None and len(cids) == len(order)
        assert all(name == (".notdef" if cid == 0 else f"cid{cid:05d}") for cid, name in zip(cids, order, strict=True))
        assert list(cids) == list(range(len(order)))
    # and as the build reads them, from the font file in place (the table found through the sfnt directory)
    from paperpress.pdf import fonts as pdf_fonts

    for face in _book().faces.values():
        cids = pdf_fonts._face_cids(face)
        assert (cids is None) == (face.format != "cff") and pdf_fonts.stable_codes(face)
        if cids is not None:
            with TTFont(face.path, lazy=True) as font:
                assert len(cids) == len(font.getGlyphOrder()) and list(cids) == list(range(len(cids)))
    fb = FontBuilder(1000, isTTF=False)
    fb.setupGlyphOrder([".notdef", "a"])
    fb.setupCharacterMap({ord("a"): "a"})
    pen = T2CharStringPen(500, None)
    fb.setupCFF("Named", {"FullName": "Named"}, {g: pen.getCharString() for g in (".notdef", "a")}, {})
    fb.setupHorizontalMetrics({".notdef": (500, 0), "a": (500, 0)})
    fb.setupHorizontalHeader()
    fb.setupNameTable({"familyName": "Named", "styleName": "Regular"})
    fb.setupOS2()
    fb.setupPost()
    fb.save(tmp_path / "named.otf")
    with TTFont(tmp_path / "named.otf") as font:
        named = font.reader["CFF "]
    assert cff_cids(lambda at, size: named[at:at + size]) is None
    assert cff_cids(lambda at, size: b"\x01\x00\x04\x04"[at:at + size]) is None
    assert cff_cids(lambda at, size: b"") is None


def test_whole_issue_draws_each_page_with_its_own_files_stream(tmp_path, monkeypatch):
    """The 4-page example (jumps, a photo, WenKai bylines), built with one process and with two: the whole
    issue's print file shows each page with the very bytes of that page's own file's content stream (pikepdf),
    made once — every print canvas is a page's own file's, in whichever process drew it — and pdftotext reads
    the same text from it as from the pages' files; the archive draws the screen copy's streams without a
    canvas of its own; both builds give the same bytes."""
    import os

    from paperpress import build as build_module
    from paperpress.build import build, write_atomically
    from paperpress.pdf import writer

    example = SAMPLE.parent.parent / "example" / "issue.yaml"
    log = tmp_path / "canvases"

    class Counting(writer._Canvas):
        def __init__(self, profile, offset, height):
            with log.open("a") as f:  # appended by each process that draws (forked workers too)
                f.write(f"{os.getpid()} {profile.name}\n")
            super().__init__(profile, offset, height)

    def render(pages, fonts, profile, meta):
        with log.open("a") as f:
            f.write(f"{os.getpid()} {profile.name}-file-of-{len(pages)}\n")
        return writer.render(pages, fonts, profile, meta)

    monkeypatch.setattr(writer, "_Canvas", Counting)
    monkeypatch.setattr(build_module, "render", render)
    outs = {}
    for jobs in (1, 2):
        writer._PAGES.clear()
        log.write_text("")
        out = write_atomically(build(example, jobs=jobs, use_cache=False), tmp_path / f"j{jobs}")
        drawn = [line.split()[1] for line in log.read_text().splitlines()]
        assert drawn.count("print-file-of-4") == 1
        # each page's print stream drawn once, for its own file (made ahead or not: pointing a jump line's link
        # at its other part after layout changes neither the file nor the stream); the whole issue draws none
        assert drawn.count("print") == drawn.count("print-file-of-1") == 4, drawn
        # the screen streams drawn once too (beside the print files or by the screen copy); the archive draws
        # the screen copy's, its marked content replayed into its structure tree
        assert drawn.count("screen") == 4 and drawn.count("archive") == 0, drawn
        outs[jobs] = {p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*.pdf"))}
    assert outs[1] == outs[2]
    prints = sorted((out / "print").glob("JZCB-*.pdf"))
    with pikepdf.open(out / "print" / "example.pdf") as whole:
        assert len(whole.pages) == len(prints) == 4
        for page, own in zip(whole.pages, prints, strict=True):
            with pikepdf.open(own) as single:
                assert page.Contents.read_raw_bytes() == single.pages[0].Contents.read_raw_bytes(), own.name
    with pikepdf.open(out / "screen" / "example.pdf") as screen, pikepdf.open(out / "archive" / "example.pdf") as arch:
        assert [p.Contents.read_raw_bytes() for p in screen.pages] == [p.Contents.read_raw_bytes() for p in arch.pages]
        assert len(arch.Root.StructTreeRoot.ParentTree.Nums) == len(screen.Root.StructTreeRoot.ParentTree.Nums)
    text = pdftotext(out / "print" / "example.pdf")
    assert squash(text) == squash("".join(pdftotext(p) for p in prints)) and len(squash(text)) > 2000


def test_a_pages_stream_is_drawn_again_only_where_its_text_holds(monkeypatch):
    """One glyph serves ⼀ (U+2F00) and 一 (U+4E00): a page that draws it as ⼀ has, in its own file, ToUnicode ⼀
    and no ActualText; in a document whose ToUnicode says 一 (an earlier page drew it so) the page needs an
    ActualText span, so its own file's stream is not reused there — the document comes out as if nothing had
    been kept, and where the texts agree the stream is reused (the same bytes, no canvas drawn)."""
    import datetime as dt
    import io

    from paperpress.build import load
    from paperpress.model import Glyph, GlyphRun, Page
    from paperpress.pdf import writer

    _, fonts = load(SAMPLE)
    face = fonts["serif-regular"]
    gid, _ = face.glyph("一")
    assert face.glyph("⼀")[0] == gid

    def page(number: int, text: str) -> Page:
        run = GlyphRun("serif-regular", 10_000, 20_000, 30_000, (Glyph(gid, 0, text), Glyph(gid, 10_000, text)))
        return Page(number, f"p{number}", 200_000, 300_000, 3_000, items=[run])

    profile, meta = writer.PROFILES["print"], writer.Meta("t", dt.date(2024, 11, 15))
    first, radical, again = page(1, "一"), page(2, "⼀"), page(3, "一")
    writer._PAGES.clear()
    fresh = writer.render([first, radical, again], fonts, profile, meta)
    for p in (first, radical, again):
        writer.render([p], fonts, profile, meta)  # each page's own file: its stream kept
    assert writer.page_stream(radical, profile) is not None
    drawn = []
    original = writer._Canvas.__init__

    def counting(self, *args):
        drawn.append(1)
        original(self, *args)

    monkeypatch.setattr(writer._Canvas, "__init__", counting)
    assert writer.render([first, radical, again], fonts, profile, meta) == fresh
    assert len(drawn) == 1  # page 2 drawn again (its span), pages 1 and 3 reused
    with pikepdf.open(io.BytesIO(fresh)) as pdf:
        assert b"ActualText" not in pdf.pages[0].Contents.read_bytes()
        assert b"ActualText" in pdf.pages[1].Contents.read_bytes()


def test_each_pages_streams_are_drawn_once_per_build(tmp_path, monkeypatch):
    """A 4-page issue without jumps, with two processes: each page's print stream is drawn once (for its own file;
    the whole issue draws none) and its screen stream once (ahead, beside its print file, or else by the screen
    copy; the archive draws none), whichever process draws it; the same bytes as with one process."""
    import os

    from paperpress import build as build_module
    from paperpress.build import build, write_atomically
    from paperpress.pdf import writer
    from tests.test_speed import _peer

    peer = _peer()
    paragraphs, titles = peer.content(4)
    (tmp_path / "project").mkdir()
    issue = peer.write_project(tmp_path / "project", peer.split(paragraphs[: len(paragraphs) // 2], 4), titles)
    log = tmp_path / "canvases"
    where = ["ahead"]

    class Counting(writer._Canvas):
        def __init__(self, profile, offset, height):
            with log.open("a") as f:
                f.write(f"{os.getpid()} {profile.name}:{where[0]}\n")
            super().__init__(profile, offset, height)

    def render(pages, fonts, profile, meta):
        where[0] = f"file-of-{len(pages)}"
        try:
            return writer.render(pages, fonts, profile, meta)
        finally:
            where[0] = "ahead"

    monkeypatch.setattr(writer, "_Canvas", Counting)
    monkeypatch.setattr(build_module, "render", render)
    outs = []
    for jobs in (2, 1):
        writer._PAGES.clear()
        log.write_text("")
        out = write_atomically(build(issue, jobs=jobs, use_cache=False), tmp_path / f"j{jobs}")
        outs.append({p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*.pdf"))})
        drawn = [line.split()[1] for line in log.read_text().splitlines()]
        assert drawn.count("print:file-of-1") == 4 and drawn.count("print:file-of-4") == 0, drawn
        assert drawn.count("screen:ahead") + drawn.count("screen:file-of-4") == 4, drawn
        assert not [d for d in drawn if d.startswith("archive")], drawn
        if jobs == 2:
            assert drawn.count("screen:ahead") >= 1, drawn  # made beside the print files, on the spare core
    assert outs[0] == outs[1] and len(outs[0]) == 7
