"""Indicator rules: one concept, one unit family, one thing counted per denominator.

The sentences below are written for these tests in the style of a commune's report or a
local news item (they are not copied from data/raw/): each concept is stated in more than
one word order (concept before the number, after it, or in a trailing clause), and each
sentence that holds two numbers checks that the second does not take the first one's key.
A number is marked ``[[…]]`` in the sentence; the markers are removed before extraction.
"""

from __future__ import annotations

import re

import pytest

from sonla import config
from sonla.extract.claims import extract_claims
from sonla.io import read_yaml
from sonla.sources import Source

MARK = re.compile(r"\[\[(.+?)\]\]")


def _source(text: str) -> Source:
    return Source(source_id="commune-report", file="commune-report.txt", sha256="0" * 64,
                  title_vi="Báo cáo kiểm thử", title_en="A test report", kind="report", issuer="tests",
                  date="2025", language="vi", text_layer="clean", document_id="commune-report", notes="",
                  text=text)


def indicators_of(marked: str) -> list[str]:
    """The indicator of each marked number, in order (every marked number must be a quantity)."""
    text, starts, shift = marked, [], 0
    for m in MARK.finditer(marked):
        starts.append(m.start() - shift)
        shift += 4
    text = MARK.sub(r"\1", marked)
    claims = extract_claims(_source(text)).set_index("start")
    found = []
    for start in starts:
        assert start in claims.index, f"no claim starts at {text[start:start + 12]!r} in {text!r}"
        row = claims.loc[start]
        assert row.kind == "quantity", f"{row.text!r} is read as {row.kind}"
        found.append(row.concept)
    return found


