"""The page model: the only thing backends see. Lengths in millipoints, y down from the trim's top-left."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

# Colours are CMYK tuples in 0..1; backends convert (screen → RGB).
CMYK = tuple[float, float, float, float]
BLACK: CMYK = (0.0, 0.0, 0.0, 1.0)
WHITE: CMYK = (0.0, 0.0, 0.0, 0.0)


@dataclass(frozen=True, slots=True)  # no per-glyph __dict__: a page holds thousands of them
class Glyph:
    gid: int
    x: int  # pen position of the glyph origin, relative to the run's origin
    text: str  # the characters this glyph stands for (for ToUnicode / ActualText)


class GlyphLike(Protocol):
    """What a run's glyph is to a backend: a Glyph, or the line breaker's own placed glyph (a set line's runs
    keep the breaker's glyphs instead of copying every one)."""

    @property
    def gid(self) -> int: ...

    @property
    def x(self) -> int: ...

    @property
    def text(self) -> str: ...


@dataclass(frozen=True, slots=True)  # a page holds a run per line part: no __dict__ each
class GlyphRun:
    font: str  # face id in the FontBook
    size: int
    x: int  # the run's origin: each glyph's x is relative to it (a set line's runs share the line's origin,
    # so the first glyph of a run need not sit at 0: draw at x + glyphs[0].x)
    y: int  # baseline
    glyphs: tuple[GlyphLike, ...]
    color: CMYK = BLACK
    vertical: bool = False
    # what the run belongs to, for tagged PDF: the article id, its structure role ("H" kicker/title/subtitle,
    # "Byline", "P" body paragraph, "Caption") and the paragraph's index; no article: an artifact (folio, head)
    article: str = ""
    role: str = ""
    para: int = -1

    @property
    def text(self) -> str:
        return "".join(g.text for g in self.glyphs)


@dataclass(frozen=True)
class Rule:
    x1: int
    y1: int
    x2: int
    y2: int
    width: int
    color: CMYK = BLACK


@dataclass(frozen=True)
class Rect:
    x: int
    y: int
    w: int
    h: int
    fill: CMYK | None = None
    stroke: CMYK | None = None
    stroke_width: int = 0


PathOp = tuple  # ("m", x, y) | ("l", x, y) | ("c", x1, y1, x2, y2, x3, y3) | ("h",) — millipoints


@dataclass(frozen=True)
class Path:
    """A vector path (moves, lines, cubic curves, closepath), filled and/or stroked."""

    ops: tuple[PathOp, ...]
    fill: CMYK | None = None
    stroke: CMYK | None = None
    stroke_width: int = 0
    even_odd: bool = False  # fill by the even-odd rule instead of non-zero winding

    def __post_init__(self) -> None:
        arity = {"m": 2, "l": 2, "c": 6, "h": 0}
        for op in self.ops:
            if not op or op[0] not in arity or len(op) != arity[op[0]] + 1:
                raise ValueError(f"bad path operation {op!r}")
        if self.ops and self.ops[0][0] != "m":
            raise ValueError("a path starts with a move")


@dataclass(frozen=True)
class Image:
    """A photo or graphic placed in a box; the crop rectangle is in the image's pixels."""

    path: str
    x: int
    y: int
    w: int
    h: int
    crop: tuple[int, int, int, int]  # left, top, right, bottom in pixels: what fills the box
    alt: str = ""  # alternative text (the caption) for tagged PDF; empty: the image is an artifact
    figure: str = ""  # an id grouping the image with its caption runs in the structure tree


@dataclass(frozen=True)
class Bookmark:
    title: str
    y: int
    level: int = 0


@dataclass(frozen=True, slots=True)
class LineInfo:
    """Where a body line sits, for checks and the report (not drawn)."""

    article: str
    x0: int
    x1: int  # the column's edges
    baseline: int
    start: int  # first glyph's left edge
    end: int  # last glyph's advance end
    final: bool  # last line of its paragraph
    text: str
    ratio: float = 0.0  # >0 stretched, <0 compressed (1.0: at the layout's max-stretch)
    source: str = ""  # file:line of the paragraph
    widow: bool = False  # a paragraph's last line alone at the top of a column


@dataclass(frozen=True)
class Link:
    """A clickable area (not drawn): to a URI, or to a position on a page of the issue (a jump line's
    下转第N版 / 上接第N版); dest_page is the printed page number, dest_y the target's y on it."""

    x: int
    y: int
    w: int
    h: int
    uri: str = ""
    dest_page: int = 0
    dest_y: int = 0
    article: str = ""  # the article the link belongs to: its /Link structure element goes under its Art


Item = GlyphRun | Rule | Rect | Path | Image | Bookmark | Link


@dataclass
class Page:
    number: int
    name: str
    width: int  # trim
    height: int
    bleed: int
    items: list[Item] = field(default_factory=list)
    lines: list[LineInfo] = field(default_factory=list)
    grid_origin: int = 0  # y of the first grid band's top
    grid_pitch: int = 0  # body leading
    slug: list[GlyphRun] = field(default_factory=list)  # outside the trim, for the plate room: print only
