"""Path page items: written for every profile, CMYK with overprinting 100 K in print, passing the preflight."""

import io

import pikepdf
import pytest

from paperpress.build import load
from paperpress.layout.compose import compose_page
from paperpress.model import BLACK, Path
from paperpress.pdf.writer import PROFILES, Meta, print_profile, render
from paperpress.preflight import Rules, preflight

from .conftest import ROOT

RED = (0.0, 1.0, 1.0, 0.0)
TRIANGLE = (("m", 20_000, 20_000), ("l", 60_000, 20_000), ("c", 70_000, 30_000, 70_000, 50_000, 40_000, 60_000),
            ("h",))


@pytest.fixture(scope="module")
def page_and_meta():
    issue, fonts = load(ROOT / "issues/2024-11-15/issue.yaml")
    spec = issue.pages[0]
    page, _, _ = compose_page(spec, issue, fonts, "")
    page.items.append(Path(TRIANGLE, fill=RED, stroke=BLACK, stroke_width=500))
    page.items.append(Path((("m", 100_000, 20_000), ("l", 150_000, 20_000)), stroke=BLACK, stroke_width=1000))
    meta = Meta("t", issue.date, intent=spec.layout.print.intent)
    return page, fonts, meta, spec


def _value(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return v


def _ops(data: bytes):
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return [(str(op), [_value(v) for v in operands]) for operands, op in pikepdf.parse_content_stream(pdf.pages[0])]


def test_path_ops_are_validated():
    with pytest.raises(ValueError):
        Path((("l", 0, 0),))
    with pytest.raises(ValueError):
        Path((("m", 0, 0), ("c", 1, 2)))


def test_print_path_is_cmyk_overprints_black_and_passes_preflight(page_and_meta):
    page, fonts, meta, spec = page_and_meta
    profile = print_profile(spec.layout.print.pdfx)
    data = render([page], fonts, profile, meta)
    ops = _ops(data)
    names = [op for op, _ in ops]
    assert "c" in names and "h" in names
    # the red fill knocks out, the black stroke of the same path overprints
    i_fill = next(i for i, (op, _) in enumerate(ops) if op == "f" and any(
        o == "c" for o, _ in ops[max(0, i - 5):i]))
    before = ops[:i_fill]
    last_k = [a for op, a in before if op == "k"][-1]
    assert last_k == [0, 1, 1, 0]
    assert [str(a[0]) for op, a in before if op == "gs"][-1] == "/GSko"
    i_stroke = next(i for i in range(i_fill, len(ops)) if ops[i][0] == "S")
    between = ops[i_fill:i_stroke]
    assert [a for op, a in between if op == "K"][-1] == [0, 0, 0, 1]
    assert [str(a[0]) for op, a in between if op == "gs"][-1] == "/GSop"
    assert not any(op in ("rg", "RG", "g", "G") for op in names)
    findings = [f for f in preflight(data, Rules(profile.pdfx or "PDF/X-4", spec.layout.print.ink_limit))
                if f.severity == "error"]
    assert findings == []


def test_screen_path_is_rgb(page_and_meta):
    page, fonts, meta, _ = page_and_meta
    data = render([page], fonts, PROFILES["screen"], meta)
    ops = _ops(data)
    names = [op for op, _ in ops]
    assert "c" in names and "k" not in names and "K" not in names
    assert [1, 0, 0] in [a for op, a in ops if op == "rg"]
    # no marks on screen: the curve's end point is (40, 60) pt from the trim's top-left, y up in PDF space
    curve = next(a for op, a in ops if op == "c")
    assert curve[4:] == [40, page.height / 1000 - 60]
