"""Reading a rendered page: does every body column of every article module reach its module's last line?"""

from __future__ import annotations

import json
from pathlib import Path


def empty_bottom_lines(out: Path, issue) -> list[str]:  # type: ignore[no-untyped-def]
    """Body columns whose module's last text line (inside the frame for a box) has no ink on the rendered
    screen PDF; the rectangles come from report.json, the evidence from the pixels. Also checks every
    article module reports `fits`."""
    import pypdfium2

    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    doc = pypdfium2.PdfDocument(out / "screen" / f"{issue.id}.pdf")
    layouts = {spec.number: spec.layout for spec in issue.pages}
    px = 2 / 1000  # pixels per millipoint at scale 2
    problems = []
    try:
        for index, page in enumerate(report["pages"]):
            layout = layouts[page["number"]]
            img = doc[index].render(scale=2).to_pil().convert("L")
            for m in page["modules"]:
                if m["status"] != "fits":
                    problems.append(f"page {page['number']} {m['article']}: {m['status']}")
                box = m["box"]
                width = layout.column_x(m["column"] + m["span"] - 1) + layout.col_w - layout.column_x(m["column"])
                x0 = layout.column_x(m["column"]) + (layout.em if box else 0)
                width -= 2 * layout.em if box else 0
                cols = m["body_columns"]
                chars = (width // layout.em - (cols - 1) * layout.gutter_chars) // cols
                measure = chars * layout.em
                gap = (width - cols * measure) // max(cols - 1, 1)
                last = m["line"] + m["lines"] - 1 - (1 if box else 0)
                top = layout.grid_top + (last - 1) * layout.pitch
                for c in range(cols):
                    left = x0 + c * (measure + gap)
                    crop = img.crop((int(left * px), int(top * px), int((left + measure) * px),
                                     int((top + layout.pitch) * px)))
                    if crop.getextrema()[0] >= 100:
                        problems.append(f"page {page['number']} {m['article']}: body column {c + 1} empty on "
                                        f"line {last}")
    finally:
        doc.close()
    return problems
