"""Article files → Story: headline parts, dateline, byline and paragraphs of styled runs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import Mark, Problems
from .normalize import normalize
from .yamlsrc import check_keys, load_mapping, mark, node_flag, node_get, node_list, node_str

KINDS = ("news", "editors-note", "column", "feature")
TEXT_FIELDS = ("kicker", "title", "subtitle", "dateline", "byline")
FIELDS = {"kind", "paragraphs", "normalize", "jump-title", *TEXT_FIELDS}  # jump-title: a continuation's headline


@dataclass(frozen=True)
class Source:
    """Where a piece of text stands in its file (1-based), to locate problems in it."""

    file: str
    line: int
    column: int
    plain: bool  # a plain one-line scalar: character i sits at column + i

    def at(self, index: int) -> tuple[int, int]:
        return (self.line, self.column + index) if self.plain else (self.line, self.column)


@dataclass(frozen=True)
class Normalisation:
    """One change text normalisation made, where it was made."""

    file: str
    line: int
    column: int
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: '{self.old}' → '{self.new}'"


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False


@dataclass(frozen=True)
class Table:
    """A `table:` paragraph: an optional header row and body rows of cell texts, each cell with its source."""

    header: tuple[str, ...] | None
    rows: tuple[tuple[str, ...], ...]
    sources: tuple[tuple[Source, ...], ...] = ()  # per row (the header first, when there is one), per cell

    @property
    def columns(self) -> int:
        return len(self.header) if self.header else max((len(r) for r in self.rows), default=0)


@dataclass(frozen=True)
class Para:
    runs: tuple[Run, ...]
    source: Source
    kind: str = "text"  # text | subhead (小标题, bold, flush left, no indent) | closing (落款, right-aligned)
    # | continued (the rest of a paragraph cut by a jump: no indent) | table
    table: Table | None = None

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True)
class Story:
    id: str
    path: Path
    kind: str
    kicker: str | None
    title: str | None
    subtitle: str | None
    dateline: str | None
    byline: str | None
    paragraphs: tuple[Para, ...]
    sources: dict[str, Source]
    normalisations: tuple[Normalisation, ...] = ()
    jump_title: str | None = None  # the headline over the continuation on another page (转版); else the title

    @property
    def label(self) -> str | None:
        """The run-in label set before the first paragraph: the dateline, or 编者按 for an editor's note."""
        return self.dateline if self.kind != "editors-note" else "编者按"

    def texts(self) -> list[tuple[str, str, Source]]:
        """Every piece of text with its field name and source, for coverage checks."""
        out = [(f, getattr(self, f), self.sources[f]) for f in TEXT_FIELDS if getattr(self, f)]
        if self.jump_title:
            out.append(("jump-title", self.jump_title, self.sources["jump-title"]))
        out += [("paragraph", p.text, p.source) for p in self.paragraphs if p.table is None]
        for p in self.paragraphs:
            if p.table is not None:
                rows = ([p.table.header] if p.table.header else []) + list(p.table.rows)
                for k, (row, srcs) in enumerate(zip(rows, p.table.sources, strict=True)):
                    what = "table-header" if p.table.header and k == 0 else "table"
                    out += [(what, cell, src) for cell, src in zip(row, srcs, strict=True) if cell]
        return out


def normalised(text: str, src: Source, changes: list[Normalisation], names: bool = False) -> str:
    """The text normalised (see normalize.py), each change appended to changes with its file:line:column.
    Every text a page carries goes through here: headlines, bylines, paragraphs, table cells, and the
    manifest's captions, credits and column heads (names: a byline or credit, see normalize)."""
    text, found = normalize(text, names=names)
    for c in found:
        line, col = src.at(c.index)
        changes.append(Normalisation(src.file, line, col, c.old, c.new))
    return text


def _source(fname: str, node: yaml.Node) -> Source:
    # a one-line plain or single-quoted scalar without escapes maps character i to column + i
    # (the C loader gives plain scalars style '' where the Python one gives None)
    one_line = node.start_mark.line == node.end_mark.line
    style = getattr(node, "style", None) or ""
    quoted = style == "'" and "''" not in str(node.value)
    plain = isinstance(node, yaml.ScalarNode) and one_line and (style == "" or quoted)
    col = node.start_mark.column + 1 + (1 if quoted else 0)
    return Source(fname, node.start_mark.line + 1, col, plain)


