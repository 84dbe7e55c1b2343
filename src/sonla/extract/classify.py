"""What kind of number a digit group is: a quantity, or a date, identifier, section number, list
marker, footnote marker, number in a name or an OCR copy's letter read as a digit.

:func:`scan_numbers` walks one source's text once and returns every number with its kind
(quantities read by :func:`~sonla.extract.quantities.read_quantity_at`); the wordings it looks
for (document words, name words, date words) live in ``rules/nonquantities.yaml``.

What the number grammar cannot read gets a kind that says so instead of a wrong value
(:func:`unreadable_kind`): ``url_part`` (digits inside a web address or an e-mail address),
``unreadable_script`` (digits of another script: ``١٢٣``), ``unreadable_exponent`` (``10^6``,
``10⁶``, ``1,5×10^6``) and ``unreadable_fraction`` (``½``, ``1½``, ``1⁄2``);
:func:`~sonla.extract.quantities.read_quantity_at` adds ``unreadable_magnitude``.
"""

from __future__ import annotations

import bisect
import re

from ..text.fold import fold
from ..text.lexicon import Rules
from .layout import FULL_DATE, Layout, is_heading_line, line_bounds, next_line_starts_upper, sentence_index
from .quantities import TOKEN, Claim, match_unit, read_quantity_at

__all__ = ["classify_number", "scan_numbers", "unreadable_kind", "address_spans"]

