"""Folding: one family of functions that make Vietnamese text comparable.

All of them remove what a comparison should not see, from one per-character core
(:func:`base_char`: a letter without its tone and vowel marks, ``đ`` → ``d``):

* **same length** (offsets into the raw text stay valid, so a regular expression's match is
  a span of the source): :func:`fold` (lower case, marks removed, white space → one space
  each), :func:`lower_text` (lower case, marks *kept*: "tăng" is not "tặng"), :func:`fold_ocr`
  (:func:`fold` plus an OCR copy's look-alike symbols and glued digits read as letters);
* **collapsing** (for comparing wording, not for offsets): :func:`strip_diacritics` (marks
  removed, case and spacing kept), :func:`fold_words` (lower case, marks removed, white space
  collapsed) and :func:`fold_with_offsets` (the same, with a map back to raw offsets).

Every function is a pure function of its arguments; character mappings are computed once per
distinct character and cached.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache, lru_cache

__all__ = ["CharTable", "base_char", "fold_char", "fold", "fold_ocr", "lower_text", "strip_diacritics",
           "fold_words", "fold_with_offsets", "word_pattern", "has_word"]


@cache
def base_char(char: str) -> str:
    """``char`` without its marks: ``ộ`` → ``o``, ``đ`` → ``d``, ``Đ`` → ``D``; a lone
    combining mark → ``""``; a character that does not decompose to one letter stays itself.

    >>> base_char("Ữ"), base_char("đ"), base_char("\\u0300"), base_char("%")
    ('U', 'd', '', '%')
    """
    if char in "đĐ":
        return "d" if char == "đ" else "D"
    base = "".join(c for c in unicodedata.normalize("NFD", char) if unicodedata.category(c) != "Mn")
    return base if len(base) == 1 else ("" if not base else char)


class CharTable(dict):
    """A ``str.translate`` table that computes each character's mapping once, on first use."""

    def __init__(self, convert: Callable[[str], str]):
        super().__init__()
        self.convert = convert

    def __missing__(self, ordinal: int) -> str:
        self[ordinal] = mapped = self.convert(chr(ordinal))
        return mapped


# --------------------------------------------------------------------------- same length

def _same_length_char(char: str, symbols: str = "") -> str:
    """One character folded without changing the length: see :func:`fold`."""
    if char.isspace():
        return " "
    if symbols and char in symbols:
        return "e"
    base = base_char(char).lower()
    if len(base) == 1:
        return base
    low = char.lower()
    return low if len(low) == 1 else char


@lru_cache(maxsize=8)
def _fold_table(symbols: str) -> CharTable:
    return CharTable(lambda char: _same_length_char(char, symbols))


def fold(text: str, symbols: str = "") -> str:
    """Lower case without diacritics, same length as ``text`` (offsets are kept).

    ``symbols`` are OCR look-alike characters folded to the letter ``e``.

    >>> fold("Tỷ lệ đô thị hóa đạt 70,5%")
    'ty le do thi hoa dat 70,5%'
    >>> fold("ty 1¢", symbols="¢")
    'ty 1e'
    """
    return text.translate(_fold_table(symbols))


def _lower_char(char: str) -> str:
    low = " " if char.isspace() else char.lower()
    return low if len(low) == 1 else char


_LOWER_TABLE = CharTable(_lower_char)


def lower_text(text: str) -> str:
    """Lower case with diacritics kept, whitespace as plain spaces, same length as ``text``.

    Clean and PDF text layers are matched this way, so that words that differ only by their
    marks stay apart ("tăng"/"tặng", "số"/"sở", "đạt"/"đất").

    >>> lower_text("Tặng 02 Cờ\\nthi đua")
    'tặng 02 cờ thi đua'
    """
    return text.translate(_LOWER_TABLE)


_GLUED_DIGITS = re.compile(r"(?<=[^\W\d_])\d+|\d+(?=[^\W\d_])")


