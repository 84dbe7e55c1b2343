"""What one claim allows: intervals from qualifiers and precision, GRIM (sonla.reconcile.intervals)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sonla.reconcile.intervals import (
    Interval,
    claim_interval,
    grim_possible,
    implied_denominators,
    relate,
    reported_decimals,
    share_a_value,
)

INTERVAL_CASES = [
    # (id, value, qualifier, text, expected interval)
    ("plain-87,7%", 87.7, "", "87,7%", Interval(87.65, 87.75)),
    ("hon-4.051", 4051, "more_than", "4.051 tỷ đồng", Interval(4051, math.inf, lo_open=True)),
    ("gan-4.000", 4000, "nearly", "4.000 tỷ đồng", Interval(3800, 4000, True, True)),
    ("khoang-2.000", 2000, "about", "2.000 tấn", Interval(1900, 2100)),
    ("toi-thieu-20%", 20, "at_least", "20%", Interval(20, math.inf)),
    ("plain-98.50%-target-style", 98.5, "", "98.50%", Interval(98.495, 98.505)),
]


@pytest.mark.parametrize("value, qualifier, text, expected",
                         [c[1:] for c in INTERVAL_CASES], ids=[c[0] for c in INTERVAL_CASES])
def test_claim_interval(value, qualifier, text, expected):
    got = claim_interval(value, qualifier, text)
    assert got.lo == pytest.approx(expected.lo) and got.hi == pytest.approx(expected.hi)
    assert (got.lo_open, got.hi_open) == (expected.lo_open, expected.hi_open)


def test_qualifier_intervals_of_the_public_investment_example_are_disjoint():
    assert relate(claim_interval(4051, "more_than", "4.051"), claim_interval(4000, "nearly", "4.000")) \
        == "disjoint"
    assert relate(claim_interval(99.31, "", "99,31"), claim_interval(99.3, "", "99,3")) == "overlap"


@pytest.mark.parametrize("text, value, decimals", [
    ("87,7%", 87.7, 1), ("4.051", 4051, 0), ("93,02%", 93.02, 2), ("98.50%", 98.5, 2), ("1,45 lần", 1.45, 2),
], ids=["87,7%", "4.051", "93,02%", "98.50%", "1,45-lan"])
def test_reported_decimals(text, value, decimals):
    assert reported_decimals(text, value) == decimals


def test_grim_finds_no_numerator_for_an_impossible_percentage():
    # 1.372/1.573 = 87.22%, so "87,7%" needs 1379 or 1380 of 1573 — not 1372.
    assert grim_possible(claim_interval(87.7, "", "87,7"), 1573) == [1379, 1380]
    assert 22 in implied_denominators(claim_interval(40.9, "", "40,9"), 30)


@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6), st.booleans(), st.booleans()),
                min_size=1, max_size=6))
def test_one_intersection_decides_whether_a_bucket_agrees_pairwise(specs):
    bucket = [{"interval": Interval(min(a, b), max(a, b), lo_open, hi_open)}
              for a, b, lo_open, hi_open in specs]
    pairwise = all(relate(x["interval"], y["interval"]) != "disjoint"
                   for i, x in enumerate(bucket) for y in bucket[i + 1:])
    assert share_a_value(x["interval"] for x in bucket) == pairwise
