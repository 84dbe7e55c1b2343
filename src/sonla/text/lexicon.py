"""Read the language rules in ``src/sonla/rules/*.yaml`` and compile them once.

The rules are data (see each file's header for its source and fields); this module
only prepares their wordings the way the texts are prepared and compiles regular
expressions. Texts are matched through a copy that keeps offsets (one character for
one character):

* clean text and PDF text layers through :func:`lower_text` (lower case, marks kept:
  "tăng" is not "tặng"), with rules compiled by ``load_rules(exact=True)``;
* OCR copies, whose marks cannot be trusted, through :func:`fold_ocr` (diacritics
  removed, ``đ`` → ``d``, look-alike symbols and glued digits read as letters), with
  rules compiled by ``load_rules(exact=False)``;
* indicator wordings, long and specific, always through :func:`fold`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .. import config
from ..errors import SonlaError
from ..io import read_yaml

__all__ = ["fold", "fold_ocr", "lower_text", "Rules", "load_rules", "RULE_FILES"]

RULE_FILES = ("units.yaml", "qualifiers.yaml", "indicators.yaml", "context.yaml", "nonquantities.yaml",
              "ocr.yaml")


def _fold_char(char: str, symbols: str) -> str:
    if char.isspace():
        return " "
    if char in "đĐ":
        return "d"
    if symbols and char in symbols:
        return "e"
    low = char.lower()
    if len(low) != 1:
        low = char
    base = unicodedata.normalize("NFD", low)[0]
    return base if base.isascii() or not base.isalpha() else low


_GLUED_DIGITS = re.compile(r"(?<=[^\W\d_])\d+|\d+(?=[^\W\d_])")


def fold_ocr(text: str, symbols: str, digit_letters: dict, contexts=(), readings=None) -> str:
    """:func:`fold` for an OCR text layer: look-alike symbols and glued digits become letters.

    ``contexts`` are (pattern, reading) pairs whose group ``digits`` is replaced by the
    reading; ``readings`` maps whole tokens to words of the same length. Offsets are kept.

    >>> fold_ocr("tong s6 von giai ngan 1a 1.372 ty", "¢", {"6": "o", "1": "l"})
    'tong so von giai ngan la 1.372 ty'
    """
    folded = fold(text, symbols)
    folded = _GLUED_DIGITS.sub(lambda m: "".join(digit_letters.get(d, d) for d in m.group(0)), folded)
    chars = list(folded)
    for pattern, reading in contexts:
        for m in pattern.finditer(folded):
            if reading and len(reading) == m.end("digits") - m.start("digits"):
                chars[m.start("digits"):m.end("digits")] = reading
    for word, reading in (readings or {}).items():
        if len(word) == len(reading):
            for m in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", folded):
                chars[m.start():m.end()] = reading
    return "".join(chars)


def fold(text: str, symbols: str = "") -> str:
    """Lower case without diacritics, same length as ``text`` (offsets are kept).

    ``symbols`` are OCR look-alike characters folded to the letter ``e``.

    >>> fold("Tỷ lệ đô thị hóa đạt 70,5%")
    'ty le do thi hoa dat 70,5%'
    >>> fold("ty 1¢", symbols="¢")
    'ty 1e'
    """
    return text.translate(_fold_table(symbols))


class _CharTable(dict):
    """A str.translate table that computes each character's mapping once, on first use."""

    def __init__(self, convert):
        super().__init__()
        self.convert = convert

    def __missing__(self, ordinal: int) -> str:
        self[ordinal] = mapped = self.convert(chr(ordinal))
        return mapped


@lru_cache(maxsize=8)
def _fold_table(symbols: str) -> _CharTable:
    return _CharTable(lambda char: _fold_char(char, symbols))


def _lower_char(char: str) -> str:
    low = " " if char.isspace() else char.lower()
    return low if len(low) == 1 else char


_LOWER_TABLE = _CharTable(_lower_char)


def lower_text(text: str) -> str:
    """Lower case with diacritics kept, whitespace as plain spaces, same length as ``text``.

    Clean and PDF text layers are matched this way, so that words that differ only by their
    marks stay apart ("tăng"/"tặng", "số"/"sở", "đạt"/"đất").

    >>> lower_text("Tặng 02 Cờ\\nthi đua")
    'tặng 02 cờ thi đua'
    """
    return text.translate(_LOWER_TABLE)


def _fold_pattern(pattern: str, exact: bool = False) -> str:
    """Fold (or, ``exact``, only lower) the letters of a regular expression (escapes kept)."""
    out, i = [], 0
    while i < len(pattern):
        if pattern[i] == "\\" and i + 1 < len(pattern):
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if pattern[i] == " ":
            out.append(r"\s+")
        elif exact:
            out.append(pattern[i].lower() if len(pattern[i].lower()) == 1 else pattern[i])
        else:
            out.append(_fold_char(pattern[i], ""))
        i += 1
    return "".join(out)


