"""Every-year figures, targets and their results, estimates and later results, projections against
recent growth (sonla.reconcile.plans, sonla.reconcile.statements): texts written here, each
arithmetic in more than one word order and sentence split."""

from __future__ import annotations

import pytest
from findings_cases import make_claims, make_source, run

R = "disbursement_rate"
EVERY_YEAR_CASES = [
    # (id, text of a, claims of a, text of b, claims of b, expected (kind, status) of every_year findings)
    ("each-year-marker-before-vs-a-year-elsewhere",
     "Tỷ lệ giải ngân vốn đầu tư hàng năm đạt 100%.", [("100%", 100, "percent", "", R, "2020-2025")],
     "Năm 2024 tỷ lệ giải ngân đạt 96,2%.", [("96,2%", 96.2, "percent", "", R, "2024")],
     [("every_year", "contradiction")]),
    ("each-year-marker-after-vs-a-year-elsewhere",
     "Giai đoạn 2020-2025, tỷ lệ giải ngân đạt 100% mỗi năm.", [("100%", 100, "percent", "", R, "2020-2025")],
     "Riêng năm 2022, thành phố giải ngân được 96,2% kế hoạch vốn.",
     [("96,2%", 96.2, "percent", "", R, "2022")],
     [("every_year", "contradiction")]),
    ("each-year-bound-holds",
     "Tỷ lệ giải ngân hằng năm đạt trên 95%.", [("95%", 95, "percent", "more_than", R, "2020-2025")],
     "Năm 2024 tỷ lệ giải ngân đạt 97%.", [("97%", 97, "percent", "", R, "2024")],
     [("every_year", "consistent")]),
    ("an-average-is-not-every-year",
     "Tăng trưởng kinh tế bình quân hằng năm đạt 8%.", [("8%", 8, "percent", "", "growth", "2020-2025")],
     "Năm 2024 kinh tế tăng trưởng 5%.", [("5%", 5, "percent", "", "growth", "2024")],
     []),
    # a figure of a year so far ("đến tháng 05/2025, …") is not the year's: nothing to compare
    ("a-year-so-far-cut-off-first",
     "Tỷ lệ giải ngân vốn đầu tư hàng năm đạt 100%.", [("100%", 100, "percent", "", R, "2020-2025")],
     "Đến tháng 05/2024, tổng vốn giải ngân đạt 87,7% kế hoạch.", [("87,7%", 87.7, "percent", "", R, "2024")],
     []),
    ("a-year-so-far-cut-off-by-day",
     "Tỷ lệ giải ngân vốn đầu tư hàng năm đạt 100%.", [("100%", 100, "percent", "", R, "2020-2025")],
     "Vốn đầu tư đã giải ngân, tính đến ngày 30/6/2024, đạt 60,5% kế hoạch.",
     [("60,5%", 60.5, "percent", "", R, "2024")],
     []),
    ("a-whole-year-with-a-cut-off-after-it",
     "Tỷ lệ giải ngân vốn đầu tư hàng năm đạt 100%.", [("100%", 100, "percent", "", R, "2020-2025")],
     "Năm 2024 giải ngân đạt 87,7% kế hoạch (số liệu đến tháng 05/2025).",
     [("87,7%", 87.7, "percent", "", R, "2024")],
     [("every_year", "contradiction")]),
    ("a-year-outside-the-period",
     "Tỷ lệ giải ngân hàng năm đạt 100%.", [("100%", 100, "percent", "", R, "2020-2024")],
     "Năm 2025 tỷ lệ giải ngân đạt 90%.", [("90%", 90, "percent", "", R, "2025")],
     []),
]


@pytest.mark.parametrize("ta, sa, tb, sb, expected", [c[1:] for c in EVERY_YEAR_CASES],
                         ids=[c[0] for c in EVERY_YEAR_CASES])
def test_a_figure_said_to_hold_every_year_against_single_years(ta, sa, tb, sb, expected):
    a = make_source("a", ta, date="2025-07", kind="report")
    b = make_source("b", tb, date="2025-01")
    out = run([a, b], [make_claims(a, sa), make_claims(b, sb)])
    found = out[out["kind"] == "every_year"]
    assert sorted(zip(found["kind"], found["status"], strict=True)) == expected


