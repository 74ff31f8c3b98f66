"""Benchmark: what composition costs — the sample and the 4-page example as whole `paperpress build` processes
(wall seconds, peak RSS), and in one process the share of the build spent planning and placing the pages
(measure → plan → place, jumps included) against the pinned sample, whose modules the planner only checks."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import ROOT, run_once  # noqa: E402

SAMPLE = ROOT / "issues" / "2024-11-15" / "issue.yaml"
EXAMPLE = ROOT / "issues" / "example" / "issue.yaml"
PINNED = ROOT / "tests" / "data" / "pinned-issue.yaml"


def whole_process(issue: Path, runs: int, out: Path) -> tuple[float, float, float]:
    """(best, median wall seconds, peak MiB) of `paperpress build` as a child process, runs times."""
    cmd = [sys.executable, "-m", "paperpress", "build", str(issue), "-o", str(out), "-q"]
    run_once(cmd)  # warm the page cache and the word cache
    results = [run_once(cmd) for _ in range(runs)]
    walls = sorted(w for w, _ in results)
    return walls[0], walls[len(walls) // 2], max(m for _, m in results)


def composition_share(issue: Path, runs: int) -> tuple[float, float]:
    """(best seconds composing every page, best seconds of the whole in-process build)."""
    from paperpress.build import build, load
    from paperpress.layout.compose import compose_planned
    from paperpress.layout.jumps import plan_jumps

    compose_best = whole_best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        built = build(issue)
        whole_best = min(whole_best, time.perf_counter() - t0)
        issue_data, fonts = load(issue)
        t1 = time.perf_counter()
        specs, planned = plan_jumps(issue_data.pages, fonts)
        for spec in specs:
            compose_planned(spec, issue_data, fonts, "", planned.get(spec.number))
        compose_best = min(compose_best, time.perf_counter() - t1)
        assert built.pages
    return compose_best, whole_best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="paperpress-bench-"))
    pinned_dir = tmp / "pinned"
    shutil.copytree(SAMPLE.parent / "articles", pinned_dir / "articles")
    shutil.copy(PINNED, pinned_dir / "issue.yaml")
    pinned = pinned_dir / "issue.yaml"
    try:
        print(f"composition, whole `paperpress build` processes, {args.runs} runs each (best / median wall s, "
              "peak MiB):")
        for name, issue in (("sample, composed (no line numbers)", SAMPLE), ("sample, every module pinned", pinned),
                            ("4-page example, composed, 2 jumps", EXAMPLE)):
            best, median, peak = whole_process(issue, args.runs, tmp / "out")
            print(f"  {name:38} {best:.3f} / {median:.3f} s, {peak:.0f} MiB")
        print("in one process: composing the pages (measure, plan, place, jumps) / the whole build, best of "
              f"{args.runs}:")
        for name, issue in (("sample, composed", SAMPLE), ("sample, pinned", pinned), ("4-page example", EXAMPLE)):
            comp, whole = composition_share(issue, args.runs)
            print(f"  {name:38} {comp:.3f} s of {whole:.3f} s ({comp / whole:.0%})")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
