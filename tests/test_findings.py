"""Tests for sonla.findings: each rule on small texts and claims written here.

The texts imitate the wording of the real sources (quoted in the case ids) but are short and
self-contained; claims are built by hand in the claims contract so the rules are tested apart
from extraction. One test adds a source through the manifest alone and runs the whole pipeline.
"""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sonla.reconcile import findings as fd
from sonla.reconcile.findings import Interval, Params, claim_interval, relate, reported_decimals
from sonla.sources import Source

CLAIM_COLUMNS = ["claim_id", "source_id", "start", "end", "text", "kind", "value", "value_high",
                 "denominator", "unit", "qualifier", "indicator", "period", "geography", "sentence"]


def make_source(source_id: str, text: str, date: str = "2025", document_id: str | None = None,
                text_layer: str = "clean", kind: str = "news") -> Source:
    return Source(source_id=source_id, file=f"{source_id}.txt", sha256="0" * 64, title_vi="t",
                  title_en="t", kind=kind, issuer="tests", date=date, language="vi",
                  text_layer=text_layer, document_id=document_id or source_id, notes="", text=text)


def make_claims(source: Source, specs: list[tuple]) -> pd.DataFrame:
    """Claims for ``source`` from (snippet, value, unit, qualifier, indicator, period, denominator).

    The snippet is searched for left to right, so repeated snippets find successive places.
    """
    rows, cursor = [], 0
    sentences = [(m.start(), m.end()) for m in re.finditer(r".+?(?:[.!?](?=\s|$)|$)", source.text)]
    for spec in specs:
        snippet, value, unit, qualifier, indicator, period, denominator = (list(spec) + [None] * 7)[:7]
        start = source.text.index(snippet, cursor)
        end = start + len(snippet)
        cursor = end
        sentence = next(source.text[a:b].strip() for a, b in sentences if a <= start < b)
        rows.append({
            "claim_id": f"{source.source_id}-{start:06d}", "source_id": source.source_id,
            "start": start, "end": end, "text": snippet, "kind": "quantity", "value": value,
            "value_high": math.nan, "denominator": math.nan if denominator is None else denominator,
            "unit": unit or "", "qualifier": qualifier or "", "indicator": indicator or "",
            "period": period or "", "geography": "son-la-city", "sentence": sentence,
        })
    return pd.DataFrame(rows, columns=CLAIM_COLUMNS)


def run(sources: list[Source], claims: list[pd.DataFrame], **params) -> pd.DataFrame:
    return fd.find_findings(pd.concat(claims, ignore_index=True), sources, Params(**params))


def kinds(frame: pd.DataFrame) -> list[tuple[str, str]]:
    return sorted(zip(frame["kind"], frame["status"], strict=True))


# --------------------------------------------------------------------------------------------
# Intervals, precision, GRIM
# --------------------------------------------------------------------------------------------

INTERVAL_CASES = [
    # (id, value, qualifier, text, expected interval)
    ("plain-87,7%", 87.7, "", "87,7%", Interval(87.65, 87.75)),
    ("hon-4.051", 4051, "more_than", "4.051 tỷ đồng", Interval(4051, math.inf, lo_open=True)),
    ("gan-4.000", 4000, "nearly", "4.000 tỷ đồng", Interval(3800, 4000, True, True)),
    ("khoang-2.000", 2000, "about", "2.000 tấn", Interval(1900, 2100)),
    ("toi-thieu-20%", 20, "at_least", "20%", Interval(20, math.inf)),
    ("plain-98.50%-target-style", 98.5, "", "98.50%", Interval(98.495, 98.505)),
]


@pytest.mark.parametrize("value, qualifier, text, expected",
                         [c[1:] for c in INTERVAL_CASES], ids=[c[0] for c in INTERVAL_CASES])
def test_claim_interval(value, qualifier, text, expected):
    got = claim_interval(value, qualifier, text)
    assert got.lo == pytest.approx(expected.lo) and got.hi == pytest.approx(expected.hi)
    assert (got.lo_open, got.hi_open) == (expected.lo_open, expected.hi_open)


def test_qualifier_intervals_of_the_public_investment_example_are_disjoint():
    assert relate(claim_interval(4051, "more_than", "4.051"), claim_interval(4000, "nearly", "4.000")) \
        == "disjoint"
    assert relate(claim_interval(99.31, "", "99,31"), claim_interval(99.3, "", "99,3")) == "overlap"


