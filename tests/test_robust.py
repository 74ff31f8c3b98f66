"""Nothing lost: every bad input is a located error (exit 2), copy that does not fit is an error (exit 4),
sources are never written, and no input ends in a traceback."""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import shutil
from pathlib import Path

import pytest

from paperpress.cli import main
from tests.conftest import ROOT, SAMPLE, run_cli

ISSUE_ID = "2024-11-15"
LOCATED = re.compile(r"^(?P<file>[^:\n]+\.(?:yaml|jpg|png|gif|tif|pdf))(?::(?P<line>\d+):(?P<col>\d+))?: error: ",
                     re.M)


def make_project(tmp: Path, copy_fonts: bool = False) -> Path:
    """A throw-away project (layouts, the sample issue with its modules pinned; fonts linked, or copied file by
    file); returns issue.yaml."""
    shutil.copytree(ROOT / "layouts", tmp / "layouts")
    if copy_fonts:
        (tmp / "fonts").mkdir()
        for f in (ROOT / "fonts").iterdir():
            if f.suffix in (".otf", ".ttf"):
                (tmp / "fonts" / f.name).symlink_to(f)
            else:
                shutil.copy(f, tmp / "fonts" / f.name)
    else:
        (tmp / "fonts").symlink_to(ROOT / "fonts")
    (tmp / "profiles").symlink_to(ROOT / "profiles")
    shutil.copytree(SAMPLE.parent, tmp / "issues" / ISSUE_ID)
    issue = tmp / "issues" / ISSUE_ID / "issue.yaml"
    shutil.copy(ROOT / "tests" / "data" / "pinned-issue.yaml", issue)
    return issue


