"""Every number in every source as a provenance-tracked claim (``data/processed/claims.csv``).

:func:`extract_claims` is a pure function of one verified source: it finds every digit
group (and every bracketed Roman list marker), decides what kind of number it is, and
for quantities reads the value, range, denominator, unit, qualifier, indicator,
period and geography. What it knows about Vietnamese lives in ``src/sonla/rules/``
(see :mod:`sonla.lexicon`); what differs between sources is read from the manifest
(``text_layer``: OCR look-alikes apply only to ``ocr``), never from a ``source_id``.

Kinds (column ``kind``): ``quantity``; ``date`` (dates and year references such as
``năm 2020`` or ``2020-2025``); ``identifier`` (``353-KL/TU``, ``Nghị quyết số 12``);
``section_number`` (``1.2.1.``, ``II-``); ``list_marker`` (``(1)``, ``(ii)``);
``footnote_marker`` (``thành phố1;``); ``name_number`` (``tổ 12``, ``QL6``, ``bão số 2``);
``ocr_letter`` (an OCR copy's letter read as a digit: ``s6``, ``1a``, ``ty 18``).

Run ``python -m sonla.claims`` to print counts for the verified sources.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

import pandas as pd
from rapidfuzz import fuzz

from ..errors import SonlaError
from ..schema import CLAIM_COLUMNS, CLAIM_KINDS, CLAIMS, CONTRACT_COLUMNS
from ..sources import Source, load_sources
from ..text.lexicon import Rules, fold, fold_ocr, load_rules, lower_text
from ..text.numbers import NUMBER_PATTERN, read_number

__all__ = ["CLAIM_COLUMNS", "CONTRACT_COLUMNS", "KINDS", "extract_claims", "extract_all", "check_offsets",
           "read_quantity",
           "stage_claims", "build_layout"]

KINDS = CLAIM_KINDS

TOKEN = re.compile(NUMBER_PATTERN)
ROMAN_MARKER = re.compile(r"\((?:i|ii|iii|iv|v|vi|vii|viii|ix|x)\)")
ROMAN_HEADING = re.compile(r"^[ \t]*([IVX]{1,4})(?:[-.])(?=\s)", re.M)
FULL_DATE = re.compile(r"\d{1,2}[./]\d{1,2}[./](?:19|20)\d\d(?!\d)"
                       r"|(?:19|20)\d\d-[01]\d(?:-[0-3]\d)?(?![\d/])")
MONTH_YEAR = re.compile(r"(0?[1-9]|1[0-2])/((?:19|20)\d\d)(?!\d)")
DAY_MONTH = re.compile(r"\d{1,2}/\d{1,2}(?![\d/])")
YEAR_RANGE = re.compile(r"((?:19|20)\d\d)(\s*[-–]\s*)((?:19|20)\d\d)(?!\d)")
SECTION = re.compile(r"\d{1,2}(?:\.\d{1,2})*\.?(?=\s)")
RANGE_TAIL = re.compile(rf"\s?[-–]\s?({NUMBER_PATTERN})")
FRACTION_TAIL = re.compile(rf"/({NUMBER_PATTERN})")
HEADING_START = re.compile(r"^\s*(?:phan thu \S+|[ivx]{1,4}[-.]\s|\d{1,2}(?:\.\d{1,2})*\.?\s)")
SENTENCE_END = re.compile(r"[.!?…]+[\"”’)]*(?=\s+[\"“(]?[A-ZĐÀ-Ỹ(\d])")


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


# --------------------------------------------------------------------------- text layout

@dataclass
class Heading:
    start: int
    end: int
    level: int
    geography: str
    old_wards: bool
    period: str
    target: bool


@dataclass
class Layout:
    """Where sentences, paragraphs and headings are in one text, and the context mentions."""

    text: str
    folded: str  # what the rules match: lower_text() of a clean or PDF text, fold_ocr() of an OCR copy
    loose: str  # fully folded text (fold_ocr() of an OCR copy): what indicator wordings match
    ocr: bool
    sentences: list[tuple[int, int]]
    sentence_starts: list[int]
    paragraph_of: list[int]
    headings: list[Heading]
    heading_starts: list[int]
    periods: list[tuple[int, int, str]]
    geos: list[tuple[int, str, str]]
    default_geography: str
    default_period: str
    clean: bool
    footnotes: list[tuple[int, int, int]]
    source_year: str


def _lines(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _is_heading_line(line: str, folded_line: str, rules: Rules, next_starts_upper: bool = True) -> int:
    """Heading level of a line (0: not a heading).

    A numbered line is a heading only if the next non-blank line starts a new sentence
    (upper case, a digit or a bracket): in a PDF text layer "1.6. Hoàn thành … Thành phố là
    đơn" continues on the next line and is a numbered paragraph, not a heading.
    """
    stripped = line.strip()
    if not stripped or len(stripped) > rules.heading_max_chars:
        return 0
    if folded_line.strip().startswith("phan thu "):
        return 1
    letters = [c for c in stripped if c.isalpha()]
    if len(letters) >= 12 and sum(c.isupper() for c in letters) / len(letters) > 0.8:
        return 1
    match = HEADING_START.match(folded_line)
    if not match or stripped.endswith((",", ";")) or not next_starts_upper:
        return 0
    head = match.group(0).strip()
    if re.match(r"[ivx]", head):
        return 2
    if re.fullmatch(r"\d{1,2}\.?", head) and not head.endswith("."):
        return 0
    return 2 + head.rstrip(".").count(".") + 1


def _next_line_starts_upper(text: str, line_end: int) -> bool:
    rest = text[line_end:line_end + 400].lstrip()
    return not rest or rest[0].isupper() or rest[0].isdigit() or rest[0] in "(“\"-–"


def _period_mentions(folded: str, rules: Rules) -> list[tuple[int, int, str]]:
    found: dict[int, tuple[int, int, str]] = {}
    for m in rules.period_range.finditer(folded):
        if not rules.not_period.search(folded[max(0, m.start() - 30):m.start()]):
            found[m.start()] = (m.start(), m.end(), f"{m.group(1)}-{m.group(2)}")
    for m in rules.period_year.finditer(folded):
        start = m.start(1)
        if any(s <= start < e for s, e, _ in found.values()):
            continue
        if rules.not_period.search(folded[max(0, m.start() - 30):m.start()] + folded[m.start():start]):
            continue
        found[start] = (start, m.end(1), m.group(1))
    return sorted(found.values())


def _geo_mentions(folded: str, rules: Rules, subjects_only: bool = False,
                  sentence_starts: list[int] | None = None) -> list[tuple[int, str, str]]:
    """Geography mentions (position, key, old key).

    With ``subjects_only``, a geography marked ``subject_only`` in context.yaml counts only
    among the first words of its sentence or clause (it is then what the sentence is about).
    """
    hits = []
    for geo in rules.geographies:
        for m in geo.regex.finditer(folded):
            if m.start() and folded[m.start() - 1].isalpha():
                continue
            if subjects_only and geo.subject_only and sentence_starts is not None:
                i = max(0, bisect.bisect_right(sentence_starts, m.start()) - 1)
                lead = folded[sentence_starts[i]:m.start()] if sentence_starts else folded[:m.start()]
                parts = re.split(r"[;:]", lead)
                limit = rules.subject_words if len(parts) == 1 else 2
                if len(parts[-1].split()) > limit:
                    continue
            hits.append((m.start(), geo.key, geo.old_key))
    hits.sort()
    # A mention inside a longer one ("thành phố" in "thành phố sơn la") counts once.
    kept: list[tuple[int, str, str]] = []
    for hit in hits:
        if kept and hit[0] < kept[-1][0] + 4:
            continue
        kept.append(hit)
    return kept


def _first_geo(geos, start: int, end: int, old: bool) -> str:
    i = bisect.bisect_left(geos, (start, "", ""))
    if i < len(geos) and geos[i][0] < end:
        return geos[i][2] if old else geos[i][1]
    return ""


def _sentences(text: str, folded: str, lines: list[tuple[int, int]], heading_lines: set[int],
               paragraph_lines: bool) -> tuple[list[tuple[int, int]], list[int]]:
    """Sentence spans and, for each, a paragraph number.

    In clean text a line break ends a sentence and a paragraph; in a PDF or OCR text layer a
    line break is only a wrap, unless the line ends a sentence or the next line is a heading.
    """
    breaks, paragraphs = set(), {}
    for number, (s, e) in enumerate(lines):
        line = text[s:e].rstrip()
        next_is_heading = number + 1 in heading_lines
        ends_sentence = line.endswith((".", ":", "!", "?"))
        if paragraph_lines or number in heading_lines or next_is_heading or ends_sentence:
            breaks.add(e)
    for m in SENTENCE_END.finditer(text):
        breaks.add(m.end())
    spans, start, paragraph = [], 0, 0
    paragraph_ends = {e for n, (s, e) in enumerate(lines) if paragraph_lines or n in heading_lines}
    for cut in sorted(breaks | {len(text)}):
        segment = text[start:cut]
        lead = len(segment) - len(segment.lstrip())
        if segment.strip():
            spans.append((start + lead, cut))
            paragraphs[len(spans) - 1] = paragraph
        if cut in paragraph_ends:
            paragraph += 1
        start = cut
    return spans, [paragraphs[i] for i in range(len(spans))]


FOOTNOTE_BODY_NUMBERED = re.compile(r"[ \t]*(\d{1,2}) +[A-ZĐÀ-Ỹ]")
FOOTNOTE_MARK_GLUED = re.compile(r"(?<=[a-zà-ỹđ])(\d{1,2})(?=[\s;,.:)]|$)")
FOOTNOTE_TRACE = re.compile(r"(?<=\S)\n(?=[;.,:])")


def _footnote_anchors(text: str, lines: list[tuple[int, int]], heading_lines: set[int]):
    """(body start, body end, anchor) for each footnote body linked to where its marker stands.

    A footnote body takes its context (headings, paragraph) from its marker, not from where the
    page break or the end of the document put it. Numbered bodies ("4 Đến nay …") link to the
    last glued marker with the same number before them ("học tập4;"). Bodies marked by U+FFFD
    link, in order, to the traces their removed markers left in the text (a line break right
    before punctuation), when the counts agree. Unlinked bodies keep their own position.
    """
    anchors, unnumbered = [], []
    markers = [(m.start(), m.group(1)) for m in FOOTNOTE_MARK_GLUED.finditer(text)]
    for number, (s, e) in enumerate(lines):
        line = text[s:e]
        if line.lstrip().startswith("\ufffd"):
            unnumbered.append((s, e))
            continue
        body = FOOTNOTE_BODY_NUMBERED.match(line)
        if body and number not in heading_lines:
            before = [pos for pos, n in markers if n == body.group(1) and pos < s]
            if before:
                anchors.append((s, e, before[-1]))
    traces = [m.start() for m in FOOTNOTE_TRACE.finditer(text)]
    # A U+FFFD body runs on to the next one (the last one to the end of the text).
    unnumbered = [(s, unnumbered[i + 1][0] if i + 1 < len(unnumbered) else len(text))
                  for i, (s, _) in enumerate(unnumbered)]
    if unnumbered and len(traces) == len(unnumbered):
        anchors += [(s, e, t) for (s, e), t in zip(unnumbered, traces, strict=True)]
    return sorted(anchors)


def _anchor(layout: Layout, pos: int) -> int:
    for start, end, anchor in layout.footnotes:
        if start <= pos < end:
            return anchor
    return pos


def build_layout(source: Source, rules: Rules) -> Layout:
    """Sentences, headings and context mentions of one source's text."""
    text = source.text
    ocr = source.text_layer == "ocr"
    # The text the rules match: folded for an OCR copy, lowered (marks kept) otherwise.
    folded = fold_ocr(text, rules.ocr_symbols, rules.ocr_digit_letters, rules.ocr_contexts,
                      rules.ocr_word_readings) if ocr else lower_text(text)
    lines = _lines(text)
    periods = _period_mentions(folded, rules)
    geos = _geo_mentions(folded, rules)
    headings, heading_lines = [], set()
    for number, (s, e) in enumerate(lines):
        level = _is_heading_line(text[s:e], fold(text[s:e]), rules, _next_line_starts_upper(text, e))
        if not level:
            continue
        heading_lines.add(number)
        line_periods = [p for p in periods if s <= p[0] < e]
        # A heading dated by a full date ("… từ ngày 01.7.2025") covers that year.
        dated = FULL_DATE.search(text, s, e)
        if not line_periods and dated:
            line_periods = [(dated.start(), dated.end(), re.findall(r"(?:19|20)\d\d", dated.group(0))[0])]
        old = bool(rules.old_ward.search(folded[s:e]))
        headings.append(Heading(s, e, level, _first_geo(geos, s, e, old), old,
                                line_periods[-1][2] if line_periods else "",
                                bool(rules.target_heading.search(folded[s:e]))))
    sentences, paragraph_of = _sentences(text, folded, lines, heading_lines, source.text_layer == "clean")
    subject_geos = _geo_mentions(folded, rules, subjects_only=True,
                                 sentence_starts=[s for s, _ in sentences])
    title = fold(source.title_vi) if ocr else lower_text(source.title_vi)
    title_periods = _period_mentions(title, rules)
    title_geos = _geo_mentions(title, rules)
    return Layout(
        text=text, folded=folded, loose=folded if ocr else fold(text), ocr=ocr, sentences=sentences,
        sentence_starts=[s for s, _ in sentences], paragraph_of=paragraph_of,
        headings=headings, heading_starts=[h.start for h in headings],
        periods=periods, geos=subject_geos,
        default_geography=title_geos[0][1] if title_geos else "",
        default_period=title_periods[-1][2] if title_periods else "",
        clean=source.text_layer == "clean",
        footnotes=_footnote_anchors(text, lines, heading_lines),
        source_year=source.date[:4] if re.match(r"(?:19|20)\d\d", source.date) else "",
    )


