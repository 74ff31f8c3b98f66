"""Font coverage before layout: a character no font of its style has is an error, never a blank."""

from __future__ import annotations

from .errors import Mark, Problems
from .fonts import FontBook
from .manifest import Issue, Layout, Style
from .stories import Source, Story

IGNORED = frozenset(" \n")


def story_styles(story: Story, layout: Layout) -> dict[str, Style]:
    """Which style sets each field of a story (the same choice the layout makes)."""
    body = layout.style("note") if story.kind == "editors-note" else layout.style("body")
    runin = layout.style("note-label") if story.kind == "editors-note" else layout.style("runin")
    pick = layout.part_style
    return {"kicker": pick(story.kind, "kicker"), "title": pick(story.kind, "title"),
            "subtitle": pick(story.kind, "subtitle"), "jump-title": pick(story.kind, "title"),
            "byline": layout.style("byline"), "dateline": runin, "paragraph": body, "runin": runin,
            "table": body, "table-header": runin}


def _check(text: str, style: Style, fonts: FontBook, src: Source | None, fname: str, what: str,
           problems: Problems, seen: set) -> None:
    # each distinct character once (a paragraph repeats most of its own); only text that misses one is walked
    # again for where each occurrence stands
    if all(ch in IGNORED or fonts[style.face_for(ch)].has(ch) for ch in set(text)):
        return
    for i, ch in enumerate(text):
        face = fonts[style.face_for(ch)]
        if ch in IGNORED or face.has(ch):
            continue
        key = (fname, what, ch, style.font)
        if key in seen:
            continue
        seen.add(key)
        mark = Mark(*src.at(i)) if src is not None else None
        problems.add(fname, mark, f"character '{ch}' (U+{ord(ch):04X}) in {what} is in no font of style "
                     f"'{style.name}' ({face.family} {face.style}, {face.path.name})")


def check_coverage(issue: Issue, fonts: FontBook, problems: Problems) -> None:
    seen: set = set()
    mfile = str(issue.path)
    for spec in issue.pages:
        layout = spec.layout
        for text, sname in ((issue.paper, "folio-paper"), (spec.name, "folio-page"), (spec.editor, "folio-info")):
            _check(text, layout.style(sname), fonts, None, mfile, f"the header of page {spec.number}", problems,
                   seen)
        for module in spec.modules:
            if module.figure is not None:
                _check((module.caption or "") + (module.credit or ""), layout.style("caption"), fonts, None, mfile,
                       f"the caption at line {module.where[1]}", problems, seen)
                continue
            if module.story is None:
                _check(module.head or "", layout.style("head"), fonts, None, mfile,
                       f"the column head at line {module.where[1]}", problems, seen)
                continue
            story = module.story
            styles = story_styles(story, layout)
            fname = str(story.path)
            for field, text, src in story.texts():
                if field == "paragraph":
                    para = next(p for p in story.paragraphs if p.source is src)
                    pos = 0  # index in the raw text, where ** markers take two characters each
                    for run in para.runs:
                        pos += 2 if run.bold else 0
                        style = styles["runin"] if run.bold else styles["paragraph"]
                        _check_run(run.text, pos, style, fonts, src, fname, story.id, problems, seen)
                        pos += len(run.text) + (2 if run.bold else 0)
                else:
                    _check(text, styles[field], fonts, src, fname, f"the {field} of article '{story.id}'",
                           problems, seen)


def _check_run(text: str, offset: int, style: Style, fonts: FontBook, src: Source, fname: str, sid: str,
               problems: Problems, seen: set) -> None:
    shifted = Source(src.file, src.line, src.column + offset, src.plain)
    _check(text, style, fonts, shifted, fname, f"a paragraph of article '{sid}'", problems, seen)
