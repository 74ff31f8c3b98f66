"""Terminal output: verbosity, colour (only on a terminal, never with NO_COLOR), problems printed like a
compiler's (file:line:col: error: message, the source line, a caret, a hint), and the listings of
`paperpress layouts` and `paperpress fonts`."""

from __future__ import annotations

import os
import sys
import unicodedata
from pathlib import Path
from typing import TextIO

from .errors import Problem


def use_colour(stream: TextIO) -> bool:
    """Colour only when the stream is a terminal and NO_COLOR is unset or empty (no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    return hasattr(stream, "isatty") and stream.isatty() and os.environ.get("TERM") != "dumb"


def _paint(text: str, code: str, colour: bool) -> str:
    return f"\033[{code}m{text}\033[0m" if colour else text


def _width(text: str) -> int:
    """Terminal columns: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def source_line(file: str, line: int | None) -> str | None:
    if line is None:
        return None
    try:
        lines = Path(file).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return lines[line - 1] if 0 < line <= len(lines) else None


def format_problem(p: Problem, colour: bool = False) -> str:
    """file:line:col: error: message, then the source line and a caret under the column, then the hint."""
    where = p.file + (f":{p.line}" if p.line is not None else "") + (
        f":{p.column}" if p.line is not None and p.column is not None else "")
    out = [f"{_paint(where, '1', colour)}: {_paint('error', '1;31', colour)}: {p.message}"]
    src = source_line(p.file, p.line)
    if src is not None:
        out.append(f"  {src}")
        col = (p.column or 1) - 1
        out.append("  " + " " * _width(src[:col]) + _paint("^", "1;32", colour))
    if p.hint:
        out.append(f"  {_paint('hint', '1;36', colour)}: {p.hint}")
    return "\n".join(out)


def print_problems(problems: list[Problem], stream: TextIO | None = None, summary: str = "; nothing written.") -> None:
    stream = stream or sys.stderr
    colour = use_colour(stream)
    for p in problems:
        print(format_problem(p, colour), file=stream)
    print(f"{len(problems)} problem(s){summary}", file=stream)


GB2312_HANZI = frozenset(bytes([hi, lo]).decode("gb2312") for hi in range(0xB0, 0xF8) for lo in range(0xA1, 0xFF)
                         if not (hi == 0xD7 and lo > 0xF9))  # 6763 hanzi; row 55 ends at D7F9


def coverage_summary(unicodes: set[int]) -> str:
    """How much of Chinese a face covers: GB 2312 hanzi, the CJK Unified Ideographs block, all code points."""
    gb = sum(ord(c) in unicodes for c in GB2312_HANZI)
    uro = sum(0x4E00 <= u <= 0x9FFF for u in unicodes)
    return f"GB 2312 hanzi {gb}/{len(GB2312_HANZI)}, CJK Unified {uro}/20992, {len(unicodes)} code points"


class Progress:
    """A progress bar on stderr for multi-page builds; silent when the stream is not a terminal or when quiet."""

    def __init__(self, stream: TextIO | None = None, enabled: bool = True, width: int = 30):
        self.stream = stream or sys.stderr
        self.enabled = enabled and hasattr(self.stream, "isatty") and self.stream.isatty()
        self.width = width
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total <= 2:  # one page is two steps: no bar for a single page
            return
        filled = self.width * done // total
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {done}/{total}")
        self.stream.flush()
        self.shown = True
        if done >= total:
            self.close()

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()
            self.shown = False