def _sentence_index(layout: Layout, pos: int) -> int:
    return max(0, bisect.bisect_right(layout.sentence_starts, pos) - 1)


def _heading_stack(layout: Layout, pos: int) -> list[Heading]:
    """Headings in scope at ``pos``, innermost first."""
    stack: list[Heading] = []
    for heading in layout.headings[:bisect.bisect_right(layout.heading_starts, pos)]:
        while stack and stack[-1].level >= heading.level:
            stack.pop()
        stack.append(heading)
    return stack[::-1]


# --------------------------------------------------------------------------- numbers

def _letterish(char: str, layout: Layout, rules: Rules) -> bool:
    return char.isalpha() or (layout.ocr and char in rules.ocr_symbols)


def _match_unit(folded: str, pos: int, rules: Rules):
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


def _fuzzy_unit(folded: str, pos: int, rules: Rules):
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


def _read_unit(folded: str, pos: int, rules: Rules, ocr: bool = False) -> tuple[str, float, int]:
    """Unit key, value multiplier and end position of what follows a number.

    Exact wordings first; a scale word with an exact unit after it ("triệu lượt") next; in an
    OCR copy a fuzzy reading is used only where it covers more text ("ty déng" beyond "ty").
    """
    unit, end = _match_unit(folded, pos, rules)
    fuzzy = _fuzzy_unit(folded, pos, rules) if ocr else None
    if unit:
        return fuzzy if fuzzy and fuzzy[2] > end else (unit.key, unit.multiplier, end)
    m = rules.scale.match(folded, pos)
    if not m:
        return fuzzy if fuzzy else ("", 1.0, pos)
    spec = rules.scales[m.group(1)]
    unit, end = _match_unit(folded, m.end(), rules)
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


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    s = text.rfind("\n", 0, pos) + 1
    e = text.find("\n", pos)
    return s, len(text) if e < 0 else e


