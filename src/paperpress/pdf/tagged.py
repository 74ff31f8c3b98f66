"""Tagged PDF for the screen and archive copies: marked content in the page streams, the structure tree
(Document → Art per article → H, P, Caption; Div → Figure, Caption per photo), artifacts for everything
else, link annotations and page labels. The reading order is the order the page model carries: an
article's paragraphs as composition set them, column after column (and across pages for jumps)."""

from __future__ import annotations

import re

import pydyf

from ..fonts import FontBook
from ..model import GlyphRun, Image, Link, Page

URL = re.compile(r"(?:https?://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'*+,;=%]+")


def outline_count(children: list[int]) -> int:
    """The outline root's /Count: every visible entry, pages and (their entries open) their articles."""
    return len(children) + sum(children)


class Tagger:
    """Opens and closes marked-content sequences as items are drawn and collects the structure."""

    def __init__(self, pdf: pydyf.PDF):
        self.pdf = pdf
        self.order: list[tuple[str, str, int]] = []  # structure element keys, first appearance
        self.mcids: dict[tuple[str, str, int], list[tuple[int, int]]] = {}  # key → [(page, mcid)]
        self.alt: dict[str, str] = {}  # figure id → alt text
        self.page = 0
        self.next_mcid = 0
        self.open: tuple[str, str, int] | str | None = None  # a key, "Artifact", or nothing
        self.per_page: list[list[tuple[str, str, int]]] = []  # page → the key of each MCID
        self.page_alt: dict[str, str] = {}  # the alt texts the current page set

    def start_page(self, index: int) -> None:
        self.page = index
        self.next_mcid = 0
        self.open = None
        self.per_page.append([])
        self.page_alt = {}  # the figures' alt texts this page set

    def page_record(self) -> tuple[tuple[tuple[str, str, int], ...], dict[str, str]]:
        """What marking the current page recorded (each MCID's key, the alt texts), to replay() where the same
        page stream is drawn again: MCIDs count from 0 on each page, so a page's stream is the same in any
        document."""
        return tuple(self.per_page[-1]), dict(self.page_alt)

    def replay(self, index: int, record: tuple[tuple[tuple[str, str, int], ...], dict[str, str]]) -> None:
        """Record a page as marking it would have (its stream made before, with page_record())."""
        self.start_page(index)
        keys, alt = record
        for mcid, key in enumerate(keys):
            if key not in self.mcids:
                self.order.append(key)
                self.mcids[key] = []
            self.mcids[key].append((index, mcid))
            self.per_page[-1].append(key)
        self.alt.update(alt)
        self.next_mcid = len(keys)

    def _close(self, ops: list[str]) -> None:
        if self.open is not None:
            ops.append("EMC")
            self.open = None

    def mark(self, item: object, ops: list[str]) -> None:
        key: tuple[str, str, int] | None = None
        if isinstance(item, GlyphRun) and item.article and item.role:
            key = (item.article, item.role, item.para)
        elif isinstance(item, Image) and item.alt:
            key = (item.figure or item.path, "Figure", 0)
            self.alt[key[0]] = self.page_alt[key[0]] = item.alt
        if key is None:
            if self.open != "Artifact":
                self._close(ops)
                ops.append("/Artifact BMC")
                self.open = "Artifact"
            return
        if self.open == key:
            return
        self._close(ops)
        tag = {"H": "H", "Caption": "Caption", "Figure": "Figure"}.get(key[1], "P")
        mcid = self.next_mcid
        self.next_mcid += 1
        ops.append(f"/{tag} <</MCID {mcid}>> BDC")
        self.open = key
        if key not in self.mcids:
            self.order.append(key)
            self.mcids[key] = []
        self.mcids[key].append((self.page, mcid))
        self.per_page[-1].append(key)

    def end_page(self, ops: list[str]) -> None:
        self._close(ops)

    def finish(self, page_objs: list, annots: list[tuple[pydyf.Dictionary, int, str]] = ()) -> None:  # type: ignore[assignment]
        pdf = self.pdf
        root = pydyf.Dictionary({"Type": "/StructTreeRoot"})
        pdf.add_object(root)
        doc = pydyf.Dictionary({"Type": "/StructElem", "S": "/Document", "P": root.reference})
        pdf.add_object(doc)
        groups: dict[str, pydyf.Dictionary] = {}
        group_kids: dict[str, list] = {}
        elems: dict[tuple[str, str, int], pydyf.Dictionary] = {}
        doc_kids = []
        for key in self.order:
            article, role, _ = key
            if article not in groups:
                is_fig = article in self.alt
                g = pydyf.Dictionary({"Type": "/StructElem", "S": "/Div" if is_fig else "/Art",
                                      "P": doc.reference})
                pdf.add_object(g)
                groups[article] = g
                group_kids[article] = []
                doc_kids.append(g.reference)
            g = groups[article]
            tag = {"H": "/H", "Caption": "/Caption", "Figure": "/Figure"}.get(role, "/P")
            first_page = self.mcids[key][0][0]
            e = pydyf.Dictionary({"Type": "/StructElem", "S": tag, "P": g.reference,
                                  "Pg": page_objs[first_page].reference})
            kids = []
            for pg, mcid in self.mcids[key]:
                if pg == first_page:
                    kids.append(mcid)
                else:
                    kids.append(pydyf.Dictionary({"Type": "/MCR", "Pg": page_objs[pg].reference, "MCID": mcid}))
            e["K"] = pydyf.Array(kids)
            if role == "Figure":
                e["Alt"] = pydyf.String(self.alt[article])
            pdf.add_object(e)
            elems[key] = e
            group_kids[article].append(e.reference)
        link_elems = []
        for n, (annot, page_index, article) in enumerate(annots):
            parent = groups.get(article, doc)
            e = pydyf.Dictionary({"Type": "/StructElem", "S": "/Link", "P": parent.reference,
                                  "K": pydyf.Array([pydyf.Dictionary({"Type": "/OBJR", "Obj": annot.reference,
                                                                      "Pg": page_objs[page_index].reference})])})
            pdf.add_object(e)
            annot["StructParent"] = len(self.per_page) + n
            link_elems.append(e)
            if article in groups:
                group_kids[article].append(e.reference)
            else:
                doc_kids.append(e.reference)
        for article, g in groups.items():
            g["K"] = pydyf.Array(group_kids[article])
        doc["K"] = pydyf.Array(doc_kids)
        nums = []
        for i, keys in enumerate(self.per_page):
            arr = pydyf.Array([elems[k].reference for k in keys])
            pdf.add_object(arr)
            nums += [i, arr.reference]
        for n, e in enumerate(link_elems):
            nums += [len(self.per_page) + n, e.reference]
        tree = pydyf.Dictionary({"Nums": pydyf.Array(nums)})
        pdf.add_object(tree)
        root["K"] = doc.reference
        root["ParentTree"] = tree.reference
        root["ParentTreeNextKey"] = len(self.per_page) + len(link_elems)
        pdf.catalog["StructTreeRoot"] = root.reference
        pdf.catalog["MarkInfo"] = pydyf.Dictionary({"Marked": "true"})