def test_every_year_within_one_document_across_sentences():
    s = make_source("s", "Tỷ lệ điều tra, xử lý tội phạm hằng năm đạt trên 95%. Riêng năm 2023 chỉ đạt 90%.",
                    date="2025-07", kind="report")
    out = run([s], [make_claims(s, [("95%", 95, "percent", "more_than", "crime_clearance", "2020-2025"),
                                     ("90%", 90, "percent", "", "crime_clearance", "2023")])])
    assert out[out["kind"] == "every_year"]["status"].tolist() == ["contradiction"]


def test_the_each_year_column_is_used_when_the_claims_have_it():
    a = make_source("a", "Tỷ lệ giải ngân đạt 100%.", date="2025-07", kind="report")
    b = make_source("b", "Năm 2024 tỷ lệ giải ngân đạt 96,2%.")
    ca = make_claims(a, [("100%", 100, "percent", "", R, "2020-2025")]).assign(each_year=True)
    cb = make_claims(b, [("96,2%", 96.2, "percent", "", R, "2024")]).assign(each_year=False)
    out = run([a, b], [ca, cb])
    assert out[out["kind"] == "every_year"]["status"].tolist() == ["contradiction"]


def test_every_year_against_the_share_of_the_whole_period():
    s = make_source("s", "Giải ngân 1.372/1.573 tỷ đồng (đạt 87,7%); tỷ lệ giải ngân vốn hàng năm đạt 100%.",
                    kind="report")
    out = run([s], [make_claims(s, [("87,7%", 87.7, "percent", "", R, "2020-2025"),
                                     ("100%", 100, "percent", "", R, "2020-2025")])])
    row = out[out["kind"] == "every_year"]
    assert row["status"].tolist() == ["unresolved"] and row["severity"].tolist() == ["high"]


U = "urbanisation_rate"
TARGET_CASES = [
    # (id, text, claims, sources' dates, expected (kind, status))
    ("result-short-of-target-target-first",
     "Phấn đấu đến năm 2025 tỷ lệ đô thị hóa đạt 72%. Năm 2025 tỷ lệ đô thị hóa đạt 70,5%.",
     [("72%", 72, "percent", "target", U, "2020-2025"), ("70,5%", 70.5, "percent", "", U, "2020-2025")],
     [("target_outcome", "explained")]),
    ("result-short-of-target-result-first",
     "Tỷ lệ đô thị hóa đạt 70,5%, so với mục tiêu Đại hội đề ra là 72%.",
     [("70,5%", 70.5, "percent", "", U, "2020-2025"), ("72%", 72, "percent", "target", U, "2020-2025")],
     [("target_outcome", "explained")]),
    ("said-to-meet-but-short",
     "Tỷ lệ đô thị hóa đạt 70,5%, vượt chỉ tiêu Nghị quyết. Mục tiêu đến năm 2025 là 72%.",
     [("70,5%", 70.5, "percent", "", U, "2020-2025"), ("72%", 72, "percent", "target", U, "2020-2025")],
     [("target_outcome", "contradiction")]),
    ("met-is-not-a-finding",
     "Phấn đấu tỷ lệ đô thị hóa đạt 70%. Tỷ lệ đô thị hóa đạt 70,5%.",
     [("70%", 70, "percent", "target", U, "2020-2025"), ("70,5%", 70.5, "percent", "", U, "2020-2025")],
     []),
    ("a-ceiling-missed",
     "Phấn đấu giảm tỷ lệ hộ nghèo xuống dưới 2%. Tỷ lệ hộ nghèo còn 2,5%.",
     [("2%", 2, "percent", "target", "poverty_rate", "2020-2025"),
      ("2,5%", 2.5, "percent", "", "poverty_rate", "2020-2025")],
     [("target_outcome", "explained")]),
    ("a-ceiling-met",
     "Phấn đấu giảm tỷ lệ hộ nghèo xuống dưới 2%. Tỷ lệ hộ nghèo còn 1,5%.",
     [("2%", 2, "percent", "target", "poverty_rate", "2020-2025"),
      ("1,5%", 1.5, "percent", "", "poverty_rate", "2020-2025")],
     []),
    ("a-precise-target-reported-as-the-result",
     "Chỉ tiêu Đại hội về tỷ lệ đô thị hóa là 70,5%. Đến nay tỷ lệ đô thị hóa đạt 70,5%.",
     [("70,5%", 70.5, "percent", "target", U, "2020-2025"), ("70,5%", 70.5, "percent", "", U, "2020-2025")],
     [("target_outcome", "unresolved")]),
    ("planned-items-met-exactly-are-not-a-finding",
     "Mục tiêu ban hành 10 đề án. Đã ban hành 10 đề án.",
     [("10 đề án", 10, "scheme", "target", "schemes", "2020-2025"), ("10 đề án", 10, "scheme", "", "schemes",
                                                                       "2020-2025")],
     []),
    ("a-change-target-against-a-change",
     "Phấn đấu thu ngân sách hằng năm tăng 10%. Năm 2024 thu ngân sách tăng 8%.",
     [("10%", 10, "percent", "target", "revenue_growth", "2020-2025"),
      ("8%", 8, "percent", "increase", "revenue_growth", "2024")],
     [("target_outcome", "explained")]),
]