def _classify(m: re.Match, layout: Layout, rules: Rules) -> Claim | None:
    """Decide the kind of the digit group ``m``; quantities are completed by :func:`_quantity`."""
    text, folded = layout.text, layout.folded
    s, e = m.start(), m.end()
    before = text[s - 1] if s else " "
    after = text[e] if e < len(text) else " "
    line_start, line_end = _line_bounds(text, s)
    at_line_start = not text[line_start:s].strip()

    # Digits glued to letters are never quantities: footnote markers, names, OCR letters.
    glued_left = _letterish(before, layout, rules) or (
        before in "-+" and s >= 2 and _letterish(text[s - 2], layout, rules))
    unit_after = _match_unit(folded, e, rules)[0] is not None
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
        level = _is_heading_line(text[line_start:line_end], fold(text[line_start:line_end]), rules,
                                 _next_line_starts_upper(text, line_end))
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
    if rules.document_before.search(window):
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
        sentence_start = layout.sentences[_sentence_index(layout, s)][0]
        if (word[:1].isupper() and word.isalpha() and s - len(prev_word.group(0)) > sentence_start
                and len(token) <= 2):
            return Claim(s, e, "name_number")
    return None


def _number(token: str) -> tuple[float, int] | None:
    try:
        number = read_number(token)
    except ValueError:
        return None
    return number.value, number.decimals


