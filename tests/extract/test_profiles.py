"""Text profiles measure the state of a text; cases from the real sources."""

from __future__ import annotations

import pytest

from sonla.extract.profiles import profile_text
from sonla.sources import load_sources

CASES = [
    # (id, text, field, expected)
    ("digit-groups", "đạt 87,7%, hơn 4.051 tỷ, 42/63", "number_tokens", 4),
    ("footnote-marker", "thành phố\ufffd Kết", "footnote_markers", 1),
    ("decomposed-char", "Vie\u0302\u0323t", "non_nfc_characters", 2),
    ("nbsp", "4.051\u00a0tỷ", "nonbreaking_spaces", 1),
    ("all-diacritics", "đạt", "diacritic_letter_share", 0.667),
    ("ocr-no-diacritics", "dat duoc", "diacritic_letter_share", 0.0),
]


@pytest.mark.parametrize(("text", "field", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_profile_text(text, field, expected):
    assert profile_text(text)[field] == expected


def test_ocr_copy_has_far_fewer_diacritics_than_pdf_copy():
    by_layer = {s.text_layer: profile_text(s.text) for s in load_sources()}
    assert by_layer["ocr"]["diacritic_letter_share"] < by_layer["pdf-text"]["diacritic_letter_share"] / 3
