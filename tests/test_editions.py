"""The screen and archive editions: reading order for three extractors and in the structure tree, outline
and its counts, page labels, links, screen photos, the archive's PDF/A-2 checks, metadata and sidecar."""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess

import pikepdf
import pytest

from paperpress.pdf.pdfa import _cmap_codes, check, check_tagged
from tests.conftest import SAMPLE, run_cli

EDITIONS = ["screen/2024-11-15.pdf", "archive/2024-11-15.pdf"]


def squash(text: str) -> str:
    return re.sub(r"[\s\u3000]+", "", text)


@pytest.fixture(scope="module")
def stories():
    from paperpress.build import load

    issue, _ = load(SAMPLE)
    return [m.story for spec in issue.pages for m in spec.modules if m.story is not None]


def paragraphs(story) -> list[str]:  # type: ignore[no-untyped-def]
    """An article's paragraphs as set: the run-in label (本报讯, 编者按) opens the first."""
    label = story.dateline if story.kind != "editors-note" else "编者按"
    out = [squash("".join(r.text for r in p.runs)) for p in story.paragraphs]
    if label:
        out[0] = squash(label) + out[0]
    return out


def extract(tool: str, path) -> str:  # type: ignore[no-untyped-def]
    if tool == "pdftotext":
        return subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
    if tool == "pdfminer":
        from pdfminer.high_level import extract_text

        return extract_text(str(path))  # default LAParams: its own layout analysis
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
        # pdfium marks a hyphen that ends a line as possibly soft (U+FFFE) and leaves the choice to its
        # reader: in our copy a line-end hyphen is the source's own (a break after it, ASEAN-China)
        return text.replace("\ufffe", "-")
    finally:
        doc.close()


def unread(text: str, stories) -> list[str]:  # type: ignore[no-untyped-def]
    """Paragraphs not found whole, or found out of their article's order."""
    flat = squash(text)
    missing = []
    for story in stories:
        pos = 0
        for i, para in enumerate(paragraphs(story)):
            at = flat.find(para, pos)
            if at < 0:
                missing.append(f"{story.id} ¶{i + 1}")
            else:
                pos = at + len(para)
    return missing


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("tool", [
"pdftotext", "pypdfium2", "pdfminer"])
def test_extractors_read_every_paragraph_whole_and_in_order(sample_build, stories, edition, tool):
    assert unread(extract(tool, sample_build / edition), stories) == []


def _structure_text(pdf: pikepdf.Pdf) -> list[tuple[str, list[tuple[str, str]]]]:
    """The structure tree read back: [(Art or Div, [(tag, text of its marked content)])], in tree order.
    Text comes from the page streams' marked content by MCID, through the fonts' ToUnicode (or ActualText)."""
    by_mcid: dict[tuple[int, int], str] = {}
    for n, page in enumerate(pdf.pages):
        cmaps = {str(k): _cmap_codes(f.ToUnicode.read_bytes()) for k, f in page.Resources.Font.items()}
        stack: list[int | None] = []
        actual: list[str | None] = []
        font = None
        for operands, op in pikepdf.parse_content_stream(page):
            o = str(op)
            if o == "BDC":
                props = operands[1]
                if isinstance(props, pikepdf.Dictionary) and "/MCID" in props:
                    stack.append(int(props.MCID))
                    actual.append(None)
                else:
                    stack.append(stack[-1] if stack else None)
                    actual.append(str(props.ActualText) if "/ActualText" in props else None)
                    if actual[-1] is not None and stack[-1] is not None:
                        by_mcid[(n, stack[-1])] = by_mcid.get((n, stack[-1]), "") + actual[-1]
            elif o == "BMC":
                stack.append(None)
                actual.append(None)
            elif o == "EMC":
                stack.pop()
                actual.pop()
            elif o == "Tf":
                font = str(operands[0])
            elif o == "TJ" and stack and stack[-1] is not None and not (actual and actual[-1]):
                for s in operands[0]:
                    if isinstance(s, pikepdf.String):
                        b = bytes(s)
                        by_mcid[(n, stack[-1])] = by_mcid.get((n, stack[-1]), "") + "".join(
                            cmaps[font].get(int.from_bytes(b[i:i + 2], "big"), "") for i in range(0, len(b), 2))
    pages = {p.objgen: i for i, p in enumerate(pdf.pages)}
    out = []
    doc = pdf.Root.StructTreeRoot.K
    assert doc.S == "/Document"
    for group in doc.K:
        kids = []
        for elem in group.K:
            text = ""
            for k in elem.K:
                if isinstance(k, int):
                    text += by_mcid.get((pages[elem.Pg.objgen], k), "")
                elif "/MCID" in k:  # a marked-content reference on another page (an OBJR is a link: no text)
                    text += by_mcid.get((pages[k.Pg.objgen], int(k.MCID)), "")
            kids.append((str(elem.S), squash(text)))
        out.append((str(group.S), kids))
    return out


