"""Summaries of the claims dataset that the chapters show (sonla.chapters.claimstats).

The copy comparison is checked on a pair of copies written here by hand, where every count is
known, and on the real appendix only for what the manifest says about it.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest
from fidelity_cases import copy_source
from hypothesis import given
from hypothesis import strategies as st

from sonla.chapters import claimstats
from sonla.extract.claims import extract_all
from sonla.sources import load_sources


@pytest.fixture(scope="module")
def sources():
    return load_sources()


@pytest.fixture(scope="module")
def claims(sources):
    return extract_all(sources)


# --------------------------------------------------------------------------- a hand-made pair

# The manifest lists the scan first: the reference must still be the PDF text layer. A news item
# (another document) repeats a figure of the appendix and must not be counted; a second document
# in two copies gets a row of its own.
PAIR_SOURCES = [
    copy_source("scan", "", "ocr", "appendix"),
    copy_source("pdf", "", "pdf-text", "appendix"),
    copy_source("news", "", "clean", "news"),
    copy_source("plan-ocr", "", "ocr", "plan"),
    copy_source("plan", "", "clean", "plan"),
]

CITY = "son-la-city"
# (claim_id, kind, value, unit, qualifier, indicator, period, geography), each source in text order
PAIR_CLAIMS = [
    ("pdf-1", "quantity", 4051, "bn_vnd", "more_than", "public_investment_total", "2020-2025", CITY),
    ("pdf-2", "quantity", 42, "criterion", "reached", "urban_class1_criteria_met", "2025", CITY),
    ("pdf-3", "quantity", 70.5, "percent", "reached", "urbanisation_rate", "2025", CITY),
    ("pdf-4", "quantity", 4051, "bn_vnd", "more_than", "public_investment_total", "2020-2025", CITY),
    ("pdf-5", "quantity", 290, "work", "", "", "2025", CITY),
    ("pdf-6", "date", None, "", "", "", "2021", ""),
    ("scan-1", "quantity", 4051, "bn_vnd", "more_than", "public_investment_total", "2020-2025", CITY),
    ("scan-2", "quantity", 42, "criterion", "reached", "", "2025", CITY),  # context lost in the scan
    ("scan-3", "quantity", 70.5, "percent", "reached", "urbanisation_rate", "2020-2025", CITY),
    ("scan-4", "quantity", 290, "", "", "", "2025", CITY),  # unit word unreadable: not the same
    ("scan-5", "quantity", 12, "household", "", "", "2024", "to-hieu-old"),  # only in the scan
    ("scan-6", "ocr_letter", None, "", "", "", "", ""),
    ("scan-7", "ocr_letter", None, "", "", "", "", ""),
    ("news-1", "quantity", 4051, "bn_vnd", "more_than", "public_investment_total", "2020-2025", CITY),
    ("news-2", "ocr_letter", None, "", "", "", "", ""),
    ("plan-1", "quantity", 7, "percent", "target", "budget_revenue_growth", "2025-2030", CITY),
    ("plan-ocr-1", "quantity", 7, "percent", "target", "budget_revenue_growth", "2025-2030", "to-hieu-ward"),
]


def pair_claims() -> pd.DataFrame:
    rows = []
    for claim_id, kind, value, unit, qualifier, indicator, period, geography in PAIR_CLAIMS:
        source_id = claim_id.rsplit("-", 1)[0]
        rows.append({"claim_id": claim_id, "source_id": source_id, "text": f"{value}", "kind": kind,
                     "value": value, "unit": unit, "qualifier": qualifier, "indicator": indicator,
                     "period": period, "geography": geography, "sentence": ""})
    return pd.DataFrame(rows)


def test_compare_copies_counts_a_hand_made_pair():
    copies = claimstats.compare_copies(pair_claims(), PAIR_SOURCES)
    assert copies.to_dict("records") == [
        {"document_id": "appendix", "pdf_source": "pdf", "ocr_source": "scan",
         "pdf_quantities": 5, "ocr_quantities": 5, "found_in_both": 3, "pdf_not_in_ocr": 2,
         "ocr_letters_rejected": 2, "pairs_same_indicator": 2, "pairs_same_qualifier": 3,
         "pairs_same_period": 2, "pairs_same_geography": 3},
        {"document_id": "plan", "pdf_source": "plan", "ocr_source": "plan-ocr",
         "pdf_quantities": 1, "ocr_quantities": 1, "found_in_both": 1, "pdf_not_in_ocr": 0,
         "ocr_letters_rejected": 0, "pairs_same_indicator": 1, "pairs_same_qualifier": 1,
         "pairs_same_period": 1, "pairs_same_geography": 0},
    ]


def test_copies_are_paired_in_text_order_by_value_and_unit():
    pairs = claimstats.pair_copies(pair_claims(), "pdf", "scan")
    # The first 4.051 of the PDF takes the scan's only one; 290 "work" finds no 290 without a unit.
    assert [(p.claim_id, o.claim_id) for p, o in pairs] == [("pdf-1", "scan-1"), ("pdf-2", "scan-2"),
                                                             ("pdf-3", "scan-3")]


def test_missing_in_copy_lists_the_unpaired_quantities_of_the_reference():
    """A figure the reference repeats and the copy holds once is missing once, not twice."""
    missing = claimstats.missing_in_copy(pair_claims(), "pdf", "scan")
    assert missing["claim_id"].tolist() == ["pdf-4", "pdf-5"]
    assert list(missing.columns) == ["claim_id", "text", "value", "unit", "sentence"]


QUANTITY = st.tuples(st.sampled_from([1.0, 2.0, 4051.0]), st.sampled_from(["", "bn_vnd", "percent"]))


@given(st.lists(QUANTITY, max_size=12), st.lists(QUANTITY, max_size=12))
def test_pairs_and_missing_quantities_partition_the_reference(reference, copy):
    rows = [{"claim_id": f"{source}-{i}", "source_id": source, "kind": "quantity", "value": value,
             "unit": unit, "text": "", "sentence": "", "indicator": "", "qualifier": "", "period": "",
             "geography": ""}
            for source, quantities in (("pdf", reference), ("scan", copy))
            for i, (value, unit) in enumerate(quantities)]
    claims = pd.DataFrame(rows, columns=["claim_id", "source_id", "kind", "value", "unit", "text", "sentence",
                                         "indicator", "qualifier", "period", "geography"])
    pairs = claimstats.pair_copies(claims, "pdf", "scan")
    missing = claimstats.missing_in_copy(claims, "pdf", "scan")
    assert len(pairs) == sum((Counter(reference) & Counter(copy)).values())
    assert all((p.value, p.unit) == (o.value, o.unit) for p, o in pairs)
    paired = [p.claim_id for p, _ in pairs]
    assert sorted(paired + missing["claim_id"].tolist()) == sorted(f"pdf-{i}" for i in range(len(reference)))
    for key in set(reference):  # within one (value, unit): the first of each copy go together
        mine = [(p.claim_id, o.claim_id) for p, o in pairs if (p.value, p.unit) == key]
        firsts_pdf = [f"pdf-{i}" for i, q in enumerate(reference) if q == key][:len(mine)]
        firsts_scan = [f"scan-{i}" for i, q in enumerate(copy) if q == key][:len(mine)]
        assert mine == list(zip(firsts_pdf, firsts_scan, strict=True))


# --------------------------------------------------------------------------- the real appendix

def test_compare_copies_finds_the_appendix_pair_from_the_manifest(claims, sources):
    copies = claimstats.compare_copies(claims, sources)
    assert copies[["document_id", "pdf_source", "ocr_source"]].to_dict("records") == [
        {"document_id": "city-appendix-2025", "pdf_source": "appendix-pdf", "ocr_source": "appendix-ocr"}]
    row = copies.iloc[0]
    assert row.ocr_letters_rejected == (claims[claims.source_id == "appendix-ocr"].kind == "ocr_letter").sum()
    assert row.pairs_same_geography == row.found_in_both  # the scan's places are read as the PDF's
    assert len(claimstats.pair_copies(claims, row.pdf_source, row.ocr_source)) == row.found_in_both
    assert len(claimstats.missing_in_copy(claims, row.pdf_source, row.ocr_source)) == row.pdf_not_in_ocr


def test_in_context_marks_the_claim(claims, sources):
    row = claims[(claims.source_id == "appendix-pdf") & (claims.text == "42/63 chỉ tiêu")]
    assert "«42/63 chỉ tiêu»" in claimstats.in_context(row, sources).iloc[0]


def test_count_table_totals(claims):
    table = claimstats.count_table(claims, "source_id", "kind")
    assert table["total"].sum() == len(claims)
    assert (table.drop(columns="total").sum(axis=1) == table["total"]).all()


def test_examples_cover_every_kind(claims, sources):
    table = claimstats.examples(claims, sources=sources)
    assert set(table.kind) == set(claims.kind)
    assert table.context.str.contains("«").all()
