"""Source fidelity: align copies of one document and measure what a scan lost.

The manifest declares copies of one document by a shared ``document_id`` (today the
PDF text layer and the OCR scan of the city appendix). For every such group the
copy that is not OCR is the *reference*; every other copy is aligned with it:

1. Both texts are *folded* (:func:`fold_text`): tone and vowel marks removed, ``đ`` →
   ``d``, lower case, every run of white space → one space, with a map from each folded
   character back to its raw offset, so that every aligned span points into the raw files.
2. Folded word tokens are aligned with rapidfuzz's Indel (longest common subsequence)
   opcodes; long runs one copy has at a different place (footnotes that a page break put
   elsewhere) are found and aligned where they are (*moved* blocks).
3. Inside every unequal stretch the folded characters are aligned with rapidfuzz's
   Levenshtein opcodes and the tokens linked through them become one aligned span, so
   merged and split words stay together.
4. Each span is compared character by character in its raw form and its edits classified
   (classes and labels in ``rules/ocr_error_classes.yaml``).

From the alignment come the measurements (:func:`measure_pair`): error rates with and
without diacritics, agreement of the numbers, counts of error classes, the title block
only one copy has, the footnotes in both copies, repeated passages within each copy, and
a repaired OCR text (:func:`repair_text`) that takes the reference's characters wherever
the folded forms agree.

Outputs (all in ``data/processed/``, one block of rows per copy pair, keyed by
``document_id``, ``ref_source_id`` and ``ocr_source_id``):

- ``ocr_alignment.csv``: one row per aligned span (runs of exactly equal words merged):
  ``ref_start``/``ref_end``/``ref_text`` and ``ocr_start``/``ocr_end``/``ocr_text`` (raw
  offsets; ``raw[start:end] == text``; an empty side gives its insertion point), ``op``
  (equal, replace, insert, delete), ``error_class`` (the span's primary class),
  ``error_classes`` (``class:count;...`` for every classified character edit),
  ``char_edits`` and ``folded_edits`` (Levenshtein distance as written and folded),
  ``ref_chars``, ``moved``, ``region`` (``title`` or ``body``) and ``repaired_text``.
- ``ocr_metrics.csv``: tidy rates (``metric``, ``level``, ``scope``, ``copy``, ``value``,
  ``errors``, ``total``): CER and WER at three folding levels, along the alignment and over
  the whole texts, for the copy and its repair; number agreement; title and moved sizes.
- ``ocr_error_classes.csv``, ``ocr_numbers.csv``, ``ocr_footnotes.csv``, ``ocr_repeats.csv``,
  and ``<source_id>.repaired.txt`` for every copy.

Run ``python -m sonla.alignment`` to print the error rates of every declared copy pair.
"""

from __future__ import annotations

import re
import statistics
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import cache, lru_cache

import pandas as pd
from rapidfuzz.distance import Indel, Levenshtein

from .. import config
from ..errors import SonlaError
from ..io import read_yaml
from ..sources import Source, load_sources

__all__ = [
    "ALIGNMENT_COLUMNS",
    "Alignment",
    "Span",
    "Token",
    "align_sources",
    "align_texts",
    "classify_edit",
    "copy_pairs",
    "error_classes",
    "error_rate",
    "find_footnotes",
    "find_repeated_passages",
    "fold_text",
    "measure_pair",
    "repaired_name",
    "repair_text",
    "strip_diacritics",
    "alignment_table",
    "tokenize",
]

# A run of at least this many tokens that one copy has elsewhere may be a moved block, and
# it is one when at least this share of its folded tokens match the run it is paired with.
MOVE_MIN_TOKENS = 8
MOVE_MIN_SIMILARITY = 0.5
# Stretches longer than this (tokens, either side) are aligned by tokens before characters.
CHAR_ALIGN_MAX_TOKENS = 40
# A leading stretch of at least this many tokens only one copy has is a title block.
TITLE_MIN_TOKENS = 3
# Repeated passages: runs of at least this many folded tokens that occur twice in one text.
REPEAT_MIN_TOKENS = 12
REPEAT_SEED = 4
# Exact runs at distances within REPEAT_SLACK words, at most REPEAT_GAP words apart, are one passage.
REPEAT_SLACK = 3
REPEAT_GAP = 6

# A number as written (4.051, 70,5, 42/63), not glued to a word before it (a footnote marker).
NUMBER = re.compile(r"(?<![^\W\d_])\d+(?:[.,/]\d+)*")
# Any group of digits, glued or not (s6, d3 in a scan).
DIGITS = re.compile(r"\d+(?:[.,/]\d+)*")
# A footnote marker in a PDF text layer: one or two digits glued to a lower-case word.
MARKER = re.compile(r"(?<=[^\W\d_]{2})(\d{1,2})(?=[\s,.;:)…”\"]|$)")
FOOTNOTE_LINE = re.compile(r"(?m)^[ \t]*(\d{1,2}) (?=[^\W\d_])")
TERMINAL = (".", "…", "!", "?")

ALIGNMENT_COLUMNS = [
    "document_id", "ref_source_id", "ref_start", "ref_end", "ref_text",
    "ocr_source_id", "ocr_start", "ocr_end", "ocr_text",
    "op", "error_class", "error_classes", "char_edits", "folded_edits", "ref_chars",
    "moved", "region", "repaired_text",
]
LEVELS = ("exact", "no_diacritics", "folded")


# --- folding ---------------------------------------------------------------------------

@cache
def _strip_char(char: str) -> str:
    if char in "đĐ":
        return "d" if char == "đ" else "D"
    base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    return base if len(base) == 1 else ("" if not base else char)


def strip_diacritics(text: str) -> str:
    """Remove tone and vowel marks and turn ``đ`` into ``d``; case and spacing are kept.

    >>> strip_diacritics("Đảng bộ thành phố Sơn La")
    'Dang bo thanh pho Son La'
    """
    return text.translate(_STRIP_TABLE)


class _StripTable(dict):
    """``str.translate`` table filled on demand from :func:`_strip_char`."""

    def __missing__(self, key: int) -> str:
        self[key] = value = _strip_char(chr(key))
        return value


_STRIP_TABLE = _StripTable()


@cache
def _fold_char(char: str) -> str:
    return _strip_char(char).lower()