ROMAN_MARKER = re.compile(r"\((?:i|ii|iii|iv|v|vi|vii|viii|ix|x)\)")
ROMAN_HEADING = re.compile(r"^[ \t]*([IVX]{1,4})(?:[-.])(?=\s)", re.M)
MONTH_YEAR = re.compile(r"(0?[1-9]|1[0-2])/((?:19|20)\d\d)(?!\d)")
DAY_MONTH = re.compile(r"\d{1,2}/\d{1,2}(?![\d/])")
YEAR_RANGE = re.compile(r"((?:19|20)\d\d)(\s*[-–]\s*)((?:19|20)\d\d)(?!\d)")
SECTION = re.compile(r"\d{1,2}(?:\.\d{1,2})*\.?(?=\s)")
# Web and e-mail addresses: the digits in them are parts of a name, never quantities.
ADDRESS = re.compile(r"(?:https?://|ftp://|www\.)[^\s<>\"“”]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.I)
SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹⁻"
# A power written after a digit group: ^6, ^-3, or (after a 10) superscript digits.
CARET_POWER = re.compile(r"\^[-−]?\d+")
SUPERSCRIPT_POWER = re.compile(f"[{SUPERSCRIPTS}]+")
# A mantissa times a power of ten: "1,5×10^6", "2 x 10⁹".
TIMES_TEN = re.compile(rf"\s?[×x*·]\s?10(?:\^[-−]?\d+|[{SUPERSCRIPTS}]+)")
VULGAR_FRACTIONS = "¼½¾⅐⅑⅒⅓⅔⅕⅖⅗⅘⅙⅚⅛⅜⅝⅞"
FRACTION_AFTER = re.compile(rf"[{VULGAR_FRACTIONS}]|⁄\d+")
LONE_FRACTION = re.compile(rf"(?<!\d)[{VULGAR_FRACTIONS}]")


def _letterish(char: str, layout: Layout, rules: Rules) -> bool:
    return char.isalpha() or (layout.ocr and char in rules.ocr_symbols)



def _glued_kind(token_word: str, digits_at_end: bool, layout: Layout, rules: Rules) -> str:
    """Kind of a digit group glued to letters (``phố1``, ``QL6``, ``s6``, ``2a``)."""
    letters = re.sub(r"[\d.,]", "", token_word)
    if layout.ocr:
        if token_word in rules.ocr_words:
            return "ocr_letter"
        if letters.isupper() and len(letters) >= 2:
            return "name_number"
        # A digit group with one letter after it names a lot or a road ("3a", "1A", "6C", "4G").
        if re.fullmatch(r"\d+[A-Za-z]", token_word):
            return "name_number"
        if not digits_at_end or len(letters) <= 2:
            return "ocr_letter"
        return "footnote_marker"
    if letters and letters.isupper():
        return "name_number"
    if digits_at_end and letters.islower():
        return "footnote_marker"
    return "name_number"


def _word_around(text: str, start: int, end: int, layout: Layout, rules: Rules) -> tuple[int, int]:
    s, e = start, end
    while s > 0 and (_letterish(text[s - 1], layout, rules) or text[s - 1].isdigit()):
        s -= 1
    while e < len(text) and (_letterish(text[e], layout, rules) or text[e].isdigit()):
        e += 1
    return s, e


def classify_number(m: re.Match, layout: Layout, rules: Rules) -> Claim | None:
    """Decide the kind of the digit group ``m``; None for a quantity (read by ``read_quantity_at``)."""
    text, folded = layout.text, layout.folded
    s, e = m.start(), m.end()
    before = text[s - 1] if s else " "
    after = text[e] if e < len(text) else " "
    line_start, line_end = line_bounds(text, s)
    at_line_start = not text[line_start:s].strip()

    # Digits glued to letters are never quantities: footnote markers, names, OCR letters.
    glued_left = _letterish(before, layout, rules) or (
        before in "-+" and s >= 2 and _letterish(text[s - 2], layout, rules))
    unit_after = match_unit(folded, e, rules)[0] is not None
    glued_right = _letterish(after, layout, rules) and not unit_after
    if glued_left or glued_right:
        ws, we = _word_around(text, s, e, layout, rules)
        if before in "-+":
            return Claim(s, e, "name_number")
        return Claim(s, e, _glued_kind(text[ws:we], we == e, layout, rules))
    if layout.ocr:
        window = fold(text[max(0, s - 20):min(len(folded), e + 4)], rules.ocr_symbols)
        offset = max(0, s - 20)
        for context, _ in rules.ocr_contexts:
            for cm in context.finditer(window):
                if cm.start("digits") + offset == s and cm.end("digits") + offset == e:
                    return Claim(s, e, "ocr_letter")

    # Dates first: their digit groups look like numbers and fractions.
    full = FULL_DATE.match(text, s)
    if full:
        return Claim(s, full.end(), "date")
    years = YEAR_RANGE.match(text, s)
    if years and int(years.group(3)) >= int(years.group(1)):
        return Claim(s, years.end(), "date")
    month_year = MONTH_YEAR.match(text, s)
    if month_year:
        return Claim(s, month_year.end(), "date")
    day_month = DAY_MONTH.match(text, s)
    if day_month and rules.date_before.search(folded[max(0, s - 20):s]):
        return Claim(s, day_month.end(), "date")

    # Section numbers and list markers by position.
    if at_line_start:
        section = SECTION.match(text, s)
        level = is_heading_line(text[line_start:line_end], fold(text[line_start:line_end]), rules,
                                 next_line_starts_upper(text, line_end))
        if section and (level or "." in section.group(0).rstrip(".")):
            return Claim(s, section.end(), "section_number")
        if section and section.group(0).endswith("."):
            return Claim(s, section.end(), "list_marker")
        if (len(m.group(0)) <= rules.footnote_max_digits and m.group(0).isdigit()
                and re.match(r" +[A-ZĐÀ-Ỹ]", text[e:e + 3])):
            return Claim(s, e, "footnote_marker")
        if after == ")":
            return Claim(s, e + 1, "list_marker")
    if before == "(" and after == ")" and len(m.group(0)) <= 2:
        return Claim(s - 1, e + 1, "list_marker")

    # Document numbers and numbers in names.
    if rules.name_tokens.fullmatch(m.group(0)):
        return Claim(s, e, "name_number")
    suffix = rules.document_suffix.match(text, e)
    if suffix:
        return Claim(s, suffix.end(), "identifier")
    window = folded[max(0, s - 30):s]
    if rules.document_before.search(window) and not unit_after:  # "vượt kế hoạch 5%" is no "Kế hoạch 5"
        return Claim(s, e, "identifier")
    if rules.name_before.search(window) and not unit_after:
        return Claim(s, e, "name_number")
    token = m.group(0)
    if token.isdigit() and len(token) == 4 and rules.year_min <= int(token) <= rules.year_max \
            and not unit_after:
        return Claim(s, e, "date")
    # A number right after an acronym or inside a proper name: "(ICLC 6)", "TOP 10", "Ngọc Linh 2".
    prev_word = re.search(r"(\S+)\s+$", text[max(0, s - 40):s])
    if prev_word and token.isdigit() and not unit_after and after not in "/-–":
        word = prev_word.group(1)
        letters = word.lstrip("(“\"'")
        if letters.isupper() and len(letters) >= 2 and letters.isalpha():
            return Claim(s, e, "name_number")
        sentence_start = layout.sentences[sentence_index(layout, s)][0]
        if (word[:1].isupper() and word.isalpha() and s - len(prev_word.group(0)) > sentence_start
                and len(token) <= 2):
            return Claim(s, e, "name_number")
    return None



def address_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every web or e-mail address in ``text``, in text order.

    >>> address_spans("xem https://a.vn/?tang=87,7% hoặc so12@sonla.gov.vn.")
    [(4, 28), (34, 51)]
    """
    return [(m.start(), m.end()) for m in ADDRESS.finditer(text)]


def _inside(spans: list[tuple[int, int]], pos: int) -> bool:
    index = bisect.bisect_right(spans, (pos, float("inf"))) - 1
    return index >= 0 and spans[index][0] <= pos < spans[index][1]


def unreadable_kind(m: re.Match, text: str, addresses: list[tuple[int, int]]) -> Claim | None:
    """The digit group ``m`` as a claim of a kind the grammar cannot read, or None (see the module doc).

    ``addresses`` are the :func:`address_spans` of ``text``.
    """
    s, e = m.start(), m.end()
    token = m.group(0)
    if _inside(addresses, s):
        return Claim(s, e, "url_part")
    if not token.isascii():
        return Claim(s, e, "unreadable_script")
    power = CARET_POWER.match(text, e) or (SUPERSCRIPT_POWER.match(text, e) if token == "10" else None)
    power = power or TIMES_TEN.match(text, e)
    if power:
        return Claim(s, power.end(), "unreadable_exponent")
    fraction = FRACTION_AFTER.match(text, e)
    if fraction:
        return Claim(s, fraction.end(), "unreadable_fraction")
    return None


def scan_numbers(layout: Layout, rules: Rules) -> list[Claim]:
    """Every number of the text with its kind, in text order (quantities read, not yet in context)."""
    claims: list[Claim] = []
    consumed = 0
    text = layout.text
    addresses = address_spans(text)
    for m in TOKEN.finditer(text):
        if m.start() < consumed:
            continue
        claim = (unreadable_kind(m, text, addresses) or classify_number(m, layout, rules)
                 or read_quantity_at(m, layout, rules))
        claims.append(claim)
        consumed = claim.end
    for m in LONE_FRACTION.finditer(text):
        claims.append(Claim(m.start(), m.end(), "unreadable_fraction"))
    for m in ROMAN_MARKER.finditer(text):
        claims.append(Claim(m.start(), m.end(), "list_marker"))
    for m in ROMAN_HEADING.finditer(text):
        line_start, line_end = line_bounds(text, m.start(1))
        if is_heading_line(text[line_start:line_end], fold(text[line_start:line_end]), rules,
                            next_line_starts_upper(text, line_end)):
            claims.append(Claim(m.start(1), m.end(), "section_number"))
    claims.sort(key=lambda c: c.start)
    return claims

