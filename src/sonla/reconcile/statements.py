"""Across the statements of the corpus: totals, plans, restatements and repeated passages.

A percentage against a total another statement gives (``implied_denominator``), a plan against
the term total, the latest result and the growth of recent years (``projection_plausibility``),
one figure stated twice with different qualifiers (``restated_figure``), and a passage repeated
with its numbers (``duplicate_passage``).

A plan compared with results is never ``consistent``: a plan within reach is ``explained`` (the
two differ, and the growth between them accounts for it), one out of reach ``unresolved``.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from itertools import combinations

import pandas as pd

from ..text.fold import fold_words
from .between import actual_mask, forward_mask, qualifier_class
from .finding import describe, make_finding
from .intervals import BOUNDING_QUALIFIERS, fmt, grim_possible, implied_denominators, relate
from .params import Params
from .periods import period_span, same_period
from .preference import preferred
from .prepare import Evidence
from .rows import Row, group_rows, rows_of, same_sentence, source_rows
from .severity import grade, interval_gap, value_gap

__all__ = ["check_stated_totals", "check_projections", "find_restated_figures", "find_duplicate_passages"]


def check_stated_totals(ev: Evidence) -> list[Row]:
    """A percentage of an indicator whose total another statement of the document gives (a ratio
    a/n in another sentence): can it be a whole count out of n? If not, ``implied_denominator``
    (unresolved: the total changed, or the percentage rests on another base)."""
    findings = []
    obs, params = ev.observations, ev.params
    ratios = obs[obs["denominator"].notna() & (obs["denominator"] > 0)]
    percents = obs[(obs["unit"] == "percent") & (obs["qualifier"].isin(["", "reached", "estimated"]))]
    # The percentages of each indicator, place and document, found once (a scan of all of them
    # per ratio grew with the square of the corpus).
    cell = ["indicator", "geography", "document_id"]
    percents_of = group_rows(rows_of(percents), cell)
    for ratio in rows_of(ratios):
        n = float(ratio["denominator"])
        if not n.is_integer() or n < 10 or n > 10 * params.max_denominator:
            continue
        for pct in percents_of.get(tuple(ratio[k] for k in cell), []):
            if same_sentence(pct, ratio):
                continue  # in one sentence: the GRIM rule covers it
            ks = grim_possible(pct["interval"], int(n))
            if ks:
                continue
            near = implied_denominators(pct["interval"], int(n))
            explanation = (
                f"{describe(pct)} cannot be a whole count out of {int(n)}, the total that "
                f"{describe(ratio)} states for the same indicator: no k gives 100·k/{int(n)} within "
                f"{pct['interval']}. Denominators near it that work: "
                f"{', '.join(str(x) for x in near[-3:]) or 'none'}. Either the total changed between the "
                "two statements or the percentage rests on another base."
            )
            nearest = min((100 * k / n for k in range(int(n) + 1)),
                          key=lambda x: abs(x - float(pct["value"])))
            gap = value_gap(nearest, float(pct["value"]))
            findings.append(make_finding("implied_denominator", "within:denominator-check", [pct, ratio],
                                         "unresolved", grade("unresolved", gap), pct, explanation))
    return findings


def check_projections(ev: Evidence) -> list[Row]:
    """A plan (a target, a projection) against the results of its indicator and place
    (``projection_plausibility``): a one-year plan against the term total that covers it, and
    against the latest single-year result before it — the yearly growth it needs, set against
    the growth of the recent years when two or more single-year results are known."""
    findings = []
    obs, params = ev.observations, ev.params
    forward = obs[forward_mask(obs)]
    actual = obs[actual_mask(obs)]
    peers_of = _index_actuals(actual[actual["denominator"].isna()])
    for proj in rows_of(forward):
        span = period_span(proj["period"])
        key = (proj["indicator"], proj["geography"], proj["unit"])
        if not span or key not in peers_of:
            continue
        singles, single_ends, terms = peers_of[key]
        if not proj["geography"]:  # no known place: only the plan's own document speaks of it
            singles = [r for r in singles if r["document_id"] == proj["document_id"]]
            single_ends = [r["p_end"] for r in singles]
            terms = [r for r in terms if r["document_id"] == proj["document_id"]]
        covering = [r for r in terms if r["p_start"] <= span[0] and r["p_end"] >= span[1]]
        if span[0] == span[1] and covering and proj["unit"] not in {"percent"}:
            total = max(covering, key=lambda r: (r["p_end"], r["_position"]))
            if float(total["value"]) > 0:  # a zero total has no yearly average to compare with
                findings.append(_projection_vs_term(proj, total, params))
        before = bisect_left(single_ends, span[1])  # the single-year actuals that end before it
        if before:
            findings.append(_projection_vs_latest(proj, singles[:before], span[1], params))
    return findings


def _index_actuals(actual: pd.DataFrame) -> dict[tuple, tuple[list[Row], list[int], list[Row]]]:
    """The actuals by (indicator, geography, unit), built once so that each projection costs a
    lookup and a binary search however many documents report the indicator.

    Per key: the single-year actuals in order of (end year, source date) — ties keep the frame's
    order, so the last one before a year is the latest —, their end years, and the multi-year
    actuals, one (the last in the frame) per period.
    """
    grouped: dict[tuple, list[Row]] = {}
    for position, row in enumerate(rows_of(actual)):
        key = (row["indicator"], row["geography"], row["unit"])
        if any(pd.isna(k) for k in key):
            continue
        span = period_span(row["eff_period"]) or (0, 0)
        row.update(p_start=span[0], p_end=span[1], _position=position)
        grouped.setdefault(key, []).append(row)
    index = {}
    for key, rows in grouped.items():
        singles = sorted((r for r in rows if r["p_start"] == r["p_end"]),
                         key=lambda r: (r["p_end"], r["source_date"]))
        terms = {(r["p_start"], r["p_end"]): r for r in rows if r["p_start"] < r["p_end"]}
        index[key] = (singles, [r["p_end"] for r in singles], list(terms.values()))
    return index


def _projection_vs_term(proj: Row, total: Row, params: Params) -> Row:
    span = period_span(total["eff_period"])
    years = span[1] - span[0] + (0 if span[1] - span[0] >= 5 else 1)
    average = float(total["value"]) / years
    ratio = float(proj["value"]) / average
    plausible = ratio <= 1 + params.max_growth * 2 and float(proj["value"]) < float(total["value"])
    explanation = (
        f"In {proj['source_id']}, {describe(proj)} for {proj['period']} sits beside the term total "
        f"{describe(total)} for {total['eff_period']}: an average of {fmt(round(average, 1))} a year "
        f"over {years} years, so the one-year projection is {ratio:.2f} times the yearly average and "
        f"{100 * float(proj['value']) / float(total['value']):.1f}% of the term total. "
        + ("That is a plausible last year of a growing series."
           if plausible else "That is hard to reconcile with the total.")
    )
    status = "explained" if plausible else "unresolved"
    gap = None if plausible else value_gap(float(proj["value"]), float(total["value"]))
    return make_finding("projection_plausibility", "within:projection", [proj, total], status,
                        grade(status, gap), total, explanation)


def _growth(first: Row, last: Row) -> float:
    """Compound yearly growth between two single-year results (nan when it cannot be computed)."""
    years = period_span(last["eff_period"])[1] - period_span(first["eff_period"])[1]
    if years <= 0 or first["value"] <= 0 or last["value"] <= 0:
        return math.nan
    return (float(last["value"]) / float(first["value"])) ** (1 / years) - 1


def _projection_vs_latest(proj: Row, singles: list[Row], end_year: int, params: Params) -> Row:
    """A plan against the latest single-year result before it: the growth it needs, against the
    book's ceiling (``max_growth``) and, when earlier results are known, against the growth of
    the recent years (within ``recent_years`` of the latest) plus ``growth_margin``."""
    latest = singles[-1]
    base_year = period_span(latest["eff_period"])[1]
    years = max(1, end_year - base_year)
    growth = (float(proj["value"]) / float(latest["value"])) ** (1 / years) - 1 \
        if latest["value"] > 0 and proj["value"] > 0 else math.nan
    recent = [r for r in singles[:-1] if base_year - period_span(r["eff_period"])[1] <= params.recent_years
              and period_span(r["eff_period"])[1] < base_year]
    trend = _growth(recent[0], latest) if recent else math.nan
    limit = params.max_growth if math.isnan(trend) else min(params.max_growth, trend + params.growth_margin)
    plausible = not math.isnan(growth) and abs(growth) <= params.max_growth and growth <= limit
    word = "target" if proj["qualifier"] == "target" else "projection"
    history = ("" if math.isnan(trend) else
               f" The results from {recent[0]['eff_period']} to {latest['eff_period']} grew "
               f"{100 * trend:.1f}% a year; the book treats up to that plus "
               f"{100 * params.growth_margin:.0f} points as within reach.")
    explanation = (
        f"The {word} {describe(proj)} for {proj['period']} against the latest actual "
        f"{describe(latest)} for {latest['eff_period']} needs {100 * growth:.1f}% a year over {years} "
        f"year(s); the book treats up to {100 * params.max_growth:.0f}% a year as plausible.{history}"
    )
    status = "explained" if plausible else "unresolved"
    gap = None
    if not plausible and not math.isnan(growth):
        reach = float(latest["value"]) * (1 + limit) ** years
        gap = value_gap(float(proj["value"]), reach)
    return make_finding("projection_plausibility", "between:projection", [proj, *recent[:1], latest], status,
                        grade(status, gap), latest, explanation)





# Values further apart than this (relative) are two measures, not one figure restated.
RESTATED_MAX_GAP = 0.2


def find_restated_figures(ev: Evidence) -> list[Row]:
    """One document giving one indicator, period and place twice, in two sentences, once as a point
    value and once bounded or widened, or with two bounding qualifiers (``restated_figure``)."""
    findings = []
    obs = ev.observations
    actual = obs[actual_mask(obs)]
    for rows in group_rows(rows_of(actual), ["document_id", "indicator", "geography", "unit"]).values():
        for a, b in combinations(rows, 2):
            if not same_period(a["eff_period"], a["period_inferred"], b["eff_period"], b["period_inferred"]):
                continue
            if not pd.isna(a["denominator"]) or not pd.isna(b["denominator"]):
                continue
            if a["sentence"] == b["sentence"]:
                continue  # one sentence listing several values: parts or sub-measures
            if qualifier_class(a) == qualifier_class(b):
                continue  # two plain values: more likely two measures than one figure restated
            low, high = sorted((abs(float(a["value"])), abs(float(b["value"]))))
            if low == 0 or high / low > 1 + RESTATED_MAX_GAP:
                continue  # far apart: two different measures, not one figure restated
            relation = relate(a["interval"], b["interval"])
            status = "consistent"
            if relation == "disjoint":
                bounding = {a["qualifier"], b["qualifier"]} & BOUNDING_QUALIFIERS
                status = "contradiction" if bounding and a["qualifier"] != b["qualifier"] else "unresolved"
            explanation = (
                f"{a['source_id']} states this indicator twice for the same period: {describe(a)} "
                f"and {describe(b)} (intervals {a['interval']} and {b['interval']}): "
                + ("with their qualifiers they cannot both hold."
                   if status == "contradiction" else
                   "they differ; the two sentences may measure different things."
                   if status == "unresolved" else "the two statements are compatible.")
            )
            findings.append(make_finding("restated_figure", "within:restated", [a, b], status,
                                         grade(status, interval_gap(a["interval"], b["interval"])),
                                         preferred((a, b)), explanation))
    return findings


def _signature(rows: list[Row], k: int, text: str, context: int) -> tuple:
    """A claim's value and unit with the last words before it (since the previous claim)."""
    r = rows[k]
    lead = fold_words(text[int(rows[k - 1]["end"]) if k else 0:int(r["start"])])
    return (r["value"], r["unit"], lead[-context:])


