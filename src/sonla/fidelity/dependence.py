"""Source dependence: passages one document copies from another.

Sources that copy each other agree without being independent evidence (Dong, Berti-Équille &
Srivastava, "Integrating conflicting data: the role of source dependence", VLDB 2009). This
module finds the textual side of that dependence: near-verbatim runs of words that two
*different* documents share. Copies of one document (the same ``document_id``) are dependent
by declaration and are not searched; each document is read in its reference copy
(:func:`~sonla.fidelity.copies.reference_ids`).

How (linear in the text that is actually shared, never all pairs of the corpus):

1. **Index once.** Every text is folded (:func:`~sonla.text.fold.fold`: lower case, no marks,
   same length, so offsets stay raw offsets) and cut into words; every run of ``shingle`` words
   is a *shingle*, indexed once. A shingle found in more than ``max_documents`` documents is
   boilerplate (a set phrase of the genre) and seeds nothing.
2. **Candidate pairs.** A shingle shared by two documents is a *seed* (i in A, j in B); only
   pairs of documents that share a seed are candidates (:func:`candidate_pairs`).
3. **Runs.** Per candidate pair, seeds are merged into runs along a diagonal (j − i), allowing
   gaps of up to ``max_gap`` words and a drift of the diagonal of up to ``max_drift`` words
   (a word inserted, dropped or changed) (:func:`pair_passages`).
4. **Verified.** A run of at least ``min_words`` words whose two sides have an Indel similarity
   (rapidfuzz, over words) of at least ``min_similarity`` is a *copied passage*.

The work per pair is independent of the other pairs: :func:`dependence_tasks` lists them and
:func:`pair_passages` runs one, so an engine can spread the pairs over workers and
:func:`dependence_table` gathers them in a fixed order.

Direction: the dates of the manifest decide which document is the earlier one when they can
(:func:`date_order`: dates compared as intervals, "2025" against "2025-07" does not decide); a
later document may copy the earlier one, or both may copy a common source. Shared values and
shared errors, the other signals of copying in Dong et al., are not used here.

Run ``python -m sonla.fidelity.dependence`` to print the shares copied between the sources.
"""

from __future__ import annotations

import calendar
import re
import sys
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd
from rapidfuzz.distance import Indel

from ..errors import SonlaError
from ..schema import DEPENDENCE
from ..sources import Source, load_sources
from ..text.fold import fold
from .copies import reference_ids

__all__ = ["DependenceParams", "Passage", "PairTask", "date_span", "date_order", "words_of",
           "candidate_pairs", "dependence_tasks", "pair_passages", "copied_passages", "dependence_table",
           "stage_dependence"]

WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class DependenceParams:
    """What counts as a copied passage.

    ``shingle``: words per shingle (the seed length); ``min_words``: shortest passage (in words of
    the first document); ``max_gap``: words a run may skip between seeds; ``max_drift``: how far
    the diagonal of a run may move (words inserted or dropped on one side); ``min_similarity``:
    lowest Indel similarity of the two sides' words; ``max_documents``: a shingle in more
    documents than this is boilerplate and seeds nothing.
    """

    shingle: int = 6
    min_words: int = 12
    max_gap: int = 6
    max_drift: int = 3
    min_similarity: float = 0.8
    max_documents: int = 20


@dataclass(frozen=True)
class Passage:
    """A copied passage: offsets in both raw texts (end exclusive), words, similarity."""

    a: str
    b: str
    a_start: int
    a_end: int
    b_start: int
    b_end: int
    words_a: int
    words_b: int
    similarity: float


@dataclass(frozen=True)
class PairTask:
    """One candidate pair of documents (reference copies) and the seeds they share."""

    a: str
    b: str
    seeds: tuple[tuple[int, int], ...]


# --------------------------------------------------------------------------- dates

def date_span(text: str) -> tuple[date, date] | None:
    """The first and last day a manifest date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) can mean.

    >>> date_span("2025-07")
    (datetime.date(2025, 7, 1), datetime.date(2025, 7, 31))
    >>> date_span("2025")[1], date_span("undated")
    (datetime.date(2025, 12, 31), None)
    """
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", str(text or "").strip())
    if not match:
        return None
    year = int(match.group(1))
    if match.group(3):
        day = date(year, int(match.group(2)), int(match.group(3)))
        return day, day
    if match.group(2):
        month = int(match.group(2))
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    return date(year, 1, 1), date(year, 12, 31)