def _quantity(m: re.Match, layout: Layout, rules: Rules) -> Claim:
    """Read value, range, fraction and unit of a quantity starting at digit group ``m``."""
    text, folded = layout.text, layout.folded
    s, e = m.start(), m.end()
    parsed = _number(m.group(0))
    if parsed is None:
        return Claim(s, e, "identifier")
    value, decimals = parsed
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
            unit, factor, end = _read_unit(folded, frac.end(), rules, layout.ocr)
            claim.denominator, claim.unit = denominator[0] * factor, unit
            claim.value = value * factor
            claim.end = end if unit else frac.end()
            return claim
    unit, factor, end = _read_unit(folded, pos, rules, layout.ocr)
    claim.unit, claim.end = unit, end if unit else pos
    claim.value = value * factor
    if claim.value_high is not None:
        claim.value_high *= factor
    # Fraction with the unit on both sides: 1.372 tỷ đồng/1.573 tỷ đồng.
    frac = FRACTION_TAIL.match(text, claim.end)
    if unit and frac:
        denominator = _number(frac.group(1))
        unit2, factor2, end2 = _read_unit(folded, frac.end(), rules, layout.ocr)
        if denominator and unit2 == unit:
            claim.denominator, claim.end = denominator[0] * factor2, end2
    return claim


