"""Within a sentence: sums, stated percentages, implied denominators, baselines, yearly rates."""

from __future__ import annotations

import pytest
from findings_cases import kinds, make_claims, make_source, run

SUM_CASES = [
    # (id, text, specs (total first), expected status)
    ("gan-220-trong-do-hon-62-va-158",
     "Tổng mức đầu tư gần 220 tỷ đồng, trong đó: nhân dân đóng góp hơn 62 tỷ đồng, "
     "ngân sách hỗ trợ 158 tỷ đồng.",
     [("220 tỷ đồng", 220, "bn_vnd", "nearly"), ("62 tỷ đồng", 62, "bn_vnd", "more_than"),
      ("158 tỷ đồng", 158, "bn_vnd")], "explained"),
    ("tren-300-trong-do-parts-exceed",
     "Tổng cộng 300 công trình, trong đó: 210 công trình hoàn thành, 120 công trình đang làm.",
     [("300 công trình", 300, "work"), ("210 công trình", 210, "work"), ("120 công trình", 120, "work")],
     "contradiction"),
    ("hon-25-du-an-trong-do-17-va-08-counts-are-not-rounded",
     "Thu hút hơn 25 dự án, trong đó có 17 dự án chấp thuận, 08 dự án đấu giá.",
     [("25 dự án", 25, "project", "more_than"), ("17 dự án", 17, "project"), ("08 dự án", 8, "project")],
     "unresolved"),
    ("75-du-an-trong-do-23-va-52",
     "Đã triển khai 75 dự án, trong đó, 23 dự án chuyển tiếp và 52 dự án khởi công mới.",
     [("75 dự án", 75, "project"), ("23 dự án", 23, "project"), ("52 dự án", 52, "project")], "consistent"),
    ("remainder-after-commas-closes-the-list",
     "Thu hút hơn 25 dự án, trong đó có 17 dự án chấp thuận, 08 dự án đấu giá, đấu thầu và khác.",
     [("25 dự án", 25, "project", "more_than"), ("17 dự án", 17, "project"), ("08 dự án", 8, "project")],
     "contradiction"),
    ("remainder-parts-before-total",
     "Đã giải quyết 12 hồ sơ, đang giải quyết 10 hồ sơ, còn lại 6 hồ sơ chưa giải quyết; tổng số 30 hồ sơ.",
     [("12 hồ sơ", 12, "file"), ("10 hồ sơ", 10, "file"), ("6 hồ sơ", 6, "file"), ("30 hồ sơ", 30, "file")],
     "contradiction"),
    ("635-ho-so-trong-do-listed-examples",
     "Giải quyết 635 hồ sơ, trong đó có 249 hồ sơ chuyển nhượng, 77 hồ sơ tặng cho.",
     [("635 hồ sơ", 635, "file"), ("249 hồ sơ", 249, "file"), ("77 hồ sơ", 77, "file")], "unresolved"),
    ("104-to-chuc-gom-parts",
     "Có 104 tổ chức đảng (gồm 2 Đảng bộ cơ sở, 22 chi bộ cơ sở; 72 chi bộ trực thuộc và 8 chi bộ).",
     [("104", 104, ""), ("2", 2, ""), ("22", 22, ""), ("72", 72, ""), ("8", 8, "")], "consistent"),
]


@pytest.mark.parametrize("text, specs, status", [c[1:] for c in SUM_CASES], ids=[c[0] for c in SUM_CASES])
def test_sum_mismatch(text, specs, status):
    s = make_source("s", text)
    out = run([s], [make_claims(s, specs)])
    row = out[out["rule"].str.startswith("within:parts")]
    assert len(row) == 1 and row["status"].iloc[0] == status
    # A list short of its total may be incomplete: a difference to read, not a flag.
    assert bool(row["flag"].iloc[0]) == (status == "contradiction")
    assert row["kind"].iloc[0] == "sum_mismatch"
    assert len(row["claim_ids"].iloc[0].split(";")) == len(specs)


GRIM_CASES = [
    ("1.372/1.573-dat-87,7%", "Giải ngân 1.372 tỷ đồng/1.573 tỷ đồng kế hoạch (đạt 87,7%).",
     [("1.372 tỷ đồng/1.573 tỷ đồng", 1372, "bn_vnd", "", "", "", 1573), ("87,7%", 87.7, "percent")],
     ("arithmetic_mismatch", "contradiction")),
    ("404/420-bang-96,2%", "Đã giải ngân 404/420 tỷ đồng bằng 96,2% so với kế hoạch.",
     [("404/420 tỷ đồng", 404, "bn_vnd", "", "", "", 420), ("96,2%", 96.2, "percent")],
     ("consistent", "consistent")),
    ("40/43-truong-dat-93,02%", "Xây dựng trường đạt chuẩn quốc gia 40/43 trường, đạt 93,02%.",
     [("40/43 trường", 40, "school", "", "", "", 43), ("93,02%", 93.02, "percent")],
     ("consistent", "consistent")),
]


