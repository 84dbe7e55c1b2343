"""Read the rule files in ``src/sonla/rules/*.yaml``: every reader of a rule file goes through here.

The rules are data (see each file's header for its source and fields). :func:`rule_file` reads
one file (parsed once per process); :func:`load_labels` gives the English wording of rule keys
(units, qualifiers, indicators), which the book shows and explanations use, so no label is
written in Python; :func:`load_rules` compiles the extraction rules. It only prepares their
wordings the way the texts are prepared (:mod:`sonla.text.fold`) and compiles regular
expressions. Texts are matched through a copy that keeps offsets (one character for one
character):

* clean text and PDF text layers through :func:`lower_text` (lower case, marks kept:
  "tăng" is not "tặng"), with rules compiled by ``load_rules(exact=True)``;
* OCR copies, whose marks cannot be trusted, through :func:`fold_ocr` (diacritics
  removed, ``đ`` → ``d``, look-alike symbols and glued digits read as letters), with
  rules compiled by ``load_rules(exact=False)``;
* indicator wordings, long and specific, always through :func:`fold`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from .. import config
from ..errors import SonlaError
from ..io import read_yaml
from .fold import CharTable, fold

__all__ = ["rule_file", "Labels", "load_labels", "Rules", "load_rules", "RULE_FILES", "THEMES",
           "not_after_letter"]

RULE_FILES = ("units.yaml", "qualifiers.yaml", "indicators.yaml", "context.yaml", "nonquantities.yaml",
              "ocr.yaml")


def _fold_pattern(pattern: str, exact: bool = False) -> str:
    """Fold (or, ``exact``, only lower) the letters of a regular expression (escapes kept).

    A space becomes ``\\s+``; every other character outside an escape is folded (or lowered, when
    that keeps it one character) on its own: one ``str.translate`` for each run of them.
    """
    table = _EXACT_PATTERN if exact else _FOLD_PATTERN
    # split() with a group: runs of plain characters at even indices, escapes at odd ones
    return "".join(part if index % 2 else part.translate(table)
                   for index, part in enumerate(_ESCAPE.split(pattern)))


_ESCAPE = re.compile(r"(\\[\s\S])")  # a backslash and the character after it, whatever it is


def _exact_pattern_char(char: str) -> str:
    low = char.lower()
    return r"\s+" if char == " " else (low if len(low) == 1 else char)


_EXACT_PATTERN = CharTable(_exact_pattern_char)
_FOLD_PATTERN = CharTable(lambda char: r"\s+" if char == " " else fold(char))


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
    level: str = ""


@dataclass(frozen=True)
class PlaceLevel:
    """A level word ("xã") whose capitalised name after it makes a place key ("…-commune").

    ``regex`` has no lookbehind: a word counts where :func:`not_after_letter` finds it.
    """

    regex: re.Pattern
    suffix: str
    level: str
    not_names: re.Pattern | None = None  # folded names that are not places ("Ban Thường vụ")


@dataclass(frozen=True)
class Rules:
    """Every rule file, compiled."""

    units: tuple[Unit, ...]
    unit_labels: dict
    unit_families: dict
    scale: re.Pattern
    scales: dict
    qualifiers: tuple[Qualifier, ...]
    qualifier_labels: dict
    indicators: tuple[Indicator, ...]
    geographies: tuple[Geography, ...]
    old_ward: re.Pattern
    period_range: re.Pattern
    period_from_to: re.Pattern
    period_year: re.Pattern
    not_period: re.Pattern
    present: re.Pattern
    term_event: re.Pattern  # "đại hội … nhiệm kỳ 2025 – 2030": groups 1 and 2 are the term's years
    term_body: re.Pattern  # "ban chấp hành … nhiệm kỳ 2025 - 2030"
    place_levels: tuple[PlaceLevel, ...]
    place_name_words: int
    level_markers: tuple[Geography, ...]
    levels: dict
    result_heading: re.Pattern
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

    def indicators_for(self, unit: str | None) -> tuple[tuple[int, Indicator], ...]:
        """The indicators a claim in ``unit`` can be of, each with its place in ``indicators``:
        those without ``units`` and those that list it, in the rules' order. (A claim is matched
        against these only, not all ~320, a scan that was a tenth of the extraction.)"""
        by_unit, unrestricted = self._indicators_by_unit
        return by_unit.get(unit, unrestricted)

    @cached_property
    def _indicators_by_unit(self) -> tuple[dict[str, tuple[tuple[int, Indicator], ...]],
                                           tuple[tuple[int, Indicator], ...]]:
        numbered = list(enumerate(self.indicators))
        units = {u for ind in self.indicators for u in ind.units or ()}
        by_unit = {u: tuple((o, i) for o, i in numbered if i.units is None or u in i.units) for u in units}
        return by_unit, tuple((o, i) for o, i in numbered if i.units is None)


THEMES = ("infrastructure-investment", "education", "admin-reform-digital", "social-welfare",
          "party-building", "economy", "security-defence", "culture")


def rule_file(name: str, rules_dir: Path | None = None) -> dict:
    """The parsed rule file ``name`` (``{}`` if it is empty), read once per process.

    The dict is shared by every caller: read it, never change it. Raises
    :class:`~sonla.errors.SonlaError` naming the file when it cannot be read or parsed.
    """
    return _rule_file(_folder(rules_dir), name)


def _folder(rules_dir: str | Path | None) -> Path:
    """The rule folder as a Path, not built again when it is one (labels are looked up per claim)."""
    folder = rules_dir or config.RULES_DIR
    return folder if isinstance(folder, Path) else Path(folder)


@lru_cache(maxsize=32)
def _rule_file(rules_dir: Path, name: str) -> dict:
    return read_yaml(rules_dir / name) or {}


def _read(rules_dir: Path, name: str) -> dict:
    return _rule_file(rules_dir, name)


@dataclass(frozen=True)
class Labels:
    """The English wording of rule keys, from the label fields of the rule files.

    ``unit_gloss``: how an English gloss names a unit (``units.yaml``, ``gloss_en``: "billion VND");
    ``qualifier_gloss``: how a gloss words a qualifier (``qualifiers.yaml``, ``gloss_en``: "an
    increase of"); ``qualifier_quote``: the word put before a quoted claim (``quote_en``: "est.");
    ``qualifier_symbol``: the sign put before a preferred value (``symbol``: ">", "≈");
    ``indicator_label`` and ``indicator_theme``: ``label_en`` and ``theme`` of ``indicators.yaml``.
    A key without the field is absent from the mapping.
    """

    unit_gloss: dict[str, str]
    qualifier_gloss: dict[str, str]
    qualifier_quote: dict[str, str]
    qualifier_symbol: dict[str, str]
    indicator_label: dict[str, str]
    indicator_theme: dict[str, str]


def load_labels(rules_dir: Path | None = None) -> Labels:
    """The English labels of the rule files (see :class:`Labels`), read once per process.

    >>> labels = load_labels()
    >>> labels.unit_gloss["bn_vnd"], labels.qualifier_quote["estimated"], labels.qualifier_symbol["about"]
    ('billion VND', 'est.', '≈')
    """
    return _load_labels(_folder(rules_dir))


@lru_cache(maxsize=4)
def _load_labels(rules_dir: Path) -> Labels:
    def field(entries: list[dict], name: str) -> dict[str, str]:
        found: dict[str, str] = {}
        for entry in entries:
            if entry.get(name) is not None:
                found.setdefault(str(entry["key"]), str(entry[name]))
        return found

    units = _read(rules_dir, "units.yaml").get("units", [])
    qualifiers = _read(rules_dir, "qualifiers.yaml").get("qualifiers", [])
    indicators = _read(rules_dir, "indicators.yaml").get("indicators", [])
    return Labels(unit_gloss=field(units, "gloss_en"), qualifier_gloss=field(qualifiers, "gloss_en"),
                  qualifier_quote=field(qualifiers, "quote_en"),
                  qualifier_symbol=field(qualifiers, "symbol"),
                  indicator_label={str(i["key"]): str(i.get("label_en", "")) for i in indicators},
                  indicator_theme={str(i["key"]): str(i.get("theme", "")) for i in indicators})


def _compile(pattern: str, where: str) -> re.Pattern:
    try:
        return re.compile(pattern)
    except re.error as err:
        raise SonlaError(f"{where}: bad regular expression {pattern!r}: {err}") from err


LETTER = r"[^\W\d_]"
_LETTER = re.compile(LETTER)


def not_after_letter(regex: re.Pattern, text: str) -> Iterator[re.Match]:
    """The matches of ``regex`` in ``text`` that no letter precedes, as ``finditer`` finds them
    with a ``(?<![^\\W\\d_])`` lookbehind in front of the pattern, but many times faster: a pattern
    that starts with a lookbehind keeps the regex engine from skipping ahead to its first
    characters, so it is tried at every position of the text. Here the engine skips ahead; a
    match after a letter is dropped and the search resumes one character after its start.
    (An empty match is yielded once and the search resumes one character on, so it never stalls.)

    >>> [m.group() for m in not_after_letter(re.compile("xã "), "xã Ngọc, taxã Bú")]
    ['xã ']
    """
    pos = 0
    while pos <= len(text) and (match := regex.search(text, pos)) is not None:
        start = match.start()
        if start and _LETTER.match(text, start - 1):
            pos = start + 1
            continue
        yield match
        pos = max(match.end(), start + 1)


def _ends_before(words: list[str], where: str, exact: bool) -> re.Pattern:
    """A pattern that matches when the text *ends* with one of ``words`` (plus spaces)."""
    return _compile(rf"(?<!{LETTER})(?:{_alternation(words, exact)})\s*$", where)


def _term_name(markers: list[str], name: str, exact: bool) -> re.Pattern:
    """A marker, then within its clause "nhiệm kỳ" and a span of years (groups 1 and 2)."""
    term = _fold_pattern("nhiệm kỳ", exact)
    return _compile(rf"(?<!{LETTER})(?:{_alternation(markers, exact)})(?!{LETTER})[^.;:]{{0,80}}?{term}"
                    r"[^\d.;:]{0,12}((?:19|20)\d\d)\s*[-–]\s*((?:19|20)\d\d)(?!\d)", name)


def load_rules(rules_dir: Path | None = None, exact: bool = True) -> Rules:
    """Load and compile every rule file; :class:`SonlaError` names a bad file or entry.

    ``exact`` rules match text lowered by :func:`lower_text` (clean and PDF text layers);
    otherwise they match text folded by :func:`fold` / :func:`fold_ocr` (OCR copies, whose
    marks cannot be trusted).
    """
    # One cache entry per (directory, exactness), however the caller spells the arguments.
    return _load_rules(_folder(rules_dir), bool(exact))


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
                           bool(g.get("subject_only", False)), g.get("level", ""))
                 for g in context["geographies"])
    place_levels = tuple(PlaceLevel(_compile(rf"(?:{alt(p['words'])})[ \t]+(?=\w)",
                                             "place_levels"),
                                    p["suffix"], p["level"],
                                    _compile(rf"^(?:{_alternation(p['not_names'])})(?!{LETTER})", "not_names")
                                    if p.get("not_names") else None)
                         for p in context.get("place_levels", []))
    # A level marker counts right before the number, at most three words between ("cấp xã đạt 99,59%").
    markers = tuple(Geography(m["key"], m["key"],
                              _compile(rf"(?<!{LETTER})(?:{alt(m['patterns'])})(?:\s+[^\s,;:]+){{0,3}}\s*$",
                                       "level_markers"), False, m["level"])
                    for m in context.get("level_markers", []))
    levels = {g.key: g.level for g in (*geos, *markers)}
    levels.update({g.old_key: g.level for g in geos})
    nonq = _read(rules_dir, "nonquantities.yaml")
    ocr = _read(rules_dir, "ocr.yaml")
    return Rules(
        units=tuple(units), unit_labels=labels, scale=scale, scales=scales,
        unit_families={u["key"]: u.get("family", u["key"]) for u in units_spec.get("units", [])},
        qualifiers=tuple(quals), qualifier_labels={q.key: q.label_en for q in quals},
        indicators=tuple(indicators), geographies=geos,
        old_ward=_compile(alt(context["old_ward_markers"]), "old_ward_markers"),
        period_range=_compile(_fold_pattern(context["period_range"], exact), "period_range"),
        period_from_to=_compile(_fold_pattern(context.get("period_from_to", "(?!)"), exact),
                                "period_from_to"),
        period_year=_compile(_fold_pattern(context["period_year"], exact), "period_year"),
        not_period=_ends_before(context["not_period"], "not_period", exact),
        present=_compile(rf"(?<!{LETTER})(?:{alt(context.get('present_markers', ['(?!)']))})(?!{LETTER})",
                         "present_markers"),
        term_event=_term_name(context.get("term_event_markers", ["(?!)"]), "term_event_markers", exact),
        term_body=_term_name(context.get("term_body_markers", ["(?!)"]), "term_body_markers", exact),
        place_levels=place_levels, place_name_words=int(context.get("place_name_words", 4)),
        level_markers=markers, levels=levels,
        result_heading=_compile(alt(context.get("result_heading_markers", ["(?!)"])),
                                "result_heading_markers"),
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