# (id, sentence with marked numbers, the indicator of each marked number; "" = none)
CASES = [
    # waste sorted at source is not waste collected
    ("waste-sorted-concept-before",
     "Tỷ lệ phân loại rác thải tại nguồn của phường năm nay đạt [[62%]].",
     ["waste_sorted_at_source"]),
    ("waste-sorted-concept-after",
     "Đến cuối năm, kết quả đạt [[62%]] khối lượng rác được phân loại rác tại nguồn.",
     ["waste_sorted_at_source"]),
    ("waste-collected-vs-sorted-one-sentence",
     "Chất thải rắn sinh hoạt được thu gom, xử lý đạt [[97,5%]]; tỷ lệ phân loại rác tại nguồn mới đạt"
     " [[41%]].",
     ["waste_collection", "waste_sorted_at_source"]),
    ("waste-collected-concept-after",
     "Xã đã có [[97%]] lượng chất thải rắn được thu gom, xử lý đúng quy định.",
     ["waste_collection"]),
    # revenue against the province's estimate and against the council's estimate
    ("revenue-province-then-council",
     "Tổng thu ngân sách xã năm 2024 đạt [[42 tỷ đồng]], bằng [[110,4%]] dự toán tỉnh giao, [[104,2%]]"
     " dự toán HĐND xã giao.",
     ["budget_revenue_total", "budget_revenue_total_vs_province_estimate",
      "budget_revenue_total_vs_council_estimate"]),
    ("revenue-council-then-province",
     "Tổng thu ngân sách ước đạt 42 tỷ đồng, bằng [[104,2%]] dự toán HĐND giao và [[110,4%]] so với dự"
     " toán tỉnh giao.",
     ["budget_revenue_total_vs_council_estimate", "budget_revenue_total_vs_province_estimate"]),
    ("local-revenue-vs-province-estimate",
     "Trong đó thu ngân sách trên địa bàn đạt [[18,6 tỷ đồng]], bằng [[95%]] so với dự toán tỉnh giao.",
     ["budget_revenue_local", "budget_revenue_local_vs_province_estimate"]),
    ("revenue-growth-is-no-estimate",
     "Tổng thu ngân sách đạt 42 tỷ đồng, tăng [[12%]] so với cùng kỳ.",
     [""]),
    # money disbursed is not the disbursement rate
    ("disbursed-money-and-rate",
     "Giải ngân vốn đầu tư công đạt [[215 tỷ đồng]], bằng [[91,5%]] kế hoạch vốn giao.",
     ["public_investment_disbursed", "public_investment_disbursement_rate"]),
    ("disbursement-rate-concept-after",
     "Đến hết tháng 12, [[91,5%]] vốn đầu tư công đã được giải ngân.",
     ["public_investment_disbursement_rate"]),
    # four party-building rates, four keys
    ("party-cells-good-concept-after",
     "Năm 2024 có [[92%]] chi bộ hoàn thành tốt nhiệm vụ trở lên.",
     ["party_cells_good"]),
    ("party-cells-good-concept-before",
     "Tỷ lệ chi bộ hoàn thành tốt nhiệm vụ đạt [[92%]].",
     ["party_cells_good"]),
    ("party-members-good-both-orders",
     "Tỷ lệ đảng viên hoàn thành tốt nhiệm vụ trở lên đạt [[88%]]; [[88%]] đảng viên hoàn thành tốt "
     "nhiệm vụ.",
     ["party_members_good_share", "party_members_good_share"]),
    ("cells-good-and-orgs-excellent-one-sentence",
     "Có [[92%]] chi bộ hoàn thành tốt nhiệm vụ, [[18%]] tổ chức cơ sở đảng hoàn thành xuất sắc nhiệm "
     "vụ và [[12%]] đảng viên được đánh giá, xếp loại hoàn thành xuất sắc nhiệm vụ.",
     ["party_cells_good", "grassroots_party_orgs_excellent_share", "party_members_excellent_share"]),
    # visits to beneficiaries are not the money given to them
    ("visits-and-gift-money",
     "Thăm hỏi, tặng quà, trợ cấp cho [[1.250 lượt]] đối tượng chính sách, hộ nghèo với tổng giá trị "
     "[[850 triệu đồng]].",
     ["social_support_beneficiaries", "holiday_gifts_value"]),
    ("monthly-allowance-people-and-money",
     "Chi trả trợ cấp hằng tháng cho [[320 đối tượng]] bảo trợ xã hội với số tiền [[1,9 tỷ đồng]].",
     ["monthly_allowance_recipients", "monthly_allowance_value"]),
    # coffee: area, share of plan and exports are three keys
    ("coffee-area-plan-export",
     "Trồng mới và tái canh được [[80 ha]] cà phê, bằng [[120%]] so với kế hoạch; xuất khẩu [[1.500 "
     "tấn]] cà phê nhân.",
     ["coffee_area", "coffee_planted_vs_plan", "coffee_export_volume"]),
    ("coffee-area-concept-before",
     "Diện tích cà phê trồng mới và tái canh năm nay là [[80 ha]].",
     ["coffee_area"]),
    # the 1 of a per-hectare value is not an area
    ("per-hectare-one-is-no-area",
     "Giá trị sản xuất cây chủ lực trên [[1 ha]] đất canh tác đạt [[150 triệu đồng/ha]].",
     ["", "crop_value_per_ha"]),
    # schools: count, share, level 2, and another rate in the same sentence
    ("schools-count-and-share",
     "Toàn xã có [[6/7 trường]] đạt chuẩn quốc gia, đạt [[85,7%]].",
     ["schools_national_standard_count", "schools_national_standard"]),
    ("schools-level2-both-orders",
     "Có [[3/7 trường]] đạt chuẩn quốc gia mức độ 2; tỷ lệ trường đạt chuẩn quốc gia mức độ II đạt "
     "[[42,9%]].",
     ["schools_national_standard_level2_count", "schools_national_standard_level2"]),
    ("promotion-rate-is-not-level2",
     "Phường có 4/4 trường đạt chuẩn quốc gia mức độ II, tỷ lệ lên lớp đạt [[99,5%]].",
     ["promotion_graduation_rate"]),
    # poor households: the stock, and households supported (a different thing counted)
    ("poor-households-fell",
     "Số hộ nghèo giảm từ [[52 hộ]] xuống còn [[20 hộ]].",
     ["poor_households", "poor_households"]),
    ("poor-and-near-poor-remaining",
     "Cuối năm, xã còn [[20 hộ nghèo]] và [[35 hộ cận nghèo]].",
     ["poor_households", "near_poor_households"]),
    # dossiers settled on time are a subset of the dossiers settled; "tất cả đều" keeps the total
    ("land-dossiers-on-time-subset",
     "Xã tiếp nhận và giải quyết [[420 hồ sơ]] đất đai, trong đó [[398 hồ sơ]] đất đai được giải "
     "quyết đúng hạn.",
     ["land_dossiers_settled", "land_dossiers_on_time"]),
    ("land-dossiers-all-on-time-is-the-total",
     "Phường xử lý [[273 hồ sơ]] đất đai, tất cả đều được giải quyết đúng thời hạn.",
     ["land_dossiers_settled"]),
    # gross social product, production value, goods turnover and trade-services value: four things
    ("social-product-and-production-value",
     "Tổng sản phẩm xã hội ước đạt [[644 tỷ đồng]]; giá trị sản xuất toàn ngành kinh tế đạt "
     "[[420 tỷ đồng]].",
     ["gross_social_product", "production_value"]),
    ("production-value-then-social-product",
     "Năm 2025, giá trị sản xuất toàn ngành đạt [[1.020 tỷ đồng]], tổng sản phẩm xã hội trên địa bàn "
     "là [[870 tỷ đồng]].",
     ["production_value", "gross_social_product"]),
    ("goods-turnover-and-trade-services",
     "Tổng lưu chuyển hàng hóa năm 2025 ước đạt [[780 tỷ đồng]]; giá trị thương mại - dịch vụ đạt "
     "[[183,2 tỷ đồng]].",
     ["goods_turnover", "commerce_value"]),
    ("trade-services-then-goods-turnover",
     "Giá trị thương mại - dịch vụ năm 2024 đạt [[150 tỷ đồng]]. Về lưu chuyển hàng hóa, tổng giá trị "
     "ước đạt [[600 tỷ đồng]].",
     ["commerce_value", "goods_turnover"]),
    # wordings of other communes' reports: members of the party, residents, shares, spending
    ("party-members-of-the-committee-sentence-end",
     "Đảng bộ hiện có 34 chi bộ với [[812 đảng viên]]. Trong nhiệm kỳ đã kết nạp [[146 đảng viên]] mới.",
     ["party_members_total", "party_members_admitted"]),
    ("party-members-represented-at-the-congress",
     "Dự Đại hội có [[135 đại biểu]] chính thức, đại diện cho hơn [[1.400 đảng viên]] sinh hoạt tại "
     "42 chi bộ.",
     ["congress_delegates", "party_members_total"]),
    ("residents-of-the-whole-commune",
     "Toàn xã có 2.150 hộ, [[9.460 nhân khẩu]].",
     ["population"]),
    ("residents-without-households",
     "Toàn phường có [[12.300 nhân khẩu]] sinh sống tại 14 tổ dân phố.",
     ["population"]),
    ("people-helped-are-not-the-residents",
     "Hỗ trợ 50 hộ với [[210 nhân khẩu]] bị ảnh hưởng do thiên tai.",
     [""]),
    ("poor-households-share-after-the-count",
     "Số hộ nghèo đầu năm 2024 là [[92 hộ]], chiếm [[4,6%]].",
     ["poor_households", "poverty_rate"]),
    ("poor-households-share-before-the-count",
     "Hộ nghèo của xã chiếm [[3,1%]] tổng số hộ toàn xã.",
     ["poverty_rate"]),
    ("cultural-groups-title-in-the-unit",
     "Có [[11/13 tổ dân phố, bản]] đạt danh hiệu văn hóa.",
     ["cultural_residential_groups"]),
    ("cultural-groups-title-khu-dan-cu",
     "Năm 2024, [[14/14 tổ dân phố]] đạt danh hiệu khu dân cư văn hoá.",
     ["cultural_residential_groups"]),
    ("party-committee-elected",
     "Đại hội đã bầu Ban Chấp hành Đảng bộ xã khóa I gồm [[27 đồng chí]].",
     ["party_committee_members"]),
    ("party-committee-elected-with-term",
     "Ban Chấp hành Đảng bộ phường nhiệm kỳ 2025 - 2030 gồm [[31 đồng chí]], tuổi bình quân 44.",
     ["party_committee_members"]),
    ("commune-spending",
     "Chi ngân sách phường ước thực hiện [[19,6 tỷ đồng]], đạt 98,2% dự toán.",
     ["budget_spending"]),
    ("commune-spending-after-revenue",
     "Thu ngân sách xã đạt 12 tỷ đồng; chi ngân sách xã đạt [[11,5 tỷ đồng]].",
     ["budget_spending"]),
    ("total-production-value-of-the-area",
     "Tổng giá trị sản xuất trên địa bàn đạt [[16.480 tỷ đồng]], tăng 12% so với năm 2022.",
     ["production_value"]),
    ("total-production-value-of-a-sector-is-not-the-economy",
     "Tổng giá trị sản xuất nông nghiệp đạt [[2.100 tỷ đồng]].",
     [""]),
    ("loans-are-not-the-stock",
     "Ngân hàng chính sách hỗ trợ [[15 hộ nghèo]], hộ cận nghèo vay vốn phát triển sản xuất.",
     ["poor_households_loans"]),
    # electronic identification: issued, activated, rate
    ("eid-issued-activated-rate",
     "Cấp [[9.500 tài khoản]] định danh điện tử, kích hoạt [[9.100 tài khoản]], đạt [[95,8%]].",
     ["eid_accounts", "eid_accounts_activated", "eid_activation_rate"]),
    # party inspection: inspected and supervised together, or apart
    ("inspected-and-supervised-together",
     "Đảng ủy đã kiểm tra, giám sát [[12 tổ chức đảng]] và [[30 đảng viên]].",
     ["party_orgs_inspected_supervised", "party_members_inspected_supervised"]),
    ("inspected-then-supervised",
     "Trong năm đã kiểm tra [[5 tổ chức đảng]], [[9 đảng viên]]; giám sát [[14 đảng viên]].",
     ["party_orgs_inspected", "party_members_inspected", "party_members_supervised"]),
    # security-order safety: residential areas, agencies, and a learning title that is neither
    ("safe-residential-areas-concept-after",
     "Có [[96%]] khu dân cư đạt tiêu chuẩn an toàn về an ninh, trật tự.",
     ["safe_residential_areas"]),
    ("safe-residential-areas-concept-before",
     "Tỷ lệ khu dân cư, xã đạt tiêu chuẩn “An toàn về an ninh, trật tự” đạt [[98%]].",
     ["safe_residential_areas"]),
    ("safe-agencies-concept-before",
     "Tỷ lệ cơ quan, doanh nghiệp, trường học đạt chuẩn về an ninh, trật tự đạt [[100%]].",
     ["safe_agencies_share"]),
    ("learning-units-are-not-safe-agencies",
     "Có [[100%]] cơ quan, đơn vị, doanh nghiệp, trường học đạt danh hiệu “Đơn vị học tập”.",
     ["learning_units_share"]),
    # learning citizens: a count and a share are two keys
    ("learning-citizens-count-and-share",
     "Toàn xã có [[4.200 công dân]] đạt danh hiệu “Công dân học tập” (chiếm [[65%]]).",
     ["learning_citizens", "learning_citizens_share"]),
    # relief received from the province's fund, in millions or billions of đồng
    ("relief-received-and-distributed",
     "Xã đã tiếp nhận và phân bổ [[500 triệu đồng]] từ Quỹ cứu trợ của tỉnh cho các hộ bị thiệt hại.",
     ["disaster_relief"]),
    # durations stay unmapped
    ("duration-stays-unmapped",
     "Sau [[5 năm]] thực hiện nghị quyết, thu ngân sách trên địa bàn đạt [[30 tỷ đồng]].",
     ["", "budget_revenue_local"]),
]


