"""Benchmark: batch throughput — 20 copies of the sample issue built by one `paperpress build` process with 1 and 2
local workers (--jobs) and on a 2-worker Dask LocalCluster (--cluster), in pages per second of wall time; every run's
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
    parser.add_argument("--rounds", type=int, default=2,
                        help="rounds of the three runs, in turn (default 2); the best of each is given")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    from distributed import LocalCluster

    base = Path(tempfile.mkdtemp(prefix="paperpress-batch-"))
    kinds = ["1 local worker (--jobs 1)", "2 local workers (--jobs 2)", "2-worker LocalCluster (--cluster)"]
    walls: dict[str, list[float]] = {k: [] for k in kinds}
    try:
        manifests = issues(base / "issues", args.issues)
        pages = len(manifests)  # the sample issue is one page
        start = time.perf_counter()
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                          silence_logs=logging.CRITICAL) as cluster:
            up = time.perf_counter() - start
            start = time.perf_counter()  # the workers import paperpress once: a newsroom's cluster stays up
            run(manifests[:2], base / "warm-up", "--cluster", cluster.scheduler_address)
            warm = time.perf_counter() - start
            options = [("--jobs", "1"), ("--jobs", "2"), ("--cluster", cluster.scheduler_address)]
            for r in range(args.rounds):  # A B C A B C …: a load that comes and goes falls on all three
                for kind, option in zip(kinds, options, strict=True):
                    walls[kind].append(run(manifests, base / f"{kinds.index(kind)}-{r}", *option))
        reference = files(base / "0-0")
        same = all(files(base / f"{k}-{r}") == reference for k in range(3) for r in range(args.rounds))
        assert len({p.split("/")[0] for p in reference}) == args.issues
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print(f"batch of {args.issues} issues ({pages} broadsheet pages), one `paperpress build` process a run, "
          f"{args.rounds} rounds, {os.cpu_count()} cores, load average {load:.2f} before:")
    for kind in kinds:
        best = min(walls[kind])
        print(f"  {kind:36} best {best:6.2f} s  {pages / best:5.2f} pages/s   (runs: "
              f"{', '.join(f'{w:.2f}' for w in walls[kind])} s)")
    print(f"  (not counted: the LocalCluster's start, {up:.2f} s, and a 2-issue warm-up on it, {warm:.2f} s)")
    print(f"  outputs of all runs byte-identical: {'yes' if same else 'NO'}")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
