"""The fold family: offset-keeping and collapsing folds from one per-character core (sonla.text.fold)."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sonla.text.fold import fold, fold_ocr, fold_with_offsets, fold_words, lower_text, strip_diacritics


@given(st.text())
def test_folding_keeps_offsets(text):
    assert len(fold(text)) == len(text)
    assert len(lower_text(text)) == len(text)
    assert len(fold_ocr(text, "¢€", {"1": "l", "6": "o"})) == len(text)


CASES_FOLD = [
    ("tone-and-shape", "Tỷ lệ đô thị hóa", "ty le do thi hoa"),
    ("d-bar", "Đảng bộ", "dang bo"),
    ("whitespace", "4.051\u00a0tỷ\nđồng", "4.051 ty dong"),
]


@pytest.mark.parametrize(("text", "folded"), [c[1:] for c in CASES_FOLD], ids=[c[0] for c in CASES_FOLD])
def test_fold(text, folded):
    assert fold(text) == folded


def test_lower_text_keeps_the_marks_that_tell_words_apart():
    assert lower_text("Tặng") != lower_text("Tăng")
    assert fold("Tặng") == fold("Tăng")


def test_ocr_folding_reads_glued_digits_as_letters():
    assert fold_ocr("s6 von 1a", "", {"6": "o", "1": "l"}) == "so von la"
    assert fold_ocr("1.372 ty", "", {"1": "l"}) == "1.372 ty"



def test_fold_map_points_into_the_raw_text():
    raw = "  Đảng bộ\n\n thành phố1; \u00a0Sơn La "
    folded, offsets = fold_with_offsets(raw)
    assert folded == "dang bo thanh pho1; son la"
    assert len(offsets) == len(folded) + 1
    for k, char in enumerate(folded):
        assert (char == " ") == raw[offsets[k]].isspace()


def test_fold_keeps_decomposed_marks_with_their_letter():
    raw = "Vie\u0302\u0323t Nam"
    folded, offsets = fold_with_offsets(raw)
    assert folded == "viet nam"
    assert raw[offsets[2]:offsets[3]] == "e\u0302\u0323"


VIETNAMESE = st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíị"
                              "òỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ ÀÁẠĐỀỆỒỘỦỨỰ0123456789.,;:%\n\t\u00a0")


@given(VIETNAMESE)
def test_the_folds_agree_on_vietnamese_text(text):
    """One family: the collapsing folds are the offset-keeping fold with its white space collapsed."""
    assert fold_words(text) == " ".join(fold(text).split())
    assert fold_with_offsets(text)[0] == fold_words(text)
    assert fold_words(text) == " ".join(strip_diacritics(text).lower().split())


def _nfd_fold(text: str) -> str:
    """The fold the findings used before the folds were one family (kept to show nothing changed)."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return re.sub(r"\s+", " ", text).strip().lower()


@given(VIETNAMESE)
def test_fold_words_is_the_former_findings_fold(text):
    assert fold_words(text) == _nfd_fold(text)


def test_a_lone_combining_mark_keeps_its_place_in_the_same_length_fold():
    text = "Vie\u0302\u0323t"
    assert len(fold(text)) == len(text) and fold_words(text) == "viet"


@pytest.mark.parametrize(("text", "word", "found"), [
    ("binh quan dau nguoi dat", "dau nguoi", True),
    ("dau nguoi", "dau nguoi", True),  # at the start and at the end
    ("(dau nguoi)", "dau nguoi", True),
    ("dau nguoii", "dau nguoi", False),
    ("trieu dong/ha", "ha", True),
    ("hai", "ha", False),
    ("x . y", ".", True),  # the word is taken literally, not as a pattern
    ("x y", ".", False),
])
def test_a_word_stands_alone_and_is_compiled_once(text, word, found):
    from sonla.text.fold import has_word, word_pattern

    assert bool(word_pattern(word).search(text)) is found
    assert has_word(text, ["zzz", word]) is found
    assert word_pattern(word) is word_pattern(word)  # compiled once, whatever re's cache holds
