"""Between documents: claims of one indicator, place, unit and period from different documents.

Results are compared with results, estimates with estimates and plans with plans (the frames
of :mod:`~sonla.reconcile.preference`; an estimate against a later result, and a plan against
results, are the rules of :mod:`~sonla.reconcile.plans`). Claims of one cell are paired one to
one (closest values first); each pair's intervals decide: ``consistent`` or ``rounding`` when
they overlap (``restated_figure`` when the two qualifiers differ in kind), else
``qualifier_conflict``, ``scope_difference`` or ``value_conflict``. A total that changed between
dated statements is a ``denominator_change``; one figure given for different periods is a
``temporal_change`` (or agrees).
"""

from __future__ import annotations

import re
from itertools import combinations

import pandas as pd

from ..text.fold import fold_words
from .finding import describe, make_finding
from .intervals import BOUNDING_QUALIFIERS, fmt, relate, share_a_value
from .periods import period_buckets, period_span, same_period, span_length
from .preference import preferred
from .prepare import Evidence
from .rows import Row, group_rows, rows_of
from .severity import crosses, grade, interval_gap, value_gap

__all__ = ["compare_documents", "actual_mask", "estimate_mask", "forward_mask", "scope_words",
           "qualifier_class", "target_values", "MAX_PAIRWISE_DOCUMENTS"]


# Documents that state one cell are compared pairwise up to this many; beyond it (a corpus with
# many documents about one place) each is compared with the preferred document only, so that the
# work and the findings grow with the number of documents, not with its square.
MAX_PAIRWISE_DOCUMENTS = 6


def _document_pairs(docs: list[str], preferred: str) -> list[tuple[str, str]]:
    """The pairs of documents to compare: all pairs, or each with ``preferred`` when there are many.

    >>> _document_pairs(["a", "b", "c"], "b")
    [('a', 'b'), ('a', 'c'), ('b', 'c')]
    >>> [pair for pair in _document_pairs([str(i) for i in range(8)], "3")][:3]
    [('3', '0'), ('3', '1'), ('3', '2')]
    """
    if len(docs) <= MAX_PAIRWISE_DOCUMENTS:
        return list(combinations(docs, 2))
    return [(preferred, doc) for doc in docs if doc != preferred]


def _row_pairs(rows: list[Row]) -> list[tuple[Row, Row]]:
    """Every pair of ``rows`` (in order), or, when they come from many documents, the pairs
    of the preferred row with each row of another document."""
    if len({r["document_id"] for r in rows}) <= MAX_PAIRWISE_DOCUMENTS:
        return list(combinations(rows, 2))
    best = preferred(rows)
    return [(best, r) for r in rows if r["document_id"] != best["document_id"]]


def actual_mask(obs: pd.DataFrame, words: dict | None = None) -> pd.Series:
    """Levels that report a result (frame ``actual``): not an estimate, a plan or a change."""
    return obs["frame"] == "actual"


def estimate_mask(obs: pd.DataFrame, words: dict | None = None) -> pd.Series:
    """Levels estimated for a period not yet closed (frame ``estimate``)."""
    return obs["frame"] == "estimate"


def forward_mask(obs: pd.DataFrame, words: dict | None = None) -> pd.Series:
    """Levels that state a plan (frame ``target``: targets, projections, values for a period after
    the source's date)."""
    return obs["frame"] == "target"


def qualifier_class(claim: Row) -> str:
    """The qualifier if it bounds or widens the value, else "point" (plain, reached, estimated)."""
    return claim["qualifier"] if claim["qualifier"] in BOUNDING_QUALIFIERS else "point"


def target_values(obs: pd.DataFrame) -> dict[tuple, list[float]]:
    """The values stated as targets, by (indicator, geography, unit): the lines a gap may cross."""
    found: dict[tuple, list[float]] = {}
    for row in rows_of(obs[forward_mask(obs)]):
        found.setdefault((row["indicator"], row["geography"], row["unit"]), []).append(float(row["value"]))
    return found


def _lines(a: Row, thresholds: dict[tuple, list[float]]) -> list[float]:
    """The lines a reader cares about for a claim's cell: its targets, and 100% for a share."""
    lines = list(thresholds.get((a["indicator"], a["geography"], a["unit"]), []))
    return lines + ([100.0] if a["unit"] == "percent" else [])