def fold_text(text: str) -> tuple[str, list[int]]:
    """Fold ``text`` for alignment and map every folded character back to a raw offset.

    Folding removes diacritics (``đ`` → ``d``), lower-cases, and turns every run of white
    space into one space (none at the ends). The map has one entry per folded character
    (its raw offset; a space maps to the first white-space character of its run) plus a
    last entry, the raw offset just after the last non-space character. Combining marks of
    a decomposed text belong to the character before them.

    >>> folded, offsets = fold_text("  Sở  xây\\n\\ndựng ")
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
        folded = _fold_char(char)
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


@dataclass(frozen=True)
class Token:
    """One white-space-delimited word: raw offsets, folded form, raw offset of each folded char."""

    start: int
    end: int
    folded: str
    chars: tuple[int, ...]


def tokenize(text: str) -> list[Token]:
    """Word tokens of ``text``; see :func:`_tokenize` (cached: texts are aligned more than once)."""
    return list(_tokenize(text))


@lru_cache(maxsize=16)
def _tokenize(text: str) -> tuple[Token, ...]:
    """Word tokens of ``text`` (runs of non-space characters) with their folded forms.

    >>> [(t.start, t.end, t.folded) for t in _tokenize("Đã  thực hiện")]
    [(0, 2, 'da'), (4, 8, 'thuc'), (9, 13, 'hien')]
    """
    folded, offsets = fold_text(text)
    tokens = []
    position = 0
    for word in folded.split(" ") if folded else []:
        end = position + len(word)
        tokens.append(Token(offsets[position], offsets[end], word, tuple(offsets[position:end + 1])))
        position = end + 1
    return tuple(tokens)


# --- alignment -------------------------------------------------------------------------

@dataclass(frozen=True)
class Span:
    """An aligned pair of token ranges (half-open), one row of the alignment table."""

    ref: tuple[int, int]
    ocr: tuple[int, int]
    moved: bool = False
    region: str = "body"


@dataclass
class Alignment:
    """Two texts, their tokens and the aligned spans in reference order."""

    ref_text: str
    ocr_text: str
    ref_tokens: list[Token]
    ocr_tokens: list[Token]
    spans: list[Span] = field(default_factory=list)
    _forms: dict[tuple[str, str], list[str]] = field(default_factory=dict, repr=False)

    def forms(self, side: str, level: str) -> list[str]:
        """Each token of one side (``ref`` or ``ocr``) at a folding level (see :func:`error_rate`)."""
        key = (side, level)
        if key not in self._forms:
            text = self.ref_text if side == "ref" else self.ocr_text
            tokens = self.ref_tokens if side == "ref" else self.ocr_tokens
            if level == "exact":
                self._forms[key] = [unicodedata.normalize("NFC", text[t.start:t.end]) for t in tokens]
            elif level == "no_diacritics":
                self._forms[key] = [strip_diacritics(w) for w in self.forms(side, "exact")]
            else:
                self._forms[key] = [w.lower() for w in self.forms(side, "no_diacritics")]
        return self._forms[key]

    def texts(self, span: Span, level: str = "exact") -> tuple[str, str]:
        """The span's two sides as text at a folding level, tokens joined by one space."""
        return (" ".join(self.forms("ref", level)[span.ref[0]:span.ref[1]]),
                " ".join(self.forms("ocr", level)[span.ocr[0]:span.ocr[1]]))

    def ref_raw(self, span: Span) -> str:
        return _raw(self.ref_text, self.ref_tokens, *span.ref)

    def ocr_raw(self, span: Span) -> str:
        return _raw(self.ocr_text, self.ocr_tokens, *span.ocr)

    def offsets(self, span: Span) -> tuple[int, int, int, int]:
        """Raw (ref_start, ref_end, ocr_start, ocr_end); an empty side gets its insertion point."""
        return (*_bounds(self.ref_tokens, *span.ref, len(self.ref_text)),
                *_bounds(self.ocr_tokens, *span.ocr, len(self.ocr_text)))


def _raw(text: str, tokens: list[Token], i: int, j: int) -> str:
    return text[tokens[i].start:tokens[j - 1].end] if j > i else ""


def _bounds(tokens: list[Token], i: int, j: int, length: int) -> tuple[int, int]:
    if j > i:
        return tokens[i].start, tokens[j - 1].end
    point = tokens[i].start if i < len(tokens) else length
    return point, point


def _joined(tokens: list[Token], i: int, j: int) -> str:
    return " ".join(t.folded for t in tokens[i:j])


def _token_blocks(ref: list[Token], ocr: list[Token], i0: int, i1: int, j0: int, j1: int):
    """Indel opcodes over folded tokens, consecutive unequal ones merged into one gap."""
    blocks: list[tuple[str, int, int, int, int]] = []
    ops = Indel.opcodes([t.folded for t in ref[i0:i1]], [t.folded for t in ocr[j0:j1]])
    for op in ops:
        tag, a1, a2, b1, b2 = op.tag, op.src_start + i0, op.src_end + i0, op.dest_start + j0, op.dest_end + j0
        kind = "equal" if tag == "equal" else "gap"
        if kind == "gap" and blocks and blocks[-1][0] == "gap":
            _, p1, _, q1, _ = blocks[-1]
            blocks[-1] = ("gap", p1, a2, q1, b2)
        else:
            blocks.append((kind, a1, a2, b1, b2))
    return blocks


def _find_moves(ref: list[Token], ocr: list[Token], gaps: list[tuple[int, int, int, int]]):
    """Pair long runs that one copy lacks at one place with runs the other has at another."""
    ref_runs = [(k, g[0], g[1]) for k, g in enumerate(gaps) if g[1] - g[0] >= MOVE_MIN_TOKENS]
    ocr_runs = [(k, g[2], g[3]) for k, g in enumerate(gaps) if g[3] - g[2] >= MOVE_MIN_TOKENS]
    scored = []
    for kr, a1, a2 in ref_runs:
        left = [t.folded for t in ref[a1:a2]]
        for ko, b1, b2 in ocr_runs:
            if kr == ko:
                continue
            score = Indel.normalized_similarity(left, [t.folded for t in ocr[b1:b2]])
            if score >= MOVE_MIN_SIMILARITY:
                scored.append((-score, kr, ko))
    used_ref: set[int] = set()
    used_ocr: set[int] = set()
    moves = []
    for _, kr, ko in sorted(scored):
        if kr not in used_ref and ko not in used_ocr:
            used_ref.add(kr)
            used_ocr.add(ko)
            moves.append((kr, ko))
    return moves