@pytest.mark.parametrize("text, value, decimals", [
    ("87,7%", 87.7, 1), ("4.051", 4051, 0), ("93,02%", 93.02, 2), ("98.50%", 98.5, 2), ("1,45 lần", 1.45, 2),
], ids=["87,7%", "4.051", "93,02%", "98.50%", "1,45-lan"])
def test_reported_decimals(text, value, decimals):
    assert reported_decimals(text, value) == decimals


def test_grim_finds_no_numerator_for_an_impossible_percentage():
    # 1.372/1.573 = 87.22%, so "87,7%" needs 1379 or 1380 of 1573 — not 1372.
    assert fd.grim_possible(claim_interval(87.7, "", "87,7"), 1573) == [1379, 1380]
    assert 22 in fd.implied_denominators(claim_interval(40.9, "", "40,9"), 30)


# --------------------------------------------------------------------------------------------
# Between documents
# --------------------------------------------------------------------------------------------

def test_qualifier_conflict_between_more_than_and_nearly():
    a = make_source("a", "Thực hiện 300 công trình với tổng mức đầu tư hơn 4.051 tỷ đồng.", kind="report")
    b = make_source("b", "Trên 300 công trình, với tổng mức đầu tư gần 4.000 tỷ đồng.", date="2025-07")
    ca = make_claims(a,
        [("4.051 tỷ đồng", 4051, "bn_vnd", "more_than", "public_investment_total", "2021-2025")])
    cb = make_claims(b, [("4.000 tỷ đồng", 4000, "bn_vnd", "nearly", "public_investment_total", "2020-2025")])
    out = run([a, b], [ca, cb])
    row = out[out["kind"] == "qualifier_conflict"].iloc[0]
    assert row["status"] == "contradiction" and row["severity"] == "high"
    assert row["claim_ids"] == ";".join(sorted([ca.claim_id[0], cb.claim_id[0]]))
    assert row["preferred_value"] == "> 4,051 bn_vnd"  # the official report is preferred


def test_denominator_change_between_dated_sources():
    a = make_source("a", "Đến nay, thành phố đã đạt được 42/63 chỉ tiêu đô thị loại I.", date="2025")
    b = make_source("b", "Đến nay, thành phố đã đạt được 42/59 chỉ tiêu đô thị loại I.", date="2024-12")
    ca = make_claims(a, [("42/63", 42, "criteria", "", "urban_class1_criteria_met", "", 63)])
    cb = make_claims(b, [("42/59", 42, "criteria", "", "urban_class1_criteria_met", "", 59)])
    out = run([a, b], [ca, cb])
    assert kinds(out) == [("denominator_change", "unresolved")]
    assert "42/63" in out["preferred_value"].iloc[0]  # the later statement
    assert "71.2% vs 66.7%" in out["explanation"].iloc[0]


CROSS_CASES = [
    # (id, value a, text a, period a, value b, text b, period b, expected kinds)
    ("same-value-consistent", 98.89, "98,89%", "2020-2025", 98.89, "98,89%", "2020-2025",
     [("consistent", "consistent")]),
    ("99,31%-vs-99,3%-rounding", 99.31, "99,31%", "2024", 99.3, "99,3%", "2024",
     [("rounding", "explained")]),
    ("2025-vs-2024-temporal", 70.5, "70,5%", "2025", 69.38, "69,38%", "2024",
     [("temporal_change", "explained")]),
    ("same-period-different-values", 70.5, "70,5%", "2024", 69.38, "69,38%", "2024",
     [("value_conflict", "contradiction")]),
]


@pytest.mark.parametrize("va, ta, pa, vb, tb, pb, expected", [c[1:] for c in CROSS_CASES],
                         ids=[c[0] for c in CROSS_CASES])
def test_between_sources(va, ta, pa, vb, tb, pb, expected):
    a = make_source("a", f"Tỷ lệ đạt {ta}.")
    b = make_source("b", f"Tỷ lệ đạt {tb}.")
    ca = make_claims(a, [(ta, va, "percent", "", "some_rate", pa)])
    cb = make_claims(b, [(tb, vb, "percent", "", "some_rate", pb)])
    assert kinds(run([a, b], [ca, cb])) == expected


