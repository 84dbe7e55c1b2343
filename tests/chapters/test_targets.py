"""Tests for sonla.chapters.targets: the numbered target list, baselines, required change, feasibility."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from sonla.chapters import book, targets


@pytest.fixture(scope="module")
def claims() -> pd.DataFrame:
    return book.load_processed("claims.csv")


@pytest.fixture(scope="module")
def table(claims) -> pd.DataFrame:
    return targets.target_table(claims)


def test_the_numbered_list_is_the_25_targets_of_the_report(table):
    assert table["number"].tolist() == list(range(1, 26))
    assert set(table["source_id"]) == {"report"}


def test_numbering_rule_is_general_not_tied_to_a_source(claims):
    """Renaming the source changes nothing: the list is found by its markers and periods."""
    renamed = claims.replace({"source_id": {"report": "any-other-name"}})
    renamed["claim_id"] = renamed["claim_id"].str.replace("^report-", "any-other-name-", regex=True)
    found = targets.target_list(renamed, source_years={"any-other-name": 2025})
    assert found["number"].tolist() == list(range(1, 26))
    assert set(found["source_id"]) == {"any-other-name"}


def test_backward_looking_lists_are_not_targets(claims):
    """With every 2030 period of the sources turned into 2020-2025, no list is a target list."""
    past = claims.copy()
    past.loc[past["period"].fillna("").str.contains("2030"), "period"] = "2020-2025"
    found = targets.target_list(past)
    assert found.empty
    assert list(found.columns) == ["number", "marker_id", "source_id", "start", "end", "quantity_ids"]


def _listed(*items: tuple[int, str, str]) -> pd.DataFrame:
    """Claims of one source "s" from (start, kind, text or period): markers, sections, quantities."""
    rows = []
    for start, kind, text in items:
        quantity = kind == "quantity"
        rows.append({"claim_id": f"s-{start:06d}", "source_id": "s", "start": start, "end": start + 3,
                     "kind": kind, "text": "1" if quantity else text, "period": text if quantity else ""})
    return pd.DataFrame(rows)


PAST_LIST = [(0, "list_marker", "(1)"), (10, "quantity", "2020-2025"), (20, "list_marker", "(2)"),
             (30, "quantity", "2021"), (40, "list_marker", "(3)"), (50, "quantity", "2020-2025"),
             (60, "section_number", "II.")]

# (id, the claims after the past list, the numbers and quantities of the target list found)
CASES_LISTS = [
    ("a-shorter-forward-list-wins", [(70, "list_marker", "(1)"), (80, "quantity", "2030"),
                                     (85, "quantity", "2025"), (90, "list_marker", "(2)"),
                                     (100, "quantity", "2025-2030")],
     [(1, ["s-000080", "s-000085"]), (2, ["s-000100"])]),
    ("one-forward-quantity-in-three-is-not-enough", [(70, "list_marker", "(1)"), (80, "quantity", "2030"),
                                                     (85, "quantity", "2025"), (90, "list_marker", "(2)"),
                                                     (100, "quantity", "2024")],
     []),
    ("only-past-lists", [], []),
]


@pytest.mark.parametrize("after, expected", [c[1:] for c in CASES_LISTS], ids=[c[0] for c in CASES_LISTS])
def test_the_target_list_is_the_longest_run_that_looks_forward(after, expected):
    """A run counts when at least half of its items' quantities end after the source's year."""
    found = targets.target_list(_listed(*PAST_LIST, *after), source_years={"s": 2025})
    assert list(zip(found["number"], found["quantity_ids"], strict=True)) == expected


# (target number, target text, baseline year or None, expected verdict start or reason start)
CASES_FROM_SOURCES = [
    (2, "3.000.000 lượt người", 2025, "very demanding"),
    (5, "50%", 2025, "already met at baseline"),
    (20, "150 đảng viên", 2025, "modest"),
    (4, "2%", None, "no other claim in the sources measures this indicator"),
    (10, "100%", None, "every other claim of this indicator is itself a target"),
]


@pytest.mark.parametrize("number, text, year, verdict", CASES_FROM_SOURCES,
                         ids=[f"target-{c[0]}" for c in CASES_FROM_SOURCES])
def test_targets_from_the_report(table, number, text, year, verdict):
    row = table[table["number"] == number].iloc[0]
    assert row["target_text"] == text
    if year is None:
        assert math.isnan(row["baseline_value"])
        assert row["reason"].startswith(verdict)
    else:
        assert row["baseline_year"] == year
        assert row["feasibility"].startswith(verdict)


def test_sum_of_the_merged_wards_is_a_whole_ward_baseline(table):
    row = table[table["number"] == 20].iloc[0]
    assert row["baseline_geography"] == "sum of the merged wards"
    assert len(row["baseline_ids"].split(";")) == 4
    assert row["baseline_scope"] == "whole"


@pytest.mark.parametrize("target, base, years, unit, expected", [
    (100, 93, 5, "percent", (1.4, "points/year")),
    (31, 29.8, 5, "percent", (0.24, "points/year")),
    (200, 100, 1, "bn_vnd", (100.0, "% a year (CAGR)")),
])
def test_required_change(target, base, years, unit, expected):
    change, measure = targets.required_change(target, base, years, unit)
    assert measure == expected[1]
    assert change == pytest.approx(expected[0])


@pytest.mark.parametrize("change, measure, target, base, scope, qualifier, expected", [
    (0.5, "points/year", 100, 97.5, "whole", "", "modest"),
    (3.5, "points/year", 100, 82.5, "whole", "", "very demanding"),
    (12.0, "% a year (CAGR)", 200, 100, "whole", "", "very demanding"),
    (-2.0, "points/year", 1.0, 3.0, "whole", "decrease", "demanding"),
    (1.0, "points/year", 3.0, 1.0, "whole", "decrease", "already met at baseline"),
    (0.2, "points/year", 31, 30, "wider", "", "modest; baseline is for a wider area: indicative"),
])
def test_feasibility_bands(change, measure, target, base, scope, qualifier, expected):
    assert targets.feasibility(change, measure, target, base, scope, qualifier) == expected
