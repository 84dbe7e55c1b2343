"""Periods of claims and the buckets of one period (sonla.reconcile.periods)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sonla.reconcile.periods import period_buckets, same_period


def _naive_buckets(rows):
    buckets = []
    for row in rows:
        for bucket in buckets:
            head = bucket[0]
            if same_period(head["eff_period"], head["period_inferred"], row["eff_period"],
                              row["period_inferred"]):
                bucket.append(row)
                break
        else:
            buckets.append([row])
    return buckets


PERIODS = st.sampled_from(["2020", "2024", "2025", "2020-2025", "2021-2025", "2019-2025",
                           "2025-2030", "2026-2030", "2030", "Q3", ""])


@given(st.lists(st.tuples(PERIODS, st.booleans()), max_size=30))
def test_period_buckets_match_a_scan_of_every_bucket(periods):
    rows = [{"eff_period": p, "period_inferred": inferred, "n": i} for i, (p, inferred) in enumerate(periods)]
    assert period_buckets(rows) == _naive_buckets(rows)
