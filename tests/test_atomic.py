"""The output swap survives any kill; builds into one folder take turns; the same input gives the same bytes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLE, run_cli

ISSUE_ID = "2024-11-15"


def child(code: str, *args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """A build in a child process with a fault injected by `code` (run before the CLI)."""
    script = textwrap.dedent(code) + "\nfrom paperpress.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    return subprocess.run([sys.executable, "-c", "import os, sys, signal\n" + script, *args], capture_output=True,
                          text=True, cwd=cwd or ROOT, env=env)


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def litter(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.startswith("."))


@pytest.fixture
def previous(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    """An output folder holding a complete previous build, with a marker that tells it from a new one."""
    out = tmp_path / "out"
    assert run_cli("build", str(SAMPLE), "-o", str(out)).returncode == 0
    (out / ISSUE_ID / "previous-build.txt").write_text("the previous output")
    return out, files(out / ISSUE_ID)


KILL_AFTER_EXCHANGE = """
import paperpress.build as b
real = b._exchange
def exchange_then_die(a, c):
    done = real(a, c)
    os._exit(137)  # killed right after the swap: the previous output sits in the temporary folder
b._exchange = exchange_then_die
"""

KILL_BETWEEN_RENAMES = """
import paperpress.build as b
b._exchange = lambda a, c: False  # a file system without RENAME_EXCHANGE: two renames
real = os.rename
def rename_then_die(src, dst):
    real(src, dst)
    if str(dst).endswith("previous"):
        os._exit(137)  # killed between the two renames: no output at the final path
os.rename = rename_then_die
"""

KILL_WHILE_WRITING = """
import paperpress.build as b
real = b._inside
count = [0]
def inside_then_die(p, folder):
    count[0] += 1
    if count[0] == 2:
        os._exit(137)  # killed half-way through writing the new files
    return real(p, folder)
b._inside = inside_then_die
"""


@pytest.mark.parametrize("fault", [KILL_AFTER_EXCHANGE, KILL_BETWEEN_RENAMES, KILL_WHILE_WRITING],
                         ids=["after the exchange", "between two renames", "while writing"])
def test_a_killed_build_is_put_right_by_the_next(previous, fault):
    out, before = previous
    proc = child(fault, "build", str(SAMPLE), "-o", str(out))
    assert proc.returncode == 137
    final = out / ISSUE_ID
    if fault is KILL_BETWEEN_RENAMES:
        assert not final.exists()  # the one instant two renames cannot cover: what recovery is for
    else:  # at the final path: the previous output, or the new one, complete
        now = files(final)
        assert now == before or (set(now) == set(before) - {"previous-build.txt"})
    proc = run_cli("build", str(SAMPLE), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "left by a build that was stopped" in proc.stderr
    assert litter(out) == []
    assert set(files(final)) == set(before) - {"previous-build.txt"}


def test_recovery_restores_the_previous_output_when_the_final_path_is_missing(previous):
    """Killed between the renames: the next build first puts the previous output back, then replaces it."""
    out, before = previous
    assert child(KILL_BETWEEN_RENAMES, "build", str(SAMPLE), "-o", str(out)).returncode == 137
    from paperpress.build import recover

    done = recover(out, ISSUE_ID)
    assert done[0].startswith("restored the previous output")
    assert files(out / ISSUE_ID) == before and litter(out) == []


@pytest.mark.parametrize(("sig", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_signals_give_one_line_and_leave_nothing(previous, sig, status):
    """SIGTERM or SIGINT while the new files are written: one line, 130/143, previous output as it was."""
    out, before = previous
    fault = f"""
    import paperpress.build as b
    real = b._inside
    def inside_then_signal(p, folder):
        os.kill(os.getpid(), {int(sig)})
        return real(p, folder)
    b._inside = inside_then_signal
    """
    proc = child(fault, "build", str(SAMPLE), "-o", str(out))
    assert proc.returncode == status
    word = "terminated" if sig == signal.SIGTERM else "interrupted"
    assert proc.stderr.strip().splitlines()[-1] == f"paperpress: {word}; nothing was left half-written"
    assert "Traceback" not in proc.stderr
    assert files(out / ISSUE_ID) == before and litter(out) == []


def test_concurrent_builds_take_turns(tmp_path):
    """Two builds of one issue into one folder at once: both succeed, one complete output, no litter."""
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "paperpress", "build", str(SAMPLE), "-o", str(out)]
    procs = [subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(3)]
    results = [p.communicate() + (p.returncode,) for p in procs]
    assert [r[2] for r in results] == [0, 0, 0], results
    assert litter(out) == []
    assert {"report.json", "screen/2024-11-15.pdf"} <= set(files(out / ISSUE_ID))


def test_same_input_same_bytes(tmp_path):
    """Absolute and relative issue paths, other working directories and hash seeds: identical files."""
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    runs = [
        (ROOT, "issues/2024-11-15/issue.yaml", "0"),
        (elsewhere, str(SAMPLE), "12345"),
        (ROOT / "issues", "2024-11-15/issue.yaml", "random"),
    ]
    outputs = []
    for i, (cwd, issue, seed) in enumerate(runs):
        out = tmp_path / f"out{i}"
        env = dict(os.environ, PYTHONHASHSEED=seed)
        proc = subprocess.run([sys.executable, "-m", "paperpress", "build", issue, "-o", str(out)], cwd=cwd, env=env,
                              capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        outputs.append(files(out / ISSUE_ID))
    assert set(outputs[0]) >= {"report.json", "screen/2024-11-15.pdf", "print/TYRB-20241115-05.pdf"}
    assert outputs[0] == outputs[1] == outputs[2]