def _matched_core(ref: list[Token], ocr: list[Token], a1: int, a2: int, b1: int, b2: int):
    """(a_start, a_end, b_start, b_end): the two runs of a move trimmed to their matched tokens."""
    ops = [op for op in Indel.opcodes([t.folded for t in ref[a1:a2]], [t.folded for t in ocr[b1:b2]])
           if op.tag == "equal"]
    if not ops:
        return None
    return (a1 + ops[0].src_start, a1 + ops[-1].src_end, b1 + ops[0].dest_start, b1 + ops[-1].dest_end)


def _around(core: tuple[int, int], start: int, end: int, moved: bool):
    """The parts of a gap side before and after its moved core (the whole side if none moved)."""
    if not moved:
        return (start, end), (end, end)
    return (start, core[0]), (core[1], end)


def _char_spans(ref: list[Token], ocr: list[Token], i0: int, i1: int, j0: int, j1: int,
                moved: bool) -> list[Span]:
    """Align a short unequal stretch by characters; linked tokens form one span."""
    if i0 == i1 or j0 == j1:
        return [Span((i0, i1), (j0, j1), moved)]
    a_owner = [k for k in range(i0, i1) for _ in range(len(ref[k].folded) + 1)][:-1]
    b_owner = [k for k in range(j0, j1) for _ in range(len(ocr[k].folded) + 1)][:-1]
    a, b = _joined(ref, i0, i1), _joined(ocr, j0, j1)
    # mark the joining spaces as owned by no token
    a_owner = [o if c != " " else -1 for o, c in zip(a_owner, a, strict=True)]
    b_owner = [o if c != " " else -1 for o, c in zip(b_owner, b, strict=True)]
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for op in Levenshtein.opcodes(a, b):
        if op.tag in ("equal", "replace"):
            for p, q in zip(range(op.src_start, op.src_end), range(op.dest_start, op.dest_end),
                            strict=False):
                if a_owner[p] >= 0 and b_owner[q] >= 0:
                    parent[find(("r", a_owner[p]))] = find(("o", b_owner[q]))
    groups: dict[tuple[str, int], list[list[int]]] = {}
    for k in range(i0, i1):
        if ("r", k) in parent:
            groups.setdefault(find(("r", k)), [[], []])[0].append(k)
    for k in range(j0, j1):
        if ("o", k) in parent:
            groups.setdefault(find(("o", k)), [[], []])[1].append(k)
    # linked groups as ranges, in order; overlapping ranges merged
    ranges = sorted((min(r), max(r) + 1, min(o), max(o) + 1) for r, o in groups.values())
    merged: list[list[int]] = []
    for a1, a2, b1, b2 in ranges:
        if merged and (a1 < merged[-1][1] or b1 < merged[-1][3]):
            merged[-1] = [merged[-1][0], max(a2, merged[-1][1]), merged[-1][2], max(b2, merged[-1][3])]
        else:
            merged.append([a1, a2, b1, b2])
    spans: list[Span] = []
    ri, oj = i0, j0
    for a1, a2, b1, b2 in [*merged, [i1, i1, j1, j1]]:
        if a1 > ri:
            spans.append(Span((ri, a1), (oj, oj), moved))
        if b1 > oj:
            spans.append(Span((a1, a1), (oj, b1), moved))
        if a2 > a1 or b2 > b1:
            spans.append(Span((a1, a2), (b1, b2), moved))
        ri, oj = max(ri, a2), max(oj, b2)
    return spans


def _align_stretch(ref: list[Token], ocr: list[Token], i0: int, i1: int, j0: int, j1: int,
                   moved: bool) -> list[Span]:
    """Spans for one stretch: token blocks first when long, characters inside the gaps."""
    if max(i1 - i0, j1 - j0) <= CHAR_ALIGN_MAX_TOKENS:
        return _char_spans(ref, ocr, i0, i1, j0, j1, moved)
    spans: list[Span] = []
    for kind, a1, a2, b1, b2 in _token_blocks(ref, ocr, i0, i1, j0, j1):
        if kind == "equal":
            spans.extend(Span((k, k + 1), (b1 + k - a1, b1 + k - a1 + 1), moved) for k in range(a1, a2))
        elif max(a2 - a1, b2 - b1) <= CHAR_ALIGN_MAX_TOKENS or a1 == a2 or b1 == b2:
            spans.extend(_char_spans(ref, ocr, a1, a2, b1, b2, moved))
        else:  # a long stretch with little in common: pair it by proportion, no deeper
            spans.append(Span((a1, a2), (b1, b2), moved))
    return spans


def align_texts(ref_text: str, ocr_text: str) -> Alignment:
    """Align a copy (``ocr_text``) with its reference, span by span, in reference order.

    Every token of both texts is in exactly one span. A span's ``region`` is ``title``
    for a leading stretch only one copy has, else ``body``; ``moved`` marks spans of a
    block the copy has at another place.

    >>> al = align_texts("Kết quả đạt được", "Ket qua dat duoc")
    >>> [(al.ref_raw(s), al.ocr_raw(s)) for s in al.spans]
    [('Kết', 'Ket'), ('quả', 'qua'), ('đạt', 'dat'), ('được', 'duoc')]
    """
    ref, ocr = tokenize(ref_text), tokenize(ocr_text)
    alignment = Alignment(ref_text, ocr_text, ref, ocr)
    blocks = _token_blocks(ref, ocr, 0, len(ref), 0, len(ocr))
    gaps = [b[1:] for b in blocks if b[0] == "gap"]
    # gap index -> core of its moved side: (start, end) of the ref side or of the OCR side
    ref_core: dict[int, tuple[int, int, int, int]] = {}
    ocr_core: dict[int, tuple[int, int]] = {}
    for kr, ko in _find_moves(ref, ocr, gaps):
        (a1, a2, _, _), (_, _, b1, b2) = gaps[kr], gaps[ko]
        core = _matched_core(ref, ocr, a1, a2, b1, b2)
        if core:
            ref_core[kr] = core
            ocr_core[ko] = core[2:]
    spans: list[Span] = []
    gap_index = -1
    for kind, a1, a2, b1, b2 in blocks:
        if kind == "equal":
            spans.extend(Span((k, k + 1), (b1 + k - a1, b1 + k - a1 + 1)) for k in range(a1, a2))
            continue
        gap_index += 1
        # What a moved block leaves at its edges (tokens it did not match) stays in its gap.
        r_lead, r_trail = _around(ref_core.get(gap_index, (a1, a1))[:2], a1, a2, gap_index in ref_core)
        o_lead, o_trail = _around(ocr_core.get(gap_index, (b1, b1)), b1, b2, gap_index in ocr_core)
        spans.extend(_align_stretch(ref, ocr, *r_lead, *o_lead, moved=False))
        if gap_index in ref_core:
            spans.extend(_align_stretch(ref, ocr, *ref_core[gap_index], moved=True))
        spans.extend(_align_stretch(ref, ocr, *r_trail, *o_trail, moved=False))
    spans = [s for s in spans if s.ref[1] > s.ref[0] or s.ocr[1] > s.ocr[0]]
    # reference order; at one reference position an insertion comes before what follows it
    spans.sort(key=lambda s: (s.ref[0], s.ref[1] > s.ref[0], s.ocr[0]))
    alignment.spans = _split_title(ref, ocr, spans)
    return alignment


