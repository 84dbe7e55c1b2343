"""Within a sentence: the arithmetic a document states about its own numbers.

A stated percentage against its own numerator and denominator (GRIM-style,
``arithmetic_mismatch`` or ``consistent``), percentages that share a small implied denominator
(``implied_denominator``), growth and multiples against a named year (``implied_baseline``), two
baselines of one change that must agree, and a stated yearly rate against two dated levels.
(Parts against their total, anywhere in a passage, are :mod:`~sonla.reconcile.parts`.) The rules
read one copy of each document (its reference), so a copy error never counts twice. Where the
book recomputes a figure, the figure as stated stays the preferred value (the preference policy:
stated over derived); the recomputed one is in the explanation.
"""

from __future__ import annotations

import re
from itertools import combinations

import pandas as pd

from ..sources import Source
from ..text.fold import fold_words
from .finding import make_finding, quote, unit_of
from .intervals import Interval, fmt, grim_possible, implied_denominators
from .periods import period_span, span_length
from .prepare import Evidence
from .rows import Row, by_start, same_sentence, sentence_rows, source_rows
from .severity import crosses, grade, interval_gap

__all__ = ["check_percentages", "find_implied_denominators", "find_implied_baselines",
           "check_baselines", "check_rates", "grim_finding"]


def _links_share(between: str, words: dict) -> bool:
    """The words between a ratio and a percentage say the percentage is that ratio's share."""
    folded = fold_words(between)
    if ";" in folded:
        return False
    return "(" in folded or any(re.search(rf"\b{re.escape(w)}\b", folded) for w in words["share_links"])


def check_percentages(ev: Evidence) -> list[Row]:
    """A ratio a/b followed in the same sentence by its percentage: is the percentage the ratio at its
    reported precision (GRIM-style)? ``consistent`` or ``arithmetic_mismatch``."""
    findings = []
    texts, words = ev.texts, ev.words
    for rows in source_rows(ev.reference).values():
        for i, ratio in enumerate(rows):
            if pd.isna(ratio["denominator"]) or not ratio["denominator"]:
                pair = _slash_pair(rows, i, texts)
                if pair is None:
                    continue
                ratio = pair
            source = texts[ratio["source_id"]]
            nxt = next((r for r in rows[i + 1:i + 4] if r["unit"] == "percent"
                        and same_sentence(ratio, r)
                        and int(r["start"]) - int(rows[i + _width(ratio) - 1]["end"]) <= 60
                        and _links_share(source.text[int(rows[i]["end"]):int(r["start"])], words)), None)
            if nxt is None:
                continue
            findings.append(grim_finding(ratio, nxt))
    return findings


def _width(ratio: Row) -> int:
    """How many claims a ratio spans (two when it was read from "a/b" written as two claims)."""
    members = ratio.get("claim_list")
    return len(members) if isinstance(members, list) else 1


def _slash_pair(rows: list[Row], i: int, texts: dict[str, Source]) -> Row | None:
    """Two claims of one unit written "a tỷ đồng/b tỷ đồng" read as one ratio a/b (or None)."""
    if i + 1 >= len(rows):
        return None
    a, b = rows[i], rows[i + 1]
    between = texts[a["source_id"]].text[int(a["end"]):int(b["start"])]
    if a["unit"] != b["unit"] or "/" not in between or len(between.strip()) > 12 \
            or not pd.isna(b["denominator"]):
        return None
    ratio = a.copy()
    ratio["denominator"] = float(b["value"])
    ratio["text"] = re.sub(r"\s+", " ", texts[a["source_id"]].text[int(a["start"]):int(b["end"])])
    ratio["claim_list"] = [a["claim_id"], b["claim_id"]]
    return ratio


