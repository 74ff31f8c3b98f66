"""Total-fit line breaking for Chinese text with punctuation compression and inter-character justification.

Kinsoku (clreq 3.1.7–3.1.8) decides where a break may fall; the cost of a line is how far its
spacing departs from the natural one. Compress first (line-end/line-start punctuation, then
punctuation inside the line), stretch only what cannot be compressed (clreq 3.2). A dynamic
programme over break positions minimises the sum of squared line costs, as Knuth–Plass does.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import accumulate

from mypy_extensions import mypyc_attr

from .atoms import CLOSE, HAN, LATIN, MID, OPEN, SPACE, Atom
from .rules_zh import RULE_SETS, UNITS

INFEASIBLE = float("inf")
UNJUSTIFIABLE = 10.0  # the ratio of a line with nowhere to stretch (one Latin token): set flush left
KAIMING_HALF = frozenset("，、；：")  # clreq 3.1.6: the pause marks the Kaiming style sets half width
HOUSE_STYLES = ("quanjiao", "kaiming", "banjiao")
LOOSE_WINDOW = 1.5  # lines looser than this many times max-stretch are not measured in the first pass
RANGE_MARKS = frozenset("—–～~至")  # 2019—2020年, 9～17年: a number range is one unbreakable unit
WORD_BREAK_PENALTY = 1e4  # breaking inside a URL or long word: only when it spares a loose line


@dataclass(frozen=True)
class Settings:
    rules: str = "strict"
    max_stretch: float = 0.25  # em of extra space per gap before a line counts as too loose
    latin_gap: float = 0.25  # em between Han and Latin/digits (clreq 3.2.3)
    orphan_penalty: float = 1e7  # 孤字: a paragraph's last line holding a single character
    compress_inline: bool = True  # squeeze marks inside the line when the line is too long
    punctuation: str = "quanjiao"  # house style (clreq 3.1.6): quanjiao 全角, kaiming 开明, banjiao 半角
    line_cost: float = 0.0  # added per line: < 0 favours one line more, > 0 one fewer (levelling columns)


@dataclass(frozen=True, slots=True)  # no per-glyph __dict__: every set line holds one per glyph
class PlacedGlyph:
    gid: int
    x: int
    text: str

    def __reduce__(self) -> tuple[type[PlacedGlyph], tuple[int, int, str]]:
        """Made again from its fields: a page's runs hold these, and copy and pickle must not set a frozen
        field one by one (which the compiled class would otherwise do)."""
        return PlacedGlyph, (self.gid, self.x, self.text)


@mypyc_attr(allow_interpreted_subclasses=True)  # a table's grid line (layout/table.py) is a Line
@dataclass(frozen=True)
class Line:
    start: int  # atom index
    end: int  # one past the last atom
    glyphs: tuple[tuple[str, int, tuple[PlacedGlyph, ...]], ...]  # (face, size, glyphs) per atom group
    width: int  # measure
    natural: int
    used: int  # where the last glyph's advance ends
    final: bool
    ratio: float  # >0 stretched, <0 compressed, relative to the limit

    @property
    def text(self) -> str:
        return "".join(g.text for _, _, gs in self.glyphs for g in gs)


@dataclass(frozen=True)
class Paragraph:
    lines: tuple[Line, ...]
    starts: tuple[int, ...] = ()  # where each line starts in the paragraph's text (a jump cuts there)


# A paragraph as tuples of numbers and strings, for the persistent cache (linecache.py): the compiled breaker's
# classes do not unpickle. Here, so that the conversion runs compiled too (a cached paragraph of 150 glyphs is
# otherwise rebuilt glyph by glyph in the interpreter, as slowly as setting it again).
PlainLine = tuple[int, int, tuple[tuple[str, int, tuple[tuple[int, int, str], ...]], ...], int, int, int, bool, float]


def to_plain(p: Paragraph) -> tuple[tuple[PlainLine, ...], tuple[int, ...]]:
    """Its lines, and where each starts in the paragraph's text (a jump cuts there)."""
    lines: list[PlainLine] = []
    for x in p.lines:
        groups = tuple([(face, size, tuple([(g.gid, g.x, g.text) for g in gs])) for face, size, gs in x.glyphs])
        lines.append((x.start, x.end, groups, x.width, x.natural, x.used, x.final, x.ratio))
    return tuple(lines), tuple(p.starts)


