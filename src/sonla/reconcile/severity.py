"""Severity: how much a difference would change what a reader takes from the sources.

A finding's severity grows with the size of the gap between what its claims allow and with what
the gap would change for a reader, not with the rule that found it:

* ``none`` — the claims agree (``consistent``, ``restated``);
* ``low`` — an explained difference (rounding, a copy's misreading, an estimate later revised,
  a change over time), or a contradiction or unresolved difference whose relative gap is under
  :data:`LOW_GAP` (2%: a "more than 4,051" against a "nearly 4,000" is a 1.3% gap);
* ``medium`` — a relative gap from 2% to under :data:`HIGH_GAP` (10%), or a contradiction whose
  gap cannot be measured (no common scale);
* ``high`` — a relative gap of 10% or more.

One level up (never above ``high``) when the gap *crosses a line the reader cares about*: one
side meets a stated target and the other does not, or one side is a full 100% and the other is
not. A rule may cap a finding's severity when the likeliest reading of the difference is benign
(a list after "trong đó" that names only examples) and says so in its explanation.

The relative gap (:func:`interval_gap`) is the distance between the two intervals of values the
claims allow (:mod:`~sonla.reconcile.intervals`) over the larger magnitude at which they come
closest: it is 0 when they overlap.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from .intervals import Interval

__all__ = ["LOW_GAP", "HIGH_GAP", "LEVELS", "interval_gap", "value_gap", "crosses", "grade"]

LOW_GAP = 0.02
HIGH_GAP = 0.10
LEVELS = ("none", "low", "medium", "high")


def interval_gap(a: Interval, b: Interval) -> float:
    """Relative distance between two intervals (0 when they overlap).

    >>> round(interval_gap(Interval(4051, math.inf, True), Interval(3800, 4000, True, True)), 4)
    0.0126
    >>> interval_gap(Interval(1, 3), Interval(2, 4))
    0.0
    """
    if a.overlaps(b):
        return 0.0
    low, high = (a, b) if a.hi <= b.lo else (b, a)
    near_low, near_high = low.hi, high.lo
    scale = max(abs(near_low), abs(near_high))
    if scale == 0 or math.isinf(scale):
        return math.inf
    return (near_high - near_low) / scale


def value_gap(x: float, y: float) -> float:
    """Relative difference of two values (over the larger magnitude).

    >>> value_gap(87.7, 87.2219) < 0.01, value_gap(0, 0)
    (True, 0.0)
    """
    scale = max(abs(x), abs(y))
    return 0.0 if scale == 0 else abs(x - y) / scale


def crosses(values: Iterable[float], thresholds: Iterable[float]) -> bool:
    """Whether a stated threshold lies strictly between the lowest and highest value, or exactly
    at one end but not the other (one side meets it, the other does not).

    >>> crosses([96.2, 100.0], [100.0]), crosses([87.2, 87.7], [100.0]), crosses([60, 75], [70])
    (True, False, True)
    """
    values = list(values)
    if not values:
        return False
    lo, hi = min(values), max(values)
    return any(lo < t <= hi and lo != hi for t in thresholds)


def grade(status: str, gap: float | None = None, crossing: bool = False, cap: str | None = None) -> str:
    """The severity of a finding (see the module docstring).

    >>> grade("contradiction", 0.0126), grade("contradiction", 0.05), grade("unresolved", 0.3)
    ('low', 'medium', 'high')
    >>> grade("contradiction", 0.005, crossing=True), grade("consistent", 0.5), grade("explained", 0.4)
    ('medium', 'none', 'low')
    >>> grade("contradiction"), grade("unresolved"), grade("unresolved", 0.3, cap="low")
    ('medium', 'low', 'low')
    """
    if status in ("consistent", "restated"):
        return "none"
    if status == "explained":
        return "low"
    if gap is None or (isinstance(gap, float) and math.isnan(gap)):
        level = 2 if status == "contradiction" else 1
    else:
        level = 1 if gap < LOW_GAP else 2 if gap < HIGH_GAP else 3
    if crossing:
        level = min(3, level + 1)
    if cap is not None:
        level = min(level, LEVELS.index(cap))
    return LEVELS[level]