def grim_finding(ratio: Row, percent: Row, rule: str = "within:grim") -> Row:
    """A ratio a/b against the percentage stated for it: ``consistent`` when the percentage is the
    ratio at its reported precision, else ``arithmetic_mismatch`` (severity by the gap between the
    stated interval and the ratio; the stated percentage stays the preferred value)."""
    a, b = float(ratio["value"]), float(ratio["denominator"])
    exact = 100 * a / b
    interval = percent["interval"]
    decimals = int(percent["decimals"])
    held = interval.contains(exact)
    ks = grim_possible(interval, int(b)) if b.is_integer() else []
    if held:
        status, severity, kind = "consistent", "none", "consistent"
        verdict = "the stated percentage is the ratio correctly rounded"
    else:
        status, kind = "contradiction", "arithmetic_mismatch"
        crossing = crosses([exact, float(percent["value"])], [100.0])
        severity = grade(status, interval_gap(interval, Interval(exact, exact)), crossing)
        verdict = (f"the stated percentage is not the ratio at its precision; with the same "
                   f"denominator it would need a numerator of {', '.join(fmt(k) for k in ks[:3]) or 'none'}"
                   f", and the ratio rounds to {exact:.{decimals}f}%. The stated figure stays the preferred "
                   "value (the book does not put its own arithmetic in a document's place)")
    explanation = (
        f"In {ratio['source_id']}, “{ratio['text']}” gives {fmt(a)}/{fmt(b)} = {exact:.3f}%, and the "
        f"text states “{percent['text']}”, which at {decimals} decimal(s) allows {interval}: {verdict}."
    )
    return make_finding(kind, rule, [ratio, percent], status, severity, percent, explanation)


def find_implied_denominators(ev: Evidence) -> list[Row]:
    """Percentages with decimals in one sentence that share a small implied denominator
    (``implied_denominator``): consistent when the sentence states that number too."""
    findings = []
    params = ev.params
    for sentence in sentence_rows(ev.reference):
        pct = [r for r in by_start(sentence)
               if r["unit"] == "percent" and r["qualifier"] in ("", "reached")
               and int(r["decimals"]) >= 1 and 0 < r["value"] < 100]
        if len(pct) < 2:
            continue
        common: set[int] | None = None
        for r in pct:
            ns = set(implied_denominators(r["interval"], params.max_denominator))
            common = ns if common is None else common & ns
        if not common:
            continue
        n = min(common)
        counts = [r for r in sentence if r["unit"] != "percent" and r["value"] == n]
        if len(pct) < 3 and not counts:
            continue
        ks = ", ".join(f"“{r['text']}” = {grim_possible(r['interval'], n)[0]}/{n}" for r in pct)
        stated = f" The same sentence states {n} (“{counts[0]['text']}”)." if counts else ""
        explanation = (
            f"In {pct[0]['source_id']}, {len(pct)} percentages in one sentence are all reproduced by "
            f"whole counts out of n = {n}, the smallest denominator that fits them all at their "
            f"reported precision: {ks}.{stated}"
        )
        status = "consistent" if counts else "unresolved"
        findings.append(make_finding("implied_denominator", "within:implied-n", pct + counts, status,
                                     "none" if counts else "low", f"n = {n}", explanation))
    return findings


def find_implied_baselines(ev: Evidence) -> list[Row]:
    """A change "so với năm YYYY" after a level: the baseline it implies (``implied_baseline``;
    for a percentage, both the percentage-point and the relative reading)."""
    findings = []
    words = ev.words
    pattern = re.compile(words["baseline_pattern"])
    for source_id, rows in source_rows(ev.reference).items():
        source = ev.texts[source_id]
        for i, change in enumerate(rows):
            if change["unit"] not in {"percent", "times"} or i == 0:
                continue
            tail = fold_words(source.text[int(change["end"]):int(change["end"]) + words["baseline_window"]])
            match = pattern.match(tail.strip()) or pattern.search(tail[:25])
            if not match:
                continue
            level_at = next((k for k in range(i - 1, -1, -1)
                             if rows[k]["qualifier"] not in words["change_qualifiers"]), None)
            if level_at is None:
                continue
            level = rows[level_at]
            if not (same_sentence(level, change) and int(change["start"]) - int(level["end"]) <= 60
                    and level["unit"] != "times"):
                continue
            if level_at < i - 1:
                continue  # a count change sits between: the three-claim baseline check covers it
            findings.append(_baseline_finding(level, change, int(match.group(1)), source))
    return findings


