"""Figures: a photo cropped to its box, caption and credit on whole grid lines."""

from __future__ import annotations

from ..fonts import FontBook
from ..manifest import Layout, Module
from ..model import Image, Page
from .grid import Finding, Grid, _put
from .text import set_text


def _figure(page: Page, module: Module, layout: Layout, fonts: FontBook) -> list[Finding]:
    """A photo cropped to fill its box (never enlarged beyond what its pixels carry without a warning),
    the caption and credit on whole grid lines beneath it."""
    from PIL import Image as PILImage

    assert module.figure is not None and module.line is not None and module.lines is not None  # placed by the plan
    grid = Grid(layout)
    x0, width = grid.x(module.column), grid.width(module.span)
    style = layout.style("caption")
    text = (module.caption or "") + (f"（{module.credit}）" if module.credit else "")
    cap_lines = list(set_text(fonts, layout, [(text, style)], width, width).lines) if text else []
    img_lines = module.lines - len(cap_lines) - (1 if cap_lines else 0)
    where = f"{module.where[0]}:{module.where[1]}:{module.where[2]}"
    if img_lines < 2:  # the photo needs room above its caption: a collision, not a picture 1 pt tall
        return [Finding("error", where, f"{module.figure.name}: {module.lines} line(s) hold the caption "
                        f"({len(cap_lines)} line(s)) but leave no room for the photo; give the module at least "
                        f"{len(cap_lines) + (1 if cap_lines else 0) + 2} lines")]
    top = grid.band_top(module.line) + layout.pitch // 4
    h = img_lines * layout.pitch - layout.pitch // 4
    with PILImage.open(module.figure) as im:
        pw, ph = im.size
    # crop to the box's proportions, centred
    if pw * h > ph * width:
        cw = ph * width // h
        crop = ((pw - cw) // 2, 0, (pw - cw) // 2 + cw, ph)
    else:
        ch = pw * h // width
        crop = (0, (ph - ch) // 2, pw, (ph - ch) // 2 + ch)
    fig_id = f"figure:{module.where[0]}:{module.where[1]}"
    page.items.append(Image(str(module.figure), x0, top, width, h, crop, alt=text, figure=fig_id))
    ppi = (crop[2] - crop[0]) * 72000 / width
    findings = []
    if ppi < layout.print.min_ppi:
        findings.append(Finding("warning", where, f"{module.figure.name}: {ppi:.0f} ppi effective resolution at "
                                f"this size, under the layout's minimum of {layout.print.min_ppi} ppi "
                                "(not upsampled)"))
    line_no = module.line + img_lines + 1
    for line in cap_lines:
        _put(page, line, x0, grid.baseline(line_no, style.size), style, tag=(fig_id, "Caption", 0))
        line_no += 1
    return findings