def test_missing_period_uses_the_source_date():
    a = make_source("a", "Tỷ lệ đạt 70,5%.", date="2025")
    b = make_source("b", "Tỷ lệ đạt 69,38%.", date="2024-12")
    ca = make_claims(a, [("70,5%", 70.5, "percent", "", "urbanisation_rate", "")])
    cb = make_claims(b, [("69,38%", 69.38, "percent", "", "urbanisation_rate", "")])
    out = run([a, b], [ca, cb])
    assert kinds(out) == [("temporal_change", "explained")]
    assert out["confidence"].iloc[0] == "medium"  # periods inferred from source dates


def test_scope_difference_when_the_bases_differ():
    a = make_source("a", "Có 52.442 công dân đạt danh hiệu Công dân học tập chiếm 70%.")
    b = make_source("b", "Có 95,7% công dân đăng kí đã đạt Công dân học tập.")
    ca = make_claims(a, [("70%", 70, "percent", "", "learning_citizens_share", "2025")])
    cb = make_claims(b, [("95,7%", 95.7, "percent", "", "learning_citizens_share", "2025")])
    assert kinds(run([a, b], [ca, cb])) == [("scope_difference", "unresolved")]


def test_targets_are_not_compared_with_actuals():
    a = make_source("a", "Phấn đấu đạt 250 tỷ đồng.")
    b = make_source("b", "Thu ngân sách đạt 36,4 tỷ đồng.")
    ca = make_claims(a, [("250 tỷ đồng", 250, "bn_vnd", "target", "budget_revenue", "2025")])
    cb = make_claims(b, [("36,4 tỷ đồng", 36.4, "bn_vnd", "", "budget_revenue", "2025")])
    assert "value_conflict" not in set(run([a, b], [ca, cb])["kind"])


# --------------------------------------------------------------------------------------------
# Copies of one document
# --------------------------------------------------------------------------------------------

def test_copies_are_one_document_and_differences_are_ocr_variants():
    pdf = make_source("pdf",
        "Đạt 94%; số hóa đạt 99,59%; đạt 85,26%.", document_id="doc", text_layer="pdf-text")
    ocr = make_source("ocr", "Dat 94%; s6 hoa dat 99,69%; dat 85,26%.", document_id="doc", text_layer="ocr")
    news = make_source("news", "Số hóa đạt 99,59%.")
    spec = [("94%", 94, "percent", "", "online_services_rate", "2025"),
            ("{}", None, "percent", "", "digitised_records_rate", "2025"),
            ("85,26%", 85.26, "percent", "", "fibre_households_rate", "2025")]
    cp = make_claims(pdf, [spec[0], ("99,59%", 99.59) + spec[1][2:], spec[2]])
    co = make_claims(ocr, [spec[0], ("99,69%", 99.69) + spec[1][2:], spec[2]])
    cn = make_claims(news, [("99,59%", 99.59, "percent", "", "digitised_records_rate", "2025")])
    out = run([pdf, ocr, news], [cp, co, cn])
    variant = out[out["kind"] == "ocr_variant"]
    assert len(variant) == 1 and variant["status"].iloc[0] == "explained"
    assert variant["claim_ids"].iloc[0] == ";".join(sorted([cp.claim_id[1], co.claim_id[1]]))
    # The news agrees with the document once (its PDF twin), citing the OCR twin too.
    agree = out[(out["kind"] == "consistent")]
    assert len(agree) == 1
    assert set(agree["claim_ids"].iloc[0].split(";")) == {cp.claim_id[1], co.claim_id[1], cn.claim_id[0]}
    assert "consistent" not in set(out[out["sources"] == "ocr;pdf"]["kind"])


# --------------------------------------------------------------------------------------------
# Within a document
# --------------------------------------------------------------------------------------------

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
    row = out[out["rule"] == "within:parts"]
    assert len(row) == 1 and row["status"].iloc[0] == status
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


def test_percentage_unreachable_with_a_stated_total():
    s = make_source("s",
        "Duy trì 97,6% trường học đạt chuẩn quốc gia. Ước tính năm 2025 đạt chuẩn 40/43 trường.")
    specs = [("97,6%", 97.6, "percent", "", "schools_national_standard", "2025"),
             ("40/43 trường", 40, "school", "", "schools_national_standard", "2025", 43)]
    out = run([s], [make_claims(s, specs)])
    row = out[out["rule"] == "within:denominator-check"]
    assert len(row) == 1 and row["status"].iloc[0] == "unresolved"


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


