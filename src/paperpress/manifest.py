"""Issue manifests and page layouts (YAML) → Issue and Layout, every problem located."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from .errors import Mark, Problems
from .fonts import FontBook
from .linebreak.breaker import HOUSE_STYLES
from .linebreak.rules_zh import CLOSING, MIDDLE, OPENING
from .model import BLACK, CMYK
from .resources import profile_candidates
from .stories import Normalisation, Story, _source, load_story, normalised
from .units import parse_length
from .yamlsrc import (
    check_keys,
    load_mapping,
    mapping_items,
    mark,
    node_flag,
    node_get,
    node_int,
    node_list,
    node_number,
    node_str,
)
from .yamlsrc import did_you_mean as _did_you_mean

if TYPE_CHECKING:
    from .layout.masthead import MastheadSpec

FULL_WIDTH_MARKS = OPENING | CLOSING | MIDDLE
STYLE_FIELDS = {"font", "size", "leading", "color", "marks-font"}
LAYOUT_FIELDS = {"name", "trim", "bleed", "margins", "header", "grid", "styles", "linebreak", "colors", "print",
                 "copyfit", "masthead", "table"}
TABLE_STYLE_FIELDS = {"rule", "header-rule", "color", "gap"}
PRINT_FIELDS = {"pdfx", "output-intent", "ink-limit", "min-ppi", "file-name", "slug"}
INTENT_FIELDS = {"profile", "condition", "registry", "info"}
PDFX_VERSIONS = ("PDF/X-4", "PDF/X-1a:2001")
ISSUE_FIELDS = {"paper", "code", "date", "number", "id", "pages",
                *("cn", "post-code", "ean13", "addon", "nameplate")}  # the front layout's masthead data
PAGE_FIELDS = {"number", "name", "layout", "editor", "modules"}
MODULE_FIELDS = {"article", "head", "figure", "caption", "credit", "column", "span", "line", "lines", "columns",
                 "box", "vertical", "continue",  # continue: the page the article jumps to (转版)
                 *("barcode", "qr", "chart", "masthead")}  # front-page furniture
MODULE_FIELDS |= {"normalize"}  # false: the caption, credit or head is set as written
# styles every layout must define: what the typesetter asks for by name
REQUIRED_STYLES = ("body", "runin", "kicker", "title", "subtitle", "byline", "note", "note-label", "head",
                   "caption", "folio-paper", "folio-page", "folio-info")


@dataclass(frozen=True)
class Style:
    name: str
    font: str
    size: int
    leading: int
    color: CMYK = BLACK
    marks_font: str | None = None  # a face for the full-width marks when the style's own are proportional

    def face_for(self, ch: str) -> str:
        """The face id that sets this character in this style."""
        return self.marks_font if self.marks_font and ch in FULL_WIDTH_MARKS else self.font


@dataclass(frozen=True)
class OutputIntent:
    """The printing condition the print PDFs are made for (PDF/X OutputIntent)."""

    profile: Path  # ICC output profile (CMYK)
    condition: str  # OutputConditionIdentifier, e.g. "CGATS TR 002"
    registry: str
    info: str


@dataclass(frozen=True)
class PrintSettings:
    pdfx: str = "PDF/X-4"
    intent: OutputIntent | None = None
    ink_limit: int = 300  # percent, sum of C+M+Y+K
    min_ppi: int = 200
    file_name: str = "{issue}-{page:02d}.pdf"
    slug: bool = False


@dataclass(frozen=True)
class TableStyle:
    """How a layout sets tables (`table:` paragraphs): the header row in the run-in style, rules between
    rows, heavier rules above and under the header and under the last row."""

    rule: int = 250  # between body rows (0: none), millipoints
    header_rule: int = 750  # above and under the header row, and under the table's last row
    color: CMYK = BLACK
    gap: int = 1  # characters at least between two columns


@dataclass(frozen=True)
class Layout:
    name: str
    path: Path
    trim_w: int
    trim_h: int
    bleed: int
    margin_top: int
    margin_left: int
    header_h: int
    columns: int
    chars: int  # per column
    gutter_chars: int
    lines: int
    body: Style
    styles: dict[str, Style]
    rules: str
    max_stretch: float
    latin_gap: float
    colors: dict[str, CMYK]
    punctuation: str = "quanjiao"
    print: PrintSettings = PrintSettings()
    copyfit: tuple[str, ...] | None = None  # the means copyfit may use, in order (None: the default order)
    masthead: MastheadSpec | None = None  # a front-page layout's masthead (layout/masthead.py)
    table: TableStyle = TableStyle()

    @property
    def em(self) -> int:
        return self.body.size

    @property
    def pitch(self) -> int:
        return self.body.leading

    @property
    def col_w(self) -> int:
        return self.chars * self.em

    @property
    def gutter(self) -> int:
        return self.gutter_chars * self.em

    @property
    def area_w(self) -> int:
        return self.columns * self.col_w + (self.columns - 1) * self.gutter

    @property
    def grid_top(self) -> int:
        return self.margin_top + self.header_h

    @property
    def area_h(self) -> int:
        return self.lines * self.pitch

    def column_x(self, col: int) -> int:
        """Left edge of grid column col (1-based)."""
        return self.margin_left + (col - 1) * (self.col_w + self.gutter)

    def style(self, name: str) -> Style:
        return self.styles[name]

    def part_style(self, kind: str, part: str) -> Style:
        """The style of a headline part for an article kind: `<kind>.<part>` where the layout has it."""
        return self.styles.get(f"{kind}.{part}") or self.styles[part]


@dataclass(frozen=True)
class Module:
    story: Story | None
    head: str | None  # a column head (栏头) instead of an article
    figure: Path | None  # a photo or graphic, with its caption (图片说明) and credit
    caption: str | None
    credit: str | None
    column: int
    span: int
    line: int | None  # None: stacked under what is already placed over its columns (skyline)
    lines: int | None  # None (omitted or `auto`): as many grid lines as its copy needs
    body_columns: int
    box: bool
    where: tuple[str, int, int]
    vertical: bool = False  # a column head set top to bottom (竖排)  # manifest file, line, column of the module entry
    furniture: tuple[str, dict] | None = None  # ("barcode" | "qr" | "chart", its checked fields)
    auto_columns: bool = False  # no `columns:` given: copyfit may set fewer body columns than the span
    jump: Jump | None = None  # the article continues on another page
    cont: Continuation | None = None  # this module carries the rest of an article cut on another page
    normalisations: tuple[Normalisation, ...] = ()  # what normalisation changed in the caption, credit or head

    @property
    def name(self) -> str:
        if self.story:
            return self.story.id
        if self.furniture:
            return self.furniture[0]
        return f"figure:{self.figure.name}" if self.figure else f"head:{self.head}"


@dataclass(frozen=True)
class Jump:
    """`continue: {page: 2, column: 1, span: 3}` — where an article goes on (转版); the place is optional:
    by default the source module's columns, stacked after the page's own modules, down to the foot."""

    page: int
    column: int | None
    span: int | None
    line: int | None
    lines: int | None
    body_columns: int | None
    where: tuple[str, int, int]


@dataclass(frozen=True)
class Continuation:
    """The rest of an article cut by a jump: its story holds the paragraphs from the cut on (the first one
    partial, kind `continued`), under the jump headline and the （上接第N版） line."""

    from_page: int
    para_base: int  # the whole article's index of the continuation's first paragraph (for the tagged PDF)


JUMP_FIELDS = {"page", "column", "span", "line", "lines", "columns"}


@dataclass(frozen=True)
class PageSpec:
    number: int
    name: str
    layout: Layout
    editor: str
    modules: tuple[Module, ...]


@dataclass(frozen=True)
class Issue:
    id: str
    path: Path
    paper: str
    code: str  # short paper code for file names (e.g. TYRB); the issue id when not given
    date: dt.date
    number: str | None
    pages: tuple[PageSpec, ...]
    # the masthead's data (a front layout's masthead, or a masthead: module): 国内统一连续出版物号, 邮发代号,
    # the periodical's EAN-13 (977…) and its 2-digit add-on (default: the last two digits of number:)
    cn: str | None = None
    post_code: str | None = None
    ean13: str | None = None
    addon: str | None = None
    nameplate: Path | None = None  # the paper's own nameplate logo (SVG, PNG, JPEG), over the layout's


def _length(node: yaml.Node | None, fname: str, problems: Problems, low: str = "0pt", high: str = "2000mm",
            what: str = "a length") -> int | None:
    """A length with a unit within [low, high] (see the README's input limits)."""
    if node is None:
        return None
    try:
        value = parse_length(node.value if isinstance(node, yaml.ScalarNode) and not node.style else None)
    except ValueError as e:
        problems.add(fname, node.start_mark, str(e))
        return None
    if not parse_length(low) <= value <= parse_length(high):
        problems.add(fname, node.start_mark, f"{what} must lie between {low} and {high}, got {node.value}")
        return None
    return value


def _color(node: yaml.Node | None, fname: str, problems: Problems, colors: dict[str, CMYK]) -> CMYK | None:
    if node is None:
        return None
    if isinstance(node, yaml.ScalarNode) and node.value in colors:
        return colors[node.value]
    if isinstance(node, yaml.SequenceNode) and len(node.value) == 4:
        try:
            vals = tuple(float(v.value) / 100.0 if isinstance(v, yaml.ScalarNode) and not v.style else -1.0
                         for v in node.value)
        except ValueError:
            vals = ()
        if len(vals) == 4 and all(0 <= v <= 1 for v in vals):
            return vals
    problems.add(fname, node.start_mark, "expected a colour: a name from colors: or [C, M, Y, K] in percent")
    return None


def _face_id(node: yaml.Node | None, style: str, fonts: FontBook, fname: str, problems: Problems) -> str | None:
    """A face id a style names, checked against the catalog."""
    font = node_str(node, fname, problems)
    if font is not None and font not in fonts:
        problems.add(fname, mark(node), f"unknown font '{font}' in style '{style}' (the catalog "
                     f"{fonts.catalog} has: {', '.join(sorted(fonts.faces))})")
        return None
    return font


def load_layout(path: Path, fonts: FontBook, problems: Problems) -> Layout | None:
    fname = str(path)
    root = load_mapping(path, problems, "a layout (trim:, grid:, styles: …)")
    if root is None:
        return None
    before = len(problems.items)
    check_keys(root, LAYOUT_FIELDS, fname, problems, "layout")

    def get(node: yaml.Node | None, key: str, required: bool = True) -> yaml.Node | None:
        return node_get(node, key, fname, problems, required=required)

    trim = get(root, "trim")
    check_keys(trim, {"width", "height"}, fname, problems, "trim")
    trim_w = _length(get(trim, "width"), fname, problems, "50mm", "2000mm", "the trim width")
    trim_h = _length(get(trim, "height"), fname, problems, "50mm", "2000mm", "the trim height")
    bleed = _length(get(root, "bleed"), fname, problems, "3mm", "20mm", "the bleed (the printer's minimum is 3mm)")
    margins = get(root, "margins")
    check_keys(margins, {"top", "left"}, fname, problems, "margins")
    m_top = _length(get(margins, "top"), fname, problems, "0mm", "500mm", "a margin")
    m_left = _length(get(margins, "left"), fname, problems, "0mm", "500mm", "a margin")
    header = get(root, "header")
    check_keys(header, {"height"}, fname, problems, "header")
    header_h = _length(get(header, "height"), fname, problems, "0mm", "500mm", "the header height")
    grid = get(root, "grid")
    check_keys(grid, {"columns", "characters", "gutter", "lines", "body"}, fname, problems, "grid")
    columns = node_int(get(grid, "columns"), fname, problems, 1, 40)
    chars = node_int(get(grid, "characters"), fname, problems, 1, 200)
    gutter = node_int(get(grid, "gutter"), fname, problems, 0, 10)
    lines = node_int(get(grid, "lines"), fname, problems, 1, 1000)
    body_node = get(grid, "body")
    body_name = node_str(body_node, fname, problems)

    colors: dict[str, CMYK] = {"black": BLACK}
    for k, v in mapping_items(get(root, "colors", required=False), fname, problems):
        c = _color(v, fname, problems, {})
        if c is not None:
            colors[k.value] = c

    styles: dict[str, Style] = {}
    styles_node = get(root, "styles")
    for k, v in mapping_items(styles_node, fname, problems):
        check_keys(v, STYLE_FIELDS, fname, problems, f"style '{k.value}'")
        font = _face_id(get(v, "font"), k.value, fonts, fname, problems)
        marks_font = _face_id(get(v, "marks-font", required=False), k.value, fonts, fname, problems)
        size = _length(get(v, "size"), fname, problems, "4pt", "200pt", "a type size")
        leading_node = get(v, "leading", required=False)
        leading = _length(leading_node, fname, problems, "4pt", "2000pt", "a leading")
        if size and leading and leading_node is not None and not size <= leading <= 10 * size:
            problems.add(fname, mark(leading_node), f"the leading of style '{k.value}' must lie between its "
                         f"size and ten times it ({size / 1000:g}pt–{size / 100:g}pt), got {leading_node.value}")
            leading = None
        color = _color(get(v, "color", required=False), fname, problems, colors) or BLACK
        if font and size and (leading or leading_node is None):
            styles[k.value] = Style(k.value, font, size, leading or round(size * 1.4), color, marks_font)
    if styles_node is not None:
        for name in REQUIRED_STYLES:
            if name not in styles and not any(k.value == name for k, _ in styles_node.value):
                problems.add(fname, styles_node.start_mark, f"missing style '{name}'")
    body = None
    if body_name is not None:
        body = styles.get(body_name)
        if body is None and body_node is not None:
            problems.add(fname, body_node.start_mark, f"unknown style '{body_name}' for the grid's body")
    lb = get(root, "linebreak", required=False)
    check_keys(lb, {"rules", "max-stretch", "latin-gap", "punctuation"}, fname, problems, "linebreak")
    punct_node = get(lb, "punctuation", required=False)
    punctuation = node_str(punct_node, fname, problems) or "quanjiao"
    if punctuation not in HOUSE_STYLES:
        problems.add(fname, mark(punct_node), f"unknown punctuation style '{punctuation}' (expected one of: "
                     f"{', '.join(HOUSE_STYLES)})")
    rules_node = get(lb, "rules", required=False)
    rules = node_str(rules_node, fname, problems) or "strict"
    if rules not in ("strict", "loose"):
        problems.add(fname, mark(rules_node), f"unknown rule set '{rules}' (expected strict or loose)")

    def _float(key: str, default: float, high: float) -> float:
        value = node_number(get(lb, key, required=False), fname, problems, f"{key} (ems)", 0.0, high)
        return default if value is None else value

    max_stretch = _float("max-stretch", 0.25, 2.0)
    latin_gap = _float("latin-gap", 0.25, 1.0)
    print_settings = _print_settings(get(root, "print", required=False), path, problems)
    copyfit = None
    cf_node = get(root, "copyfit", required=False)
    if cf_node is not None:
        known = ("body-columns", "headline-lines", "headline-space", "byline-space")
        copyfit = tuple(node_str(n, fname, problems) or "" for n in node_list(cf_node, fname, problems))
        for n, means in zip(node_list(cf_node, fname, problems), copyfit, strict=True):
            if means not in known:
                problems.add(fname, n.start_mark, f"unknown copyfit means {means!r} (known: {', '.join(known)})")
    table = _table_style(get(root, "table", required=False), fname, problems, colors)
    if len(problems.items) > before or None in (trim_w, trim_h, bleed, m_top, m_left, header_h, columns, chars,
                                                 gutter, lines) or body is None:
        return None
    assert trim_w is not None and trim_h is not None and bleed is not None and m_top is not None
    assert m_left is not None and header_h is not None and columns is not None and chars is not None
    assert gutter is not None and lines is not None
    name = node_str(get(root, "name", required=False), fname, problems) or path.stem
    layout = Layout(name, path, trim_w, trim_h, bleed, m_top, m_left, header_h, columns, chars, gutter, lines,
                    body, styles, rules, max_stretch, latin_gap, colors, print=print_settings,
                    punctuation=punctuation, copyfit=copyfit, table=table)
    if layout.margin_left + layout.area_w > layout.trim_w or layout.grid_top + layout.area_h > layout.trim_h:
        problems.add(fname, mark(grid),
                     f"the type area ({layout.area_w / 2834.6:.1f} × {layout.area_h / 2834.6:.1f} mm at "
                     f"{layout.margin_left / 2834.6:.1f}, {layout.grid_top / 2834.6:.1f} mm) does not fit the trim")
        return None
    mh_node = get(root, "masthead", required=False)
    if mh_node is not None:  # a front-page layout
        from .layout.masthead import check_fits, load_masthead

        masthead = load_masthead(mh_node, path, columns, lines, set(styles), problems)
        if masthead is None:
            return None
        layout = dataclasses.replace(layout, masthead=masthead)
        check_fits(layout, problems)
        if len(problems.items) > before:
            return None
    return layout


def _table_style(node: yaml.Node | None, fname: str, problems: Problems, colors: dict[str, CMYK]) -> TableStyle:
    """The layout's table: section (every field optional)."""
    default = TableStyle()
    if node is None:
        return default
    check_keys(node, TABLE_STYLE_FIELDS, fname, problems, "table")
    rule = _length(node_get(node, "rule", fname, problems), fname, problems, "0pt", "3pt", "a table rule")
    header_rule = _length(node_get(node, "header-rule", fname, problems), fname, problems, "0pt", "3pt",
                          "a table rule")
    color = _color(node_get(node, "color", fname, problems), fname, problems, colors)
    gap = node_int(node_get(node, "gap", fname, problems), fname, problems, 1, 10)
    return TableStyle(default.rule if rule is None else rule, default.header_rule if header_rule is None else
                      header_rule, color or default.color, gap or default.gap)


def _print_settings(node: yaml.Node | None, path: Path, problems: Problems) -> PrintSettings:
    """The layout's print: section — PDF/X flavour, printing condition, ink limit, file names."""
    fname = str(path)
    if node is None:
        return PrintSettings()
    check_keys(node, PRINT_FIELDS, fname, problems, "print")

    def get(n: yaml.Node | None, key: str, required: bool = False) -> yaml.Node | None:
        return node_get(n, key, fname, problems, required=required)

    defaults = PrintSettings()
    pdfx_node = get(node, "pdfx")
    pdfx = node_str(pdfx_node, fname, problems) or defaults.pdfx
    if pdfx not in PDFX_VERSIONS:
        problems.add(fname, mark(pdfx_node), f"unknown PDF/X version '{pdfx}' (expected one of: "
                     f"{', '.join(PDFX_VERSIONS)})")
    intent = None
    inode = get(node, "output-intent")
    if inode is not None:
        check_keys(inode, INTENT_FIELDS, fname, problems, "output-intent")
        pnode = get(inode, "profile", True)
        prof = node_str(pnode, fname, problems)
        cond = node_str(get(inode, "condition", True), fname, problems)
        registry = node_str(get(inode, "registry"), fname, problems) or "http://www.color.org"
        info = node_str(get(inode, "info"), fname, problems) or (cond or "")
        if prof is not None:
            candidates = profile_candidates(prof, path)
            ppath = next((p for p in candidates if p.is_file()), candidates[0])
            if not ppath.is_file():
                problems.add(fname, mark(pnode), f"output profile {prof} not found (looked at {ppath})")
            elif (why := _not_cmyk_output_profile(ppath)) is not None:
                problems.add(fname, mark(pnode), f"output profile {prof}: {why}")
            elif cond is not None:
                intent = OutputIntent(ppath, cond, registry, info)
    ink = node_int(get(node, "ink-limit"), fname, problems, 100, 400)
    ppi = node_int(get(node, "min-ppi"), fname, problems, 1, 2400)
    fnode = get(node, "file-name")
    file_name = node_str(fnode, fname, problems) or defaults.file_name
    if fnode is not None and (why := _bad_file_name_pattern(file_name)) is not None:
        problems.add(fname, fnode.start_mark, f"bad file-name pattern: {why}")
        file_name = defaults.file_name
    slug = node_flag(get(node, "slug"), fname, problems)
    return PrintSettings(pdfx, intent, ink or defaults.ink_limit, ppi or defaults.min_ppi, file_name, slug)


def load_issue(path: Path, fonts: FontBook, layouts_dir: Path | Sequence[Path], problems: Problems) -> Issue | None:
    fname = str(path)
    root = load_mapping(path, problems, "an issue manifest (paper:, date:, pages: …)")
    if root is None:
        return None
    check_keys(root, ISSUE_FIELDS, fname, problems, "issue")

    def get(node: yaml.Node | None, key: str, required: bool = True) -> yaml.Node | None:
        return node_get(node, key, fname, problems, required=required)

    paper = node_str(get(root, "paper"), fname, problems)
    date_node = get(root, "date")
    date = None
    if date_node is not None:
        try:
            date = dt.date.fromisoformat(str(date_node.value))
        except ValueError:
            problems.add(fname, date_node.start_mark, f"expected a date YYYY-MM-DD, got {date_node.value!r}")
    number = node_str(get(root, "number", required=False), fname, problems)
    code = node_str(get(root, "code", required=False), fname, problems)
    id_node = get(root, "id", required=False)
    issue_id = node_str(id_node, fname, problems) or (str(date) if date else path.parent.name)
    if not SAFE_NAME.fullmatch(issue_id) or issue_id.startswith("."):
        problems.add(fname, id_node.start_mark if id_node is not None else None,
                     f"the issue id {issue_id!r} names the output folder: letters, digits, '-', '_' and '.' only")
    if code is not None and not SAFE_NAME.fullmatch(code):
        problems.add(fname, mark(get(root, "code")), f"the paper code {code!r} goes into file names: letters, "
                     "digits, '-', '_' and '.' only")
    front = _front_fields(root, path, problems)
    layouts: dict[str, Layout | None] = {}
    pages = []
    pages_node = get(root, "pages")
    if isinstance(pages_node, yaml.SequenceNode) and not pages_node.value:
        problems.add(fname, pages_node.start_mark, "an issue needs at least one page")
    numbers: dict[int, int] = {}  # page number → manifest line
    for pnode in node_list(pages_node, fname, problems):
        check_keys(pnode, PAGE_FIELDS, fname, problems, "page")
        num_node = get(pnode, "number")
        number_p = node_int(num_node, fname, problems, 1, 999)
        if number_p is not None and num_node is not None:
            if number_p in numbers:
                problems.add(fname, mark(num_node), f"page {number_p} twice (first at line {numbers[number_p]})")
            numbers.setdefault(number_p, num_node.start_mark.line + 1)
        name = node_str(get(pnode, "name"), fname, problems)
        editor = node_str(get(pnode, "editor", required=False), fname, problems) or ""
        lnode = get(pnode, "layout")
        lname = node_str(lnode, fname, problems)
        layout = None
        if lname is not None and not SAFE_NAME.fullmatch(lname):
            problems.add(fname, mark(lnode), f"a layout is named, not a path: {lname!r} (letters, digits, "
                         "'-', '_' and '.'; read from the project's layouts/ folder)")
            lname = None
        if lname is not None:
            if lname not in layouts:
                dirs = [layouts_dir] if isinstance(layouts_dir, Path) else list(layouts_dir)
                lpath = next((p for d in dirs if (p := d / f"{lname}.yaml").is_file()), dirs[0] / f"{lname}.yaml")
                if not lpath.is_file():
                    known = sorted({p.stem for d in dirs for p in d.glob("*.yaml")})
                    where = ", ".join(str(d) for d in dirs)
                    problems.add(fname, mark(lnode),
                                 f"unknown layout '{lname}' (known: {', '.join(known) or 'none'} in {where})",
                                 hint=_did_you_mean(lname, known))
                    layouts[lname] = None
                else:
                    layouts[lname] = load_layout(lpath, fonts, problems)
            layout = layouts[lname]
        modules: list[Module] = []
        if layout is not None and layout.masthead is not None:  # a front layout: its masthead comes first
            from .layout.masthead import masthead_module

            if layout.masthead.barcode is not None and front.get("ean13") is None:
                problems.add(fname, mark(lnode), f"the layout '{layout.name}' has a masthead barcode slot: "
                             "the issue needs ean13: (the periodical's 977… EAN-13)")
            if layout.masthead.barcode is not None and front.get("ean13") and front.get("addon") is None:
                from .layout.masthead import addon_for

                if addon_for(number) is None:
                    problems.add(fname, mark(lnode), "the masthead barcode's add-on: give addon: or a number: "
                                 "with digits (its last two are the add-on)")
            front_module = masthead_module(layout)
            if front_module is not None:
                modules.append(front_module)
        for mnode in node_list(get(pnode, "modules"), fname, problems):
            m = _module(mnode, path, layout, problems)
            if m is not None:
                modules.append(m)
        if layout is not None:
            _check_overlaps(modules, fname, problems)
        if number_p is not None and name is not None and layout is not None:
            pages.append(PageSpec(number_p, name, layout, editor, tuple(modules)))
    _check_jumps(pages, fname, problems)
    if problems or paper is None or date is None:
        return None
    issue = Issue(issue_id, path, paper, code or issue_id, date, number, tuple(pages), **front)
    _check_file_names(issue, root, fname, problems)
    return None if problems else issue


def _front_fields(root: yaml.Node, path: Path, problems: Problems) -> dict:
    """The issue's masthead data: cn:, post-code:, ean13: (check digit verified), addon:, nameplate: (a file)."""
    fname = str(path)
    out: dict = {}
    for key in ("cn", "post-code", "ean13", "addon", "nameplate"):
        node = node_get(root, key, fname, problems, required=False)
        if node is None:
            continue
        value = node_str(node, fname, problems)
        if value is None:
            continue
        if key == "ean13":
            from .layout.furniture import FurnitureError, verify_ean13

            try:
                value = verify_ean13(value)
            except FurnitureError as e:
                problems.add(fname, node.start_mark, str(e))
                continue
        elif key == "addon" and not (value.isdigit() and len(value) == 2):
            problems.add(fname, node.start_mark, f"addon: two digits (the EAN-2 add-on), not {value!r}")
            continue
        elif key == "nameplate":
            from .layout.masthead import nameplate_file

            target, why = nameplate_file(path.parent, value)
            if why:
                problems.add(fname, node.start_mark, why)
                continue
            out[key.replace("-", "_")] = target
            continue
        out[key.replace("-", "_")] = value
    return out


def print_file_name(issue: Issue, page: PageSpec) -> str:
    """The plate-setter's name for a page's PDF, from its layout's print.file-name pattern."""
    return page.layout.print.file_name.format(issue=issue.id, code=issue.code, date=f"{issue.date:%Y%m%d}",
                                              page=page.number)


def _check_file_names(issue: Issue, root: yaml.Node, fname: str, problems: Problems) -> None:
    """Every page gets a print file of its own, a plain name that cannot collide with the whole issue's."""
    names: dict[str, int] = {}
    whole = f"{issue.id}.pdf" if len(issue.pages) > 1 else None
    for page in issue.pages:
        name = print_file_name(issue, page)
        if not SAFE_NAME.fullmatch(name) or not name.endswith(".pdf"):
            problems.add(fname, root.start_mark, f"page {page.number}'s print file name {name!r} is not a plain "
                         "file name (the code, id and file-name pattern make it)")
        elif name in names:
            problems.add(fname, root.start_mark, f"pages {names[name]} and {page.number} would both be written "
                         f"to print/{name}: make the layout's file-name pattern include {{page}}")
        elif name == whole:
            problems.add(fname, root.start_mark, f"page {page.number}'s print file print/{name} is the whole "
                         "issue's file name")
        names.setdefault(name, page.number)


def _module(node: yaml.Node, issue_path: Path, layout: Layout | None, problems: Problems) -> Module | None:
    fname = str(issue_path)
    check_keys(node, MODULE_FIELDS, fname, problems, "module")

    def get(key: str, required: bool = True) -> yaml.Node | None:
        return node_get(node, key, fname, problems, required=required)

    art_node, head_node, fig_node = get("article", False), get("head", False), get("figure", False)
    furn_nodes = {k: get(k, False) for k in ("barcode", "qr", "chart", "masthead")}
    if sum(n is not None for n in (art_node, head_node, fig_node, *furn_nodes.values())) != 1:
        problems.add(fname, node.start_mark,
                     "a module has one of article: (a file), head: (a column head), figure: (an image file), "
                     "barcode:, qr:, chart: or masthead:")
        return None
    furniture = None
    for kind, fnode in furn_nodes.items():
        if fnode is not None:
            from .layout.furniture import check_spec

            furniture = check_spec(kind, fnode, fname, problems)
            if furniture is None:
                return None
    def existing(n: yaml.Node | None, what: str) -> Path | None:
        """The file a module names, relative to the manifest; a located problem when it is not there."""
        rel = node_str(n, fname, problems)
        if rel is None:
            return None
        target = issue_path.parent / rel
        try:
            found = target.is_file()
        except OSError as e:  # a name too long, a loop of links
            problems.add(fname, mark(n), f"{what} file {rel[:80]}: {e.strerror or e}")
            return None
        if not found:
            problems.add(fname, mark(n), f"{what} file {rel} not found (looked in {target.parent})")
            return None
        return target

    apath = existing(art_node, "article")
    story = load_story(apath, problems) if apath is not None else None
    figure = existing(fig_node, "image")
    if figure is not None and (why := image_problem(figure)) is not None:
        problems.add(fname, mark(fig_node), f"image file {figure.name}: {why}")
        figure = None
    # captions, credits and column heads are normalised like body text (normalize: false on the module: not)
    enabled = node_flag(get("normalize", False), fname, problems, default=True)
    changes: list[Normalisation] = []

    def text_of(n: yaml.Node | None, names: bool = False) -> str | None:
        text = node_str(n, fname, problems)
        if text is None or n is None or not enabled:
            return text
        return normalised(text, _source(fname, n), changes, names)

    caption = text_of(get("caption", False))
    credit = text_of(get("credit", False), names=True)
    head = text_of(head_node)
    col = node_int(get("column"), fname, problems, 1)
    span = node_int(get("span"), fname, problems, 1)
    line_node, lines_node = get("line", False), get("lines", False)
    vertical = node_flag(get("vertical", False), fname, problems)
    line = node_int(line_node, fname, problems, 1) if line_node is not None else None
    if lines_node is None or (isinstance(lines_node, yaml.ScalarNode) and lines_node.value == "auto"):
        lines = None  # sized from its copy by the planner
        if story is None and (figure is not None or furniture is not None or (head is not None and vertical)):
            problems.add(fname, node.start_mark, "a figure, a vertical column head or furniture needs lines: (articles "
                         "and column heads size themselves)")
    else:
        lines = node_int(lines_node, fname, problems, 1)
        if lines is None:
            return None
    body_cols = node_int(get("columns", False), fname, problems, 1)
    box = node_flag(get("box", False), fname, problems)
    if col is None or span is None or (line_node is not None and line is None):
        return None
    if layout is not None:
        first, last = line or 1, (line or 1) + (lines or 1) - 1
        if col + span - 1 > layout.columns or last > layout.lines:
            problems.add(fname, node.start_mark,
                         f"module outside the grid: columns {col}–{col + span - 1}, lines {first}–{last}"
                         f" (the layout '{layout.name}' has {layout.columns} columns × {layout.lines} lines)")
            return None
        if furniture is not None and lines is not None:
            from .layout.furniture import fit_problem

            why = fit_problem(*furniture, span * layout.col_w + (span - 1) * layout.gutter, lines * layout.pitch)
            if why:
                problems.add(fname, node.start_mark, why)
                return None
    jump = _jump(get("continue", False), fname, problems)
    if jump is not None and story is None:
        problems.add(fname, node.start_mark, "only an article continues on another page (continue:)")
        jump = None
    if story is None and head is None and figure is None and furniture is None:
        return None
    where = (fname, node.start_mark.line + 1, node.start_mark.column + 1)
    return Module(story, head, figure, caption, credit, col, span, line, lines, body_cols or span, box, where,
                  vertical, furniture, auto_columns=body_cols is None, jump=jump, normalisations=tuple(changes))


def _jump(node: yaml.Node | None, fname: str, problems: Problems) -> Jump | None:
    if node is None:
        return None
    if not isinstance(node, yaml.MappingNode):
        problems.add(fname, node.start_mark, "continue: names the page the article goes on to, e.g. "
                     "{page: 2} or {page: 2, column: 1, span: 3}")
        return None
    check_keys(node, JUMP_FIELDS, fname, problems, "continue")

    def num(key: str, required: bool = False) -> int | None:
        return node_int(node_get(node, key, fname, problems, required=required), fname, problems, 1, 999)

    page = num("page", True)
    if page is None:
        return None
    return Jump(page, num("column"), num("span"), num("line"), num("lines"), num("columns"),
                (fname, node.start_mark.line + 1, node.start_mark.column + 1))


def _check_jumps(pages: list[PageSpec], fname: str, problems: Problems) -> None:
    """A jump goes to another page of the issue, into its grid; an article is continued once."""
    by_number = {p.number: p for p in pages}
    for spec in pages:
        for m in spec.modules:
            j = m.jump
            if j is None:
                continue
            w = j.where
            dest = by_number.get(j.page)
            if dest is None:
                problems.add(w[0], Mark(w[1], w[2]), f"continue: page {j.page} is not in this issue "
                             f"(pages: {', '.join(str(n) for n in by_number)})")
                continue
            if dest is spec:
                problems.add(w[0], Mark(w[1], w[2]), "an article continues on another page, not its own")
                continue
            col, span = j.column or m.column, j.span or m.span
            if col + span - 1 > dest.layout.columns:
                problems.add(w[0], Mark(w[1], w[2]), f"the continuation's columns {col}–{col + span - 1} "
                             f"are outside page {j.page}'s {dest.layout.columns} columns")


FILE_FIELDS = ("issue", "code", "date", "page")
SAFE_NAME = re.compile(r"[A-Za-z0-9\u3400-\u9fff][A-Za-z0-9_.\-\u3400-\u9fff]{0,99}")


def _bad_file_name_pattern(pattern: str) -> str | None:
    """Why a print file-name pattern is unsafe or unusable, or None: plain names inside print/, known fields."""
    try:
        parts = list(string.Formatter().parse(pattern))
    except ValueError as e:
        return str(e)
    for _, field_name, spec, _ in parts:
        if field_name is None:
            continue
        if field_name not in FILE_FIELDS:
            return f"unknown field {{{field_name}}} (fields: {' '.join('{' + f + '}' for f in FILE_FIELDS)})"
        if spec and not re.fullmatch(r"0?[0-9]{0,2}d?", spec):
            return f"format '{spec}' for {{{field_name}}} (only widths such as {{page:02d}})"
    try:
        sample = pattern.format(issue="2024-01-01", code="CODE", date="20240101", page=1)
    except (ValueError, TypeError) as e:
        return str(e)
    if not sample.endswith(".pdf") or not SAFE_NAME.fullmatch(sample):
        return (f"gives {sample!r}; a print file name is letters, digits, '-', '_' and '.', ends in .pdf, and "
                "names no folder")
    return None


IMAGE_FORMATS = ("JPEG", "PNG", "TIFF")
IMAGE_MODES = ("1", "L", "LA", "P", "RGB", "RGBA", "CMYK")
MAX_PIXELS = 60_000_000  # 60 megapixels: a 300 ppi photo across a whole broadsheet page is under 30
MIN_PIXELS = 16  # per side


def image_problem(path: Path) -> str | None:
    """Why a photo cannot be placed, or None: format, size, colour model, truncation, embedded profile."""
    import io

    from PIL import Image as PILImage
    from PIL import ImageCms

    try:
        with PILImage.open(path) as im:
            if im.format not in IMAGE_FORMATS:
                return f"a {im.format or 'unknown'} image; photos are JPEG, PNG or TIFF"
            w, h = im.size
            if w * h > MAX_PIXELS:
                return f"{w} × {h} pixels is over the limit of {MAX_PIXELS // 1_000_000} megapixels"
            if min(w, h) < MIN_PIXELS:
                return f"{w} × {h} pixels; a photo has at least {MIN_PIXELS} pixels a side"
            if im.mode not in IMAGE_MODES:
                return f"pixel mode {im.mode} (expected 8-bit grey, RGB or CMYK)"
            icc = im.info.get("icc_profile")
            im.load()  # decodes every pixel: a truncated file fails here, not in the PDF writer
        if icc:
            try:
                ImageCms.ImageCmsProfile(io.BytesIO(icc))
            except (OSError, ImageCms.PyCMSError) as e:
                return f"its embedded ICC profile cannot be read ({e})"
    except PILImage.DecompressionBombError as e:
        return str(e)
    except (OSError, ValueError, SyntaxError, EOFError) as e:
        return f"cannot be read ({e})"
    return None


def _not_cmyk_output_profile(path: Path) -> str | None:
    """Why a file is not a CMYK output ICC profile, or None."""
    try:
        from PIL import ImageCms

        prof = ImageCms.getOpenProfile(str(path))
        space = prof.profile.xcolor_space.strip()
        klass = prof.profile.device_class.strip()
    except (OSError, ImageCms.PyCMSError, ValueError) as e:
        return f"not an ICC profile ({e})"
    if space != "CMYK":
        return f"an ICC profile for {space}, not CMYK"
    if klass not in ("prtr", "mntr", "scnr"):
        return f"an ICC profile of class '{klass}', not an output profile"
    return None


def _check_overlaps(modules: list[Module], fname: str, problems: Problems) -> None:
    pinned = [(m, m.line, m.lines) for m in modules if m.line is not None and m.lines is not None]  # the planner
    for i, (a, al, an) in enumerate(pinned):  # checks the rest
        for b, bl, bn in pinned[i + 1:]:
            if (a.column < b.column + b.span and b.column < a.column + a.span
                    and al < bl + bn and bl < al + an):
                problems.add(fname, Mark(b.where[1], b.where[2]),
                             f"module '{b.name}' overlaps module '{a.name}' (line {a.where[1]})")
