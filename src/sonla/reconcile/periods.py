"""Periods of claims: spans of years, one term written two ways, plans and results.

A claim's period is ``YYYY`` or ``YYYY-YYYY`` (``claims.csv``); a claim without one takes its
source's year (``eff_period``). Two periods are one when :func:`same_period` says so.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .rows import Row

__all__ = ["period_span", "span_length", "period_years", "same_period", "canonical_period", "ends_after",
           "period_buckets"]


@lru_cache(maxsize=8192)  # asked millions of times of a few hundred distinct periods
def period_span(period: str) -> tuple[int, int] | None:
    """(first year, last year) of ``YYYY`` or ``YYYY-YYYY``; None for anything else.

    >>> period_span("2020-2025"), period_span("2024"), period_span("")
    ((2020, 2025), (2024, 2024), None)
    """
    match = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", period or "")
    if not match:
        return None
    start = int(match.group(1))
    return start, int(match.group(2) or start)


def span_length(period: str) -> int:
    """Years from the first to the last of a period (0 for one year, -1 for no period)."""
    span = period_span(period)
    return span[1] - span[0] if span else -1


def period_years(period: str) -> int:
    """How many years a period covers: a term of five years or more is written from the last year
    of the term before ("2020-2025" is five years); a shorter span counts both ends.

    >>> period_years("2020-2025"), period_years("2021-2025"), period_years("2023-2024"), period_years("2024")
    (5, 5, 2, 1)
    """
    span = period_span(period)
    if not span:
        return 0
    length = span[1] - span[0]
    return length if length >= 5 else length + 1


def canonical_period(period: str, reference: str) -> str:
    """The reference term for any period that is the same term (see :func:`same_period`), else itself.

    >>> canonical_period("2021-2025", "2020-2025"), canonical_period("2024", "2020-2025")
    ('2020-2025', '2024')
    """
    return reference if period != reference and same_period(period, False, reference, False) else period


def same_period(p1: str, inferred1: bool, p2: str, inferred2: bool) -> bool:
    """Whether two claims speak of one period.

    Equal periods match; two terms ending in the same year match when their starts differ by
    at most one year (2021-2025 is the 2020-2025 term's investment plan); a year inferred from a
    source's date matches a stated period ending that year (a cumulative "so far" figure).

    >>> same_period("2021-2025", False, "2020-2025", False), same_period("2025", True, "2020-2025", False)
    (True, True)
    >>> same_period("2024", True, "2025", True)
    False
    """
    if p1 == p2:
        return True
    s1, s2 = period_span(p1), period_span(p2)
    if not s1 or not s2:
        return False
    if s1[1] != s2[1]:
        return False
    if inferred1 and s1[0] == s1[1] or inferred2 and s2[0] == s2[1]:
        return True
    return s1[0] != s1[1] and s2[0] != s2[1] and abs(s1[0] - s2[0]) <= 1


def ends_after(period: str, source_date: str) -> bool:
    """A period that ends after the year its source is dated is a plan, not a result.

    >>> ends_after("2025-2030", "2025-07"), ends_after("2020-2025", "2025-07")
    (True, False)
    """
    span = period_span(period)
    year = re.match(r"\d{4}", source_date or "")
    return bool(span and year and span[1] > int(year.group()))


def period_buckets(rows: list[Row]) -> list[list[Row]]:
    """Rows put in buckets of one period: each row joins the first bucket (in order of creation)
    whose first row speaks of the same period (:func:`same_period`), else opens a new one.

    Only a bucket whose head has the same period text or a period ending in the same year can
    match, so the candidates are looked up by those two keys instead of scanning every bucket
    (the number of periods grows with the corpus).
    """
    buckets: list[list[Row]] = []
    by_text: dict[str, list[int]] = {}
    by_end: dict[int, list[int]] = {}
    for row in rows:
        period, inferred = row["eff_period"], row["period_inferred"]
        span = period_span(period)
        candidates = sorted({*by_text.get(period, ()), *(by_end.get(span[1], ()) if span else ())})
        for index in candidates:
            head = buckets[index][0]
            if same_period(head["eff_period"], head["period_inferred"], period, inferred):
                buckets[index].append(row)
                break
        else:
            by_text.setdefault(period, []).append(len(buckets))
            if span:
                by_end.setdefault(span[1], []).append(len(buckets))
            buckets.append([row])
    return buckets
