"""Repair of the PDF-extracted seed page: full-width punctuation and rejoined paragraphs."""

from __future__ import annotations

import re
from pathlib import Path

# ASCII marks the PDF extraction left where the paper printed full-width ones. `.` and `%`
# only occur inside numbers (2.4%, 0.1微克) and stay; the seed has no digit-grouping commas.
FULL_WIDTH = str.maketrans(
    {
        ",": "，",
        ";": "；",
        "?": "？",
        "!": "！",
        ":": "：",
        "(": "（",
        ")": "）",
    }
)

# A paragraph is complete when it ends in a sentence-final mark, possibly followed by a
# closing quote or bracket (……。” is complete).
SENTENCE_END = re.compile(r"[。！？…][”’」』）]*$")

# Headline and author lines carry no sentence punctuation at all and are short (the seed's
# longest is 25 characters); every body paragraph, even a broken fragment, has a comma.
SENTENCE_PUNCTUATION = re.compile(r"[，。；：？！]")
DISPLAY_LINE_MAX = 30


def is_display_line(block: str) -> bool:
    """True for a headline or author line: short and free of sentence punctuation."""
    return len(block) <= DISPLAY_LINE_MAX and not SENTENCE_PUNCTUATION.search(block)


def is_broken(block: str) -> bool:
    """True for a body block cut off mid-sentence by a PDF line/column break."""
    return not is_display_line(block) and not SENTENCE_END.search(block)


def repaired_blocks(text: str) -> list[str]:
    """Blocks of `text` (separated by blank lines), full-width punctuation, breaks joined."""
    raw = [line.strip().translate(FULL_WIDTH) for line in text.splitlines()]
    blocks: list[str] = []
    for line in filter(None, raw):
        if blocks and is_broken(blocks[-1]):
            blocks[-1] += line  # Chinese text joins without a space
        else:
            blocks.append(line)
    return blocks


def repaired_seed_paragraphs(path: str | Path) -> list[str]:
    """The seed file's text blocks (headlines, author lines, paragraphs), repaired."""
    return repaired_blocks(Path(path).read_text(encoding="utf-8"))
