"""The front page's masthead (报头) as a layout feature.

A layout's `masthead:` section names grid rectangles: the whole masthead (the page's modules stack under
it), the nameplate (the paper's name in a big face, or a logo file: SVG through svglib, or PNG/JPEG), the
data lines (date, weekday, 农历, issue number, CN and 邮发代号 from the issue manifest) and an optional
slot for the periodical's EAN-13 with its 2-digit add-on. A page whose layout has one gets it without a
module entry: the manifest loader puts a `front-masthead` module first on the page (`masthead_module`).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ..errors import Problems
from ..yamlsrc import check_keys, node_flag, node_get, node_int, node_str

if TYPE_CHECKING:
    from ..fonts import FontBook
    from ..manifest import Issue, Layout, Module
    from ..model import Page
    from .grid import Finding

KIND = "front-masthead"  # the furniture kind of the module the loader adds
SLOT_FIELDS = {"column", "span", "line", "lines"}
NAMEPLATE_FILES = (".svg", ".png", ".jpg", ".jpeg")
BARCODE_MAGNIFICATIONS = (1.0, 0.95, 0.9, 0.85, 0.8)  # the largest that fits its slot is used


@dataclass(frozen=True)
class Slot:
    column: int
    span: int
    line: int
    lines: int

    def inside(self, other: Slot) -> bool:
        return (other.column <= self.column and self.column + self.span <= other.column + other.span
                and other.line <= self.line and self.line + self.lines <= other.line + other.lines)

    def overlaps(self, other: Slot) -> bool:
        return (self.column < other.column + other.span and other.column < self.column + self.span
                and self.line < other.line + other.lines and other.line < self.line + self.lines)


@dataclass(frozen=True)
class MastheadSpec:
    area: Slot  # what the masthead takes on the grid
    nameplate: Slot
    nameplate_style: str
    nameplate_file: Path | None  # a logo (SVG, PNG, JPEG) instead of the paper's name set in the style
    data: Slot
    data_style: str
    barcode: Slot | None
    rule: bool  # a thick-thin rule through the masthead's last line, closing it
    where: tuple[str, int, int]  # the layout file, line, column of the masthead: section


def _slot(node: yaml.Node | None, what: str, fname: str, problems: Problems, extra: set[str],
          columns: int, lines: int) -> Slot | None:
    check_keys(node, SLOT_FIELDS | extra, fname, problems, f"masthead {what}")
    vals = [node_int(node_get(node, k, fname, problems), fname, problems, 1) for k in ("column", "span", "line",
                                                                                       "lines")]
    if node is None or None in vals:
        return None
    slot = Slot(*vals)  # type: ignore[arg-type]
    if slot.column + slot.span - 1 > columns or slot.line + slot.lines - 1 > lines:
        problems.add(fname, node.start_mark, f"masthead {what} outside the grid ({columns} columns × {lines} lines)")
        return None
    return slot


def load_masthead(node: yaml.Node, path: Path, columns: int, lines: int, styles: set[str],
                  problems: Problems) -> MastheadSpec | None:
    """A layout's masthead: section, every problem located in the layout file."""
    fname = str(path)
    before = len(problems.items)
    check_keys(node, SLOT_FIELDS | {"nameplate", "data", "barcode", "rule"}, fname, problems, "masthead")
    area = _slot(node, "", fname, problems, {"nameplate", "data", "barcode", "rule"}, columns, lines)
    np_node = node_get(node, "nameplate", fname, problems)
    nameplate = _slot(np_node, "nameplate", fname, problems, {"style", "file"}, columns, lines)
    data_node = node_get(node, "data", fname, problems)
    data = _slot(data_node, "data", fname, problems, {"style"}, columns, lines)
    bc_node = node_get(node, "barcode", fname, problems, required=False)
    barcode = _slot(bc_node, "barcode", fname, problems, set(), columns, lines) if bc_node is not None else None
    rule = node_flag(node_get(node, "rule", fname, problems, required=False), fname, problems)

    def style(parent: yaml.Node | None, default: str) -> str:
        snode = node_get(parent, "style", fname, problems, required=False)
        name = node_str(snode, fname, problems) if snode is not None else default
        if name is not None and name not in styles:
            at = snode if snode is not None else parent
            problems.add(fname, at.start_mark if at is not None else None,
                         f"masthead: unknown style '{name}' (the layout's styles: {', '.join(sorted(styles))})")
        return name or default

    np_style, data_style = style(np_node, "nameplate"), style(data_node, "masthead-data")
    logo = None
    fnode = node_get(np_node, "file", fname, problems, required=False)
    if fnode is not None and (rel := node_str(fnode, fname, problems)) is not None:
        logo, why = nameplate_file(path.parent, rel)
        if why:
            problems.add(fname, fnode.start_mark, why)
    if len(problems.items) > before or area is None or nameplate is None or data is None:
        return None
    slots = [("nameplate", nameplate, np_node), ("data", data, data_node), ("barcode", barcode, bc_node)]
    for i, (what, s, n) in enumerate(slots):
        if s is None or n is None:
            continue
        if not s.inside(area):
            problems.add(fname, n.start_mark, f"masthead {what} lies outside the masthead's own rectangle")
        if rule and s.line + s.lines == area.line + area.lines:
            problems.add(fname, n.start_mark, f"masthead {what} takes the masthead's last line, where rule: "
                         "true draws its closing rule")
        for what2, s2, _ in slots[i + 1:]:
            if s2 is not None and s.overlaps(s2):
                problems.add(fname, n.start_mark, f"masthead {what} overlaps its {what2}")
    if len(problems.items) > before:
        return None
    return MastheadSpec(area, nameplate, np_style, logo, data, data_style, barcode, rule,
                        (fname, node.start_mark.line + 1, node.start_mark.column + 1))


