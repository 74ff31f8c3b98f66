"""The reading edition: the issue reflowed into one column of HTML (articles in reading order, page by
page, with a contents list linking to every page and article) and that HTML rendered to PDF by
WeasyPrint — the tool made for reflowed HTML. The HTML is well-formed XML (XHTML syntax)."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from ..fonts import FontBook

if TYPE_CHECKING:
    from ..manifest import Issue
    from ..stories import Para, Table


def _runs(para: Para) -> str:
    return "".join(f"<strong>{escape(r.text)}</strong>" if r.bold else escape(r.text) for r in para.runs)


def _table(table: Table) -> str:
    """A table paragraph as an HTML table (its header row as th)."""
    rows = []
    if table.header:
        rows.append("<tr>" + "".join(f"<th>{escape(c)}</th>" for c in table.header) + "</tr>")
    rows += ["<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in table.rows]
    return "<table>" + "".join(rows) + "</table>"


def html(issue: Issue, fonts: FontBook) -> str:
    layout = issue.pages[0].layout
    body_font = fonts[layout.style("body").font]
    head_font = fonts[layout.style("title").font]
    title = f"{issue.paper} {issue.date.isoformat()}"
    toc, sections = [], []
    for spec in issue.pages:
        pid = f"page-{spec.number}"
        toc.append(f'<li><a href="#{pid}">第{spec.number}版 {escape(spec.name)}</a><ul>')
        parts = [f'<section id="{pid}"><h2>第{spec.number}版 {escape(spec.name)}</h2>']
        for module in spec.modules:
            story = module.story
            if story is not None:
                aid = f"a-{story.id}"
                name = story.title or story.kicker or story.paragraphs[0].runs[0].text[:16]
                toc.append(f'<li><a href="#{aid}">{escape(name)}</a></li>')
                parts.append(f'<article id="{aid}">')
                if story.kicker:
                    parts.append(f'<p class="kicker">{escape(story.kicker)}</p>')
                if story.title:
                    parts.append(f"<h3>{escape(story.title)}</h3>")
                if story.subtitle:
                    parts.append(f'<p class="subtitle">{escape(story.subtitle)}</p>')
                if story.byline:
                    parts.append(f'<p class="byline">{escape(story.byline)}</p>')
                for i, para in enumerate(story.paragraphs):
                    if para.table is not None:
                        parts.append(_table(para.table))
                        continue
                    lead = f"<strong>{escape(story.label)}</strong>\u3000" if i == 0 and story.label else ""
                    parts.append(f"<p>{lead}{_runs(para)}</p>")
                parts.append("</article>")
            elif module.figure is not None:
                cap = (module.caption or "") + (f"（{module.credit}）" if module.credit else "")
                parts.append(f'<figure><img src="{module.figure.resolve().as_uri()}" alt="{escape(cap)}"/>'
                             f"<figcaption>{escape(cap)}</figcaption></figure>")
        parts.append("</section>")
        toc.append("</ul></li>")
        sections.append("\n".join(parts))
    css = f"""
@font-face {{ font-family: "pp-body"; src: url("{body_font.path.resolve().as_uri()}"); }}
@font-face {{ font-family: "pp-head"; src: url("{head_font.path.resolve().as_uri()}"); }}
@page {{ size: A5; margin: 15mm 14mm; }}
body {{ font-family: "pp-body"; font-size: 11pt; line-height: 1.75; max-width: 34em; margin: 0 auto; }}
h1, h2, h3 {{ font-family: "pp-head"; line-height: 1.4; }}
h2 {{ font-size: 14pt; border-bottom: 1pt solid #b00; }}
h3 {{ font-size: 15pt; margin: 1.2em 0 0.2em; }}
p {{ text-indent: 2em; margin: 0; text-align: justify; }}
p.kicker, p.subtitle, p.byline {{ text-indent: 0; font-family: "pp-head"; }}
p.byline {{ margin-bottom: 0.5em; }}
nav ul {{ list-style: none; padding-left: 1em; }}
figure {{ margin: 1em 0; }} img {{ max-width: 100%; }} figcaption {{ font-size: 9.5pt; }}
"""
    return (
        "<!DOCTYPE html>\n"
        '<html xmlns="http://www.w3.org/1999/xhtml" lang="zh-CN" xml:lang="zh-CN">\n'
        f'<head><meta charset="utf-8"/><title>{escape(title)}</title>'
        f'<meta name="author" content="{escape(issue.paper)}"/>'
        f'<meta name="dcterms.created" content="{issue.date.isoformat()}T00:00:00+08:00"/>'
        f'<meta name="dcterms.modified" content="{issue.date.isoformat()}T00:00:00+08:00"/>'
        '<meta name="generator" content="paperpress"/>'
        f"<style>{css}</style></head>\n<body>\n<h1>{escape(title)}</h1>\n"
        f'<nav><ul>{"".join(toc)}</ul></nav>\n' + "\n".join(sections) + "\n</body>\n</html>\n")


def import_weasyprint() -> Any:
    """WeasyPrint (the `reading` extra), or None where it is not installed. Importing it sets Pillow's
    LOAD_TRUNCATED_IMAGES for the whole process, which would let a truncated photo through the next build in
    the same process (`paperpress watch`, the tests): the flag is put back as it was."""
    from PIL import ImageFile

    saved = ImageFile.LOAD_TRUNCATED_IMAGES
    try:
        import weasyprint
    except ImportError:
        return None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = saved
    return weasyprint


def pdf(text: str) -> bytes | None:
    """The reading edition's PDF by WeasyPrint (the `reading` extra); None where it is not installed."""
    weasyprint = import_weasyprint()
    if weasyprint is None:
        return None
    # PDF/UA-1 as WeasyPrint implements it: tagged, with /Lang, MarkInfo and the pdfuaid XMP entry
    return weasyprint.HTML(string=text).write_pdf(pdf_identifier=b"paperpress-reading", pdf_variant="pdf/ua-1")
