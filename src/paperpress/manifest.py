"""Issue manifests and page layouts (YAML) → Issue and Layout, every problem located."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import Mark, Problems
from .fonts import FontBook
from .linebreak.breaker import HOUSE_STYLES
from .linebreak.rules_zh import CLOSING, MIDDLE, OPENING
from .model import BLACK, CMYK
from .stories import Story, load_story
from .units import parse_length
from .yamlsrc import check_keys, load_mapping, mapping_items, node_get, node_int, node_list, node_str

FULL_WIDTH_MARKS = OPENING | CLOSING | MIDDLE
STYLE_FIELDS = {"font", "size", "leading", "color", "marks-font"}
LAYOUT_FIELDS = {"name", "trim", "bleed", "margins", "header", "grid", "styles", "linebreak", "colors", "print",
                 "copyfit"}
PRINT_FIELDS = {"pdfx", "output-intent", "ink-limit", "min-ppi", "file-name", "slug"}
INTENT_FIELDS = {"profile", "condition", "registry", "info"}
PDFX_VERSIONS = ("PDF/X-4", "PDF/X-1a:2001")
ISSUE_FIELDS = {"paper", "code", "date", "number", "id", "pages"}
PAGE_FIELDS = {"number", "name", "layout", "editor", "modules"}
MODULE_FIELDS = {"article", "head", "figure", "caption", "credit", "column", "span", "line", "lines", "columns",
                 "box", "vertical"}
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
    auto_columns: bool = False  # no `columns:` given: copyfit may set fewer body columns than the span

    @property
    def name(self) -> str:
        if self.story:
            return self.story.id
        return f"figure:{self.figure.name}" if self.figure else f"head:{self.head}"


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


def _length(node: yaml.Node | None, fname: str, problems: Problems, required_key: str = "") -> int | None:
    if node is None:
        return None
    try:
        return parse_length(node.value if isinstance(node, yaml.ScalarNode) else None)
    except ValueError as e:
        problems.add(fname, node.start_mark, str(e))
        return None


def _color(node: yaml.Node | None, fname: str, problems: Problems, colors: dict[str, CMYK]) -> CMYK | None:
    if node is None:
        return None
    if isinstance(node, yaml.ScalarNode) and node.value in colors:
        return colors[node.value]
    if isinstance(node, yaml.SequenceNode) and len(node.value) == 4:
        try:
            vals = tuple(float(v.value) / 100.0 for v in node.value)
        except ValueError:
            vals = ()
        if len(vals) == 4 and all(0 <= v <= 1 for v in vals):
            return vals  # type: ignore[return-value]
    problems.add(fname, node.start_mark, "expected a colour: a name from colors: or [C, M, Y, K] in percent")
    return None


def _face_id(node: yaml.Node | None, style: str, fonts: FontBook, fname: str, problems: Problems) -> str | None:
    """A face id a style names, checked against the catalog."""
    font = node_str(node, fname, problems)
    if font is not None and font not in fonts:
        problems.add(fname, node.start_mark, f"unknown font '{font}' in style '{style}' (the catalog "
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
    trim_w = _length(get(trim, "width"), fname, problems)
    trim_h = _length(get(trim, "height"), fname, problems)
    bleed = _length(get(root, "bleed"), fname, problems)
    margins = get(root, "margins")
    check_keys(margins, {"top", "left"}, fname, problems, "margins")
    m_top = _length(get(margins, "top"), fname, problems)
    m_left = _length(get(margins, "left"), fname, problems)
    header = get(root, "header")
    check_keys(header, {"height"}, fname, problems, "header")
    header_h = _length(get(header, "height"), fname, problems)
    grid = get(root, "grid")
    check_keys(grid, {"columns", "characters", "gutter", "lines", "body"}, fname, problems, "grid")
    columns = node_int(get(grid, "columns"), fname, problems, 1)
    chars = node_int(get(grid, "characters"), fname, problems, 1)
    gutter = node_int(get(grid, "gutter"), fname, problems, 0)
    lines = node_int(get(grid, "lines"), fname, problems, 1)
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
        size = _length(get(v, "size"), fname, problems)
        leading = _length(get(v, "leading", required=False), fname, problems)
        color = _color(get(v, "color", required=False), fname, problems, colors) or BLACK
        if font and size:
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
        problems.add(fname, punct_node.start_mark, f"unknown punctuation style '{punctuation}' (expected one of: "
                     f"{', '.join(HOUSE_STYLES)})")
    rules_node = get(lb, "rules", required=False)
    rules = node_str(rules_node, fname, problems) or "strict"
    if rules not in ("strict", "loose"):
        problems.add(fname, rules_node.start_mark, f"unknown rule set '{rules}' (expected strict or loose)")

    def _float(key: str, default: float) -> float:
        node = get(lb, key, required=False)
        if node is None:
            return default
        try:
            return float(node.value)
        except (TypeError, ValueError):
            problems.add(fname, node.start_mark, f"expected a number of ems for {key}")
            return default

    max_stretch = _float("max-stretch", 0.25)
    latin_gap = _float("latin-gap", 0.25)
    print_settings = _print_settings(get(root, "print", required=False), path, problems)
    copyfit = None
    cf_node = get(root, "copyfit", required=False)
    if cf_node is not None:
        known = ("body-columns", "headline-space", "byline-space")
        copyfit = tuple(node_str(n, fname, problems) or "" for n in node_list(cf_node, fname, problems))
        for n, means in zip(node_list(cf_node, fname, problems), copyfit, strict=True):
            if means not in known:
                problems.add(fname, n.start_mark, f"unknown copyfit means {means!r} (known: {', '.join(known)})")
    if len(problems.items) > before or None in (trim_w, trim_h, bleed, m_top, m_left, header_h, columns, chars,
                                                 gutter, lines) or body is None:
        return None
    name = node_str(get(root, "name", required=False), fname, problems) or path.stem
    layout = Layout(name, path, trim_w, trim_h, bleed, m_top, m_left, header_h, columns, chars, gutter, lines,
                    body, styles, rules, max_stretch, latin_gap, colors, print=print_settings,
                    punctuation=punctuation, copyfit=copyfit)
    if layout.margin_left + layout.area_w > layout.trim_w or layout.grid_top + layout.area_h > layout.trim_h:
        problems.add(fname, grid.start_mark,
                     f"the type area ({layout.area_w / 2834.6:.1f} × {layout.area_h / 2834.6:.1f} mm at "
                     f"{layout.margin_left / 2834.6:.1f}, {layout.grid_top / 2834.6:.1f} mm) does not fit the trim")
        return None
    return layout


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
        problems.add(fname, pdfx_node.start_mark, f"unknown PDF/X version '{pdfx}' (expected one of: "
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
            ppath = (path.parent.parent / prof) if not Path(prof).is_absolute() else Path(prof)
            if not ppath.is_file():
                problems.add(fname, pnode.start_mark, f"output profile {prof} not found (looked at {ppath})")
            elif cond is not None:
                intent = OutputIntent(ppath, cond, registry, info)
    ink = node_int(get(node, "ink-limit"), fname, problems, 100)
    ppi = node_int(get(node, "min-ppi"), fname, problems, 1)
    fnode = get(node, "file-name")
    file_name = node_str(fnode, fname, problems) or defaults.file_name
    try:
        file_name.format(issue="x", code="x", date="20240101", page=1)
    except (KeyError, ValueError, IndexError) as e:
        problems.add(fname, fnode.start_mark, f"bad file-name pattern ({e}); fields: {{issue}} {{code}} {{date}} "
                     f"{{page}}")
    slug = _flag(get(node, "slug"), fname, problems)
    return PrintSettings(pdfx, intent, ink or defaults.ink_limit, ppi or defaults.min_ppi, file_name, slug)


def load_issue(path: Path, fonts: FontBook, layouts_dir: Path, problems: Problems) -> Issue | None:
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
    issue_id = node_str(get(root, "id", required=False), fname, problems) or (
        str(date) if date else path.parent.name)
    layouts: dict[str, Layout | None] = {}
    pages = []
    for pnode in node_list(get(root, "pages"), fname, problems):
        check_keys(pnode, PAGE_FIELDS, fname, problems, "page")
        number_p = node_int(get(pnode, "number"), fname, problems, 1)
        name = node_str(get(pnode, "name"), fname, problems)
        editor = node_str(get(pnode, "editor", required=False), fname, problems) or ""
        lnode = get(pnode, "layout")
        lname = node_str(lnode, fname, problems)
        layout = None
        if lname is not None:
            if lname not in layouts:
                lpath = layouts_dir / f"{lname}.yaml"
                if not lpath.is_file():
                    known = sorted(p.stem for p in layouts_dir.glob("*.yaml"))
                    problems.add(fname, lnode.start_mark,
                                 f"unknown layout '{lname}' (known: {', '.join(known) or 'none'} in {layouts_dir})")
                    layouts[lname] = None
                else:
                    layouts[lname] = load_layout(lpath, fonts, problems)
            layout = layouts[lname]
        modules = []
        for mnode in node_list(get(pnode, "modules"), fname, problems):
            m = _module(mnode, path, layout, problems)
            if m is not None:
                modules.append(m)
        if layout is not None:
            _check_overlaps(modules, fname, problems)
        if number_p is not None and name is not None and layout is not None:
            pages.append(PageSpec(number_p, name, layout, editor, tuple(modules)))
    if problems or paper is None or date is None:
        return None
    return Issue(issue_id, path, paper, code or issue_id, date, number, tuple(pages))


def _module(node: yaml.Node, issue_path: Path, layout: Layout | None, problems: Problems) -> Module | None:
    fname = str(issue_path)
    check_keys(node, MODULE_FIELDS, fname, problems, "module")

    def get(key: str, required: bool = True) -> yaml.Node | None:
        return node_get(node, key, fname, problems, required=required)

    art_node, head_node, fig_node = get("article", False), get("head", False), get("figure", False)
    if sum(n is not None for n in (art_node, head_node, fig_node)) != 1:
        problems.add(fname, node.start_mark,
                     "a module has one of article: (a file), head: (a column head) or figure: (an image file)")
        return None
    def existing(n: yaml.Node | None, what: str) -> Path | None:
        """The file a module names, relative to the manifest; a located problem when it is not there."""
        rel = node_str(n, fname, problems)
        if rel is None:
            return None
        target = issue_path.parent / rel
        if not target.is_file():
            problems.add(fname, n.start_mark, f"{what} file {rel} not found (looked in {target.parent})")
            return None
        return target

    apath = existing(art_node, "article")
    story = load_story(apath, problems) if apath is not None else None
    figure = existing(fig_node, "image")
    if figure is not None:
        try:
            from PIL import Image as PILImage

            with PILImage.open(figure) as im:
                im.verify()
        except Exception as e:  # noqa: BLE001 - any decoder error means the file cannot be placed
            problems.add(fname, fig_node.start_mark, f"image file {figure.name} cannot be read ({e})")
            figure = None
    caption = node_str(get("caption", False), fname, problems)
    credit = node_str(get("credit", False), fname, problems)
    head = node_str(head_node, fname, problems)
    col = node_int(get("column"), fname, problems, 1)
    span = node_int(get("span"), fname, problems, 1)
    line_node, lines_node = get("line", False), get("lines", False)
    line = node_int(line_node, fname, problems, 1) if line_node is not None else None
    if lines_node is None or (isinstance(lines_node, yaml.ScalarNode) and lines_node.value == "auto"):
        lines = None  # sized from its copy by the planner
        if story is None and (head is not None or figure is not None):
            problems.add(fname, node.start_mark, "a column head or figure needs lines: (only articles size themselves)")
    else:
        lines = node_int(lines_node, fname, problems, 1)
        if lines is None:
            return None
    body_cols = node_int(get("columns", False), fname, problems, 1)
    box = _flag(get("box", False), fname, problems)
    vertical = _flag(get("vertical", False), fname, problems)
    if None in (col, span) or (line_node is not None and line is None):
        return None
    if layout is not None:
        first, last = line or 1, (line or 1) + (lines or 1) - 1
        if col + span - 1 > layout.columns or last > layout.lines:
            problems.add(fname, node.start_mark,
                         f"module outside the grid: columns {col}–{col + span - 1}, lines {first}–{last}"
                         f" (the layout '{layout.name}' has {layout.columns} columns × {layout.lines} lines)")
            return None
    if story is None and head is None and figure is None:
        return None
    where = (fname, node.start_mark.line + 1, node.start_mark.column + 1)
    return Module(story, head, figure, caption, credit, col, span, line, lines, body_cols or span, box, where,
                  vertical, auto_columns=body_cols is None)


def _flag(node: yaml.Node | None, fname: str, problems: Problems) -> bool:
    if node is None:
        return False
    if not (isinstance(node, yaml.ScalarNode) and node.tag.endswith(":bool")):
        problems.add(fname, node.start_mark, f"expected true or false, got {getattr(node, 'value', node)!r}")
        return False
    return node.value in ("true", "True", "TRUE", "yes", "on")


def _check_overlaps(modules: list[Module], fname: str, problems: Problems) -> None:
    modules = [m for m in modules if m.line is not None and m.lines is not None]  # the planner checks the rest
    for i, a in enumerate(modules):
        for b in modules[i + 1:]:
            if (a.column < b.column + b.span and b.column < a.column + a.span
                    and a.line < b.line + b.lines and b.line < a.line + a.lines):
                problems.add(fname, Mark(b.where[1], b.where[2]),
                             f"module '{b.name}' overlaps module '{a.name}' (line {a.where[1]})")
