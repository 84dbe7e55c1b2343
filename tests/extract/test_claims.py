"""Claims extraction: cases from the real texts, the contract, OCR, and a new source."""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd
import pytest
from conftest import add_source

from sonla.errors import SonlaError
from sonla.extract.claims import check_offsets, extract_all
from sonla.pipeline import run_pipeline
from sonla.schema import CLAIM_COLUMNS, CONTRACT_COLUMNS
from sonla.schema import CLAIM_KINDS as KINDS
from sonla.sources import load_sources
from sonla.text.lexicon import load_rules


@pytest.fixture(scope="module")
def sources():
    return load_sources()


@pytest.fixture(scope="module")
def claims(sources):
    return extract_all(sources)


def claim_at(claims, sources, source_id, context, number):
    """The claim that starts at ``number`` inside the first occurrence of ``context``."""
    text = next(s.text for s in sources if s.source_id == source_id)
    where = text.find(context)
    assert where >= 0, f"{context!r} not in {source_id}"
    start = where + context.index(number)
    rows = claims[(claims.source_id == source_id) & (claims.start == start)]
    assert len(rows) == 1, f"no claim starts at {number!r} in {context!r}"
    return rows.iloc[0]


# (id, source_id, context, where the claim starts, expected fields)
CASES_FROM_SOURCES = [
    ("class-I-criteria-42/63", "appendix-pdf", "đạt được 42/63 chỉ tiêu đô thị loại", "42/63",
     dict(kind="quantity", text="42/63 chỉ tiêu", value=42, denominator=63, unit="criterion",
          concept="urban_class1_criteria_met", geography="son-la-city")),
    ("class-I-criteria-42/59", "news-2024", "đạt được 42/59 chỉ tiêu", "42/59",
     dict(value=42, denominator=59, unit="criterion", concept="urban_class1_criteria_met", period="2024")),
    ("investment-more-than-4.051", "appendix-pdf", "đầu tư hơn 4.051 tỷ đồng", "4.051",
     dict(text="4.051 tỷ đồng", value=4051, unit="bn_vnd", qualifier="more_than",
          concept="public_investment_total", period="2020-2025")),
    ("investment-nearly-4.000", "news-congress-2025", "tổng mức đầu tư gần 4.000 tỷ đồng", "4.000",
     dict(value=4000, unit="bn_vnd", qualifier="nearly", concept="public_investment_total",
          period="2020-2025", geography="son-la-city")),
    ("investment-report-period-2021-2025", "report", "tổng mức đầu tư hơn 4.051 tỷ đồng", "4.051",
     dict(value=4051, qualifier="more_than", concept="public_investment_total", period="2021-2025")),
    ("fraction-with-units-1.372/1.573", "report", "1.372 tỷ đồng/1.573 tỷ đồng", "1.372",
     dict(text="1.372 tỷ đồng/1.573 tỷ đồng", value=1372, denominator=1573, unit="bn_vnd",
          concept="public_investment_disbursed")),
    ("fraction-404/420", "news-2024", "404/420 tỷ đồng", "404",
     dict(value=404, denominator=420, unit="bn_vnd", concept="public_investment_disbursed")),
    ("range-7-8%", "report", "trên địa bàn phường 7-8%", "7-8%",
     dict(text="7-8%", value=7, value_high=8, unit="percent", concept="budget_revenue_growth",
          period="2025-2030", qualifier="target")),
    ("range-170-200-per-ha", "appendix-pdf", "từ 170-200 triệu/ha", "170",
     dict(value=170, value_high=200, unit="mn_vnd_per_ha", concept="crop_value_per_ha")),
    ("multiple-1,45-times", "report", "tăng 1,45 lần", "1,45",
     dict(value=1.45, unit="times", qualifier="increase", decimals=2, geography="to-hieu-old")),
    ("decimal-comma-6.585,4", "report", "là 6.585,4 tỷ đồng", "6.585,4",
     dict(value=6585.4, decimals=1, concept="retail_sales", period="2025", geography="to-hieu-old")),
    ("scale-word-1,2-trieu-luot", "appendix-pdf", "đã đón 1,2 triệu lượt khách", "1,2",
     dict(text="1,2 triệu lượt khách", value=1_200_000, unit="visit", concept="tourist_visits")),
    ("thousand-groups-3.000.000", "report", "đạt 3.000.000 lượt", "3.000.000",
     dict(value=3_000_000, unit="visit", concept="tourist_visits", period="2025-2030")),
    ("dot-decimal-target-0.024%", "report", "còn 0.024%", "0.024",
     dict(value=0.024, decimals=3, unit="percent", concept="poverty_rate")),
    ("dot-decimal-target-92.86%", "report", "đạt 92.86%", "92.86",
     dict(value=92.86, decimals=2, concept="schools_national_standard_level2")),
    ("dot-decimal-target-98.50%", "report", "là 98.50%", "98.50",
     dict(value=98.5, decimals=2, concept="cultural_families")),
    ("health-insurance-98,89%", "appendix-pdf", "bảo hiểm y tế đạt 98,89%", "98,89",
     dict(value=98.89, decimals=2, unit="percent", qualifier="reached",
          concept="health_insurance_coverage")),
    ("health-insurance-98,8%", "news-2024", "bảo hiểm y tế đạt 98,8%", "98,8",
     dict(value=98.8, concept="health_insurance_coverage", period="2024")),
    ("percent-per-year", "appendix-pdf", "giảm trên 20%/năm", "20",
     dict(text="20%/năm", unit="percent_per_year", qualifier="more_than",
          concept="poverty_reduction_rate")),
    ("million-usd", "news-2024", "ước đạt 10,63 triệu USD", "10,63",
     dict(value=10.63, unit="mn_usd", qualifier="estimated")),
    ("year-in-brackets-after", "appendix-pdf", "giảm từ 145 hộ (2021)", "145",
     dict(value=145, unit="household", concept="poor_households", period="2021")),
    ("urbanisation-69,38%", "news-2024", "tỷ lệ đô thị hóa đạt 69,38%", "69,38",
     dict(concept="urbanisation_rate", value=69.38)),
    ("budget-local-projected-800", "appendix-pdf", "dự kiến năm 2025 đạt 800 tỷ đồng", "800",
     dict(qualifier="projected", period="2025", concept="budget_revenue_local")),
    ("old-ward-chieng-le", "report", "Phường Chiềng Lề, tổng thu ngân sách trong cả nhiệm kỳ đạt 53,1",
     "53,1",
     dict(geography="chieng-le-old", concept="budget_revenue_total", period="2020-2025")),
    ("new-ward-delegates", "news-congress-2025", "với 150 đại biểu chính thức", "150",
     dict(unit="delegate", concept="congress_delegates", geography="to-hieu-ward")),
    # The footnote's place comes from its marker's passage; its period from its own "Đến nay, …"
    # (the time of writing), as the codebook of data/annotations/ reads "đến nay".
    ("footnote-takes-its-markers-context", "report", "thành phố có 52.442 công dân", "52.442",
     dict(period="2025", concept="learning_citizens", qualifier="", geography="son-la-city")),
    ("year-of-another-clause-not-the-period", "appendix-pdf", "70,5%,  tăng 3,4%", "70,5",
     dict(period="2020-2025", concept="urbanisation_rate")),
    ("private-enterprise-party-orgs", "report", "100% tổ chức Đảng trong doanh nghiệp tư nhân", "100",
     dict(concept="private_enterprise_party_orgs_good", period="2025-2030")),
    ("indicator-from-the-unit-itself", "report", "chỉ còn 3 hộ cận nghèo", "3",
     dict(unit="household", concept="near_poor_households", geography="to-hieu-old")),
    ("co-so-is-not-a-naming-so", "report", "trên cơ sở 4 phường trung", "4",
     dict(value=4, unit="commune")),
    ("ky-luat-is-not-a-law-number", "report", "thi hành kỷ luật 1 đảng viên", "1",
     dict(value=1, unit="party_member")),
    ("dated-heading-sets-the-period", "report", "tổ chức 02 kỳ họp HĐ", "02",
     dict(period="2025", geography="to-hieu-ward")),
    ("party-members-at-least", "report", "Kết nạp mới từ 150 đảng viên trở lên", "150",
     dict(unit="party_member", qualifier="at_least", concept="party_members_admitted", period="2025-2030")),
]