def from_plain(lines: tuple[PlainLine, ...], starts: tuple[int, ...]) -> Paragraph:
    """The paragraph to_plain gave these for; TypeError or ValueError where they are not of that shape."""
    out: list[Line] = []
    for start, end, groups, width, natural, used, final, ratio in lines:
        glyphs = tuple([(face, size, tuple([PlacedGlyph(g[0], g[1], g[2]) for g in gs])) for face, size, gs in groups])
        out.append(Line(start, end, glyphs, width, natural, used, final, ratio))
    return Paragraph(tuple(out), tuple([int(k) for k in starts]))


def _pair_squeeze(a: Atom, b: Atom) -> tuple[int, int]:
    """clreq 3.1.6.1: adjacent marks — the blank between them collapses. (squeeze of a, of b)."""
    if a.kind == CLOSE and b.kind in (CLOSE, OPEN, MID):
        return a.squeeze, 0
    if a.kind in (OPEN, MID) and b.kind == OPEN:
        return 0, b.squeeze
    return 0, 0


def _is_number(a: Atom) -> bool:
    return a.kind == LATIN and a.text[-1].isdigit()


def _ends_number(a: Atom) -> bool:
    """2019, 3% or 5‰: the left end of a number range."""
    return a.kind == LATIN and (a.text[-1].isdigit() or (a.text[-1] == "%" and a.text[0].isdigit()))


def _starts_number(a: Atom) -> bool:
    return a.kind == LATIN and a.text[0].isdigit()


def _is_range_mark(a: Atom) -> bool:
    return a.text in RANGE_MARKS or (len(a.text) > 1 and set(a.text) <= RANGE_MARKS)


def house_style(atoms: list[Atom], style: str) -> list[Atom]:
    """clreq 3.1.6: 全角 keeps every mark full width; 开明 sets the in-sentence pause marks ，、；：
    half width; 半角 sets every mark half width. Adjacent marks are squeezed on top of this."""
    if style == "quanjiao":
        return atoms
    half = KAIMING_HALF if style == "kaiming" else None
    out = []
    for a in atoms:
        if a.kind in (OPEN, CLOSE) and a.squeeze and (half is None or a.text in half):
            glyphs = tuple((g, x + a.squeeze_shift, t) for g, x, t in a.glyphs)
            a = replace(a, width=a.width - a.squeeze, glyphs=glyphs, squeeze=0, squeeze_shift=0)
        out.append(a)
    return out


