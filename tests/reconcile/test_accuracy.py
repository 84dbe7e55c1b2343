"""The findings validity study: scoring against blind coding (sonla.reconcile.accuracy) and the
blind sheet (scripts/findings_sheet.py)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
import scriptmodules
from findings_cases import make_claims, make_source

from sonla.errors import SonlaError
from sonla.reconcile.accuracy import (
    ANNOTATION,
    accuracy_table,
    read_annotation,
    score,
    stage_findings_accuracy,
    wilson_interval,
)
from sonla.reconcile.registry import find_findings
from sonla.schema import FINDINGS_ACCURACY

FINDINGS = pd.DataFrame({
    "claim_ids": ["a-1;b-1", "a-2;b-2", "a-3;b-3", "a-4;b-4", "a-5;a-6", "a-7;a-8"],
    "status": ["contradiction", "unresolved", "contradiction", "consistent", "restated", "unresolved"],
    # the last: an implied baseline, a derived value with nothing to check it against (not a flag)
    "rule": ["between:intervals", "within:parts", "within:grim", "between:intervals", "between:intervals",
             "within:baseline"],
})
CODED = pd.DataFrame({
    # flagged and true, flagged and true, flagged but false, a consistent finding that is an
    # inconsistency (missed), a restated one that is fine, two candidates no rule made
    "comparison": ["a-1;b-1", "b-2;a-2", "a-3;b-3", "a-4;b-4", "a-5;a-6", "c-1;c-2", "c-3;c-4"],
    "inconsistent": ["yes", "yes", "no", "yes", "no", "no", "yes"],
    "note": [""] * 7,
})


def _write(tmp_path, table: pd.DataFrame):
    path = tmp_path / ANNOTATION
    path.parent.mkdir(parents=True)
    table.to_csv(path, index=False)
    return path


def test_precision_sensitivity_and_specificity_on_a_small_coding(tmp_path):
    coded = read_annotation(_write(tmp_path, CODED))
    scored = score(coded, FINDINGS)
    assert scored["flagged"].tolist() == [True, True, True, False, False, False, False]
    table = accuracy_table(scored).set_index("measure")
    assert (table.loc["precision", "count"], table.loc["precision", "n"]) == (2, 3)
    assert (table.loc["sensitivity", "count"], table.loc["sensitivity", "n"]) == (2, 4)
    assert (table.loc["specificity", "count"], table.loc["specificity", "n"]) == (2, 3)
    assert (table.loc["agreement", "count"], table.loc["agreement", "n"]) == (4, 7)
    low, high = wilson_interval(2, 3)
    precision = table.loc["precision"]
    assert precision["ci_low"] == round(low, 4) and precision["ci_high"] == round(high, 4)
    assert list(table.reset_index().columns) == FINDINGS_ACCURACY.columns


def test_a_derived_value_that_cannot_be_checked_is_not_a_flag():
    coded = pd.DataFrame({"comparison": ["a-7;a-8"], "inconsistent": [False], "note": [""]})
    assert score(coded, FINDINGS)["flagged"].tolist() == [False]
    assert score(coded, FINDINGS.assign(flag=[True] * 6))["flagged"].tolist() == [True]  # the column wins


def test_statements_seen_through_a_copy_match_the_coded_comparison():
    roots = {"b-1x": "b-1"}  # b-1x is b-1 in another copy
    coded = pd.DataFrame({"comparison": ["a-1;b-1x"], "inconsistent": [True], "note": [""]})
    assert score(coded, FINDINGS, roots)["flagged"].tolist() == [True]


def test_wilson_interval_against_a_known_value():
    # 19 of 24 correct (the audit): Wilson 95% interval 0.595-0.908
    low, high = wilson_interval(19, 24)
    assert round(low, 3) == 0.595 and round(high, 3) == 0.908
    assert all(math.isnan(x) for x in wilson_interval(0, 0))


BAD_CODINGS = [
    ("an-answer-that-is-not-yes-or-no", {"comparison": ["a;b"], "inconsistent": ["maybe"]}, "yes or no"),
    ("a-missing-column", {"comparison": ["a;b"]}, "missing column"),
    ("coded-twice", {"comparison": ["a;b", "b;a"], "inconsistent": ["yes", "no"]}, "coded twice"),
]


@pytest.mark.parametrize("table, message", [c[1:] for c in BAD_CODINGS], ids=[c[0] for c in BAD_CODINGS])
def test_a_bad_coding_is_refused_with_its_row(tmp_path, table, message):
    with pytest.raises(SonlaError, match=message):
        read_annotation(_write(tmp_path, pd.DataFrame(table)))


def test_the_stage_skips_cleanly_without_the_annotation(tmp_path, capsys):
    out = stage_findings_accuracy([], {}, root=tmp_path)
    table = out[FINDINGS_ACCURACY.path]
    assert table.empty and list(table.columns) == FINDINGS_ACCURACY.columns
    assert capsys.readouterr().err == ""  # a normal state of a project: no message, no error line


def test_the_stage_scores_the_rules_on_a_coding(tmp_path):
    a = make_source("a", "Tổng mức đầu tư hơn 4.051 tỷ đồng.", kind="report")
    b = make_source("b", "Tổng mức đầu tư gần 4.000 tỷ đồng.")
    claims = pd.concat([
        make_claims(a, [("4.051 tỷ đồng", 4051, "bn_vnd", "more_than", "investment", "2020-2025")]),
        make_claims(b, [("4.000 tỷ đồng", 4000, "bn_vnd", "nearly", "investment", "2020-2025")]),
    ], ignore_index=True)
    findings = find_findings(claims, [a, b])
    key = findings.loc[findings["kind"] == "qualifier_conflict", "claim_ids"].iloc[0]
    _write(tmp_path, pd.DataFrame({"comparison": [key, "a-999999;b-999999"], "inconsistent": ["yes", "no"],
                                   "note": ["", "claims no longer in claims.csv"]}))
    out = stage_findings_accuracy([a, b], {"claims.csv": claims, "findings.csv": findings}, root=tmp_path)
    table = out[FINDINGS_ACCURACY.path].set_index("measure")
    assert table.loc["precision", "value"] == 1.0 and table.loc["sensitivity", "value"] == 1.0
    assert table.loc["precision", "annotated"] == 2 and table.loc["precision", "matched"] == 1


def test_the_blind_sheet_shows_no_verdict_and_mixes_findings_with_candidates():
    sheet_script = scriptmodules.load("findings_sheet")
    from sonla.chapters import book
    from sonla.sources import load_sources

    claims, findings = book.load_processed("claims.csv"), book.load_processed("findings.csv")
    sheet = sheet_script.draw_sheet(claims, findings, load_sources())
    assert list(sheet.columns) == sheet_script.SHEET_COLUMNS
    keys = set(sheet["comparison"])
    assert {";".join(sorted(set(ids.split(";")))) for ids in findings["claim_ids"]} <= keys
    assert len(keys) - findings["claim_ids"].nunique() >= 40  # candidates no rule made
    text = " ".join(sheet["claims"])
    for word in ("contradiction", "unresolved", "consistent", "restated", "preferred", "sum_mismatch"):
        assert word not in text
    assert sheet["claims"].str.contains("⟦").all()
    assert sheet["inconsistent"].eq("").all()
    # the order is shuffled, not findings first, and the same every time
    first_half = set(sheet["comparison"][: len(sheet) // 2])
    assert first_half - {";".join(sorted(set(i.split(";")))) for i in findings["claim_ids"]}
    assert sheet.equals(sheet_script.draw_sheet(claims, findings, load_sources()))
