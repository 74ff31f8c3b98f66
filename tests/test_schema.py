"""The JSON Schemas shipped with the package (src/paperpress/schemas/) are what paperpress.schema makes from the
loader's field sets; they accept every bundled layout, issue and article (and `new`'s output), and refuse a
misspelt key."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from urllib.parse import unquote, urlparse

import jsonschema
import pytest
import yaml

from paperpress import schema

from .conftest import ROOT, run_cli


def _json(path: Path) -> object:
    def plain(v: object) -> object:
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        if isinstance(v, list):
            return [plain(x) for x in v]
        return v.isoformat() if isinstance(v, dt.date) else v
    return json.loads(json.dumps(plain(yaml.safe_load(path.read_text(encoding="utf-8")))))


def _bundled(root: Path) -> list[tuple[str, Path]]:
    out = [("layout", p) for p in sorted((root / "layouts").glob("*.yaml"))]
    for issue in sorted([*root.glob("issues/*/issue.yaml"), *root.glob("tests/data/*/issue.yaml")]):
        out.append(("issue", issue))
        out += [("article", p) for p in sorted((issue.parent / "articles").glob("*.yaml"))]
    return out


BUNDLED = _bundled(ROOT)


def _shipped(kind: str) -> dict:
    return json.loads(schema.shipped(kind).read_text(encoding="utf-8"))


@pytest.mark.parametrize("kind", schema.KINDS)
def test_shipped_files_are_what_the_field_definitions_make(kind: str) -> None:
    # a field added to the loader without `python -m paperpress.schema` fails here
    path = schema.shipped(kind)
    assert path.parent == ROOT / "src" / "paperpress" / "schemas"
    assert path.read_text(encoding="utf-8") == schema.text(kind)
    assert _shipped(kind) == getattr(schema, kind)()


def test_there_are_files_of_every_kind() -> None:
    assert {k for k, _ in BUNDLED} == {"layout", "issue", "article"} and len(BUNDLED) >= 15
    names = {str(p.relative_to(ROOT)) for _, p in BUNDLED}
    assert {"layouts/broadsheet.yaml", "layouts/a3-5col.yaml", "issues/2024-11-15/issue.yaml",
            "issues/2024-11-15/articles/xiaodian.yaml", "issues/example-front/issue.yaml"} <= names
    # every YAML file under layouts/ and issues/ is one of them
    every = {str(p.relative_to(ROOT)) for p in [*ROOT.glob("layouts/*.yaml"), *ROOT.glob("issues/*/issue.yaml"),
                                                 *ROOT.glob("issues/*/articles/*.yaml")]}
    assert every <= names


@pytest.mark.parametrize(("kind", "path"), BUNDLED, ids=[str(p.relative_to(ROOT)) for _, p in BUNDLED])
def test_bundled_files_validate(kind: str, path: Path) -> None:
    jsonschema.validate(_json(path), _shipped(kind))


def test_new_issue_validates(tmp_path: Path) -> None:
    assert run_cli("new", str(tmp_path / "n"), "--pages", "2").returncode == 0
    files = [tmp_path / "n" / "issue.yaml", *sorted((tmp_path / "n" / "articles").glob("*.yaml"))]
    assert len(files) == 9
    for f in files:  # each file names the shipped schema of its kind on its first line
        first = f.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=file:///")
        target = Path(unquote(urlparse(first.split("$schema=", 1)[1]).path))
        kind = "issue" if f.name == "issue.yaml" else "article"
        assert target == schema.shipped(kind) and target.is_file()
        want = json.loads(target.read_text(encoding="utf-8"))
        assert want == getattr(schema, kind)()
        jsonschema.validate(_json(f), want)
    assert not (tmp_path / "n" / "schema").exists()  # one copy of each schema: the shipped one


def test_misspelt_and_mistyped_keys_are_refused() -> None:
    art = _json(ROOT / "issues" / "2024-11-15" / "articles" / "xiaodian.yaml")
    for bad in ({**art, "titel": "x"}, {**art, "kind": "essay"}, {**art, "normalize": "yes"}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema.article())
    issue = _json(ROOT / "issues" / "2024-11-15" / "issue.yaml")
    issue["pages"][0]["modules"][0]["colum"] = 1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(issue, schema.issue())
    layout = _json(ROOT / "layouts" / "broadsheet.yaml")
    layout["grid"]["colums"] = 8
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(layout, schema.layout())


@pytest.mark.parametrize("kind", ["layout", "issue", "article"])
def test_schemas_are_valid_draft_2020_12(kind: str) -> None:
    jsonschema.Draft202012Validator.check_schema(getattr(schema, kind)())