# (id, source_id, context, number, qualifier) — one case per qualifier of qualifiers.yaml
CASES_QUALIFIERS = [
    ("hon", "appendix-pdf", "hơn 4.400 tỷ đồng", "4.400", "more_than"),
    ("tren", "report", "với trên 5000 đảng viên", "5000", "more_than"),
    ("gan", "appendix-pdf", "gần 500 tỷ đồng", "500", "nearly"),
    ("khoang", "report", "khoảng 420 tỷ đồng", "420", "about"),
    ("uoc-dat", "report", "ước đạt 644 tỷ đồng", "644", "estimated"),
    ("du-kien", "appendix-pdf", "dự kiến năm 2025 đạt 800 tỷ đồng", "800", "projected"),
    ("phan-dau", "news-congress-2025", "phấn đấu hoàn thành 25 chỉ tiêu", "25", "target"),
    ("toi-thieu", "report", "có tối thiểu 20% tổ chức", "20", "at_least"),
    ("tu-tro-len", "report", "từ 150 đảng viên trở lên", "150", "at_least"),
    ("tang", "appendix-pdf", "tăng 3,4% so với năm 2020", "3,4", "increase"),
    ("giam", "news-2024", "giảm 19 hộ", "19", "decrease"),
    ("dat", "news-2024", "tỷ lệ đô thị hóa đạt 69,38%", "69,38", "reached"),
    ("none", "appendix-pdf", "đã hoàn \n\nthành 290 công trình", "290", ""),
    ("tặng-is-not-tăng", "report", "tặng 02 Cờ thi đua", "02", ""),
    ("giám-sát-is-not-giảm", "report", "giám sát 36 lượt", "36", ""),
    ("lắp-đặt-is-not-đạt", "report", "lắp đặt 2.261 mắt", "2.261", ""),
]

