"""Speed benchmark: paperpress and typst on the same generated A3 issues (bench/peer.py's content) at 4, 32 and
128 pages, each tool as a whole process, in paired runs A B A B … with the ratio taken pair by pair; peak RSS;
and a warm-cache rebuild of the 32-page issue after a one-article edit.

paperpress runs cold (--no-cache, a fresh cache folder) with its default --jobs; typst through its PyPI
package. Each size is built once by each tool before the timed pairs (the page cache holds the fonts).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import peer  # noqa: E402


def paperpress(issue: Path, out: Path, *extra: str) -> tuple[list[str], dict[str, str]]:
    cmd, env = peer.paperpress_cmd(issue, out)
    return cmd + list(extra), env


def typst_cmd(base: Path, groups: list[list[str]], titles: list[str]) -> list[str]:
    src = base / "peer.typ"
    src.write_text(peer.typst_source(groups, titles, peer.geometry()), encoding="utf-8")
    return [sys.executable, "-c", peer.TYPST_CHILD, str(src), str(base / "typst.pdf"), str(peer.FONTS)]


def pairs(a: tuple[list[str], dict[str, str] | None], b: list[str], n: int) -> list[tuple[peer.Run, peer.Run]]:
    out = []
    for _ in range(n):
        ra = peer.run(*a)
        peer.check(ra, "paperpress build", ok=(0, 3))
        rb = peer.run(b)
        peer.check(rb, "typst compile")
        out.append((ra, rb))
    return out


def size(pages: int, runs: int, base: Path) -> dict:
    paragraphs, titles = peer.content(pages)
    groups = peer.split(paragraphs, pages)
    work = base / f"p{pages}"
    work.mkdir()
    out = work / "out"
    # warm-up: fit (no page overset) and build once with each tool
    cmd, env = peer.fit_paperpress(work, groups, titles, out)
    cold = (cmd + ["--no-cache"], env)
    ty = typst_cmd(work, groups, titles)
    peer.check(peer.run(ty), "typst compile (warm-up)")
    result = pairs(cold, ty, runs)
    n_typst = peer.pdf_pages(work / "typst.pdf")
    return {"pages": pages, "pairs": result, "groups": groups, "titles": titles, "work": work, "cmd": cmd,
            "env": env, "typst": ty, "typst_pages": n_typst}


def warm_rebuild(r: dict, runs: int) -> list[tuple[peer.Run, peer.Run]]:
    """Fill the cache, then for each pair: edit one article (page 1's first paragraph) and rebuild warm, then
    typst cold on the same edited content."""
    issue = r["work"] / "issues" / "peer" / "issue.yaml"
    article = issue.parent / "articles" / "page-1.yaml"
    cmd, env = r["cmd"], r["env"]
    peer.check(peer.run(cmd, env), "paperpress build (cache fill)", ok=(0, 3))
    out = []
    for k in range(runs):
        data = yaml.safe_load(article.read_text(encoding="utf-8"))
        data["paragraphs"][0] = f"（修改{k + 1}）" + data["paragraphs"][0]
        article.write_text(yaml.safe_dump(data, allow_unicode=True, width=10**6, sort_keys=False), encoding="utf-8")
        r["groups"][0][0] = data["paragraphs"][0]
        ty = typst_cmd(r["work"], r["groups"], r["titles"])
        a = peer.run(cmd, env)
        peer.check(a, "paperpress build (warm)", ok=(0, 3))
        b = peer.run(ty)
        peer.check(b, "typst compile")
        out.append((a, b))
    return out


def line(label: str, runs: list[tuple[peer.Run, peer.Run]]) -> str:
    ratios = [a.wall / b.wall for a, b in runs]
    pa = statistics.median(a.wall for a, _ in runs)
    tb = statistics.median(b.wall for _, b in runs)
    pc = statistics.median(a.cpu for a, _ in runs)
    tc = statistics.median(b.cpu for _, b in runs)
    return (f"{label:<26} paperpress {pa:6.2f} s, cpu {pc:5.2f} s, peak {max(a.peak_mib for a, _ in runs):4.0f} MiB | "
            f"typst {tb:5.2f} s, cpu {tc:5.2f} s, peak {max(b.peak_mib for _, b in runs):4.0f} MiB | wall ratio per "
            f"pair {', '.join(f'{x:.2f}' for x in ratios)} (median {statistics.median(ratios):.2f})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="4,32,128", help="page counts (default 4,32,128)")
    parser.add_argument("--runs", default="3,3,1", help="timed pairs per size (default 3,3,1)")
    parser.add_argument("--warm-runs", type=int, default=2, help="warm one-article rebuilds (default 2)")
    args = parser.parse_args()
    try:
        import typst  # noqa: F401
    except ImportError:
        print("speed: the Python package 'typst' is missing: pip install typst", file=sys.stderr)
        return 2
    sizes = [int(s) for s in args.sizes.split(",")]
    runs = [int(s) for s in args.runs.split(",")]
    runs += [runs[-1]] * (len(sizes) - len(runs))
    base = Path(tempfile.mkdtemp(prefix="paperpress-speed-"))
    os.environ["XDG_CACHE_HOME"] = str(base / "cache")  # a fresh cache, for every child: never the user's
    start = time.perf_counter()
    try:
        print(f"paperpress vs typst, whole processes, paired runs; {os.cpu_count()} cores, "
              f"load average {os.getloadavg()[0]:.2f} at the start")
        results = {}
        for pages, n in zip(sizes, runs, strict=True):
            r = results[pages] = size(pages, n, base)
            note = "" if r["typst_pages"] == pages else f" (typst set {r['typst_pages']} pages)"
            print(line(f"{pages} pages, cold{note}", r["pairs"]), flush=True)
        if 32 in results and args.warm_runs:
            print(line("32 pages, warm, 1 edited", warm_rebuild(results[32], args.warm_runs)))
        print(f"({time.perf_counter() - start:.0f} s; cold: --no-cache; warm: the cache filled by a build of the "
              f"same issue, then one article edited before each rebuild; typst always cold)")
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
