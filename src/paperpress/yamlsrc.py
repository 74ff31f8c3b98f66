"""YAML read as nodes, so that every problem can name file:line:column."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import yaml

from .errors import Mark, Problems

try:  # the C loader is several times faster where libyaml is present
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


# Input limits (documented in the README): what a newsroom's files never need, refused before any work.
MAX_FILE_BYTES = 8 * 1024 * 1024  # one YAML file
MAX_NODES = 200_000  # nodes after alias expansion: aliases may repeat a little, never multiply a file
MAX_ALIASES = 100  # alias uses (*name) in one file
MAX_KEY_CHARS = 200
_DECIMAL = re.compile(r"[+-]?[0-9]{1,9}")
_NUMBER = re.compile(r"[+-]?([0-9]{1,6}(\.[0-9]{0,6})?|\.[0-9]{1,6})")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def _where(text: str, index: int) -> Mark:
    line = text.count("\n", 0, index) + 1
    return Mark(line, index - (text.rfind("\n", 0, index) + 1) + 1)


def read_text(path: Path, problems: Problems) -> str | None:
    """A UTF-8 text file, or a located problem saying why it cannot be read."""
    fname = str(path)
    try:
        if path.is_dir():
            problems.add(fname, None, "is a folder, not a file")
            return None
        if path.stat().st_size > MAX_FILE_BYTES:
            problems.add(fname, None, f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; not a newsroom's YAML")
            return None
        data = path.read_bytes()
    except FileNotFoundError:
        problems.add(fname, None, "file not found")
        return None
    except OSError as e:
        problems.add(fname, None, f"cannot be read ({e.strerror or e})")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        problems.add(fname, None, f"not UTF-8 text ({e.reason} at byte {e.start})")
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
    for m in _CONTROL.finditer(text):
        problems.add(fname, _where(text, m.start()), f"control character U+{ord(m.group()):04X} in the text "
                     "(only tab and newline are allowed)")
    if _CONTROL.search(text):
        return None
    return text


def load_yaml(path: Path, problems: Problems) -> yaml.Node | None:
    """Compose a file into a node tree; syntax errors and YAML traps become located problems."""
    fname = str(path)
    text = read_text(path, problems)
    if text is None:
        return None
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = text.splitlines()[mark.line] if mark is not None and mark.line < len(text.splitlines()) else ""
        trap = "mapping values are not allowed" in str(e.problem) and bool(HAN.search(line))
        problems.add(fname, mark, f"malformed YAML: {e.problem or e.context}", hint=QUOTE_HINT if trap else None)
        return None
    except yaml.YAMLError as e:
        problems.add(fname, None, f"malformed YAML: {e}")
        return None
    if node is None:
        problems.add(fname, None, "the file is empty")
        return None
    before = len(problems.items)
    _check_tree(node, fname, problems)
    return None if len(problems.items) > before else node


def _check_tree(root: yaml.Node, fname: str, problems: Problems) -> None:
    """Refuse what YAML allows but a manifest never means: alias bombs, complex or duplicate keys."""
    seen: set[int] = set()
    aliases = 0
    count = 0
    stack = [root]
    while stack:
        node = stack.pop()
        count += 1
        if count > MAX_NODES:
            problems.add(fname, root.start_mark, f"more than {MAX_NODES} YAML nodes once aliases are expanded")
            return
        if id(node) in seen:  # the composer gives every use of an anchor the same node object
            aliases += 1
            if aliases > MAX_ALIASES:
                problems.add(fname, node.start_mark, f"more than {MAX_ALIASES} alias uses (*name) in one file")
                return
            if not isinstance(node, yaml.ScalarNode):
                continue  # its children were checked at the anchor; counting them again is only cost
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys: dict[str, yaml.Node] = {}
            for k, v in node.value:
                if not isinstance(k, yaml.ScalarNode):
                    problems.add(fname, k.start_mark, "a key must be a plain name, not a list or mapping")
                elif k.tag.endswith(":null") and k.value in ("", "~", "null", "Null", "NULL"):
                    problems.add(fname, k.start_mark, "empty key")
                elif len(k.value) > MAX_KEY_CHARS:
                    problems.add(fname, k.start_mark, f"a key of {len(k.value)} characters")
                elif k.value in keys:
                    first = keys[k.value].start_mark
                    problems.add(fname, k.start_mark, f"duplicate key '{k.value}' (first at line {first.line + 1})")
                else:
                    keys[k.value] = k
                stack.append(v)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


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
    yield from node.value  # keys are unique scalars: load_yaml checked the whole tree


def node_get(node: yaml.Node | None, key: str, fname: str, problems: Problems,
             required: bool = False) -> yaml.Node | None:
    if node is None:
        return None
    if not isinstance(node, yaml.MappingNode):
        if required:
            problems.add(fname, node.start_mark, "expected a mapping (key: value lines)")
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


def mark(node: yaml.Node | None) -> yaml.Mark | None:
    """Where a node starts, for a problem's location; None (no location) for a field that is absent."""
    return node.start_mark if node is not None else None


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


def node_int(node: yaml.Node | None, fname: str, problems: Problems, minimum: int | None = None,
             maximum: int | None = 100_000) -> int | None:
    if node is None:
        return None
    if not isinstance(node, yaml.ScalarNode) or not _DECIMAL.fullmatch(str(node.value)) or node.style:
        shown = node.value if isinstance(node, yaml.ScalarNode) else "a list or mapping"
        problems.add(fname, node.start_mark, f"expected a whole number in decimal digits, got {shown!r}")
        return None
    value = int(node.value)
    if minimum is not None and value < minimum:
        problems.add(fname, node.start_mark, f"expected a number ≥ {minimum}, got {value}")
        return None
    if maximum is not None and value > maximum:
        problems.add(fname, node.start_mark, f"expected a number ≤ {maximum}, got {value}")
        return None
    return value


def node_list(node: yaml.Node | None, fname: str, problems: Problems) -> list[yaml.Node]:
    if node is None:
        return []
    if not isinstance(node, yaml.SequenceNode):
        problems.add(fname, node.start_mark, "expected a list (lines starting with '- ')")
        return []
    return list(node.value)


def node_flag(node: yaml.Node | None, fname: str, problems: Problems, default: bool = False) -> bool:
    """true or false, nothing else: YAML 1.1's yes/no/on/off and their capitals are refused, not guessed."""
    if node is None:
        return default
    value = node.value if isinstance(node, yaml.ScalarNode) and not node.style else None
    if value in ("true", "false"):
        return value == "true"
    shown = value if isinstance(value, str) else getattr(node, "value", "a list or mapping")
    hint = " (YAML 1.1's yes/no/on/off are not accepted: say true or false)" if str(shown).lower() in (
        "yes", "no", "on", "off", "y", "n", "true", "false") else ""
    problems.add(fname, node.start_mark, f"expected true or false, got {shown!r}{hint}")
    return default


def node_number(node: yaml.Node | None, fname: str, problems: Problems, what: str,
                low: float, high: float) -> float | None:
    """A decimal number within [low, high]."""
    if node is None:
        return None
    text = node.value if isinstance(node, yaml.ScalarNode) and not node.style else None
    if not isinstance(text, str) or not _NUMBER.fullmatch(text):
        problems.add(fname, node.start_mark, f"expected a number for {what}, got {getattr(node, 'value', '?')!r}")
        return None
    value = float(text)
    if not low <= value <= high:
        problems.add(fname, node.start_mark, f"{what} must lie between {low:g} and {high:g}, got {text}")
        return None
    return value