# (id, source_id, context, number, kind) — every class of number that is not a quantity
CASES_NOT_QUANTITIES = [
    ("document-number-353-KL/TU", "appendix-pdf", "Kết luận số 353-KL/TU", "353", "identifier"),
    ("document-number-57-NQ/TW", "report", "Nghị quyết số 57-NQ/TW", "57", "identifier"),
    ("document-number-bare", "news-2024", "Kết luận số 1077 ngày", "1077", "identifier"),
    ("appendix-list", "report", "Phụ lục số 1,3,4", "1,3,4", "identifier"),
    ("date-07/9/2021", "appendix-pdf", "ngày \n\n07/9/2021", "07/9/2021", "date"),
    ("date-day-month-9/7", "news-congress-2025", "diễn ra ngày 9/7", "9/7", "date"),
    ("date-month-year", "appendix-pdf", "đến tháng 05/2025", "05/2025", "date"),
    ("date-dotted", "report", "từ ngày 01.7.2025", "01.7.2025", "date"),
    ("year-comparison-base", "appendix-pdf", "so với năm 2020", "2020", "date"),
    ("year-span", "appendix-pdf", "nhiệm kỳ 2020-2025", "2020-2025", "date"),
    ("date-line-of-news", "news-2024", "date 2024-12", "2024-12", "date"),
    ("section-1.2.1.", "appendix-pdf", "1.2.1. Đột phá", "1.2.1.", "section_number"),
    ("section-heading-2.1.", "report", "2.1. Chỉ tiêu kinh tế", "2.1.", "section_number"),
    ("roman-heading", "report", "II- Khái quát", "II-", "section_number"),
    ("list-marker-(1)", "appendix-pdf", "(1) Hỗ trợ triển khai", "(1)", "list_marker"),
    ("list-marker-(ii)", "appendix-pdf", "(ii) Dự án", "(ii)", "list_marker"),
    ("name-to-12", "appendix-pdf", "khu dân cư tổ 12", "12", "name_number"),
    ("name-duong-so-3", "appendix-pdf", "2a, số 3, số 6", "3", "name_number"),
    ("name-QL6", "appendix-pdf", "tránh QL6 thành", "6", "name_number"),
    ("name-bao-so-2", "news-2024", "cơn bão số 2", "2", "name_number"),
    ("name-quoc-lo-6", "appendix-pdf", "Quốc lộ 6", "6", "name_number"),
    ("name-acronym-ICLC-6", "news-2024", "(ICLC 6)", "6", "name_number"),
    ("name-covid-19", "appendix-pdf", "Covid-19", "19", "name_number"),
    ("name-cho-4.0", "report", "“Chợ 4.0”", "4.0", "name_number"),
    ("footnote-glued-pdf", "appendix-pdf", "thành phố1;", "1", "footnote_marker"),
    ("footnote-line-start-pdf", "appendix-pdf", "\n4 Đến nay", "4", "footnote_marker"),
    ("ocr-s6-so", "appendix-ocr", "Két luan s6 353", "6", "ocr_letter"),
    ("ocr-d3-da", "appendix-ocr", "d3 nd lyc", "3", "ocr_letter"),
    ("ocr-1a-la", "appendix-ocr", "do6 1a tién", "1", "ocr_letter"),
    ("ocr-ty-1¢", "appendix-ocr", "ty 1¢ do thi", "1", "ocr_letter"),
    ("ocr-ty-18-le", "appendix-ocr", "ty 18 giai ngan", "18", "ocr_letter"),
    ("ocr-16-lo", "appendix-ocr", "Qudc 16 6", "16", "ocr_letter"),
    ("ocr-lot-3a-is-a-name", "appendix-ocr", "3a, 3b; 4b", "3", "name_number"),
    ("ocr-hoi1-glued", "appendix-ocr", "hoi1 trén", "1", "footnote_marker"),
    ("ocr-loai-1-is-class-I", "appendix-ocr", "loai 1. Két", "1", "name_number"),
]