@pytest.mark.parametrize("edition", EDITIONS)
def test_structure_tree_gives_each_article_in_reading_order(sample_build, stories, edition):
    """Document → one Art per article, its headlines as H and every paragraph as one P, in order: the
    marked content each element points to is exactly the article's text."""
    with pikepdf.open(sample_build / edition) as pdf:
        tree = _structure_text(pdf)
        assert pdf.Root.MarkInfo.Marked is True
        assert check_tagged(pdf) == []
    assert len(tree) == len(stories)
    for (group, kids), story in zip(tree, stories, strict=True):
        assert group == "/Art"
        heads = [squash(t) for t in (story.kicker, story.title, story.subtitle) if t]
        byline = [squash(story.byline)] if story.byline else []
        assert [t for tag, t in kids if tag == "/H"] == heads, story.id
        ps = [t for tag, t in kids if tag == "/P"]
        assert ps == byline + paragraphs(story), story.id


def test_everything_else_is_an_artifact(sample_build):
    """The folio and rules are marked as artifacts: no text or drawing outside a marked-content sequence."""
    with pikepdf.open(sample_build / EDITIONS[0]) as pdf:
        depth = 0
        for _, op in pikepdf.parse_content_stream(pdf.pages[0]):
            o = str(op)
            depth += {"BDC": 1, "BMC": 1, "EMC": -1}.get(o, 0)
            if o in ("TJ", "Tj", "S", "f", "Do"):
                assert depth > 0, o
        assert depth == 0


def test_outline_counts_and_destinations(sample_build, sample_built):
    """Every page and every article under it; the root counts all visible entries, each open page its
    articles; each article's destination is its page at its top, just above its first line of text."""
    (page,) = sample_built.pages
    with pikepdf.open(sample_build / EDITIONS[0]) as pdf:
        root = pdf.Root.Outlines
        top = root.First
        assert str(top.Title) == "第5版 生态环境"
        kids = []
        k = top.First
        while True:
            kids.append(k)
            if "/Next" not in k:
                break
            k = k.Next
        assert int(top.Count) == len(kids) == len(sample_built.fits) == 8
        assert int(root.Count) == 1 + 8
        height = float(pdf.pages[0].MediaBox[3])
        for entry, fit in zip(kids, sample_built.fits, strict=True):
            dest = entry.Dest
            assert dest[0].objgen == pdf.pages[0].objgen
            y = height - float(dest[3])  # back to the page model's y down from the top, in pt
            first = min(it.y for it in page.items if getattr(it, "article", "") == fit.article) / 1000
            assert 0 < first - y < 60, (fit.article, y, first)


def _two_pages(project_copy):  # type: ignore[no-untyped-def]
    text = project_copy.read_text(encoding="utf-8")
    pages = text[text.index("pages:") + len("pages:\n"):]
    project_copy.write_text(text + pages.replace("number: 5", "number: 6").replace("name: 生态环境", "name: 专刊"),
                            encoding="utf-8")
    return project_copy


