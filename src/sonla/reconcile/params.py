"""The tolerances and the reference period of the reconciliation (one object, passed to every rule)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Params"]


@dataclass(frozen=True)
class Params:
    """Tolerances and the reference period (the notebooks expose them as papermill parameters).

    ``about_tol``: relative half-width of "khoảng" (about); ``nearly_tol``: how far below its
    number "gần" (nearly) may go; ``max_denominator``: largest n tried for implied denominators;
    ``max_growth``: largest yearly growth a projection may need and still count as plausible;
    ``growth_margin``: how many points a year a projection may need above the growth of the
    recent years (``recent_years``: how far back the results that show that growth may lie);
    ``reference_period``: the term the book reconciles; the chapters list the indicators of this
    term first (claims of a period that ends in the same year and starts at most one year later
    belong to the same term, e.g. 2021-2025 within 2020-2025: see
    :func:`~sonla.reconcile.periods.same_period`).
    """

    about_tol: float = 0.05
    nearly_tol: float = 0.05
    max_denominator: int = 100
    max_growth: float = 0.5
    growth_margin: float = 0.1
    recent_years: int = 5
    reference_period: str = "2020-2025"