@pytest.mark.parametrize(("source_id", "context", "number", "expected"), [c[1:] for c in CASES_FROM_SOURCES],
                         ids=[c[0] for c in CASES_FROM_SOURCES])
def test_quantities_from_sources(claims, sources, source_id, context, number, expected):
    row = claim_at(claims, sources, source_id, context, number)
    expected = {"kind": "quantity", **expected}
    got = {k: row[k] for k in expected}
    for key, value in expected.items():
        if isinstance(value, float | int) and not isinstance(value, bool):
            assert got[key] == pytest.approx(value), key
        else:
            assert got[key] == value, key


@pytest.mark.parametrize(("source_id", "context", "number", "qualifier"), [c[1:] for c in CASES_QUALIFIERS],
                         ids=[c[0] for c in CASES_QUALIFIERS])
def test_qualifiers_from_sources(claims, sources, source_id, context, number, qualifier):
    row = claim_at(claims, sources, source_id, context, number)
    assert row.kind == "quantity"
    assert row.qualifier == qualifier
    assert (qualifier in row.qualifiers.split(";")) if qualifier else row.qualifiers == ""


@pytest.mark.parametrize(("source_id", "context", "number", "kind"), [c[1:] for c in CASES_NOT_QUANTITIES],
                         ids=[c[0] for c in CASES_NOT_QUANTITIES])
def test_not_quantities_from_sources(claims, sources, source_id, context, number, kind):
    row = claim_at(claims, sources, source_id, context, number)
    assert row.kind == kind
    assert pd.isna(row.value) and row.unit == "" and row.indicator == ""


