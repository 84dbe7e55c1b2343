"""Across the statements: stated totals, projections, restated figures, duplicate passages."""

from __future__ import annotations

from findings_cases import kinds, make_claims, make_source, run


def test_percentage_unreachable_with_a_stated_total():
    s = make_source("s",
        "Duy trì 97,6% trường học đạt chuẩn quốc gia. Ước tính năm 2025 đạt chuẩn 40/43 trường.")
    specs = [("97,6%", 97.6, "percent", "", "schools_national_standard", "2025"),
             ("40/43 trường", 40, "school", "", "schools_national_standard", "2025", 43)]
    out = run([s], [make_claims(s, specs)])
    row = out[out["rule"] == "within:denominator-check"]
    assert len(row) == 1 and row["status"].iloc[0] == "unresolved"


def test_projection_against_the_term_total():
    s = make_source("s", "Thu ngân sách đạt 3.455 tỷ đồng, dự kiến năm 2025 đạt 800 tỷ đồng.")
    specs = [("3.455 tỷ đồng", 3455, "bn_vnd", "", "budget_revenue_local", "2020-2025"),
             ("800 tỷ đồng", 800, "bn_vnd", "projected", "budget_revenue_local", "2025")]
    out = run([s], [make_claims(s, specs)])
    row = out[out["kind"] == "projection_plausibility"]
    assert len(row) == 1 and row["status"].iloc[0] == "explained"  # a plan is never "consistent" with results
    assert "1.16 times" in row["explanation"].iloc[0]


def test_a_zero_term_total_is_no_yardstick_for_a_projection():
    """Found by the benchmark's 100x corpus (digits changed at random): a term total of 0 has no
    yearly average; the rule used to divide by zero and stop the whole pipeline."""
    s = make_source("s", "Thu ngân sách đạt 0 tỷ đồng, dự kiến năm 2025 đạt 800 tỷ đồng.")
    specs = [("0 tỷ đồng", 0, "bn_vnd", "", "budget_revenue_local", "2020-2025"),
             ("800 tỷ đồng", 800, "bn_vnd", "projected", "budget_revenue_local", "2025")]
    out = run([s], [make_claims(s, specs)])
    assert out[out["rule"] == "within:projection"].empty


def test_projection_needing_implausible_growth_is_unresolved():
    a = make_source("a", "Năm 2024 thu đạt 100 tỷ đồng.", date="2024")
    b = make_source("b", "Phấn đấu năm 2025 thu đạt 400 tỷ đồng.")
    ca = make_claims(a, [("100 tỷ đồng", 100, "bn_vnd", "", "revenue", "2024")])
    cb = make_claims(b, [("400 tỷ đồng", 400, "bn_vnd", "target", "revenue", "2025")])
    out = run([a, b], [ca, cb], max_growth=0.5)
    assert kinds(out[out["kind"] == "projection_plausibility"]) == [("projection_plausibility", "unresolved")]


def test_restated_figure_with_conflicting_qualifiers():
    s = make_source("s", "Thu hút hơn 25 dự án. Về sau, tổng cộng thu hút gần 24 dự án.")
    specs = [("25 dự án", 25, "project", "more_than", "investment_projects", "2020-2025"),
             ("24 dự án", 24, "project", "nearly", "investment_projects", "2020-2025")]
    out = run([s], [make_claims(s, specs)])
    assert kinds(out[out["kind"] == "restated_figure"]) == [("restated_figure", "contradiction")]


def test_duplicate_passage_is_found_and_counted_once():
    sentence = ("Đã thực hiện 300 công trình, dự án theo kế hoạch đầu tư công với tổng mức đầu tư hơn "
                "4.051 tỷ đồng. Chỉ đạo tháo gỡ kịp thời những vướng mắc khó khăn. ")
    s = make_source("s", "Trình Ban Thường vụ. " + sentence + "Hỗ trợ. " + sentence)
    spec = [("300 công trình", 300, "work", "", "public_investment_projects", "2020-2025"),
            ("4.051 tỷ đồng", 4051, "bn_vnd", "more_than", "public_investment_total", "2020-2025")]
    out = run([s], [make_claims(s, spec + spec)])
    assert kinds(out) == [("duplicate_passage", "explained")]  # and no restated_figure
    assert len(out["claim_ids"].iloc[0].split(";")) == 4


def test_a_restated_figure_in_another_paragraph_is_not_a_duplicate_passage():
    s = make_source("s", "Tỷ lệ đô thị hóa đạt 70,5%, tăng 3,4% so với năm 2020; khách du lịch tăng. "
                         "Lập mới 37 đồ án, nâng tỷ lệ đô thị hóa đạt 70,5%, tăng 3,4% so với năm 2020. "
                         "Đến nay.")
    spec = [("70,5%", 70.5, "percent", "", "urbanisation_rate", "2025"),
            ("3,4%", 3.4, "percent", "increase", "", "")]
    out = run([s], [make_claims(s, spec + spec)])
    assert kinds(out) == [("implied_baseline", "unresolved")] * 2  # each statement on its own
