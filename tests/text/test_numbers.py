"""The Vietnamese number reader: cases from the real texts, rejections, and round trips."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sonla.text.numbers import decimals_of, format_vi, parse_number, read_number

CASES_FROM_SOURCES = [
    # (id, written, value, decimals) — each string occurs in data/raw/
    ("thousands-4.051", "4.051", 4051.0, 0),
    ("decimal-comma-87,7", "87,7", 87.7, 1),
    ("both-6.585,4", "6.585,4", 6585.4, 1),
    ("two-groups-3.000.000", "3.000.000", 3_000_000.0, 0),
    ("two-decimals-98,89", "98,89", 98.89, 2),
    ("multiple-1,45", "1,45", 1.45, 2),
    ("plain-5000", "5000", 5000.0, 0),
    ("leading-zero-count-05", "05", 5.0, 0),
    ("thousands-170.000", "170.000", 170_000.0, 0),
    # The 2025–2030 targets of the report write a dot decimal:
    ("dot-decimal-leading-zero-0.024", "0.024", 0.024, 3),
    ("dot-decimal-two-digits-92.86", "92.86", 92.86, 2),
    ("dot-decimal-trailing-zero-98.50", "98.50", 98.5, 2),
    ("dot-decimal-one-digit-99.8", "99.8", 99.8, 1),
]


@pytest.mark.parametrize(("written", "value", "decimals"), [c[1:] for c in CASES_FROM_SOURCES],
                         ids=[c[0] for c in CASES_FROM_SOURCES])
def test_read_number_from_sources(written, value, decimals):
    number = read_number(written)
    assert number.value == pytest.approx(value)
    assert number.decimals == decimals
    assert number.text == written
    assert decimals_of(written) == decimals


CASES_REJECTED = [
    ("dots-not-thousands", "1.23.4"),
    ("two-commas", "1,2,3"),
    ("comma-then-dot", "4,05.1"),
    ("dot-groups-before-comma-not-thousands", "12.34,5"),
    ("letters", "4G"),
    ("empty", ""),
    # Issue 17, case 6: digits of another script gave a value read under the wrong conventions.
    ("arabic-indic-digits", "١٢٣"),
    ("arabic-indic-with-separator", "١٢,٥"),
    ("full-width-digits", "１２"),
]


@pytest.mark.parametrize("written", [c[1] for c in CASES_REJECTED], ids=[c[0] for c in CASES_REJECTED])
def test_read_number_rejects(written):
    with pytest.raises(ValueError, match="number"):
        parse_number(written)


def test_context_can_force_a_dot_decimal():
    assert parse_number("1.500") == 1500
    assert parse_number("1.500", dot_decimal=True) == 1.5
    assert read_number("1.500", dot_decimal=True).decimals == 3


def test_separators_are_recorded():
    assert read_number("6.585,4").thousands_separator == "."
    assert read_number("6.585,4").decimal_separator == ","
    assert read_number("92.86").decimal_separator == "."


@given(st.integers(min_value=0, max_value=10**12))
def test_integers_written_the_vietnamese_way_read_back(n):
    written = format_vi(n)
    assert parse_number(written) == n
    assert read_number(written).decimals == 0


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=1, max_value=3))
def test_decimals_written_the_vietnamese_way_read_back(scaled, decimals):
    value = scaled / 10**decimals
    written = format_vi(value, decimals)
    number = read_number(written)
    assert number.decimals == decimals
    assert number.value == pytest.approx(round(value, decimals))
    assert number.decimal_separator == ","


@given(st.integers(min_value=1, max_value=999), st.integers(min_value=1, max_value=2))
def test_dot_followed_by_one_or_two_digits_is_a_decimal_point(whole, decimals):
    written = f"{whole}.{'7' * decimals}"
    assert read_number(written).decimal_separator == "."
    assert read_number(written).decimals == decimals
