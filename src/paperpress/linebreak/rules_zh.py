"""clreq rule sets as data: punctuation classes and line-start/line-end prohibitions.

References are to W3C "Requirements for Chinese Text Layout" (clreq).
"""

from __future__ import annotations

# clreq 3.1.6: opening marks carry their blank on the left half of the em box.
OPENING = frozenset("（［｛〔〈《「『【〖〘〚“‘")
# clreq 3.1.6: closing brackets and, in the mainland (GB) style, the pause, comma, full stop,
# colon, semicolon, question and exclamation marks sit in the left half: their blank is on the right.
CLOSING = frozenset("）］｝〕〉》」』】〗〙〛”’、，。：；？！")
# clreq 3.1.6: marks centred in the em box, blank on both sides.
MIDDLE = frozenset("·・")
# clreq 3.1.7 / 3.1.8: marks that take two ems and are never split across lines.
INSEPARABLE = frozenset("—…")

# clreq 3.1.7 "Prohibition rules for line start": closing marks, middle dots, iteration marks,
# and symbols that belong to what precedes them.
CANNOT_START_STRICT = CLOSING | MIDDLE | frozenset("～%‰℃℉°′″〃々ー")
CANNOT_START_LOOSE = CLOSING | frozenset("%‰℃")
# clreq 3.1.8 "Prohibition rules for line end": opening marks, and signs that belong to what follows.
CANNOT_END_STRICT = OPENING | frozenset("＄￥￡#№")
CANNOT_END_LOOSE = OPENING

RULE_SETS = {
    "strict": (CANNOT_START_STRICT, CANNOT_END_STRICT),
    "loose": (CANNOT_START_LOOSE, CANNOT_END_LOOSE),
}

# clreq 3.1.7 (avoid splitting numbers from units): measure words and units a number keeps.
UNITS = frozenset("%‰℃年月日时分秒个万亿元角米克吨升度岁次天周项名家人户台辆件条处倍")


def is_han(ch: str) -> bool:
    """Ideographs (CJK Unified, Extension A and the supplementary planes) and their kin."""
    cp = ord(ch)
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x3FFFF
            or 0xF900 <= cp <= 0xFAFF or 0x2E80 <= cp <= 0x2FDF or cp in (0x3005, 0x3007, 0x3006))


def is_latin(ch: str) -> bool:
    """Characters set in the Latin manner: proportional, grouped into unbreakable words."""
    cp = ord(ch)
    return 0x21 <= cp <= 0x7E or 0xC0 <= cp <= 0x24F or ch in "−±×÷°′″"
