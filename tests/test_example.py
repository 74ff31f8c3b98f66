"""The 4-page example issue (our own copy): composed with no line numbers, every column level, two jumps
read whole across pages by three extractors, the 转/接 lines linked, the front page on the front layout."""

from __future__ import annotations

import re
import subprocess

import pikepdf
import pytest

from paperpress.build import build, load, write_atomically
from tests.conftest import ROOT
from tests.levels import empty_bottom_lines
from tests.test_editions import extract, paragraphs

EXAMPLE = ROOT / "issues" / "example" / "issue.yaml"
JUMPS = {"lead": (1, 2), "millet": (3, 4)}  # article → (page it starts on, page it continues on)


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    built = build(EXAMPLE)
    out = write_atomically(built, tmp_path_factory.mktemp("example") / "out")
    issue, _ = load(EXAMPLE)
    stories = {m.story.id: m.story for spec in issue.pages for m in spec.modules if m.story is not None}
    return built, out, issue, stories


def _flat(text: str) -> str:
    return re.sub(r"[\s\u3000]+", "", text)


def test_the_manifest_pins_only_what_an_editor_would():
    text = EXAMPLE.read_text(encoding="utf-8")
    assert not re.search(r"\bline: \d", text)  # no module gives its first line
    pinned = [ln for ln in text.splitlines() if re.search(r"\blines: \d", ln)]
    # the two jumping articles (something sits beneath them), the QR code and the figures (no copy sizes them)
    allowed = ("continue:", "qr:", "credit:", "column: 4, span: 2, lines: 16")  # the last: page 3's photo
    assert len(pinned) == 5 and all(any(k in ln for k in allowed) for ln in pinned), pinned
    assert sum("continue:" in ln for ln in pinned) == 2


def test_every_page_fills_with_level_columns_and_no_hole(example):
    built, out, issue, _ = example
    assert built.misfits == []
    assert [plan.unused_cells for plan in built.plans] == [0, 0, 0, 0]
    assert empty_bottom_lines(out, issue) == []


def _read(text: str, story, start: int, dest: int | None) -> str:
    """The article's text as read from the extracted text, through its jump when it has one."""
    flat = _flat(text)
    whole = "".join(paragraphs(story))
    at = flat.index(whole[:10])
    if dest is None:
        return flat[at:at + len(whole)]
    to, back = f"（下转第{dest}版）", f"（上接第{start}版）"
    cut = flat.index(to, at)
    resume = flat.index(back, cut) + len(back)
    first = flat[at:cut]
    return first + flat[resume:resume + len(whole) - len(first)]


def test_pdftotext_reads_every_article_whole_and_in_order_with_its_jump_lines(example):
    _, out, _, stories = example
    text = subprocess.run(["pdftotext", "-raw", str(out / "print" / "example.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    lines = [ln.strip() for ln in text.splitlines()]
    for start, dest in JUMPS.values():
        assert f"（下转第{dest}版）" in lines and f"（上接第{start}版）" in lines  # each one line, never split
    for sid, story in stories.items():
        start, dest = JUMPS.get(sid, (None, None))
        assert _read(text, story, start or 0, dest) == "".join(paragraphs(story)), sid


@pytest.mark.parametrize("edition", ["screen/example.pdf", "archive/example.pdf"])
@pytest.mark.parametrize("tool", ["pdftotext", "pypdfium2", "pdfminer"])
def test_three_extractors_read_every_article_whole_and_in_order(example, edition, tool):
    _, out, _, stories = example
    text = extract(tool, out / edition)
    for sid, story in stories.items():
        start, dest = JUMPS.get(sid, (None, None))
        assert _read(text, story, start or 0, dest) == "".join(paragraphs(story)), sid


def test_outline_lists_every_article_under_its_page_and_jump_lines_link(example):
    _, out, issue, stories = example
    with pikepdf.open(out / "screen" / "example.pdf") as pdf:
        pages = list(pdf.pages)
        with pdf.open_outline() as outline:
            tops = list(outline.root)
            assert [t.title for t in tops] == [f"第{s.number}版 {s.name}" for s in issue.pages]
            for top, spec in zip(tops, issue.pages, strict=True):
                own = [m.story for m in spec.modules if m.story is not None]
                titles = [c.title for c in top.children]
                assert titles[: len(own)] == [s.title or s.kicker for s in own]
        # /Count: every visible entry (all open)
        root = pdf.Root.Outlines
        assert int(root.Count) == sum(1 + len(t.children) for t in tops)
        links = []
        for i, page in enumerate(pages):
            for a in page.obj.get("/Annots", []):
                if a.get("/Subtype") == "/Link" and "/Dest" in a:
                    links.append((i + 1, next(j + 1 for j, p in enumerate(pages) if p.obj.objgen == a.Dest[0].objgen)))
    assert sorted(links) == [(1, 2), (2, 1), (3, 4), (4, 3)]


def test_the_front_page_carries_the_masthead_and_a_decodable_barcode(example):
    import pypdfium2
    import zxingcpp

    _, out, _, _ = example
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(out / "print" / "example.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "CN 14-0000" in text and "农历" in text or "乙巳" in text
    doc = pypdfium2.PdfDocument(out / "screen" / "example.pdf")
    img = doc[0].render(scale=300 / 72).to_pil()
    doc.close()
    found = {r.text for r in zxingcpp.read_barcodes(img, ean_add_on_symbol=zxingcpp.EanAddOnSymbol.Require)}
    assert any(t.replace(" ", "") == "977100000001725" for t in found), found


def test_the_reading_edition_carries_every_article_whole_with_working_links(tmp_path):
    """The reflowed reading edition: jumps are undone (each article whole, in its page's order), a contents list
    linking to every page and article, and WeasyPrint's PDF of it with the same text and those links."""
    import xml.etree.ElementTree as ET

    from tests.test_editions import unread

    built = build(EXAMPLE, reading_pdf=True)
    issue, _ = load(EXAMPLE)
    stories = [m.story for spec in issue.pages for m in spec.modules if m.story is not None]
    html = built.files["reading/example.html"].decode("utf-8")
    root = ET.fromstring(html.split("\n", 1)[1])
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    assert unread("".join(root.find("h:body", ns).itertext()), stories) == []
    ids = {e.get("id") for e in root.iter() if e.get("id")}
    hrefs = [a.get("href") for a in root.iterfind(".//h:nav//h:a", ns)]
    assert len(hrefs) == len(issue.pages) + len(stories) and all(h[1:] in ids for h in hrefs)
    path = tmp_path / "reading.pdf"
    path.write_bytes(built.files["reading/example.pdf"])
    assert unread(extract("pdftotext", path), stories) == []
    with pikepdf.open(path) as pdf:
        links = [a for page in pdf.pages for a in page.get("/Annots", []) if a.Subtype == "/Link"]
        assert len(links) >= len(hrefs)
