"""The reconciled indicator table (sonla.reconcile.indicators)."""

from __future__ import annotations

import pandas as pd
import pytest
from findings_cases import make_claims, make_source

from sonla.reconcile.indicators import reconcile_indicators
from sonla.reconcile.registry import find_findings
from sonla.schema import FINDING_COLUMNS, INDICATOR_COLUMNS


def test_indicator_table_has_one_row_per_indicator_period_geography():
    a = make_source("a", "Hơn 4.051 tỷ đồng.", kind="report")
    b = make_source("b", "Gần 4.000 tỷ đồng.")
    ca = make_claims(a,
        [("4.051 tỷ đồng", 4051, "bn_vnd", "more_than", "public_investment_total", "2020-2025")])
    cb = make_claims(b, [("4.000 tỷ đồng", 4000, "bn_vnd", "nearly", "public_investment_total", "2020-2025")])
    claims = pd.concat([ca, cb], ignore_index=True)
    found = find_findings(claims, [a, b])
    table = reconcile_indicators(claims, [a, b], found)
    assert len(table) == 1
    row = table.iloc[0]
    assert (row["status"], row["sources"], row["preferred_value"]) \
        == ("contradiction", "a;b", "> 4,051 bn_vnd")


CASES_BUGS_CAUGHT = [
    # (id, claims built for a one-sentence source)
    ("no-quantities", []),
    ("one-quantity-no-indicator", [("12 hộ", 12, "household")]),
]


@pytest.mark.parametrize("specs", [c[1] for c in CASES_BUGS_CAUGHT], ids=[c[0] for c in CASES_BUGS_CAUGHT])
def test_sources_with_little_to_compare_give_empty_tables_not_errors(specs):
    s = make_source("s", "Năm 2025 có 12 hộ được hỗ trợ.")
    claims = make_claims(s, specs)
    found = find_findings(claims, [s])
    assert list(found.columns) == FINDING_COLUMNS and found.empty
    table = reconcile_indicators(claims, [s], found)
    assert list(table.columns) == INDICATOR_COLUMNS and table.empty
