"""`paperpress proof ISSUE.yaml`: the screen PDF rendered to a PNG per page (pypdfium2), with what the layout editor
must look at drawn over it in a proof-only colour — overset and short modules, loose lines, 孤字, widows, kinsoku
breaks — and one contact sheet of every page. Drawn on the PNGs only: the print and screen PDFs never see it."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

from .linebreak.rules_zh import RULE_SETS
from .model import LineInfo

PROOF = (255, 0, 200)  # magenta-pink: a colour no newsprint page uses, so a mark is never read as the page
PROOF_FILL = (255, 0, 200, 60)


@dataclass(frozen=True)
class Mark:
    """One finding with its place on the page, in millipoints from the trim's top-left."""

    rule: str  # overset, short, loose, lone-character, widow, line-start, line-end
    x: int
    y: int
    w: int
    h: int
    label: str


def line_marks(lines: list[LineInfo], rule_set: str, pitch: int) -> list[Mark]:
    """The lines of one page a typographer would flag (the conditions of typography.check), placed."""
    cannot_start, cannot_end = RULE_SETS[rule_set]
    out = []
    by_article: dict[str, list[LineInfo]] = {}
    for line in lines:
        by_article.setdefault(line.article, []).append(line)
    for article_lines in by_article.values():
        for i, line in enumerate(article_lines):
            rules = []
            if line.text[0] in cannot_start:
                rules.append("line-start")
            if line.text[-1] in cannot_end:
                rules.append("line-end")
            if line.ratio > 1.0 and not line.final:
                rules.append("loose")
            if line.final and sum(1 for c in line.text if c.isalnum()) < 2 and i > 0 \
                    and not article_lines[i - 1].final:
                rules.append("lone-character")
            if line.widow:
                rules.append("widow")
            for rule in rules:
                x0 = min(line.x0, line.start)
                out.append(Mark(rule, x0, line.baseline - pitch * 4 // 5, max(line.end, line.x1) - x0, pitch,
                                f"{rule}: {line.text}"))
    return out


def module_marks(built) -> dict[int, list[Mark]]:  # noqa: ANN001 - a build.Built
    """Short and overset modules of each page: the module's rectangle, labelled with the copyfit figures."""
    out: dict[int, list[Mark]] = {}
    for spec in built.issue.pages:
        layout = spec.layout
        fits = {f.article: f for f in built.fits if f.page == spec.number}
        for m in spec.modules:
            fit = fits.get(m.story.id) if m.story else None
            if fit is None or fit.status == "fits":
                continue
            m = fit.placed.module if fit.placed is not None else m  # the plan's rectangle (auto line:/lines:)
            x = layout.column_x(m.column)
            w = layout.column_x(m.column + m.span - 1) + layout.col_w - x
            y = layout.grid_top + (m.line - 1) * layout.pitch
            label = f"{fit.status} by {fit.by_lines} line(s) (≈{fit.by_lines * fit.chars_per_line} characters)"
            out.setdefault(spec.number, []).append(Mark(fit.status, x, y, w, m.lines * layout.pitch, label))
    return out


def marks(built) -> dict[int, list[Mark]]:  # noqa: ANN001 - a build.Built
    """Every mark of every page, by page number."""
    out = module_marks(built)
    for spec, page in zip(built.issue.pages, built.pages, strict=True):
        out.setdefault(page.number, []).extend(line_marks(page.lines, spec.layout.rules, page.grid_pitch))
    return out


def _draw(img: Image.Image, page_marks: list[Mark], scale: float) -> Image.Image:
    """The marks over the page: modules framed (overset filled), lines underlaid and framed."""
    overlay = Image.new("RGBA", img.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(overlay)
    width = max(2, round(scale * 1500))
    for mk in page_marks:
        box = [mk.x * scale, mk.y * scale, (mk.x + mk.w) * scale, (mk.y + mk.h) * scale]
        if mk.rule == "short":
            d.rectangle(box, outline=PROOF, width=width)
        elif mk.rule == "overset":
            d.rectangle(box, outline=PROOF, width=width * 2)
            foot = [box[0], box[3] - max(width * 3, 6), box[2], box[3]]
            d.rectangle(foot, fill=PROOF)
        else:
            d.rectangle(box, fill=PROOF_FILL, outline=PROOF, width=max(1, width // 2))
    return Image.alpha_composite(img.convert("RGBA"), overlay).convert("RGB")


def render_pages(screen_pdf: bytes, dpi: int) -> list[Image.Image]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(screen_pdf)
    try:
        return [doc[i].render(scale=dpi / 72).to_pil().convert("RGB") for i in range(len(doc))]
    finally:
        doc.close()


def contact_sheet(pages: list[Image.Image], numbers: list[int], height: int = 600) -> Image.Image:
    """All pages side by side, in rows of up to four, each scaled to one height with its number under it."""
    thumbs = [p.resize((max(1, round(p.width * height / p.height)), height), Image.Resampling.LANCZOS)
              for p in pages]
    per_row, pad, caption = min(4, len(thumbs)), 20, 30
    cell_w = max(t.width for t in thumbs)
    rows = (len(thumbs) + per_row - 1) // per_row
    sheet = Image.new("RGB", (per_row * (cell_w + pad) + pad, rows * (height + pad + caption) + pad), (200, 200, 200))
    d = ImageDraw.Draw(sheet)
    for i, (t, n) in enumerate(zip(thumbs, numbers, strict=True)):
        x = pad + (i % per_row) * (cell_w + pad)
        y = pad + (i // per_row) * (height + pad + caption)
        sheet.paste(t, (x, y))
        d.text((x, y + height + 6), f"page {n}", fill=(0, 0, 0))
    return sheet


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=False)
    return buf.getvalue()


def proof(built, dpi: int = 100) -> dict[str, bytes]:  # noqa: ANN001 - a build.Built
    """The proof files of a build, by name: page-NN.png per page and contact.png."""
    screen = built.files[f"screen/{built.issue.id}.pdf"]
    images = render_pages(screen, dpi)
    scale = dpi / 72 / 1000  # millipoints → pixels
    all_marks = marks(built)
    files: dict[str, bytes] = {}
    drawn = []
    for page, img in zip(built.pages, images, strict=True):
        out = _draw(img, all_marks.get(page.number, []), scale)
        drawn.append(out)
        files[f"page-{page.number:02d}.png"] = _png(out)
    files["contact.png"] = _png(contact_sheet(drawn, [p.number for p in built.pages]))
    return files


def write(files: dict[str, bytes], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, data in files.items():
        (folder / name).write_bytes(data)
        out.append(folder / name)
    return out
