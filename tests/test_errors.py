"""Bad input: a located message for each problem, all problems at once, exit status 2, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def where(path: Path, needle: str) -> str:
    """file:line:column (1-based) of the first occurrence of needle."""
    text = path.read_text(encoding="utf-8")
    i = text.index(needle)
    line = text.count("\n", 0, i) + 1
    col = i - (text.rfind("\n", 0, i) + 1) + 1
    return f"{path}:{line}:{col}"


def build_fails(issue: Path, out: Path) -> str:
    proc = run_cli("build", str(issue), "-o", str(out))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert not (out / "2024-11-15").exists()
    assert not any(out.glob(".2024*")) if out.exists() else True  # no temporary left behind either
    return proc.stderr


def layout_of(issue: Path) -> Path:
    return issue.parent.parent.parent / "layouts" / "broadsheet.yaml"


def article(issue: Path, name: str) -> Path:
    return issue.parent / "articles" / f"{name}.yaml"


def test_malformed_yaml(project_copy, tmp_path):
    """A YAML syntax error names the file, line and column."""
    edit(project_copy, "paper: 太原日报", "paper: [太原日报")
    err = build_fails(project_copy, tmp_path / "out")
    assert f"{project_copy}:" in err and "malformed YAML" in err


def test_missing_and_unknown_fields_all_at_once(project_copy, tmp_path):
    """A missing field and a misspelt one in the same file are both reported, each located."""
    edit(project_copy, "paper: 太原日报\n", "")
    edit(project_copy, "    editor:", "    editr:")
    err = build_fails(project_copy, tmp_path / "out")
    assert "missing field 'paper'" in err
    assert f"{where(project_copy, 'editr')}: error: unknown field 'editr'" in err


def test_missing_article_file(project_copy, tmp_path):
    """A module naming an article file that does not exist is located at that name."""
    edit(project_copy, "articles/training.yaml", "articles/trainig.yaml")
    err = build_fails(project_copy, tmp_path / "out")
    assert f"{where(project_copy, 'articles/trainig.yaml')}: error: article file articles/trainig.yaml not found" in err


def test_unknown_layout(project_copy, tmp_path):
    """An unknown layout name is located and the known ones are listed."""
    edit(project_copy, "layout: broadsheet", "layout: tabloid")
    err = build_fails(project_copy, tmp_path / "out")
    assert (f"{where(project_copy, 'tabloid')}: error: unknown layout 'tabloid' (known: a3-5col, a3-5col-front, "
            "broadsheet") in err


def test_unknown_style_and_font(project_copy, tmp_path):
    """In the layout: a grid body naming no style, and a style naming no font of the catalog."""
    lay = layout_of(project_copy)
    edit(lay, "  body: body ", "  body: bodytext ")
    edit(lay, "{font: kai-regular, size: 12pt,", "{font: kai-bold, size: 12pt,")
    err = build_fails(project_copy, tmp_path / "out")
    assert f"{where(lay, 'bodytext')}: error: unknown style 'bodytext'" in err
    assert f"{where(lay, 'kai-bold')}: error: unknown font 'kai-bold'" in err


def test_module_outside_the_grid(project_copy, tmp_path):
    """A module running past the last column is located at its entry and says how big the grid is."""
    edit(project_copy, "column: 5, span: 4, line: 63", "column: 6, span: 4, line: 63")
    err = build_fails(project_copy, tmp_path / "out")
    assert "module outside the grid: columns 6–9" in err and "8 columns × 88 lines" in err


def test_overlapping_modules(project_copy, tmp_path):
    """Two modules sharing grid cells: the later one is named, with the line of the one it overlaps."""
    edit(project_copy, "column: 1, span: 5, line: 32, lines: 8", "column: 1, span: 5, line: 30, lines: 8")
    err = build_fails(project_copy, tmp_path / "out")
    assert "module 'river-patrol' overlaps module 'damage-compensation'" in err


def test_character_no_font_has(project_copy, tmp_path):
    """A character missing from the style's font is an error naming article file:line:column and the character."""
    path = article(project_copy, "training")
    edit(path, "11月4日至6日", "11月4日\U0001F600至6日")
    err = build_fails(project_copy, tmp_path / "out")
    assert f"{where(path, chr(0x1F600))}: error: character '\U0001F600' (U+1F600)" in err
    assert "article 'training'" in err


