"""Reading a quantity as written: value, range, fraction and unit (with its scale word).

A quantity starts at a digit group; :func:`read_quantity_at` reads the number (see
:mod:`sonla.text.numbers`), a range (``7-8%``), a fraction (``42/63 chỉ tiêu``, ``1.372 tỷ
đồng/1.573 tỷ đồng``) and the unit after it (``units.yaml``: the longest wording wins; a scale
word multiplies, ``1,2 triệu lượt`` = 1200000 visit). In an OCR copy a unit may also be read
fuzzily where the exact wordings miss (``ty déng``).

A minus sign (``-`` or ``−``) written right before the digits, after a space, an opening bracket
or clause punctuation or at the start of the text, makes the value negative and belongs to the
claim (``đạt −5%`` → −5 percent); after a digit or a letter it is a range, a hyphen or part of a
name and is left alone. A value no count or amount here can have (:data:`MAX_MAGNITUDE` or more
in its unit) or written with more significant digits than a float holds exactly
(:data:`MAX_SIGNIFICANT_DIGITS`) is not read: the claim's kind is ``unreadable_magnitude``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import SimpleNamespace

from rapidfuzz import fuzz

from ..text.fold import fold_ocr, lower_text
from ..text.lexicon import Rules, Unit, load_rules
from ..text.numbers import NUMBER_PATTERN, read_number
from .layout import Layout

__all__ = ["Claim", "TOKEN", "match_unit", "read_unit", "read_quantity_at", "read_quantity", "signed_at"]

TOKEN = re.compile(NUMBER_PATTERN)
MINUS_SIGNS = "-\u2212"
# What may stand before a minus sign that belongs to the number (besides white space and the start).
SIGN_CONTEXT = "([{:;=,"
MAX_MAGNITUDE = 1e15  # in the claim's own unit: a quadrillion of anything is not in these documents
MAX_SIGNIFICANT_DIGITS = 15  # a float holds 15 significant decimal digits exactly
RANGE_TAIL = re.compile(rf"\s?[-–]\s?({NUMBER_PATTERN})")
FRACTION_TAIL = re.compile(rf"/({NUMBER_PATTERN})")


@dataclass
class Claim:
    """One row of claims.csv while it is being built."""

    start: int
    end: int
    kind: str
    value: float | None = None
    value_high: float | None = None
    denominator: float | None = None
    unit: str = ""
    decimals: int | None = None
    qualifiers: list[str] = field(default_factory=list)


def match_unit(folded: str, pos: int, rules: Rules) -> tuple[Unit | None, int]:
    """The longest unit wording starting at ``pos``: (unit, end) or (None, pos)."""
    best = None
    first = folded[pos:pos + 12].lstrip()[:1]
    for unit in rules.units:
        if unit.first_chars is not None and first not in unit.first_chars:
            continue
        m = unit.regex.match(folded, pos)
        if m and (best is None or m.end() > best[1]):
            best = (unit, m.end())
    return best if best else (None, pos)


def _fuzzy_unit(folded: str, pos: int, rules: Rules) -> tuple[str, float, int] | None:
    """OCR only: the plain unit wording closest to the words at ``pos`` (key, multiplier, end)."""
    words = list(re.finditer(r"[^\s/]+?(?=[\s,;.:)(/]|$)", folded[pos:pos + 40]))
    if not words or folded[pos:pos + 1] not in (" ", ""):
        return None
    best = None
    for key, pattern, multiplier in rules.plain_units:
        n = pattern.count(" ") + 1
        if len(words) < n:
            continue
        candidate = folded[pos + words[0].start():pos + words[n - 1].end()]
        similar = candidate[:1] == pattern[:1] and abs(len(candidate) - len(pattern)) <= 1
        score = fuzz.ratio(candidate, pattern) if similar else 0
        if score >= rules.fuzzy_unit_score and (best is None or (score, n) > best[0]):
            best = ((score, n), key, multiplier, pos + words[n - 1].end())
    return best[1:] if best else None


def read_unit(folded: str, pos: int, rules: Rules, ocr: bool = False) -> tuple[str, float, int]:
    """Unit key, value multiplier and end position of what follows a number.

    Exact wordings first; a scale word with an exact unit after it ("triệu lượt") next; in an
    OCR copy a fuzzy reading is used only where it covers more text ("ty déng" beyond "ty").
    """
    unit, end = match_unit(folded, pos, rules)
    fuzzy = _fuzzy_unit(folded, pos, rules) if ocr else None
    if unit:
        return fuzzy if fuzzy and fuzzy[2] > end else (unit.key, unit.multiplier, end)
    m = rules.scale.match(folded, pos)
    if not m:
        return fuzzy if fuzzy else ("", 1.0, pos)
    spec = rules.scales[m.group(1)]
    unit, end = match_unit(folded, m.end(), rules)
    if unit:
        return unit.key, unit.multiplier * float(spec["factor"]), end
    if fuzzy and fuzzy[2] > m.end():  # "triéu déng" read as "triệu đồng"
        return fuzzy
    after = _fuzzy_unit(folded, m.end(), rules) if ocr else None
    if after:
        return after[0], after[1] * float(spec["factor"]), after[2]
    if spec.get("alone"):
        return spec["alone"], 1.0, m.end()
    return "", float(spec["factor"]), m.end()



def _number(token: str) -> tuple[float, int] | None:
    try:
        number = read_number(token)
    except ValueError:
        return None
    return number.value, number.decimals


def signed_at(text: str, start: int) -> bool:
    """True if a minus sign at ``start - 1`` belongs to the number at ``start`` (module docstring).

    >>> signed_at("đạt −5%", 5), signed_at("đạt -5%", 5), signed_at("7-8%", 2), signed_at("QL-6", 3)
    (True, True, False, False)
    """
    if start < 1 or text[start - 1] not in MINUS_SIGNS:
        return False
    before = text[start - 2] if start >= 2 else " "
    return before.isspace() or before in SIGN_CONTEXT


def _significant_digits(token: str) -> int:
    return len(re.sub(r"\D", "", token).lstrip("0"))


def _implausible(claim: Claim, tokens: list[str]) -> bool:
    values = (claim.value, claim.value_high, claim.denominator)
    return (any(v is not None and abs(v) >= MAX_MAGNITUDE for v in values)
            or any(_significant_digits(t) > MAX_SIGNIFICANT_DIGITS for t in tokens))


def read_quantity_at(m: re.Match, layout: Layout, rules: Rules) -> Claim:
    """Read value, range, fraction and unit of a quantity starting at digit group ``m``.

    Returns a ``quantity``; an ``identifier`` for a digit group that is not a number as written;
    ``unreadable_magnitude`` for a value too large to be one (module docstring).
    """
    claim = _read_quantity_at(m, layout, rules)
    tokens = [m.group(0)] + TOKEN.findall(layout.text, m.end(), claim.end)
    if claim.kind == "quantity" and _implausible(claim, tokens):
        return Claim(claim.start, claim.end, "unreadable_magnitude")
    return claim


def _read_quantity_at(m: re.Match, layout: Layout, rules: Rules) -> Claim:
    text, folded = layout.text, layout.folded
    s, e = m.start(), m.end()
    parsed = _number(m.group(0))
    if parsed is None:
        return Claim(s, e, "identifier")
    value, decimals = parsed
    if signed_at(text, s):
        s, value = s - 1, -value if value else value  # no "-0.0" in the table
    claim = Claim(s, e, "quantity", value=value, decimals=decimals)
    pos = e
    # Range: 7-8%, 170-200 triệu/ha.
    tail = RANGE_TAIL.match(text, pos)
    if tail:
        high = _number(tail.group(1))
        if high and high[0] > value:
            claim.value_high, pos = high[0], tail.end()
            claim.decimals = max(decimals, high[1])
    # Fraction with the unit after the denominator: 42/63 chỉ tiêu, 404/420 tỷ đồng.
    frac = FRACTION_TAIL.match(text, pos)
    if frac and claim.value_high is None:
        denominator = _number(frac.group(1))
        if denominator:
            unit, factor, end = read_unit(folded, frac.end(), rules, layout.ocr)
            claim.denominator, claim.unit = denominator[0] * factor, unit
            claim.value = value * factor
            claim.end = end if unit else frac.end()
            return claim
    unit, factor, end = read_unit(folded, pos, rules, layout.ocr)
    claim.unit, claim.end = unit, end if unit else pos
    claim.value = value * factor
    if claim.value_high is not None:
        claim.value_high *= factor
    # Fraction with the unit on both sides: 1.372 tỷ đồng/1.573 tỷ đồng.
    frac = FRACTION_TAIL.match(text, claim.end)
    if unit and frac:
        denominator = _number(frac.group(1))
        unit2, factor2, end2 = read_unit(folded, frac.end(), rules, layout.ocr)
        if denominator and unit2 == unit:
            claim.denominator, claim.end = denominator[0] * factor2, end2
    return claim


def read_quantity(text: str, ocr: bool = False, rules: Rules | None = None) -> dict:
    """Read the first quantity written in ``text``, the way the claims extraction reads it.

    >>> read_quantity("7-8%")
    {'text': '7-8%', 'value': 7.0, 'value_high': 8.0, 'denominator': None, 'unit': 'percent', 'decimals': 0}
    >>> read_quantity("1.372 tỷ đồng/1.573 tỷ đồng")["denominator"]
    1573.0
    >>> read_quantity("đón 1,2 triệu lượt khách")["value"], read_quantity("1,45 lần")["unit"]
    (1200000.0, 'times')
    >>> read_quantity("170-200 triệu/ha")["unit"]
    'mn_vnd_per_ha'

    Raises ValueError when ``text`` holds no digit.
    """
    rules = rules or load_rules(exact=not ocr)
    m = TOKEN.search(text)
    if not m:
        raise ValueError(f"no number in {text!r}")
    folded = fold_ocr(text, rules.ocr_symbols, rules.ocr_digit_letters, rules.ocr_contexts,
                      rules.ocr_word_readings) if ocr else lower_text(text)
    layout = SimpleNamespace(text=text, folded=folded, ocr=ocr)
    claim = read_quantity_at(m, layout, rules)  # type: ignore[arg-type]
    return {"text": text[claim.start:claim.end], "value": claim.value, "value_high": claim.value_high,
            "denominator": claim.denominator, "unit": claim.unit, "decimals": claim.decimals}