def _split_title(ref: list[Token], ocr: list[Token], spans: list[Span]) -> list[Span]:
    """Find a leading block only one copy has (a title block) and align what follows it.

    The lead is everything before the first three one-to-one equal tokens. When one side of
    it has at least three times the tokens of the other, its start is the title block: the
    other side is aligned with the best-matching tail of the lead, the rest is the title.
    """
    run = 0
    for index, span in enumerate(spans):
        one_to_one = span.ref[1] - span.ref[0] == 1 and span.ocr[1] - span.ocr[0] == 1
        run = run + 1 if one_to_one and ref[span.ref[0]].folded == ocr[span.ocr[0]].folded else 0
        if run == 3:
            lead = spans[:index - 2]
            break
    else:
        return spans
    a = max((s.ref[1] for s in lead), default=0)
    b = max((s.ocr[1] for s in lead), default=0)
    if max(a, b) < TITLE_MIN_TOKENS or min(a, b) * 3 > max(a, b):
        return spans
    if b >= a:  # the copy has the title block
        tail = _joined(ref, 0, a)
        cut = min(range(b + 1), key=lambda s: (Levenshtein.distance(tail, _joined(ocr, s, b)), -s))
        head = [Span((0, 0), (0, cut), region="title")]
        rest = _char_spans(ref, ocr, 0, a, cut, b, moved=False) if a or b > cut else []
    else:  # the reference has it
        tail = _joined(ocr, 0, b)
        cut = min(range(a + 1), key=lambda s: (Levenshtein.distance(tail, _joined(ref, s, a)), -s))
        head = [Span((0, cut), (0, 0), region="title")]
        rest = _char_spans(ref, ocr, cut, a, 0, b, moved=False) if b or a > cut else []
    return head + rest + spans[len(lead):]


# --- classification --------------------------------------------------------------------

@cache
def error_classes() -> dict[str, str]:
    """The error classes, most specific first: ``{key: label}`` from the rules file."""
    data = read_yaml(config.RULES_DIR / "ocr_error_classes.yaml")
    return {entry["key"]: entry["label_en"] for entry in data["classes"]}


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
    if _fold_char(r) == _fold_char(o):
        if r in "đĐ" and o in "dD":
            return "d_stroke_lost"
        if _strip_char(r) == r or r.lower() == o.lower():  # the copy added a mark, or case only
            return "case_changed" if r.lower() == o.lower() else "wrong_diacritic"
        return "diacritic_lost" if _strip_char(o) == o else "wrong_diacritic"
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
    r_folded = "".join(_fold_char(c) or c for c in r)
    o_folded = "".join(_fold_char(c) or c for c in o)
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
            mark_before = p >= 0 and q > 0 and r[p] != o[q - 1] and _fold_char(r[p]) == _fold_char(o[q - 1])
            counts[_lone_class(o, q, "split_words", "letter_as_digit", mark_before)] += 1
    return counts


def _primary(counts: Counter) -> str:
    for key in error_classes():
        if counts.get(key):
            return key
    return ""


def _format_classes(counts: Counter) -> str:
    return ";".join(f"{key}:{counts[key]}" for key in error_classes() if counts.get(key))


# --- tables ----------------------------------------------------------------------------

def _span_row(al: Alignment, span: Span) -> dict[str, object]:
    ref_raw, ocr_raw = al.ref_raw(span), al.ocr_raw(span)
    ref_norm, ocr_norm = al.texts(span)
    has_ref, has_ocr = span.ref[1] > span.ref[0], span.ocr[1] > span.ocr[0]
    if has_ref and has_ocr:
        op = "equal" if ref_norm == ocr_norm else "replace"
    else:
        op = "delete" if has_ref else "insert"
    if span.region == "title":
        counts = Counter({"title_block": 1})
    elif op == "insert":
        counts = Counter({"inserted_text": 1})
    elif op == "delete":
        counts = Counter({"deleted_text": 1})
    else:
        counts = classify_edit(ref_norm, ocr_norm) if op == "replace" else Counter()
        if op == "replace" and not counts:
            counts = Counter({"other": 1})
    ref_start, ref_end, ocr_start, ocr_end = al.offsets(span)
    return {
        "ref_start": ref_start, "ref_end": ref_end, "ref_text": ref_raw,
        "ocr_start": ocr_start, "ocr_end": ocr_end, "ocr_text": ocr_raw,
        "op": op, "error_class": _primary(counts), "error_classes": _format_classes(counts),
        "char_edits": Levenshtein.distance(ref_norm, ocr_norm) if op != "equal" else 0,
        "folded_edits": Levenshtein.distance(*al.texts(span, "folded")) if op != "equal" else 0,
        "ref_chars": len(ref_norm), "moved": span.moved, "region": span.region,
    }


def _merge_equal(al: Alignment) -> list[Span]:
    """Consecutive exactly equal one-to-one spans merged into one span (fewer table rows)."""
    ref_words, ocr_words = al.forms("ref", "exact"), al.forms("ocr", "exact")
    merged: list[tuple[Span, bool]] = []
    for span in al.spans:
        exact = (span.ref[1] - span.ref[0] == 1 and span.ocr[1] - span.ocr[0] == 1
                 and ref_words[span.ref[0]] == ocr_words[span.ocr[0]])
        last, last_exact = merged[-1] if merged else (None, False)
        if (exact and last_exact and last.ref[1] == span.ref[0] and last.ocr[1] == span.ocr[0]
                and (last.moved, last.region) == (span.moved, span.region)):
            merged[-1] = (Span((last.ref[0], span.ref[1]), (last.ocr[0], span.ocr[1]), span.moved,
                               span.region), True)
        else:
            merged.append((span, exact))
    return [span for span, _ in merged]