def parse_runs(text: str, src: Source, problems: Problems) -> tuple[Run, ...]:
    """`**bold**` marks a run-in lead (set in the bold face); nothing else is markup."""
    parts = text.split("**")
    if len(parts) % 2 == 0:
        line, col = src.at(text.rfind("**"))
        problems.add(src.file, Mark(line, col), "unclosed ** (bold run-in) marker")
        return (Run(text.replace("**", "")),)
    return tuple(Run(p, bold=bool(i % 2)) for i, p in enumerate(parts) if p)


PARA_KINDS = ("subhead", "closing", "table")
TABLE_FIELDS = {"header", "rows", "csv"}
MAX_TABLE_COLUMNS = 12
MAX_TABLE_ROWS = 2000


def _cell(node: yaml.Node, fname: str, problems: Problems) -> str | None:
    """A table cell: text or a number (as written), never a list or mapping."""
    if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null"):
        return ""
    return node_str(node, fname, problems)


def _table(value: yaml.Node, path: Path, problems: Problems, fix: Any) -> Para | None:
    """`{table: [[…], …]}` rows; `{table: {header: […], rows: [[…], …]}}`; `{table: {csv: file.csv}}` — a CSV
    file next to the article, its first row the header unless `header: false`."""
    import csv
    import io

    from .yamlsrc import read_text

    fname = str(path)
    header_node = rows_node = csv_node = None
    if isinstance(value, yaml.MappingNode):
        check_keys(value, TABLE_FIELDS, fname, problems, "table")
        header_node = node_get(value, "header", fname, problems)
        rows_node = node_get(value, "rows", fname, problems)
        csv_node = node_get(value, "csv", fname, problems)
        if (rows_node is None) == (csv_node is None):
            problems.add(fname, value.start_mark, "a table has rows: (a list of rows) or csv: (a file next to "
                         "the article), one of them")
            return None
    else:
        rows_node = value
    rows: list[list[str]] = []
    sources: list[list[Source]] = []
    header: list[str] | None = None
    if csv_node is not None:
        rel = node_str(csv_node, fname, problems)
        if rel is None:
            return None
        target = path.parent / rel
        if Path(rel).is_absolute() or ".." in Path(rel).parts or not rel.endswith(".csv"):
            problems.add(fname, csv_node.start_mark, f"a table's csv: names a .csv file next to the article, "
                         f"got {rel!r}")
            return None
        if not target.is_file():
            problems.add(fname, csv_node.start_mark, f"table file {rel} not found (looked in {target.parent})")
            return None
        text = read_text(target, problems)
        if text is None:
            return None
        first_is_header = node_flag(header_node, fname, problems, default=True)
        raw_lines = text.splitlines()
        reader = csv.reader(io.StringIO(text))
        for record in reader:
            if not any(c.strip() for c in record):
                continue
            line = reader.line_num  # the record's last line: its only one unless a quoted cell spans lines
            raw = raw_lines[line - 1] if line <= len(raw_lines) else ""
            rows.append([c.strip() for c in record])
            if raw.split(",") == record:  # no quoting: every cell's column is known exactly
                starts = [0]
                for cell in record[:-1]:
                    starts.append(starts[-1] + len(cell) + 1)
                sources.append([Source(str(target), line, 1 + st + len(c) - len(c.lstrip()), True)
                                for st, c in zip(starts, record, strict=True)])
            else:
                sources.append([Source(str(target), line, 1, False) for _ in record])
        if first_is_header and rows:
            header = rows.pop(0)  # its sources stay first, as for a YAML header
        where_rows: yaml.Node | None = csv_node
    else:
        if header_node is not None:
            header = [_cell(c, fname, problems) or "" for c in node_list(header_node, fname, problems)]
        where_rows = rows_node
        for rnode in node_list(rows_node, fname, problems):
            cells = node_list(rnode, fname, problems)
            rows.append([_cell(c, fname, problems) or "" for c in cells])
            sources.append([_source(fname, c) for c in cells])
        if header is not None:
            sources.insert(0, [_source(fname, c) for c in header_node.value])  # type: ignore[union-attr]
    if not rows:
        problems.add(fname, mark(where_rows), "a table needs at least one row")
        return None
    width = len(header) if header is not None else len(rows[0])
    if not 1 <= width <= MAX_TABLE_COLUMNS:
        problems.add(fname, mark(where_rows), f"a table has 1–{MAX_TABLE_COLUMNS} columns, got {width}")
        return None
    if len(rows) > MAX_TABLE_ROWS:
        problems.add(fname, mark(where_rows), f"a table has at most {MAX_TABLE_ROWS} rows, got {len(rows)}")
        return None
    body_sources = sources[1:] if header is not None else sources
    for row, srcs in zip(rows, body_sources, strict=True):
        if len(row) != width:
            problems.add(srcs[0].file if srcs else fname, Mark(srcs[0].line, srcs[0].column) if srcs else None,
                         f"a table row of {len(row)} cells where the table has {width} columns")
            return None
    all_rows = ([header] if header is not None else []) + rows
    fixed = [[fix(c, s) or "" if c else c for c, s in zip(r, ss, strict=True)] for r, ss in zip(all_rows, sources,
                                                                                               strict=True)]
    head = tuple(fixed[0]) if header is not None else None
    body = tuple(tuple(r) for r in (fixed[1:] if header is not None else fixed))
    table = Table(head, body, tuple(tuple(ss) for ss in sources))
    src = _source(fname, value)
    return Para((), src, "table", table)


