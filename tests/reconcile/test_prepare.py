"""Preparing the evidence: observations merged (``merge_observations``)."""

from __future__ import annotations

import math

import pandas as pd

from sonla.reconcile.prepare import merge_observations


def _q(*rows: tuple[str, str, str, float, int]) -> pd.DataFrame:
    """Prepared quantities from (claim_id, document_id, indicator, value, start) rows."""
    return pd.DataFrame([
        {"claim_id": c, "document_id": d, "indicator": i, "eff_period": "2024", "geography": "",
         "value": v, "unit": "percent", "qualifier": "", "denominator": math.nan, "order": 0, "start": s}
        for c, d, i, v, s in rows])


def test_twins_and_repeats_merge_and_cite_every_claim():
    q = _q(("b-2", "r", "x", 5.0, 50),     # the weaker copy's twin of a-1, listed first
           ("a-1", "r", "x", 5.0, 10),
           ("a-3", "r", "x", 5.0, 30),     # an exact repeat of a-1 in the same document
           ("a-4", "r", "x", 6.0, 40),     # another value: its own observation
           ("a-5", "r", "", 5.0, 45),      # no indicator: not an observation
           ("c-1", "s", "x", 5.0, 20))     # the same statement in another document
    merged = merge_observations(q, {"b-2": "a-1"})
    assert merged["claim_id"].tolist() == ["a-1", "c-1", "a-4"]
    assert merged["claim_list"].tolist() == [["a-1", "a-3", "b-2"], ["c-1"], ["a-4"]]


def test_no_observation_keeps_the_columns():
    merged = merge_observations(_q(("a-1", "r", "", 5.0, 10)), {})
    assert merged.empty and "claim_list" in merged.columns