def alignment_table(al: Alignment, document_id: str, ref_id: str, ocr_id: str,
                    repaired: Alignment | None = None) -> pd.DataFrame:
    """One row per aligned span (equal runs merged), in the order of the reference.

    ``repaired``, the same alignment over the repaired copy, fills ``repaired_text``.
    """
    rows = [{"document_id": document_id, "ref_source_id": ref_id, "ocr_source_id": ocr_id,
             **_span_row(al, span),
             "repaired_text": _raw(repaired.ocr_text, repaired.ocr_tokens, *span.ocr) if repaired else ""}
            for span in _merge_equal(al)]
    return pd.DataFrame(rows, columns=ALIGNMENT_COLUMNS)


# --- measurements ----------------------------------------------------------------------

def _level(text: str, level: str) -> str:
    text = " ".join(unicodedata.normalize("NFC", text).split())
    if level == "exact":
        return text
    text = strip_diacritics(text)
    return text.lower() if level == "folded" else text


def error_rate(ref: str, ocr: str, unit: str = "char", level: str = "exact") -> tuple[int, int]:
    """(edits, reference length) for a character or word error rate at a folding level.

    ``level``: ``exact`` (NFC, white space collapsed), ``no_diacritics`` (also marks
    removed and ``đ`` → ``d``) or ``folded`` (also lower case). ``unit``: ``char`` or ``word``.
    Raises ValueError on an unknown level or unit.

    >>> error_rate("Đã thực hiện", "D3 thuc hién")
    (4, 12)
    >>> error_rate("Đã thực hiện", "D3 thuc hién", level="folded")
    (1, 12)
    >>> error_rate("Đã thực hiện", "D3 thuc hién", unit="word", level="folded")
    (1, 3)
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    if unit not in ("char", "word"):
        raise ValueError(f"unit must be 'char' or 'word', not {unit!r}")
    a, b = _level(ref, level), _level(ocr, level)
    if unit == "word":
        a_words, b_words = a.split(), b.split()
        return Levenshtein.distance(a_words, b_words), len(a_words)
    return Levenshtein.distance(a, b), len(a)


def _span_rates(al: Alignment, spans: list[Span], level: str) -> tuple[int, int, int, int]:
    """Character and word edits summed over spans (moved blocks counted where they are)."""
    char_edits = word_edits = 0
    ref_forms, ocr_forms = al.forms("ref", level), al.forms("ocr", level)
    for span in spans:
        a_words, b_words = ref_forms[span.ref[0]:span.ref[1]], ocr_forms[span.ocr[0]:span.ocr[1]]
        if a_words != b_words:
            char_edits += Levenshtein.distance(" ".join(a_words), " ".join(b_words))
            word_edits += Levenshtein.distance(a_words, b_words)
    ref_words = len(ref_forms)
    return char_edits, len(" ".join(ref_forms)), word_edits, ref_words


def _footnote_markers(text: str) -> list[tuple[int, int, int, str]]:
    """(number, start, end, word) of markers glued to lower-case words, numbered 1, 2, 3, ..."""
    markers = []
    expected = 1
    for match in MARKER.finditer(text):
        if int(match.group(1)) != expected or not text[match.start(1) - 1].islower():
            continue
        word_start, word_end = match.start(1), match.end(1)
        while word_start > 0 and not text[word_start - 1].isspace():
            word_start -= 1
        while word_end < len(text) and not text[word_end].isspace():
            word_end += 1
        markers.append((expected, match.start(1), match.end(1), text[word_start:word_end]))
        expected += 1
    return markers


def _footnote_bodies(lines: list[tuple[int, str]]) -> dict[int, tuple[int, int, int]]:
    """{number: (first line, last line, start offset)} of numbered footnote lines."""
    bodies: dict[int, tuple[int, int, int]] = {}
    for index, (offset, line) in enumerate(lines):
        found = FOOTNOTE_LINE.match(line)
        if not found or not line[found.end()].isupper() or int(found.group(1)) in bodies:
            continue
        last = index
        for k in range(index, min(index + 8, len(lines))):
            last = k
            next_is_note = k + 1 < len(lines) and FOOTNOTE_LINE.match(lines[k + 1][1]) is not None
            if lines[k][1].rstrip().endswith(TERMINAL) or next_is_note:
                break
        bodies[int(found.group(1))] = (index, last, offset + found.start(1))
    return bodies


def _continuations(lines: list[tuple[int, str]], bodies: dict[int, tuple[int, int, int]]) -> dict[int, tuple]:
    """{number: (first line, last line)} of footnotes continued after a page break.

    A footnote that does not end a sentence continues on the next page, after that page's
    footnotes: a line that starts in lower case right after another footnote and is as long
    as footnote lines are (smaller print: longer lines than the body's).
    """
    in_notes = {k for first, last, _ in bodies.values() for k in range(first, last + 1)}
    full = [len(lines[k][1].strip()) for k in in_notes if not lines[k][1].rstrip().endswith(TERMINAL)]
    other = [len(line.strip()) for k, (_, line) in enumerate(lines) if k not in in_notes]
    if not full or not other:
        return {}
    threshold = (statistics.median(full) + statistics.median(other)) / 2
    open_notes = [n for n, (_, last, _) in sorted(bodies.items(), key=lambda item: item[1])
                  if not lines[last][1].rstrip().endswith(TERMINAL)]
    found: dict[int, tuple[int, int]] = {}
    for _, last, _ in sorted(bodies.values()):
        k = last + 1
        if k >= len(lines) or not open_notes:
            continue
        line = lines[k][1].strip()
        if line[:1].islower() and len(line) >= threshold:
            end = next((j for j in range(k, min(k + 8, len(lines)))
                        if lines[j][1].rstrip().endswith(TERMINAL)), k)
            found[open_notes.pop(0)] = (k, end)
    return found


def find_footnotes(text: str) -> list[dict[str, object]]:
    """Footnotes of a PDF text layer: markers glued to words and numbered footnote lines.

    Markers are one or two digits glued to a lower-case word (``thành phố1;``), taken in
    the order 1, 2, 3, ...; a footnote's text starts on a line ``N Capitalised ...`` and
    runs to the first line that ends a sentence or to the next footnote; a footnote cut by
    a page break is joined with its continuation (see :func:`_continuations`). Returns one
    record per marker, with ``body_start`` = -1 when no footnote line was found and
    ``continued_start`` = -1 when the footnote is not continued elsewhere.

    >>> notes = find_footnotes("trên địa bàn thành phố1; đến nay\\n1 Các tuyến đường 2a.\\nTiếp")
    >>> [(n["number"], n["marker_text"], n["body_text"]) for n in notes]
    [(1, 'phố1;', '1 Các tuyến đường 2a.')]
    """
    lines = [(m.start(), m.group()) for m in re.finditer(r"[^\n]*", text) if m.group().strip()]
    bodies = _footnote_bodies(lines)
    continued = _continuations(lines, bodies)

    def end_of(k: int) -> int:
        return lines[k][0] + len(lines[k][1].rstrip())

    notes = []
    for number, m_start, m_end, word in _footnote_markers(text):
        note = {"number": number, "marker_start": m_start, "marker_end": m_end, "marker_text": word,
                "body_start": -1, "body_end": -1, "continued_start": -1, "continued_end": -1, "body_text": ""}
        if number in bodies:
            _, last, start = bodies[number]
            note.update(body_start=start, body_end=end_of(last))
            note["body_text"] = " ".join(text[start:end_of(last)].split())
        if number in continued:
            first, last = continued[number]
            start = lines[first][0] + len(lines[first][1]) - len(lines[first][1].lstrip())
            note.update(continued_start=start, continued_end=end_of(last))
            note["body_text"] += " " + " ".join(text[start:end_of(last)].split())
        notes.append(note)
    return notes


def find_repeated_passages(text: str, min_tokens: int = REPEAT_MIN_TOKENS) -> list[dict[str, int]]:
    """Passages of at least ``min_tokens`` folded words that occur twice in ``text``.

    Runs of equal folded words are found from shared seeds of four words and extended;
    runs at about the same distance (three words either way) separated by up to six
    differing words (OCR noise) are joined. Returns the first and second occurrence as raw
    offsets, longest first.

    >>> text = "a b c d e f g h i j k l m n " * 2
    >>> [(p["first_start"], p["second_start"], p["tokens"]) for p in find_repeated_passages(text)]
    [(0, 28, 14)]
    """
    tokens = tokenize(text)
    words = [t.folded for t in tokens]
    seeds: dict[tuple[str, ...], list[int]] = {}
    for k in range(len(words) - REPEAT_SEED + 1):
        seeds.setdefault(tuple(words[k:k + REPEAT_SEED]), []).append(k)
    found: set[tuple[int, int, int]] = set()  # (start, end, distance) of exact runs
    for positions in seeds.values():
        for i, p in enumerate(positions):
            for q in positions[i + 1:]:
                if p > 0 and words[p - 1] == words[q - 1]:
                    continue  # not the start of a run
                length = 0
                while q + length < len(words) and p + length < q and words[p + length] == words[q + length]:
                    length += 1
                found.add((p, p + length, q - p))
    joined: list[tuple[int, int, int]] = []
    for start, end, distance in sorted(found):
        for n, (j_start, j_end, j_distance) in enumerate(joined):
            near = j_end - REPEAT_GAP <= start <= j_end + REPEAT_GAP
            if near and abs(j_distance - distance) <= REPEAT_SLACK:
                joined[n] = (j_start, max(j_end, end), j_distance)
                break
        else:
            joined.append((start, end, distance))
    passages = []
    for start, end, distance in joined:
        if end - start >= min_tokens:
            passages.append({
                "first_start": tokens[start].start, "first_end": tokens[end - 1].end,
                "second_start": tokens[start + distance].start,
                "second_end": tokens[min(end + distance, len(tokens)) - 1].end,
                "tokens": end - start,
            })
    return sorted(passages, key=lambda p: (-p["tokens"], p["first_start"]))


def _token_index(tokens: list[Token], offset: int) -> int:
    """Index of the token holding raw ``offset`` (binary search), or -1."""
    lo, hi = 0, len(tokens)
    while lo < hi:
        mid = (lo + hi) // 2
        if tokens[mid].end <= offset:
            lo = mid + 1
        else:
            hi = mid
    return lo if lo < len(tokens) and tokens[lo].start <= offset else -1


def _span_of_ref_token(al: Alignment) -> dict[int, Span]:
    return {k: span for span in al.spans for k in range(*span.ref)}


def _numbers(al: Alignment, by_token: dict[int, Span], markers: set[int]) -> list[dict[str, object]]:
    """Every digit group of the reference and what the aligned copy has at its place."""
    rows = []
    consumed: dict[Span, Counter] = {}
    for match in NUMBER.finditer(al.ref_text):
        if match.start() in markers:
            continue
        k = _token_index(al.ref_tokens, match.start())
        span = by_token.get(k)
        ocr_raw = al.ocr_raw(span) if span else ""
        available = consumed.setdefault(span, Counter(NUMBER.findall(ocr_raw))) if span else Counter()
        if span is None or span.ocr[0] == span.ocr[1]:
            status = "unaligned"
        elif available[match.group()] > 0:
            available[match.group()] -= 1
            status = "identical"
        elif NUMBER.search(ocr_raw):
            status = "changed"
        else:
            status = "lost"
        _, _, ocr_start, ocr_end = al.offsets(span) if span else (0, 0, -1, -1)
        rows.append({"ref_start": match.start(), "ref_end": match.end(), "ref_number": match.group(),
                     "ocr_start": ocr_start, "ocr_end": ocr_end, "ocr_text": ocr_raw,
                     "status": status, "moved": bool(span and span.moved)})
    return rows


def _spurious_numbers(al: Alignment) -> int:
    """Digit groups in the copy whose aligned reference text has none (letters read as digits)."""
    count = 0
    for span in al.spans:
        if span.region == "body" and span.ocr[1] > span.ocr[0]:
            count += max(len(DIGITS.findall(al.ocr_raw(span))) - len(DIGITS.findall(al.ref_raw(span))), 0)
    return count


def repair_text(al: Alignment) -> str:
    """The copy with the reference's characters wherever the folded characters agree.

    The copy's own characters are kept where the folded forms disagree (a digit read for
    a letter stays a digit), and so are its layout, its title block and its order.

    >>> repair_text(align_texts("Đã thực hiện số 3", "D3 thuc hien s6 3"))
    'Đ3 thực hiện s6 3'
    """
    replace: dict[int, tuple[int, str]] = {}
    for span in al.spans:
        if span.ref[0] == span.ref[1] or span.ocr[0] == span.ocr[1]:
            continue
        a_chars = [(c, t.chars[n], t.chars[n + 1] if n + 1 < len(t.folded) else t.end)
                   for t in al.ref_tokens[span.ref[0]:span.ref[1]] for n, c in enumerate(t.folded + " ")]
        b_chars = [(c, t.chars[n], t.chars[n + 1] if n + 1 < len(t.folded) else t.end)
                   for t in al.ocr_tokens[span.ocr[0]:span.ocr[1]] for n, c in enumerate(t.folded + " ")]
        a = "".join(c for c, _, _ in a_chars)
        b = "".join(c for c, _, _ in b_chars)
        if a == b:  # the usual case: only marks or case differ
            pairs = zip(range(len(a)), range(len(b)), strict=True)
        else:
            pairs = ((p, q) for op in Levenshtein.opcodes(a, b) if op.tag == "equal"
                     for p, q in zip(range(op.src_start, op.src_end), range(op.dest_start, op.dest_end),
                                     strict=True))
        for p, q in pairs:
            if a[p] == " ":
                continue
            _, r1, r2 = a_chars[p]
            _, o1, o2 = b_chars[q]
            if al.ref_text[r1:r2] != al.ocr_text[o1:o2]:
                replace[o1] = (o2, unicodedata.normalize("NFC", al.ref_text[r1:r2]))
    out = []
    position = 0
    for start in sorted(replace):
        end, text = replace[start]
        out.append(al.ocr_text[position:start])
        out.append(text)
        position = end
    out.append(al.ocr_text[position:])
    return "".join(out)


def _metric(rows, pair, metric, level, scope, copy, errors, total):
    rows.append({**pair, "metric": metric, "level": level, "scope": scope, "copy": copy,
                 "value": round(errors / total, 6) if total else 0.0, "errors": errors, "total": total})


def measure_pair(ref: Source, ocr: Source) -> dict[str, object]:
    """Align one copy with its reference and compute every table of the chapter.

    Returns ``{"alignment", "metrics", "classes", "numbers", "footnotes", "repeats"}``
    as DataFrames and ``"repaired"``, the repaired text of the copy.
    """
    pair = {"document_id": ref.document_id, "ref_source_id": ref.source_id, "ocr_source_id": ocr.source_id}
    al = align_texts(ref.text, ocr.text)
    repaired = repair_text(al)
    # The repair never touches white space, so the repaired copy keeps the copy's tokens
    # and the same spans align it.
    repaired_tokens = tokenize(repaired)
    same_tokens = len(repaired_tokens) == len(al.ocr_tokens)
    repaired_al = (Alignment(ref.text, repaired, al.ref_tokens, repaired_tokens, al.spans)
                   if same_tokens else align_texts(ref.text, repaired))
    table = alignment_table(al, ref.document_id, ref.source_id, ocr.source_id,
                            repaired_al if same_tokens else None)
    metrics: list[dict[str, object]] = []
    # Whole texts, as any Levenshtein implementation counts them (moves cost twice).
    for copy, text, levels in (("ocr", ocr.text, ("exact", "folded")), ("repaired", repaired, ("exact",))):
        for level in levels:
            for unit, metric in (("char", "cer"), ("word", "wer")):
                edits, total = error_rate(ref.text, text, unit, level)
                _metric(metrics, pair, metric, level, "document", copy, edits, total)
    # Along the alignment: title block left out, moved blocks compared where they are.
    for copy, aln in (("ocr", al), ("repaired", repaired_al)):
        spans = [s for s in aln.spans if s.region == "body"]
        for level in LEVELS:
            c_edits, c_total, w_edits, w_total = _span_rates(aln, spans, level)
            _metric(metrics, pair, "cer", level, "aligned", copy, c_edits, c_total)
            _metric(metrics, pair, "wer", level, "aligned", copy, w_edits, w_total)
    title = [s for s in al.spans if s.region == "title"]
    if title:
        side_text = ocr.text if title[0].ocr[1] > title[0].ocr[0] else ref.text
        title_chars = sum(len(al.ocr_raw(s)) + len(al.ref_raw(s)) for s in title)
        _metric(metrics, pair, "title_block_chars", "exact", "document",
                "ocr" if side_text is ocr.text else "ref", title_chars, len(side_text))
    notes = find_footnotes(ref.text)
    markers = {n["marker_start"] for n in notes}
    by_token = _span_of_ref_token(al)
    numbers = pd.DataFrame([{**pair, **row} for row in _numbers(al, by_token, markers)],
                           columns=NUMBER_COLUMNS)
    identical = int((numbers["status"] == "identical").sum())
    _metric(metrics, pair, "numbers_identical", "exact", "aligned", "ocr", identical, len(numbers))
    _metric(metrics, pair, "numbers_spurious", "exact", "aligned", "ocr", _spurious_numbers(al),
            len(DIGITS.findall(ocr.text)))
    moved_chars = sum(len(al.ref_raw(s)) for s in al.spans if s.moved)
    _metric(metrics, pair, "moved_chars", "exact", "document", "ref", moved_chars, len(ref.text))
    footnotes = pd.DataFrame(_footnote_rows(al, by_token, notes, pair), columns=FOOTNOTE_COLUMNS)
    repeats = pd.DataFrame(
        [{**pair, "source_id": source.source_id, **p, "text": " ".join(source.text[
            p["first_start"]:p["first_end"]].split())}
         for source in (ref, ocr) for p in find_repeated_passages(source.text)],
        columns=REPEAT_COLUMNS)
    return {"alignment": table, "metrics": pd.DataFrame(metrics, columns=METRIC_COLUMNS),
            "classes": _class_table(table, pair), "numbers": numbers, "footnotes": footnotes,
            "repeats": repeats, "repaired": repaired}


METRIC_COLUMNS = ["document_id", "ref_source_id", "ocr_source_id", "metric", "level", "scope", "copy",
                  "value", "errors", "total"]
FOOTNOTE_COLUMNS = ["document_id", "ref_source_id", "ocr_source_id", "number", "ref_marker_start",
                    "ref_marker_text", "ocr_marker_start", "ocr_marker_text", "marker_survived",
                    "ref_body_start", "ref_body_end", "ref_continued_start", "ocr_body_start", "ocr_body_end",
                    "ocr_continued_start", "ref_body_text", "ocr_body_text", "body_moved"]
_PAIR = ["document_id", "ref_source_id", "ocr_source_id"]
NUMBER_COLUMNS = [*_PAIR, "ref_start", "ref_end", "ref_number", "ocr_start", "ocr_end", "ocr_text", "status",
                  "moved"]
REPEAT_COLUMNS = [*_PAIR, "source_id", "first_start", "first_end", "second_start", "second_end", "tokens",
                  "text"]
CLASS_COLUMNS = ["document_id", "ref_source_id", "ocr_source_id", "error_class", "label", "spans",
                 "primary_spans", "char_edits"]


def _ocr_range(al: Alignment, by_token: dict[int, Span], start: int, end: int) -> tuple[int, int, bool]:
    """The copy's raw (start, end) aligned with the reference's [start, end), and if moved."""
    if start < 0:
        return -1, -1, False
    first = by_token.get(_token_index(al.ref_tokens, start))
    last = by_token.get(_token_index(al.ref_tokens, end - 1))
    if not first or not last or al.offsets(last)[3] <= al.offsets(first)[2]:
        return -1, -1, False
    return al.offsets(first)[2], al.offsets(last)[3], first.moved


def _footnote_rows(al: Alignment, by_token: dict[int, Span], notes, pair) -> list[dict[str, object]]:
    rows = []
    for note in notes:
        span = by_token.get(_token_index(al.ref_tokens, note["marker_start"]))
        ocr_marker = al.ocr_raw(span) if span else ""
        ocr_marker_start = al.offsets(span)[2] if span and span.ocr[1] > span.ocr[0] else -1
        digits = re.sub(r"\D", "", al.ref_text[note["marker_start"]:note["marker_end"]])
        survived = bool(re.search(rf"[^\W\d_]\d*{digits}(?!\d)\W*$", ocr_marker))
        start, end, moved = _ocr_range(al, by_token, note["body_start"], note["body_end"])
        cont_start, cont_end, _ = _ocr_range(al, by_token, note["continued_start"], note["continued_end"])
        ocr_text = " ".join(al.ocr_text[start:end].split()) if start >= 0 else ""
        if cont_start >= 0:
            ocr_text += " " + " ".join(al.ocr_text[cont_start:cont_end].split())
        rows.append({**pair, "number": note["number"], "ref_marker_start": note["marker_start"],
                     "ref_marker_text": note["marker_text"], "ocr_marker_start": ocr_marker_start,
                     "ocr_marker_text": ocr_marker, "marker_survived": survived,
                     "ref_body_start": note["body_start"], "ref_body_end": note["body_end"],
                     "ref_continued_start": note["continued_start"], "ocr_body_start": start,
                     "ocr_body_end": end, "ocr_continued_start": cont_start,
                     "ref_body_text": note["body_text"], "ocr_body_text": ocr_text, "body_moved": moved})
    return rows


def _class_table(table: pd.DataFrame, pair: dict[str, str]) -> pd.DataFrame:
    spans: Counter = Counter()
    chars: Counter = Counter()
    for value in table["error_classes"]:
        for item in filter(None, str(value).split(";")):
            key, count = item.rsplit(":", 1)
            spans[key] += 1
            chars[key] += int(count)
    primary = Counter(table["error_class"])
    rows = [{**pair, "error_class": key, "label": label, "spans": spans[key],
             "primary_spans": primary.get(key, 0), "char_edits": chars[key]}
            for key, label in error_classes().items()]
    return pd.DataFrame(rows, columns=CLASS_COLUMNS)


# --- all declared pairs ------------------------------------------------------------------

def copy_pairs(sources: list[Source]) -> list[tuple[Source, Source]]:
    """(reference, copy) for every copy of a document declared in the manifest.

    Sources with the same ``document_id`` are copies of one document; the first of them
    (manifest order) whose text layer is not ``ocr`` is the reference, or the first of all.
    """
    groups: dict[str, list[Source]] = {}
    for source in sources:
        groups.setdefault(source.document_id, []).append(source)
    pairs = []
    for members in groups.values():
        if len(members) < 2:
            continue
        ref = next((s for s in members if not s.is_ocr), members[0])
        pairs.extend((ref, other) for other in members if other is not ref)
    return pairs


def repaired_name(source_id: str) -> str:
    """File name of a copy's repaired text in ``data/processed/``.

    >>> repaired_name("appendix-ocr")
    'appendix-ocr.repaired.txt'
    """
    return f"{source_id}.repaired.txt"


OUTPUT_TABLES = {
    "alignment": ("ocr_alignment.csv", ALIGNMENT_COLUMNS),
    "metrics": ("ocr_metrics.csv", METRIC_COLUMNS),
    "classes": ("ocr_error_classes.csv", CLASS_COLUMNS),
    "numbers": ("ocr_numbers.csv", NUMBER_COLUMNS),
    "footnotes": ("ocr_footnotes.csv", FOOTNOTE_COLUMNS),
    "repeats": ("ocr_repeats.csv", REPEAT_COLUMNS),
}


def align_sources(sources: list[Source]) -> dict[str, object]:
    """Every output of the alignment stage: ``{file name in data/processed: content}``."""
    results = [measure_pair(ref, ocr) for ref, ocr in copy_pairs(sources)]
    outputs: dict[str, object] = {}
    for key, (name, columns) in OUTPUT_TABLES.items():
        frames = [r[key] for r in results]
        outputs[name] = (pd.concat(frames, ignore_index=True) if frames
                         else pd.DataFrame(columns=columns))
    for (_, ocr), result in zip(copy_pairs(sources), results, strict=True):
        outputs[repaired_name(ocr.source_id)] = result["repaired"]
    return outputs


def stage_alignment(sources: list[Source], inputs: dict[str, object]) -> dict[str, object]:
    """Pipeline stage: the OCR tables and the repaired copies (see the module docstring)."""
    return align_sources(sources)


def main(argv: list[str] | None = None) -> int:
    """CLI: print the character error rates of every declared copy pair."""
    try:
        sources = load_sources()
    except SonlaError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for ref, ocr in copy_pairs(sources):
        metrics = measure_pair(ref, ocr)["metrics"]
        print(metrics.to_string(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