def _severity(status: str, a: Row, b: Row, thresholds: dict[tuple, list[float]],
              cap: str | None = None) -> str:
    gap = interval_gap(a["interval"], b["interval"])
    return grade(status, gap, crosses([float(a["value"]), float(b["value"])], _lines(a, thresholds)), cap)


def scope_words(sentence: str, words: dict) -> set[str]:
    """The scope markers of ``findings.yaml`` (the base a share is of) that ``sentence`` names."""
    folded = fold_words(sentence)
    return {m for m in words["scope_markers"] if re.search(rf"\b{re.escape(m)}\b", folded)}


def _pair_finding(a: Row, b: Row, words: dict, thresholds: dict[tuple, list[float]]) -> Row:
    """Compare two observations of one indicator, geography and period from different documents."""
    best = preferred((a, b))
    ia, ib = a["interval"], b["interval"]
    relation = relate(ia, ib)
    described = f"{describe(a)} and {describe(b)}"
    if bool(a.get("forward", False)) and bool(b.get("forward", False)):
        described = ("As forward-looking statements (targets, projections or a period not yet over), "
                     + described)
    if relation == "disjoint":
        qualified = {a["qualifier"], b["qualifier"]} & BOUNDING_QUALIFIERS
        if qualified:
            explanation = (
                f"{described} state the same quantity for the same period with qualifiers whose "
                f"intervals {ia} and {ib} do not overlap: both cannot hold (a gap of "
                f"{100 * interval_gap(ia, ib):.1f}%). The preference policy prefers {best['source_id']} "
                "pending the underlying data."
            )
            return make_finding("qualifier_conflict", "between:intervals", [a, b], "contradiction",
                                _severity("contradiction", a, b, thresholds), best, explanation)
        scopes = scope_words(a["clause"], words) ^ scope_words(b["clause"], words)
        if a["unit"] == "percent" and scopes:
            explanation = (
                f"{described} give different shares ({ia} vs {ib}); the sentences name different "
                f"bases ({', '.join(sorted(scopes))}), so they may be shares of different populations "
                "rather than conflicting measurements."
            )
            return make_finding("scope_difference", "between:scope", [a, b], "unresolved",
                                _severity("unresolved", a, b, thresholds), best, explanation)
        low, high = sorted((abs(float(a["value"])), abs(float(b["value"]))))
        if low == 0 or high / low > 2:
            explanation = (
                f"{described} are mapped to one indicator and period but differ by more than a factor "
                f"of two ({ia} vs {ib}): more likely two different measures or scopes (a part and a "
                "whole, a ward and the city) than one misreported figure."
            )
            return make_finding("scope_difference", "between:scope", [a, b], "unresolved", "low",
                                best, explanation)
        explanation = (
            f"{described} state the same quantity for the same period; allowing for the reported "
            f"precision ({ia} vs {ib}) they still differ, by {100 * interval_gap(ia, ib):.1f}%."
        )
        return make_finding("value_conflict", "between:intervals", [a, b], "contradiction",
                            _severity("contradiction", a, b, thresholds), best, explanation)
    if a["value"] == b["value"] and a["qualifier"] == b["qualifier"]:
        explanation = f"{described} agree: the same value with the same qualifier."
        return make_finding("consistent", "between:intervals", [a, b], "consistent", "none", best,
                            explanation)
    if qualifier_class(a) != qualifier_class(b):
        explanation = (
            f"{described} restate one figure with qualifiers of different kinds; their intervals "
            f"{ia} and {ib} overlap, so both can hold, but one is stated more loosely than the other."
        )
        return make_finding("restated_figure", "between:restated", [a, b], "consistent", "none", best,
                            explanation)
    kind = "rounding" if a["value"] != b["value"] else "consistent"
    explanation = (
        f"{described} differ in the digits or qualifier but their intervals {ia} and {ib} overlap: "
        + ("the same quantity reported at different precision." if kind == "rounding"
           else "the qualifiers are compatible.")
    )
    status = "explained" if kind == "rounding" else "consistent"
    return make_finding(kind, "between:intervals", [a, b], status, "low" if kind == "rounding" else "none",
                        best, explanation)