def test_page_labels_are_the_printed_numbers_and_outline_counts_two_pages(project_copy, tmp_path):
    proc = run_cli("build", str(_two_pages(project_copy)), "-o", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    import pypdfium2 as pdfium

    for edition in EDITIONS:
        doc = pdfium.PdfDocument(str(tmp_path / "out" / "2024-11-15" / edition))
        assert [doc.get_page_label(i) for i in range(len(doc))] == ["5", "6"]
        doc.close()
        with pikepdf.open(tmp_path / "out" / "2024-11-15" / edition) as pdf:
            assert int(pdf.Root.Outlines.Count) == 2 + 16
            assert str(pdf.Root.Lang) == "zh-CN" and pdf.Root.ViewerPreferences.DisplayDocTitle is True


def test_urls_in_the_text_are_links(project_copy, tmp_path):
    """A URL in a paragraph gets a URI link whose area covers exactly the URL's text (read back by pdfium)."""
    art = project_copy.parent / "articles" / "air-dispatch.yaml"
    text = art.read_text(encoding="utf-8")
    art.write_text(text.replace("paragraphs:\n  - ", "paragraphs:\n  - 详见https://sthjj.taiyuan.gov.cn/ 。", 1),
                   encoding="utf-8")
    proc = run_cli("build", str(project_copy), "-o", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    import pypdfium2 as pdfium

    for edition in EDITIONS:
        path = tmp_path / "out" / "2024-11-15" / edition
        with pikepdf.open(path) as pdf:
            annots = [a for a in pdf.pages[0].get("/Annots", []) if a.Subtype == "/Link"]
            assert annots and all(str(a.A.URI) == "https://sthjj.taiyuan.gov.cn/" for a in annots)
            rects = [[float(v) for v in a.Rect] for a in annots]
            # tagged: each link is a /Link element under the article's Art, found again through the ParentTree
            nums = pdf.Root.StructTreeRoot.ParentTree.Nums
            parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
            for a in annots:
                elem = parents[int(a.StructParent)]
                assert elem.S == "/Link" and elem.K[0].Obj.objgen == a.objgen
                assert elem.P.S == "/Art" and any(k.get("/S") == "/H" for k in elem.P.K)
        doc = pdfium.PdfDocument(str(path))
        tp = doc[0].get_textpage()
        covered = "".join(tp.get_text_bounded(left=r[0], bottom=r[1], right=r[2], top=r[3]) for r in rects)
        assert squash(covered) == "https://sthjj.taiyuan.gov.cn/"
        doc.close()
    assert check((tmp_path / "out" / "2024-11-15" / EDITIONS[1]).read_bytes()) == []


def test_screen_photos_are_150ppi_jpeg_print_untouched(project_copy, tmp_path):
    from tests.test_print import _with_photo

    issue = _with_photo(project_copy, (2400, 1800))
    proc = run_cli("build", str(issue), "-o", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "out" / "2024-11-15"
    with pikepdf.open(out / "screen" / "2024-11-15.pdf") as pdf:
        (image,) = [v for v in pdf.pages[0].Resources.XObject.values() if v.Subtype == "/Image"]
        assert str(image.Filter) == "/DCTDecode"
        width_in = None
        for operands, op in pikepdf.parse_content_stream(pdf.pages[0]):
            if str(op) == "cm":
                width_in = float(operands[0]) / 72
        assert width_in and abs(int(image.Width) / width_in - 150) < 2
        # the figure is tagged with its caption as alt text
        alts = []

        def walk(e):  # type: ignore[no-untyped-def]
            for k in e.get("/K", []) if isinstance(e.get("/K"), pikepdf.Array) else []:
                if isinstance(k, pikepdf.Dictionary) and "/S" in k:
                    if k.S == "/Figure":
                        alts.append(str(k.Alt))
                    walk(k)
        walk(pdf.Root.StructTreeRoot.K)
        assert alts == ["环保小卫士巡河（本报记者\u3000摄）"]  # a credit's name space: the ideographic space
    with pikepdf.open(out / "print" / "TYRB-20241115-05.pdf") as pdf:
        (image,) = [v for v in pdf.pages[0].Resources.XObject.values() if v.Subtype == "/Image"]
        assert int(image.Width) > 1000 and str(image.Filter) == "/FlateDecode"
    assert check((out / "archive" / "2024-11-15.pdf").read_bytes()) == []


SCREEN_BUDGET = 300_000  # bytes for the one-page sample: the fonts' subsets are most of it


def test_screen_size_budget(sample_build):
    assert (sample_build / EDITIONS[0]).stat().st_size < SCREEN_BUDGET


def test_archive_passes_our_pdfa2_checks_and_says_what_it_is(sample_build, stories):
    data = (sample_build / EDITIONS[1]).read_bytes()
    assert check(data, "U") == []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        xmp = pdf.Root.Metadata.read_bytes().decode("utf-8")
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "U"
            assert meta["dc:creator"] == ["太原日报"]
            assert meta["dc:language"] == {"zh-CN"}
        for title in (s.title for s in stories if s.title):
            assert title in xmp
        assert "<pp:paper>太原日报</pp:paper>" in xmp and "<pp:pages>5</pp:pages>" in xmp
        assert "<pp:number>第25000期</pp:number>" in xmp
        assert "<pdfaSchema:prefix>pp</pdfaSchema:prefix>" in xmp
    # the checks do catch what they check: the print PDF (CMYK, no PDF/A identification) fails them
    assert check((sample_build / "print" / "TYRB-20241115-05.pdf").read_bytes())


def test_archive_json_lists_outputs_with_checksums(sample_build, stories):
    doc = json.loads((sample_build / "archive.json").read_text(encoding="utf-8"))
    assert doc["pages"] == [{"number": 5, "name": "生态环境"}]
    assert [a["id"] for a in doc["articles"]] == [s.id for s in stories]
    assert all(a["page"] == 5 for a in doc["articles"])
    files = sorted(str(p.relative_to(sample_build)) for p in sample_build.rglob("*")
                   if p.is_file() and p.name not in ("report.json", "report.html", "archive.json"))
    assert sorted(doc["outputs"]) == files
    for name, entry in doc["outputs"].items():
        assert entry["sha256"] == hashlib.sha256((sample_build / name).read_bytes()).hexdigest()


def test_archive_and_sidecar_rebuild_identically(tmp_path, sample_build):
    proc = run_cli("build", str(SAMPLE), "-o", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    for rel in ("archive/2024-11-15.pdf", "archive.json", "screen/2024-11-15.pdf"):
        assert (tmp_path / "out" / "2024-11-15" / rel).read_bytes() == (sample_build / rel).read_bytes(), rel


def test_link_items_jump_to_their_page_and_position(sample_built):
    """A page model Link to another page (what a jump line 下转第6版 carries) becomes a GoTo to that page
    at that height; the URI form becomes a URI action; both are printable link annotations."""
    import copy

    from paperpress.model import Link
    from paperpress.pdf.writer import PROFILES, Meta, render

    p5 = copy.deepcopy(sample_built.pages[0])
    p6 = copy.deepcopy(p5)
    p6.number = 6
    p5.items.append(Link(100_000, 200_000, 50_000, 10_000, dest_page=6, dest_y=300_000))
    p6.items.append(Link(100_000, 400_000, 50_000, 10_000, dest_page=5, dest_y=200_000))
    p6.items.append(Link(0, 0, 10_000, 10_000, uri="https://example.org/"))
    data = render([p5, p6], _fonts(), PROFILES["screen"], Meta("t", sample_built.issue.date))
    with pikepdf.open(io.BytesIO(data)) as pdf:
        h = float(pdf.pages[0].MediaBox[3])
        (a5,) = [a for a in pdf.pages[0].Annots if "/Dest" in a]
        assert a5.Dest[0].objgen == pdf.pages[1].objgen and abs(float(a5.Dest[3]) - (h - 300)) < 0.01
        assert [float(v) for v in a5.Rect] == [100, h - 210, 150, h - 200]
        back = [a for a in pdf.pages[1].Annots if "/Dest" in a]
        assert back[0].Dest[0].objgen == pdf.pages[0].objgen and abs(float(back[0].Dest[3]) - (h - 200)) < 0.01
        uri = [a for a in pdf.pages[1].Annots if "/A" in a]
        assert str(uri[0].A.URI) == "https://example.org/"
        assert all(int(a.F) == 4 for page in pdf.pages for a in page.Annots)


def _fonts():  # type: ignore[no-untyped-def]
    from paperpress.build import load

    return load(SAMPLE)[1]


def test_reading_edition_html_and_pdf_carry_every_article_in_order(sample_build, stories, tmp_path):
    """reading/<id>.html is well-formed XHTML with every article's paragraphs in order and a contents list
    linking to every page and article; WeasyPrint's PDF of it (build --reading-pdf) has the same text in order
    and those links."""
    import xml.etree.ElementTree as ET

    from tests.conftest import run_cli

    assert not (sample_build / "reading" / "2024-11-15.pdf").exists()  # WeasyPrint's second or two: asked for
    proc = run_cli("build", str(SAMPLE), "-o", str(tmp_path / "out"), "--reading-pdf")
    assert proc.returncode == 0, proc.stderr

    html = (sample_build / "reading" / "2024-11-15.html").read_text(encoding="utf-8")
    root = ET.fromstring(html.split("\n", 1)[1])  # after the doctype
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    assert unread("".join(root.find("h:body", ns).itertext()), stories) == []
    ids = {e.get("id") for e in root.iter() if e.get("id")}
    hrefs = [a.get("href") for a in root.iterfind(".//h:nav//h:a", ns)]
    assert len(hrefs) == 1 + len(stories) and all(h[1:] in ids for h in hrefs)
    path = tmp_path / "out" / "2024-11-15" / "reading" / "2024-11-15.pdf"
    assert unread(extract("pdftotext", path), stories) == []
    with pikepdf.open(path) as pdf:
        links = [a for page in pdf.pages for a in page.get("/Annots", []) if a.Subtype == "/Link"]
        assert len(links) >= len(hrefs)
        assert all("/Dest" in a or ("/A" in a and a.A.S == "/GoTo") for a in links)
        assert "/StructTreeRoot" in pdf.Root and str(pdf.Root.Lang) == "zh-CN"
        assert b"pdfuaid:part" in pdf.Root.Metadata.read_bytes()  # WeasyPrint's PDF/UA-1 variant


@pytest.mark.parametrize("tool", ["pdftotext", "pypdfium2", "pdfminer"])
def test_extractors_read_the_stress_issue_whole_and_in_order(tool, tmp_path):
    """The stress issue (four articles side by side in two rows, messy newsroom text) reads whole too."""
    from paperpress.build import Project, build, load
    from tests.conftest import ROOT

    issue_path = ROOT / "tests" / "data" / "stress" / "issue.yaml"
    built = build(issue_path, Project(ROOT))
    issue, _ = load(issue_path, Project(ROOT))
    stress = [m.story for spec in issue.pages for m in spec.modules if m.story is not None]
    for edition in ("screen/2024-11-18.pdf", "archive/2024-11-18.pdf"):
        path = tmp_path / edition.replace("/", "-")
        path.write_bytes(built.files[edition])
        assert unread(extract(tool, path), stress) == [], edition
