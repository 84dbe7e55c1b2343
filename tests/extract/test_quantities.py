"""Reading a quantity as written: number forms and OCR-damaged unit words (sonla.extract.quantities)."""

from __future__ import annotations

import pytest

from sonla.extract.quantities import read_quantity

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