def nameplate_file(folder: Path, rel: str) -> tuple[Path | None, str | None]:
    """A nameplate logo file relative to the folder of the file naming it, and why it cannot be used."""
    from ..manifest import image_problem

    target = folder / rel
    if target.suffix.lower() not in NAMEPLATE_FILES:
        return None, f"nameplate file {rel}: an SVG, PNG or JPEG file"
    if not target.is_file():
        return None, f"nameplate file {rel} not found (looked in {target.parent})"
    if target.suffix.lower() == ".svg":
        try:
            _svg(target)
        except (OSError, ValueError) as e:
            return None, f"nameplate file {rel}: {e}"
        return target, None
    why = image_problem(target)
    return (None, f"nameplate file {rel}: {why}") if why else (target, None)


def check_fits(layout: Layout, problems: Problems) -> None:
    """A barcode slot must hold the EAN-13+2 at the standard's minimum size (80 %)."""
    from .furniture import ean13_drawing

    spec = layout.masthead
    if spec is None or spec.barcode is None:
        return
    w, h = _slot_size(layout, spec.barcode)
    d = _bounded(ean13_drawing("977000000000", "00", BARCODE_MAGNIFICATIONS[-1]))
    if d.width * 1000 > w or d.height * 1000 > h:
        problems.add(spec.where[0], _mark(spec.where), f"masthead barcode slot ({w / 2834.6:.1f} × {h / 2834.6:.1f}"
                     f" mm) is smaller than the EAN-13+2 at its minimum size ({d.width / 2.8346:.1f} × "
                     f"{d.height / 2.8346:.1f} mm)")


def _mark(where: tuple[str, int, int]) -> object:
    from ..errors import Mark

    return Mark(where[1], where[2])


def masthead_module(layout: Layout) -> Module | None:
    """The module that stands for a layout's masthead on a page: first on the page, its modules stack under."""
    from ..manifest import Module

    spec = layout.masthead
    if spec is None:
        return None
    a = spec.area
    return Module(None, None, None, None, None, a.column, a.span, a.line, a.lines, a.span, False, spec.where,
                  furniture=(KIND, {}))


def addon_for(number: str | None) -> str | None:
    """The add-on from the issue number: its last two digits (第25期 → 25, 第25000期 → 00)."""
    digits = re.findall(r"\d+", number or "")
    return f"{int(digits[-1]) % 100:02d}" if digits else None


def data_parts(issue: Issue) -> list[list[str]]:
    """The masthead's data in two groups, each part kept whole on a line: the date with its weekday and
    农历; the issue number, CN and 邮发代号 (those the issue gives)."""
    from .furniture import lunar_date

    d = issue.date
    cn, post = getattr(issue, "cn", None), getattr(issue, "post_code", None)
    when = [f"{d.year}年{d.month}月{d.day}日", f"星期{'一二三四五六日'[d.weekday()]}", f"农历{lunar_date(d)}"]
    which = [issue.number or "", f"国内统一连续出版物号 {cn}" if cn else "", f"邮发代号 {post}" if post else ""]
    return [when, [p for p in which if p]]


def _slot_size(layout: Layout, s: Slot) -> tuple[int, int]:
    return s.span * layout.col_w + (s.span - 1) * layout.gutter, s.lines * layout.pitch


def _bounded(d: Any) -> Any:
    """The drawing moved so its bounds (digits and strings below the bars included) are its box."""
    from reportlab.graphics import shapes

    x0, y0, x1, y1 = d.getBounds()
    out = shapes.Drawing(x1 - x0, y1 - y0)
    g = shapes.Group(*d.contents)
    g.transform = (1, 0, 0, 1, -x0, -y0)
    out.add(g)
    return out


def _svg(path: Path) -> Any:
    from svglib.svglib import svg2rlg

    d = svg2rlg(str(path))
    if d is None or not d.width or not d.height:
        raise ValueError("not a drawing svglib can read")
    return d


