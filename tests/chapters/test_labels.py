"""Plain labels for readers (sonla.chapters.labels): every key in words, every value with its unit."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from sonla.chapters import labels

CASES_FROM_SOURCES = [
    # (function, argument(s), expected) — keys and values as claims.csv and indicators.csv hold them
    (labels.unit_label, ("bn_vnd",), "billion VND"),
    (labels.unit_label, ("mn_vnd_per_ha",), "million đồng per hectare"),
    (labels.unit_label, ("party_org",), "party organisations and cells"),
    (labels.place_label, ("son-la-city",), "Sơn La city"),
    (labels.place_label, ("to-hieu-old",), "Tô Hiệu ward (before July 2025)"),
    (labels.indicator_label, ("public_investment_total",),
     "Total investment of the works and projects of the public-investment plan"),
    (labels.period_label, ("2020-2025",), "2020–2025"),
    (labels.quantity, (4051.0, "bn_vnd", "more_than"), "more than 4,051 billion VND"),
    (labels.quantity, (87.7, "percent"), "87.7%"),
    (labels.quantity, (42.0, "criterion", "", 63.0), "42/63 criteria or targets"),
    (labels.preferred_value, ("> 4,051 bn_vnd", "bn_vnd"), "> 4,051 billion VND"),
    (labels.preferred_value, ("2020: ≈ 4,541.7 bn_vnd", "bn_vnd"), "2020: ≈ 4,541.7 billion VND"),
    (labels.preferred_value, ("87.2 percent", "percent"), "87.2%"),
]
# Keys the rule files do not label (places the extractor recognises by pattern): derived from the key.
CASES_DERIVED = [
    (labels.place_label, ("chieng-ngan-commune",), "Chieng Ngan commune"),
    (labels.place_label, ("commune-level",), "Commune level"),
    (labels.kind_label, ("qualifier_conflict",), "qualifier conflict"),
    (labels.indicator_label, ("an_unknown_indicator",), "An unknown indicator"),
]


@pytest.mark.parametrize(("function", "args", "expected"), CASES_FROM_SOURCES + CASES_DERIVED,
                         ids=[f"{c[0].__name__}-{c[1][0]}" for c in CASES_FROM_SOURCES + CASES_DERIVED])
def test_labels(function, args, expected):
    assert function(*args) == expected


def test_plain_text_replaces_every_key_whole_and_leaves_claim_ids_alone():
    text = ("In report, “87,7%”; findings: arithmetic_mismatch (contradiction) for "
            "public_investment_disbursed in son-la-city, 22 party_org; claim report-013328")
    plain = labels.plain_text(text)
    assert "arithmetic mismatch" in plain and "Sơn La city" in plain and "22 party organisations" in plain
    assert "Public-investment capital disbursed" in plain
    assert "report-013328" in plain
    assert not labels.internal_keys() & set(plain.replace(",", " ").replace(";", " ").split())


def test_missing_values_are_empty():
    shown = [labels.quantity(math.nan), labels.place_label(None), labels.period_label(""),
             labels.yes_no(None)]
    assert shown == ["", "", "", ""]


def test_frame_comes_from_the_qualifier_until_claims_have_a_frame_column():
    claims = pd.DataFrame({"qualifier": ["target", "projected", "estimated", "increase", "more_than", None]})
    assert labels.frame_of(claims).tolist() == ["target", "target", "estimate", "change", "actual", "actual"]
    framed = claims.assign(frame=["actual", "target", "estimate", "change", "actual", None])
    assert labels.frame_of(framed).tolist() == ["actual", "target", "estimate", "change", "actual", "actual"]


def test_internal_keys_include_the_geographies_of_the_claims():
    claims = pd.DataFrame({"geography": ["son-la-city", "chieng-ngan-commune", None]})
    keys = labels.internal_keys(claims)
    assert {"chieng-ngan-commune", "son-la-city", "bn_vnd", "qualifier_conflict", "urbanisation_rate"} <= keys
    assert "percent" not in keys and "population" not in keys  # words, not keys, to a reader