def test_a_day_and_month_fall_in_the_sources_year(claims, sources):
    row = claim_at(claims, sources, "news-congress-2025", "diễn ra ngày 9/7", "9/7")
    assert row.period == "2025"


# Kinds no source holds; their cases are in tests/extract/test_classify.py (issue 17, case 6).
GRAMMAR_KINDS = {"url_part", "unreadable_script", "unreadable_exponent", "unreadable_fraction",
                 "unreadable_magnitude"}


def test_every_qualifier_and_kind_has_a_case():
    assert {c[4] for c in CASES_QUALIFIERS} - {""} == set(load_rules().qualifier_labels)
    assert {c[4] for c in CASES_NOT_QUANTITIES} | {"quantity"} | GRAMMAR_KINDS == set(KINDS)


# --------------------------------------------------------------------------- the contract

def test_contract_columns_first_and_in_order(claims):
    assert list(claims.columns[:len(CONTRACT_COLUMNS)]) == CONTRACT_COLUMNS
    assert list(claims.columns) == CLAIM_COLUMNS


def test_offsets_ids_and_order(claims, sources):
    from sonla import config

    # The contract: offsets into the raw file decoded as UTF-8 (not into any normalised text).
    texts = {s.source_id: (config.RAW_DIR / s.file).read_bytes().decode("utf-8") for s in sources}
    for row in claims.itertuples(index=False):
        assert texts[row.source_id][row.start:row.end] == row.text, row.claim_id
    assert claims.claim_id.is_unique
    assert (claims.claim_id == claims.source_id + "-" + claims.start.map("{:06d}".format)).all()
    order = {s.source_id: i for i, s in enumerate(sources)}
    keys = list(zip(claims.source_id.map(order), claims.start, strict=True))
    assert keys == sorted(keys)


def test_claims_do_not_overlap(claims):
    for _, rows in claims.groupby("source_id"):
        starts, ends = rows.start.to_numpy(), rows.end.to_numpy()
        assert (starts[1:] >= ends[:-1]).all()


def test_quantities_have_values_and_others_do_not(claims):
    quantities = claims[claims.kind == "quantity"]
    assert quantities.value.notna().all()
    assert claims[claims.kind != "quantity"].value.isna().all()
    assert set(claims.kind) <= set(KINDS)
    assert claims.period.str.fullmatch(r"(\d{4}(-\d{4})?)?").all()


def test_claims_in_one_sentence_share_the_sentence_text(claims):
    row = claims[(claims.source_id == "appendix-pdf") & (claims.text == "70,5%")].iloc[0]
    same = claims[(claims.source_id == "appendix-pdf") & (claims.sentence == row.sentence)]
    assert "3,4%" in set(same.text)


def test_check_offsets_names_the_row(claims, sources):
    broken = claims.copy()
    broken.loc[3, "end"] = broken.loc[3, "end"] + 1
    with pytest.raises(SonlaError, match=r"row 5 "):
        check_offsets(broken, sources)


# --------------------------------------------------------------------------- OCR

def _quantities_by_layer(claims, sources) -> dict[str, dict[str, Counter]]:
    """{document_id: {text_layer: Counter((value, unit))}} for documents with several copies."""
    layer = {s.source_id: (s.document_id, s.text_layer) for s in sources}
    out: dict[str, dict[str, Counter]] = {}
    for row in claims[claims.kind == "quantity"].itertuples(index=False):
        document, text_layer = layer[row.source_id]
        out.setdefault(document, {}).setdefault(text_layer, Counter())[(row.value, row.unit)] += 1
    return {d: copies for d, copies in out.items() if "ocr" in copies and "pdf-text" in copies}


# OCR damage that changes a unit word beyond recognition; kept as strict xfails, not deleted.
KNOWN_OCR_DAMAGE = [
    ("footnote-moved-66", (66.0, ""), "the scan interleaves footnote 4 after '66', the PDF footnote 5"),
]