def _baseline_finding(level: Row, change: Row, year: int, source: Source) -> Row:
    value, c = float(level["value"]), float(change["value"])
    ci = change["interval"]
    span = period_span(level["period"] or change["period"] or source.date[:4])
    end_year = span[1] if span else None
    years = (end_year - year) if end_year else None
    before = fold_words(source.text[max(0, int(change["start"]) - 12):int(change["start"])])
    decreasing = change["qualifier"] == "decrease" or "giam" in before
    increasing = change["qualifier"] == "increase" or "tang" in before
    sign = -1 if decreasing else 1
    if change["unit"] == "times":
        base = value / c
        lo, hi = value / ci.hi, value / ci.lo
        rate = f"; over {years} years that is {100 * (c ** (1 / years) - 1):.1f}% a year" if years else ""
        explanation = (
            f"In {level['source_id']}, “{level['text']}” is said to be {change['text']} the {year} value: "
            f"the implied {year} baseline is {fmt(base)} (between {fmt(lo)} and {fmt(hi)} at the "
            f"reported precision){rate}. The texts give no {year} value to check it against."
        )
        return make_finding("implied_baseline", "within:baseline", [level, change], "unresolved", "low",
                            f"{year}: ≈ {fmt(round(base, 1))} {unit_of(level)}".strip(), explanation)
    points = value - sign * c
    relative = value / (1 + sign * c / 100)
    if level["unit"] == "percent":
        explanation = (
            f"In {level['source_id']}, “{level['text']}” is followed by “{change['text']}” compared with "
            f"{year}. Read as percentage points the {year} level was {points:.1f}%; read as a relative "
            f"change it was {relative:.2f}%. The text does not say which; both readings are reported."
        )
        return make_finding("implied_baseline", "within:baseline", [level, change], "unresolved", "low",
                            f"{year}: {points:.1f}% (points) or {relative:.2f}% (relative)", explanation)
    if not (increasing or decreasing):
        ratio_base = value / (c / 100)
        explanation = (
            f"In {level['source_id']}, “{level['text']}” is “{change['text']}” of the {year} value: the "
            f"implied {year} baseline is {fmt(round(ratio_base, 1))} {unit_of(level)}."
        )
        return make_finding("implied_baseline", "within:baseline", [level, change], "unresolved", "low",
                            f"{year}: ≈ {fmt(round(ratio_base, 1))} {unit_of(level)}".strip(), explanation)
    other = ""
    if c >= 100 and increasing:
        other = (f" Writers sometimes put “tăng {change['text']}” for “bằng {change['text']}” (equal to "
                 f"that share of the {year} value); read so, the baseline is "
                 f"{fmt(round(value / (c / 100), 1))}. Both readings are reported.")
    explanation = (
        f"In {level['source_id']}, “{level['text']}” with a change of “{change['text']}” compared with "
        f"{year} implies a {year} baseline of {fmt(round(relative, 1))} {unit_of(level)}.{other}"
    )
    return make_finding("implied_baseline", "within:baseline", [level, change], "unresolved", "low",
                        f"{year}: ≈ {fmt(round(relative, 1))} {unit_of(level)}".strip(), explanation)


