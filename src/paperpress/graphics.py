"""reportlab.graphics Drawings → our page items.

ReportLab builds the geometry (barcodes, QR codes, charts); it never draws the page. Shapes become
Path items, strings become GlyphRuns shaped in the house fonts (so CJK labels embed and copy like
body text), colours become CMYK (the writer turns them into RGB for the screen).
"""

from __future__ import annotations

import dataclasses
import math

from reportlab.graphics import shapes
from reportlab.lib import colors as rl_colors

from .fonts import FontBook
from .layout.text import headline_lines, line_runs
from .manifest import Layout, Style
from .model import BLACK, CMYK, Item, Path

KAPPA = 4 * (math.sqrt(2) - 1) / 3  # a quarter circle as one cubic Bézier

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1, 0, 0, 1, 0, 0)


def cmyk(color: object) -> CMYK | None:
    """A ReportLab colour as CMYK in 0..1; None for no paint. Neutral black is exactly 100 K."""
    if color is None or color == rl_colors.transparent:
        return None
    if isinstance(color, rl_colors.CMYKColor):
        c, m, y, k = (round(float(v), 4) for v in (color.cyan, color.magenta, color.yellow, color.black))
    else:
        r, g, b = (float(v) for v in color.rgb())  # type: ignore[attr-defined]
        k = 1 - max(r, g, b)
        if k >= 0.999:
            return BLACK
        c, m, y = ((1 - v - k) / (1 - k) for v in (r, g, b))
        c, m, y, k = (round(v, 4) for v in (c, m, y, k))
    if (c, m, y) == (0, 0, 0) and k >= 0.999:
        return BLACK
    return (c, m, y, k)


def _mul(a: Matrix, b: Matrix) -> Matrix:
    """a then b (PDF's [a b c d e f] convention: a point is transformed by a, then by b)."""
    a0, a1, a2, a3, a4, a5 = a
    b0, b1, b2, b3, b4, b5 = b
    return (a0 * b0 + a1 * b2, a0 * b1 + a1 * b3, a2 * b0 + a3 * b2, a2 * b1 + a3 * b3,
            a4 * b0 + a5 * b2 + b4, a4 * b1 + a5 * b3 + b5)


