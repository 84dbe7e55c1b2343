"""Summaries of the claims dataset that the chapters show."""

from __future__ import annotations

import pytest

from sonla.chapters import claimstats
from sonla.extract.claims import extract_all
from sonla.sources import load_sources


@pytest.fixture(scope="module")
def sources():
    return load_sources()


@pytest.fixture(scope="module")
def claims(sources):
    return extract_all(sources)


def test_compare_copies_finds_the_appendix_pair_from_the_manifest(claims, sources):
    copies = claimstats.compare_copies(claims, sources)
    assert len(copies) == 1
    row = copies.iloc[0]
    assert row.found_in_both + row.pdf_not_in_ocr == row.pdf_quantities
    assert row.found_in_both <= min(row.pdf_quantities, row.ocr_quantities)
    assert row.ocr_letters_rejected == (claims[claims.source_id == row.ocr_source].kind == "ocr_letter").sum()


def test_paired_copies_agree_on_context(claims, sources):
    row = claimstats.compare_copies(claims, sources).iloc[0]
    assert len(claimstats.pair_copies(claims, row.pdf_source, row.ocr_source)) == row.found_in_both
    assert row.pairs_same_indicator <= row.found_in_both
    assert row.pairs_same_geography == row.found_in_both


def test_missing_in_copy_lists_exactly_the_missing(claims, sources):
    row = claimstats.compare_copies(claims, sources).iloc[0]
    missing = claimstats.missing_in_copy(claims, row.pdf_source, row.ocr_source)
    assert len(missing) == row.pdf_not_in_ocr


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