def run(*args: str) -> tuple[int, str]:
    """The CLI in-process: (exit status, stderr)."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = main(list(args))
    return status, err.getvalue()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


FILE_NAME = 'file-name: "{code}-{date}-{page:02d}.pdf"'
BODY = "body:        {font: serif-regular, size: 10pt, leading: 15pt}"
KICKER = "kicker:      {font: serif-regular, size: 14pt, leading: 20pt}"
TITLE = "title: 市生态环境系统举办学习贯彻党的二十大精神宣讲培训班"
ALIAS_BOMB = "a: &a " + "x" * 500 + "\nb: &b [" + ",".join(["*a"] * 100) + "]\nc: [" + ",".join(["*b"] * 200) + "]\n"

# (case, file to edit, text there, replacement, what the error says): each must exit 2 with a located error
CASES = [
    ("hex integer", "issue", "number: 5", "number: 0x5", "expected a whole number in decimal digits, got '0x5'"),
    ("binary integer", "issue", "number: 5", "number: 0b101", "in decimal digits, got '0b101'"),
    ("sexagesimal integer", "issue", "number: 5", "number: 1:30", "in decimal digits, got '1:30'"),
    ("underscored integer", "layout", "columns: 8", "columns: 1_0", "in decimal digits, got '1_0'"),
    ("empty pages list", "issue", "pages:\n", "pages: []\nmore:\n", "an issue needs at least one page"),
    ("mapping for a title", "article", TITLE, "title: {a: 1}", "expected text"),
    ("list for a title", "article", TITLE, "title: [a, b]", "expected text"),
    ("complex key", "issue", "paper: 太原日报", "? [a, b]\n: 1\npaper: 太原日报", "a key must be a plain name"),
    ("nested list colour", "layout", "accent: [0, 100, 100, 15]", "accent: [[0], 100, 100, 15]", "expected a colour"),
    ("control character", "article", TITLE, "title: 市\x07生态", "control character U+0007"),
    ("NUL character", "article", TITLE, "title: 市\x00生态", "control character U+0000"),
    ("indexed file-name field", "layout", FILE_NAME, 'file-name: "{page[0]}.pdf"', "unknown field {page[0]}"),
    ("attribute file-name field", "layout", FILE_NAME, 'file-name: "{date.year}.pdf"', "unknown field {date.year}"),
    ("file-name outside print/", "layout", FILE_NAME, 'file-name: "../../x-{page}.pdf"', "names no folder"),
    ("file-name with a folder", "layout", FILE_NAME, 'file-name: "sub/x-{page}.pdf"', "names no folder"),
    ("file-name not a pdf", "layout", FILE_NAME, 'file-name: "x-{page}.txt"', "ends in .pdf"),
    ("title size 0", "layout", "title:       {font: sans-bold, size: 22pt", "title:       {font: sans-bold, size: 0pt",
     "a type size must lie between 4pt and 200pt, got 0pt"),
    ("size 1000pt", "layout", BODY, "body:        {font: serif-regular, size: 1000pt, leading: 1500pt}",
     "a type size must lie between 4pt and 200pt"),
    ("latin-gap 1e300", "layout", "latin-gap: 0.25", "latin-gap: 1e300", "expected a number for latin-gap"),
    ("latin-gap 5", "layout", "latin-gap: 0.25", "latin-gap: 5", "latin-gap (ems) must lie between 0 and 1"),
    ("negative max-stretch", "layout", "max-stretch: 0.25", "max-stretch: -1", "must lie between 0 and 2"),
    ("duplicate key", "issue", "paper: 太原日报", "paper: 太原日报\npaper: 别的报",
     "duplicate key 'paper' (first at line"),
    ("duplicate key in a flow mapping", "issue", "column: 1, span: 8,", "column: 1, column: 2, span: 8,",
     "duplicate key 'column'"),
    ("YAML 1.1 Yes", "issue", "columns: 3, box: true", "columns: 3, box: Yes", "expected true or false, got 'Yes'"),
    ("YAML 1.1 on", "article", "kind: news", "kind: news\nnormalize: on", "expected true or false, got 'on'"),
    ("quoted true", "issue", "columns: 3, box: true", "columns: 3, box: 'true'", "expected true or false"),
    ("blank headline", "article", TITLE, "title: '　 '", "blank title"),
    ("negative margin", "layout", "top: 16mm", "top: -16mm", "a margin must lie between 0mm and 500mm"),
    ("negative leading", "layout", BODY, "body:        {font: serif-regular, size: 10pt, leading: -15pt}",
     "a leading must lie between"),
    ("leading under the size", "layout", KICKER, "kicker:      {font: serif-regular, size: 14pt, leading: 10pt}",
     "the leading of style 'kicker' must lie between its size and ten times it"),
    ("negative bleed", "layout", "bleed: 3mm", "bleed: -3mm", "the bleed (the printer's minimum is 3mm)"),
    ("bleed under 3mm", "layout", "bleed: 3mm", "bleed: 1mm", "must lie between 3mm and 20mm"),
    ("layout path", "issue", "layout: broadsheet", "layout: ../profiles/x", "a layout is named, not a path"),
    ("absolute layout path", "issue", "layout: broadsheet", "layout: /etc/passwd", "a layout is named, not a path"),
    ("issue id with a folder", "issue", "paper: 太原日报", "id: ../../elsewhere\npaper: 太原日报",
     "names the output folder"),
    ("code with a slash", "issue", "code: TYRB", "code: TY/RB", "goes into file names"),
    ("alias bomb", "issue", "paper: 太原日报", ALIAS_BOMB + "paper: 太原日报", "more than 100 alias uses"),
    ("ink limit 5000", "layout", "ink-limit: 240", "ink-limit: 5000", "expected a number ≤ 400"),
    ("huge grid", "layout", "lines: 88 ", "lines: 99999999999 ", "in decimal digits"),
    ("page twice", "issue", "    modules:",
     "    modules: []\n  - number: 5\n    name: 又一版\n    layout: broadsheet\n    modules:", "page 5 twice"),
    ("a non-ICC output profile", "layout", "profile: profiles/CGATS-TR002-SNAP-newsprint.icc",
     "profile: layouts/broadsheet.yaml", "not an ICC profile"),
    ("an RGB output profile", "layout", "profile: profiles/CGATS-TR002-SNAP-newsprint.icc",
     "profile: layouts/srgb.icc", "an ICC profile for RGB, not CMYK"),
    ("an article file name too long", "issue", "articles/training.yaml", "articles/" + "长" * 300 + ".yaml",
     "File name too long"),
    ("an article that is a folder", "issue", "articles/training.yaml", "articles", "article file articles not found"),
    ("tab-indented YAML", "article", "kind: news", "kind: news\n\tx: 1", "malformed YAML"),
    ("two print files with one name", "layout", FILE_NAME, 'file-name: "{code}.pdf"',
     "would both be written to print/TYRB.pdf"),
]


def _target(issue: Path, which: str) -> Path:
    return {"issue": issue, "layout": issue.parent.parent.parent / "layouts" / "broadsheet.yaml",
            "article": issue.parent / "articles" / "training.yaml"}[which]


@pytest.mark.parametrize(("case", "which", "old", "new", "message"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_a_located_error(tmp_path, case, which, old, new, message):
    issue = make_project(tmp_path)
    if case == "an RGB output profile":
        from PIL import ImageCms

        ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
        (tmp_path / "layouts" / "srgb.icc").write_bytes(ImageCms.ImageCmsProfile(
            ImageCms.createProfile("sRGB")).tobytes())
    if case == "two print files with one name":  # a second page, so that two pages share the name
        edit(issue, "    modules:", "    modules: []\n  - number: 6\n    name: 又一版\n    layout: broadsheet\n"
             "    modules:")
    edit(_target(issue, which), old, new)
    status, err = run("build", str(issue), "-o", str(tmp_path / "out"))
    assert status == 2, err
    assert message in err
    located = [m for m in LOCATED.finditer(err)]
    assert located, err  # every message names its file (and line:column where the file has them)
    assert "Traceback" not in err and "internal error" not in err
    assert not (tmp_path / "out").exists()


def test_figure_in_a_format_not_accepted(tmp_path):
    """GIF, BMP and WebP are not among the documented photo formats: each is refused where the module names it."""
    from PIL import Image

    issue = make_project(tmp_path)
    modules = []
    for i, fmt in enumerate(("GIF", "BMP", "WEBP")):
        Image.new("RGB", (400, 300), (200, 30, 30)).save(issue.parent / f"p.{fmt.lower()}", fmt)
        modules.append(f"      - {{figure: p.{fmt.lower()}, column: {6 + i}, span: 1, line: 40, lines: 6}}\n")
    edit(issue, "      - {article: articles/xiaodian.yaml,            column: 3, span: 6, line: 40, lines: 23}",
         "      - {article: articles/xiaodian.yaml,            column: 3, span: 3, line: 40, lines: 23}\n"
         + "".join(modules))
    status, err = run("build", str(issue), "-o", str(tmp_path / "out"))
    assert status == 2, err
    for fmt in ("GIF", "BMP", "WEBP"):
        assert f"image file p.{fmt.lower()}: a {fmt} image; photos are JPEG, PNG or TIFF" in err


@pytest.mark.parametrize("case", ["truncated JPEG", "broken ICC in a PNG", "1×1 pixel", "too many pixels",
                                  "16-bit TIFF"])
def test_damaged_or_unusable_photo(tmp_path, case):
    from PIL import Image

    issue = make_project(tmp_path)
    photo = issue.parent / "photo.png"
    if case == "truncated JPEG":
        photo = issue.parent / "photo.jpg"
        Image.effect_noise((800, 600), 60).convert("RGB").save(photo, "JPEG")
        photo.write_bytes(photo.read_bytes()[: photo.stat().st_size // 2])
        expect = "cannot be read"
    elif case == "broken ICC in a PNG":
        Image.new("RGB", (200, 200), (10, 20, 30)).save(photo, icc_profile=b"not a profile" * 20)
        expect = "embedded ICC profile cannot be read"
    elif case == "1×1 pixel":
        Image.new("RGB", (1, 1)).save(photo)
        expect = "1 × 1 pixels; a photo has at least 16 pixels a side"
    elif case == "too many pixels":
        Image.new("1", (8000, 8000)).save(photo)
        expect = "8000 × 8000 pixels is over the limit of 60 megapixels"
    else:
        photo = issue.parent / "photo.tif"
        Image.new("I;16", (100, 100)).save(photo)
        expect = "pixel mode I;16"
    edit(issue, "      - {article: articles/xiaodian.yaml,            column: 3, span: 6, line: 40, lines: 23}",
         "      - {article: articles/xiaodian.yaml,            column: 3, span: 5, line: 40, lines: 23}\n"
         f"      - {{figure: {photo.name}, column: 8, span: 1, line: 40, lines: 6}}")
    status, err = run("build", str(issue), "-o", str(tmp_path / "out"))
    assert status == 2, err
    assert f"image file {photo.name}: " in err and expect in err


def test_figure_with_no_room_for_its_photo(tmp_path):
    """A figure one line tall with a caption is a collision (exit 4), located at its module."""
    from PIL import Image

    issue = make_project(tmp_path)
    Image.new("RGB", (400, 300), (10, 120, 30)).save(issue.parent / "p.jpg")
    edit(issue, "      - {article: articles/xiaodian.yaml,            column: 3, span: 6, line: 40, lines: 23}",
         "      - {article: articles/xiaodian.yaml,            column: 3, span: 5, line: 40, lines: 23}\n"
         "      - {figure: p.jpg, caption: 巡河, column: 8, span: 1, line: 40, lines: 1}")
    status, err = run("build", str(issue), "-o", str(tmp_path / "out"))
    assert status == 4, err
    assert "p.jpg: 1 line(s) hold the caption" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("case", ["flipped byte", "face index", "CFF catalogued as TrueType", "truncated font"])
def test_font_file_checked_against_the_catalog(tmp_path, case):
    issue = make_project(tmp_path, copy_fonts=True)
    catalog = tmp_path / "fonts" / "fonts.yaml"
    font = tmp_path / "fonts" / "NotoSansCJKsc-Regular.otf"
    text = catalog.read_text(encoding="utf-8")
    if case in ("flipped byte", "truncated font"):
        data = bytearray((ROOT / "fonts" / font.name).read_bytes())
        font.unlink()
        if case == "flipped byte":
            data[len(data) // 2] ^= 0x01
            expect = "does not match its sha256 in the catalog"
        else:
            data = data[: len(data) // 3]
            sha = hashlib.sha256((ROOT / "fonts" / font.name).read_bytes()).hexdigest()
            text = text.replace(f"    sha256: {sha}\n", "")  # without its checksum, the file itself shows it
            expect = "cut short (table"
        font.write_bytes(bytes(data))
    elif case == "face index":
        text = text.replace("file: NotoSansCJKsc-Regular.otf\n    index: 0", "file: NotoSansCJKsc-Regular.otf\n"
                            "    index: 3")
        expect = "face index 3, but the file holds one face"
    else:
        text = text.replace("file: NotoSansCJKsc-Regular.otf\n    index: 0\n    format: cff",
                            "file: NotoSansCJKsc-Regular.otf\n    index: 0\n    format: truetype")
        expect = "catalogued as truetype, but its outlines are cff"
    catalog.write_text(text, encoding="utf-8")
    status, err = run("build", str(issue), "-o", str(tmp_path / "out"))
    assert status == 2, err
    assert expect in err and f"{catalog}:" in err


def test_unreadable_files(tmp_path, monkeypatch):
    """A manifest path that is a folder, and a file the system will not let us read, are located errors."""
    issue = make_project(tmp_path)
    status, err = run("build", str(issue.parent), "-o", str(tmp_path / "out"))
    assert status == 2 and f"{issue.parent}: error: is a folder, not a file" in err
    too_long = tmp_path / ("长" * 100) / "issue.yaml"
    status, err = run("build", str(too_long), "-o", str(tmp_path / "out"))
    assert status == 2 and f"{too_long}: error: cannot be read (File name too long)" in err
    real = Path.read_bytes

    def denied(self: Path) -> bytes:  # root reads any file: the refusal is simulated for the article
        if self.name == "training.yaml":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    status, err = run("build", str(issue), "-o", str(tmp_path / "out"))
    assert status == 2 and "training.yaml: error: cannot be read (Permission denied)" in err


@pytest.mark.parametrize("where", ["issue folder", "inside the issue", "issues", "layouts", "fonts", "profiles",
                                   "project root"])
def test_output_folder_may_not_touch_the_sources(tmp_path, where):
    """-o naming, containing or inside a folder the build reads is refused; every source stays as it was."""
    issue = make_project(tmp_path)
    out = {"issue folder": issue.parent, "inside the issue": issue.parent / "articles", "issues": issue.parent.parent,
           "layouts": tmp_path / "layouts", "fonts": tmp_path / "fonts", "profiles": tmp_path / "profiles",
           "project root": tmp_path}[where]
    before = snapshot(tmp_path)
    status, err = run("build", str(issue), "-o", str(out))
    assert status == 2, err
    assert "the output folder" in err and "which the build reads" in err
    assert snapshot(tmp_path) == before


def test_dash_o_issues_from_the_repository_refuses():
    """The case that lost an editor's work: `build issues/2024-11-15/issue.yaml -o issues`."""
    before = snapshot(ROOT / "issues")
    proc = run_cli("build", "issues/2024-11-15/issue.yaml", "-o", "issues")
    assert proc.returncode == 2 and "the output folder contains" in proc.stderr
    assert snapshot(ROOT / "issues") == before


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else b"<dir>")
            for p in sorted(folder.rglob("*")) if not p.is_symlink()}