def _denominator_finding(a: Row, b: Row) -> Row:
    """The same count over two totals: the later statement (by the preference policy: the period
    that ends later, then the later date) is preferred as the current count."""
    later = preferred((a, b))
    earlier = b if later is a else a
    share = [100 * c["value"] / c["denominator"] for c in (earlier, later)]
    same_numerator = earlier["value"] == later["value"]
    explanation = (
        f"{describe(earlier)} (dated {earlier['source_date']}) and {describe(later)} (dated "
        f"{later['source_date']}) count {'the same number of items met' if same_numerator else 'items met'} "
        f"against different totals ({fmt(earlier['denominator'])} vs {fmt(later['denominator'])}): "
        f"{share[0]:.1f}% vs {share[1]:.1f}%. A changed denominator means the yardstick changed "
        "(another rule set, a re-scoped list of criteria) or one total is wrong; the texts do not say "
        "which. The later statement is preferred as the current count."
    )
    gap = value_gap(share[0], share[1]) if max(share) <= 100 else None
    # Totals of different dates can both hold (the yardstick changed in between): no flag.
    dated = earlier["eff_period"] != later["eff_period"]
    rule = "between:denominator-dated" if dated else "between:denominator"
    return make_finding("denominator_change", rule, [earlier, later], "unresolved",
                        grade("unresolved", gap), later, explanation)


def _temporal_finding(representatives: list[Row], words: dict) -> Row:
    """One figure given for different periods by different documents: agreement or change."""
    rows = sorted(representatives, key=_period_key)
    steps = "; ".join(
        f"{r['eff_period']}{' (date of source)' if r['period_inferred'] else ''}: {describe(r)}"
        for r in rows)
    latest = rows[-1]
    if _unambiguous(rows):  # every two periods' values overlap: one common value is possible
        same = len({float(r["value"]) for r in rows}) == 1
        explanation = (
            f"Different documents give this indicator with different periods — {steps} — and the "
            + ("values agree: the same figure carried from one document to the next (or unchanged)."
               if same else "values agree within their reported precision: one figure, rounded "
               "differently (or unchanged).")
        )
        return make_finding("consistent" if same else "rounding", "between:period", rows,
                            "consistent" if same else "explained", "none" if same else "low",
                            latest, explanation)
    scopes = [scope_words(r["clause"], words) for r in rows]
    if latest["unit"] == "percent" and any(sc != scopes[0] for sc in scopes):
        named = sorted(set().union(*scopes) - set.intersection(*scopes))
        explanation = (
            f"Different documents give this share for different periods — {steps} — but their "
            f"sentences name different bases ({', '.join(named)}): shares of different populations, "
            "so the difference need not be a change over time."
        )
        gap = max(value_gap(float(r["value"]), float(latest["value"])) for r in rows)
        return make_finding("scope_difference", "between:scope", rows, "unresolved", grade("unresolved", gap),
                            latest, explanation)
    explanation = (
        f"Different documents give this indicator for different periods — {steps}. Values of "
        "different periods describe a change over time, not a conflict; the latest is preferred."
    )
    return make_finding("temporal_change", "between:period", rows, "explained", "low", latest, explanation)


def compare_documents(ev: Evidence) -> list[Row]:
    """Between documents: the observations of one indicator and place in different documents.

    Results are compared with results, estimates with estimates and plans with plans (a change is
    none of them). Ratios with different totals of one period are a ``denominator_change``;
    claims of one unit and period are paired one to one (``consistent``, ``rounding``,
    ``restated_figure``, ``qualifier_conflict``, ``value_conflict``, ``scope_difference``); one
    figure for several periods is a ``temporal_change`` (or agrees: ``consistent``, ``rounding``;
    or names other bases: ``scope_difference``).
    """
    findings: list[Row] = []
    obs = ev.observations
    thresholds = target_values(obs)
    for mask in (actual_mask(obs), estimate_mask(obs), forward_mask(obs)):
        findings.extend(_between_documents_of(obs[mask], ev.words, thresholds))
    return findings


