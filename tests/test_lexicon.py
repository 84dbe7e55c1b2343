"""The rule files and the text folding the rules match against."""

from __future__ import annotations

import shutil

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sonla import config
from sonla.errors import SonlaError
from sonla.text.fold import fold, fold_ocr, lower_text
from sonla.text.lexicon import RULE_FILES, load_rules


@pytest.mark.parametrize("name", RULE_FILES)
def test_rule_files_cite_a_source_and_define_fields(name):
    from sonla import config

    head = (config.RULES_DIR / name).read_text(encoding="utf-8").split("\n\n")[0]
    assert head.startswith("#") and "Source" in head and ("Field" in head or "field" in head)


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


def test_both_matching_modes_share_the_vocabularies():
    exact, folded = load_rules(exact=True), load_rules(exact=False)
    assert exact.unit_labels == folded.unit_labels
    assert [i.key for i in exact.indicators] == [i.key for i in folded.indicators]


def test_a_bad_rule_file_is_named(tmp_path):
    rules_dir = tmp_path / "rules"
    shutil.copytree(config.RULES_DIR, rules_dir)
    path = rules_dir / "indicators.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("theme: economy", "theme: weather", 1),
                    encoding="utf-8")
    with pytest.raises(SonlaError, match="indicators.yaml.*weather"):
        load_rules(rules_dir)
