"""Shared fixtures: the repository root, and the sample issue built once into a temporary folder."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "issues" / "2024-11-15" / "issue.yaml"


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "paperpress", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT)


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """output/<id>/ of a real CLI build of the sample issue."""
    out = tmp_path_factory.mktemp("out")
    proc = run_cli("build", str(SAMPLE), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    return out / "2024-11-15"


@pytest.fixture(scope="session")
def sample_built():
    """The in-memory build (pages, fits) of the sample issue."""
    from paperpress.build import build

    return build(SAMPLE)


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A throw-away project: layouts and the sample issue copied, fonts and profiles linked; returns issue.yaml.
    Its manifest is the sample with every module pinned (tests/data/pinned-issue.yaml): the tests that edit
    its text find the lines they edit whatever the planner makes of the sample's own manifest."""
    shutil.copytree(ROOT / "layouts", tmp_path / "layouts")
    (tmp_path / "fonts").symlink_to(ROOT / "fonts")
    (tmp_path / "profiles").symlink_to(ROOT / "profiles")
    shutil.copytree(SAMPLE.parent, tmp_path / "issues" / "2024-11-15")
    shutil.copy(ROOT / "tests" / "data" / "pinned-issue.yaml", tmp_path / "issues" / "2024-11-15" / "issue.yaml")
    return tmp_path / "issues" / "2024-11-15" / "issue.yaml"