def _between_documents_of(actual: pd.DataFrame, words: dict,
                          thresholds: dict[tuple, list[float]]) -> list[Row]:
    """Compare the documents' levels of one kind (all results, or all plans)."""
    findings: list[Row] = []
    for (_, geography), group in group_rows(rows_of(actual), ["indicator", "geography"]).items():
        if len({r["document_id"] for r in group}) < 2 or not geography:
            continue  # one document, or no known place: two documents may speak of different places
        handled: set[tuple[str, str]] = set()
        for a, b in _row_pairs([r for r in group if not pd.isna(r["denominator"])]):
            if a["document_id"] == b["document_id"] or a["unit"] != b["unit"]:
                continue
            if a["denominator"] != b["denominator"]:
                dens = sorted((float(a["denominator"]), float(b["denominator"])))
                comparable = a["value"] == b["value"] or same_period(
                    a["eff_period"], a["period_inferred"], b["eff_period"], b["period_inferred"])
                if comparable and dens[0] > 0 and dens[1] / dens[0] <= 1.5:
                    findings.append(_denominator_finding(a, b))
                    handled.add((a["claim_id"], b["claim_id"]))
        for unit_group in group_rows(group, ["unit"]).values():
            findings.extend(_compare_unit_group(unit_group, handled, words, thresholds))
    return findings


def _compare_unit_group(rows: list[Row], handled: set[tuple[str, str]], words: dict,
                        thresholds: dict[tuple, list[float]]) -> list[Row]:
    """Compare the claims of one indicator, place and unit: within each period, then across periods."""
    findings: list[Row] = []
    buckets = period_buckets(rows)
    for bucket in buckets:
        findings.extend(_compare_bucket(bucket, handled, words, thresholds))
    if len(buckets) > 1 and all(_unambiguous(b) for b in buckets):
        representatives = [preferred(b) for b in buckets]
        lengths = {span_length(r["eff_period"]) for r in representatives}
        if rows[0]["unit"] != "percent" and len(lengths) > 1:
            return findings  # a term total and a one-year figure: different aggregations
        docs = {r["document_id"] for r in representatives}
        if len(docs) > 1 and any((a["claim_id"], b["claim_id"]) not in handled
                                 for a, b in combinations(representatives, 2)):
            findings.append(_temporal_finding(representatives, words))
    return findings


def _unambiguous(bucket: list[Row]) -> bool:
    """All claims of a period bucket allow a common value (one figure, however often stated)."""
    return share_a_value(c["interval"] for c in bucket)


def _period_key(row: Row) -> tuple:
    span = period_span(row["eff_period"]) or (0, 0)
    return (span[1], span[0], str(row["source_date"]))


def _compare_bucket(bucket: list[Row], handled: set[tuple[str, str]], words: dict,
                    thresholds: dict[tuple, list[float]]) -> list[Row]:
    """Compare the documents of one indicator, place, unit and period.

    Compatible claims are paired one to one (closest values first) and reported as agreement;
    a disagreement is reported only when each document states the cell once, because a
    document that gives several values for one cell (parts, sub-measures) leaves it ambiguous
    which of them the other document's figure should be compared with.
    """
    findings: list[Row] = []
    by_doc: dict[str, list[Row]] = {}
    for row in bucket:
        by_doc.setdefault(row["document_id"], []).append(row)
    for doc_a, doc_b in _document_pairs(list(by_doc), preferred(bucket)["document_id"]):
        side_a, side_b = by_doc[doc_a], by_doc[doc_b]
        candidates = sorted(
            ((a, b) for a in side_a for b in side_b
             if relate(a["interval"], b["interval"]) != "disjoint"),
            key=lambda p: (abs(float(p[0]["value"]) - float(p[1]["value"])), p[0]["claim_id"],
                           p[1]["claim_id"]))
        used: set[str] = set()
        for a, b in candidates:
            if a["claim_id"] in used or b["claim_id"] in used or _handled(a, b, handled):
                continue
            used.update((a["claim_id"], b["claim_id"]))
            findings.append(_pair_finding(a, b, words, thresholds))
        if len(side_a) == 1 and len(side_b) == 1 and not used and not _handled(side_a[0], side_b[0], handled):
            findings.append(_pair_finding(side_a[0], side_b[0], words, thresholds))
    return findings


def _handled(a: Row, b: Row, handled: set[tuple[str, str]]) -> bool:
    return (a["claim_id"], b["claim_id"]) in handled or (b["claim_id"], a["claim_id"]) in handled
