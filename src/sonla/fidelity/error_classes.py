"""Classifying the character edits between a copy and its reference.

The classes and their labels are declared in ``rules/ocr_error_classes.yaml`` (most specific
first); :func:`classify_edit` counts the classified edits that turn a reference span into the
copy's span, and the first class present is a span's *primary* class.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from functools import cache

from rapidfuzz.distance import Levenshtein

from ..text.fold import base_char, fold_char
from ..text.lexicon import rule_file

__all__ = ["error_classes", "classify_edit", "primary_class", "format_classes"]


@cache
def error_classes() -> dict[str, str]:
    """The error classes, most specific first: ``{key: label}`` from the rules file."""
    return {entry["key"]: entry["label_en"] for entry in rule_file("ocr_error_classes.yaml")["classes"]}


def _kind(char: str) -> str:
    if char.isspace():
        return "space"
    if char.isdigit():
        return "digit"
    if char.isalpha():
        return "letter"
    return "symbol"


def _is_marker_digit(text: str, index: int) -> bool:
    """A digit glued to the end of a word (after two letters), as a footnote marker is."""
    start = index
    while start > 0 and text[start - 1].isdigit():
        start -= 1
    end = index
    while end < len(text) and text[end].isdigit():
        end += 1
    if start < 2 or end - start > 2 or not (text[start - 1].isalpha() and text[start - 2].isalpha()):
        return False
    return end == len(text) or not text[end].isalnum()


def _pair_class(r: str, o: str) -> str:
    """Class of one substituted character pair (``r`` in the reference, ``o`` in the copy)."""
    kr, ko = _kind(r), _kind(o)
    if kr == "space":
        return "merged_words"
    if ko == "space":
        return "split_words"
    if fold_char(r) == fold_char(o):
        if r in "đĐ" and o in "dD":
            return "d_stroke_lost"
        if base_char(r) == r or r.lower() == o.lower():  # the copy added a mark, or case only
            return "case_changed" if r.lower() == o.lower() else "wrong_diacritic"
        return "diacritic_lost" if base_char(o) == o else "wrong_diacritic"
    if kr == "letter":
        if ko == "digit":
            return "letter_as_digit"
        if ko == "symbol":
            return "lookalike_symbol"
        return "d_read_as_letter" if r in "đĐ" else "wrong_letter"
    if kr == "digit":
        return "digit_changed" if ko == "digit" else "digit_as_letter"
    return "punctuation"


def _lone_class(text: str, index: int, space_class: str, lone_digit_class: str,
                mark_before: bool = False) -> str:
    """Class of a character only one side has, ``text[index]``.

    A digit glued to the end of a word is a footnote marker, unless it follows a letter
    whose mark the copy lost (``mark_before``: ``đó`` → ``do6``, the mark read as a digit);
    a digit among digits was misread; a digit among letters stands for a letter (in the
    copy) or was lost (in the reference).
    """
    char = text[index]
    if char.isdigit():
        if _is_marker_digit(text, index) and not mark_before:
            return "footnote_marker"
        near = text[max(index - 1, 0):index] + text[index + 1:index + 2]
        return "digit_changed" if any(c.isdigit() or c in ".,/" for c in near) else lone_digit_class
    cls = _single_class(char)
    return space_class if cls == "words" else cls


def _single_class(char: str) -> str:
    """Class of a character only one side has (``words`` for a space: merged or split)."""
    kind = _kind(char)
    if kind == "symbol" and unicodedata.category(char).startswith("S"):
        return "lookalike_symbol"  # € ¢ ® …: a mark read as a symbol next to its letter
    return {"space": "words", "letter": "wrong_letter", "digit": "digit_changed"}.get(kind, "punctuation")


def classify_edit(ref: str, ocr: str) -> Counter:
    """Count the classified character edits that turn ``ref`` into ``ocr`` (raw strings).

    Both strings are compared in NFC with their white space collapsed.

    >>> sorted(classify_edit("số", "s6").items())
    [('letter_as_digit', 1)]
    >>> sorted(classify_edit("đã là", "d3 1a").items())
    [('d_stroke_lost', 1), ('diacritic_lost', 1), ('letter_as_digit', 2)]
    >>> sorted(classify_edit("thành phố1;", "thanh phd';").items())
    [('diacritic_lost', 1), ('footnote_marker', 1), ('wrong_letter', 1)]
    >>> sorted(classify_edit("thành phố", "thanhphố").items())
    [('diacritic_lost', 1), ('merged_words', 1)]
    """
    r = " ".join(unicodedata.normalize("NFC", ref).split())
    o = " ".join(unicodedata.normalize("NFC", ocr).split())
    counts: Counter = Counter()
    # Align the folded characters (one per character), so that đ meets d and ộ meets o.
    r_folded = "".join(fold_char(c) or c for c in r)
    o_folded = "".join(fold_char(c) or c for c in o)
    for op in Levenshtein.opcodes(r_folded, o_folded):
        if op.tag == "equal":
            for p, q in zip(range(op.src_start, op.src_end), range(op.dest_start, op.dest_end), strict=True):
                if r[p] != o[q]:
                    counts[_pair_class(r[p], o[q])] += 1
            continue
        rs, os_ = range(op.src_start, op.src_end), range(op.dest_start, op.dest_end)
        for p, q in zip(rs, os_, strict=False):
            marker = r[p].isdigit() and _is_marker_digit(r, p) and not o[q].isdigit()
            counts["footnote_marker" if marker else _pair_class(r[p], o[q])] += 1
        for p in rs[len(os_):]:
            counts[_lone_class(r, p, "merged_words", "digit_as_letter")] += 1
        for q in os_[len(rs):]:
            # the reference character facing the copy's character just before this one
            p = min(op.src_start + (q - op.dest_start), op.src_end) - 1
            mark_before = p >= 0 and q > 0 and r[p] != o[q - 1] and fold_char(r[p]) == fold_char(o[q - 1])
            counts[_lone_class(o, q, "split_words", "letter_as_digit", mark_before)] += 1
    return counts


@cache
def _class_order() -> dict[str, int]:
    return {key: position for position, key in enumerate(error_classes())}


def _present(counts: Counter) -> list[str]:
    """The declared classes ``counts`` has, most specific first."""
    order = _class_order()
    return sorted((key for key, n in counts.items() if n and key in order), key=order.__getitem__)


def primary_class(counts: Counter) -> str:
    """The most specific class of a span's edits ("" for none).

    >>> primary_class(Counter({"diacritic_lost": 2, "letter_as_digit": 1}))
    'letter_as_digit'
    """
    present = _present(counts)
    return present[0] if present else ""


def format_classes(counts: Counter) -> str:
    """``class:count;...`` for every class of a span's edits, most specific first."""
    return ";".join(f"{key}:{counts[key]}" for key in _present(counts))
