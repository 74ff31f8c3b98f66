"""Lengths: integer millipoints (1/1000 pt) inside, unit strings at the edges."""

from __future__ import annotations

import re

MPT_PER = {"pt": 1000.0, "mm": 72000.0 / 25.4, "cm": 720000.0 / 25.4, "in": 72000.0}
_LENGTH = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(pt|mm|cm|in)\s*$")


def parse_length(text: object) -> int:
    """'9pt', '3.5mm' → millipoints. Raises ValueError with a readable message."""
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        raise ValueError(f"expected a length such as '9pt' or '3mm', got {text!r}")
    m = _LENGTH.match(str(text))
    if not m:
        raise ValueError(f"expected a length such as '9pt' or '3mm', got {text!r}")
    return round(float(m.group(1)) * MPT_PER[m.group(2)])


def mm(value: float) -> int:
    return round(value * MPT_PER["mm"])


def pt(value: float) -> int:
    return round(value * 1000)