def _common_passage(text: str, a0: Row, b0: Row, a1: Row, b1: Row, reach: int = 300) -> int:
    """Length (folded characters) of the identical passage around two runs of claims, 0 if the
    text between the claims of the runs differs."""
    mid_a = fold_words(text[int(a0["start"]):int(a1["end"])])
    if mid_a != fold_words(text[int(b0["start"]):int(b1["end"])]):
        return 0
    left_a = fold_words(text[max(0, int(a0["start"]) - reach):int(a0["start"])])[::-1]
    left_b = fold_words(text[max(0, int(b0["start"]) - reach):int(b0["start"])])[::-1]
    right_a = fold_words(text[int(a1["end"]):int(a1["end"]) + reach])
    right_b = fold_words(text[int(b1["end"]):int(b1["end"]) + reach])

    def common(x: str, y: str) -> int:
        n = 0
        while n < min(len(x), len(y)) and x[n] == y[n]:
            n += 1
        return n

    return common(left_a, left_b) + len(mid_a) + common(right_a, right_b)


# A repeated passage: at least DUPLICATE_MIN_CLAIMS claims in a row with the same value, unit and
# last DUPLICATE_CONTEXT folded characters before each, in an identical passage of at least
# DUPLICATE_MIN_PASSAGE folded characters.
DUPLICATE_MIN_CLAIMS = 2
DUPLICATE_CONTEXT = 12
DUPLICATE_MIN_PASSAGE = 80


