"""Preparing the evidence: observations merged (``merge_observations``), evidence shared (``prepare``)."""

from __future__ import annotations

import math

import pandas as pd

from sonla.reconcile.prepare import merge_observations, prepare
from sonla.schema import DEPENDENCE
from sonla.sources import load_sources


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


def test_prepare_shares_the_evidence_of_the_same_objects_only():
    sources = load_sources()
    report = next(s for s in sources if s.source_id == "report")
    claims = pd.DataFrame([
        {"claim_id": "report-000010", "source_id": "report", "start": 10, "end": 14, "text": "12,5",
         "kind": "quantity", "value": 12.5, "value_high": math.nan, "denominator": math.nan,
         "unit": "percent", "qualifier": "", "indicator": "x", "period": "2024", "geography": "",
         "sentence": "",
         "decimals": 1, "qualifiers": "", "frame": "actual", "base": "", "each_year": False,
         "is_change": False, "concept": "x", "level": ""}])
    claims["text"] = [report.text[10:14]]
    passages = pd.DataFrame(columns=DEPENDENCE.columns)
    first = prepare(claims, sources, dependence=passages)
    assert prepare(claims, sources, dependence=passages) is first
    again = prepare(claims.copy(), sources, dependence=passages)   # an equal frame: prepared again
    assert again is not first
    assert again.quantities.equals(first.quantities)
    assert prepare(claims, list(sources), dependence=passages) is not again
