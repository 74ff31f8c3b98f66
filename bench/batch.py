"""Benchmark: batch throughput — 20 copies of the sample issue built by one `paperpress build` process with 1 and 2
local workers (--jobs) and on a 2-worker Dask LocalCluster (--cluster), in pages per second of wall time; the three
outputs are compared byte for byte."""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "issues" / "2024-11-15"


def issues(base: Path, n: int) -> list[Path]:
    """n copies of the sample issue, each with its own id (so its own output folder)."""
    out = []
    for i in range(1, n + 1):
        folder = base / f"issue-{i:02d}"
        shutil.copytree(SAMPLE, folder)
        manifest = folder / "issue.yaml"
        text = manifest.read_text(encoding="utf-8")
        manifest.write_text(text.replace("\ndate: 2024-11-15\n", f"\ndate: 2024-11-15\nid: batch-{i:02d}\n"),
                            encoding="utf-8")
        out.append(manifest)
    return out


def run(manifests: list[Path], out: Path, *options: str) -> float:
    """Wall seconds of one whole `paperpress build` process over the batch."""
    cmd = [sys.executable, "-m", "paperpress", "-q", "build", *map(str, manifests), "-o", str(out), *options]
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    return wall


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--issues", type=int, default=20, help="how many issues in the batch (default 20)")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    from distributed import LocalCluster

    base = Path(tempfile.mkdtemp(prefix="paperpress-batch-"))
    try:
        manifests = issues(base / "issues", args.issues)
        pages = len(manifests)  # the sample issue is one page
        figures = []
        for jobs in (1, 2):
            wall = run(manifests, base / f"jobs{jobs}", "--jobs", str(jobs))
            figures.append((f"{jobs} local worker(s) (--jobs {jobs})", wall))
        start = time.perf_counter()
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                          silence_logs=logging.CRITICAL) as cluster:
            up = time.perf_counter() - start
            wall = run(manifests, base / "cluster", "--cluster", cluster.scheduler_address)
            figures.append(("2-worker LocalCluster, fresh workers", wall))  # each imports paperpress first
            wall = run(manifests, base / "cluster-again", "--cluster", cluster.scheduler_address)
            figures.append(("2-worker LocalCluster, the same again", wall))
        reference = files(base / "jobs1")
        same = all(files(base / name) == reference for name in ("jobs2", "cluster", "cluster-again"))
        assert len({p.split("/")[0] for p in reference}) == args.issues
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print(f"batch of {args.issues} issues ({pages} broadsheet pages), one `paperpress build` process each run, "
          f"{os.cpu_count()} cores, load average {load:.2f} before:")
    for what, wall in figures:
        print(f"  {what:40} {wall:6.2f} s  {pages / wall:5.2f} pages/s")
    print(f"  (the LocalCluster took {up:.2f} s to start, not counted; a newsroom's cluster stays up)")
    print(f"  outputs of the four runs byte-identical: {'yes' if same else 'NO'}")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