def read_quantity(text: str, ocr: bool = False, rules: Rules | None = None) -> dict:
    """Read the first quantity written in ``text``, the way :func:`extract_claims` reads it.

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
    from types import SimpleNamespace

    rules = rules or load_rules(exact=not ocr)
    m = TOKEN.search(text)
    if not m:
        raise ValueError(f"no number in {text!r}")
    folded = fold_ocr(text, rules.ocr_symbols, rules.ocr_digit_letters, rules.ocr_contexts,
                      rules.ocr_word_readings) if ocr else lower_text(text)
    layout = SimpleNamespace(text=text, folded=folded, ocr=ocr)
    claim = _quantity(m, layout, rules)  # type: ignore[arg-type]
    return {"text": text[claim.start:claim.end], "value": claim.value, "value_high": claim.value_high,
            "denominator": claim.denominator, "unit": claim.unit, "decimals": claim.decimals}


# --------------------------------------------------------------------------- context

def _clause(layout: Layout, claim: Claim) -> tuple[int, int, int, int]:
    """(sentence start, clause start, clause end, sentence end) around a claim."""
    sent_start, sent_end = layout.sentences[_sentence_index(layout, claim.start)]
    text = layout.text
    clause_start = max(sent_start, text.rfind(";", 0, claim.start) + 1)
    ends = [i for i in (text.find(";", claim.end), text.find("(", claim.end)) if i >= 0]
    clause_end = min([sent_end, *ends])
    return sent_start, clause_start, max(clause_end, claim.end), sent_end


def _qualify(claim: Claim, layout: Layout, rules: Rules, bounds, stack: list[Heading]) -> None:
    sent_start, clause_start, clause_end, _ = bounds
    folded = layout.folded
    sentence_before = folded[sent_start:claim.start]
    clause_before = folded[clause_start:claim.start]
    after = folded[claim.end:clause_end]
    found = []
    for q in rules.qualifiers:
        window = sentence_before if q.sentence_wide else clause_before
        if (q.before and q.before.search(window)) or (q.after and q.after.search(after)):
            found.append((q.priority, q.key))
    if any(h.target for h in stack) and all(k != "target" for _, k in found):
        found.append((2, "target"))
    claim.qualifiers = [k for _, k in sorted(found, key=lambda x: x[0])]


def _indicator(claim: Claim, layout: Layout, rules: Rules, bounds) -> str:
    _, clause_start, clause_end, _ = bounds
    folded = layout.loose
    best = None  # (rank, distance, order, key)
    for order, ind in enumerate(rules.indicators):
        if ind.units is not None and claim.unit not in ind.units:
            continue
        for m in ind.regex.finditer(folded, clause_start, clause_end):
            if claim.start <= m.start() < claim.end:  # in the claim's own unit: "3 hộ cận nghèo"
                rank = (-1, 0, order)
            elif m.end() <= claim.start + 1:
                rank = (0, claim.start - m.end(), order)
            elif m.start() >= claim.start:
                rank = (1, m.start() - claim.end, order)
            else:
                continue
            if best is None or rank < best[0]:
                best = (rank, ind.key)
    return best[1] if best else ""


def _carry_window(layout: Layout, claim: Claim, anchor: int) -> tuple[int, int]:
    """Where earlier mentions in the same paragraph may come from (clean text only)."""
    pos = anchor if anchor != claim.start else claim.start
    index = _sentence_index(layout, pos)
    paragraph = layout.paragraph_of[index]
    first = index
    while first > 0 and layout.paragraph_of[first - 1] == paragraph:
        first -= 1
    end = anchor if anchor != claim.start else layout.sentences[index][0]
    return layout.sentences[first][0], end


def _period(claim: Claim, layout: Layout, bounds, stack: list[Heading], anchor: int) -> str:
    """Period: the clause, the sentence's lead-in, the paragraph, the headings, the title."""
    sent_start, clause_start = bounds[0], bounds[1]
    if claim.kind == "date":
        span = layout.text[claim.start:claim.end]
        years = re.findall(r"(?:19|20)\d\d", span)
        # A day and month without a year ("ngày 9/7") fall in the year the source is dated.
        return "-".join(dict.fromkeys(years)) if years else layout.source_year
    follow = re.match(r"\s*\(((?:19|20)\d\d)\)", layout.text[claim.end:claim.end + 10])
    if follow:
        return follow.group(1)
    in_clause = [p for p in layout.periods if clause_start <= p[0] < claim.start]
    if in_clause:
        return in_clause[-1][2]
    # A year in the sentence's lead-in ("Năm 2024, …;") applies to all its clauses.
    lead = re.search(r"[;:]", layout.text[sent_start:claim.start])
    lead_end = sent_start + lead.start() if lead else claim.start
    in_lead = [p for p in layout.periods if sent_start <= p[0] < lead_end]
    if in_lead:
        return in_lead[-1][2]
    if layout.clean or anchor != claim.start:
        para_start, end = _carry_window(layout, claim, anchor)
        earlier = [p for p in layout.periods if para_start <= p[0] < end]
        if earlier:
            return earlier[-1][2]
    for heading in stack:
        if heading.period:
            return heading.period
    return layout.default_period


