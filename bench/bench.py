"""Benchmark: `paperpress build` of the sample issue as a whole process — wall seconds and peak memory."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "issues" / "2024-11-15" / "issue.yaml"


def run_once(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, peak resident MiB) of one child process, measured with wait4."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stderr.read().decode() if proc.stderr else ''}")
    return wall, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    out = Path(tempfile.mkdtemp(prefix="paperpress-bench-"))
    try:
        cmd = [sys.executable, "-m", "paperpress", "build", str(SAMPLE), "-o", str(out), "--no-cache"]
        run_once(cmd)  # warm the page cache: font files are read from disk once
        results = [run_once(cmd) for _ in range(args.runs)]
    finally:
        shutil.rmtree(out, ignore_errors=True)
    walls = sorted(w for w, _ in results)
    peak = max(m for _, m in results)
    print(f"sample issue (1 broadsheet page, print + screen PDFs, --no-cache), {args.runs} runs on "
          f"{os.cpu_count()} cores:")
    print(f"  wall seconds: best {walls[0]:.3f}, median {walls[len(walls) // 2]:.3f}, worst {walls[-1]:.3f}")
    print(f"  peak memory: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