def find_duplicate_passages(ev: Evidence) -> list[Row]:
    """Runs of claims repeated in one source with the same surrounding words: one statement
    repeated (a copy or layout artefact, or a deliberate restatement), ``duplicate_passage``.
    Reads every copy (a copy's own repetition is its own)."""
    findings = []
    min_claims, context, min_passage = DUPLICATE_MIN_CLAIMS, DUPLICATE_CONTEXT, DUPLICATE_MIN_PASSAGE
    for source_id, rows in source_rows(ev.quantities).items():
        text = ev.texts[source_id].text

        sigs = [_signature(rows, k, text, context) for k in range(len(rows))]
        seen: dict[tuple, int] = {}
        used: set[int] = set()
        for k in range(len(rows) - min_claims + 1):
            key = tuple(sigs[k:k + min_claims])
            if key in seen and seen[key] + min_claims <= k and k not in used \
                    and _common_passage(text, rows[seen[key]], rows[k], rows[seen[key] + min_claims - 1],
                                        rows[k + min_claims - 1]) >= min_passage:
                first = seen[key]
                length = min_claims
                while (k + length < len(rows) and first + length < k
                       and sigs[first + length] == sigs[k + length]):
                    length += 1
                used.update(range(k, k + length))
                run = rows[first:first + length] + rows[k:k + length]
                explanation = (
                    f"In {source_id}, a passage with {length} numbers "
                    f"({', '.join('“' + r['text'] + '”' for r in rows[first:first + length])}) appears "
                    f"twice, at characters {int(rows[first]['start'])} and {int(rows[k]['start'])}, with "
                    "the same surrounding words: one statement repeated (a copy or layout artefact, or a "
                    "deliberate restatement), counted once."
                )
                findings.append(make_finding("duplicate_passage", "within:duplicate", run, "explained", "low",
                                             "", explanation))
            else:
                seen.setdefault(key, k)
    return findings
