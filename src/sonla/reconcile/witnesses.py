"""Independent witnesses: how many sources really stand behind a set of claims.

Two claims are one witness when they belong to one document (the same ``document_id``: the
copies of a document are one document), or when they stand at the same place of a passage one
document copies from another (``dependence.csv``, :mod:`sonla.fidelity.dependence`): a number
copied with its sentence is one statement repeated, not a second observation (after Dong,
Berti-Équille & Srivastava, VLDB 2009). :func:`copied_claims` pairs the claims of every copied
passage through a word alignment of its two sides; :func:`count_witnesses` counts the connected
groups of a set of claims.

A copied passage may still change a number (a copy error, or a rounding): the two claims are one
witness all the same — what they agree on rests on one observation, and where they disagree the
copy is the suspect.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable

import pandas as pd
from rapidfuzz.distance import Levenshtein

from ..fidelity.dependence import words_of
from ..sources import Source
from .rows import Row

__all__ = ["copied_claims", "count_witnesses", "witness_groups"]

# How far (in words) a claim may stand from the place its counterpart maps to.
MAX_WORD_SHIFT = 2


def _word_map(words_a: list[str], words_b: list[str]) -> list[int]:
    """For each word of side a, the index of the word of side b at the same place."""
    mapped = [0] * len(words_a)
    for op in Levenshtein.opcodes(words_a, words_b):
        length_a = op.src_end - op.src_start
        length_b = op.dest_end - op.dest_start
        for k in range(length_a):
            if op.tag == "equal":
                mapped[op.src_start + k] = op.dest_start + k
            elif length_b:
                mapped[op.src_start + k] = op.dest_start + min(length_b - 1, k * length_b // length_a)
            else:
                mapped[op.src_start + k] = op.dest_start
    return mapped


def copied_claims(claims: pd.DataFrame, passages: pd.DataFrame,
                  texts: dict[str, Source]) -> dict[str, set[str]]:
    """{claim_id: claim_ids of other documents that stand at the same place of a copied passage}.

    ``claims`` needs ``claim_id``, ``source_id`` and ``start``; ``passages`` is ``dependence.csv``.
    A claim of side a is paired with the claim of side b whose first word is nearest to the word
    its own first word aligns with, at most :data:`MAX_WORD_SHIFT` words away.
    """
    pairs: dict[str, set[str]] = {}
    if passages is None or passages.empty or claims.empty:
        return pairs
    by_source: dict[str, tuple[list[int], list[str]]] = {}
    for source_id, group in claims.sort_values(["source_id", "start"]).groupby("source_id", sort=False):
        by_source[str(source_id)] = ([int(s) for s in group["start"]], [str(c) for c in group["claim_id"]])
    for p in passages.itertuples(index=False):
        side_a = _inside(by_source.get(p.source_a), int(p.a_start), int(p.a_end))
        side_b = _inside(by_source.get(p.source_b), int(p.b_start), int(p.b_end))
        if not side_a or not side_b:
            continue
        words_a, spans_a = words_of(texts[p.source_a].text[int(p.a_start):int(p.a_end)])
        words_b, spans_b = words_of(texts[p.source_b].text[int(p.b_start):int(p.b_end)])
        if not words_a or not words_b:
            continue
        mapped = _word_map(words_a, words_b)
        starts_a = [s for s, _ in spans_a]
        starts_b = [s for s, _ in spans_b]
        b_words = [(_word_at(starts_b, start - int(p.b_start)), cid) for start, cid in side_b]
        for start, cid in side_a:
            target = mapped[min(len(mapped) - 1, _word_at(starts_a, start - int(p.a_start)))]
            best = min(b_words, key=lambda w: (abs(w[0] - target), w[1]))
            if abs(best[0] - target) <= MAX_WORD_SHIFT:
                pairs.setdefault(cid, set()).add(best[1])
                pairs.setdefault(best[1], set()).add(cid)
    return pairs


def _inside(claims: tuple[list[int], list[str]] | None, start: int, end: int) -> list[tuple[int, str]]:
    if not claims:
        return []
    starts, ids = claims
    lo, hi = bisect_left(starts, start), bisect_left(starts, end)
    return list(zip(starts[lo:hi], ids[lo:hi], strict=True))


def _word_at(starts: list[int], offset: int) -> int:
    """The index of the word that holds (or precedes) a character offset."""
    return max(0, bisect_right(starts, offset) - 1)


def witness_groups(claim_ids: Iterable[str], document_of: dict[str, str],
                   copied: dict[str, set[str]]) -> list[list[str]]:
    """The claims grouped into independent witnesses (each group sorted, groups by first id).

    >>> docs = {"r-1": "report", "a-1": "appendix", "a-2": "appendix", "n-1": "news"}
    >>> witness_groups(["r-1", "a-1", "n-1"], docs, {"r-1": {"a-1"}, "a-1": {"r-1"}})
    [['a-1', 'r-1'], ['n-1']]
    >>> witness_groups(["r-1", "a-2", "n-1"], docs, {"r-1": {"a-1"}, "a-1": {"r-1"}})
    [['a-2'], ['n-1'], ['r-1']]
    """
    ids = sorted(set(claim_ids))
    parent = {c: c for c in ids}

    def root(c: str) -> str:
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    def join(a: str, b: str) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    first_of_document: dict[str, str] = {}
    for c in ids:
        doc = document_of.get(c, c)
        if doc in first_of_document:
            join(c, first_of_document[doc])
        else:
            first_of_document[doc] = c
        for other in copied.get(c, ()):
            if other in parent:
                join(c, other)
    groups: dict[str, list[str]] = {}
    for c in ids:
        groups.setdefault(root(c), []).append(c)
    return sorted(groups.values())


def count_witnesses(claims: Iterable[Row | str], document_of: dict[str, str],
                    copied: dict[str, set[str]]) -> int:
    """The number of independent witnesses among ``claims`` (rows or claim ids)."""
    ids = [c if isinstance(c, str) else str(c["claim_id"]) for c in claims]
    return len(witness_groups(ids, document_of, copied))