def test_projection_against_the_term_total():
    s = make_source("s", "Thu ngân sách đạt 3.455 tỷ đồng, dự kiến năm 2025 đạt 800 tỷ đồng.")
    specs = [("3.455 tỷ đồng", 3455, "bn_vnd", "", "budget_revenue_local", "2020-2025"),
             ("800 tỷ đồng", 800, "bn_vnd", "projected", "budget_revenue_local", "2025")]
    out = run([s], [make_claims(s, specs)])
    row = out[out["kind"] == "projection_plausibility"]
    assert len(row) == 1 and row["status"].iloc[0] == "consistent"
    assert "1.16 times" in row["explanation"].iloc[0]


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
    assert "duplicate_passage" not in set(out["kind"])


def test_finding_ids_are_stable_and_independent_of_order():
    assert fd.finding_id("x", ["b", "a"]) == fd.finding_id("x", ["a", "b"])
    a = make_source("a", "Tỷ lệ đạt 70,5%.")
    b = make_source("b", "Tỷ lệ đạt 70,5%.")
    ca = make_claims(a, [("70,5%", 70.5, "percent", "", "r", "2025")])
    cb = make_claims(b, [("70,5%", 70.5, "percent", "", "r", "2025")])
    first, again = run([a, b], [ca, cb]), run([a, b], [ca, cb])
    assert first.equals(again)
    assert list(first["finding_id"]) == list(run([b, a], [cb, ca])["finding_id"])


def test_indicator_table_has_one_row_per_indicator_period_geography():
    a = make_source("a", "Hơn 4.051 tỷ đồng.", kind="report")
    b = make_source("b", "Gần 4.000 tỷ đồng.")
    ca = make_claims(a,
        [("4.051 tỷ đồng", 4051, "bn_vnd", "more_than", "public_investment_total", "2020-2025")])
    cb = make_claims(b, [("4.000 tỷ đồng", 4000, "bn_vnd", "nearly", "public_investment_total", "2020-2025")])
    claims = pd.concat([ca, cb], ignore_index=True)
    found = fd.find_findings(claims, [a, b])
    table = fd.reconcile_indicators(claims, [a, b], found)
    assert len(table) == 1
    row = table.iloc[0]
    assert (row["status"], row["sources"], row["preferred_value"]) \
        == ("contradiction", "a;b", "> 4,051 bn_vnd")


# --------------------------------------------------------------------------------------------
# Through the manifest alone: a new source with an internal sum mismatch
# --------------------------------------------------------------------------------------------

SUM_MISMATCH_TEXT = (
    "Năm 2025, phường đã triển khai 50 công trình, trong đó: 30 công trình giao thông, "
    "28 công trình thủy lợi. Tổng mức đầu tư các công trình đạt 120 tỷ đồng.\n"
)


def test_a_new_source_with_a_sum_mismatch_is_found_through_the_manifest(raw_copy, tmp_path):
    from conftest import add_source

    from sonla.pipeline import run_pipeline

    add_source(raw_copy, "test-sum-mismatch", SUM_MISMATCH_TEXT, date="2025-08")
    out = tmp_path / "processed"
    run_pipeline(raw_copy, out, verbose=False)
    found = pd.read_csv(out / "findings.csv", keep_default_na=False)
    mine = found[found["sources"] == "test-sum-mismatch"]
    row = mine[mine["kind"] == "sum_mismatch"]
    assert len(row) == 1, mine[["kind", "claim_ids"]]
    assert row["status"].iloc[0] == "contradiction" and row["severity"].iloc[0] == "high"
    claims = pd.read_csv(out / "claims.csv", keep_default_na=False)
    cited = claims.set_index("claim_id").loc[row["claim_ids"].iloc[0].split(";")]
    assert sorted(cited["value"].astype(float)) == [28.0, 30.0, 50.0]
    assert (out / "indicators.csv").is_file()


# --------------------------------------------------------------------------------------------
# Cases from the sources: the two examples of the issue, found in the published data
# --------------------------------------------------------------------------------------------

CASES_FROM_SOURCES = [
    # (id, kind, indicator, values the finding must cite)
    ("42/63-vs-42/59", "denominator_change", "urban_class1_criteria_met", {42.0}),
    ("hon-4.051-vs-gan-4.000", "qualifier_conflict", "public_investment_total", {4051.0, 4000.0}),
]


@pytest.mark.parametrize("kind, indicator, values", [c[1:] for c in CASES_FROM_SOURCES],
                         ids=[c[0] for c in CASES_FROM_SOURCES])
