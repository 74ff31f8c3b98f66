"""report.html: beside report.json on every build, self-contained, the same bytes for the same input, carrying
every module's fit and every finding; opened in headless Chromium without errors."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
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