@pytest.mark.parametrize("text, specs, expected", [c[1:] for c in TARGET_CASES],
                         ids=[c[0] for c in TARGET_CASES])
def test_targets_and_their_results(text, specs, expected):
    s = make_source("s", text, date="2025", kind="report")
    out = run([s], [make_claims(s, specs)])
    found = out[out["kind"] == "target_outcome"]
    assert sorted(zip(found["kind"], found["status"], strict=True)) == expected, found["explanation"].tolist()
    # a target is never "consistent" with a result
    assert out[(out["status"] == "consistent") & (out["kind"] != "sum_mismatch")].empty


ESTIMATE_CASES = [
    # (id, estimate value, result value, result date, expected status)
    ("revised-later", 1154, 1180, "2025-03", "explained"),
    ("confirmed-later", 1154, 1154, "2025-03", "consistent"),
    ("differ-at-the-same-time", 1154, 1180, "2024-12", "unresolved"),
    ("a-result-before-the-estimate-is-not-compared", 1154, 1180, "2024-06", None),
]


@pytest.mark.parametrize("estimate, result, date, status", [c[1:] for c in ESTIMATE_CASES],
                         ids=[c[0] for c in ESTIMATE_CASES])
def test_an_estimate_against_a_later_result(estimate, result, date, status):
    a = make_source("a", f"Tổng thu ngân sách năm 2024 ước đạt {estimate:,} tỷ đồng.".replace(",", "."),
                    date="2024-12")
    b = make_source("b", f"Năm 2024, tổng thu ngân sách đạt {result:,} tỷ đồng.".replace(",", "."), date=date,
                    kind="report")
    ca = make_claims(a, [(f"{estimate:,} tỷ đồng".replace(",", "."), estimate, "bn_vnd", "estimated",
                          "revenue",
                          "2024")])
    cb = make_claims(b, [(f"{result:,} tỷ đồng".replace(",", "."), result, "bn_vnd", "", "revenue", "2024")])
    out = run([a, b], [ca, cb])
    found = out[out["kind"] == "estimate_revision"]
    assert found["status"].tolist() == ([status] if status else [])
    assert out[out["kind"] == "value_conflict"].empty  # an estimate is never compared as a result


def _series(values: dict[str, float], target: float):
    text = " ".join(f"Năm {y} thu đạt {v:g} tỷ đồng." for y, v in values.items())
    a = make_source("a", text, date="2024-12", kind="report")
    b = make_source("b", f"Phấn đấu năm 2025 thu đạt {target:g} tỷ đồng.", date="2025-01")
    ca = make_claims(a, [(f"{v:g} tỷ đồng", v, "bn_vnd", "", "revenue", y) for y, v in values.items()])
    cb = make_claims(b, [(f"{target:g} tỷ đồng", target, "bn_vnd", "target", "revenue", "2025")])
    return run([a, b], [ca, cb])


