"""Article files → Story: headline parts, dateline, byline and paragraphs of styled runs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import Mark, Problems
from .normalize import normalize
from .yamlsrc import check_keys, load_mapping, node_flag, node_get, node_list, node_str

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
class Para:
    runs: tuple[Run, ...]
    source: Source
    kind: str = "text"  # text | subhead (小标题, bold, flush left, no indent) | closing (落款, right-aligned)
    # | continued (the rest of a paragraph cut by a jump: no indent)

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

    def texts(self) -> list[tuple[str, str, Source]]:
        """Every piece of text with its field name and source, for coverage checks."""
        out = [(f, getattr(self, f), self.sources[f]) for f in TEXT_FIELDS if getattr(self, f)]
        if self.jump_title:
            out.append(("jump-title", self.jump_title, self.sources["jump-title"]))
        out += [("paragraph", p.text, p.source) for p in self.paragraphs]
        return out


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


PARA_KINDS = ("subhead", "closing")


def _special(item: yaml.MappingNode, fname: str, problems: Problems, fix) -> list[Para]:
    """`{subhead: 一、…}` — a 小标题 line; `{closing: [issuing office, date]}` — 落款 lines set flush right."""
    check_keys(item, set(PARA_KINDS), fname, problems, "paragraph")
    if len(item.value) != 1:
        problems.add(fname, item.start_mark, "a paragraph item is text, {subhead: …} or {closing: […]}")
        return []
    key, value = item.value[0]
    kind = key.value
    if kind not in PARA_KINDS:
        return []
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
        problems.add(fname, kind_node.start_mark, f"unknown kind '{kind}' (expected one of: {', '.join(KINDS)})")
    enabled = node_flag(node_get(root, "normalize", fname, problems), fname, problems, default=True)
    changes: list[Normalisation] = []

    def fix(text: str | None, src: Source) -> str | None:
        if text is None or not enabled:
            return text
        text, found = normalize(text)
        for c in found:
            line, col = src.at(c.index)
            changes.append(Normalisation(src.file, line, col, c.old, c.new))
        return text

    values: dict[str, str | None] = {}
    sources: dict[str, Source] = {}
    for f in (*TEXT_FIELDS, "jump-title"):
        node = node_get(root, f, fname, problems)
        values[f] = node_str(node, fname, problems)
        if values[f] is not None and not values[f].strip():
            problems.add(fname, node.start_mark, f"blank {f}: leave the field out, or give it text")
            values[f] = None
        elif node is not None and values[f] is not None:
            sources[f] = _source(fname, node)
            values[f] = fix(values[f], sources[f])
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
