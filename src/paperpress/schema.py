"""JSON Schemas of layouts, issues and articles, made from the field sets the loader checks keys against
(manifest.*_FIELDS, stories.FIELDS), so that an editor's YAML tooling knows which keys exist. The loader remains
the judge of values (units, ranges, names); the schemas give keys, nesting and the simple types.

They ship with the package as files, src/paperpress/schemas/<kind>.json (package data), which the files
`paperpress new` writes name on their first line; tests/test_schema.py checks that they equal what this module
makes. After changing a field set, write them again with `python -m paperpress.schema`."""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any

from . import manifest, stories

LENGTH = {"type": "string", "pattern": r"^\s*[0-9.]+\s*(pt|mm|cm|in)\s*$"}
COLOUR = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "number"}, "minItems": 4, "maxItems": 4}]}
FLAG = {"type": "boolean"}
WHOLE = {"type": "integer", "minimum": 0}
CELL = {"type": ["string", "number", "null"]}
ROWS = {"type": "array", "items": {"type": "array", "items": CELL}, "minItems": 1}
TABLE = {"anyOf": [ROWS, {"type": "object", "additionalProperties": False,
                          "properties": {"header": {"anyOf": [FLAG, {"type": "array", "items": CELL}]},
                                         "rows": ROWS, "csv": {"type": "string"}}}]}


def _object(fields: set[str] | tuple[str, ...], types: dict[str, Any], required: tuple[str, ...] = ()) -> dict:
    """An object with exactly the loader's keys (a misspelt key fails), typed where a type is known."""
    return {"type": "object", "additionalProperties": False, "required": list(required),
            "properties": {k: types.get(k, {}) for k in sorted(fields)}}


def article() -> dict:
    text = {"type": "string", "minLength": 1}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "paperpress article",
            **_object(stories.FIELDS, {"kind": {"enum": list(stories.KINDS)}, "normalize": FLAG,
                                       "paragraphs": {"type": "array", "items": {"anyOf": [text, {
                                           "type": "object", "additionalProperties": False,
                                           "minProperties": 1, "maxProperties": 1,
                                           "properties": {"subhead": text,
                                                          "closing": {"type": "array", "items": text},
                                                          "table": TABLE}}]},
                                           "minItems": 1},
                                       **{f: text for f in (*stories.TEXT_FIELDS, "jump-title")}},
                    ("kind", "paragraphs"))}


def issue() -> dict:
    module = _object(manifest.MODULE_FIELDS, {"column": WHOLE, "span": WHOLE, "line": WHOLE, "lines": WHOLE,
                                              "columns": WHOLE, "box": FLAG, "vertical": FLAG, "normalize": FLAG,
                                              "article": {"type": "string"}, "figure": {"type": "string"},
                                              "continue": _object(manifest.JUMP_FIELDS, {
                                                  k: WHOLE for k in manifest.JUMP_FIELDS}, ("page",))})
    page = _object(manifest.PAGE_FIELDS, {"number": WHOLE, "layout": {"type": "string"},
                                          "modules": {"type": "array", "items": module}},
                   ("number", "name", "layout", "modules"))
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "paperpress issue",
            **_object(manifest.ISSUE_FIELDS, {"pages": {"type": "array", "items": page, "minItems": 1},
                                              "paper": {"type": "string"}, "code": {"type": "string"},
                                              "date": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}},
                      ("paper", "date", "pages"))}


def layout() -> dict:
    style = _object(manifest.STYLE_FIELDS, {"size": LENGTH, "leading": LENGTH, "color": COLOUR})
    intent = _object(manifest.INTENT_FIELDS, {})
    prints = _object(manifest.PRINT_FIELDS, {"output-intent": intent, "ink-limit": WHOLE, "min-ppi": WHOLE,
                                             "slug": FLAG, "pdfx": {"enum": ["PDF/X-4", "PDF/X-1a:2001"]}})
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "paperpress layout",
            **_object(manifest.LAYOUT_FIELDS, {
                "trim": _object({"width", "height"}, {"width": LENGTH, "height": LENGTH}),
                "bleed": LENGTH,
                "margins": _object({"top", "left"}, {"top": LENGTH, "left": LENGTH}),
                "header": _object({"height"}, {"height": LENGTH}),
                "grid": _object({"columns", "characters", "gutter", "lines", "body"},
                                {"columns": WHOLE, "characters": WHOLE, "gutter": WHOLE, "lines": WHOLE}),
                "linebreak": _object({"rules", "max-stretch", "latin-gap", "punctuation"},
                                     {"rules": {"enum": ["strict", "loose"]},
                                      "punctuation": {"enum": ["quanjiao", "kaiming", "banjiao"]}}),
                "styles": {"type": "object", "additionalProperties": style},
                "colors": {"type": "object", "additionalProperties": COLOUR},
                "print": prints,
                "masthead": _masthead(),
                "table": _object(manifest.TABLE_STYLE_FIELDS, {"rule": LENGTH, "header-rule": LENGTH,
                                                               "color": COLOUR, "gap": WHOLE})},
                ("name", "trim", "grid", "styles"))}


def _masthead() -> dict:
    """A front layout's masthead: section (layout/masthead.py): grid rectangles for its parts."""
    from .layout.masthead import SLOT_FIELDS

    def slot(extra: dict[str, Any], required: tuple[str, ...] = tuple(sorted(SLOT_FIELDS))) -> dict:
        return _object(SLOT_FIELDS | set(extra), {**{k: WHOLE for k in SLOT_FIELDS}, **extra}, required)

    text = {"type": "string"}
    return slot({"nameplate": slot({"style": text, "file": text}), "data": slot({"style": text}),
                 "barcode": slot({}), "rule": FLAG})


KINDS = ("layout", "issue", "article")


def make(kind: str) -> dict:
    """The schema of one kind of file: layout, issue or article."""
    return {"layout": layout, "issue": issue, "article": article}[kind]()


def text(kind: str) -> str:
    """The shipped file's exact text."""
    return json.dumps(make(kind), ensure_ascii=False, indent=2) + "\n"


def shipped(kind: str) -> Path:
    """The schema file installed with the package (a plain file: wheels and editable installs are folders)."""
    path = resources.files("paperpress") / "schemas" / f"{kind}.json"
    if not isinstance(path, Path):  # pragma: no cover - a zip import
        raise RuntimeError(f"paperpress: the schema {kind}.json is not a plain file ({path})")
    return path


def main(argv: list[str] | None = None) -> int:
    """Write the shipped schema files from the field definitions (run after changing a field set)."""
    folder = Path(__file__).resolve().parent / "schemas"
    folder.mkdir(exist_ok=True)
    for kind in KINDS:
        (folder / f"{kind}.json").write_text(text(kind), encoding="utf-8")
        print(folder / f"{kind}.json")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
