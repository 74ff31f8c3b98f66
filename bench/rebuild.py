"""Benchmark: `paperpress watch`'s rebuild after a one-article edit, next to a cold build, and proof that the
rebuild writes the same bytes as a cold build.

    python bench/rebuild.py [ISSUE.yaml] [--article NAME] [--edits N] [--repeat N]

The issue folder is copied to a temporary folder (the original is never touched; its project's layouts and fonts
are used); --repeat N makes it an N-page issue, each page a copy of the first with copies of its articles (until
the 4-page example issue exists, `--repeat 4` stands in for it). Reported, in seconds:
  cold process     `paperpress build` as a whole process (interpreter start, imports, build, write);
  cold in-process  the first build() + write in a fresh process (imports done, nothing cached);
  warm, no cache   build() + write again in that warm process, without watch's caches;
  rebuild          watch's Session.rebuild() (build + write) after an edit of one article, median of N edits
                   (the edit alternates: one sentence of the article's longest paragraph removed, then restored).
Then a cold `paperpress build` of the edited files, in a new process, is compared file by file with what the
last rebuild wrote."""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "issues" / "2024-11-15" / "issue.yaml"


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _edit(article: Path) -> tuple[str, str]:
    """(original text, edited text): one sentence of the longest paragraph removed, found literally in the file."""
    raw = article.read_text(encoding="utf-8")
    data = yaml.safe_load(raw)
    paragraphs = sorted((p for p in data["paragraphs"] if isinstance(p, str)), key=len, reverse=True)
    for para in paragraphs:
        sentences = [s + "。" for s in para.split("。")[:-1]]
        for sentence in reversed(sentences[1:]):  # never the first: it may carry the run-in lead
            if len(sentence) >= 8 and raw.count(sentence) == 1:
                return raw, raw.replace(sentence, "")
    sys.exit(f"{article}: no sentence to remove found literally in the file")


def _pick(issue_path: Path, name: str | None) -> Path:
    """The article to edit: the one named, else the first article of the issue's last page."""
    manifest = yaml.safe_load(issue_path.read_text(encoding="utf-8"))
    articles = [m["article"] for page in manifest["pages"] for m in page["modules"] if "article" in m]
    if name is not None:
        found = [a for a in articles if Path(a).stem == name]
        if not found:
            sys.exit(f"no article '{name}' in {issue_path} (there are: {', '.join(Path(a).stem for a in articles)})")
        return issue_path.parent / found[0]
    last = manifest["pages"][-1]["modules"]
    return issue_path.parent / next(m["article"] for m in last if "article" in m)