@pytest.mark.parametrize("text, specs, expected", [c[1:] for c in GRIM_CASES], ids=[c[0] for c in GRIM_CASES])
def test_stated_percentage_against_its_ratio(text, specs, expected):
    s = make_source("s", text)
    out = run([s], [make_claims(s, specs)])
    row = out[out["rule"] == "within:grim"]
    assert kinds(row) == [expected]


def test_implied_denominator_from_several_shares_of_one_committee():
    s = make_source("s", "Tổng số cấp ủy viên là 22 đồng chí, tỷ lệ nữ chiếm 40,9%; dân tộc Thái 18,2%; "
                         "đại học 36,4%; trên đại học 63,6%.")
    specs = [("22 đồng chí", 22, "person"), ("40,9%", 40.9, "percent"), ("18,2%", 18.2, "percent"),
             ("36,4%", 36.4, "percent"), ("63,6%", 63.6, "percent")]
    out = run([s], [make_claims(s, specs)])
    row = out[out["kind"] == "implied_denominator"]
    assert len(row) == 1 and row["preferred_value"].iloc[0] == "n = 22"
    assert row["status"].iloc[0] == "consistent"


BASELINE_CASES = [
    ("tang-1,45-lan-so-voi-nam-2020",
     "Tổng mức bán lẻ năm 2025 là 6.585,4 tỷ đồng, tăng 1,45 lần so với năm 2020.",
     [("6.585,4 tỷ đồng", 6585.4, "bn_vnd", "", "retail_sales", "2025"), ("1,45 lần", 1.45, "times",
         "increase")],
     "2020: ≈ 4,541.7 bn_vnd"),
    ("tang-3,4%-so-voi-nam-2020-points-or-percent",
     "Tỷ lệ đô thị hóa đạt 70,5%, tăng 3,4% so với năm 2020.",
     [("70,5%", 70.5, "percent", "", "urbanisation_rate", "2025"), ("3,4%", 3.4, "percent", "increase")],
     "2020: 67.1% (points) or 68.18% (relative)"),
]


@pytest.mark.parametrize("text, specs, preferred", [c[1:] for c in BASELINE_CASES],
    ids=[c[0] for c in BASELINE_CASES])
def test_implied_baseline(text, specs, preferred):
    s = make_source("s", text)
    out = run([s], [make_claims(s, specs)])
    row = out[out["kind"] == "implied_baseline"]
    assert len(row) == 1 and row["preferred_value"].iloc[0] == preferred


def test_baseline_from_count_and_percentage_agree():
    s = make_source("s", "Năm 2024 còn 63 hộ nghèo (giảm 19 hộ, giảm 23,2% so với năm 2023).")
    specs = [("63 hộ", 63, "household"), ("19 hộ", 19, "household", "decrease"),
             ("23,2%", 23.2, "percent", "decrease")]
    out = run([s], [make_claims(s, specs)])
    row = out[out["rule"] == "within:baseline-check"]
    assert kinds(row) == [("implied_baseline", "consistent")]


@pytest.mark.parametrize("stated, qualifier, status", [
    (20, "more_than", "consistent"),   # (63/145)^(1/3) → a fall of 24.2% a year: "trên 20%/năm" holds
    (30, "more_than", "contradiction"),
], ids=["giam-tren-20%/nam", "giam-tren-30%/nam"])
def test_stated_yearly_rate_against_two_dated_levels(stated, qualifier, status):
    s = make_source("s", "Số hộ nghèo giảm từ 145 hộ (2021) xuống còn 63 hộ (2024), tỷ lệ giảm nghèo "
                         f"hàng năm giảm trên {stated}%/năm.")
    specs = [("145 hộ", 145, "household", "decrease", "poor_households", "2021"),
             ("63 hộ", 63, "household", "", "poor_households", "2024"),
             (f"{stated}%/năm", stated, "percent_per_year", qualifier, "poverty_reduction_rate", "2024")]
    out = run([s], [make_claims(s, specs)])
    row = out[out["rule"] == "within:rate"]
    assert len(row) == 1 and row["status"].iloc[0] == status
