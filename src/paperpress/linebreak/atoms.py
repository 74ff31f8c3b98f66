"""Runs of styled text → atoms: the unbreakable units the line breaker arranges."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..fonts import Face
from .rules_zh import CLOSING, INSEPARABLE, MIDDLE, OPENING, is_latin

HAN, OPEN, CLOSE, MID, LATIN, SPACE = "han", "open", "close", "middle", "latin", "space"
IDEOGRAPHIC_SPACE = "\u3000"


@dataclass(frozen=True)
class Atom:
    text: str
    face: str
    size: int  # millipoints
    kind: str
    width: int  # natural advance, millipoints
    glyphs: tuple[tuple[int, int, str], ...]  # (gid, x from the atom's origin, text)
    squeeze: int = 0  # how much the blank half of a punctuation mark can give up (halt)
    squeeze_shift: int = 0  # glyph shift when fully squeezed (negative for opening marks)
    break_after: bool = False  # a piece of a long Latin word or URL: it may break after this piece
    hyphen: tuple[int, int] | None = None  # (gid, advance): a hyphenation point; set at a line's end


@dataclass(frozen=True)
class Span:
    """A run of text in one face and size."""

    text: str
    face: Face
    size: int


def _scale(units: int, face: Face, size: int) -> int:
    return (units * size + face.upem // 2) // face.upem


def _blank_from_ink(face: Face, gid: int, adv: int, kind: str) -> tuple[int, int]:
    """(half-width advance, x offset) for a face without halt (LXGW WenKai): squeeze only the blank the
    glyph's ink leaves on its open side, at most half the advance, so squeezed marks never collide."""
    ext = face.hb_font.get_glyph_extents(gid)
    if ext is None or ext.width <= 0:
        return adv, 0
    margin = adv // 20
    left, right = ext.x_bearing, ext.x_bearing + ext.width
    if kind == CLOSE:
        blank = max(0, min(adv // 2, adv - right - margin))
        return adv - blank, 0
    if kind == OPEN:
        blank = max(0, min(adv // 2, left - margin))
        return adv - blank, -blank
    blank = max(0, min(adv // 4, left - margin, adv - right - margin))  # centred marks: both sides
    return adv - 2 * blank, -blank


def _kind(ch: str) -> str:
    if ch in OPENING:
        return OPEN
    if ch in CLOSING:
        return CLOSE
    if ch in MIDDLE:
        return MID
    return HAN


def _chunks(text: str) -> list[str]:
    """Split text into atom strings: Latin words, doubled dashes/ellipses, single characters."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        j = i + 1
        if ch == " ":
            while j < n and text[j] == " ":
                j += 1
            out.append(" ")
        elif is_latin(ch):
            while j < n and is_latin(text[j]):
                j += 1
            out += _word_pieces(text[i:j])
        elif ch in INSEPARABLE:
            while j < n and text[j] == ch:
                j += 1
            out.append(text[i:j])
        else:
            out.append(ch)
        i = j
    return out


LONG_WORD = 12  # Latin words longer than this may break at their natural points
WORD_BREAKS = "/.-_?&=#:"


HYPHENATE_MIN = 6  # English words at least this long are hyphenated at dictionary points
_HYPHENATOR: Any = None  # pyphen's, loaded on first use (typed for mypyc: `make install` compiles this module)


def hyphenation_pieces(word: str) -> list[str]:
    """An English word split at pyphen's dictionary points (en_US: at least 2 letters before, 3 after)."""
    global _HYPHENATOR
    if len(word) < HYPHENATE_MIN or not word.isascii() or not word.isalpha():
        return [word]
    if _HYPHENATOR is None:
        import pyphen

        _HYPHENATOR = pyphen.Pyphen(lang="en_US")
    cuts = [0, *_HYPHENATOR.positions(word), len(word)]
    return [word[i:j] for i, j in zip(cuts, cuts[1:], strict=False)]


def _word_pieces(word: str) -> list[str]:
    """A long Latin word or URL in pieces that end after / . - _ = : (and query marks), where it may break
    (the documented rule: after a mark, never before one, never leaving a piece of one character, after a
    `.` `-` `_` only before a letter; after `/` also before a digit); numbers (2.5, 688523.SH) and short
    words stay whole."""
    if len(word) <= LONG_WORD:
        return [word]
    pieces, start = [], 0
    for k, ch in enumerate(word[:-1]):
        before_digit = word[k + 1].isdigit() and ch != "/"  # 2.5 stays whole; a path breaks after any /
        if ch in WORD_BREAKS and not before_digit and word[k + 1] not in WORD_BREAKS and k + 1 - start >= 2:
            pieces.append(word[start:k + 1])
            start = k + 1
    pieces.append(word[start:])
    return pieces


_CHAR_ATOMS: dict[tuple[str, str, int, int], Atom] = {}


def _char_atom(ch: str, face: Face, size: int) -> Atom:
    """The atom of one ideograph or mark: the same for every occurrence, so made once."""
    key = (ch, str(face.path), face.index, size)
    hit = _CHAR_ATOMS.get(key)
    if hit is not None:
        return hit
    gid, adv = face.glyph(ch)
    kind = _kind(ch)
    squeeze = shift = 0
    if ch == IDEOGRAPHIC_SPACE:
        # the em space after a run-in label (本报讯　) may give up half, like a closing mark's blank
        kind, squeeze = CLOSE, _scale(adv // 2, face, size)
    elif kind in (OPEN, CLOSE, MID):
        # The font's own half-width form (halt) says how much blank there is and where.
        (_, _, hadv, hoff), = face.shape(ch, ("halt",))
        if hadv >= adv:
            hadv, hoff = _blank_from_ink(face, gid, adv, kind)
        squeeze, shift = _scale(adv - hadv, face, size), _scale(hoff, face, size)
    hit = _CHAR_ATOMS[key] = Atom(ch, face.id, size, kind, _scale(adv, face, size), ((gid, 0, ch),), squeeze, shift)
    return hit


def make_atoms(spans: list[Span]) -> list[Atom]:
    atoms: list[Atom] = []
    for span in spans:
        face, size = span.face, span.size
        for piece in _chunks(span.text):
            parts = hyphenation_pieces(piece)
            for h, chunk in enumerate(parts):
                hyph = h < len(parts) - 1
                _add(atoms, chunk, face, size, hyph)
    return atoms


def _add(atoms: list[Atom], chunk: str, face: Face, size: int, hyph: bool) -> None:
    """One atom string → its atom (hyph: a hyphenation point follows it)."""
    if chunk == " ":
        gid, adv = face.glyph(" ")
        atoms.append(Atom(" ", face.id, size, SPACE, _scale(adv, face, size), ()))
        return
    if len(chunk) > 1 or is_latin(chunk):
        shaped = face.shape(chunk)
        glyphs, x = [], 0
        clusters = [c for _, c, _, _ in shaped] + [len(chunk)]
        for k, (gid, cl, adv, xoff) in enumerate(shaped):
            nxt = min((c for c in clusters[k + 1:] if c > cl), default=len(chunk))
            glyphs.append((gid, _scale(x + xoff, face, size), chunk[cl:nxt]))
            x += adv
        kind = LATIN if is_latin(chunk[0]) else HAN  # dashes and ellipses behave like ideographs
        hyphen = None
        if hyph:
            hgid, hadv = face.glyph("-")
            hyphen = (hgid, _scale(hadv, face, size))
        atoms.append(Atom(chunk, face.id, size, kind, _scale(x, face, size), tuple(glyphs),
                          break_after=kind == LATIN and (hyph or chunk[-1] in WORD_BREAKS), hyphen=hyphen))
        return
    atoms.append(_char_atom(chunk, face, size))