def test_the_examples_of_the_sources_are_found(kind, indicator, values):
    from sonla.chapters import book

    found = book.load_processed("findings.csv")
    claims = book.load_processed("claims.csv").set_index("claim_id")
    rows = found[(found["kind"] == kind) & (found["indicator"] == indicator)]
    assert len(rows) >= 1
    for ids in rows["claim_ids"]:
        cited = claims.loc[ids.split(";")]
        assert set(cited["value"].astype(float)) == values
        assert cited["source_id"].nunique() >= 2


CASES_BUGS_CAUGHT = [
    # (id, claims built for a one-sentence source)
    ("no-quantities", []),
    ("one-quantity-no-indicator", [("12 hộ", 12, "household")]),
]


@pytest.mark.parametrize("specs", [c[1] for c in CASES_BUGS_CAUGHT], ids=[c[0] for c in CASES_BUGS_CAUGHT])
def test_sources_with_little_to_compare_give_empty_tables_not_errors(specs):
    s = make_source("s", "Năm 2025 có 12 hộ được hỗ trợ.")
    claims = make_claims(s, specs)
    found = fd.find_findings(claims, [s])
    assert list(found.columns) == fd.FINDING_COLUMNS and found.empty
    table = fd.reconcile_indicators(claims, [s], found)
    assert list(table.columns) == fd.INDICATOR_COLUMNS and table.empty


def test_a_claims_table_without_a_contract_column_is_refused():
    s = make_source("s", "Tỷ lệ đạt 70,5%.")
    claims = make_claims(s, [("70,5%", 70.5, "percent", "", "r", "2025")]).drop(columns="qualifier")
    with pytest.raises(KeyError, match="qualifier"):
        fd.find_findings(claims, [s])


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


@pytest.mark.parametrize("documents", [3, fd.MAX_PAIRWISE_DOCUMENTS + 3])
def test_many_documents_on_one_cell_are_compared_with_the_preferred_one(documents):
    """Up to MAX_PAIRWISE_DOCUMENTS documents every pair is compared; beyond, each document is
    compared with the preferred one only, so findings grow with the documents, not their square."""
    text = "Tỷ lệ đô thị hóa đạt 70,5%."
    sources = [make_source(f"s{i}", text, date=f"2025-0{1 + i % 9}") for i in range(documents)]
    claims = [make_claims(s, [("70,5%", 70.5, "percent", "reached", "urbanisation_rate", "2020-2025")])
              for s in sources]
    out = run(sources, claims)
    consistent = out[out["kind"] == "consistent"]
    pairs = documents * (documents - 1) // 2
    expected = pairs if documents <= fd.MAX_PAIRWISE_DOCUMENTS else documents - 1
    assert len(consistent) == expected
    if documents > fd.MAX_PAIRWISE_DOCUMENTS:  # every pair names the preferred (latest) document
        preferred = max(sources, key=lambda s: s.date).source_id
        assert all(preferred in ids for ids in consistent["claim_ids"])


@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6), st.booleans(), st.booleans()),
                min_size=1, max_size=6))
def test_one_intersection_decides_whether_a_bucket_agrees_pairwise(specs):
    bucket = [{"interval": Interval(min(a, b), max(a, b), lo_open, hi_open)}
              for a, b, lo_open, hi_open in specs]
    pairwise = all(relate(x["interval"], y["interval"]) != "disjoint"
                   for i, x in enumerate(bucket) for y in bucket[i + 1:])
    assert fd._unambiguous(bucket) == pairwise


def _naive_buckets(rows):
    buckets = []
    for row in rows:
        for bucket in buckets:
            head = bucket[0]
            if fd.same_period(head["eff_period"], head["period_inferred"], row["eff_period"],
                              row["period_inferred"]):
                bucket.append(row)
                break
        else:
            buckets.append([row])
    return buckets


PERIODS = st.sampled_from(["2020", "2024", "2025", "2020-2025", "2021-2025", "2019-2025",
                           "2025-2030", "2026-2030", "2030", "Q3", ""])


@given(st.lists(st.tuples(PERIODS, st.booleans()), max_size=30))
def test_period_buckets_match_a_scan_of_every_bucket(periods):
    rows = [{"eff_period": p, "period_inferred": inferred, "n": i} for i, (p, inferred) in enumerate(periods)]
    assert fd._period_buckets(rows) == _naive_buckets(rows)
