"""``not_after_letter`` finds exactly what ``finditer`` finds with a no-letter-before lookbehind."""

from __future__ import annotations

import re

import pytest

from sonla.sources import load_sources
from sonla.text.fold import lower_text
from sonla.text.lexicon import LETTER, load_rules, not_after_letter


def _spans(matches) -> list[tuple[int, int]]:
    return [m.span() for m in matches]


@pytest.mark.parametrize("pattern, text", [
    ("xã ", "xã Ngọc, taxã Bú, 1xã Hua, _xã La, ²xã Pá"),
    ("(?:xã|xã hội) ", "xãxã hội xã hội "),
    ("ab|b", "aab cab ab"),             # a match after a letter dropped: the next one may start inside it
    ("thành phố ", "thành thành phố Sơn La"),
])
def test_same_matches_as_a_lookbehind(pattern, text):
    expected = _spans(re.finditer(rf"(?<!{LETTER})(?:{pattern})", text))
    assert _spans(not_after_letter(re.compile(pattern), text)) == expected


def test_empty_matches_do_not_stall():
    assert _spans(not_after_letter(re.compile("x*"), "ax")) == [(0, 0)]
    assert _spans(not_after_letter(re.compile("x*"), "a x")) == [(0, 0), (2, 3)]
    assert _spans(not_after_letter(re.compile("x*"), "")) == [(0, 0)]


def test_place_levels_on_the_sources():
    rules = load_rules()
    for source in load_sources():
        text = lower_text(source.text)
        for place in rules.place_levels:
            with_lookbehind = re.compile(rf"(?<!{LETTER})(?:{place.regex.pattern})")
            assert _spans(not_after_letter(place.regex, text)) == _spans(with_lookbehind.finditer(text))
