"""The built wheel, installed into a fresh venv outside the checkout, builds the sample from another directory
with the same print PDF bytes as an in-tree build; an issue copied elsewhere builds with the bundled layout and
fonts, and a folder with its own layouts/ overrides them. Slow (builds and installs a wheel): runs when
PAPERPRESS_WHEEL_TEST=1 (`make test` sets it)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from paperpress.build import build

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "issues" / "2024-11-15" / "issue.yaml"
PRINT = "print/TYRB-20241115-05.pdf"

pytestmark = [pytest.mark.installed,
              pytest.mark.skipif(os.environ.get("PAPERPRESS_WHEEL_TEST") != "1", reason="PAPERPRESS_WHEEL_TEST=1")]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the venv's paperpress command, the wheel) — the venv lives under the temp dir, not the checkout."""
    tmp = tmp_path_factory.mktemp("wheel")
    dist = tmp / "dist"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
                   check=True, capture_output=True)
    wheel = next(dist.glob("paperpress-*.whl"))
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "--disable-pip-version-check", str(wheel)],
                   check=True, capture_output=True)
    return venv / "bin" / "paperpress", wheel


def run(cmd: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    e = {k: v for k, v in os.environ.items() if k != "PAPERPRESS_ROOT"} | env
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=e)


def test_wheel_carries_resources_and_metadata(installed):
    _, wheel = installed
    names = zipfile.ZipFile(wheel).namelist()
    for n in ["paperpress/py.typed", "paperpress/schemas/issue.json", "paperpress/schemas/article.json",
              "paperpress/schemas/layout.json", "paperpress_layouts/broadsheet.yaml", "paperpress_fonts/fonts.yaml",
              "paperpress_fonts/NotoSerifCJKsc-Regular.otf", "paperpress_fonts/LICENSE-OFL-NotoCJK.txt",
              "paperpress_profiles/CGATS-TR002-SNAP-newsprint.icc"]:
        assert n in names, n
    meta = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "License-Expression: MIT" in meta and "Requires-Dist: pikepdf" in meta
    runtime = [line for line in meta.splitlines() if line.startswith("Requires-Dist:") and "extra ==" not in line]
    assert not any("fonttools" in line.lower() for line in runtime), runtime


def test_installed_build_from_elsewhere_matches_in_tree(installed, tmp_path):
    exe, _ = installed
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    r = run([str(exe), "build", str(SAMPLE), "-o", str(tmp_path / "x")], elsewhere)
    assert r.returncode == 0, r.stderr
    in_tree = build(SAMPLE).files[PRINT]
    assert (tmp_path / "x" / "2024-11-15" / PRINT).read_bytes() == in_tree
    assert run([str(exe), "--version"], elsewhere).stdout.startswith("paperpress ")


def test_copied_issue_uses_bundled_then_own_layouts(installed, tmp_path):
    exe, _ = installed
    news = tmp_path / "newsroom"
    shutil.copytree(SAMPLE.parent, news / "issues" / "2024-11-15")
    issue = news / "issues" / "2024-11-15" / "issue.yaml"
    r = run([str(exe), "build", str(issue), "-o", str(tmp_path / "a")], tmp_path)
    assert r.returncode == 0, r.stderr  # bundled broadsheet and fonts
    listing = run([str(exe), "layouts", str(issue)], tmp_path).stdout
    assert "bundled only" in listing and "broadsheet" in listing
    # the newsroom's own broadsheet: a different folio header height → different bytes, found above the issue
    (news / "layouts").mkdir()
    own = (ROOT / "layouts" / "broadsheet.yaml").read_text(encoding="utf-8").replace(
        "header: {height: 22mm}", "header: {height: 30mm}")
    assert "30mm" in own
    (news / "layouts" / "broadsheet.yaml").write_text(own, encoding="utf-8")
    r = run([str(exe), "build", str(issue), "-o", str(tmp_path / "b")], tmp_path)
    assert r.returncode == 0, r.stderr
    a = (tmp_path / "a" / "2024-11-15" / PRINT).read_bytes()
    b = (tmp_path / "b" / "2024-11-15" / PRINT).read_bytes()
    assert a != b
    listing = run([str(exe), "layouts", str(issue)], tmp_path).stdout
    assert str(news / "layouts" / "broadsheet.yaml") in listing and "(overridden above)" in listing
    assert "a3-5col" in listing  # bundled still available by name
    fonts = run([str(exe), "fonts"], tmp_path, PAPERPRESS_ROOT=str(news)).stdout
    assert "serif-regular" in fonts and "GB 2312 hanzi" in fonts


def test_pip_install_of_the_checkout_builds_the_same_bytes(tmp_path):
    """`pip install <checkout>` (not the wheel file) into another fresh venv, built from another directory."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "--disable-pip-version-check", str(ROOT)],
                   check=True, capture_output=True, cwd=tmp_path)
    r = run([str(venv / "bin" / "paperpress"), "build", str(SAMPLE), "-o", str(tmp_path / "x")], tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "x" / "2024-11-15" / PRINT).read_bytes() == build(SAMPLE).files[PRINT]
