"""Classifying the character edits between a copy and its reference (sonla.fidelity.error_classes)."""

from __future__ import annotations

import pytest

from sonla.fidelity.error_classes import classify_edit, error_classes

# (id, reference, OCR, a class the edit must have); the cases are words of the real appendix.
CASES_FROM_SOURCES = [
    ("tone-lost-thanh", "thành", "thanh", "diacritic_lost"),
    ("vowel-mark-lost-truong", "Trường", "Truong", "diacritic_lost"),
    ("wrong-tone-nhieu", "nhiều", "nhiéu", "wrong_diacritic"),
    ("lookalike-cent-le", "tỷ lệ", "ty 1¢", "lookalike_symbol"),
    ("lookalike-euro-nhiem", "nhiệm", "nhi€m", "lookalike_symbol"),
    ("digit-for-letter-so", "số", "s6", "letter_as_digit"),
    ("digit-for-letter-da", "đã", "d3", "letter_as_digit"),
    ("digit-for-letter-la", "là", "1a", "letter_as_digit"),
    ("d-stroke-lost-dat", "đạt", "dat", "d_stroke_lost"),
    ("D-read-as-P-dang", "Đảng", "Pang", "d_read_as_letter"),
    ("split-word-thcs", "TH&THCS", "TH& THCS", "split_words"),
    ("marker-read-as-symbol", "thành phố1;", "thanh phd';", "footnote_marker"),
    ("marker-digit-glued", "xã hội", "xa hoi1", "footnote_marker"),
    ("mark-read-as-digit-do", "đó", "do6", "letter_as_digit"),
    ("d-stroke-lost-dot", "đột", "do6t", "d_stroke_lost"),
    ("case-changed", "xuất", "Xuất", "case_changed"),
    ("punctuation", "phố.", "phố,", "punctuation"),
]
CASES_WRITTEN_HERE = [
    ("merged-words", "thành phố", "thanhphố", "merged_words"),
    ("digit-misread", "4.051", "4.057", "digit_changed"),
]


@pytest.mark.parametrize(("ref", "ocr", "expected"), [c[1:] for c in CASES_FROM_SOURCES + CASES_WRITTEN_HERE],
                         ids=[c[0] for c in CASES_FROM_SOURCES + CASES_WRITTEN_HERE])
def test_classify_edit(ref, ocr, expected):
    counts = classify_edit(ref, ocr)
    assert counts[expected] >= 1, counts
    assert set(counts) <= set(error_classes())


def test_identical_text_has_no_edit():
    assert not classify_edit("Sơn La\n\n 4.051", "Sơn La 4.051")


def test_mark_read_as_a_digit_is_not_a_footnote_marker():
    # "đó" read as "do6": the 6 is the acute accent, not a marker glued to the word
    assert "footnote_marker" not in classify_edit("đó", "do6")


def test_footnote_marker_survives_a_letter_read_as_digit():
    # "phố2," read as "ph62,": the 6 is the letter ố, the marker 2 survived
    counts = classify_edit("phố2,", "ph62,")
    assert counts == {"letter_as_digit": 1}