def _alternation(patterns: list[str], exact: bool = False) -> str:
    # Longest wording first (lookaheads do not count): "tỷ đồng" before "tỷ(?! lệ)".
    folded = sorted({_fold_pattern(p, exact) for p in patterns},
                    key=lambda p: (len(re.sub(r"\(\?[!=<][^)]*\)", "", p).replace(r"\s+", " ")), p),
                    reverse=True)
    return "|".join(f"(?:{p})" for p in folded)


@dataclass(frozen=True)
class Unit:
    key: str
    label_en: str
    regex: re.Pattern
    multiplier: float
    first_chars: frozenset | None  # what a wording can start with (None: anything)


@dataclass(frozen=True)
class Qualifier:
    key: str
    label_en: str
    before: re.Pattern | None
    after: re.Pattern | None
    priority: int
    sentence_wide: bool


@dataclass(frozen=True)
class Indicator:
    key: str
    label_en: str
    theme: str
    regex: re.Pattern
    units: tuple[str, ...] | None


@dataclass(frozen=True)
class Geography:
    key: str
    old_key: str
    regex: re.Pattern
    subject_only: bool


@dataclass(frozen=True)
class Rules:
    """Every rule file, compiled."""

    units: tuple[Unit, ...]
    unit_labels: dict
    scale: re.Pattern
    scales: dict
    qualifiers: tuple[Qualifier, ...]
    qualifier_labels: dict
    indicators: tuple[Indicator, ...]
    geographies: tuple[Geography, ...]
    old_ward: re.Pattern
    period_range: re.Pattern
    period_year: re.Pattern
    not_period: re.Pattern
    document_before: re.Pattern
    document_suffix: re.Pattern
    name_before: re.Pattern
    name_tokens: re.Pattern
    target_heading: re.Pattern
    date_before: re.Pattern
    year_min: int
    year_max: int
    heading_max_chars: int
    footnote_max_digits: int
    subject_words: int
    ocr_symbols: str
    ocr_words: frozenset
    ocr_digit_letters: dict
    fuzzy_unit_score: float
    plain_units: tuple
    ocr_contexts: tuple[tuple[re.Pattern, str], ...]
    ocr_word_readings: dict
    themes: tuple[str, ...]


THEMES = ("infrastructure-investment", "education", "admin-reform-digital", "social-welfare",
          "party-building", "economy", "security-defence", "culture")


def _read(rules_dir: Path, name: str) -> dict:
    return read_yaml(rules_dir / name) or {}


def _compile(pattern: str, where: str) -> re.Pattern:
    try:
        return re.compile(pattern)
    except re.error as err:
        raise SonlaError(f"{where}: bad regular expression {pattern!r}: {err}") from err


LETTER = r"[^\W\d_]"


def _ends_before(words: list[str], where: str, exact: bool) -> re.Pattern:
    """A pattern that matches when the text *ends* with one of ``words`` (plus spaces)."""
    return _compile(rf"(?<!{LETTER})(?:{_alternation(words, exact)})\s*$", where)


def load_rules(rules_dir: Path | None = None, exact: bool = True) -> Rules:
    """Load and compile every rule file; :class:`SonlaError` names a bad file or entry.

    ``exact`` rules match text lowered by :func:`lower_text` (clean and PDF text layers);
    otherwise they match text folded by :func:`fold` / :func:`fold_ocr` (OCR copies, whose
    marks cannot be trusted).
    """
    # One cache entry per (directory, exactness), however the caller spells the arguments.
    return _load_rules(Path(rules_dir or config.RULES_DIR), bool(exact))


