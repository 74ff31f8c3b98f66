"""Speed work that must not change a byte: the bounded DP window, the page pool, the persistent cache."""

from __future__ import annotations

import random

from paperpress.linebreak.breaker import INFEASIBLE, LOOSE_WINDOW, SPACE, Breaker, Settings

from .test_linebreak import EM, atoms


class _Scanning(Breaker):
    """The DP as it was before the window became a moving boundary: every candidate tested from b down."""

    def _dp(self, first_width: int, width: int, window: bool) -> list[int] | None:
        n = len(self.atoms)
        best = [INFEASIBLE] * (n + 1)
        prev = [-1] * (n + 1)
        best[0] = 0.0
        W, Q, G, P, J, atoms, penalty, hy = self.W, self.Q, self.G, self.P, self.J, self.atoms, self.penalty, self.hy
        stretch = self.s.max_stretch
        spaces = any(x.kind == SPACE for x in atoms)  # lines may then need trimming: take the general path
        reach = LOOSE_WINDOW * self.s.max_stretch
        candidates = [k for k in range(n + 1) if k == 0 or self.can_break[k]]
        for j in range(1, len(candidates)):
            b = candidates[j]
            final = b == n
            squeeze_b = atoms[b - 1].squeeze
            em = atoms[b - 1].size
            for i in range(j - 1, -1, -1):
                a = candidates[i]
                w = first_width if a == 0 else width
                upper = W[b] - W[a] + G[b] - G[a] + hy[b]  # at least the line's natural width
                if window and not final and upper + (b - a) * reach * em < w:
                    continue  # hopelessly loose: a longer line (smaller a) will do better
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
                total = best[a] + cost + penalty[b]
                if total < best[b]:
                    best[b] = total
                    prev[b] = a
        return prev if best[n] != INFEASIBLE else None


TEXT = ("据新华社北京11月15日电（记者王明）“十四五”规划实施以来，全国累计完成造林5.4亿亩、种草改良6亿亩，"
        "治理沙化石漠化土地1.3亿亩——比2019—2020年多出30%。详见https://www.forestry.gov.cn/main/5462/index.html，"
        "《中国国土绿化状况公报》指出：森林覆盖率达到24.02%，草原综合植被盖度达到50.32%！专家说，“这是长期努力的结果。”")


def test_bounded_window_chooses_the_breaks_of_the_full_scan() -> None:
    """The moving boundary skips exactly the lines the full scan skipped: same breaks on random texts, measures
    and first-line indents (the first line's own width is tested on its own)."""
    rng = random.Random(13)
    tried = 0
    for _ in range(300):
        start = rng.randrange(len(TEXT) - 20)
        text = TEXT[start:start + rng.randrange(20, 200)]
        chars = rng.randrange(5, 22)
        first = (chars - rng.choice((0, 0, 2, -1))) * EM
        settings = Settings(max_stretch=rng.choice((0.1, 0.25, 0.5)), punctuation=rng.choice(("quanjiao", "kaiming")))
        at = atoms(text)
        for window in (True, False):
            assert Breaker(at, settings)._dp(first, chars * EM, window) == \
                _Scanning(at, settings)._dp(first, chars * EM, window), (text, chars, first, settings, window)
        tried += 1
    assert tried == 300
