"""The rules as a registry, and the findings stage on the published data and through the manifest."""

from __future__ import annotations

import pandas as pd
import pytest
from findings_cases import make_claims, make_source

from sonla.reconcile.registry import find_findings

SUM_MISMATCH_TEXT = (
    "Năm 2025, phường đã triển khai 50 công trình, trong đó: 30 công trình giao thông, "
    "28 công trình thủy lợi. Tổng mức đầu tư các công trình đạt 120 tỷ đồng.\n"
)


def test_a_new_source_with_a_sum_mismatch_is_found_through_the_manifest(raw_copy, tmp_path):
    from conftest import add_source

    from sonla.pipeline import run_pipeline

    add_source(raw_copy, "test-sum-mismatch", SUM_MISMATCH_TEXT, date="2025-08")
    out = tmp_path / "processed"
    run_pipeline(raw_copy, out, verbose=False)
    found = pd.read_csv(out / "findings.csv", keep_default_na=False)
    mine = found[found["sources"] == "test-sum-mismatch"]
    row = mine[mine["kind"] == "sum_mismatch"]
    assert len(row) == 1, mine[["kind", "claim_ids"]]
    assert row["status"].iloc[0] == "contradiction" and row["severity"].iloc[0] == "high"
    claims = pd.read_csv(out / "claims.csv", keep_default_na=False)
    cited = claims.set_index("claim_id").loc[row["claim_ids"].iloc[0].split(";")]
    assert sorted(cited["value"].astype(float)) == [28.0, 30.0, 50.0]
    assert (out / "indicators.csv").is_file()


# --------------------------------------------------------------------------------------------
# Cases from the sources: the two examples of the issue, found in the published data
# --------------------------------------------------------------------------------------------

CASES_FROM_SOURCES = [
    # (id, kind, indicator, values the finding must cite)
    ("42/63-vs-42/59", "denominator_change", "urban_class1_criteria_met", {42.0}),
    ("hon-4.051-vs-gan-4.000", "qualifier_conflict", "public_investment_total", {4051.0, 4000.0}),
]


@pytest.mark.parametrize("kind, indicator, values", [c[1:] for c in CASES_FROM_SOURCES],
                         ids=[c[0] for c in CASES_FROM_SOURCES])
def test_the_examples_of_the_sources_are_found(kind, indicator, values):
    from sonla.chapters import book

    found = book.load_processed("findings.csv")
    claims = book.load_processed("claims.csv").set_index("claim_id")
    rows = found[(found["kind"] == kind) & (found["indicator"].str.partition("@")[0] == indicator)]
    assert len(rows) >= 1
    for ids in rows["claim_ids"]:
        cited = claims.loc[ids.split(";")]
        assert set(cited["value"].astype(float)) == values
        assert cited["source_id"].nunique() >= 2


def test_a_claims_table_without_a_contract_column_is_refused():
    s = make_source("s", "Tỷ lệ đạt 70,5%.")
    claims = make_claims(s, [("70,5%", 70.5, "percent", "", "r", "2025")]).drop(columns="qualifier")
    with pytest.raises(KeyError, match="qualifier"):
        find_findings(claims, [s])


def test_every_kind_of_finding_has_a_rule_and_every_rule_says_what_it_finds():
    from sonla.reconcile.registry import RULES
    from sonla.schema import FINDING_KINDS

    assert {kind for rule in RULES for kind in rule.kinds} == set(FINDING_KINDS)
    assert len({rule.name for rule in RULES}) == len(RULES)
    for rule in RULES:
        assert rule.doc, f"rule {rule.name} has no docstring"
        assert rule.reads in {"copies", "reference", "quantities", "observations"}, rule.name


def test_a_rule_added_to_the_registry_runs_with_the_others(monkeypatch):
    from sonla.reconcile import registry
    from sonla.reconcile.finding import make_finding

    def every_claim_twice(ev):
        """A test rule: one finding per quantity claim."""
        return [make_finding("consistent", "test:twice", [row], "consistent", "none", "", "a test")
                for row in ev.reference.to_dict("records")]

    monkeypatch.setattr(registry, "RULES", (*registry.RULES,
                                            registry.Rule("twice", every_claim_twice, "reference",
                                                          ("consistent",))))
    s = make_source("s", "Năm 2025 có 12 hộ được hỗ trợ.")
    found = find_findings(make_claims(s, [("12 hộ", 12, "household", "", "households_helped", "2025")]), [s])
    assert list(found["rule"]) == ["test:twice"]
