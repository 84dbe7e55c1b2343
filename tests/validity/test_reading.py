"""Scoring the pipeline's reading against hand annotation, on small tables written here."""

from __future__ import annotations

import pandas as pd
import pytest

from sonla.errors import SonlaError
from sonla.validity.reading import accuracy_table, agreement_table, compare_readings, wilson_interval
from sonla.validity.stage import read_annotations, stage_validity

ANNOTATION = dict(
    is_quantity="yes",
    frame="actual",
    is_change="no",
    base="",
    each_year="no",
    concept="poor households (rate)",
    unit="percent",
    period="2024",
    geography="muong-bu-commune",
    note="",
)


def _claim(**fields):
    row = dict(
        claim_id="t-000010",
        source_id="t",
        start=10,
        end=14,
        kind="quantity",
        frame="actual",
        base="",
        each_year=False,
        concept="poverty_rate",
        unit="percent",
        period="2024",
        geography="muong-bu-commune",
    )
    row.update(fields)
    return row


def test_wilson_interval_known_values():
    assert wilson_interval(10, 10)[1] == pytest.approx(1.0) and wilson_interval(10, 10)[0] == pytest.approx(
        0.7225, abs=1e-4
    )
    lo, hi = wilson_interval(1, 2)
    assert lo == pytest.approx(0.0945, abs=1e-4) and hi == pytest.approx(0.9055, abs=1e-4)


def test_a_span_is_matched_by_its_first_digit_whatever_its_unit_words():
    annotations = pd.DataFrame([dict(source_id="t", start=8, end=14, text="là 4,5%", **ANNOTATION)])
    claims = pd.DataFrame([_claim()])
    row = compare_readings(annotations, claims, {"poor households (rate)": "poverty_rate"}, "sources").iloc[0]
    assert row.claim_id == "t-000010" and all(row[f"ok_{f}"] for f in ("frame", "indicator", "period"))


def test_disagreements_and_unscored_fields():
    annotations = pd.DataFrame(
        [
            dict(source_id="t", start=10, end=14, text="4,5%", **{**ANNOTATION, "frame": "target"}),
            dict(source_id="t", start=30, end=32, text="12", **{**ANNOTATION, "is_quantity": "no"}),
        ]
    )
    claims = pd.DataFrame([_claim(), _claim(claim_id="t-000030", start=30, end=32, kind="list_marker")])
    comparison = compare_readings(annotations, claims, {}, "unseen")
    assert comparison.ok_frame.tolist()[0] is False and pd.isna(comparison.ok_frame.tolist()[1])
    assert comparison.ok_is_quantity.tolist() == [True, True]
    table = accuracy_table(comparison).set_index("field")
    assert table.loc["frame", "n"] == 1 and table.loc["frame", "correct"] == 0
    assert table.loc["is_quantity", "accuracy"] == 1.0


def test_agreement_counts_only_numbers_both_call_quantities():
    first = pd.DataFrame(
        [dict(source_id="t", start=1, **ANNOTATION), dict(source_id="t", start=5, **ANNOTATION)]
    )
    second = first.copy()
    second.loc[0, "period"] = "2020 – 2025"
    second.loc[1, "is_quantity"] = "no"
    table = agreement_table(first, second).set_index("field")
    assert table.loc["is_quantity", "agree"] == 1 and table.loc["period", "n"] == 1
    assert table.loc["period", "agree"] == 0


def test_an_annotation_that_does_not_point_at_its_text_is_refused(tmp_path):
    path = tmp_path / "claims.csv"
    pd.DataFrame([dict(source_id="t", start=0, end=3, text="4,5", **ANNOTATION)]).to_csv(path, index=False)
    with pytest.raises(SonlaError, match=r"row 2.*not at 0–3"):
        read_annotations(path, {"t": "12,5% của xã"})


def test_without_annotations_the_tables_are_empty(tmp_path):
    out = stage_validity([], {"claims.csv": pd.DataFrame([_claim()])}, annotations_dir=tmp_path)
    assert all(len(frame) == 0 for frame in out.values())


def test_match_claims_finds_the_claim_holding_the_first_digit_in_any_order():
    from sonla.validity.reading import match_claims

    claims = pd.DataFrame([
        {"claim_id": "t-000030", "source_id": "t", "start": 30, "end": 36, "kind": "quantity"},
        {"claim_id": "u-000010", "source_id": "u", "start": 10, "end": 14, "kind": "date"},
        {"claim_id": "t-000010", "source_id": "t", "start": 10, "end": 14, "kind": "quantity"},
    ]).astype({"start": "Int64", "end": "Int64"})
    annotations = pd.DataFrame([
        {"source_id": "t", "start": "8", "end": "14", "text": "xã 12,5"},   # its digit at 11
        {"source_id": "t", "start": "30", "end": "33", "text": "4,2"},
        {"source_id": "t", "start": "14", "end": "20", "text": "và 7"},     # between two claims
        {"source_id": "v", "start": "10", "end": "12", "text": "12"},       # no claims of v
        {"source_id": "t", "start": "31", "end": "33", "text": "2%"},       # inside t-000030 again
    ])
    matched = match_claims(annotations, claims)
    assert [m["claim_id"] if m else None for m in matched] == [
        "t-000010", "t-000030", None, None, "t-000030"]
    assert matched[0]["start"] == 10 and isinstance(matched[0]["start"], int)