class Breaker:
    def __init__(self, atoms: list[Atom], settings: Settings):
        atoms = house_style(atoms, settings.punctuation)
        self.atoms = atoms
        self.s = settings
        n = len(atoms)
        cannot_start, cannot_end = RULE_SETS[settings.rules]
        # gap[k]: natural space between atom k and k+1 (Han–Latin gap, clreq 3.2.3)
        self.gap = [0] * n
        self.pair = [(0, 0)] * n  # squeeze of (k, k+1) when both sit on one line
        self.can_break = [False] * (n + 1)  # break before atom k
        self.can_break[n] = True
        self.penalty = [0.0] * (n + 1)  # cost of breaking before atom k
        # what each atom is, worked out once (each test below looks at an atom from both of its pairs)
        kinds = [a.kind for a in atoms]
        texts = [a.text for a in atoms]
        mark = [_is_range_mark(a) for a in atoms]
        number = [_is_number(a) for a in atoms]
        ends_number = [_ends_number(a) for a in atoms]
        starts_number = [_starts_number(a) for a in atoms]
        gap, pair, can_break, penalty = self.gap, self.pair, self.can_break, self.penalty
        latin_gap = settings.latin_gap
        for k in range(n - 1):
            a, b = atoms[k], atoms[k + 1]
            ka, kb, ta, tb = kinds[k], kinds[k + 1], texts[k], texts[k + 1]
            if (ka == LATIN and kb == HAN) or (ka == HAN and kb == LATIN):
                if not (number[k] and tb in UNITS) and ta != "\u3000" and tb != "\u3000" \
                        and not (mark[k] or mark[k + 1]) and ta != "/" and tb != "/":
                    gap[k] = round(latin_gap * max(a.size, b.size))
            if ka == CLOSE and kb in (CLOSE, OPEN, MID):  # _pair_squeeze, inlined
                pair[k] = (a.squeeze, 0)
            elif (ka == OPEN or ka == MID) and kb == OPEN:
                pair[k] = (0, b.squeeze)
            ok = tb[0] not in cannot_start and ta[-1] not in cannot_end
            if ka == LATIN and kb == LATIN:
                ok = a.break_after  # a word breaks only at a long word's or URL's natural points
                penalty[k + 1] = WORD_BREAK_PENALTY
            if number[k] and tb[0] in UNITS:
                ok = False  # a number keeps its unit
            if mark[k + 1] and ends_number[k] and k + 2 < n and starts_number[k + 2]:
                ok = False  # 2019|—2020: the range mark never starts a line
            if mark[k] and k > 0 and ends_number[k - 1] and starts_number[k + 1]:
                ok = False  # 2019—|2020: nor ends one
            if tb == "/":
                ok = False  # 元/股: a slash never starts a line
            if ka == SPACE:
                ok = True
            if kb == SPACE:
                ok = False
            can_break[k + 1] = ok
        # prefix sums so that each candidate line is measured in O(1)
        # J: gaps that may take stretch. Never inside a Latin word or number (clreq 3.2: a Latin word
        # keeps its own spacing): pieces of one word (a URL broken at its natural points) stay tight.
        self.stretchable = [k < n - 1 and not (kinds[k] == LATIN and kinds[k + 1] == LATIN) for k in range(n)]
        # hy[b]: the hyphen a line ending before atom b adds (b a hyphenation point of an English word)
        self.hy = [0] * (n + 1)
        for k in range(1, n):
            h = atoms[k - 1].hyphen
            if h is not None and kinds[k] == LATIN:
                self.hy[k] = h[1]
        paired = [0] * n
        for k in range(n - 1):
            sa, sb = pair[k]
            paired[k] += sa
            paired[k + 1] += sb
        self.W = [0, *accumulate(a.width for a in atoms)]
        self.G = [0, *accumulate(gap)]
        self.P = [0, *accumulate(sa + sb for sa, sb in pair)]
        # Q: squeeze still available inside a line (marks not already paired)
        self.Q = [0, *accumulate(max(a.squeeze - paired[k], 0) if kinds[k] in (OPEN, CLOSE) else 0
                                 for k, a in enumerate(atoms))]
        self.J = [0, *accumulate(int(x) for x in self.stretchable)]

    # -- measuring one candidate line -------------------------------------------------------
    def _bounds(self, a: int, b: int) -> tuple[int, int]:
        """Trim spaces at the line's ends: the atoms actually set are [a', b')."""
        while a < b and self.atoms[a].kind == SPACE:
            a += 1
        while b > a and self.atoms[b - 1].kind == SPACE:
            b -= 1
        return a, b

    def _slots(self, a: int, b: int) -> int:
        """Places where a stretched line takes its extra space: the gaps between atoms, except those
        between the pieces of one Latin word (never letter-spacing)."""
        return self.J[b - 1] - self.J[a] if b > a else 0

    def _natural(self, a: int, b: int) -> int:
        if b <= a:
            return 0
        pairs_inside = self.P[b - 1] - self.P[a]  # pairs (k, k+1) with a <= k < b-1
        return self.W[b] - self.W[a] + self.G[b - 1] - self.G[a] - pairs_inside + self.hy[b]

    def _squeezes(self, a: int, b: int) -> tuple[int, int, int]:
        """(line-start, line-end, inline) squeeze still free on the line [a, b)."""
        atoms = self.atoms
        first, last = atoms[a], atoms[b - 1]
        # Q counts every pair as taken; pairs with a partner on the neighbouring line are not
        inline = self.Q[b] - self.Q[a]
        if b < len(atoms) and last.kind in (OPEN, CLOSE):
            inline += self.pair[b - 1][0]
        if a > 0 and first.kind in (OPEN, CLOSE):
            inline += self.pair[a - 1][1]
        start = max(first.squeeze - self._paired_inside(a, b, a), 0) if first.kind == OPEN else 0
        end = max(last.squeeze - self._paired_inside(a, b, b - 1), 0) if last.kind == CLOSE and b - 1 > a else 0
        return start, end, max(inline - start - end, 0)

    def _paired_inside(self, a: int, b: int, k: int) -> int:
        """Squeeze taken from atom k by pairs that lie inside [a, b)."""
        taken = 0
        if k + 1 < b:
            taken += self.pair[k][0]
        if k - 1 >= a:
            taken += self.pair[k - 1][1]
        return taken

    def _cost(self, a: int, b: int, width: int, final: bool) -> tuple[float, float]:
        """(demerits, ratio) of setting atoms [a, b) as one line of the given width."""
        a, b = self._bounds(a, b)
        if b <= a:
            return INFEASIBLE, 0.0
        nat = self._natural(a, b)
        d = width - nat
        em = self.atoms[a].size
        if d >= 0:
            if final:
                return 0.0, 0.0
            gaps = self._slots(a, b)
            if gaps <= 0:
                # nothing to stretch without letter-spacing: worse than any loose line, the fuller the better
                return 1e16 * (1 + d / width), UNJUSTIFIABLE
            r = d / (gaps * self.s.max_stretch * em)
            bad = 100.0 * r ** 3
            if r > 1:
                bad += 1e5 * r
            return (1.0 + bad) ** 2, r
        # compress in clreq 3.2's order: line-end/start marks, Han–Latin gaps, then marks inside the line
        need = -d
        start, end, inline = self._squeezes(a, b)
        ends = start + end
        if need <= ends:
            return 2.0 + (1 if start and need > end else 0), -need / max(ends, 1) * 0.1
        rem = need - ends
        gaps = self.G[b - 1] - self.G[a]
        if rem <= gaps:
            r = rem / gaps
            return (3.0 + 10.0 * r ** 3) ** 2, -r * 0.5
        rem -= gaps
        if not self.s.compress_inline or rem > inline:
            return INFEASIBLE, -10.0
        r = rem / inline
        bad = 20.0 + 100.0 * r ** 3
        return (1.0 + bad) ** 2, -r

    # -- the dynamic programme --------------------------------------------------------------
    def run(self, first_width: int, width: int) -> list[tuple[int, int]]:
        """The chosen lines as atom ranges [a, b)."""
        # lines far looser than the limit are not even measured; if that leaves no way through (a long
        # unbreakable word), every candidate is tried before falling back to first-fit
        prev = self._dp(first_width, width, window=True) or self._dp(first_width, width, window=False)
        if prev is None:
            return self._greedy(first_width, width)
        n = len(self.atoms)
        breaks = []
        b = n
        while b > 0:
            a = prev[b]
            breaks.append((a, b))
            b = a
        breaks.reverse()
        return breaks

    def _dp(self, first_width: int, width: int, window: bool) -> list[int] | None:
        n = len(self.atoms)
        best = [INFEASIBLE] * (n + 1)
        prev = [-1] * (n + 1)
        best[0] = 0.0
        W, Q, G, P, J, atoms, penalty, hy = self.W, self.Q, self.G, self.P, self.J, self.atoms, self.penalty, self.hy
        stretch, line_cost = self.s.max_stretch, self.s.line_cost
        spaces = any(x.kind == SPACE for x in atoms)  # lines may then need trimming: take the general path
        reach = LOOSE_WINDOW * self.s.max_stretch
        can_break = self.can_break
        candidates = [k for k in range(n + 1) if k == 0 or can_break[k]]
        top = 1  # the previous b's first candidate index to measure (see below)
        for j in range(1, len(candidates)):
            b = candidates[j]
            final = b == n
            squeeze_b = atoms[b - 1].squeeze
            em = atoms[b - 1].size
            start = j - 1
            if window and not final and j > 1:
                # Lines far looser than the limit are skipped: a longer line (smaller a) will do better. For
                # a > 0 the test is monotone in i (a longer line is never looser), so the first i to measure
                # is found by moving the previous b's boundary, not by testing every i from j - 1 down.
                wb = W[b] + G[b] + hy[b]

                def loose(i: int, wb: int = wb, b: int = b, em: int = em) -> bool:
                    a = candidates[i]
                    return wb - W[a] - G[a] + (b - a) * reach * em < width

                t = min(top, j - 1)
                if loose(t):
                    while t > 1 and loose(t):
                        t -= 1
                    start = 0 if loose(t) else t
                else:
                    while t + 1 < j and not loose(t + 1):
                        t += 1
                    start = t
                top = t
            for i in range(start, -1, -1):
                a = candidates[i]
                w = first_width if a == 0 else width
                upper = W[b] - W[a] + G[b] - G[a] + hy[b]  # at least the line's natural width
                if a == 0 and window and not final and upper + (b - a) * reach * em < w:
                    continue  # (the first line has its own width: tested here)
                if best[a] == INFEASIBLE:
                    continue
                # lines only grow as a moves left: stop once even full squeezing cannot fit
                natural = upper - G[b] + G[b - 1] - P[b - 1] + P[a]
                if natural - (Q[b] - Q[a] + G[b] - G[a] + squeeze_b) > w and a < b - 1:
                    break
                d = w - natural
                if d >= 0 and not spaces:  # the common case, inlined: a line to stretch (or a last line)
                    if final:
                        cost = self._orphan(a, b)
                    else:
                        slots = J[b - 1] - J[a]
                        if slots <= 0:
                            cost = 1e16 * (1 + d / w)  # set flush left: the fuller the better
                        else:
                            r = d / (slots * stretch * atoms[a].size)
                            bad = 100.0 * r * r * r + (1e5 * r if r > 1 else 0.0)
                            cost = (1.0 + bad) * (1.0 + bad)
                else:
                    cost, _ = self._cost(a, b, w, final)
                    if final:
                        cost += self._orphan(a, b)
                total = best[a] + cost + penalty[b] + line_cost
                if total < best[b]:
                    best[b] = total
                    prev[b] = a
        return prev if best[n] != INFEASIBLE else None

    def _orphan(self, a: int, b: int) -> float:
        a, b = self._bounds(a, b)
        chars = sum(len(x.text) for x in self.atoms[a:b] if x.kind in (HAN, LATIN))
        return self.s.orphan_penalty if chars < 2 and a > 0 else 0.0

    def _greedy(self, first_width: int, width: int) -> list[tuple[int, int]]:
        """Fallback when nothing fits the limits (an unbreakable word wider than the measure)."""
        out, a, n = [], 0, len(self.atoms)
        while a < n:
            w = first_width if a == 0 else width
            b = a + 1
            while b < n and (not self.can_break[b] or self._natural(a, b + 1) <= w):
                b += 1
            out.append((a, b))
            a = b
        return out

    # -- placing glyphs on a chosen line -----------------------------------------------------
    def place(self, a0: int, b0: int, width: int, final: bool) -> Line:
        atoms = self.atoms
        a, b = self._bounds(a0, b0)
        nat = self._natural(a, b)
        d = width - nat
        adv = [atoms[k].width for k in range(a, b)]
        shift = [0] * (b - a)
        gap = [self.gap[k] if k < b - 1 else 0 for k in range(a, b)]

        def squeeze(i: int, amount: int) -> None:
            at = atoms[a + i]
            adv[i] -= amount
            if at.squeeze and at.squeeze_shift:
                shift[i] += at.squeeze_shift * amount // at.squeeze

        for k in range(a, b - 1):
            sa, sb = self.pair[k]
            if sa:
                squeeze(k - a, sa)
            if sb:
                squeeze(k + 1 - a, sb)
        if d < 0:
            need = -d
            start, end, _ = self._squeezes(a, b)
            take = min(need, end)
            squeeze(b - 1 - a, take)
            need -= take
            take = min(need, start)
            squeeze(0, take)
            need -= take
            if need:  # Han–Latin gaps close up, evenly
                total = sum(gap)
                if total:
                    take = min(need, total)
                    acc = done = 0
                    for i, g in enumerate(gap):
                        acc += g
                        target = take * acc // total
                        gap[i] -= target - done
                        done = target
                    need -= take
            if need:
                # marks inside the line share what is left, in proportion to their free blank
                free = []
                for k in range(a, b):
                    at = atoms[k]
                    if at.kind in (OPEN, CLOSE):
                        done = atoms[k].width - adv[k - a]
                        free.append((k - a, max(at.squeeze - done, 0)))
                total = sum(f for _, f in free)
                if total:
                    taken = 0
                    acc = 0
                    for i, f in free:
                        acc += f
                        target = min(need, need * acc // total)
                        squeeze(i, target - taken)
                        taken = target
                    need -= taken
        elif d > 0 and not final:
            # clreq 3.2: Han–Latin gaps stretch first (by up to half their width: more reads as a hole
            # beside the digits), then every gap alike
            latin = [i for i in range(b - a - 1) if gap[i] > 1]
            room = sum(gap[i] // 2 for i in latin)
            if room > 0:
                take = min(d, room)
                done = acc = 0
                for i in latin:
                    acc += gap[i] // 2
                    target = take * acc // room
                    gap[i] += target - done
                    done = target
                d -= take
            slots = [i for i in range(b - a - 1) if self.stretchable[a + i]]
            if slots and d > 0:
                for j, i in enumerate(slots):
                    gap[i] += (j + 1) * d // len(slots) - j * d // len(slots)
        # emit
        groups: list[tuple[str, int, list[PlacedGlyph]]] = []
        x = 0
        for i in range(b - a):
            at = atoms[a + i]
            if at.kind == SPACE:
                x += adv[i] + gap[i]
                continue
            if not groups or groups[-1][0] != at.face or groups[-1][1] != at.size:
                groups.append((at.face, at.size, []))
            for gid, gx, text in at.glyphs:
                groups[-1][2].append(PlacedGlyph(gid, x + gx + shift[i], text))
            x += adv[i] + gap[i]
        if self.hy[b] and b == b0:
            # broken at a hyphenation point: the hyphen closes the line
            last = atoms[b - 1]
            assert last.hyphen is not None  # hy[b] is only set after an atom with a hyphen
            gid, hadv = last.hyphen
            if not groups or groups[-1][0] != last.face or groups[-1][1] != last.size:
                groups.append((last.face, last.size, []))
            groups[-1][2].append(PlacedGlyph(gid, x - gap[b - a - 1], "-"))
            x += hadv - gap[b - a - 1]
        _, ratio = self._cost(a0, b0, width, final)
        return Line(a0, b0, tuple((f, s, tuple(g)) for f, s, g in groups), width, nat, x, final, ratio)


def split_wide(atoms: list[Atom], width: int) -> list[Atom]:
    """A Latin token wider than the measure (a 30-letter option name) in pieces of one character each, so
    it can break at any character boundary instead of overhanging; its own natural points stay preferred
    (every break between these pieces carries the word-break penalty). Natural glyph positions are kept."""
    out: list[Atom] = []
    for at in atoms:
        if at.kind != LATIN or at.width <= width or len(at.glyphs) < 2:
            out.append(at)
            continue
        xs = [gx for _, gx, _ in at.glyphs] + [at.width]
        for j, (gid, gx, text) in enumerate(at.glyphs):
            last = j == len(at.glyphs) - 1
            out.append(replace(at, text=text, width=xs[j + 1] - gx, glyphs=((gid, 0, text),),
                               break_after=True if not last else at.break_after,
                               hyphen=at.hyphen if last else None))
    return out


def set_paragraph(atoms: list[Atom], first_width: int, width: int, settings: Settings,
                  justify: bool = True) -> Paragraph:
    """Break and place a paragraph; with justify=False every line keeps its natural spacing."""
    return Setter(atoms, first_width, width, settings).set(settings.line_cost, justify)


class Setter:
    """One paragraph's atoms and breaker, ready to be set, and set again at another line cost (levelling asks
    for a line more or fewer) without building them anew: only the line cost differs, and only the DP reads it."""

    def __init__(self, atoms: list[Atom], first_width: int, width: int, settings: Settings):
        self.first_width, self.width, self.settings = first_width, width, settings
        self.atoms = split_wide(atoms, min(first_width, width)) if atoms else []
        self.breaker = Breaker(self.atoms, settings) if atoms else None
        self.offsets = [0]
        for at in self.atoms:
            self.offsets.append(self.offsets[-1] + len(at.text))

    def set(self, line_cost: float, justify: bool = True) -> Paragraph:
        br = self.breaker
        if br is None:
            return Paragraph(())
        if br.s.line_cost != line_cost:
            br.s = replace(self.settings, line_cost=line_cost)
        n, first_width, width = len(self.atoms), self.first_width, self.width
        breaks = br.run(first_width, width)
        return Paragraph(tuple(br.place(a, b, first_width if i == 0 else width, b == n or not justify)
                               for i, (a, b) in enumerate(breaks)), tuple(self.offsets[a] for a, _ in breaks))
