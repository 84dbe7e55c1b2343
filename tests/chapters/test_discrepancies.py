"""The key discrepancies of the front page (sonla.chapters.discrepancies): ranking and sentences."""

from __future__ import annotations

import pandas as pd
import pytest

from sonla.chapters import book, discrepancies
from sonla.sources import load_sources


def _claim(claim_id, source_id, value, unit="bn_vnd", qualifier="", denominator=None, indicator="x"):
    return {"claim_id": claim_id, "source_id": source_id, "text": str(value), "value": value, "unit": unit,
            "qualifier": qualifier, "denominator": denominator, "value_high": None, "indicator": indicator,
            "period": "2020-2025", "geography": "son-la-city", "kind": "quantity", "sentence": ""}


CLAIMS = pd.DataFrame([
    _claim("report-000001", "report", 4051.0, qualifier="more_than"),
    _claim("news-2024-000001", "news-2024", 4000.0, qualifier="nearly"),
    _claim("report-000002", "report", 42.0, "criterion", denominator=63.0, indicator="y"),
    _claim("news-2024-000002", "news-2024", 42.0, "criterion", denominator=59.0, indicator="y"),
    _claim("report-000003", "report", 10.0, indicator="z"),
    _claim("report-000004", "report", 30.0, indicator="z"),
])


def _finding(fid, kind, status, severity, claim_ids, indicator, **extra):
    return {"finding_id": fid, "kind": kind, "status": status, "severity": severity, "claim_ids": claim_ids,
            "indicator": indicator, "preferred_value": "", "explanation": "", "confidence": "high", **extra}


FINDINGS = pd.DataFrame([
    _finding("qualifier_conflict-1", "qualifier_conflict", "contradiction", "high",
             "report-000001;news-2024-000001", "x"),
    _finding("denominator_change-1", "denominator_change", "unresolved", "medium",
             "report-000002;news-2024-000002", "y"),
    _finding("sum_mismatch-1", "sum_mismatch", "unresolved", "medium", "report-000003;report-000004", "z"),
    _finding("consistent-1", "consistent", "consistent", "none", "report-000001;news-2024-000001", "x"),
])


def test_severity_first_then_verdict_then_gap():
    ranked = discrepancies.discrepancies(FINDINGS, CLAIMS, load_sources())
    assert list(ranked["kind"]) == ["qualifier_conflict", "sum_mismatch", "denominator_change"]
    assert ranked.loc[1, "gap"] == pytest.approx(20 / 30)  # 10 against 30
    assert ranked.loc[2, "gap"] == pytest.approx((42 / 59 - 42 / 63) / (42 / 59))  # shares, not counts
    assert list(ranked["witnesses"]) == [2, 1, 2]  # distinct documents without independent_sources


def test_independent_sources_is_used_when_findings_have_it():
    with_column = FINDINGS.assign(independent_sources=[1, 3, 1, 1])
    ranked = discrepancies.discrepancies(with_column, CLAIMS, load_sources())
    assert dict(zip(ranked["kind"], ranked["witnesses"], strict=True))["denominator_change"] == 3


def test_one_difference_seen_twice_is_one_discrepancy():
    twice = pd.concat([FINDINGS, pd.DataFrame([_finding("qualifier_conflict-2", "qualifier_conflict",
                                                        "contradiction", "high", "report-000001", "x")])])
    ranked = discrepancies.discrepancies(twice, CLAIMS, load_sources())
    assert ranked.loc[0, "finding_ids"] == ["qualifier_conflict-1", "qualifier_conflict-2"]


def test_a_sentence_has_the_numbers_the_sources_and_a_link_per_finding():
    ranked = discrepancies.discrepancies(FINDINGS, CLAIMS, load_sources())
    text = discrepancies.sentence(ranked.iloc[0], CLAIMS, load_sources(), "findings-catalogue.html")
    assert "more than 4,051 billion VND in <em>Political report, July 2025</em>" in text
    assert "nearly 4,000 billion VND in <em>News: city results, December 2024</em>" in text
    assert "<strong>contradiction</strong>, high severity" in text
    assert 'href="findings-catalogue.html#finding-qualifier_conflict-1"' in text


def test_the_published_findings_give_at_least_five_key_discrepancies():
    claims, findings = book.load_processed("claims.csv"), book.load_processed("findings.csv")
    ranked = discrepancies.discrepancies(findings, claims, load_sources())
    assert len(ranked) >= 5
    page = discrepancies.key_discrepancies_html(ranked, claims, load_sources(), limit=5)
    assert page.count("<li>") == 5 and page.count("#finding-") >= 5


def test_values_of_one_source_name_it_once():
    findings = FINDINGS[FINDINGS["kind"] == "sum_mismatch"]
    ranked = discrepancies.discrepancies(findings, CLAIMS, load_sources())
    text = discrepancies.sentence(ranked.iloc[0], CLAIMS, load_sources(), "c.html")
    assert "<em>Political report, July 2025</em> gives 10 billion VND; 30 billion VND" in text


def test_values_of_several_periods_each_name_their_period_and_so_does_the_preferred_value():
    claims = pd.DataFrame([
        {**_claim("report-000005", "report", 100.0, "percent", indicator="w"), "each_year": True},
        {**_claim("news-2024-000005", "news-2024", 96.2, "percent", indicator="w"), "period": "2024"},
    ])
    findings = pd.DataFrame([_finding("every_year-1", "every_year", "contradiction", "high",
                                      "report-000005;news-2024-000005", "w", preferred_value="100 percent",
                                      preferred_claim_id="report-000005")])
    ranked = discrepancies.discrepancies(findings, claims, load_sources())
    text = discrepancies.sentence(ranked.iloc[0], claims, load_sources(), "c.html")
    assert "100% for each year of 2020–2025 in <em>Political report, July 2025</em>" in text
    assert "96.2% for 2024 in <em>News: city results, December 2024</em>" in text
    assert "the book prefers 100% for 2020–2025" in text
    assert ", 2020–2025, 2024," not in text  # the periods are not listed apart from their values
