"""Reading a quantity as written: number forms and OCR-damaged unit words (sonla.extract.quantities)."""

from __future__ import annotations

import pandas as pd
import pytest

from sonla.extract.claims import extract_claims
from sonla.extract.quantities import read_quantity, signed_at
from sonla.sources import Source


def _source(text: str) -> Source:
    return Source("t", "t.txt", "0", "t", "t", "news", "tests", "2025", "vi", "clean", "t", "", text)

# (id, written form, value, value_high, denominator, unit) — each number form of the issue
CASES_NUMBER_FORMS = [
    ("fraction", "42/63 chỉ tiêu", 42, None, 63, "criterion"),
    ("fraction-unit-after", "404/420 tỷ đồng", 404, None, 420, "bn_vnd"),
    ("fraction-unit-both-sides", "1.372 tỷ đồng/1.573 tỷ đồng", 1372, None, 1573, "bn_vnd"),
    ("not-a-fraction-two-units", "202,5 ha/478 hộ", 202.5, None, None, "ha"),
    ("range-percent", "7-8%", 7, 8, None, "percent"),
    ("range-scale-per-ha", "170-200 triệu/ha", 170, 200, None, "mn_vnd_per_ha"),
    ("scale-nghin", "2 nghìn lượt", 2000, None, None, "visit"),
    ("scale-trieu-alone-is-money", "100 triệu khắc phục", 100, None, None, "mn_vnd"),
    ("scale-ty-dong", "4.051 tỷ đồng", 4051, None, None, "bn_vnd"),
    ("scale-nghin-ty", "1,2 nghìn tỷ đồng", 1200, None, None, "bn_vnd"),
    ("multiple", "1,45 lần", 1.45, None, None, "times"),
    ("percent", "87,7%", 87.7, None, None, "percent"),
    ("percent-per-year", "8%/năm", 8, None, None, "percent_per_year"),
    ("usd-millions", "10,63 triệu USD", 10.63, None, None, "mn_usd"),
    ("km2", "11,92 km2", 11.92, None, None, "km2"),
    ("metres-glued", "25m", 25, None, None, "m"),
    ("people", "51.293 người", 51293, None, None, "person"),
    ("no-unit", "162 “Ngôi nhà", 162, None, None, ""),
    ("ty-le-is-not-a-unit", "100 tỷ lệ", 100, None, None, ""),
]

# Issue 17, case 6: "đạt −5%" and "đạt -5%" became +5.
CASES_BUGS_CAUGHT = [
    # (id, text, the claim as written, value, value_high, unit)
    ("unicode-minus-after-a-verb", "tăng trưởng đạt −5% so với năm trước", "−5%", -5, None, "percent"),
    ("ascii-minus-after-a-verb", "tăng trưởng đạt -5% so với năm trước", "-5%", -5, None, "percent"),
    ("minus-at-a-clause-start", "Tăng trưởng: -2,5% so với năm trước", "-2,5%", -2.5, None, "percent"),
    ("minus-in-brackets", "giảm (−1,2 tỷ đồng)", "−1,2 tỷ đồng", -1.2, None, "bn_vnd"),
    ("minus-before-a-range", "biến động −2-3%", "−2-3%", -2, 3, "percent"),
    ("a-range-is-not-a-sign", "tăng 7-8%", "7-8%", 7, 8, "percent"),
    ("a-hyphen-glued-to-a-word-is-not-a-sign", "dịch Covid-19 lan rộng", "19", 19, None, ""),
]


@pytest.mark.parametrize(("text", "written", "value", "high", "unit"), [c[1:] for c in CASES_BUGS_CAUGHT],
                         ids=[c[0] for c in CASES_BUGS_CAUGHT])
def test_signs_make_negative_values(text, written, value, high, unit):
    got = read_quantity(text)
    assert (got["text"], got["value"], got["value_high"], got["unit"]) == (
        written, pytest.approx(value), pytest.approx(high) if high is not None else None, unit)


def test_signed_at_needs_a_space_or_clause_punctuation_before_the_sign():
    assert [signed_at(t, t.index("5")) for t in ("−5", "a −5", "(−5", "x: -5", "3-5", "A-5", "5 - 5")] == [
        True, True, True, True, False, False, False]


CASES_MAGNITUDES = [
    # (id, text, kind) — a value no count or amount here has, or one a float cannot hold exactly
    ("twenty-digits-of-billions", "Vốn 99999999999999999999 tỷ đồng.", "unreadable_magnitude"),
    ("a-quadrillion-dong", "Vốn 1.000.000.000.000.000 đồng.", "unreadable_magnitude"),
    ("sixteen-significant-digits", "Tỷ lệ 1,234567890123456%.", "unreadable_magnitude"),
    ("a-large-but-plausible-sum", "Vốn 11.500.000 tỷ đồng.", "quantity"),
    ("a-denominator-too", "đạt 1/10000000000000000 người", "unreadable_magnitude"),
]


@pytest.mark.parametrize(("text", "kind"), [c[1:] for c in CASES_MAGNITUDES],
                         ids=[c[0] for c in CASES_MAGNITUDES])
def test_absurd_magnitudes_are_not_read(text, kind):
    claims = extract_claims(_source(text))
    row = claims[claims.kind.isin(["quantity", "unreadable_magnitude"])].iloc[0]
    assert row.kind == kind
    assert pd.isna(row.value) == (kind != "quantity")


@pytest.mark.parametrize(("written", "value", "high", "denominator", "unit"),
                         [c[1:] for c in CASES_NUMBER_FORMS], ids=[c[0] for c in CASES_NUMBER_FORMS])
def test_number_forms(written, value, high, denominator, unit):
    got = read_quantity(written)
    assert got["value"] == pytest.approx(value)
    assert got["value_high"] == (pytest.approx(high) if high is not None else None)
    assert got["denominator"] == (pytest.approx(denominator) if denominator is not None else None)
    assert got["unit"] == unit


CASES_OCR_UNITS = [
    # (id, OCR text, unit) — unit words damaged by the scan, from data/raw/city-appendix-2025-ocr.txt
    ("hod-ho", "63 hod (2024)", "household"),
    ("dd-an-do-an", "37 dd an quy hoach", "plan"),
    ("nim-nam", "60 nim thanh 1ap", "year"),
    ("deng-dong", "762 ty dé)ng", "bn_vnd"),
    ("trudong-truong", "40/43 trudong", "school"),
    ("scale-then-exact-unit", "1,2 triéu luot khach", "visit"),
    ("scale-and-unit-both-damaged", "100 triéu déng", "mn_vnd"),
    ("cude-cuoc", "02 cude sat hach", "meeting"),
    ("co-thi-is-not-cuoc-thi", "02 Co thi dua", ""),
]


@pytest.mark.parametrize(("written", "unit"), [c[1:] for c in CASES_OCR_UNITS],
                         ids=[c[0] for c in CASES_OCR_UNITS])
def test_ocr_unit_words(written, unit):
    assert read_quantity(written, ocr=True)["unit"] == unit


def test_ocr_unit_words_are_read_fuzzily_only_in_ocr():
    assert read_quantity("63 hod (2024)", ocr=True)["unit"] == "household"
    assert read_quantity("63 hod (2024)")["unit"] == ""
