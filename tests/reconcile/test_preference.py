"""The preference policy (sonla.reconcile.preference) and its use by findings and indicators."""

from __future__ import annotations

import pandas as pd
import pytest
from findings_cases import make_claims, make_source, run

from sonla.reconcile.indicators import reconcile_indicators
from sonla.reconcile.preference import (
    date_key,
    date_precision,
    each_year_of,
    frame_of,
    preferred,
)
from sonla.reconcile.registry import find_findings
from sonla.text.lexicon import rule_file

WORDS = rule_file("findings.yaml")

FRAME_CASES = [
    # (id, claim, frame)
    ("target-qualifier", {"qualifier": "target"}, "target"),
    ("projected-is-a-target", {"qualifier": "projected"}, "target"),
    ("estimated", {"qualifier": "estimated"}, "estimate"),
    ("increase-is-a-change", {"qualifier": "increase"}, "change"),
    ("decrease-is-a-change", {"qualifier": "decrease"}, "change"),
    ("more-than-is-actual", {"qualifier": "more_than"}, "actual"),
    ("plain-is-actual", {"qualifier": ""}, "actual"),
    ("a-future-period-is-a-plan", {"qualifier": "", "period": "2026-2030", "source_date": "2025-07"},
     "target"),
    ("the-frame-column-wins", {"qualifier": "target", "frame": "actual"}, "actual"),
    ("an-empty-frame-column-falls-back", {"qualifier": "estimated", "frame": float("nan")}, "estimate"),
]


@pytest.mark.parametrize("claim, frame", [c[1:] for c in FRAME_CASES], ids=[c[0] for c in FRAME_CASES])
def test_one_helper_reads_the_frame(claim, frame):
    assert frame_of(claim, WORDS) == frame


EACH_YEAR_CASES = [
    ("hang-nam-before", "tỷ lệ giải ngân vốn đầu tư hàng năm đạt 100%", "100%", True),
    ("hang-nam-after", "tăng trưởng kinh tế đạt 8% hằng năm", "8%", True),
    ("moi-nam", "mỗi năm trồng mới 500 cây xanh", "500 cây", True),
    ("binh-quan-is-an-average", "tăng trưởng bình quân hằng năm đạt 8%", "8%", False),
    ("no-marker", "tỷ lệ giải ngân đạt 87,7%", "87,7%", False),
    ("marker-in-another-clause", "hằng năm tổ chức hội nghị; tỷ lệ đạt 90%", "90%", False),
    ("the-column-wins", "tỷ lệ giải ngân đạt 87,7%", "87,7%", True),
]


@pytest.mark.parametrize("clause, text, expected", [c[1:] for c in EACH_YEAR_CASES],
                         ids=[c[0] for c in EACH_YEAR_CASES])
def test_every_year_is_read_from_the_column_or_the_wording(clause, text, expected, request):
    claim = {"clause": clause, "text": text}
    if request.node.callspec.id == "the-column-wins":
        claim["each_year"] = True
    assert each_year_of(claim, WORDS) is expected


def _row(claim_id, **fields):
    base = {"claim_id": claim_id, "frame": "actual", "eff_period": "2020-2025", "source_kind": "report",
            "source_date": "2025", "layer": "clean"}
    return dict(base, **fields)


POLICY_CASES = [
    # (id, rows, the preferred claim)
    ("period-as-interval-not-string", [_row("a", eff_period="2024"), _row("b", eff_period="2020-2025")], "b"),
    ("actual-over-estimate", [_row("a", frame="estimate"), _row("b")], "b"),
    ("estimate-over-target", [_row("a", frame="target"), _row("b", frame="estimate")], "b"),
    ("official-over-news", [_row("a", source_kind="news", source_date="2025-07"), _row("b")], "b"),
    ("later-official-statement", [_row("a", source_date="2024-12"), _row("b", source_date="2025-01")], "b"),
    ("year-and-month-tie-at-common-precision",
     [_row("a", source_date="2025-07", layer="ocr"), _row("b", source_date="2025", layer="clean")], "b"),
    ("better-text-layer", [_row("a", layer="ocr"), _row("b", layer="pdf-text")], "b"),
]


