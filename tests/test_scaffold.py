"""`paperpress new`: the folder it writes builds at once (exit 0), with every placeholder paragraph flagged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from paperpress.scaffold import PLACEHOLDER, modules

from .conftest import ROOT, run_cli


@pytest.mark.parametrize(("layout", "pages"), [("broadsheet", 1), ("a3-5col", 2)])
def test_new_issue_builds_with_exit_0_and_flags_placeholders(tmp_path: Path, layout: str, pages: int) -> None:
    folder = tmp_path / "issue"
    proc = run_cli("new", str(folder), "--layout", layout, "--pages", str(pages), "--date", "2026-03-04")
    assert proc.returncode == 0, proc.stderr
    manifest = yaml.safe_load((folder / "issue.yaml").read_text(encoding="utf-8"))
    assert str(manifest["date"]) == "2026-03-04" and len(manifest["pages"]) == pages
    kinds = {yaml.safe_load((folder / m["article"]).read_text(encoding="utf-8"))["kind"]
             for p in manifest["pages"] for m in p["modules"]}
    assert kinds == {"news", "editors-note", "column", "feature"}
    assert "# " in (folder / "issue.yaml").read_text(encoding="utf-8")  # the fields are explained

    out = tmp_path / "out"
    proc = run_cli("build", str(folder / "issue.yaml"), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "placeholder text" in proc.stderr
    report = json.loads((out / "2026-03-04" / "report.json").read_text(encoding="utf-8"))
    assert report["overset"] == [] and report["preflight"]["passed"]
    statuses = {m["status"] for p in report["pages"] for m in p["modules"]}
    assert "overset" not in statuses
    flagged = [t for t in report["typography"] if t["rule"] == "placeholder"]
    # one warning per placeholder paragraph, located in its article file
    paragraphs = sum(
        sum(1 for t in yaml.safe_load((folder / m["article"]).read_text(encoding="utf-8"))["paragraphs"]
            if t.startswith(PLACEHOLDER))
        for p in manifest["pages"] for m in p["modules"])
    assert len(flagged) == paragraphs > 0
    assert all(t["severity"] == "warning" and t["where"].startswith("articles/p") for t in flagged)


def test_replaced_text_is_not_flagged(tmp_path: Path) -> None:
    folder = tmp_path / "issue"
    assert run_cli("new", str(folder), "--date", "2026-03-04").returncode == 0
    for art in (folder / "articles").glob("*.yaml"):
        art.write_text(art.read_text(encoding="utf-8").replace(PLACEHOLDER, ""), encoding="utf-8")
    proc = run_cli("check", str(folder / "issue.yaml"))
    assert proc.returncode == 0, proc.stderr
    assert "placeholder" not in proc.stdout + proc.stderr


def test_new_refuses_a_folder_with_files_and_an_unknown_layout(tmp_path: Path) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("x")
    proc = run_cli("new", str(tmp_path / "full"))
    assert proc.returncode == 2 and "not empty" in proc.stderr
    assert (tmp_path / "full" / "keep.txt").read_text() == "x"
    proc = run_cli("new", str(tmp_path / "x"), "--layout", "nosuch")
    assert proc.returncode == 2 and "unknown layout" in proc.stderr
    assert run_cli("new", str(tmp_path / "y"), "--date", "2026-13-01").returncode == 2


@pytest.mark.parametrize("layout", sorted(p.stem for p in (ROOT / "layouts").glob("*.yaml")))
def test_modules_tile_the_grid_without_overlap(layout: str) -> None:
    grid = yaml.safe_load((ROOT / "layouts" / f"{layout}.yaml").read_text(encoding="utf-8"))["grid"]
    cols, lines = grid["columns"], grid["lines"]
    cells: set[tuple[int, int]] = set()
    for m in modules(cols, lines):
        rect = {(c, r) for c in range(m["column"], m["column"] + m["span"])
                for r in range(m["line"], m["line"] + m["lines"])}
        assert not rect & cells
        cells |= rect
    assert cells == {(c, r) for c in range(1, cols + 1) for r in range(1, lines + 1)}