def _geography(claim: Claim, layout: Layout, rules: Rules, bounds, stack: list[Heading],
               anchor: int) -> str:
    sent_start, _, _, sent_end = bounds
    old = any(h.old_wards for h in stack) or bool(
        rules.old_ward.search(layout.folded[sent_start:sent_end]))
    geo = _first_geo(layout.geos, sent_start, claim.start, old)
    if geo:
        return geo
    if layout.clean or anchor != claim.start:
        para_start, end = _carry_window(layout, claim, anchor)
        lo = bisect.bisect_left(layout.sentence_starts, para_start)
        hi = bisect.bisect_left(layout.sentence_starts, end)
        for s, e in reversed(layout.sentences[lo:hi]):
            geo = _first_geo(layout.geos, s, min(e, end), old)
            if geo:
                return geo
    for heading in stack:
        if heading.geography:
            return heading.geography
    return layout.default_geography


# --------------------------------------------------------------------------- extraction

def _scan(layout: Layout, rules: Rules) -> list[Claim]:
    claims: list[Claim] = []
    consumed = 0
    for m in TOKEN.finditer(layout.text):
        if m.start() < consumed:
            continue
        claim = _classify(m, layout, rules) or _quantity(m, layout, rules)
        claims.append(claim)
        consumed = claim.end
    text = layout.text
    for m in ROMAN_MARKER.finditer(text):
        claims.append(Claim(m.start(), m.end(), "list_marker"))
    for m in ROMAN_HEADING.finditer(text):
        line_start, line_end = _line_bounds(text, m.start(1))
        if _is_heading_line(text[line_start:line_end], fold(text[line_start:line_end]), rules,
                            _next_line_starts_upper(text, line_end)):
            claims.append(Claim(m.start(1), m.end(), "section_number"))
    claims.sort(key=lambda c: c.start)
    return claims


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def extract_claims(source: Source, rules: Rules | None = None) -> pd.DataFrame:
    """Every numeric claim of one source, one row per claim, columns :data:`CLAIM_COLUMNS`.

    Rows are sorted by ``start``; ``source.text[start:end] == text`` for every row.

    >>> from sonla.sources import load_sources
    >>> report = next(s for s in load_sources() if s.source_id == "report")
    >>> df = extract_claims(report)
    >>> row = df[df.text == "4.051 tỷ đồng"].iloc[0]
    >>> float(row.value), row.unit, row.qualifier, row.indicator, row.period
    (4051.0, 'bn_vnd', 'more_than', 'public_investment_total', '2021-2025')
    >>> df[df.text == "353-KL/TU"].kind.tolist()
    ['identifier', 'identifier']
    """
    rules = rules or load_rules(exact=source.text_layer != "ocr")
    layout = build_layout(source, rules)
    rows = []
    for claim in _scan(layout, rules):
        bounds = _clause(layout, claim)
        anchor = _anchor(layout, claim.start)
        stack = _heading_stack(layout, anchor)
        sentence = layout.text[bounds[0]:bounds[3]]
        if claim.kind == "section_number":
            line_start, line_end = _line_bounds(layout.text, claim.start)
            sentence = layout.text[line_start:line_end]
        indicator = ""
        if claim.kind == "quantity":
            _qualify(claim, layout, rules, bounds, stack)
            indicator = _indicator(claim, layout, rules, bounds)
        rows.append({
            "claim_id": f"{source.source_id}-{claim.start:06d}",
            "source_id": source.source_id,
            "start": claim.start,
            "end": claim.end,
            "text": layout.text[claim.start:claim.end],
            "kind": claim.kind,
            "value": claim.value,
            "value_high": claim.value_high,
            "denominator": claim.denominator,
            "unit": claim.unit,
            "qualifier": claim.qualifiers[0] if claim.qualifiers else "",
            "indicator": indicator,
            "period": _period(claim, layout, bounds, stack, anchor),
            "geography": _geography(claim, layout, rules, bounds, stack, anchor),
            "sentence": _clean(sentence),
            "decimals": claim.decimals,
            "qualifiers": ";".join(claim.qualifiers),
        })
    frame = pd.DataFrame(rows, columns=CLAIM_COLUMNS)
    for column in ("start", "end", "decimals"):
        frame[column] = frame[column].astype("Int64")
    return frame


