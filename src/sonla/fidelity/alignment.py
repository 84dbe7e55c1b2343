"""Aligning a copy of a document with its reference, span by span.

1. Both texts are *folded* (:func:`~sonla.text.fold.fold_with_offsets`): tone and vowel marks
   removed, ``đ`` → ``d``, lower case, every run of white space → one space, with a map from
   each folded character back to its raw offset, so that every aligned span points into the
   raw files.
2. Folded word tokens are aligned with rapidfuzz's Indel (longest common subsequence)
   opcodes; long runs one copy has at a different place (footnotes that a page break put
   elsewhere) are found and aligned where they are (*moved* blocks).
3. Inside every unequal stretch the folded characters are aligned with rapidfuzz's
   Levenshtein opcodes and the tokens linked through them become one aligned span, so
   merged and split words stay together.
4. A leading stretch only one copy has is its *title block*.

:func:`repair_text` then takes the reference's characters wherever the folded forms agree.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz.distance import Indel, Levenshtein

from ..text.fold import fold_with_offsets, strip_diacritics

__all__ = ["Token", "tokenize", "Span", "Alignment", "align_texts", "repair_text", "token_index", "LEVELS"]

# A run of at least this many tokens that one copy has elsewhere may be a moved block, and
# it is one when at least this share of its folded tokens match the run it is paired with.
MOVE_MIN_TOKENS = 8
MOVE_MIN_SIMILARITY = 0.5
# Stretches longer than this (tokens, either side) are aligned by tokens before characters.
CHAR_ALIGN_MAX_TOKENS = 40
# A leading stretch of at least this many tokens only one copy has is a title block.
TITLE_MIN_TOKENS = 3
# Folding levels of a comparison (see sonla.fidelity.measures.error_rate).
LEVELS = ("exact", "no_diacritics", "folded")


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
    folded, offsets = fold_with_offsets(text)
    tokens = []
    position = 0
    for word in folded.split(" ") if folded else []:
        end = position + len(word)
        tokens.append(Token(offsets[position], offsets[end], word, tuple(offsets[position:end + 1])))
        position = end + 1
    return tuple(tokens)


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


def token_index(tokens: list[Token], offset: int) -> int:
    """Index of the token holding raw ``offset`` (binary search), or -1."""
    lo, hi = 0, len(tokens)
    while lo < hi:
        mid = (lo + hi) // 2
        if tokens[mid].end <= offset:
            lo = mid + 1
        else:
            hi = mid
    return lo if lo < len(tokens) and tokens[lo].start <= offset else -1


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