def date_order(a: str, b: str) -> int | None:
    """-1 when date ``a`` is surely earlier than ``b``, 1 when surely later, 0 when the dates can
    be the same day (one interval holds the other or they overlap), None when one is unknown.

    >>> date_order("2024-12", "2025"), date_order("2025", "2025-07"), date_order("2025-07", "2025-03")
    (-1, 0, 1)
    """
    sa, sb = date_span(a), date_span(b)
    if sa is None or sb is None:
        return None
    if sa[1] < sb[0]:
        return -1
    if sb[1] < sa[0]:
        return 1
    return 0


# --------------------------------------------------------------------------- seeds

def words_of(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    """The folded words of a raw text and their raw character spans.

    >>> words_of("Đạt 70,5%")
    (['dat', '70', '5'], [(0, 3), (4, 6), (7, 8)])
    """
    found = list(WORD.finditer(fold(text)))
    return [m.group(0) for m in found], [m.span() for m in found]


@lru_cache(maxsize=1024)
def _words(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    """:func:`words_of`, computed once per text for all the pairs it belongs to."""
    return words_of(text)


def _texts(sources: list[Source]) -> list[Source]:
    """The reference copy of every document, in manifest order."""
    refs = reference_ids(sources)
    return [s for s in sources if s.source_id in refs]


def shingle_hashes(ids: np.ndarray, k: int) -> np.ndarray:
    """A 64-bit rolling hash of every run of ``k`` word ids (wrapping arithmetic: the same in every
    process and on every machine, unlike Python's salted ``hash`` of strings).

    >>> h = shingle_hashes(np.array([1, 2, 3, 1, 2, 3]), 3)
    >>> len(h), bool(h[0] == h[3]), bool(h[0] == h[1])
    (4, True, False)
    """
    n = len(ids) - k + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    values = ids.astype(np.uint64)
    hashes = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            hashes = hashes * np.uint64(1_000_003) + values[j:j + n] + np.uint64(1)
    return hashes


def candidate_pairs(texts: Iterable[tuple[str, str, list[str]]],
                    params: DependenceParams = DependenceParams()) -> list[PairTask]:
    """The pairs of texts that share shingles, with the seeds, from ``(source_id, document_id,
    words)`` in manifest order (read one at a time: only the hashes are kept).

    Texts of one document are never paired. Words are numbered in order of first appearance and
    shingles hashed with :func:`shingle_hashes`, all of them sorted at once (numpy), so the index
    costs a few bytes per word; a pair is a candidate only when some of its seeds lie along one
    diagonal band and span enough words to hold a passage of ``min_words``.
    """
    names: list[str] = []
    doc_of: list[str] = []
    vocabulary: dict[str, int] = {}
    k = params.shingle
    hashes, text_of, positions = [], [], []
    for n, (sid, document_id, words) in enumerate(texts):
        names.append(sid)
        doc_of.append(document_id)
        ids = np.fromiter((vocabulary.setdefault(w, len(vocabulary)) for w in words), dtype=np.int64,
                          count=len(words))
        h = shingle_hashes(ids, k)
        hashes.append(h)
        text_of.append(np.full(len(h), n, dtype=np.int32))
        positions.append(np.arange(len(h), dtype=np.int32))
    if not hashes:
        return []
    h, t, p = np.concatenate(hashes), np.concatenate(text_of), np.concatenate(positions)
    order = np.lexsort((p, t, h))
    h, t, p = h[order], t[order], p[order]
    if len(h) < 2:
        return []
    starts = np.flatnonzero(np.r_[True, h[1:] != h[:-1]])
    sizes = np.diff(np.r_[starts, len(h)])
    new_text = np.r_[True, (h[1:] != h[:-1]) | (t[1:] != t[:-1])]
    texts_per_group = np.add.reduceat(new_text.astype(np.int64), starts)
    keep = (sizes >= 2) & (texts_per_group >= 2) & (texts_per_group <= params.max_documents)
    seeds: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for start, size in zip(starts[keep].tolist(), sizes[keep].tolist(), strict=True):
        by_text: dict[int, list[int]] = defaultdict(list)
        for n, i in zip(t[start:start + size].tolist(), p[start:start + size].tolist(), strict=True):
            by_text[n].append(i)
        if len({doc_of[n] for n in by_text}) < 2:
            continue
        found = sorted(by_text)
        for x, na in enumerate(found):
            for nb in found[x + 1:]:
                if doc_of[na] != doc_of[nb]:
                    seeds[(na, nb)].extend((i, j) for i in by_text[na] for j in by_text[nb])
    return [PairTask(names[na], names[nb], tuple(sorted(set(found))))
            for (na, nb), found in sorted(seeds.items()) if _may_hold_a_passage(found, params)]


def _may_hold_a_passage(seeds: list[tuple[int, int]], params: DependenceParams) -> bool:
    """Whether two seeds or more lie in one band of diagonals and span ``min_words - shingle`` words
    (a shingle shared by chance, such as a figure with a changed digit, is not a passage).

    >>> _may_hold_a_passage([(0, 5), (7, 12)], DependenceParams()), _may_hold_a_passage([(0, 5), (400, 9)],
    ...                                                                                DependenceParams())
    (True, False)
    """
    width = 2 * params.max_drift + 1
    bands: dict[int, list[int]] = defaultdict(list)
    for i, j in seeds:
        bands[(j - i) // width].append(i)
    reach = params.min_words - params.shingle
    for band, starts in bands.items():
        near = starts + bands.get(band + 1, [])
        if len(near) >= 2 and max(near) - min(near) >= reach:
            return True
    return False


def dependence_tasks(sources: list[Source], params: DependenceParams = DependenceParams()) -> list[PairTask]:
    """The candidate pairs of the corpus's documents (reference copies), each one task."""
    texts = ((s.source_id, s.document_id, words_of(s.text)[0]) for s in _texts(sources))
    return candidate_pairs(texts, params)


# --------------------------------------------------------------------------- runs

def _runs(seeds: tuple[tuple[int, int], ...], params: DependenceParams) -> list[list[int]]:
    """Seeds (sorted by i, then j) merged into runs ``[i0, i1, j0, j1]`` along a diagonal.

    A seed joins the open run whose diagonal is closest to its own (within ``max_drift``) and
    whose end it follows by at most ``max_gap`` words; otherwise it opens a run. Open runs are
    kept by diagonal, so each seed looks at ``2·max_drift + 1`` diagonals, not at every run.
    """
    k = params.shingle
    runs: list[list[int]] = []
    open_by_diagonal: dict[int, int] = {}  # diagonal of the run's last seed → index in runs
    for i, j in seeds:
        d = j - i
        best = None
        for delta in sorted(range(-params.max_drift, params.max_drift + 1), key=abs):
            index = open_by_diagonal.get(d + delta)
            if index is None:
                continue
            run = runs[index]
            if i <= run[1] + params.max_gap and j <= run[3] + params.max_gap and j >= run[2]:
                best = (d + delta, index)
                break
        if best is None:
            runs.append([i, i + k, j, j + k])
            open_by_diagonal[d] = len(runs) - 1
            continue
        old, index = best
        run = runs[index]
        run[1], run[3] = max(run[1], i + k), max(run[3], j + k)
        if old != d:
            del open_by_diagonal[old]
            open_by_diagonal[d] = index
    return runs


def _merge_overlapping(runs: list[list[int]]) -> list[list[int]]:
    """Runs that overlap on both sides (a drift beyond the tolerance split one passage) as one."""
    merged: list[list[int]] = []
    for run in sorted(runs):
        last = merged[-1] if merged else None
        if last and run[0] < last[1] and run[2] < last[3] and run[3] > last[2]:
            last[1], last[2], last[3] = max(last[1], run[1]), min(last[2], run[2]), max(last[3], run[3])
        else:
            merged.append(list(run))
    return merged


def pair_passages(task: PairTask, texts: dict[str, str],
                  params: DependenceParams = DependenceParams()) -> list[Passage]:
    """The copied passages of one candidate pair (``texts``: raw text by source id), in order of
    the first document."""
    wa, sa = _words(texts[task.a])
    wb, sb = _words(texts[task.b])
    passages = []
    for i0, i1, j0, j1 in _merge_overlapping(_runs(task.seeds, params)):
        if i1 - i0 < params.min_words:
            continue
        similarity = Indel.normalized_similarity(wa[i0:i1], wb[j0:j1])
        if similarity < params.min_similarity:
            continue
        passages.append(Passage(task.a, task.b, sa[i0][0], sa[i1 - 1][1], sb[j0][0], sb[j1 - 1][1],
                                i1 - i0, j1 - j0, round(similarity, 4)))
    return passages


def copied_passages(sources: list[Source], params: DependenceParams = DependenceParams()) -> list[Passage]:
    """Every copied passage between documents of ``sources`` (pairs in manifest order)."""
    texts = {s.source_id: s.text for s in sources}
    return [p for task in dependence_tasks(sources, params) for p in pair_passages(task, texts, params)]


# --------------------------------------------------------------------------- the table

def _covered(spans: list[tuple[int, int]]) -> int:
    """Words covered by the union of word ranges."""
    total, reach = 0, -1
    for lo, hi in sorted(spans):
        lo = max(lo, reach)
        if hi > lo:
            total += hi - lo
            reach = hi
    return total


def _word_range(starts: list[int], start: int, end: int) -> tuple[int, int]:
    """The words (indices) whose start lies in ``[start, end)``."""
    return bisect_left(starts, start), bisect_left(starts, end)


def dependence_table(sources: list[Source], passages: list[Passage]) -> pd.DataFrame:
    """``dependence.csv``: one row per copied passage, with its pair's shares and direction.

    Rows are ordered by the pair (manifest order of both documents) and the passage's start in
    the first document, so the table is the same however the pairs were computed.
    """
    meta = {s.source_id: s for s in sources}
    order = {s.source_id: n for n, s in enumerate(sources)}
    starts = {sid: [s for s, _ in _words(meta[sid].text)[1]]
              for sid in sorted({p.a for p in passages} | {p.b for p in passages})}
    by_pair: dict[tuple[str, str], list[Passage]] = defaultdict(list)
    for p in passages:
        by_pair[(p.a, p.b)].append(p)
    rows = []
    for (a, b) in sorted(by_pair, key=lambda pair: (order[pair[0]], order[pair[1]])):
        found = sorted(by_pair[(a, b)], key=lambda p: (p.a_start, p.b_start))
        covered_a = _covered([_word_range(starts[a], p.a_start, p.a_end) for p in found])
        covered_b = _covered([_word_range(starts[b], p.b_start, p.b_end) for p in found])
        share_a = covered_a / max(1, len(starts[a]))
        share_b = covered_b / max(1, len(starts[b]))
        direction = date_order(meta[a].date, meta[b].date)
        earlier = a if direction == -1 else b if direction == 1 else ""
        for n, p in enumerate(found, 1):
            rows.append({
                "source_a": a, "document_a": meta[a].document_id, "source_b": b,
                "document_b": meta[b].document_id, "passage": n, "a_start": p.a_start, "a_end": p.a_end,
                "b_start": p.b_start, "b_end": p.b_end, "words_a": p.words_a, "words_b": p.words_b,
                "similarity": p.similarity, "share_a": round(share_a, 4), "share_b": round(share_b, 4),
                "earlier": earlier, "text_a": " ".join(meta[a].text[p.a_start:p.a_end].split()),
            })
    return pd.DataFrame(rows, columns=DEPENDENCE.columns)


def stage_dependence(sources: list[Source], inputs: dict[str, object]) -> dict[str, object]:
    """Pipeline stage: ``dependence.csv`` (see the module docstring)."""
    return {DEPENDENCE.path: dependence_table(sources, copied_passages(sources))}


def main() -> int:
    """Print the share of each document copied from each other one."""
    try:
        sources = load_sources()
    except SonlaError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    table = dependence_table(sources, copied_passages(sources))
    pairs = table.groupby(["source_a", "source_b"], sort=False).agg(
        passages=("passage", "size"), share_a=("share_a", "first"), share_b=("share_b", "first"),
        earlier=("earlier", "first"))
    print(pairs.to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