def fold_ocr(text: str, symbols: str, digit_letters: dict[str, str],
             contexts: Iterable[tuple[re.Pattern, str]] = (), readings: dict[str, str] | None = None) -> str:
    """:func:`fold` for an OCR text layer: look-alike symbols and glued digits become letters.

    ``contexts`` are (pattern, reading) pairs whose group ``digits`` is replaced by the
    reading; ``readings`` maps whole tokens to words of the same length. Offsets are kept.

    >>> fold_ocr("tong s6 von giai ngan 1a 1.372 ty", "¢", {"6": "o", "1": "l"})
    'tong so von giai ngan la 1.372 ty'
    """
    folded = fold(text, symbols)
    folded = _GLUED_DIGITS.sub(lambda m: "".join(digit_letters.get(d, d) for d in m.group(0)), folded)
    chars = list(folded)
    for pattern, reading in contexts:
        for m in pattern.finditer(folded):
            if reading and len(reading) == m.end("digits") - m.start("digits"):
                chars[m.start("digits"):m.end("digits")] = reading
    for word, reading in (readings or {}).items():
        if len(word) == len(reading):
            for m in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", folded):
                chars[m.start():m.end()] = reading
    return "".join(chars)


# --------------------------------------------------------------------------- collapsing

_STRIP_TABLE = CharTable(base_char)


def strip_diacritics(text: str) -> str:
    """Remove tone and vowel marks and turn ``đ`` into ``d``; case and spacing are kept.

    >>> strip_diacritics("Đảng bộ thành phố Sơn La")
    'Dang bo thanh pho Son La'
    """
    return text.translate(_STRIP_TABLE)


@lru_cache(maxsize=8192)
def fold_words(text: str) -> str:
    """Lower case without diacritics, ``đ`` → ``d``, white space collapsed (for matching wording).

    >>> fold_words("Trong  đó: Nhân dân")
    'trong do: nhan dan'
    """
    return " ".join(strip_diacritics(text).lower().split())


@cache
def fold_char(char: str) -> str:
    """One character as :func:`fold_words` folds it: ``"Ộ"`` → ``"o"``, a lone mark → ``""``."""
    return base_char(char).lower()


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """:func:`fold_words` of ``text`` and a map from each folded character back to a raw offset.

    The map has one entry per folded character (its raw offset; a space maps to the first
    white-space character of its run) plus a last entry, the raw offset just after the last
    non-space character. Combining marks of a decomposed text belong to the character before them.

    >>> folded, offsets = fold_with_offsets("  Sở  xây\\n\\ndựng ")
    >>> folded
    'so xay dung'
    >>> offsets[3], offsets[-1]
    (6, 15)
    """
    out: list[str] = []
    offsets: list[int] = []
    pending_space = -1
    for index, char in enumerate(text):
        if char.isspace():
            if pending_space < 0 and out:
                pending_space = index
            continue
        folded = fold_char(char)
        if not folded:  # a combining mark: part of the character before it
            continue
        if pending_space >= 0:
            out.append(" ")
            offsets.append(pending_space)
            pending_space = -1
        out.append(folded)
        offsets.append(index)
    offsets.append(len(text.rstrip()))
    return "".join(out), offsets


@lru_cache(maxsize=4096)
def word_pattern(word: str) -> re.Pattern:
    """``word`` standing as a whole word: at the start or after a non-word character, and at the
    end or before one (group 1 is what stands before it). Compiled once per word: the findings
    ask it of every claim, and ``re``'s own cache (512 patterns) is full of the rules'.

    >>> [bool(word_pattern(w).search("binh quan dau nguoi/ha")) for w in ("dau nguoi", "ha", "an")]
    [True, True, False]
    """
    return re.compile(rf"(^|\W){re.escape(word)}(\W|$)")


def has_word(folded: str, words: Iterable[str]) -> bool:
    """Whether any of ``words`` stands as a whole word in ``folded`` (see :func:`word_pattern`)."""
    return any(word_pattern(w).search(folded) for w in words)