@pytest.mark.parametrize("rows, best", [c[1:] for c in POLICY_CASES], ids=[c[0] for c in POLICY_CASES])
def test_the_policy_prefers(rows, best):
    assert preferred(rows)["claim_id"] == best
    assert preferred(rows[::-1])["claim_id"] == best


def test_more_independent_witnesses_over_fewer():
    rows = [_row("a"), _row("b")]
    support = {"a": 1, "b": 3}
    assert preferred(rows, lambda r: support[r["claim_id"]])["claim_id"] == "b"


def test_dates_at_their_precision():
    assert date_precision("2025-07") == 2 and date_key("2025-07-09", 2) == (2025, 7)


def test_the_class_i_count_prefers_the_later_statement():
    """42/59 in a December 2024 news article, 42/63 in the 2025 appendix for the 2020-2025 term."""
    news = make_source("news", "Đến nay, thành phố đã đạt được 42/59 chỉ tiêu đô thị loại I.", date="2024-12")
    appendix = make_source("appendix", "Đến nay, thành phố đã đạt được 42/63 chỉ tiêu đô thị loại I.",
                           date="2025", kind="report")
    cn = make_claims(news, [("42/59 chỉ tiêu", 42, "criterion", "", "urban_class1_criteria_met", "2024", 59)])
    ca = make_claims(appendix,
                     [("42/63 chỉ tiêu", 42, "criterion", "", "urban_class1_criteria_met", "2020-2025", 63)])
    out = run([news, appendix], [cn, ca])
    row = out[out["kind"] == "denominator_change"].iloc[0]
    assert row["preferred_value"] == "42/63 criterion"
    assert row["preferred_claim_id"] == ca["claim_id"].iloc[0]
    assert "later statement is preferred" in row["explanation"]


def test_a_finding_and_the_indicator_table_agree_about_a_cell():
    """The disbursement rate: a recomputed 87.2% never replaces the stated 87.7% in either table."""
    s = make_source("s", "Giải ngân 1.372 tỷ đồng/1.573 tỷ đồng kế hoạch (đạt 87,7%).", kind="report")
    news = make_source("news", "Tỷ lệ giải ngân vốn đầu tư công đạt 87,7%.")
    claims = pd.concat([
        make_claims(s, [("1.372 tỷ đồng/1.573 tỷ đồng", 1372, "bn_vnd", "", "disbursed", "2020-2025", 1573),
                        ("87,7%", 87.7, "percent", "", "disbursement_rate", "2020-2025")]),
        make_claims(news, [("87,7%", 87.7, "percent", "", "disbursement_rate", "2020-2025")]),
    ], ignore_index=True)
    found = find_findings(claims, [s, news])
    table = reconcile_indicators(claims, [s, news], found)
    grim = found[found["kind"] == "arithmetic_mismatch"].iloc[0]
    cell = table[table["indicator"] == "disbursement_rate"].iloc[0]
    assert grim["preferred_value"] == cell["preferred_value"] == "87.7 percent"
    assert "87.2%" in grim["explanation"]


def test_a_target_is_never_the_preferred_value_of_a_cell_with_a_result():
    s = make_source("s", "Phấn đấu tỷ lệ đô thị hóa đạt 72%. Tỷ lệ đô thị hóa đạt 70,5%.", kind="report")
    claims = make_claims(s, [("72%", 72, "percent", "target", "urbanisation_rate", "2020-2025"),
                             ("70,5%", 70.5, "percent", "", "urbanisation_rate", "2020-2025")])
    found = find_findings(claims, [s])
    table = reconcile_indicators(claims, [s], found).set_index("frame")
    # The result and the plan are two rows: the target is never the value of the achieved indicator.
    assert sorted(table.index) == ["actual", "target"]
    assert table.loc["actual", "preferred_value"] == "70.5 percent"
    assert (table.loc["actual", "value_low"], table.loc["actual", "value_high"]) == (70.45, 70.55)
    assert table.loc["target", "preferred_value"] == "72 percent"
