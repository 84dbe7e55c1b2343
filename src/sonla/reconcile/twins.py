"""Claims seen in two copies of one document: matched once, so a copy never counts as a second source.

For every (reference, copy) pair of :func:`sonla.fidelity.copies.copy_pairs`, the sequences of
quantity claims ((value, denominator) in text order) are aligned with difflib: equal runs are
one claim seen twice (*twins*), and so are runs a page break moved; replaced runs of equal
length are read differences (``ocr_variant`` findings), and what is left has no partner in the
other copy — unless the reference reads the same digits at that place as another kind of number
(a name, a date, a list marker: "nhánh 2" is a branch's name, not a quantity), in which case the
copy read the same number and only classified it differently: no finding.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

import pandas as pd

from ..fidelity.copies import copy_pairs
from ..sources import Source
from .finding import describe, make_finding, value_text
from .rows import Row, rows_of

__all__ = ["match_copies"]


def match_copies(q: pd.DataFrame, sources: list[Source],
                 claims: pd.DataFrame | None = None) -> tuple[dict[str, str], list[Row]]:
    """Match the quantity claims of every copy with those of its document's reference.

    Returns ({claim_id in a copy: claim_id of its twin in the reference}, ``ocr_variant``
    findings). ``q`` holds the prepared quantity claims of every source, in text order;
    ``claims`` (every claim of any kind) lets a number the reference classifies otherwise
    account for an unpartnered quantity of a copy.
    """
    twins: dict[str, str] = {}
    findings: list[Row] = []
    # One pass over the claims, not one scan per source: the cost stays linear in the corpus.
    claims_of = {source_id: rows_of(frame) for source_id, frame in q.groupby("source_id", sort=False)}
    others_of = _other_kinds(claims)
    for reference, copy in copy_pairs(sources):
        best, other = claims_of.get(reference.source_id, []), claims_of.get(copy.source_id, [])
        best_numbers, other_numbers = _numbers(best), _numbers(other)
        matcher = SequenceMatcher(None, best_numbers, other_numbers, autojunk=False)
        for tag, i1, i2, j1, j2 in _pair_moved_blocks(matcher.get_opcodes(), best_numbers, other_numbers):
            if tag in ("equal", "moved"):
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                    twins[other[j]["claim_id"]] = best[i]["claim_id"]
            elif tag == "replace" and i2 - i1 == j2 - j1:
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                    findings.append(_ocr_variant(best[i], other[j]))
                    twins[other[j]["claim_id"]] = best[i]["claim_id"]
            else:
                lo = int(best[i1 - 1]["end"]) if i1 > 0 else 0
                hi = int(best[i2]["start"]) if i2 < len(best) else 1 << 62
                others = others_of.get(reference.source_id, [])
                rest = [r for r in other[j1:j2] if not _read_otherwise(r, others, lo, hi)]
                findings.extend(_ocr_unmatched(best[i1:i2], rest))
    return twins, findings


def _digits(text: str) -> str:
    return re.sub(r"\D", "", str(text))


def _other_kinds(claims: pd.DataFrame | None) -> dict[str, list[tuple[int, str]]]:
    """{source_id: [(start, digits) of every claim that is not a quantity]} in text order."""
    if claims is None or claims.empty:
        return {}
    others = claims[claims["kind"] != "quantity"]
    return {str(sid): sorted(zip(group["start"].astype(int), group["text"].map(_digits), strict=True))
            for sid, group in others.groupby("source_id", sort=False)}


def _read_otherwise(claim: Row, others: list[tuple[int, str]], lo: int, hi: int) -> bool:
    """The reference has the claim's digits as another kind of number between ``lo`` and ``hi``."""
    digits = _digits(claim["text"])
    return bool(digits) and any(lo <= start < hi and d == digits for start, d in others)


def _numbers(rows: list[Row]) -> list[tuple[float, float | None]]:
    """The sequence a copy's claims are matched by: (value, denominator) in text order."""
    return [(round(r["value"], 6), None if pd.isna(r["denominator"]) else r["denominator"]) for r in rows]


def _pair_moved_blocks(opcodes: list[tuple], a: list, b: list) -> list[tuple]:
    """Turn a deletion in one copy and an insertion of the same numbers elsewhere in the other
    (a footnote placed at another page break) into one ``moved`` block: the same claims."""
    deletes = [op for op in opcodes if op[0] in ("delete", "replace")]
    inserts = [op for op in opcodes if op[0] in ("insert", "replace")]
    moved, used_d, used_i = [], set(), set()
    for d in deletes:
        for ins in inserts:
            if ins is d or id(ins) in used_i or id(d) in used_d:
                continue
            if d[2] - d[1] >= 2 and a[d[1]:d[2]] == b[ins[3]:ins[4]]:
                moved.append(("moved", d[1], d[2], ins[3], ins[4]))
                used_d.add(id(d))
                used_i.add(id(ins))
    rest = []
    for op in opcodes:
        tag, i1, i2, j1, j2 = op
        if id(op) in used_d and id(op) in used_i:
            continue
        if id(op) in used_d:
            op = ("insert", i1, i1, j1, j2) if j2 > j1 else None
        elif id(op) in used_i:
            op = ("delete", i1, i2, j1, j1) if i2 > i1 else None
        if op is not None:
            rest.append(op)
    return rest + moved


def _ocr_variant(good: Row, other: Row) -> Row:
    explanation = (
        f"The same document in two text layers reads {describe(good)} in the {good['layer']} layer "
        f"and {describe(other)} in the {other['layer']} layer at the same place in the sequence of "
        f"numbers. A copy cannot change the document: this is a reading error of the weaker layer; "
        f"the {good['layer']} reading is preferred."
    )
    return make_finding("ocr_variant", "ocr_variant", [good, other], "explained", "medium",
                        value_text(good), explanation)


def _ocr_unmatched(good: list[Row], other: list[Row]) -> list[Row]:
    """Claims present in only one copy (or runs that do not pair one to one)."""
    rows = good + other
    if not rows:
        return []
    only = ", ".join(describe(r) for r in rows[:6]) + (" …" if len(rows) > 6 else "")
    explanation = (
        f"In the aligned sequences of numbers of two copies of one document, {len(good)} claim(s) of "
        f"the better layer and {len(other)} of the weaker layer have no one-to-one partner: {only}. "
        "A number present in only one copy was lost, split, merged or invented by the text layer "
        "(or lies in a block only one copy has, such as a title block)."
    )
    status = "explained" if len(good) == 0 or len(other) == 0 else "unresolved"
    return [make_finding("ocr_variant", "ocr_unmatched", rows, status, "low",
                         value_text(rows[0]) if len(good) else "", explanation)]
