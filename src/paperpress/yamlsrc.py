"""YAML read as nodes, so that every problem can name file:line:column."""

from __future__ import annotations

from collections.abc import Iterator
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
        problems.add(fname, mark, f"malformed YAML: {e.problem or e.context}")
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


def check_keys(node: yaml.Node | None, allowed: set[str], fname: str, problems: Problems, what: str) -> None:
    """Report unknown fields (a typo must not pass silently)."""
    if not isinstance(node, yaml.MappingNode):
        return
    for k, _ in node.value:
        if k.value not in allowed:
            problems.add(fname, k.start_mark, f"unknown field '{k.value}' in {what} "
                         f"(expected one of: {', '.join(sorted(allowed))})")


def node_str(node: yaml.Node | None, fname: str, problems: Problems) -> str | None:
    if node is None:
        return None
    if not isinstance(node, yaml.ScalarNode) or node.tag.endswith(":null"):
        problems.add(fname, node.start_mark, "expected text")
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