def test_bad_article_fields(project_copy, tmp_path):
    """An unknown kind and an unclosed bold marker in an article are both reported."""
    path = article(project_copy, "yingze")
    edit(path, "kind: column", "kind: colum")
    edit(path, "**一、强化组织领导，构建高效推进机制。**", "**一、强化组织领导，构建高效推进机制。")
    err = build_fails(project_copy, tmp_path / "out")
    assert f"{where(path, 'colum')}: error: unknown kind 'colum'" in err
    assert "unclosed ** (bold run-in) marker" in err


def test_failed_build_keeps_previous_output(project_copy, tmp_path):
    """A failed build leaves the previous good output byte for byte as it was."""
    out = tmp_path / "out"
    proc = run_cli("build", str(project_copy), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    before = {p: p.read_bytes() for p in (out / "2024-11-15").rglob("*") if p.is_file()}
    edit(project_copy, "layout: broadsheet", "layout: tabloid")
    proc = run_cli("build", str(project_copy), "-o", str(out))
    assert proc.returncode == 2
    after = {p: p.read_bytes() for p in (out / "2024-11-15").rglob("*") if p.is_file()}
    assert before == after
    assert sorted(q.name for q in out.iterdir()) == ["2024-11-15"]


@pytest.mark.parametrize("content", ["", "just a string\n", "- a list\n"])
def test_degenerate_manifests(project_copy, tmp_path, content):
    """An empty manifest, or one that is not a mapping, is a located error, not a crash."""
    project_copy.write_text(content, encoding="utf-8")
    err = build_fails(project_copy, tmp_path / "out")
    assert str(project_copy) in err


def test_missing_and_unreadable_images(project_copy, tmp_path):
    """A figure naming no file, and one that is not an image, are both located at their module."""
    (project_copy.parent / "broken.jpg").write_bytes(b"not a JPEG at all")
    edit(project_copy, "      - {article: articles/river-patrol.yaml,",
         "      - {figure: missing.jpg, column: 6, span: 1, line: 40, lines: 2}\n"
         "      - {figure: broken.jpg, column: 7, span: 1, line: 40, lines: 2}\n"
         "      - {article: articles/river-patrol.yaml,")
    edit(project_copy, "column: 3, span: 6, line: 40, lines: 23}", "column: 3, span: 3, line: 40, lines: 23}")
    err = build_fails(project_copy, tmp_path / "out")
    assert f"{where(project_copy, 'missing.jpg')}: error: image file missing.jpg not found" in err
    assert f"{where(project_copy, 'broken.jpg')}: error: image file broken.jpg: cannot be read" in err


def test_bad_print_settings(project_copy, tmp_path):
    """In the layout's print: section, an unknown PDF/X version and a missing output profile are located."""
    lay = layout_of(project_copy)
    edit(lay, "pdfx: PDF/X-4 ", "pdfx: PDF/X-3 ")
    edit(lay, "profile: profiles/CGATS-TR002-SNAP-newsprint.icc", "profile: profiles/none.icc")
    err = build_fails(project_copy, tmp_path / "out")
    assert f"{where(lay, 'PDF/X-3')}: error: unknown PDF/X version 'PDF/X-3'" in err
    assert f"{where(lay, 'profiles/none.icc')}: error: output profile profiles/none.icc not found" in err


def test_flags_must_be_true_or_false(project_copy, tmp_path):
    """box: and normalize: take true or false; anything else is a located error, not a silent default."""
    edit(project_copy, "lines: 8, columns: 3, box: true}", "lines: 8, columns: 3, box: yes please}")
    art = article(project_copy, "training")
    edit(art, "kind: news", "kind: news\nnormalize: sometimes")
    err = build_fails(project_copy, tmp_path / "out")
    assert f"{where(project_copy, 'yes please')}: error: expected true or false" in err
    assert f"{where(art, 'sometimes')}: error: expected true or false" in err
