"""Severity by the size of the gap and what it changes for a reader (sonla.reconcile.severity)."""

from __future__ import annotations

import pytest
from findings_cases import make_claims, make_source, run

from sonla.reconcile.intervals import Interval
from sonla.reconcile.severity import crosses, grade, interval_gap

CASES = [
    # (id, value a, qualifier a, value b, qualifier b, severity of the conflict)
    ("a-1.3%-gap-is-low", 4051, "more_than", 4000, "nearly", "low"),
    ("a-5%-gap-is-medium", 4200, "", 4000, "", "medium"),
    ("a-25%-gap-is-high", 5000, "", 4000, "", "high"),
]


@pytest.mark.parametrize("va, qa, vb, qb, severity", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_severity_grows_with_the_gap(va, qa, vb, qb, severity):
    a = make_source("a", f"Tổng mức đầu tư {va} tỷ đồng.", kind="report")
    b = make_source("b", f"Tổng mức đầu tư {vb} tỷ đồng.")
    ca = make_claims(a, [(f"{va} tỷ đồng", va, "bn_vnd", qa, "investment", "2020-2025")])
    cb = make_claims(b, [(f"{vb} tỷ đồng", vb, "bn_vnd", qb, "investment", "2020-2025")])
    out = run([a, b], [ca, cb])
    row = out[out["status"] == "contradiction"]
    assert row["severity"].tolist() == [severity]


def test_crossing_a_stated_target_raises_the_severity():
    a = make_source("a", "Tỷ lệ đạt 70,4%. Phấn đấu đạt 70,5%.", kind="report")
    b = make_source("b", "Tỷ lệ đạt 70,9%.")
    ca = make_claims(a, [("70,4%", 70.4, "percent", "", "rate", "2020-2025"),
                         ("70,5%", 70.5, "percent", "target", "rate", "2020-2025")])
    cb = make_claims(b, [("70,9%", 70.9, "percent", "", "rate", "2020-2025")])
    out = run([a, b], [ca, cb])
    row = out[out["kind"] == "value_conflict"]
    assert row["severity"].tolist() == ["medium"]  # a 0.6% gap, but one side meets the target


def test_the_gap_is_relative_to_the_values():
    assert interval_gap(Interval(0.02, 0.03), Interval(0.2, 0.3)) > 0.8
    assert crosses([99.0, 100.0], [100.0]) and not crosses([100.0, 100.0], [100.0])
    assert grade("restated", 0.9) == "none"