def extract_all(sources: list[Source], rules: Rules | None = None) -> pd.DataFrame:
    """Claims of every source, in manifest order then by start."""
    frames = [extract_claims(source, rules) for source in sources]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=CLAIM_COLUMNS)


def check_offsets(claims: pd.DataFrame, sources: list[Source]) -> None:
    """Raise :class:`SonlaError` naming the row if ``raw[start:end] != text`` or an id repeats."""
    texts = {s.source_id: s.text for s in sources}
    for row_number, row in enumerate(claims.itertuples(index=False), start=2):
        if texts[row.source_id][row.start:row.end] != row.text:
            raise SonlaError(f"claims.csv row {row_number} ({row.claim_id}): "
                             "text does not match the raw file")
    duplicated = claims.claim_id[claims.claim_id.duplicated()]
    if len(duplicated):
        raise SonlaError(f"claims.csv: duplicate claim_id {duplicated.iloc[0]}")


def stage_claims(sources: list[Source], inputs: dict[str, object]) -> dict[str, object]:
    """Pipeline stage: ``claims.csv``, every source's claims with their offsets checked."""
    claims = extract_all(sources)
    check_offsets(claims, sources)
    return {CLAIMS.path: claims}


def main() -> int:
    """Print claim counts by source and kind for the verified sources."""
    try:
        claims = extract_all(load_sources())
    except SonlaError as err:
        print(f"error: {err}")
        return 1
    print(claims.groupby(["source_id", "kind"], sort=False).size().unstack(fill_value=0).to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