@lru_cache(maxsize=8)
def _load_rules(rules_dir: Path, exact: bool) -> Rules:

    def alt(patterns: list[str]) -> str:
        return _alternation(patterns, exact)

    def word(text: str) -> str:
        return text if exact else fold(text)

    units_spec = _read(rules_dir, "units.yaml")
    units, labels = [], {}
    for entry in units_spec.get("units", []):
        where = f"{rules_dir / 'units.yaml'}: unit {entry.get('key')!r}"
        regex = _compile(rf"\s*(?:{alt(entry['patterns'])})(?![^\W_])", where)
        starts = {_fold_pattern(p, exact)[:1] for p in entry["patterns"]}
        first = frozenset(starts) if all(c.isalnum() or c == "%" for c in starts) else None
        units.append(Unit(entry["key"], entry["label_en"], regex, float(entry.get("multiplier", 1)), first))
        labels.setdefault(entry["key"], entry["label_en"])
    scales = {_fold_pattern(s["word"], exact): s for s in units_spec.get("scales", [])}
    scale = _compile(rf"\s*({'|'.join(sorted(scales, key=len, reverse=True))})(?![^\W_])(?!\s+{word('lệ')})",
                     "units.yaml scales")

    quals = []
    for entry in _read(rules_dir, "qualifiers.yaml").get("qualifiers", []):
        where = f"qualifiers.yaml: {entry.get('key')!r}"
        distance = int(entry.get("distance", 0))
        before = after = None
        if entry.get("before"):
            before = _compile(rf"(?<!{LETTER})(?:{alt(entry['before'])})(?:\s+\S+){{0,{distance}}}\s*$",
                              where)
        if entry.get("after"):
            after = _compile(rf"^\s*(?:{alt(entry['after'])})(?!{LETTER})", where)
        quals.append(Qualifier(entry["key"], entry["label_en"], before, after, int(entry["priority"]),
                               entry.get("scope", "clause") == "sentence"))
    indicators = []
    for entry in _read(rules_dir, "indicators.yaml").get("indicators", []):
        where = f"indicators.yaml: {entry.get('key')!r}"
        if entry.get("theme") not in THEMES:
            raise SonlaError(f"{where}: theme {entry.get('theme')!r} not one of {', '.join(THEMES)}")
        units_ok = tuple(entry["units"]) if entry.get("units") else None
        # Indicator wordings are long and specific: they always match folded text, so that
        # one list serves clean, PDF and OCR layers alike.
        indicators.append(Indicator(entry["key"], entry["label_en"], entry["theme"],
                                    _compile(_alternation(entry["patterns"]), where), units_ok))
    context = _read(rules_dir, "context.yaml")
    geos = tuple(Geography(g["key"], g.get("old_key", g["key"]),
                           # No lookbehind, so the regex engine can search for the literal
                           # prefix; the code checks that no letter precedes a match.
                           _compile(rf"(?:{alt(g['patterns'])})(?!{LETTER})", g["key"]),
                           bool(g.get("subject_only", False)))
                 for g in context["geographies"])
    nonq = _read(rules_dir, "nonquantities.yaml")
    ocr = _read(rules_dir, "ocr.yaml")
    return Rules(
        units=tuple(units), unit_labels=labels, scale=scale, scales=scales,
        qualifiers=tuple(quals), qualifier_labels={q.key: q.label_en for q in quals},
        indicators=tuple(indicators), geographies=geos,
        old_ward=_compile(alt(context["old_ward_markers"]), "old_ward_markers"),
        period_range=_compile(_fold_pattern(context["period_range"], exact), "period_range"),
        period_year=_compile(_fold_pattern(context["period_year"], exact), "period_year"),
        not_period=_ends_before(context["not_period"], "not_period", exact),
        document_before=_compile(rf"(?<!{LETTER})(?:{alt(nonq['document_words'])})(?:\s+{word('số')})?\s*$",
                                 "document_words"),
        document_suffix=_compile(nonq["document_suffix"], "document_suffix"),
        name_before=_compile(rf"(?<!{LETTER})(?<!{word('tổng')} )(?<!{word('cơ')} )"
                             rf"(?:{alt(nonq['name_words'])})\s*$",
                             "name_words"),
        name_tokens=_compile("|".join(f"(?:{t})" for t in nonq.get("name_tokens", [])) or "(?!)",
                             "name_tokens"),
        target_heading=_compile(alt(context["target_heading_markers"]), "target_heading_markers"),
        date_before=_ends_before(nonq["date_words"], "date_words", exact),
        subject_words=int(context.get("subject_words", 6)),
        year_min=int(nonq["year_min"]), year_max=int(nonq["year_max"]),
        heading_max_chars=int(nonq["heading_max_chars"]),
        footnote_max_digits=int(nonq["footnote_max_digits"]),
        ocr_symbols=ocr.get("letter_symbols", ""),
        ocr_words=frozenset(ocr.get("words", [])),
        ocr_digit_letters={str(k): v for k, v in (ocr.get("digit_letters") or {}).items()},
        fuzzy_unit_score=float(ocr.get("fuzzy_unit_score", 101)),
        plain_units=tuple((u["key"], _fold_pattern(p).replace(r"\s+", " "), float(u.get("multiplier", 1)))
                          for u in units_spec.get("units", []) for p in u["patterns"]
                          if re.fullmatch(r"[\w ,/%]+", _fold_pattern(p).replace(r"\s+", " "))),
        ocr_contexts=tuple((_compile(c["pattern"], "ocr.yaml contexts"), c.get("as", ""))
                           for c in ocr.get("contexts", [])),
        ocr_word_readings={k.lower(): v for k, v in (ocr.get("word_readings") or {}).items()},
        themes=THEMES,
    )
