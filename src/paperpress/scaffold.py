"""`paperpress new DIR`: a ready issue folder — a commented manifest and one article per kind, with placeholder
text the build flags — whose module geometry is chosen from the layout's grid so that it builds at once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from . import schema
from .stories import Story
from .typography import TypoFinding

# A paragraph starting with this marker is placeholder copy: the build warns about it ("placeholder text").
PLACEHOLDER = "【占位】"

_SENTENCE = "这里是占位文字，请换成本版稿件的正文。"

# (kind, file stem, headline fields, paragraphs, sentences per paragraph)
_ARTICLES: tuple[tuple[str, str, dict[str, str], int, int], ...] = (
    ("news", "news", {"kicker": "引题　可以不写", "title": "主题　写在这里", "dateline": "本报讯"}, 3, 8),
    ("editors-note", "editors-note", {}, 2, 8),
    ("column", "column", {"title": "专栏文章题目", "byline": "作者单位　作者姓名"}, 3, 10),
    ("feature", "feature", {"title": "通讯题目", "subtitle": "副题　可以不写", "byline": "本报记者　姓名"}, 3, 10),
)


class ScaffoldError(Exception):
    """The folder cannot be made (it exists and is not empty, or the layout is unknown)."""


def _grid(layouts_dir: Path, layout: str) -> tuple[int, int]:
    path = layouts_dir / f"{layout}.yaml"
    if not path.is_file():
        known = sorted(p.stem for p in layouts_dir.glob("*.yaml"))
        raise ScaffoldError(f"unknown layout '{layout}' (known: {', '.join(known) or 'none'} in {layouts_dir})")
    grid = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("grid") or {}
    return int(grid["columns"]), int(grid["lines"])


def modules(columns: int, lines: int) -> list[dict]:
    """Rectangles of the grid for the four articles: news across the top, then editor's note, column and
    feature side by side below it. Each is far larger than its placeholder copy, so nothing is overset."""
    top = max(12, lines * 3 // 10)
    rest = lines - top
    note_span = max(2, columns // 4)
    left = columns - note_span
    col_span = max(1, left // 2)
    feat_span = columns - note_span - col_span
    out = [{"kind": "news", "column": 1, "span": columns, "line": 1, "lines": top},
           {"kind": "editors-note", "column": 1, "span": note_span, "line": top + 1, "lines": rest, "box": True},
           {"kind": "column", "column": note_span + 1, "span": col_span, "line": top + 1, "lines": rest}]
    if feat_span > 0:
        out.append({"kind": "feature", "column": note_span + col_span + 1, "span": feat_span, "line": top + 1,
                    "lines": rest})
    return out


def _article(kind: str, fields: dict[str, str], paragraphs: int, sentences: int) -> str:
    out = [f"# yaml-language-server: $schema={schema.shipped('article').as_uri()}",
           f"# One article ({kind}). Replace every paragraph that starts with {PLACEHOLDER}: the build warns",
           "# about each one left (\"placeholder text\").",
           f"kind: {kind}                # news | editors-note | column | feature"]
    notes = {"kicker": "引题 (optional)", "title": "主题; a U+3000 space separates phrases of a long headline",
             "subtitle": "副题 (optional)", "dateline": "set as a bold run-in before the first paragraph",
             "byline": "the author line"}
    for key, value in fields.items():
        out.append(f"{key}: {value}    # {notes[key]}")
    out.append("paragraphs:                # one item a paragraph; '**…**' at the start is a bold run-in lead")
    for _ in range(paragraphs):
        out.append(f"  - {PLACEHOLDER}{_SENTENCE * sentences}")
    return "\n".join(out) + "\n"


def _manifest(layout: str, pages: int, date: dt.date, columns: int, lines: int) -> str:
    out = [f"# yaml-language-server: $schema={schema.shipped('issue').as_uri()}",
           "# An issue of the paper: which articles go where on which page (README: \"An issue\").",
           "# Build it with: paperpress build issue.yaml -o output",
           "paper: 报纸名称            # the paper's name, in the folio",
           "code: PAPER                # optional short code for the print file names",
           f"date: {date.isoformat()}           # the folio shows the date with its weekday; the issue id",
           "number: \"第1期\"             # optional issue number",
           "pages:"]
    for n in range(1, pages + 1):
        out += [f"  - number: {n}              # 第{n}版, once in an issue",
                f"    name: 版面名称{n}         # the page name in the folio",
                f"    layout: {layout}        # layouts/{layout}.yaml ({columns} columns, {lines} lines)",
                "    editor: 责任编辑　姓名",
                "    modules:                # rectangles of the grid: first column, columns spanned, first "
                "line, lines"]
        for m in modules(columns, lines):
            box = ", box: true" if m.get("box") else ""
            out.append(f"      - {{article: articles/p{n}-{m['kind']}.yaml, column: {m['column']}, span: {m['span']}, "
                       f"line: {m['line']}, lines: {m['lines']}{box}}}")
        if n == 1:
            out += ["      # box: true frames the module; columns: N sets the body columns inside it;",
                    "      # {head: 栏头, ...} is a column head, {figure: photo.jpg, caption: …, credit: …} a photo"]
    return "\n".join(out) + "\n"


def new_issue(folder: Path, layouts_dir: Path, layout: str = "broadsheet", pages: int = 1,
              date: dt.date | None = None) -> list[Path]:
    """Write the issue folder; returns the files written. Refuses a folder that exists and is not empty."""
    if not 1 <= pages <= 999:
        raise ScaffoldError(f"--pages {pages}: an issue has 1 to 999 pages")
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ScaffoldError(f"{folder} exists and is not empty: choose a new folder")
    columns, lines = _grid(layouts_dir, layout)
    date = date or dt.date.today()
    files = {folder / "issue.yaml": _manifest(layout, pages, date, columns, lines)}
    kinds = {m["kind"] for m in modules(columns, lines)}
    for n in range(1, pages + 1):
        for kind, stem, fields, paras, sentences in _ARTICLES:
            if kind in kinds:
                files[folder / "articles" / f"p{n}-{stem}.yaml"] = _article(kind, fields, paras, sentences)
    (folder / "articles").mkdir(parents=True, exist_ok=True)
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    return list(files)


def placeholders(stories: list[Story]) -> list[TypoFinding]:
    """A warning for every paragraph that still starts with the placeholder marker, at its source."""
    out = []
    for story in stories:
        for p in story.paragraphs:
            if p.text.startswith(PLACEHOLDER):
                out.append(TypoFinding("warning", story.id, f"{p.source.file}:{p.source.line}:{p.source.column}",
                                       "placeholder", "placeholder text: replace it before the page goes out"))
    return out
