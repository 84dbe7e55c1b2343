"""The preference policy: which claim's value the book prefers, and what kind of figure a claim is.

**Frames.** Every quantity is read as one *frame* (:func:`frame_of`): ``actual`` (a level
achieved or observed), ``estimate`` (a level for a period not yet closed), ``target`` (a goal or
plan) or ``change`` (an increase or decrease *by* an amount). When ``claims.csv`` has a ``frame``
column (the reading step of the extraction) it is used as it stands; until then the frame is
derived from the qualifier (``rules/findings.yaml``, ``frames_from_qualifiers``: target and
projected → target, estimated → estimate, increase and decrease → change, anything else →
actual), and a level for a period that ends after its source's date is a target. The same holds
for ``each_year`` (:func:`each_year_of`: the column when present, else the wordings of
``findings.yaml``).

**The policy** (:func:`preference_key`, used for every cell of ``indicators.csv`` and, through
the cells, for every finding's preferred value), criteria in this order:

1. *Actual over estimate over target* (over change): a result is preferred to an estimate of it,
   an estimate to a plan.
2. *A later period over an earlier one*: periods are compared as intervals by their last year
   ("2020-2025" ends after "2024"), never as strings. (Within one cell of ``indicators.csv`` the
   periods are one term, so this only decides between cells, e.g. for a changed denominator.)
3. *An official document over a news report*: news restates official figures, often rounded.
4. *A later statement over an earlier one*: dates of the manifest compared at the precision they
   share within the group ("2024-12" before "2025"; "2025" and "2025-07" tie).
5. *More independent witnesses over fewer*: how many independent witnesses
   (:mod:`~sonla.reconcile.witnesses`) among the cell's claims allow the claim's value.
6. *A better text layer* (clean, then PDF text, then OCR), then the claim id (a stable tie-break).

A value a document states is preferred over a value the book derives (a recomputed percentage, an
implied baseline): derived values are reported in the findings' explanations, never put in a
cell's place.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import pandas as pd

from ..fidelity.copies import LAYER_RANK
from ..text.fold import fold_words
from .periods import ends_after, period_span
from .rows import Row, is_missing

__all__ = ["FRAMES", "FRAME_RANK", "frame_of", "frames_of", "each_year_of", "date_precision",
           "date_key", "preference_key", "preferred"]

FRAMES = ("actual", "estimate", "target", "change")
FRAME_RANK = {frame: rank for rank, frame in enumerate(FRAMES)}
# Official documents before news (a news report restates official figures).
KIND_RANK = {"report": 0, "appendix-pdf-text": 0, "appendix-ocr": 0, "news": 1}


def frame_of(claim: Row | pd.Series, words: dict) -> str:
    """The claim's frame: its ``frame`` field when it has one, else derived from its qualifier
    (``words["frames_from_qualifiers"]``) and, for a level, from its period (a period that ends
    after the source's date is a plan).

    >>> words = {"frames_from_qualifiers": {"target": "target", "estimated": "estimate",
    ...                                     "increase": "change"}}
    >>> frame_of({"qualifier": "estimated"}, words), frame_of({"qualifier": "more_than"}, words)
    ('estimate', 'actual')
    >>> frame_of({"qualifier": "", "period": "2025-2030", "source_date": "2025-07"}, words)
    'target'
    >>> frame_of({"frame": "change", "qualifier": ""}, words)
    'change'
    """
    stated = claim.get("frame", None)
    if not is_missing(stated) and str(stated or "") in FRAME_RANK:
        return str(stated)
    frame = words["frames_from_qualifiers"].get(str(claim.get("qualifier", "") or ""), "actual")
    period, source_date = str(claim.get("period", "") or ""), str(claim.get("source_date", "") or "")
    if frame == "actual" and ends_after(period, source_date):
        return "target"
    return frame


def frames_of(q: pd.DataFrame, words: dict) -> list[str]:
    """:func:`frame_of` for every row of a prepared frame (which has ``source_date``)."""
    columns = [c for c in ("frame", "qualifier", "period", "source_date") if c in q.columns]
    return [frame_of(dict(zip(columns, values, strict=True)), words)
            for values in q[columns].itertuples(index=False, name=None)]


def each_year_of(claim: Row, words: dict) -> bool:
    """Whether the figure is said to hold for every year of its period ("hằng năm", "mỗi năm"),
    not for the period as a whole or on average ("bình quân").

    The ``each_year`` field when the claim has one; otherwise the clause before the number (from
    the last ``;``, ``:``, sentence start or number) or the words right after it (up to the next
    number) name the year as a repetition (``words["each_year_markers"]``) and no averaging word
    (``words["average_markers"]``): "hằng năm kết nạp 35 …, cả nhiệm kỳ 150" makes 35 every year,
    not 150.

    >>> words = {"each_year_markers": ["hang nam", "moi nam"], "average_markers": ["binh quan"]}
    >>> each_year_of({"clause": "tỷ lệ giải ngân vốn đầu tư hàng năm đạt 100%", "text": "100%"}, words)
    True
    >>> each_year_of({"clause": "tăng bình quân hằng năm 7%", "text": "7%"}, words)
    False
    >>> each_year_of({"clause": "hằng năm kết nạp 35 đảng viên, cả nhiệm kỳ 150 đảng viên",
    ...               "text": "150 đảng viên"}, words)
    False
    """
    stated = claim.get("each_year", None)
    if not is_missing(stated) and stated != "":
        return str(stated).strip().lower() in {"true", "yes", "1"}
    clause = str(claim.get("clause", "") or "")
    text = str(claim.get("text", "") or "")
    at = clause.find(text) if text else -1
    before = clause[:at] if at >= 0 else clause
    after = re.split(r"\d", clause[at + len(text):at + len(text) + 20])[0] if at >= 0 else ""
    before = re.split(r"[;:]", before)[-1]
    # A marker belongs to the first number after it: only the words since the last number count.
    before = re.split(r"\d(?:[\d.,]*\d)?", before)[-1]
    folded = fold_words(before + " " + after)
    if any(re.search(rf"\b{re.escape(m)}\b", folded) for m in words["average_markers"]):
        return False
    return any(re.search(rf"\b{re.escape(m)}\b", folded) for m in words["each_year_markers"])


def date_precision(text: str) -> int:
    """How many parts a manifest date gives: 1 (year), 2 (month), 3 (day); 0 when undated.

    >>> date_precision("2025"), date_precision("2025-07"), date_precision("")
    (1, 2, 0)
    """
    return len(re.findall(r"\d+", str(text or ""))[:3])


def date_key(text: str, precision: int) -> tuple[int, ...]:
    """The date's first ``precision`` parts as integers (missing parts as 0).

    >>> date_key("2025-07", 1), date_key("2024-12", 2)
    ((2025,), (2024, 12))
    """
    parts = [int(x) for x in re.findall(r"\d+", str(text or ""))[:3]]
    return tuple((parts + [0, 0, 0])[:precision])


def preference_key(claim: Row, precision: int, support: int = 1) -> tuple:
    """The sort key of the policy (lowest first is preferred); see the module docstring.

    ``precision``: the date precision shared by the group being ranked (:func:`date_precision`);
    ``support``: the independent witnesses that allow the claim's value.
    """
    span = period_span(str(claim.get("eff_period", "") or claim.get("period", "") or "")) or (0, 0)
    return (FRAME_RANK.get(str(claim.get("frame", "actual")), 9), -span[1],
            KIND_RANK.get(str(claim.get("source_kind", "")), 9),
            tuple(-x for x in date_key(str(claim.get("source_date", "")), precision)), -support,
            LAYER_RANK.get(str(claim.get("layer", "")), 9), str(claim["claim_id"]))


def preferred(rows: Iterable[Row], support: Callable[[Row], int] | None = None) -> Row:
    """The preferred row of ``rows`` under the policy (``support``: witnesses per row).

    >>> a = {"claim_id": "a-1", "frame": "actual", "eff_period": "2020-2025", "source_kind": "news",
    ...      "source_date": "2024-12", "layer": "clean"}
    >>> b = dict(a, claim_id="b-1", eff_period="2024")
    >>> c = dict(a, claim_id="c-1", frame="target")
    >>> preferred([b, a, c])["claim_id"]
    'a-1'
    """
    rows = list(rows)
    if not rows:
        raise ValueError("no rows to prefer from")
    precision = min(date_precision(str(r.get("source_date", ""))) for r in rows)
    return min(rows, key=lambda r: preference_key(r, precision, support(r) if support else 1))