def test_a_projection_against_the_growth_of_recent_years():
    steady = {"2022": 100, "2023": 110, "2024": 121}
    within = _series(steady, 130)
    beyond = _series(steady, 160)
    assert within[within["kind"] == "projection_plausibility"]["status"].tolist() == ["explained"]
    row = beyond[beyond["kind"] == "projection_plausibility"]
    assert row["status"].tolist() == ["unresolved"]
    assert "grew 10.0% a year" in row["explanation"].iloc[0]
    alone = _series({"2024": 121}, 160)  # one year only: the ceiling alone decides
    assert alone[alone["kind"] == "projection_plausibility"]["status"].tolist() == ["explained"]


TOTAL_CASES = [
    # (id, text, claims, expected statuses of every_year findings)
    ("each-year-then-the-term-total-too-small",
     "Hằng năm kết nạp từ 35 đảng viên mới trở lên, cả nhiệm kỳ kết nạp 150 đảng viên.",
     [("35 đảng viên", 35, "party_member", "at_least", "admitted", "2025-2030"),
      ("150 đảng viên", 150, "party_member", "target", "admitted", "2025-2030")], ["contradiction"]),
    ("the-term-total-first-then-each-year",
     "Cả nhiệm kỳ kết nạp 150 đảng viên. Mỗi năm kết nạp 35 đảng viên mới.",
     [("150 đảng viên", 150, "party_member", "target", "admitted", "2025-2030"),
      ("35 đảng viên", 35, "party_member", "target", "admitted", "2025-2030")], ["contradiction"]),
    ("each-year-and-a-term-total-that-fit",
     "Hằng năm kết nạp 30 đảng viên mới; cả nhiệm kỳ kết nạp 150 đảng viên.",
     [("30 đảng viên", 30, "party_member", "target", "admitted", "2025-2030"),
      ("150 đảng viên", 150, "party_member", "target", "admitted", "2025-2030")], []),
]


@pytest.mark.parametrize("text, specs, expected", [c[1:] for c in TOTAL_CASES],
                         ids=[c[0] for c in TOTAL_CASES])
def test_every_year_against_the_total_of_the_period(text, specs, expected):
    s = make_source("s", text, date="2025-08")
    out = run([s], [make_claims(s, specs)])
    assert out[out["kind"] == "every_year"]["status"].tolist() == expected


ALL_MET_CASES = [
    ("all-targets-met-but-one-short",
     "Đánh giá chung, 18/18 chỉ tiêu chủ yếu đều đạt và vượt. Tuy nhiên, số trường đạt chuẩn quốc gia mới "
     "đạt 5/8 trường, chưa đạt mục tiêu 7 trường đề ra.", "contradiction"),
    ("one-short-and-no-claim-that-all-were-met",
     "Đánh giá chung, 16/18 chỉ tiêu chủ yếu đạt. Số trường đạt chuẩn quốc gia đạt 5/8 trường, chưa đạt "
     "mục tiêu 7 trường đề ra.", "explained"),
]


@pytest.mark.parametrize("text, status", [c[1:] for c in ALL_MET_CASES], ids=[c[0] for c in ALL_MET_CASES])
def test_a_target_reported_as_achieved_among_all_targets(text, status):
    s = make_source("s", text, date="2025-08")
    n = 18 if "18/18" in text else 16
    out = run([s], [make_claims(s, [(f"{n}/18 chỉ tiêu", n, "criterion", "", "targets_met", "2020-2025", 18),
                                     ("5/8 trường", 5, "school", "", "schools", "2020-2025", 8),
                                     ("7 trường", 7, "school", "target", "schools", "2020-2025")])])
    assert out[out["kind"] == "target_outcome"]["status"].tolist() == [status]


