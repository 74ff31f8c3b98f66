"""Project folders (--root, PAPERPRESS_ROOT, above the issue, else bundled), the listings, and problems printed
like a compiler's: file:line:col: error: message, the source line, a caret under the column, a hint."""

from __future__ import annotations

import shutil
from pathlib import Path

from paperpress import __version__, resources
from paperpress.build import Project
from paperpress.console import format_problem, use_colour
from paperpress.errors import Problem
from tests.conftest import ROOT, SAMPLE, run_cli
from tests.test_errors import edit, where


def copy_issue(dest: Path) -> Path:
    shutil.copytree(SAMPLE.parent, dest / "issues" / "2024-11-15")
    return dest / "issues" / "2024-11-15" / "issue.yaml"


def test_version():
    proc = run_cli("--version")
    assert proc.returncode == 0 and proc.stdout.strip() == f"paperpress {__version__}"


def test_bundled_resources_come_from_the_package_not_the_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert (resources.bundled_layouts() / "broadsheet.yaml").is_file()
    assert (resources.bundled_catalog()).is_file()
    assert (resources.bundled_profiles() / "CGATS-TR002-SNAP-newsprint.icc").is_file()


def test_project_order(tmp_path, monkeypatch):
    """--root beats PAPERPRESS_ROOT beats the walk up from the issue; nothing found: bundled only."""
    a, b, c = (tmp_path / n for n in "abc")
    for d in (a, b, c):
        (d / "layouts").mkdir(parents=True)
    issue_dir = c / "issues" / "x"
    issue_dir.mkdir(parents=True)
    monkeypatch.setenv("PAPERPRESS_ROOT", str(b))
    assert Project.find(issue_dir, a).root == a.resolve()
    assert Project.find(issue_dir).root == b.resolve()
    monkeypatch.delenv("PAPERPRESS_ROOT")
    assert Project.find(issue_dir).root == c.resolve()
    lone = tmp_path / "lone"
    lone.mkdir()
    p = Project.find(lone)
    assert p.root is None and p.layout_dirs == [resources.bundled_layouts()]
    assert p.catalogs == [resources.bundled_catalog()]
    assert Project.find(issue_dir).layout_dirs == [c.resolve() / "layouts", resources.bundled_layouts()]


def test_issue_elsewhere_builds_with_bundled_and_own_layout_overrides(tmp_path, monkeypatch):
    monkeypatch.delenv("PAPERPRESS_ROOT", raising=False)
    issue = copy_issue(tmp_path / "news")
    proc = run_cli("build", str(issue), "-o", str(tmp_path / "a"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    # an own layout with a misspelt style field proves the own one is read first
    (tmp_path / "news" / "layouts").mkdir()
    own = (ROOT / "layouts" / "broadsheet.yaml").read_text(encoding="utf-8").replace("grid:", "gird:", 1)
    (tmp_path / "news" / "layouts" / "broadsheet.yaml").write_text(own, encoding="utf-8")
    proc = run_cli("build", str(issue), "-o", str(tmp_path / "b"), cwd=tmp_path)
    assert proc.returncode == 2
    assert str(tmp_path / "news" / "layouts" / "broadsheet.yaml") in proc.stderr
    assert "did you mean 'grid'?" in proc.stderr
    listing = run_cli("layouts", str(issue), cwd=tmp_path).stdout
    assert "a3-5col" in listing and "(overridden above)" in listing


def test_fonts_listing_shows_house_faces_first(tmp_path):
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "house.ttf").symlink_to(ROOT / "fonts" / "LXGWWenKai-Regular.ttf")
    (tmp_path / "fonts" / "fonts.yaml").write_text(
        "faces:\n  house-kai:\n    family: House Kai\n    style: Regular\n    role: 楷\n    file: house.ttf\n"
        "    format: truetype\n", encoding="utf-8")
    proc = run_cli("fonts", "--root", str(tmp_path), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[1].startswith("house-kai") and "House Kai" in lines[1]
    assert "GB 2312 hanzi" in lines[2]
    assert any(line.startswith("serif-regular") for line in lines)  # bundled still there


def test_misspelt_key_gets_did_you_mean_and_a_caret(project_copy, tmp_path):
    art = project_copy.parent / "articles" / "training.yaml"
    edit(art, "title:", "titel:")
    proc = run_cli("build", str(project_copy), "-o", str(tmp_path / "out"))
    assert proc.returncode == 2
    lines = proc.stderr.splitlines()
    i = next(i for i, line in enumerate(lines) if line.startswith(f"{where(art, 'titel')}: error: unknown field"))
    assert lines[i + 1] == "  " + next(s for s in art.read_text(encoding="utf-8").splitlines() if "titel:" in s)
    assert lines[i + 2] == "  ^"  # titel: starts the line, column 1
    assert lines[i + 3] == "  hint: did you mean 'title'?"


def test_caret_counts_wide_characters_twice(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("title: 市生态环境x\n", encoding="utf-8")
    out = format_problem(Problem(str(f), 1, 13, "bad x")).splitlines()
    assert out[2] == "  " + " " * (7 + 2 * 5) + "^"


def test_key_value_trap_in_chinese_paragraph_says_quote_it(project_copy, tmp_path):
    art = project_copy.parent / "articles" / "training.yaml"
    text = art.read_text(encoding="utf-8")
    first = next(s for s in text.splitlines() if s.startswith("  - "))
    edit(art, first, "  - 会议指出: 要高度重视")
    proc = run_cli("build", str(project_copy), "-o", str(tmp_path / "out"))
    assert proc.returncode == 2
    assert f"{where(art, '会议指出')}: error: unknown field '会议指出' in paragraph" in proc.stderr
    assert "hint: a ': ' (colon and space) makes YAML read the text as key: value; quote" in proc.stderr


def test_no_colour_off_a_terminal_or_with_no_color(monkeypatch):
    class Tty:
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert use_colour(Tty())  # type: ignore[arg-type]
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_colour(Tty())  # type: ignore[arg-type]
    assert "\033[" not in format_problem(Problem("x", 1, 1, "m"), colour=False)


def test_quiet_and_verbose(tmp_path):
    quiet = run_cli("-q", "build", str(SAMPLE), "-o", str(tmp_path / "q"))
    assert quiet.returncode == 0 and quiet.stdout == ""
    assert (tmp_path / "q" / "2024-11-15" / "screen" / "2024-11-15.pdf").is_file()
    loud = run_cli("-v", "build", str(SAMPLE), "-o", str(tmp_path / "v"))
    assert loud.returncode == 0 and "files in" in loud.stdout
    assert f"project: {ROOT} (above the issue)" in loud.stderr


def test_progress_bar_only_on_a_terminal_and_only_for_several_pages():
    import io

    from paperpress.console import Progress

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    plain = io.StringIO()
    bar = Progress(plain)
    for i in range(1, 5):
        bar(i, 4)
    assert plain.getvalue() == ""  # not a terminal: silent
    tty = Tty()
    bar = Progress(tty, width=4)
    for i in range(1, 5):
        bar(i, 4)
    assert tty.getvalue() == "\r[#...] 1/4\r[##..] 2/4\r[###.] 3/4\r[####] 4/4\n"
    one_page = Tty()
    Progress(one_page)(1, 2)
    assert one_page.getvalue() == ""
    quiet = Tty()
    Progress(quiet, enabled=False)(1, 4)
    assert quiet.getvalue() == ""


def test_build_reports_progress_per_page(sample_built):
    from paperpress.build import build

    calls: list[tuple[int, int]] = []
    build(SAMPLE, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 2), (2, 2)]  # the sample has one page: laid out, rendered
