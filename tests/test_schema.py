"""The JSON Schemas accept every bundled layout, issue and article (and `new`'s output), and refuse a misspelt key."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

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


def test_there_are_files_of_every_kind() -> None:
    assert {k for k, _ in BUNDLED} == {"layout", "issue", "article"} and len(BUNDLED) >= 15


@pytest.mark.parametrize(("kind", "path"), BUNDLED, ids=[str(p.relative_to(ROOT)) for _, p in BUNDLED])
def test_bundled_files_validate(kind: str, path: Path) -> None:
    jsonschema.validate(_json(path), getattr(schema, kind)())


def test_new_issue_validates(tmp_path: Path) -> None:
    assert run_cli("new", str(tmp_path / "n"), "--pages", "2").returncode == 0
    files = [tmp_path / "n" / "issue.yaml", *sorted((tmp_path / "n" / "articles").glob("*.yaml"))]
    assert len(files) == 9
    for f in files:  # each file names its schema on its first line, and the schema written there is ours
        first = f.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=")
        target = (f.parent / first.split("$schema=", 1)[1]).resolve()
        want = schema.issue() if f.name == "issue.yaml" else schema.article()
        assert json.loads(target.read_text(encoding="utf-8")) == want
        jsonschema.validate(_json(f), want)


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
