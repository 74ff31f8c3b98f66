"""Text normalisation in Chinese context (clreq 3.1.1, GB/T 15834): ASCII marks between Han become full-width.

Every change is returned with its position, so the build report can list it; an article can switch it off.
"""

from __future__ import annotations

from dataclasses import dataclass

from .linebreak.rules_zh import CLOSING, OPENING, is_han

# ASCII punctuation and its full-width form in Chinese text
FULL_WIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}


@dataclass(frozen=True)
class Change:
    index: int  # in the raw text
    old: str
    new: str


def _chinese(ch: str | None) -> bool:
    return ch is not None and (is_han(ch) or ch in OPENING or ch in CLOSING)


def normalize(text: str, names: bool = False) -> tuple[str, list[Change]]:
    """Full-width marks where a neighbour is Chinese; straight quotes curled where the text is Chinese.

    names: the text is a byline or credit (记者 张三 李四 摄), where a space between Han characters separates
    names: it becomes one ideographic space (U+3000, the house form) instead of being removed."""
    out = list(text)
    changes: list[Change] = []

    def neighbour(i: int, step: int) -> str | None:
        j = i + step
        while 0 <= j < len(text) and text[j] == " ":
            j += step
        return text[j] if 0 <= j < len(text) else None

    for i, ch in enumerate(text):
        if ch not in FULL_WIDTH:
            continue
        before, after = neighbour(i, -1), neighbour(i, 1)
        if ch in ",;:?!" and before is not None and before.isdigit() and after is not None and after.isdigit():
            continue  # 1,000 and 3:2 stay as they are
        if ch == "(":
            chinese = _chinese(after) or (_chinese(before) and not (after or "").isascii())
        elif ch == ")":
            chinese = _chinese(before) or (_chinese(after) and not (before or "").isascii())
        else:
            chinese = _chinese(before) or (_chinese(after) and before not in (None, " ") and not before.isalnum())
            chinese = chinese or (_chinese(after) and before is None)
        if chinese:
            out[i] = FULL_WIDTH[ch]
            changes.append(Change(i, ch, out[i]))
    if any(is_han(c) for c in text):
        # straight quotes: alternate opening and closing, in order of appearance
        for quote, (opening, closing) in (('"', ("“", "”")), ("'", ("‘", "’"))):
            open_next = True
            for i, ch in enumerate(text):
                if ch != quote:
                    continue
                if quote == "'" and not (_chinese(neighbour(i, -1)) or _chinese(neighbour(i, 1))):
                    continue  # an apostrophe in a Latin word
                out[i] = opening if open_next else closing
                open_next = not open_next
                changes.append(Change(i, ch, out[i]))
    changes += _pair_brackets(out)
    changes += _stray_spaces(out, names)
    return "".join(out), sorted(changes, key=lambda c: c.index)


def _han_latin(a: str, b: str) -> bool:
    return _chinese(a) and (b.isascii() and (b.isalnum() or b in "/%"))


PAIRS = {"(": ")", "（": "）"}
HALF_OF = {"（": "(", "）": ")"}


def _pair_brackets(out: list[str]) -> list[Change]:
    """A bracket pair has one width: where one of a matched pair became (or was) full width and the other
    is ASCII, the ASCII one is made full width too — （编号：ABC-123) → （编号：ABC-123）."""
    changes, stack = [], []
    for i, ch in enumerate(out):
        if ch in PAIRS:
            stack.append(i)
        elif ch in (")", "）") and stack:
            j = stack.pop()
            if (out[j] == "（") != (ch == "）"):
                k = j if out[j] == "(" else i
                changes.append(Change(k, out[k], FULL_WIDTH[out[k]]))
                out[k] = FULL_WIDTH[out[k]]
    return changes


def _stray_spaces(out: list[str], names: bool = False) -> list[Change]:
    """ASCII spaces between Chinese characters, or before a Chinese closing mark, are removed (原油 期货 →
    原油期货; 高峰 。 → 高峰。), and so are spaces between Han and a number, Latin word or slash (下降 15% →
    下降15%, 元 / 股 → 元/股): the layout's latin-gap sets that gap, the same everywhere (clreq 3.2.3).
    A space between Latin words stays."""
    changes = []
    n = len(out)
    i = 0
    while i < n:
        if out[i] != " ":
            i += 1
            continue
        j = i
        while j < n and out[j] == " ":
            j += 1
        before = out[i - 1] if i > 0 else None
        after = out[j] if j < n else None
        if names and before is not None and after is not None and is_han(before) and is_han(after):
            changes.append(Change(i, " " * (j - i), "\u3000"))
            out[i] = "\u3000"
            for k in range(i + 1, j):
                out[k] = ""
        elif after is not None and before is not None and (after in CLOSING or (_chinese(before) and _chinese(after))
                                                         or _han_latin(before, after) or _han_latin(after, before)):
            for k in range(i, j):
                changes.append(Change(k, " ", ""))
                out[k] = ""
        i = j
    return changes