def _repeat(issue_path: Path, pages: int) -> None:
    """Make the (copied) issue N pages long: the first page again, numbered on, with copies of its articles."""
    manifest = yaml.safe_load(issue_path.read_text(encoding="utf-8"))
    first = manifest["pages"][0]
    for n in range(1, pages):
        page = dict(first, number=first["number"] + n, name=f"{first['name']}{n + 1}", modules=[])
        for m in first["modules"]:
            m = dict(m)
            if "article" in m:
                src = issue_path.parent / m["article"]
                m["article"] = str(Path(m["article"]).with_name(f"p{n + 1}-{Path(m['article']).name}"))
                shutil.copy(src, issue_path.parent / m["article"])
            page["modules"].append(m)
        manifest["pages"].append(page)
    issue_path.write_text(yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _cold_process(issue: Path, out: Path, root: Path | None) -> float:
    cmd = [sys.executable, "-m", "paperpress", "build", str(issue), "-o", str(out)]
    if root is not None:
        cmd += ["--root", str(root)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"cold build failed ({proc.returncode}):\n{proc.stderr}")
    return seconds


def child(issue: Path, out: Path, root: Path | None) -> None:
    """In a fresh process: the first build + write, then the same again without watch's caches."""
    from paperpress.build import Project, build, write_atomically

    project = Project.find(issue.parent, root)
    times = []
    for _ in range(2):
        start, cpu = time.perf_counter(), time.process_time()
        write_atomically(build(issue, project), out)
        times += [time.perf_counter() - start, time.process_time() - cpu]
    print(" ".join(str(t) for t in times))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("issue", nargs="?", type=Path, default=SAMPLE, help="the issue (default: the sample)")
    parser.add_argument("--article", help="the article to edit, by file stem (default: the last page's first)")
    parser.add_argument("--edits", type=int, default=5, help="rebuilds after an edit to time (default 5)")
    parser.add_argument("--repeat", type=int, default=1, help="make the issue N pages long (copies of its first)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    from paperpress.resources import find_root

    if args.child:
        child(Path(args.child[0]), Path(args.child[1]), Path(os.environ["BENCH_ROOT"]) if os.environ.get(
            "BENCH_ROOT") else None)
        return
    source = args.issue.resolve()
    root, _ = find_root(source.parent)  # the original's project: its layouts and fonts serve the copy
    tmp = Path(tempfile.mkdtemp(prefix="paperpress-rebuild-"))
    try:
        issue = tmp / "issue" / source.name
        shutil.copytree(source.parent, issue.parent)
        if args.repeat > 1:
            _repeat(issue, args.repeat)
        article = _pick(issue, args.article)
        original, edited = _edit(article)
        env = dict(os.environ, BENCH_ROOT=str(root or ""))

        _cold_process(issue, tmp / "warmup", root)  # font files into the page cache, disk caches filled
        cold_process = _cold_process(issue, tmp / "cold-process", root)
        proc = subprocess.run([sys.executable, __file__, "--child", str(issue), str(tmp / "cold-in-process")],
                              capture_output=True, text=True, env=env)
        if proc.returncode != 0:
            sys.exit(proc.stderr)
        cold_in, cold_in_cpu, warm_nocache, warm_nocache_cpu = (float(x) for x in proc.stdout.split())

        from paperpress.watch import Session

        session = Session(issue, tmp / "out", root)
        first = session.rebuild()
        if not first.ok:
            sys.exit(f"the issue does not build: {first.what} {first.problems or first.message}")
        pages = len(first.built.pages) if first.built else 0
        times, cpus, last = [], [], first
        for k in range(args.edits):
            article.write_text(edited if k % 2 == 0 else original, encoding="utf-8")
            cpu = time.process_time()
            last = session.rebuild()
            cpus.append(time.process_time() - cpu)
            if not last.ok:
                sys.exit(f"the edit does not build: {last.what} {last.problems or last.message}")
            times.append(last.seconds)
        _cold_process(issue, tmp / "cold-after", root)
        incremental, cold = _files(tmp / "out" / first.built.issue.id), _files(
            tmp / "cold-after" / first.built.issue.id)
        differ = sorted(k for k in cold.keys() | incremental.keys() if cold.get(k) != incremental.get(k))

        rel = source.relative_to(ROOT) if source.is_relative_to(ROOT) else source
        print(f"{rel}: {pages} page(s); editing {article.name} (one sentence out, then back)")
        load = os.getloadavg()[0]
        print(f"  wall seconds (CPU seconds of this process); load average {load:.1f} on {os.cpu_count()} "
              "cores")
        print(f"  cold process     {cold_process:.3f} s          paperpress build: start, imports, build, write")
        print(f"  cold in-process  {cold_in:.3f} s ({cold_in_cpu:.3f})  first build + write in a fresh process")
        print(f"  warm, no cache   {warm_nocache:.3f} s ({warm_nocache_cpu:.3f})  build + write again, without "
              "watch's caches")
        print(f"  rebuild          {statistics.median(times):.3f} s ({statistics.median(cpus):.3f})  median of "
              f"{len(times)} one-article edits (wall best {min(times):.3f}, worst {max(times):.3f})")
        print(f"  last rebuild: {len(last.laid_out)} page(s) laid out, {len(last.reused)} kept; "
              f"{last.paragraphs_set} paragraph settings made, {last.paragraphs_kept} kept; {last.pdfs_drawn} PDF(s) "
              f"drawn, {last.pdfs_kept} kept")
        if differ:
            print(f"  NOT byte-identical to a cold build: {', '.join(differ)}")
            sys.exit(1)
        print(f"  byte-identical to a cold build of the edited files: all {len(cold)} files")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
