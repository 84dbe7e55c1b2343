"""What one quantity claim allows: an interval from its qualifier and its reported precision.

Every comparison of the reconciliation is a comparison of intervals (:func:`relate`); the
GRIM-style checks ask which whole counts a percentage at its precision allows.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .params import Params
from .rows import Row

__all__ = ["INF", "BOUNDING_QUALIFIERS", "Interval", "fmt", "reported_decimals", "claim_interval",
           "strict_interval", "relate", "share_a_value", "grim_possible", "implied_denominators"]

# Qualifiers that bound a value from one side or widen it (the others state a point value).
BOUNDING_QUALIFIERS = {"more_than", "nearly", "about", "at_least"}
INF = math.inf


@dataclass(frozen=True)
class Interval:
    """A set of real numbers a claim allows: ``lo``..``hi`` with open or closed ends."""

    lo: float
    hi: float
    lo_open: bool = False
    hi_open: bool = False

    def __str__(self) -> str:
        left = "(" if self.lo_open or math.isinf(self.lo) else "["
        right = ")" if self.hi_open or math.isinf(self.hi) else "]"
        return f"{left}{fmt(self.lo)}, {fmt(self.hi)}{right}"

    def contains(self, x: float) -> bool:
        above = x > self.lo if self.lo_open else x >= self.lo
        below = x < self.hi if self.hi_open else x <= self.hi
        return above and below

    def overlaps(self, other: Interval) -> bool:
        lo, lo_open = max((self.lo, self.lo_open), (other.lo, other.lo_open))
        hi, hi_open = min((self.hi, not self.hi_open), (other.hi, not other.hi_open))
        hi_open = not hi_open
        if lo < hi:
            return True
        return lo == hi and not lo_open and not hi_open

    def __add__(self, other: Interval) -> Interval:
        return Interval(self.lo + other.lo, self.hi + other.hi,
                        self.lo_open or other.lo_open, self.hi_open or other.hi_open)


def fmt(x: float) -> str:
    """A number for explanations: integers without decimals, others to at most 6 significant digits.

    >>> fmt(4051.0), fmt(87.2219), fmt(math.inf)
    ('4,051', '87.2219', '∞')
    """
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.6g}" if abs(x) < 1000 else f"{x:,.1f}"


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def reported_decimals(text: str, value: float) -> int:
    """How many decimals the claim's own digits report (0 for whole numbers).

    Read from the digits as written, not from the float, so "98,50%" keeps its two decimals.

    >>> reported_decimals("87,7%", 87.7), reported_decimals("4.051 tỷ đồng", 4051.0)
    (1, 0)
    >>> reported_decimals("98,50%", 98.5), reported_decimals("92.86%", 92.86)
    (2, 2)
    >>> reported_decimals("no digits", 3.0)
    0
    """
    match = _NUMBER.search(text or "")
    if not match or value is None or (isinstance(value, float) and math.isnan(value)):
        return 0
    digits = re.sub(r"\D", "", match.group())
    for decimals in range(0, 5):
        if round(abs(value) * 10**decimals) == int(digits):
            return decimals
    token = match.group()
    tail = re.split(r"[.,]", token)[-1] if re.search(r"[.,]", token) else ""
    return len(tail) if "," in token else 0


def claim_interval(value: float, qualifier: str, text: str = "", params: Params = Params(),
                   decimals: int | None = None, value_high: float | None = None) -> Interval:
    """The values a quantity claim allows, from its qualifier and its reported precision.

    Plain, reached and estimated values cover ± half a unit of the last reported digit;
    ``more_than`` (hơn, trên) → (v, ∞); ``at_least`` → [v, ∞); ``nearly`` (gần) →
    (v·(1−tol), v); ``about`` (khoảng) → v·(1±tol).

    >>> str(claim_interval(87.7, "", "87,7%"))
    '[87.65, 87.75]'
    >>> str(claim_interval(4051, "more_than", "4.051"))
    '(4,051, ∞)'
    >>> str(claim_interval(4000, "nearly", "4.000"))
    '(3,800, 4,000)'
    >>> str(claim_interval(7, "", "7-8%", value_high=8))
    '[6.5, 8.5]'
    """
    if decimals is None or (isinstance(decimals, float) and math.isnan(decimals)):
        decimals = reported_decimals(text, value)
    half = 0.5 * 10 ** -int(decimals)
    if value_high is not None and not math.isnan(value_high) and value_high > value:
        if qualifier in ("more_than", "at_least"):
            return Interval(value, INF, lo_open=qualifier == "more_than")
        return Interval(value - half, value_high + half)  # a range "7-8%": both ends as written
    if qualifier == "more_than":
        return Interval(value, INF, lo_open=True)
    if qualifier == "at_least":
        return Interval(value, INF)
    if qualifier == "nearly":
        return Interval(value * (1 - params.nearly_tol), value, lo_open=True, hi_open=True)
    if qualifier == "about":
        return Interval(value * (1 - params.about_tol), value * (1 + params.about_tol))
    return Interval(value - half, value + half)


def strict_interval(claim: Row) -> Interval:
    """The claim's interval taken at face value: qualifiers honoured, no rounding allowance."""
    value, qualifier = float(claim["value"]), str(claim["qualifier"])
    if qualifier in BOUNDING_QUALIFIERS:
        return claim["interval"]
    return Interval(value, value)


def relate(a: Interval, b: Interval) -> str:
    """``identical``, ``overlap`` or ``disjoint``.

    >>> relate(Interval(4051, INF, True), Interval(3800, 4000, True, True))
    'disjoint'
    >>> relate(Interval(99.305, 99.315), Interval(99.25, 99.35))
    'overlap'
    """
    if a == b:
        return "identical"
    return "overlap" if a.overlaps(b) else "disjoint"


def share_a_value(intervals: Iterable[Interval]) -> bool:
    """Whether the intervals allow a common value (every two of them overlap).

    Intervals on a line that overlap pairwise share a point (Helly), so they are intersected all
    at once. (Equal intervals count as agreeing, as in :func:`relate`, hence the set.)

    >>> share_a_value([Interval(1, 3), Interval(2, 4), Interval(3, 5)])
    True
    >>> share_a_value([Interval(1, 3, hi_open=True), Interval(3, 5)])
    False
    """
    intervals = set(intervals)
    if len(intervals) < 2:
        return True
    lo, lo_open = max((i.lo, i.lo_open) for i in intervals)
    hi, hi_closed = min((i.hi, not i.hi_open) for i in intervals)
    return lo < hi or (lo == hi and not lo_open and hi_closed)


def grim_possible(percent: Interval, n: int) -> list[int]:
    """The integers k with 100·k/n inside ``percent`` (empty: no k works — the GRIM idea).

    >>> grim_possible(claim_interval(87.7, "", "87,7"), 1573)
    [1379, 1380]
    >>> grim_possible(claim_interval(75, "", "75"), 68)
    [51]
    """
    lo = max(0, math.floor(percent.lo * n / 100) - 1)
    hi = math.ceil(min(percent.hi, 1000) * n / 100) + 1
    return [k for k in range(lo, hi + 1) if percent.contains(100 * k / n)]


def implied_denominators(percent: Interval, max_n: int = 100) -> list[int]:
    """The denominators n ≤ ``max_n`` for which some whole k gives 100·k/n within ``percent``.

    >>> implied_denominators(claim_interval(40.9, "", "40,9"), 25)
    [22]
    >>> implied_denominators(claim_interval(66.67, "", "66,67"), 10)
    [3, 6, 9]
    """
    return [n for n in range(1, max_n + 1) if grim_possible(percent, n)]
