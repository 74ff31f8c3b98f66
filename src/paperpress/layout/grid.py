"""The page's character grid and the small helpers every stage shares."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..linebreak.breaker import Line
from ..manifest import Layout, Style
from ..model import Page
from .text import line_runs

ASCENT = 0.88  # the ideographic em box sits 0.88 em above and 0.12 em below the baseline


def centred_baseline(top: int, height: int, size: int) -> int:
    """The baseline that centres an em box of this size in a band [top, top + height)."""
    return top + (height - size) // 2 + round(ASCENT * size)


class Grid:
    """The page's character grid: column edges and baseline bands."""

    def __init__(self, layout: Layout):
        self.l = layout

    def band_top(self, line: int) -> int:
        return self.l.grid_top + (line - 1) * self.l.pitch

    def baseline(self, line: int, size: int | None = None) -> int:
        """Baseline of a grid line for text of the given size: its em box centred in the band."""
        size = size or self.l.em
        return centred_baseline(self.band_top(line), self.l.pitch, size)

    def x(self, col: int) -> int:
        return self.l.column_x(col)

    def width(self, span: int) -> int:
        return span * self.l.col_w + (span - 1) * self.l.gutter


@dataclass(frozen=True)
class Finding:
    """Something the layout editor or the printer should know: severity, where, what."""

    severity: str  # "error", "warning" or "info"
    where: str
    message: str


def _put(page: Page, line: Line, x: int, baseline: int, *styles: Style,
         tag: tuple[str, str, int] | None = None) -> None:
    """tag: (article, role, paragraph) the runs belong to, for the tagged screen and archive PDFs."""
    colors = {f: s.color for s in styles for f in (s.marks_font, s.font) if f}
    runs = line_runs(line, x, baseline, colors)
    if tag:
        runs = [replace(r, article=tag[0], role=tag[1], para=tag[2]) for r in runs]
    page.items.extend(runs)
