"""report.html: the build's report for people — per page a thumbnail of the modules, a fit bar per article,
every finding with its source location and the preflight verdict. One self-contained file (no scripts, fonts
or images fetched from anywhere), and the same bytes for the same input (no timings, relative locations)."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

STATUS_COLOUR = {"fits": "#2e7d32", "short": "#f9a825", "overset": "#c62828"}

CSS = """
body{font-family:sans-serif;margin:1.5em;color:#222;max-width:70em}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ccc}
.page{display:flex;gap:1.5em;align-items:flex-start}
.thumb{flex:none;border:1px solid #999;background:#fff}
table{border-collapse:collapse;font-size:.9em}
td,th{padding:.2em .6em;text-align:left;vertical-align:top;border-bottom:1px solid #eee}
.bar{width:12em;height:.9em;background:#eee;position:relative;border:1px solid #bbb}
.bar span{display:block;height:100%}
.fits{color:#2e7d32}.short{color:#a07000}.overset,.error{color:#c62828;font-weight:bold}
.warning{color:#a07000}.info{color:#666}
.verdict{font-size:1.1em;font-weight:bold}
code{font-size:.95em}
"""


def _thumbnail(spec: Any, page: Any, fits: dict[str, dict], height: int = 260, modules: Any = None) -> str:
    """An SVG of the trim with each module's rectangle, coloured by how its article fits; modules: the plan's
    final ones (a module the manifest stacks or sizes itself has no line or lines until it is planned)."""
    scale = height / page.height
    width = round(page.width * scale)
    layout = spec.layout
    out = [f'<svg class="thumb" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img" aria-label="第{page.number}版">',
           f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fff"/>',
           f'<rect x="{layout.margin_left * scale:.1f}" y="{layout.margin_top * scale:.1f}" '
           f'width="{layout.area_w * scale:.1f}" height="{layout.header_h * scale:.1f}" fill="#ddd"/>']
    for m in modules if modules is not None else spec.modules:
        x = layout.column_x(m.column)
        w = layout.column_x(m.column + m.span - 1) + layout.col_w - x
        y = layout.grid_top + (m.line - 1) * layout.pitch
        h = m.lines * layout.pitch
        fit = fits.get(m.story.id) if m.story else None
        colour = STATUS_COLOUR[fit["status"]] if fit else "#9e9e9e"
        label = m.name
        out.append(f'<rect x="{x * scale:.1f}" y="{y * scale:.1f}" width="{w * scale:.1f}" height="{h * scale:.1f}" '
                   f'fill="{colour}" fill-opacity="0.35" stroke="{colour}" stroke-width="1">'
                   f'<title>{escape(label)}{" — " + fit["status"] if fit else ""}</title></rect>')
    out.append("</svg>")
    return "".join(out)


def _bar(fit: dict) -> str:
    avail, need = max(fit["lines_available"], 1), fit["lines_needed"]
    share = min(need / avail, 1.0)
    colour = STATUS_COLOUR[fit["status"]]
    return (f'<div class="bar" title="{need} of {fit["lines_available"]} lines">'
            f'<span style="width:{share * 100:.1f}%;background:{colour}"></span></div>')


def _fit_text(fit: dict) -> str:
    if fit["status"] == "short":
        return f'short by {fit["short_by_lines"]} line(s) (≈{fit["short_by_chars"]} characters)'
    if fit["status"] == "overset":
        return f'overset by {fit["overset_lines"]} line(s) (≈{fit["overset_chars"]} characters)'
    return "fits"


def render(built: Any, data: dict) -> bytes:
    """The HTML report of a build; data is the report.json content (report(built)), so the two agree."""
    issue = built.issue
    title = f'{data["paper"]} {data["date"]}' + (f' {data["number"]}' if data.get("number") else "")
    pf = data["preflight"]
    verdict = "passed" if pf["passed"] else ("not run: copy does not fit" if data["overset"] else "FAILED")
    out = ["<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">',
           f"<title>{escape(title)} — paperpress report</title><style>{CSS}</style></head><body>",
           f"<h1>{escape(title)}</h1>",
           f'<p class="verdict {"fits" if pf["passed"] else "error"}">print preflight: {escape(verdict)}</p>']
    if data["overset"]:
        out.append('<h2>Does not fit</h2><ul>' + "".join(f'<li class="overset"><code>{escape(p)}</code></li>'
                                                          for p in data["overset"]) + "</ul>")
    for spec, page, pdata in zip(issue.pages, built.pages, data["pages"], strict=True):
        fits = {m["article"]: m for m in pdata["modules"]}
        plan = next((p for p in built.plans if p.page == page.number), None)
        planned = [p.module for p in plan.placed] if plan is not None else None
        out.append(f'<h2 id="page-{page.number}">第{page.number}版 {escape(page.name)} '
                   f'<small>({escape(pdata["layout"])}, <code>{escape(pdata["file"])}</code>)</small></h2>')
        out.append(f'<div class="page">{_thumbnail(spec, page, fits, modules=planned)}<table class="fit">'
                   "<tr><th>article</th><th>module</th><th>fit</th><th>lines</th><th></th></tr>")
        for m in pdata["modules"]:
            out.append(f'<tr><td>{escape(m["article"])}</td><td>{escape(m["module"])}</td><td>{_bar(m)}</td>'
                       f'<td>{m["lines_needed"]} / {m["lines_available"]}</td>'
                       f'<td class="{m["status"]}">{escape(_fit_text(m))}</td></tr>')
        for head in pdata["column_heads"]:
            if head:
                out.append(f'<tr><td colspan="5" class="info">column head: {escape(head)}</td></tr>')
        out.append("</table></div>")
    rows = [(f["severity"], f["where"], "", f["message"]) for f in data["findings"]]
    rows += [(t["severity"], t["where"], t["rule"], f'{t["article"]}: {t["message"]}') for t in data["typography"]]
    order = {"error": 0, "warning": 1, "info": 2}
    rows.sort(key=lambda r: (order.get(r[0], 3), r[1], r[2], r[3]))
    out.append(f"<h2>Findings ({len(rows)})</h2>")
    if rows:
        out.append("<table class=\"findings\"><tr><th>severity</th><th>where</th><th>rule</th><th>what</th></tr>")
        for sev, where, rule, msg in rows:
            out.append(f'<tr class="{escape(sev)}"><td>{escape(sev)}</td><td><code>{escape(where)}</code></td>'
                       f"<td>{escape(rule)}</td><td>{escape(msg)}</td></tr>")
        out.append("</table>")
    else:
        out.append("<p>none</p>")
    out.append(f'<h2>Print preflight ({len(pf["findings"])} finding(s))</h2><ul>')
    out += [f"<li><code>{escape(f)}</code></li>" for f in pf["findings"]] or ["<li>no findings</li>"]
    out.append("</ul><h2>Outputs</h2><ul>")
    out += [f"<li><code>{escape(o)}</code></li>" for o in [*data["outputs"], "report.json"]]
    out.append("</ul></body></html>\n")
    return "\n".join(out).encode("utf-8")


def print_css(regular: Path, bold: Path) -> str:
    """The print-out's page and fonts: the house faces (a Chinese page name needs a CJK face; the system's
    fallback is not the paper's), A4 landscape so a page's thumbnail and fit table stand side by side."""
    return (f'@font-face {{ font-family: "pp-report"; src: url("{regular.resolve().as_uri()}"); }}\n'
            f'@font-face {{ font-family: "pp-report"; font-weight: bold; src: url("{bold.resolve().as_uri()}"); }}\n'
            "@page { size: A4 landscape; margin: 12mm; }\n"
            'body { font-family: "pp-report"; margin: 0; max-width: none; font-size: 9pt; }\n'
            ".page { break-inside: avoid; } tr { break-inside: avoid; } h2 { break-after: avoid; }\n")


def pdf(html: bytes, regular: Path, bold: Path) -> bytes | None:
    """report.html rendered by WeasyPrint for print-out (report.pdf); None where WeasyPrint is not installed.
    The same HTML gives the same bytes (a fixed identifier, no dates: the HTML carries none)."""
    from .pdf.reading import import_weasyprint

    weasyprint = import_weasyprint()
    if weasyprint is None:
        return None
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()  # the @font-face rules of a stylesheet given here load only through this
    css = weasyprint.CSS(string=print_css(regular, bold), font_config=fonts)
    return weasyprint.HTML(string=html.decode("utf-8")).write_pdf(stylesheets=[css], font_config=fonts,
                                                                  pdf_identifier=b"paperpress-report")
