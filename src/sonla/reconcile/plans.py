"""Figures that hold every year, targets and their results, estimates and the results that follow.

Three rules over the observations (one row per statement, from any document):

* :func:`check_every_year` — a figure said to hold every year of a period ("hằng năm", "mỗi
  năm"; the claims' ``each_year``) against any single year's figure of the same indicator,
  place, unit and frame from any source (``every_year``): a year outside what "every year"
  allows contradicts it. A total for the whole period must lie within the years
  (:func:`~sonla.reconcile.periods.period_years`) times what every year allows ("at least 35 a
  year" and "150 over the term" of five years contradict each other). A figure of a year so far
  (:func:`to_date`: "đến tháng 05/2025, …") is no year's figure and is not compared. A share for the whole
  period outside it is ``unresolved`` (a share of sums lies within the range of the yearly
  shares only when the bases are the same).
* :func:`check_targets` — a target against the result of its period, or of any year of it when
  the target holds every year (``target_outcome``). A result short of its target is
  ``explained`` (a plan and its outcome differ; nothing is inconsistent), unless the result's
  own clause says the target was met ("đạt/vượt chỉ tiêu", not "chưa đạt chỉ tiêu"), or its
  document says every target was met ("18/18 chỉ tiêu … đều đạt"): a ``contradiction``. A
  result written as a ratio (5/8 schools) is compared by its count (5) with a target count. A precise
  result (written with decimals) that equals its target exactly, stated before the period was
  over, is ``unresolved``: the target may have been reported as the result (whole counts of
  planned items — ten schemes, three breakthroughs — are often met exactly and are left alone).
  A target is never "consistent" with a result.
* :func:`check_term_end` — a share of a stock (``term_end_concepts``: schools meeting the
  standard, forest cover, insurance coverage — a state at a date, not a flow over the period)
  stated as the result of a term ("sau 5 năm … đạt 97,6%") against the same share stated for the
  term's last year ("ước đến năm 2025 … đạt 93,02%"; ``term_end``): the level reached at the end of
  a term is its last year's level, so the two must agree. When they do not, the difference is
  ``explained`` if the last year's figure is an estimate and the term's result was stated later (the
  estimate was revised); otherwise ``unresolved`` — the texts may count different sets, or one of
  the figures is wrong. Only disagreements are reported.
* :func:`check_estimates` — an estimate against a result of the same period stated later
  (``estimate_revision``): ``consistent`` when the result falls within what the estimate allows,
  ``explained`` (revised) when it does not; ``unresolved`` when the two are dated alike.

Direction of a target: a floor (the result should reach it) unless its clause makes it a
ceiling (``rules/findings.yaml``, ``ceiling_words``: "giảm xuống dưới", "không quá").
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from ..extract.claims import concept_of
from ..fidelity.dependence import date_order
from ..text.fold import fold_words, has_word, word_pattern
from .finding import describe, make_finding
from .intervals import fmt, relate, strict_interval
from .periods import period_span, period_years, same_period, span_length
from .preference import preferred
from .prepare import Evidence
from .rows import Row, group_rows, rows_of, same_place
from .severity import crosses, grade, interval_gap, value_gap

__all__ = ["check_every_year", "check_targets", "check_term_end", "check_estimates", "to_date"]

KEY = ["indicator", "geography", "unit"]


def _by_key(rows: list[Row]) -> dict[tuple, list[Row]]:
    return group_rows(rows, KEY)


def _has(text: str, words: list[str]) -> bool:
    return has_word(fold_words(text), words)


def says_met(text: str, words: dict) -> bool:
    """Whether the words say a target was met, not negated ("chưa đạt chỉ tiêu" is not met).

    >>> w = {"achievement_words": ["dat chi tieu", "dat va vuot"], "negation_words": ["chua", "khong"]}
    >>> says_met("ước đạt 97,3%, chưa đạt chỉ tiêu giao", w), says_met("đều đạt và vượt", w)
    (False, True)
    """
    return _says_met(text, tuple(words["achievement_words"]), frozenset(words["negation_words"]))


@lru_cache(maxsize=65536)  # a result's clause is asked once per target it may meet
def _says_met(text: str, achievement: tuple[str, ...], negation: frozenset[str]) -> bool:
    folded = fold_words(text)
    for w in achievement:
        for m in word_pattern(w).finditer(folded):
            before = folded[:m.start(0) + len(m.group(1))].split()[-2:]
            if not set(before) & negation:
                return True
    return False


def to_date(row: Row, words: dict) -> bool:
    r"""Whether a figure is its year's so far: a cut-off date inside its year stands before it in
    its sentence (``to_date_patterns``), "đến tháng 05/2025, … (đạt 87,7%)".

    >>> w = {"to_date_patterns": [r"den\s+(?:ngay\s+\d{1,2}/|thang\s+)(?P<month>\d{1,2})/(?P<year>\d{4})"]}
    >>> row = {"sentence": "đến tháng 05/2025, giải ngân đạt 87,7%", "text": "87,7%", "eff_period": "2025"}
    >>> to_date(row, w), to_date({**row, "sentence": "năm 2025 giải ngân đạt 87,7%"}, w)
    (True, False)
    >>> to_date({**row, "sentence": "giải ngân đạt 87,7% (đến tháng 05/2025)"}, w)
    False
    """
    sentence = fold_words(str(row["sentence"]))
    text = fold_words(re.sub(r"\s+", " ", str(row["text"])))
    before = sentence[:sentence.find(text)] if text in sentence else ""
    span = period_span(str(row["eff_period"]))
    for pattern in words.get("to_date_patterns", []):
        for m in re.finditer(pattern, before):
            if span and int(m.group("year")) == span[1] and int(m.group("month")) < 12:
                return True
    return False


def check_every_year(ev: Evidence) -> list[Row]:
    """A figure said to hold every year of its period against each single year's figure of the same
    indicator, place, unit and frame, from any source (``every_year``); see the module docstring."""
    obs = ev.observations
    rows = rows_of(obs) if len(obs) else []
    each = [r for r in rows if r["each_year"] and span_length(r["eff_period"]) >= 1]
    if not each:
        return []
    others = _by_key([r for r in rows if not r["each_year"]])
    findings = []
    for e in each:
        first, last = period_span(e["eff_period"])
        for other in others.get(tuple(e[k] for k in KEY), []):
            if not same_place(e, other) or other["frame"] != e["frame"] or not pd.isna(other["denominator"]) \
                    or not pd.isna(e["denominator"]):
                continue
            span = period_span(other["eff_period"])
            if span is None:
                continue
            if span[0] == span[1] and first <= span[0] <= last and e["frame"] in ("actual", "change") \
                    and not to_date(other, ev.words):
                findings.append(_every_year_single(e, other))
            elif span == (first, last) and e["unit"] not in ("percent", "percent_per_year") \
                    and e["frame"] != "change":
                finding = _every_year_total(e, other)
                if finding is not None:
                    findings.append(finding)
            elif e["unit"] == "percent" and same_period(e["eff_period"], e["period_inferred"],
                                                        other["eff_period"], other["period_inferred"]):
                if relate(e["interval"], other["interval"]) == "disjoint":
                    findings.append(_every_year_average(e, other))
    return findings


def _every_year_single(e: Row, year: Row) -> Row:
    disjoint = relate(e["interval"], year["interval"]) == "disjoint"
    status = "contradiction" if disjoint else "consistent"
    explanation = (
        f"{describe(e)} is said to hold every year of {e['eff_period']} "
        f"(allowing {e['interval']} each year); "
        f"{describe(year)} gives {year['eff_period']} (allowing {year['interval']}): "
        + ("that year falls outside what “every year” allows, so both cannot hold."
           if disjoint else "that year is within what “every year” allows.")
    )
    severity = grade(status, interval_gap(e["interval"], year["interval"]),
                     crosses([float(e["value"]), float(year["value"])],
                             [100.0] if e["unit"] == "percent" else []))
    return make_finding("every_year", "between:every-year", [e, year], status, severity, e, explanation)


def _every_year_total(e: Row, total: Row) -> Row | None:
    """A total for the whole period against the years times what every year allows."""
    years = period_years(e["eff_period"])
    low, high = e["interval"].lo * years, e["interval"].hi * years
    lo_ok = total["interval"].hi >= low
    hi_ok = total["interval"].lo <= high
    if lo_ok and hi_ok:
        return None
    explanation = (
        f"{describe(e)} is said to hold every year of {e['eff_period']}; over its {years} years that makes "
        f"between {fmt(low)} and {fmt(high)}, but {describe(total)} is given for the whole period "
        f"(allowing {total['interval']}): both cannot hold."
    )
    gap = value_gap(float(total["value"]), low if not lo_ok else high)
    return make_finding("every_year", "within:every-year-total", [e, total], "contradiction",
                        grade("contradiction", gap), total, explanation)


def _every_year_average(e: Row, term: Row) -> Row:
    explanation = (
        f"{describe(e)} is said to hold every year of {e['eff_period']}, and {describe(term)} is given for "
        f"the period as a whole: a share of the period's sums lies within the range of the yearly shares "
        f"when they are shares of the same base, and {term['interval']} lies outside {e['interval']}. "
        "Either the two rest on different bases (the plan of each year against the plan of the term) or "
        "one of them is wrong; the texts do not say which."
    )
    gap = interval_gap(e["interval"], term["interval"])
    return make_finding("every_year", "within:every-year-average", [e, term], "unresolved",
                        grade("unresolved", gap), term, explanation)


def check_targets(ev: Evidence) -> list[Row]:
    """A target against the result of its period, or of each of its years when it holds every year
    (``target_outcome``); see the module docstring."""
    obs = ev.observations
    if obs.empty:
        return []
    targets = rows_of(obs[obs["frame"] == "target"])
    all_met = _all_met(obs, ev.words)
    results = _by_key(rows_of(obs[obs["frame"].isin(["actual", "estimate", "change"])
                                  & ~obs["each_year"].astype(bool)]))
    findings = []
    for target in targets:
        if not pd.isna(target["denominator"]):
            continue
        span = period_span(target["eff_period"])
        if span is None:
            continue
        change = _is_change_target(target, ev.words)
        for result in results.get(tuple(target[k] for k in KEY), []):
            if (result["frame"] == "change") != change or not same_place(target, result):
                continue
            rspan = period_span(result["eff_period"])
            if rspan is None:
                continue
            of_period = rspan[1] == span[1] and rspan[0] >= span[0] - 1
            of_year = bool(target["each_year"]) and rspan[0] == rspan[1] and span[0] <= rspan[0] <= span[1]
            if of_period or of_year:
                claims_all = [c for c in all_met.get(result["document_id"], [])
                              if period_span(c["eff_period"]) and period_span(c["eff_period"])[1] == span[1]]
                finding = _target_finding(target, result, ev.words, whole=of_period and rspan[0] != rspan[1],
                                          all_met=claims_all[:1])
                if finding is not None:
                    findings.append(finding)
    return findings


def _is_change_target(target: Row, words: dict) -> bool:
    """A target for a change ("phấn đấu tăng 10%"), compared with results that are changes."""
    qualifiers = str(target.get("qualifiers", "") or "")
    if any(q in qualifiers.split(";") for q in words["change_qualifiers"]):
        return True
    clause, text = str(target["clause"]), str(target["text"])
    at = clause.find(text)
    before = fold_words(clause[max(0, at - 25):at]) if at >= 0 else ""
    if any(re.search(rf"\b{re.escape(w)}\b", before) for w in words["ceiling_words"]):
        return False  # "giảm xuống dưới 2%": a level to fall to
    return bool(re.search(r"\b(tang|giam)\b", before))


def _all_met(obs: pd.DataFrame, words: dict) -> dict[str, list[Row]]:
    """By document: statements that every target was met ("18/18 chỉ tiêu … đều đạt"): a ratio of
    whole targets whose count is its total, said to be met."""
    found: dict[str, list[Row]] = {}
    ratios = obs[obs["denominator"].notna() & (obs["value"] == obs["denominator"]) & (obs["value"] >= 2)]
    for row in rows_of(ratios):
        if row["unit"] == "criterion" and says_met(row["clause"], words):
            found.setdefault(row["document_id"], []).append(row)
    return found


def _target_finding(target: Row, result: Row, words: dict, whole: bool, all_met: list[Row]) -> Row | None:
    if not pd.isna(target["denominator"]):
        return None
    ceiling = _has(target["clause"], words["ceiling_words"])
    t, r = strict_interval(target), result["interval"]  # a target is exact: it is set, not measured
    if not pd.isna(result["denominator"]):
        r = type(r)(float(result["value"]), float(result["value"]))  # 5/8 schools: five of them
    short = r.lo > t.hi if ceiling else r.hi < t.lo
    word = "ceiling" if ceiling else "target"
    said_met = says_met(result["clause"], words)
    gap = interval_gap(t, r)
    if short and (said_met or all_met):
        where = ("is said to meet its target" if said_met else
                 f"stands in a document that says every target was met ({describe(all_met[0])})")
        explanation = (
            f"{describe(result)} {where}, but the {word} {describe(target)} for "
            f"{target['eff_period']} allows {t} and the result allows {r}: the result falls short of "
            f"the {word} by {100 * gap:.1f}%."
        )
        return make_finding("target_outcome", "plans:target-met", [target, result, *all_met], "contradiction",
                            grade("contradiction", gap, crossing=True), result, explanation)
    if short:
        explanation = (
            f"The result {describe(result)} for {result['eff_period']} falls short of the {word} "
            f"{describe(target)} for {target['eff_period']} (by {100 * gap:.1f}%): a plan and its outcome, "
            "not an inconsistency."
        )
        return make_finding("target_outcome", "plans:target-short", [target, result], "explained", "low",
                            result, explanation)
    # A precise figure (with decimals) met exactly: whole counts of planned items often are.
    exact = float(result["value"]) == float(target["value"]) and result["frame"] == "actual" \
        and int(result["decimals"]) >= 1 and pd.isna(result["denominator"])
    early = (date_order(str(result["source_date"]),
                        f"{period_span(target['eff_period'])[1]}-12-31") or 0) <= 0
    apart = target["document_id"] != result["document_id"] or target["sentence"] != result["sentence"]
    if exact and whole and early and apart:
        explanation = (
            f"The result {describe(result)} for {result['eff_period']} equals the {word} {describe(target)} "
            f"exactly ({fmt(float(target['value']))}), and it was stated before the period was over "
            f"(dated {result['source_date']}): the target may have been reported as the result. The texts "
            "do not give the measured value to tell."
        )
        return make_finding("target_outcome", "plans:target-as-result", [target, result], "unresolved",
                            grade("unresolved", None, crossing=True), result, explanation)
    return None


def check_term_end(ev: Evidence) -> list[Row]:
    """A stock's share stated for a term against the same share stated for its last year, from any
    source (``term_end``); see the module docstring."""
    obs = ev.observations
    stocks = set(ev.words.get("term_end_concepts", []))
    if obs.empty or not stocks:
        return []
    rows = [r for r in rows_of(obs) if concept_of(r["indicator"]) in stocks and not r["each_year"]
            and r["frame"] in ("actual", "estimate") and pd.isna(r["denominator"])]
    years = _by_key([r for r in rows if span_length(r["eff_period"]) == 0 and not to_date(r, ev.words)])
    findings = []
    for term in rows:
        if term["frame"] != "actual" or span_length(term["eff_period"]) < 1:
            continue
        last = period_span(term["eff_period"])[1]
        for year in years.get(tuple(term[k] for k in KEY), []):
            if period_span(year["eff_period"]) == (last, last) and same_place(term, year) \
                    and relate(term["interval"], year["interval"]) == "disjoint":
                findings.append(_term_end_finding(term, year))
    return findings


def _term_end_finding(term: Row, year: Row) -> Row:
    later = date_order(str(term["source_date"]), str(year["source_date"]))
    revised = year["frame"] == "estimate" and later is not None and later > 0
    gap = interval_gap(term["interval"], year["interval"])
    verdict = ("the estimate was stated earlier and revised when the term closed; the term's result is "
               "preferred." if revised else
               "both cannot be the level at the end of the term unless they count different sets, "
               "which the texts do not say.")
    explanation = (
        f"{describe(term)} is the level reached over {term['eff_period']}, which is the level of its last "
        f"year; {describe(year)} gives {year['eff_period']} (allowing {year['interval']}, against "
        f"{term['interval']}): {verdict}"
    )
    status = "explained" if revised else "unresolved"
    return make_finding("term_end", "plans:term-end", [term, year], status, grade(status, gap),
                        term if revised else preferred((term, year)), explanation)


def check_estimates(ev: Evidence) -> list[Row]:
    """An estimate against a result of the same indicator, place, unit and period stated in another
    document (``estimate_revision``); see the module docstring."""
    obs = ev.observations
    if obs.empty:
        return []
    estimates = rows_of(obs[obs["frame"] == "estimate"])
    results = _by_key(rows_of(obs[obs["frame"] == "actual"]))
    findings = []
    for estimate in estimates:
        for result in results.get(tuple(estimate[k] for k in KEY), []):
            if result["document_id"] == estimate["document_id"] or not same_place(estimate, result):
                continue
            if not same_period(estimate["eff_period"], estimate["period_inferred"], result["eff_period"],
                               result["period_inferred"]):
                continue
            if pd.isna(estimate["denominator"]) != pd.isna(result["denominator"]):
                continue
            order = date_order(str(result["source_date"]), str(estimate["source_date"]))
            if order is None or order < 0:
                continue
            findings.append(_estimate_finding(estimate, result, later=order > 0))
    return findings


def _estimate_finding(estimate: Row, result: Row, later: bool) -> Row:
    agree = relate(estimate["interval"], result["interval"]) != "disjoint"
    gap = interval_gap(estimate["interval"], result["interval"])
    if agree:
        status = "consistent"
        verdict = "the result falls within what the estimate allows."
    elif later:
        status = "explained"
        verdict = (f"the later result differs from the estimate by {100 * gap:.1f}%: the estimate was revised"
                   " "
                   "when the period closed; the result is preferred.")
    else:
        status = "unresolved"
        verdict = (f"they differ by {100 * gap:.1f}% and were stated at the same time, so a revision does "
                   "not explain it.")
    explanation = (
        f"The estimate {describe(estimate)} (dated {estimate['source_date']}) "
        f"and the result {describe(result)} "
        f"(dated {result['source_date']}) for {result['eff_period']}: {verdict}"
    )
    return make_finding("estimate_revision", "plans:estimate", [estimate, result], status, grade(status, gap),
                        preferred((estimate, result)), explanation)
