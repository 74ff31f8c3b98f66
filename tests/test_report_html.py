"""report.html: beside report.json on every build, self-contained, the same bytes for the same input, carrying
every module's fit and every finding; opened in headless Chromium without errors."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest

from paperpress.build import build

from .conftest import ROOT, SAMPLE


def _text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


def test_report_html_carries_every_fit_and_finding(sample_build: Path) -> None:
    html = (sample_build / "report.html").read_text(encoding="utf-8")
    report = json.loads((sample_build / "report.json").read_text(encoding="utf-8"))
    text = _text(html)
    assert "print preflight: passed" in text and report["preflight"]["passed"]
    for page in report["pages"]:
        assert f"第{page['number']}版" in text
        assert html.count("<svg") == len(report["pages"])
        for m in page["modules"]:
            row = re.search(rf"<tr><td>{re.escape(m['article'])}</td>.*?</tr>", html)
            assert row, m["article"]
            cells = _text(row.group(0))
            assert f"{m['lines_needed']} / {m['lines_available']}" in cells
            if m["status"] == "short":
                assert f"short by {m['short_by_lines']} line(s) (≈{m['short_by_chars']} characters)" in cells
            else:
                assert m["status"] in cells
    for t in report["typography"] + report["findings"]:
        assert t["where"] in text and t["message"] in text
    assert f"Findings ({len(report['typography']) + len(report['findings'])})" in text


def test_report_html_is_self_contained_and_deterministic() -> None:
    one, two = build(SAMPLE), build(SAMPLE)
    html = one.files["report.html"]
    assert html == two.files["report.html"]
    page = html.decode("utf-8")
    # nothing fetched: no scripts, stylesheets, images or fonts from anywhere, no absolute paths
    for bad in ("<script", "<link", "src=", "href=", "url(", "@import", str(ROOT)):
        assert bad not in page, bad
    assert re.findall(r"https?://[^\"' ]+", page) == ["http://www.w3.org/2000/svg"]  # the SVG namespace only
    assert not re.search(r"\d+\.\d+ s\b", page)  # no timings


def test_report_html_shows_overset(project_copy: Path) -> None:
    art = project_copy.parent / "articles" / "air-dispatch.yaml"
    text = art.read_text(encoding="utf-8")
    art.write_text(text + "\n  - " + text.split("\n  - ")[-1].strip(), encoding="utf-8")
    built = build(project_copy, allow_overset=True)
    page = _text(built.files["report.html"].decode("utf-8"))
    fit = next(f for f in built.fits if f.article == "air-dispatch")
    assert fit.status == "overset"
    assert f"overset by {fit.by_lines} line(s) (≈{fit.by_lines * fit.chars_per_line} characters)" in page
    assert "Does not fit" in page and "print preflight: not run: copy does not fit" in page


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (make system installs it)")
def test_report_html_renders_in_headless_chromium(sample_build: Path, tmp_path: Path) -> None:
    page = sample_build / "report.html"
    flags = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'p'}",
             "--enable-logging=stderr", "--v=0"]
    proc = subprocess.run([*flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = proc.stdout
    # the browser parsed the whole document: the last section and every page's thumbnail are in its DOM
    assert "<h2>Outputs</h2>" in dom and dom.count("<svg") == page.read_text(encoding="utf-8").count("<svg") >= 1
    console = [line for line in proc.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console == [], console
    shot = tmp_path / "shot.png"
    proc = subprocess.run([*flags, f"--screenshot={shot}", "--window-size=1000,1400", page.as_uri()],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and shot.stat().st_size > 10_000, proc.stderr[-2000:]



def test_report_html_draws_the_planned_rectangles() -> None:
    """The sample's modules give no line: or lines: (the planner stacks and sizes them): they are drawn
    where the plan put them, not from the manifest's empty fields."""
    assert "line:" not in SAMPLE.read_text(encoding="utf-8").split("modules:")[1].replace("lines:", "")
    built = build(SAMPLE)
    html = built.files["report.html"].decode("utf-8")
    spec, page, plan = built.issue.pages[0], built.pages[0], built.plans[0]
    assert all(p.auto_line for p in plan.placed)
    scale, layout = 260 / page.height, spec.layout
    drawn = re.findall(r'<rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"[^>]*><title>([^<—]+)', html)
    assert len(drawn) == len(plan.placed) == 9
    tops = set()
    for (y, h, name), placed in zip(drawn, plan.placed, strict=True):
        _, _, line, lines = placed.rect
        tops.add(line)
        assert name.strip() == placed.module.name
        assert float(y) == pytest.approx((layout.grid_top + (line - 1) * layout.pitch) * scale, abs=0.06)
        assert float(h) == pytest.approx(lines * layout.pitch * scale, abs=0.06)
    assert len(tops) > 2  # stacked: the rectangles are not all drawn at one line


def _pdftotext(pdf: Path) -> str:
    proc = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    return proc.stdout


def test_report_pdf_carries_the_fit_table(tmp_path: Path) -> None:
    """build --report-pdf: WeasyPrint's print-out of report.html; its text (pdftotext, not our code) has every
    module's row of the fit table, in the house CJK face, and the same bytes as an in-process build."""
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "paperpress", "build", str(SAMPLE), "-o", str(out), "--report-pdf"],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    pdf = out / "2024-11-15" / "report.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    report = json.loads((out / "2024-11-15" / "report.json").read_text(encoding="utf-8"))
    text = _pdftotext(pdf)
    lines = [re.sub(r"\s+", " ", line).strip() for line in text.splitlines()]
    assert "太原日报 2024-11-15 第25000期" in lines  # the title, in Chinese: the CJK face was used
    assert any(line.startswith("第5版 生态环境") for line in lines)
    assert "print preflight: passed" in text
    rows = 0
    for page in report["pages"]:
        for m in page["modules"]:
            fit = (f"short by {m['short_by_lines']} line(s) (≈{m['short_by_chars']} characters)"
                   if m["status"] == "short" else m["status"])
            # one line of the table: article, module, lines needed / available, the fit in words
            want = f"{m['article']} {m['module']} {m['lines_needed']} / {m['lines_available']} {fit}"
            flat = [line.replace(" ", "") for line in lines]  # pdftotext's spacing between the cells varies
            assert want.replace(" ", "") in flat, (want, [line for line in lines if line.startswith(m["article"])])
            rows += 1
    assert rows == 8
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "+pp-report " in fonts and "+pp-report-Bold " in fonts  # the house faces, given by report_html.print_css
    assert "Droid" not in fonts  # not the system's CJK fallback
    again = build(SAMPLE, report_pdf=True).files["report.pdf"]
    assert again == pdf.read_bytes()  # the same input, the same bytes
    assert "report.pdf" not in build(SAMPLE).files  # only when asked


def test_weasyprint_leaves_pillows_truncated_image_check_alone() -> None:
    """Importing WeasyPrint turns on Pillow's LOAD_TRUNCATED_IMAGES for the process; after a report PDF the next
    build in the same process (watch) must still refuse a truncated photo."""
    from PIL import ImageFile

    from paperpress.pdf.reading import import_weasyprint

    assert import_weasyprint() is not None
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