class _Converter:
    def __init__(self, fonts: FontBook, layout: Layout, style: Style, x: int, y: int, height: float, scale: float,
                 bold: Style | None = None):
        self.fonts, self.layout, self.style, self.bold = fonts, layout, style, bold or style
        self.x, self.y, self.h, self.scale = x, y, height, scale
        self.items: list[Item] = []

    def point(self, m: Matrix, px: float, py: float) -> tuple[int, int]:
        """Drawing points (y up) → page millipoints (y down from the trim's top-left)."""
        tx = m[0] * px + m[2] * py + m[4]
        ty = m[1] * px + m[3] * py + m[5]
        return (self.x + round(tx * 1000 * self.scale), self.y + round((self.h - ty) * 1000 * self.scale))

    def walk(self, node: object, m: Matrix) -> None:
        if isinstance(node, shapes.UserNode):  # widgets (axes, labels, legends) draw themselves into shapes
            self.walk(node.provideNode(), m)
        elif isinstance(node, shapes.Group):
            inner = _mul(tuple(node.transform), m)
            for child in node.contents:
                self.walk(child, inner)
        elif isinstance(node, shapes.String):
            self.string(node, m)
        elif isinstance(node, shapes.Shape):
            self.shape(node, m)

    def paint(self, ops: list[tuple], node: object, closed: bool = True) -> None:
        fill = cmyk(getattr(node, "fillColor", None)) if closed else None
        stroke = cmyk(getattr(node, "strokeColor", None))
        width = round(float(getattr(node, "strokeWidth", 0) or 0) * 1000 * self.scale)
        if stroke is None or width <= 0:
            stroke, width = None, 0
        if ops and (fill is not None or stroke is not None):
            self.items.append(Path(tuple(ops), fill=fill, stroke=stroke, stroke_width=width))

    def poly(self, m: Matrix, pts: list[float], close: bool) -> list[tuple]:
        ops: list[tuple] = []
        for i in range(0, len(pts) - 1, 2):
            ops.append(("m" if i == 0 else "l", *self.point(m, pts[i], pts[i + 1])))
        if close and ops:
            ops.append(("h",))
        return ops

    def ellipse(self, m: Matrix, cx: float, cy: float, rx: float, ry: float) -> list[tuple]:
        kx, ky = rx * KAPPA, ry * KAPPA
        p = lambda px, py: self.point(m, px, py)  # noqa: E731
        return [("m", *p(cx + rx, cy)),
                ("c", *p(cx + rx, cy + ky), *p(cx + kx, cy + ry), *p(cx, cy + ry)),
                ("c", *p(cx - kx, cy + ry), *p(cx - rx, cy + ky), *p(cx - rx, cy)),
                ("c", *p(cx - rx, cy - ky), *p(cx - kx, cy - ry), *p(cx, cy - ry)),
                ("c", *p(cx + kx, cy - ry), *p(cx + rx, cy - ky), *p(cx + rx, cy)), ("h",)]

    def shape(self, node: object, m: Matrix) -> None:
        if isinstance(node, shapes.Rect):
            x, y, w, h = node.x, node.y, node.width, node.height
            self.paint(self.poly(m, [x, y, x + w, y, x + w, y + h, x, y + h], True), node)
        elif isinstance(node, shapes.Circle):
            self.paint(self.ellipse(m, node.cx, node.cy, node.r, node.r), node)
        elif isinstance(node, shapes.Ellipse):
            self.paint(self.ellipse(m, node.cx, node.cy, node.rx, node.ry), node)
        elif isinstance(node, shapes.Line):
            self.paint(self.poly(m, [node.x1, node.y1, node.x2, node.y2], False), node, closed=False)
        elif isinstance(node, shapes.PolyLine):
            self.paint(self.poly(m, list(node.points), False), node, closed=False)
        elif isinstance(node, shapes.Polygon):
            self.paint(self.poly(m, list(node.points), True), node)
        elif isinstance(node, shapes.Wedge):
            poly = node.asPolygon()  # a Polygon, or a Path for an annular wedge: without the wedge's paint
            poly.fillColor, poly.strokeColor, poly.strokeWidth = node.fillColor, node.strokeColor, node.strokeWidth
            self.shape(poly, m)
        elif isinstance(node, shapes.Path):
            self.path(node, m)

    def path(self, node: shapes.Path, m: Matrix) -> None:
        ops: list[tuple] = []
        pts = list(node.points)
        i = 0
        for op in node.operators:
            if op == shapes._MOVETO:
                ops.append(("m", *self.point(m, pts[i], pts[i + 1])))
                i += 2
            elif op == shapes._LINETO:
                ops.append(("l", *self.point(m, pts[i], pts[i + 1])))
                i += 2
            elif op == shapes._CURVETO:
                ops.append(("c", *self.point(m, pts[i], pts[i + 1]), *self.point(m, pts[i + 2], pts[i + 3]),
                            *self.point(m, pts[i + 4], pts[i + 5])))
                i += 6
            elif op == shapes._CLOSEPATH:
                ops.append(("h",))
        self.paint(ops, node)

    def string(self, node: shapes.String, m: Matrix) -> None:
        if not node.text.strip():
            return
        size = round(float(node.fontSize) * 1000 * self.scale * math.hypot(m[0], m[1]))
        base = self.bold if "Bold" in str(getattr(node, "fontName", "")) else self.style
        style = dataclasses.replace(base, size=size, leading=size, color=cmyk(node.fillColor) or base.color)
        line = headline_lines(self.fonts, self.layout, node.text, style, 10**9)[0]
        x, y = self.point(m, node.x, node.y)
        anchor = getattr(node, "textAnchor", "start")
        if anchor == "middle":
            x -= line.used // 2
        elif anchor == "end":
            x -= line.used
        colors = {f: style.color for f in (style.marks_font, style.font) if f}
        self.items.extend(line_runs(line, x, y, colors))


def drawing_items(drawing: shapes.Drawing, fonts: FontBook, layout: Layout, style: Style, x: int, y: int,
                  scale: float = 1.0, bold: Style | None = None) -> list[Item]:
    """The drawing's shapes and strings as page items, its top-left corner at (x, y) millipoints.

    Strings are set in `style`'s face at the drawing's font size (times scale); strings whose ReportLab
    font is a bold one (Helvetica-Bold, …) in `bold`'s face when given."""
    cv = _Converter(fonts, layout, style, x, y, float(drawing.height), scale, bold)
    cv.walk(drawing.expandUserNodes(), IDENTITY)
    return cv.items
