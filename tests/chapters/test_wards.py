"""Tests for sonla.chapters.wards: the old wards' claims matched by metric."""

from __future__ import annotations

import pandas as pd
import pytest

from sonla.chapters import book, wards
from sonla.sources import load_sources

ORDER = ["Chiềng Lề", "Tô Hiệu", "Quyết Thắng", "Quyết Tâm"]


@pytest.fixture(scope="module")
def matrix():
    claims = book.load_processed("claims.csv")
    found = wards.ward_claims(claims, load_sources())
    return found, *wards.ward_matrix(found, ORDER)


def test_every_ward_claim_is_an_old_ward_quantity(matrix):
    found, _, _ = matrix
    assert set(found["geography"]) == {"chieng-le-old", "to-hieu-old", "quyet-thang-old", "quyet-tam-old"}
    assert set(found["kind"]) == {"quantity"}


# (metric, values per ward in ORDER; None = not reported) — from the report's ward sections
CASES_FROM_SOURCES = [
    ("business_households", [1294, 473, 800, 520]),
    ("party_members_admitted", [30, 34, 58, 25]),
    ("forest_cover", [29.8, None, None, 40.1]),
]


@pytest.mark.parametrize("metric, expected", CASES_FROM_SOURCES, ids=[c[0] for c in CASES_FROM_SOURCES])
def test_metric_values_per_ward(matrix, metric, expected):
    _, values, _ = matrix
    got = [None if pd.isna(v) else float(v) for v in values.loc[metric, ORDER]]
    assert got == [None if e is None else float(e) for e in expected]


def test_coverage_names_the_missing_wards(matrix):
    _, values, _ = matrix
    cover = wards.coverage(values, ORDER)
    assert cover.loc["forest_cover", "wards_reporting"] == 2
    assert cover.loc["forest_cover", "missing"] == "Tô Hiệu, Quyết Thắng"


def test_heading_at_takes_the_last_section_before_the_offset():
    text = "1. A\nx 5 ha\n2. B\ny 7 ha"
    assert wards.heading_at(text, [0, 12], 8) == "1. A"
    assert wards.heading_at(text, [0, 12], 20) == "2. B"
    assert wards.heading_at(text, [0, 12], -1) == ""


def test_place_labels_cover_the_contract_geographies():
    labels = wards.place_labels()
    assert {"son-la-city", "to-hieu-ward", "chieng-le-old", "to-hieu-old", "quyet-thang-old",
            "quyet-tam-old", "son-la-province"} <= set(labels)