def _num(v: float) -> str:
    s = f"{v:.3f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def url_links(page: Page, fonts: FontBook) -> list[Link]:
    """Links over the URLs in an article's text; a URL broken across lines gets one area per line part."""
    runs: dict[tuple[str, str, int], list[GlyphRun]] = {}
    for item in page.items:
        if isinstance(item, GlyphRun) and item.article and not item.vertical:
            runs.setdefault((item.article, item.role, item.para), []).append(item)
    links = []
    for para in runs.values():
        text = "".join(g.text for run in para for g in run.glyphs)
        if URL.search(text) is None:
            continue  # most paragraphs: no character-by-character map needed
        seq = [(ch, run, gi) for run in para for gi, g in enumerate(run.glyphs) for ch in g.text]
        for m in URL.finditer(text):
            url = m.group(0).rstrip(".,;:!?'")
            uri = url if "://" in url else "http://" + url
            parts: dict[int, tuple[GlyphRun, int, int]] = {}
            for _, run, gi in seq[m.start():m.start() + len(url)]:
                lo, hi = parts.get(id(run), (run, gi, gi))[1:]
                parts[id(run)] = (run, min(lo, gi), max(hi, gi))
            for run, lo, hi in parts.values():
                face = fonts[run.font]
                x0 = run.x + run.glyphs[lo].x
                x1 = run.x + run.glyphs[hi].x + face.advance(run.glyphs[hi].gid) * run.size // face.upem
                links.append(Link(x0, run.y - run.size, x1 - x0, run.size * 6 // 5, uri=uri, article=run.article))
    return links


def link_annotations(pdf: pydyf.PDF, page_refs: list, fonts: FontBook) -> list[tuple[pydyf.Dictionary, int, str]]:
    """/Link annotations: the page model's Link items (jump lines) and the URLs found in the text;
    returns (annotation, page index, article) for the structure tree."""
    made = []
    by_number = {page.number: (obj, offset, height) for obj, page, offset, height in page_refs}
    for index, (obj, page, offset, height) in enumerate(page_refs):
        links = [it for it in page.items if isinstance(it, Link)] + url_links(page, fonts)
        annots = []
        for ln in links:
            rect = pydyf.Array([_num((ln.x + offset) / 1000), _num((height - (ln.y + ln.h + offset)) / 1000),
                                _num((ln.x + ln.w + offset) / 1000), _num((height - (ln.y + offset)) / 1000)])
            a = pydyf.Dictionary({"Type": "/Annot", "Subtype": "/Link", "Rect": rect, "F": 4,
                                  "Border": pydyf.Array([0, 0, 0])})
            if ln.uri:
                a["A"] = pydyf.Dictionary({"S": "/URI", "URI": pydyf.String(ln.uri)})
            elif ln.dest_page in by_number:
                target, t_off, t_h = by_number[ln.dest_page]
                a["Dest"] = pydyf.Array([target.reference, "/XYZ", 0, _num((t_h - (ln.dest_y + t_off)) / 1000), 0])
            else:
                continue
            pdf.add_object(a)
            annots.append(a.reference)
            made.append((a, index, ln.article))
        if annots:
            obj["Annots"] = pydyf.Array(annots)
    return made


def page_labels(pdf: pydyf.PDF, pages: list[Page]) -> None:
    """Page labels are the printed page numbers (第5版 is labelled 5)."""
    nums = []
    for i, page in enumerate(pages):
        nums += [i, pydyf.Dictionary({"S": "/D", "St": page.number})]
    pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": pydyf.Array(nums)})