def _special(item: yaml.MappingNode, fname: str, problems: Problems, fix) -> list[Para]:
    """`{subhead: 一、…}` — a 小标题 line; `{closing: [issuing office, date]}` — 落款 lines set flush right;
    `{table: …}` — a table (see _table)."""
    check_keys(item, set(PARA_KINDS), fname, problems, "paragraph")
    if len(item.value) != 1:
        problems.add(fname, item.start_mark, "a paragraph item is text, {subhead: …}, {closing: […]} or {table: …}")
        return []
    key, value = item.value[0]
    kind = key.value
    if kind not in PARA_KINDS:
        return []
    if kind == "table":
        para = _table(value, Path(fname), problems, fix)
        return [para] if para is not None else []
    nodes = node_list(value, fname, problems) if kind == "closing" else [value]
    out = []
    for node in nodes:
        text = node_str(node, fname, problems)
        if not text or not text.strip():
            problems.add(fname, node.start_mark, f"empty {kind}")
            continue
        src = _source(fname, node)
        out.append(Para((Run((fix(text, src) or "").replace("**", ""), bold=kind == "subhead"),), src, kind))
    return out


def load_story(path: Path, problems: Problems) -> Story | None:
    fname = str(path)
    root = load_mapping(path, problems, "an article file (kind:, title:, paragraphs: …)")
    if root is None:
        return None
    before = len(problems.items)
    check_keys(root, FIELDS, fname, problems, "article")
    kind_node = node_get(root, "kind", fname, problems, required=True)
    kind = node_str(kind_node, fname, problems)
    if kind is not None and kind not in KINDS:
        problems.add(fname, mark(kind_node), f"unknown kind '{kind}' (expected one of: {', '.join(KINDS)})")
    enabled = node_flag(node_get(root, "normalize", fname, problems), fname, problems, default=True)
    changes: list[Normalisation] = []

    def fix(text: str | None, src: Source, names: bool = False) -> str | None:
        if text is None or not enabled:
            return text
        return normalised(text, src, changes, names)

    values: dict[str, str | None] = {}
    sources: dict[str, Source] = {}
    for f in (*TEXT_FIELDS, "jump-title"):
        node = node_get(root, f, fname, problems)
        value = values[f] = node_str(node, fname, problems)
        if value is not None and not value.strip():
            problems.add(fname, mark(node), f"blank {f}: leave the field out, or give it text")
            values[f] = None
        elif node is not None and values[f] is not None:
            sources[f] = _source(fname, node)
            values[f] = fix(values[f], sources[f], names=f == "byline")
    paras = []
    pnode = node_get(root, "paragraphs", fname, problems, required=True)
    items = node_list(pnode, fname, problems)
    if pnode is not None and isinstance(pnode, yaml.SequenceNode) and not items:
        problems.add(fname, pnode.start_mark, "an article needs at least one paragraph")
    for item in items:
        if isinstance(item, yaml.MappingNode):
            paras += _special(item, fname, problems, fix)
            continue
        text = node_str(item, fname, problems)
        if text is None:
            continue
        if not text.strip():
            problems.add(fname, item.start_mark, "empty paragraph")
            continue
        src = _source(fname, item)
        paras.append(Para(parse_runs(fix(text, src) or "", src, problems), src))
    if kind == "news" and not values["title"]:
        problems.add(fname, root.start_mark, "a news article needs a title")
    if len(problems.items) > before:
        return None
    return Story(path.stem, path, kind or "news", values["kicker"], values["title"], values["subtitle"],
                 values["dateline"], values["byline"], tuple(paras), sources, tuple(changes),
                 values["jump-title"])
