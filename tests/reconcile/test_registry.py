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
    # (id, kind, indicator concept, values the findings cite, the sources each cites): the figure
    # stands in the report and in the appendix, which the report copies (one witness), against one
    # news item: one finding, naming the appendix's reference copy and citing the scan's twin and
    # the report's copy too.
    ("42/63-vs-42/59", "denominator_change", "urban_class1_criteria_met", {42.0},
     {"appendix-pdf;news-2024;report": {"appendix-pdf", "appendix-ocr", "news-2024", "report"}}),
    ("hon-4.051-vs-gan-4.000", "qualifier_conflict", "public_investment_total", {4051.0, 4000.0},
     {"appendix-pdf;news-congress-2025;report": {"appendix-pdf", "appendix-ocr", "news-congress-2025",
                                                 "report"}}),
]


@pytest.mark.parametrize("kind, indicator, values, sources", [c[1:] for c in CASES_FROM_SOURCES],
                         ids=[c[0] for c in CASES_FROM_SOURCES])
def test_the_examples_of_the_sources_are_found(kind, indicator, values, sources):
    from sonla.chapters import book

    found = book.load_processed("findings.csv")
    claims = book.load_processed("claims.csv").set_index("claim_id")
    rows = found[(found["kind"] == kind) & (found["indicator"].str.partition("@")[0] == indicator)]
    assert sorted(rows["sources"]) == sorted(sources)
    for ids, named in zip(rows["claim_ids"], rows["sources"], strict=True):
        cited = claims.loc[ids.split(";")]
        assert set(cited["value"].astype(float)) == values
        assert set(cited["source_id"]) == sources[named]


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


# --------------------------------------------------------------------------------------------
# Invariants of the published tables (issue 14)
# --------------------------------------------------------------------------------------------

def _published():
    from sonla.chapters import book

    return book.load_processed("findings.csv"), book.load_processed("indicators.csv"), \
        book.load_processed("claims.csv")


def test_a_finding_and_indicators_csv_never_disagree_about_a_cell():
    found, indicators, _ = _published()
    cell_of = {c: row for row in indicators.to_dict("records") for c in str(row["claim_ids"]).split(";")}
    checked = 0
    for row in found.to_dict("records"):
        chosen = str(row["preferred_claim_id"] or "")
        if chosen in cell_of:
            assert row["preferred_value"] == cell_of[chosen]["preferred_value"], row["finding_id"]
            checked += 1
    assert checked >= 50


def test_no_consistent_finding_between_a_target_and_a_result():
    from sonla.reconcile.prepare import prepare
    from sonla.sources import load_sources

    found, _, claims = _published()
    frames = dict(zip(*[prepare(claims, load_sources()).quantities[c] for c in ("claim_id", "frame")],
                      strict=True))
    for row in found[found["status"].isin(["consistent", "restated"])].to_dict("records"):
        kinds = {frames.get(c) for c in row["claim_ids"].split(";")} - {None}
        assert not ({"target"} < kinds and kinds & {"actual", "estimate"}), row["finding_id"]


def test_the_class_i_finding_prefers_the_later_count():
    found, indicators, _ = _published()
    row = found[found["kind"] == "denominator_change"]
    assert set(row["preferred_value"]) == {"42/63 criterion"}
    cells = indicators[indicators["indicator"].str.partition("@")[0] == "urban_class1_criteria_met"]
    latest = cells[cells["period"].str[-4:] == cells["period"].str[-4:].max()]
    assert latest["preferred_value"].tolist() == ["42/63 criterion"]


def test_every_year_against_a_single_year_is_found_in_the_sources():
    """'tỷ lệ giải ngân vốn đầu tư hàng năm đạt 100%' (2020-2025) against the 2024 news' 96,2%."""
    found, _, claims = _published()
    rows = found[(found["kind"] == "every_year") & (found["status"] == "contradiction")]
    assert len(rows) >= 1
    cited = claims.set_index("claim_id").loc[rows["claim_ids"].iloc[0].split(";")]
    assert {100.0, 96.2} <= set(cited["value"].astype(float))


def test_severity_follows_the_gap_in_the_published_findings():
    found, _, _ = _published()
    conflict = found[found["kind"] == "qualifier_conflict"]
    assert set(conflict["severity"]) == {"low"}  # "more than 4,051" against "nearly 4,000": 1.3%
    assert set(found.loc[found["status"].isin(["consistent", "restated"]), "severity"]) == {"none"}
