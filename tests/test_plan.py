"""The plan stage: skyline stacking, auto heights, growth with copyfit means, explicit geometry exact."""

import dataclasses
from pathlib import Path

import pytest

from paperpress.build import load
from paperpress.layout.plan import PlanError, plan_page

SAMPLE = Path(__file__).parent.parent / "issues" / "2024-11-15" / "issue.yaml"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The sample page with every module pinned (tests/data/pinned-issue.yaml), as these tests edit it."""
    import shutil

    d = tmp_path_factory.mktemp("pinned")
    shutil.copytree(SAMPLE.parent / "articles", d / "articles")
    shutil.copy(Path(__file__).parent / "data" / "pinned-issue.yaml", d / "issue.yaml")
    issue, fonts = load(d / "issue.yaml")
    return issue.pages[0], fonts


def _mods(spec):
    return {m.name: m for m in spec.modules}


def _auto(m, col, span, line=None, lines=None):
    return dataclasses.replace(m, column=col, span=span, line=line, lines=lines)


def test_explicit_geometry_is_honoured_exactly(sample):
    spec, fonts = sample
    plan = plan_page(spec, fonts)
    for p, m in zip(plan.placed, spec.modules, strict=True):
        assert p.rect == (m.column, m.span, m.line, m.lines)
        assert p.means == []


def test_skyline_stacks_and_auto_heights(sample):
    spec, fonts = sample
    m = _mods(spec)
    mods = (_auto(m["training"], 1, 8), _auto(m["air-dispatch"], 1, 3), _auto(m["damage-compensation"], 4, 5),
            _auto(m["editors-note"], 4, 2))
    plan = plan_page(dataclasses.replace(spec, modules=mods), fonts)
    tr, air, dmg, note = plan.placed
    assert tr.rect[2] == 1 and tr.rect[3] == tr.lines_needed  # not last of a stack: exactly what it needs
    # each stacks directly under what is placed over its columns
    assert air.rect[2] == dmg.rect[2] == tr.rect[2] + tr.rect[3]
    assert note.rect[2] == dmg.rect[2] + dmg.rect[3]
    assert dmg.rect[3] == dmg.lines_needed
    # the last of each stack grows to the foot of the page
    assert air.rect[2] + air.rect[3] - 1 == spec.layout.lines
    assert note.rect[2] + note.rect[3] - 1 == spec.layout.lines


def test_short_copy_at_the_foot_is_filled_with_named_means_or_reported(sample):
    spec, fonts = sample
    m = _mods(spec)
    # yingze (26 lines at 4 columns with 4 body columns) placed so 28 lines remain
    mods = (_auto(m["yingze"], 5, 4, line=spec.layout.lines - 27),)
    p = plan_page(dataclasses.replace(spec, modules=mods, ), fonts).placed[0]
    assert p.lines_needed == 26 and p.rect[3] == 28
    # the issue's order: a second headline line first (the title set on two even lines, 2 more grid lines)
    assert p.status == "fits" and p.means == ["headline-lines 2"]
    assert len(p.measured.heads) == len(plan_page(dataclasses.replace(spec, modules=mods), fonts, means=())
                                        .placed[0].measured.heads) + 1
    # a layout that allows only headline air: two lines of it
    p = plan_page(dataclasses.replace(spec, modules=mods), fonts, means=("headline-space",)).placed[0]
    assert p.status == "fits" and p.means == ["headline-space +2"]
    # with no means allowed it is short, by the lines it lacks
    p = plan_page(dataclasses.replace(spec, modules=mods), fonts, means=()).placed[0]
    assert p.status == "short" and p.means == []


def test_a_module_that_cannot_fit_is_an_error_naming_it(sample):
    spec, fonts = sample
    m = _mods(spec)
    mods = (_auto(m["training"], 1, 8, line=1, lines=spec.layout.lines), _auto(m["yingze"], 1, 4))
    with pytest.raises(PlanError, match="yingze"):
        plan_page(dataclasses.replace(spec, modules=mods), fonts)


def test_unused_cells_count_the_holes(sample):
    spec, fonts = sample
    m = _mods(spec)
    mods = (_auto(m["training"], 1, 8, line=1, lines=11),)
    plan = plan_page(dataclasses.replace(spec, modules=mods), fonts)
    assert plan.unused_cells == 8 * (spec.layout.lines - 11)


def test_the_layout_orders_the_means(sample):
    spec, fonts = sample
    m = _mods(spec)
    mods = (_auto(m["yingze"], 5, 4, line=spec.layout.lines - 27),)
    layout = dataclasses.replace(spec.layout, copyfit=("byline-space",))
    p = plan_page(dataclasses.replace(spec, modules=mods, layout=layout), fonts).placed[0]
    # the byline's one extra line is all this layout allows: not enough for two lines short
    assert p.means == [] and p.status == "short"


def test_every_column_of_the_sample_ends_on_its_modules_last_grid_line(tmp_path):
    """From the rendered page, not our report: each body column of each article module has ink on the
    module's last text line (inside the frame for a box) — the composed sample has no empty bottom lines."""
    from paperpress.build import build, write_atomically
    from tests.levels import empty_bottom_lines

    out = write_atomically(build(SAMPLE), tmp_path / "out")
    issue, _ = load(SAMPLE)
    assert empty_bottom_lines(out, issue) == []


def test_long_copy_takes_the_means_in_reverse_before_it_is_overset(sample):
    spec, fonts = sample
    m = _mods(spec)
    natural = plan_page(dataclasses.replace(spec, modules=(_auto(m["yingze"], 5, 4, line=1),)), fonts).placed[0]
    need = natural.lines_needed
    # pinned one line short of what the copy needs: the layout's first means, a body column fewer (wider
    # columns waste less in gutters) makes it fit, level, in the pinned rectangle
    mods = (_auto(m["yingze"], 5, 4, line=1, lines=need - 1),)
    p = plan_page(dataclasses.replace(spec, modules=mods), fonts).placed[0]
    assert p.rect[3] == need - 1 and p.status == "fits" and p.means == ["body-columns 3"]
    # a layout that allows only headline air: the headline gives up its line of air
    p = plan_page(dataclasses.replace(spec, modules=mods), fonts, means=("headline-space",)).placed[0]
    assert p.rect[3] == need - 1 and p.status == "fits" and p.means == ["headline-space -1"]
    assert p.measured.head_bands == natural.measured.head_bands - 1
    # without means it stays overset (the build's error)
    p = plan_page(dataclasses.replace(spec, modules=mods), fonts, means=()).placed[0]
    assert p.status == "overset" and p.means == []


def test_a_column_head_takes_the_lines_its_sections_note_cannot_fill():
    """The sample: the boxed editor's note has copy for fewer lines than its stack leaves; it keeps exactly
    its lines (level, inside its frame) and the column head above it takes the rest."""
    issue, fonts = load(SAMPLE)
    plan = plan_page(issue.pages[0], fonts)
    by_name = {p.module.name: p for p in plan.placed}
    head, note = by_name["head:“一把手”话“秋冬防”"], by_name["editors-note"]
    assert note.status == "fits" and note.rect[3] == note.lines_needed
    assert head.rect[2] + head.rect[3] == note.rect[2] and head.rect[3] > 6
    assert plan.unused_cells == 0