def place_front_masthead(page: Page, layout: Layout, issue: Issue, fonts: FontBook) -> list[Finding]:
    """Draw the layout's masthead: nameplate, data lines, barcode, closing rule."""
    from ..graphics import drawing_items
    from ..model import Image, Rule
    from ..units import pt
    from .furniture import ean13_drawing
    from .grid import Finding, Grid, centred_baseline
    from .text import headline_lines, line_runs

    spec = layout.masthead
    assert spec is not None
    grid = Grid(layout)
    findings: list[Finding] = []
    where = f"{spec.where[0]}:{spec.where[1]}:{spec.where[2]}"

    def box(s: Slot) -> tuple[int, int, int, int]:
        w, h = _slot_size(layout, s)
        return grid.x(s.column), grid.band_top(s.line), w, h

    # the nameplate: the issue's logo, else the layout's, else the paper's name set large
    x, y, w, h = box(spec.nameplate)
    logo = getattr(issue, "nameplate", None) or spec.nameplate_file
    style = layout.style(spec.nameplate_style)
    if logo is not None and logo.suffix.lower() == ".svg":
        d = _bounded(_svg(logo))
        scale = min(w / (d.width * 1000), h / (d.height * 1000))
        dx, dy = (w - round(d.width * 1000 * scale)) // 2, (h - round(d.height * 1000 * scale)) // 2
        page.items.extend(drawing_items(d, fonts, layout, style, x + dx, y + dy, scale))
    elif logo is not None:
        from PIL import Image as PILImage

        with PILImage.open(logo) as im:
            pw, ph = im.size
        iw, ih = (w, w * ph // pw) if w * ph <= h * pw else (h * pw // ph, h)
        page.items.append(Image(str(logo), x + (w - iw) // 2, y + (h - ih) // 2, iw, ih, (0, 0, pw, ph)))
    else:
        size = min(style.size, h * 9 // 10)
        plate = dataclasses.replace(style, size=size, leading=size)
        line = headline_lines(fonts, layout, issue.paper, plate, 10**9)[0]
        if line.used > w:  # too wide at the style's size: smaller, never condensed
            plate = dataclasses.replace(style, size=size * w // line.used, leading=size * w // line.used)
            line = headline_lines(fonts, layout, issue.paper, plate, 10**9)[0]
        colors = {f: plate.color for f in (plate.font, plate.marks_font) if f}
        page.items.extend(line_runs(line, x + (w - line.used) // 2, centred_baseline(y, h, plate.size), colors))

    # the data lines: parts packed into lines of the slot's width, on the slot's grid lines
    x, y, w, h = box(spec.data)
    dstyle = layout.style(spec.data_style)
    rows: list[str] = []
    for group in data_parts(issue):
        start = len(rows)
        for part in group:
            joined = f"{rows[-1]}　{part}" if len(rows) > start else part
            if len(rows) > start and headline_lines(fonts, layout, joined, dstyle, 10**9)[0].used <= w:
                rows[-1] = joined
            else:
                rows.append(part)
    if len(rows) > spec.data.lines:  # fewer lines than groups: run the groups together
        rows = ["　".join(rows)] if spec.data.lines == 1 else rows
    if len(rows) > spec.data.lines:
        findings.append(Finding("error", where, f"the masthead's data ({len(rows)} lines) do not fit its "
                                f"{spec.data.lines} line(s): give data: more lines or columns"))
    first = spec.data.line + (spec.data.lines - len(rows)) // 2
    colors = {f: dstyle.color for f in (dstyle.font, dstyle.marks_font) if f}
    for i, text in enumerate(rows[: spec.data.lines]):
        line = headline_lines(fonts, layout, text, dstyle, 10**9)[0]
        base = centred_baseline(grid.band_top(first + i), layout.pitch, dstyle.size)
        page.items.extend(line_runs(line, x, base, colors))

    # the periodical's EAN-13 with its add-on, at the largest magnification its slot holds
    ean13 = getattr(issue, "ean13", None)
    if spec.barcode is not None and ean13:
        x, y, w, h = box(spec.barcode)
        addon = getattr(issue, "addon", None) or addon_for(issue.number)
        for mag in BARCODE_MAGNIFICATIONS:
            d = _bounded(ean13_drawing(ean13, addon, mag))
            if d.width * 1000 <= w and d.height * 1000 <= h:
                break
        dx, dy = (w - round(d.width * 1000)) // 2, (h - round(d.height * 1000)) // 2
        page.items.extend(drawing_items(d, fonts, layout, layout.style("caption"), x + dx, y + dy))

    if spec.rule:
        a = spec.area
        color = layout.style("folio-page").color
        x0, x1 = grid.x(a.column), grid.x(a.column) + _slot_size(layout, a)[0]
        mid = grid.band_top(a.line + a.lines - 1) + layout.pitch // 2
        page.items.append(Rule(x0, mid - pt(1.2), x1, mid - pt(1.2), pt(2.0), color))
        page.items.append(Rule(x0, mid + pt(1.4), x1, mid + pt(1.4), pt(0.5), color))
    return findings