def test_overset_is_an_error_and_nothing_is_written(tmp_path):
    """Copy longer than its module: exit 4 with the figures, located at the module; `check` says so too."""
    issue = make_project(tmp_path)
    art = issue.parent / "articles" / "air-dispatch.yaml"
    text = art.read_text(encoding="utf-8")
    paras = text.split("\n  - ")
    art.write_text(text + "\n  - " + paras[-1].strip(), encoding="utf-8")  # its last paragraph twice
    status, err = run("build", str(issue), "-o", str(tmp_path / "out"))
    assert status == 4, err
    line = next(i for i, t in enumerate(issue.read_text(encoding="utf-8").splitlines(), 1) if "air-dispatch" in t)
    assert re.search(rf"{re.escape(str(issue))}:{line}:\d+: error: page 5 air-dispatch \(columns 6–8, lines 12–39\): "
                     r"overset by \d+ line\(s\) \(≈\d+ characters\)", err), err
    assert not (tmp_path / "out").exists()
    status, out = run("check", str(issue))
    assert status == 4
    status, err = run("build", str(issue), "-o", str(tmp_path / "out"), "--allow-overset")
    assert status == 4
    final = tmp_path / "out" / ISSUE_ID
    assert sorted(p.name for p in final.rglob("*.pdf")) == ["2024-11-15.pdf"]  # the screen PDF only
    assert not (final / "print").exists()
    import json

    report = json.loads((final / "report.json").read_text(encoding="utf-8"))
    assert len(report["overset"]) == 1 and "air-dispatch" in report["overset"][0]
    assert report["preflight"]["passed"] is False


def test_internal_error_is_one_line(tmp_path, monkeypatch):
    """A fault inside the build (simulated) is one line, exit 1, no traceback; --debug shows it."""
    import paperpress.build

    def broken(*args, **kwargs):
        raise ZeroDivisionError("simulated")

    monkeypatch.setattr(paperpress.build, "compose_planned", broken)
    status, err = run("build", str(SAMPLE), "-o", str(tmp_path / "out"))
    assert status == 1
    assert err.strip().splitlines() == ["paperpress: internal error: ZeroDivisionError: simulated (please report "
                                        "it, with the input; --debug shows the traceback)"]
    status, err = run("--debug", "build", str(SAMPLE), "-o", str(tmp_path / "out"))
    assert status == 1 and "Traceback" in err


def test_headline_taller_than_its_module(tmp_path):
    """A module too short for its own headline is a collision (exit 4), said in those words."""
    issue = make_project(tmp_path)
    edit(issue, "span: 8, line: 1,  lines: 11}", "span: 8, line: 1,  lines: 2}")
    status, err = run("build", str(issue), "-o", str(tmp_path / "out"))
    assert status == 4 and "page 5 training (columns 1–8, lines 1–2): the headline is taller than the module" in err