@pytest.mark.parametrize(("marked", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_indicator_of_each_number(marked, expected):
    assert indicators_of(marked) == expected


def test_enough_cases_in_more_than_one_word_order():
    assert len(CASES) >= 25
    concepts = [key for _, _, keys in CASES for key in keys if key]
    repeated = {key for key in concepts if concepts.count(key) > 1}
    assert {"waste_sorted_at_source", "party_cells_good", "public_investment_disbursement_rate",
            "coffee_area", "safe_residential_areas", "poor_households"} <= repeated


# --------------------------------------------------------------------------- the rule files

def _unit_families() -> dict[str, str]:
    families = {}
    for entry in read_yaml(config.RULES_DIR / "units.yaml")["units"]:
        assert "family" in entry, f"units.yaml: unit {entry['key']!r} has no family"
        assert families.get(entry["key"], entry["family"]) == entry["family"], entry["key"]
        families[entry["key"]] = entry["family"]
    families[""] = ""  # a quantity read without a unit: a family of its own
    return families


def test_unit_families_are_the_documented_ones():
    families = _unit_families()
    named = {"money": {"bn_vnd", "mn_vnd", "vnd", "usd", "mn_usd"}, "money_per_area": {"mn_vnd_per_ha"},
             "percent": {"percent", "percent_per_year"}, "ratio": {"times"}, "area": {"ha", "km2", "m2"},
             "length": {"km", "m"}, "mass": {"tonne"}, "duration": {"year", "month", "age"}}
    for family, units in named.items():
        assert {u for u, f in families.items() if f == family} == units, family
    counts = {u for u, f in families.items() if f not in named and u}
    assert counts and all(families[u] == u for u in counts)  # every count unit is its own family


def test_every_indicator_has_units_of_one_family():
    families = _unit_families()
    entries = read_yaml(config.RULES_DIR / "indicators.yaml")["indicators"]
    keys = [e["key"] for e in entries]
    assert len(keys) == len(set(keys)), "an indicator key repeats"
    for entry in entries:
        units = entry.get("units")
        assert units, f"{entry['key']}: no units (an indicator must be limited to one unit family)"
        unknown = set(units) - set(families)
        assert not unknown, f"{entry['key']}: unknown units {unknown}"
        assert len({families[u] for u in units}) == 1, f"{entry['key']}: units {units} mix families"
        assert entry.get("label_en", "").strip(), f"{entry['key']}: no label_en"
