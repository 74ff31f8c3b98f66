"""YAML read as nodes, so that every problem can name file:line:column."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import yaml

from .errors import Problems

try:  # the C loader is several times faster where libyaml is present
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


def load_yaml(path: Path, problems: Problems) -> yaml.Node | None:
    """Compose a file into a node tree; syntax errors become located problems."""
    fname = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.add(fname, None, "file not found")
        return None
    except UnicodeDecodeError as e:
        problems.add(fname, None, f"not UTF-8 text ({e.reason} at byte {e.start})")
        return None
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = text.splitlines()[mark.line] if mark is not None and mark.line < len(text.splitlines()) else ""
        trap = "mapping values are not allowed" in str(e.problem) and bool(HAN.search(line))
        problems.add(fname, mark, f"malformed YAML: {e.problem or e.context}", hint=QUOTE_HINT if trap else None)
        return None
    if node is None:
        problems.add(fname, None, "the file is empty")
    return node


def load_mapping(path: Path, problems: Problems, what: str) -> yaml.MappingNode | None:
    """A YAML file whose top level must be a mapping; what says what the file is, e.g. "an issue manifest"."""
    root = load_yaml(path, problems)
    if root is None:
        return None
    if not isinstance(root, yaml.MappingNode):
        problems.add(str(path), root.start_mark, f"{what} is a mapping of fields (key: value lines)")
        return None
    return root


def mapping_items(node: yaml.Node | None, fname: str,
                  problems: Problems) -> Iterator[tuple[yaml.ScalarNode, yaml.Node]]:
    if node is None:
        return
    if not isinstance(node, yaml.MappingNode):
        problems.add(fname, node.start_mark, "expected a mapping (key: value lines)")
        return
    seen: set[str] = set()
    for k, v in node.value:
        if k.value in seen:
            problems.add(fname, k.start_mark, f"duplicate key '{k.value}'")
            continue
        seen.add(k.value)
        yield k, v


def node_get(node: yaml.Node | None, key: str, fname: str, problems: Problems,
             required: bool = False) -> yaml.Node | None:
    if node is None:
        return None
    if not isinstance(node, yaml.MappingNode):
        return None
    for k, v in node.value:
        if k.value == key:
            return v
    if required:
        problems.add(fname, node.start_mark, f"missing field '{key}'")
    return None


HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
QUOTE_HINT = ("a ': ' (colon and space) makes YAML read the text as key: value; quote the whole text "
              "('…' or \"…\"), or use the full-width colon ：")


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A "did you mean 'x'?" hint from the closest allowed word, or None."""
    close = difflib.get_close_matches(str(word), sorted(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def _looks_like_text(node: yaml.Node) -> bool:
    """A mapping made by YAML's key: value trap inside Chinese text: a single key with Han characters."""
    return (isinstance(node, yaml.MappingNode) and len(node.value) == 1
            and isinstance(node.value[0][0], yaml.ScalarNode) and bool(HAN.search(str(node.value[0][0].value))))


def check_keys(node: yaml.Node | None, allowed: set[str], fname: str, problems: Problems, what: str) -> None:
    """Report unknown fields (a typo must not pass silently), with the closest allowed field as a hint."""
    if not isinstance(node, yaml.MappingNode):
        return
    for k, v in node.value:
        if k.value not in allowed:
            hint = did_you_mean(k.value, allowed)
            if hint is None and HAN.search(str(k.value)) and isinstance(v, yaml.ScalarNode):
                hint = QUOTE_HINT
            problems.add(fname, k.start_mark, f"unknown field '{k.value}' in {what} "
                         f"(expected one of: {', '.join(sorted(allowed))})", hint=hint)


def node_str(node: yaml.Node | None, fname: str, problems: Problems) -> str | None:
    if node is None:
        return None
    if not isinstance(node, yaml.ScalarNode) or node.tag.endswith(":null"):
        problems.add(fname, node.start_mark, "expected text", hint=QUOTE_HINT if _looks_like_text(node) else None)
        return None
    return str(node.value)


def node_int(node: yaml.Node | None, fname: str, problems: Problems, minimum: int | None = None) -> int | None:
    if node is None:
        return None
    if not isinstance(node, yaml.ScalarNode) or not node.tag.endswith(":int"):
        problems.add(fname, node.start_mark, f"expected a whole number, got {getattr(node, 'value', node)!r}")
        return None
    value = int(node.value)
    if minimum is not None and value < minimum:
        problems.add(fname, node.start_mark, f"expected a number ≥ {minimum}, got {value}")
        return None
    return value


def node_list(node: yaml.Node | None, fname: str, problems: Problems) -> list[yaml.Node]:
    if node is None:
        return []
    if not isinstance(node, yaml.SequenceNode):
        problems.add(fname, node.start_mark, "expected a list (lines starting with '- ')")
        return []
    return list(node.value)
