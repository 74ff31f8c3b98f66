"""Peer benchmark: the same 4-page A3 issue typeset by paperpress and by typst — time, memory, page-1 PNGs."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "issues" / "2024-11-15" / "articles"
LAYOUT = ROOT / "layouts" / "a3-5col.yaml"
FONTS = ROOT / "fonts"
CHARS_PER_PAGE = 4_500  # 18,000 characters on 4 pages
PAGES = 4
SERIF, SANS = "Noto Serif CJK SC", "Noto Sans CJK SC"
TITLE_SIZE = 22.0  # pt, the a3-5col layout's title style
ASCENT = 0.88  # the ideographic em box: 0.88 em above the baseline, 0.12 em below (as paperpress sets it)
BOLD = re.compile(r"\*\*(.+?)\*\*")


@dataclass(frozen=True)
class Geometry:
    """The a3-5col page in points: trim, type area and the body grid."""

    width: float
    height: float
    left: float
    grid_top: float  # top of the first grid band (below the folio header)
    columns: int
    col_w: float
    gutter: float
    lines: int
    size: float
    pitch: float

    @property
    def area_w(self) -> float:
        return self.columns * self.col_w + (self.columns - 1) * self.gutter

    @property
    def first_baseline(self) -> float:
        """Baseline of grid line 1: the body em box centred in its band."""
        return self.grid_top + (self.pitch - self.size) / 2 + ASCENT * self.size


@dataclass(frozen=True)
class Run:
    wall: float
    peak_mib: float
    stdout: str
    stderr: str
    status: int
    cpu: float = 0.0  # user + system seconds of the process and the workers it waited for


def length_pt(text: str) -> float:
    units = {"pt": 1.0, "mm": 72 / 25.4, "in": 72.0}
    m = re.fullmatch(r"([0-9.]+)(pt|mm|in)", text.strip())
    if not m:
        sys.exit(f"peer: cannot read the length {text!r} in {LAYOUT}")
    return float(m[1]) * units[m[2]]


def geometry() -> Geometry:
    data = yaml.safe_load(LAYOUT.read_text(encoding="utf-8"))
    grid, body = data["grid"], data["styles"]["body"]
    size = length_pt(body["size"])
    return Geometry(width=length_pt(data["trim"]["width"]), height=length_pt(data["trim"]["height"]),
                    left=length_pt(data["margins"]["left"]),
                    grid_top=length_pt(data["margins"]["top"]) + length_pt(data["header"]["height"]),
                    columns=grid["columns"], col_w=grid["characters"] * size, gutter=grid["gutter"] * size,
                    lines=grid["lines"], size=size, pitch=length_pt(body["leading"]))


def plain(paragraph: str) -> str:
    return paragraph.replace("**", "")


def content(pages: int = PAGES) -> tuple[list[str], list[str]]:
    """The sample's paragraphs (with their ** bold leads) repeated in order to about CHARS_PER_PAGE a page; the news
    titles. Each repetition is marked (（2）, （3）…) so that no two paragraphs are the same text: neither tool
    (nor paperpress's cache of set paragraphs) may reuse one paragraph's lines for another."""
    paragraphs: list[str] = []
    titles: list[str] = []
    for path in sorted(ARTICLES.glob("*.yaml")):
        article = yaml.safe_load(path.read_text(encoding="utf-8"))
        paragraphs += article["paragraphs"]
        if article.get("kind") == "news":
            titles.append(article["title"])
    out: list[str] = []
    total = 0
    while total < CHARS_PER_PAGE * pages:
        rep, i = divmod(len(out), len(paragraphs))
        p = paragraphs[i] if rep == 0 else f"（{rep + 1}）{paragraphs[i]}"
        out.append(p)
        total += len(plain(p))
    return out, titles


def split(paragraphs: list[str], pages: int) -> list[list[str]]:
    """Consecutive paragraph groups of about equal character counts."""
    total = sum(len(plain(p)) for p in paragraphs)
    groups: list[list[str]] = [[] for _ in range(pages)]
    done = 0
    for p in paragraphs:
        n = len(plain(p))
        page = min(pages - 1, int((done + n / 2) * pages / total))
        groups[page].append(p)
        done += n
    return groups


# ---------------------------------------------------------------- paperpress


def write_project(base: Path, groups: list[list[str]], titles: list[str]) -> Path:
    """A throw-away paperpress project: the real layouts, fonts and profiles, one article module per page."""
    for name in ("layouts", "fonts", "profiles"):
        link = base / name
        if not link.exists():
            link.symlink_to(ROOT / name)
    issue_dir = base / "issues" / "peer"
    (issue_dir / "articles").mkdir(parents=True, exist_ok=True)
    pages = []
    for i, group in enumerate(groups, 1):
        article = {"kind": "news", "title": titles[(i - 1) % len(titles)], "paragraphs": group}
        (issue_dir / "articles" / f"page-{i}.yaml").write_text(
            yaml.safe_dump(article, allow_unicode=True, width=10**6, sort_keys=False), encoding="utf-8")
        pages.append({"number": i, "name": "生态环境", "layout": "a3-5col",
                      "modules": [{"article": f"articles/page-{i}.yaml", "column": 1, "span": 5, "line": 1,
                                   "lines": 79}]})
    issue = {"paper": "太原日报", "code": "TYRB", "id": "peer", "date": "2024-11-15", "pages": pages}
    path = issue_dir / "issue.yaml"
    path.write_text(yaml.safe_dump(issue, allow_unicode=True, width=10**6, sort_keys=False), encoding="utf-8")
    return path


def paperpress_cmd(issue: Path, out: Path) -> tuple[list[str], dict[str, str]]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    # --allow-overset: the warm-up builds until no page is overset, reading each try's report
    return [sys.executable, "-m", "paperpress", "build", str(issue), "-o", str(out), "--allow-overset",
            "--timings"], env


def fit_paperpress(base: Path, groups: list[list[str]], titles: list[str],
                   out: Path) -> tuple[list[str], dict[str, str]]:
    """Build until no page is overset, moving an overset page's last paragraph to the next page; the command."""
    while True:
        issue = write_project(base, groups, titles)
        cmd, env = paperpress_cmd(issue, out)
        r = run(cmd, env)
        check(r, "paperpress build (warm-up)", ok=(0, 3, 4))
        overset = overset_pages(json.loads((out / "peer" / "report.json").read_text(encoding="utf-8")))
        if not overset:
            return cmd, env
        i = overset[0]
        if i == len(groups) - 1 or len(groups[i]) < 2:
            sys.exit(f"peer: page {i + 1} is overset and no paragraph can move on\n{r.stderr}")
        print(f"page {i + 1} overset: moving its last paragraph to page {i + 2}", file=sys.stderr)
        groups[i + 1].insert(0, groups[i].pop())


def timings(stdout: str) -> str:
    """The stage timings `build --timings` prints."""
    return next((line.removeprefix("timings: ") for line in stdout.splitlines() if line.startswith("timings: ")),
                "no timings printed")


def overset_pages(report: dict) -> list[int]:
    """Indexes (0-based) of the pages with an overset module."""
    return [i for i, page in enumerate(report["pages"]) if any(m["status"] == "overset" for m in page["modules"])]


# ---------------------------------------------------------------- typst


def typst_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def typst_paragraph(paragraph: str) -> str:
    """Plain text as typst string literals (no markup to escape), ** leads as bold sans runs."""
    parts = []
    for i, piece in enumerate(BOLD.split(paragraph)):
        if piece:
            parts.append(f"#runin({typst_string(piece)})" if i % 2 else f"#{typst_string(piece)}")
    return "".join(parts)


def typst_source(groups: list[list[str]], titles: list[str], g: Geometry) -> str:
    """The same pages in typst: the same type area, a 4-band headline block, the body on a 13.5 pt pitch."""
    # Line boxes are the em box (top edge 0.88 em, bottom edge 0.12 em) so that bold sans runs cannot change a
    # line's height; leading and paragraph spacing are the rest of the pitch. The type area starts where the em
    # box of paperpress's first grid line starts, so both tools' baselines fall on the same grid.
    gap = g.pitch - g.size
    top = g.grid_top + gap / 2
    bottom = g.height - top - (g.lines * g.pitch - gap) - 1  # room for `lines` lines, 1 pt to spare
    right = g.width - g.left - g.area_w
    head_h = 4 * g.pitch  # paperpress gives a one-line 22/28 pt title 4 grid bands
    out = [
        f"#set page(width: {g.width:.3f}pt, height: {g.height:.3f}pt, "
        f"margin: (left: {g.left:.3f}pt, right: {right:.3f}pt, top: {top:.3f}pt, bottom: {bottom:.3f}pt))",
        f'#set text(font: "{SERIF}", size: {g.size}pt, lang: "zh", region: "cn", '
        f"top-edge: {ASCENT}em, bottom-edge: {ASCENT - 1:.2f}em)",
        f"#set par(justify: true, first-line-indent: (amount: 2em, all: true), leading: {gap}pt, spacing: {gap}pt)",
        f'#let runin(body) = text(font: "{SANS}", weight: "bold", body)',
        "",
    ]
    for i, group in enumerate(groups):
        if i:
            out.append("#pagebreak()")
        title = titles[i % len(titles)]
        out.append(f"#block(width: 100%, height: {head_h}pt, above: 0pt, below: 0pt, "
                   f'align(center + horizon, text(font: "{SANS}", weight: "bold", size: {TITLE_SIZE}pt, '
                   f"{typst_string(title)})))")
        out.append(f"#columns({g.columns}, gutter: {g.gutter}pt)[")
        out.append("\n\n".join(typst_paragraph(p) for p in group))
        out.append("]")
    return "\n".join(out) + "\n"


TYPST_CHILD = """\
import sys, time
import typst
t = time.perf_counter()
typst.compile(sys.argv[1], output=sys.argv[2], font_paths=[sys.argv[3]], ignore_system_fonts=True)
print(time.perf_counter() - t)
"""


# ---------------------------------------------------------------- measuring


def run(cmd: list[str], env: dict[str, str] | None = None) -> Run:
    """Wall seconds and peak resident MiB of one whole child process (wait4), its output kept in files."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(wall, usage.ru_maxrss / 1024, out.read().decode(), err.read().decode(), proc.returncode,
                   usage.ru_utime + usage.ru_stime)


def check(r: Run, what: str, ok: tuple[int, ...] = (0,)) -> None:
    if r.status not in ok:
        sys.exit(f"peer: {what} failed with exit status {r.status}\n{r.stderr}")


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])  # type: ignore[index]


def png_page1(pdf: Path, png: Path) -> Path:
    png.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "100", "-f", "1", "-l", "1", "-png", "-singlefile", str(pdf),
                    str(png.with_suffix(""))], check=True)
    return png


@dataclass(frozen=True)
class GridCount:
    lines: int
    on_grid: int  # baselines on the one grid (13.5 pt pitch, any phase) that holds most lines
    on_paperpress_grid: int  # baselines on paperpress's grid for this layout
    full: int  # lines ending at the column edge
    half_punct: int  # of those, lines whose closing punctuation is set half width at the edge
    ragged: int  # lines ending short of the column edge (paragraph ends excluded)
    overhanging: int  # lines ending past the column edge
    punct_starts: int  # lines starting with closing punctuation (clreq forbids it)


WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
CLOSING = set("，。、；：？！）》」』】〕〉”’")


def grid_count(pdf: Path, g: Geometry, tol: float = 0.15) -> GridCount:
    """Body lines of a typst PDF (`pdftotext -bbox`): baselines against a grid, line ends against the column edge.

    typst's font descriptors give Noto CJK an ascent of 0.88 and a descent of 0.12 em, so a word box is the em box
    and its baseline is yMin + 0.88 × its height. pdftotext ends a word at its last glyph's full advance, so a
    closing mark set half width at the end of a line shows as ending half an em past the edge.
    """
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    lines: dict[tuple[int, int, int], list[tuple[float, float, str]]] = {}
    baselines: dict[tuple[int, int, int], float] = {}
    for page_no, page in enumerate(html.split("<page ")[1:]):
        for m in WORD.finditer(page):
            x0, y0, x1, y1 = (float(m[i]) for i in range(1, 5))
            if y1 - y0 > 2 * g.size:  # the headline
                continue
            base = y0 + ASCENT * (y1 - y0)
            key = (page_no, round((x0 - g.left) / (g.col_w + g.gutter) - 0.45), round(base))
            lines.setdefault(key, []).append((x0, x1, m[5]))
            baselines[key] = base
    ordered = sorted(lines)
    phases = Counter(round((baselines[k] % g.pitch) / tol) for k in ordered)
    on_pp = sum(1 for k in ordered if abs((baselines[k] - g.first_baseline + g.pitch / 2) % g.pitch - g.pitch / 2)
                <= tol)
    full = half = ragged = overhang = punct = 0
    for i, key in enumerate(ordered):
        words = sorted(lines[key])
        right = g.left + key[1] * (g.col_w + g.gutter) + g.col_w
        end, last = words[-1][1], words[-1][2][-1:]
        punct += words[0][2][:1] in CLOSING
        nxt = ordered[i + 1] if i + 1 < len(ordered) else None
        para_end = nxt is None or min(lines[nxt])[0] > g.left + nxt[1] * (g.col_w + g.gutter) + 1.5 * g.size
        if abs(end - right) <= tol:
            full += 1
        elif last in CLOSING and abs(end - g.size / 2 - right) <= tol:
            full += 1
            half += 1
        elif end > right:
            overhang += 1
        elif not para_end:
            ragged += 1
    return GridCount(len(ordered), phases.most_common(1)[0][1] if phases else 0, on_pp, full, half, ragged,
                     overhang, punct)


# ---------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--png-dir", type=Path, default=Path("output/peer"),
                        help="where page 1 of both PDFs goes as PNG (default: output/peer/)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and print its path")
    args = parser.parse_args()
    try:
        import typst  # noqa: F401  (only to fail early, with a clear message)
    except ImportError:
        print("peer: the Python package 'typst' is missing: pip install typst", file=sys.stderr)
        return 2

    g = geometry()
    paragraphs, titles = content()
    groups = split(paragraphs, PAGES)
    base = Path(tempfile.mkdtemp(prefix="paperpress-peer-"))
    try:
        pp_out = base / "out"
        cmd, env = fit_paperpress(base, groups, titles, pp_out)  # the warm-up run

        src = base / "peer.typ"
        src.write_text(typst_source(groups, titles, g), encoding="utf-8")
        typst_pdf = base / "typst.pdf"
        typst_cmd = [sys.executable, "-c", TYPST_CHILD, str(src), str(typst_pdf), str(FONTS)]
        check(run(typst_cmd), "typst compile (warm-up)")

        pp = run(cmd + ["--no-cache"], env)  # the timed runs: one each (paperpress cold, as typst is)
        check(pp, "paperpress build", ok=(0, 3))
        ty = run(typst_cmd)
        check(ty, "typst compile")

        report = json.loads((pp_out / "peer" / "report.json").read_text(encoding="utf-8"))
        pp_pdf = pp_out / "peer" / "screen" / "peer.pdf"
        chars = sum(len(plain(p)) for group in groups for p in group)
        print(f"content: {chars} characters in {len(paragraphs)} paragraphs, {PAGES} A3 pages "
              f"({', '.join(str(sum(len(plain(p)) for p in grp)) for grp in groups)} per page), "
              f"{g.columns} columns, {g.size:g}/{g.pitch:g} pt {SERIF}")
        print(f"paperpress: {pp.wall:.3f} s, peak {pp.peak_mib:.0f} MiB (whole process: print + screen PDFs, "
              f"preflight; in-process {timings(pp.stdout)})")
        print(f"typst:      {ty.wall:.3f} s, peak {ty.peak_mib:.0f} MiB (whole process; in-process compile "
              f"{float(ty.stdout.strip()):.3f} s)")
        print(f"ratio paperpress/typst: {pp.wall / ty.wall:.2f}")
        fits = [m["status"] for page in report["pages"] for m in page["modules"]]
        print(f"paperpress fit: {', '.join(fits)}; exit status {pp.status}; {pdf_pages(pp_pdf)} pages")
        if pp.stderr.strip():
            print("paperpress stderr:\n  " + "\n  ".join(pp.stderr.strip().splitlines()))
        n = pdf_pages(typst_pdf)
        print(f"typst: {n} pages" + ("" if n == PAGES else f" (expected {PAGES}: the body did not fit)"))

        gc = grid_count(typst_pdf, g)
        pp_lines = sum(m["lines_needed"] for page in report["pages"] for m in page["modules"])
        print(f"body lines: paperpress {pp_lines} (report.json), typst {gc.lines} (pdftotext -bbox)")
        print(f"typst lines on one shared baseline grid: {gc.on_grid} of {gc.lines} "
              f"({100 * gc.on_grid / max(gc.lines, 1):.0f}%), on paperpress's grid {gc.on_paperpress_grid}")
        print(f"typst line ends: {gc.full} at the column edge ({gc.half_punct} with a half-width closing mark), "
              f"{gc.ragged} ragged (paragraph ends excluded), {gc.overhanging} overhanging; "
              f"{gc.punct_starts} lines start with closing punctuation")

        for name, pdf in (("paperpress", pp_pdf), ("typst", typst_pdf)):
            print(f"{name} page 1: {png_page1(pdf, args.png_dir / f'{name}-p1.png')}")
        if args.keep:
            print(f"kept: {base}")
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