S = "schools_national_standard"
TERM_END_CASES = [
    # (id, text, claims, expected (kind, status) of term_end findings) — one document
    ("term-result-first-then-last-year-estimate",
     "Sau 5 năm, thành phố xây dựng được 97,6% trường học đạt chuẩn quốc gia. Ước tính đến năm 2025 có "
     "40/43 trường đạt chuẩn quốc gia, đạt 93,02%.",
     [("97,6%", 97.6, "percent", "", S, "2020-2025"), ("93,02%", 93.02, "percent", "estimated", S, "2025")],
     [("term_end", "unresolved")]),
    ("last-year-estimate-first-then-term-result",
     "Năm 2025 ước đạt 91% trường học đạt chuẩn quốc gia. Kết quả nhiệm kỳ 2020-2025: tỷ lệ trường đạt "
     "chuẩn quốc gia đạt 97%.",
     [("91%", 91, "percent", "estimated", S, "2025"), ("97%", 97, "percent", "", S, "2020-2025")],
     [("term_end", "unresolved")]),
    ("the-two-agree-within-rounding",
     "Sau 5 năm, 93% trường học đạt chuẩn quốc gia; ước tính đến năm 2025 đạt 93,02%.",
     [("93%", 93, "percent", "", S, "2020-2025"), ("93,02%", 93.02, "percent", "", S, "2025")],
     []),
    ("a-year-before-the-last-is-not-the-end",
     "Sau 5 năm, 97,6% trường học đạt chuẩn quốc gia. Năm 2024, tỷ lệ này đạt 90%.",
     [("97,6%", 97.6, "percent", "", S, "2020-2025"), ("90%", 90, "percent", "", S, "2024")],
     []),
    ("a-flow-over-the-term-is-not-its-last-year",
     "Giai đoạn 2020-2025 giải ngân đạt 87,7% kế hoạch vốn. Năm 2025 ước giải ngân đạt 95%.",
     [("87,7%", 87.7, "percent", "", "public_investment_disbursement_rate", "2020-2025"),
      ("95%", 95, "percent", "", "public_investment_disbursement_rate", "2025")],
     []),
    ("the-last-year-so-far-is-not-the-end",
     "Sau 5 năm, 97,6% trường học đạt chuẩn quốc gia. Tính đến tháng 6/2025, tỷ lệ trường đạt chuẩn là 93%.",
     [("97,6%", 97.6, "percent", "", S, "2020-2025"), ("93%", 93, "percent", "", S, "2025")],
     []),
]


@pytest.mark.parametrize("text, specs, expected", [c[1:] for c in TERM_END_CASES],
                         ids=[c[0] for c in TERM_END_CASES])
def test_a_stock_at_the_end_of_a_term_against_its_last_year(text, specs, expected):
    a = make_source("a", text, date="2025-07", kind="report")
    out = run([a], [make_claims(a, specs)])
    found = out[out["kind"] == "term_end"]
    assert sorted(zip(found["kind"], found["status"], strict=True)) == expected


@pytest.mark.parametrize(("estimate_date", "status"), [("2025-03", "explained"), ("2025-10", "unresolved")])
def test_a_term_result_stated_after_the_estimate_of_its_last_year_revises_it(estimate_date, status):
    estimate = make_source("e", "Năm 2025, tỷ lệ trường đạt chuẩn quốc gia ước đạt 93%.", date=estimate_date)
    result = make_source("r", "Sau 5 năm (2020-2025), 97,6% trường học đạt chuẩn quốc gia.", date="2025-07",
                         kind="report")
    out = run([estimate, result], [make_claims(estimate, [("93%", 93, "percent", "estimated", S, "2025")]),
                                   make_claims(result, [("97,6%", 97.6, "percent", "", S, "2020-2025")])])
    found = out[out["kind"] == "term_end"]
    assert list(found["status"]) == [status]
    ids = {f"e-{estimate.text.index('93%'):06d}", f"r-{result.text.index('97,6%'):06d}"}
    assert set(found["claim_ids"].iloc[0].split(";")) == ids
