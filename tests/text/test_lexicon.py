"""The rule files: their headers, the compiled rules, the English labels (sonla.text.lexicon)."""

from __future__ import annotations

import shutil

import pytest

from sonla import config
from sonla.errors import SonlaError
from sonla.text.lexicon import RULE_FILES, _fold_pattern, load_labels, load_rules, rule_file


@pytest.mark.parametrize("name", RULE_FILES)
def test_rule_files_cite_a_source_and_define_fields(name):
    head = (config.RULES_DIR / name).read_text(encoding="utf-8").split("\n\n")[0]
    assert head.startswith("#") and "Source" in head and ("Field" in head or "field" in head)


def test_both_matching_modes_share_the_vocabularies():
    exact, folded = load_rules(exact=True), load_rules(exact=False)
    assert exact.unit_labels == folded.unit_labels
    assert [i.key for i in exact.indicators] == [i.key for i in folded.indicators]


@pytest.mark.parametrize(("pattern", "exact", "expected"), [
    ("Tỷ đồng", True, r"tỷ\s+đồng"),
    ("Tỷ đồng", False, r"ty\s+dong"),
    (r"\Đ\s Đ\.", False, r"\Đ\s\s+d\."),  # escapes kept as they are
    ("İ\tx", True, "İ\tx"),  # a letter whose lower case is two characters, a tab: kept
    ("a\\", False, "a\\"),  # a trailing backslash: a character like any other
])
def test_a_rule_pattern_is_folded_outside_its_escapes(pattern, exact, expected):
    assert _fold_pattern(pattern, exact) == expected


def test_a_bad_rule_file_is_named(tmp_path):
    rules_dir = tmp_path / "rules"
    shutil.copytree(config.RULES_DIR, rules_dir)
    path = rules_dir / "indicators.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("theme: economy", "theme: weather", 1),
                    encoding="utf-8")
    with pytest.raises(SonlaError, match="indicators.yaml.*weather"):
        load_rules(rules_dir)


def test_every_label_of_a_unit_or_qualifier_is_read_from_the_rules():
    labels = load_labels()
    rules = load_rules()
    assert set(labels.unit_gloss) <= set(rules.unit_labels)
    assert set(labels.qualifier_gloss) == set(rules.qualifier_labels)  # every qualifier is glossed
    assert set(labels.qualifier_symbol) <= set(labels.qualifier_quote) <= set(labels.qualifier_gloss)
    assert labels.indicator_label.keys() == {i.key for i in rules.indicators}


def test_rule_files_are_read_once():
    assert rule_file("findings.yaml") is rule_file("findings.yaml")


@pytest.mark.parametrize("exact", [True, False])
def test_the_indicators_a_unit_can_have_are_those_a_scan_of_all_would_keep(exact):
    rules = load_rules(exact=exact)
    units = {u for ind in rules.indicators for u in ind.units or ()} | {"", None, "not-a-unit"}
    for unit in units:
        expected = [(order, ind) for order, ind in enumerate(rules.indicators)
                    if ind.units is None or unit in ind.units]
        assert list(rules.indicators_for(unit)) == expected, unit
    assert len(rules.indicators_for("not-a-unit")) < len(rules.indicators)