def check_baselines(ev: Evidence) -> list[Row]:
    """A level, a change in its unit and a percentage change in one sentence: the two baselines
    they imply must agree (``implied_baseline`` consistent, or ``arithmetic_mismatch``).

    e.g. "còn 63 hộ (giảm 19 hộ, giảm 23,2% so với năm 2023)": the baseline from the count
    (63 + 19) and from the percentage (19 / 0.232) must agree.
    """
    findings = []
    words = ev.words
    for rows in source_rows(ev.reference).values():
        for i in range(len(rows) - 2):
            level, delta, pct = rows[i], rows[i + 1], rows[i + 2]
            if not (same_sentence(level, delta) and same_sentence(delta, pct)):
                continue
            if not (level["unit"] == delta["unit"] and level["unit"] not in {"percent", "times"}
                    and pct["unit"] == "percent"
                    and delta["qualifier"] in words["change_qualifiers"]
                    and pct["qualifier"] in words["change_qualifiers"]):
                continue
            sign = -1 if delta["qualifier"] == "decrease" else 1
            from_count = float(level["value"]) - sign * float(delta["value"])
            pi = pct["interval"]
            lo, hi = float(delta["value"]) / (pi.hi / 100), float(delta["value"]) / (pi.lo / 100)
            held = lo - 0.5 <= from_count <= hi + 0.5
            explanation = (
                f"In {level['source_id']}, “{level['text']}” with a change of “{delta['text']}” implies a "
                f"baseline of {fmt(from_count)}; the change “{pct['text']}” implies a baseline between "
                f"{fmt(lo)} and {fmt(hi)}. " + ("The two agree." if held else "The two disagree.")
            )
            status = "consistent" if held else "contradiction"
            gap = interval_gap(Interval(from_count - 0.5, from_count + 0.5), Interval(lo, hi))
            findings.append(make_finding(
                "implied_baseline" if held else "arithmetic_mismatch", "within:baseline-check",
                [level, delta, pct], status, grade(status, gap),
                f"baseline {fmt(from_count)} {unit_of(level)}".strip(), explanation))
    return findings


def check_rates(ev: Evidence) -> list[Row]:
    """A level in one year, a level in a later year, and a stated yearly rate in one sentence
    ("giảm từ 145 hộ (2021) xuống còn 63 hộ (2024), ... giảm trên 20%/năm"): recompute the
    compound yearly rate between the two levels and check it against the stated one
    (``consistent`` or ``arithmetic_mismatch``)."""
    findings = []
    for sentence in sentence_rows(ev.reference):
        rows = by_start(sentence)
        rates = [r for r in rows if r["unit"] == "percent_per_year"]
        for rate in rates:
            levels = [r for r in rows if int(r["start"]) < int(rate["start"]) and r["unit"] not in
                      ("percent", "percent_per_year", "times") and period_span(r["period"])
                      and span_length(r["period"]) == 0]
            pair = next(((a, b) for a, b in combinations(levels, 2)
                         if a["unit"] == b["unit"] and a["indicator"] == b["indicator"]
                         and period_span(a["period"])[0] < period_span(b["period"])[0]
                         and float(a["value"]) > 0 and float(b["value"]) > 0), None)
            if pair is None:
                continue
            findings.append(_rate_finding(*pair, rate, ev.texts[rate["source_id"]]))
    return findings


def _rate_finding(first: Row, last: Row, rate: Row, source: Source) -> Row:
    years = period_span(last["period"])[0] - period_span(first["period"])[0]
    ratio = float(last["value"]) / float(first["value"])
    before = fold_words(source.text[max(0, int(rate["start"]) - 20):int(rate["start"])])
    falling = "giam" in before or rate["qualifier"] == "decrease" or ratio < 1
    computed = 100 * (1 - ratio ** (1 / years)) if falling else 100 * (ratio ** (1 / years) - 1)
    held = rate["interval"].contains(computed)
    word = "fall" if falling else "growth"
    explanation = (
        f"In {rate['source_id']}, {quote(first)} in {first['period']} and {quote(last)} in "
        f"{last['period']} imply a compound yearly {word} of {computed:.1f}% over {years} years; the text "
        f"states “{quote(rate)}”, which allows {rate['interval']}: "
        + ("the stated rate holds." if held else "the stated rate does not follow from the two levels.")
    )
    status = "consistent" if held else "contradiction"
    gap = interval_gap(rate["interval"], Interval(computed, computed))
    return make_finding("consistent" if held else "arithmetic_mismatch", "within:rate", [first, last, rate],
                        status, grade(status, gap), rate, explanation)
