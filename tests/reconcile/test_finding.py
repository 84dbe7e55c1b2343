"""One finding: its stable id (sonla.reconcile.finding)."""

from __future__ import annotations

from findings_cases import make_claims, make_source, run

from sonla.reconcile.finding import finding_id


def test_finding_ids_are_stable_and_independent_of_order():
    assert finding_id("x", ["b", "a"]) == finding_id("x", ["a", "b"])
    a = make_source("a", "Tỷ lệ đạt 70,5%.")
    b = make_source("b", "Tỷ lệ đạt 70,5%.")
    ca = make_claims(a, [("70,5%", 70.5, "percent", "", "r", "2025")])
    cb = make_claims(b, [("70,5%", 70.5, "percent", "", "r", "2025")])
    first, again = run([a, b], [ca, cb]), run([a, b], [ca, cb])
    assert first.equals(again)
    assert list(first["finding_id"]) == list(run([b, a], [cb, ca])["finding_id"])