def test_every_pdf_quantity_is_found_in_the_ocr_copy(claims, sources):
    copies = _quantities_by_layer(claims, sources)
    assert copies, "the manifest declares a document with a pdf-text and an ocr copy"
    known = Counter(dict.fromkeys((k[1] for k in KNOWN_OCR_DAMAGE), 1))
    for document, by_layer in copies.items():
        missing = by_layer["pdf-text"] - by_layer["ocr"] - known
        assert not missing, f"{document}: PDF quantities not found in the OCR copy: {dict(missing)}"


@pytest.mark.parametrize("key", [k[1] for k in KNOWN_OCR_DAMAGE], ids=[k[0] for k in KNOWN_OCR_DAMAGE])
@pytest.mark.xfail(strict=True, reason="known OCR damage (see KNOWN_OCR_DAMAGE)")
def test_known_ocr_damage(claims, sources, key):
    for by_layer in _quantities_by_layer(claims, sources).values():
        assert by_layer["ocr"][key] >= by_layer["pdf-text"][key]


def test_no_ocr_letter_becomes_a_quantity(claims, sources):
    rules = load_rules()
    for source in (s for s in sources if s.text_layer == "ocr"):
        rows = claims[(claims.source_id == source.source_id) & (claims.kind == "quantity")]
        for row in rows.itertuples(index=False):
            number = re.match(r"[\d.,]+", row.text).group(0)
            before = source.text[row.start - 1] if row.start else " "
            after = source.text[row.start + len(number):row.start + len(number) + 1]
            glued = lambda c: c.isalpha() or c in rules.ocr_symbols  # noqa: E731
            assert not glued(before), row.claim_id
            assert not glued(after) or row.unit, row.claim_id
    # Letters read as digits are found in every OCR copy, and only there.
    ocr = {s.source_id for s in sources if s.text_layer == "ocr"}
    assert ocr and set(claims.loc[claims.kind == "ocr_letter", "source_id"]) == ocr


def test_ocr_rules_follow_the_manifest_not_the_source_id(sources):
    pdf = next(s for s in sources if s.text_layer == "pdf-text")
    from dataclasses import replace

    from sonla.extract.claims import extract_claims

    as_ocr = extract_claims(replace(pdf, text=pdf.text + " ty 18 giai ngan", text_layer="ocr"))
    as_pdf = extract_claims(replace(pdf, text=pdf.text + " ty 18 giai ngan"))
    assert as_ocr.kind.iloc[-1] == "ocr_letter"
    assert as_pdf.kind.iloc[-1] == "quantity"


# --------------------------------------------------------------------------- a new source

NEW_SOURCE = (
    "Năm 2023, thành phố Sơn La đã đón hơn 1,5 triệu lượt khách du lịch; "
    "tỷ lệ đô thị hóa đạt 68,9%. Ngày 3/2/2023 ban hành Kết luận số 99-KL/TU.\n"
)


def test_a_new_source_yields_claims_without_code_change(raw_copy, tmp_path):
    add_source(raw_copy, "news-test-2023", NEW_SOURCE, title_vi="Tin thử: thành phố Sơn La năm 2023")
    run_pipeline(raw_copy, tmp_path / "out", verbose=False)
    claims = pd.read_csv(tmp_path / "out" / "claims.csv", keep_default_na=False, na_values=[""])
    new = claims[claims.source_id == "news-test-2023"].set_index("text")
    assert new.loc["1,5 triệu lượt khách du lịch", "value"] == 1_500_000
    assert new.loc["1,5 triệu lượt khách du lịch", "qualifier"] == "more_than"
    assert new.loc["1,5 triệu lượt khách du lịch", "concept"] == "tourist_visits"
    assert new.loc["68,9%", "concept"] == "urbanisation_rate"
    assert set(new.period) == {"2023"} and set(new.geography) == {"son-la-city"}
    assert new.loc["99-KL/TU", "kind"] == "identifier"
    assert new.loc["3/2/2023", "kind"] == "date"
    assert (tmp_path / "out" / "datapackage.json").is_file()
