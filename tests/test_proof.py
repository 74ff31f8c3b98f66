"""`paperpress proof`: page PNGs with the findings drawn in the proof colour, a contact sheet; the PDFs untouched."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from paperpress.build import build
from paperpress.model import LineInfo
from paperpress.proof import PROOF, line_marks, marks, proof, render_pages

from .conftest import run_cli

DPI = 30


def _proof_pixels(img: Image.Image, box: tuple[int, int, int, int] | None = None) -> int:
    img = img.crop(box) if box else img
    r, g, b = (band.tobytes() for band in img.convert("RGB").split())
    return sum(1 for i in range(len(r)) if abs(r[i] - PROOF[0]) < 40 and g[i] < 60 and abs(b[i] - PROOF[2]) < 60)


def test_sample_proof_marks_short_modules_and_leaves_the_pdfs_alone(project_copy: Path, tmp_path: Path) -> None:
    """The pinned sample (its modules placed by hand, several of them short) proofed."""
    pinned = project_copy
    proc = run_cli("proof", str(pinned), "-o", str(tmp_path / "out"), "--dpi", str(DPI))
    assert proc.returncode == 0, proc.stderr
    folder = tmp_path / "out" / "2024-11-15-proof"
    assert sorted(p.name for p in folder.iterdir()) == ["contact.png", "page-05.png"]
    page = Image.open(folder / "page-05.png").convert("RGB")
    built = build(pinned)
    want = (built.pages[0].width / 1000 * DPI / 72, built.pages[0].height / 1000 * DPI / 72)  # the trim at DPI
    assert all(abs(got - w) <= 1 for got, w in zip(page.size, want, strict=True)), (page.size, want)
    scale = DPI / 72 / 1000
    shorts = [m for m in marks(built)[5] if m.rule == "short"]
    assert {f.article for f in built.fits if f.status == "short"} and len(shorts) == sum(
        f.status == "short" for f in built.fits)
    for m in shorts:  # each short module's frame is drawn in the proof colour along its top edge
        top = (round(m.x * scale) + 2, round(m.y * scale), round((m.x + m.w) * scale) - 2, round(m.y * scale) + 2)
        assert _proof_pixels(page, top) > 0, m
    # the screen PDF itself carries none of it
    clean = render_pages(built.files["screen/2024-11-15.pdf"], DPI)[0]
    assert _proof_pixels(clean) == 0 < _proof_pixels(page)
    assert proof(built, DPI) and built.files == build(pinned).files  # proofing changes no output file
    sheet = Image.open(folder / "contact.png")
    assert sheet.width > 0 and _proof_pixels(sheet.convert("RGB")) > 0


def test_line_marks_place_loose_widow_and_kinsoku_lines() -> None:
    def line(text: str, baseline: int, **kw) -> LineInfo:
        return LineInfo("a", 0, 11000, baseline, 0, 11000, kw.pop("final", False), text, **kw)

    lines = [line("正常的一行文字", 15000), line("松的一行", 30000, ratio=1.6),
             line("。开头不行", 45000), line("最后一行", 60000, final=True, widow=True)]
    got = {(m.rule, m.y) for m in line_marks(lines, "strict", 15000)}
    assert got == {("loose", 30000 - 12000), ("line-start", 45000 - 12000), ("widow", 60000 - 12000)}


def test_proof_of_overset_copy_marks_it_and_exits_4(project_copy: Path, tmp_path: Path) -> None:
    art = project_copy.parent / "articles" / "air-dispatch.yaml"
    text = art.read_text(encoding="utf-8")
    art.write_text(text + "\n  - " + text.split("\n  - ")[-1].strip(), encoding="utf-8")
    out = tmp_path / "proofs"
    proc = run_cli("proof", str(project_copy), "-o", str(out), "--dpi", str(DPI))
    assert proc.returncode == 4, proc.stderr
    built = build(project_copy, allow_overset=True)
    over = [m for m in marks(built)[5] if m.rule == "overset"]
    assert len(over) == 1
    page = Image.open(io.BytesIO((out / "2024-11-15-proof" / "page-05.png").read_bytes())).convert("RGB")
    scale = DPI / 72 / 1000
    m = over[0]
    foot = (round(m.x * scale) + 3, round((m.y + m.h) * scale) - 4, round((m.x + m.w) * scale) - 3,
            round((m.y + m.h) * scale) - 1)
    assert _proof_pixels(page, foot) > (foot[2] - foot[0]) * (foot[3] - foot[1]) // 2
