"""Plain labels for readers: the one formatting helper of every table and figure of the book.

The data speaks in keys (``bn_vnd``, ``son-la-city``, ``urbanisation_rate@district``,
``more_than``, ``qualifier_conflict``); a reader should see "4,051 billion VND", "Sơn La city",
"Urbanisation rate, city level", "more than", "qualifier conflict". Every label comes from the
rule files — units.yaml (``gloss_en``, else ``label_en``), qualifiers.yaml (``gloss_en``),
indicators.yaml (``label_en`` of the concept, the part of an indicator key before ``@``),
places.yaml (``en`` of a place; ``levels``: the part after ``@``, through
:mod:`sonla.reconcile.pages`, which names the indicator pages the same way), themes.yaml
(``label_en``) — or, for a key no rule file labels (a place the extractor recognised by pattern,
``muong-bu-commune``, ``commune-level``; a kind of finding), is derived from the key itself by
:func:`label_from_key`. No label is written in Python.

Internal keys stay in the data dictionary, the claim explorer's raw columns and the downloads;
:func:`internal_keys` lists them, so a test can check that no chapter shows one.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

import pandas as pd

from ..extract.claims import concept_of
from ..reconcile.pages import page_title
from ..schema import CLAIM_KINDS, FINDING_KINDS
from ..sources import read_manifest
from ..text.lexicon import load_labels, load_rules, rule_file

__all__ = [
    "label_from_key", "unit_label", "unit_name", "place_label", "place_name_vi", "indicator_label",
    "indicator_themes",
    "qualifier_label", "theme_label", "kind_label", "source_label", "document_label", "period_label",
    "number", "quantity", "claim_value", "preferred_value", "yes_no", "plain_text", "frame_of", "FRAMES",
    "internal_keys",
]

# The frames of a quantity (claims.csv `frame`, once the reading step writes it): a level achieved
# or observed, a level for a period not yet closed, a goal, a change by an amount.
FRAMES = ("actual", "estimate", "target", "change")
# Until claims.csv has `frame`, it is read from the qualifier (qualifiers.yaml keys).
_FRAME_OF_QUALIFIER = {"target": "target", "projected": "target", "estimated": "estimate",
                       "increase": "change", "decrease": "change"}
_PARENTHESIS = re.compile(r"\s*\([^)]*\)")
_NUMBER = r"[-+]?\d[\d,]*(?:\.\d+)?"
_PREFERRED = re.compile(rf"^(?P<symbol>[^\d\s+-]+\s)?(?P<value>{_NUMBER})(?:/(?P<den>{_NUMBER}))?"
                        rf"(?:\s+(?P<unit>\S+))?$")


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or (
        isinstance(value, str) and not value.strip())


def label_from_key(key: str) -> str:
    """A readable label for a key no rule file labels: words, the leading ones capitalised.

    A key that names a place and its level keeps the level in lower case, as English writes it.

    >>> label_from_key("chieng-ngan-commune"), label_from_key("commune-level")
    ('Chieng Ngan commune', 'Commune level')
    >>> label_from_key("qualifier_conflict"), label_from_key("")
    ('Qualifier conflict', '')
    """
    words = [w for w in re.split(r"[-_\s]+", str(key).strip()) if w]
    if not words:
        return ""
    if "-" in str(key) and len(words) > 2:  # a place slug: its name, then its level
        return " ".join(w[:1].upper() + w[1:] for w in words[:-1]) + " " + words[-1]
    return " ".join([words[0][:1].upper() + words[0][1:], *words[1:]])


@lru_cache(maxsize=1)
def _places() -> dict[str, dict[str, str]]:
    return {p["key"]: {"vi": str(p["vi"]), "en": str(p["en"])} for p in rule_file("places.yaml")["places"]}


@lru_cache(maxsize=1)
def _themes() -> dict[str, str]:
    return {t["key"]: str(t["label_en"]) for t in rule_file("themes.yaml")["themes"]}


@lru_cache(maxsize=1)
def _unit_names() -> dict[str, str]:
    glosses = load_labels().unit_gloss
    names = {key: _PARENTHESIS.sub("", label).strip() for key, label in load_rules().unit_labels.items()}
    return {**names, **glosses}


@lru_cache(maxsize=1)
def _sources() -> dict[str, str]:
    return {row["source_id"]: (row.get("short_title") or row["title_en"]).strip() for row in read_manifest()}


@lru_cache(maxsize=1)
def _documents() -> dict[str, str]:
    """Each document of the manifest (``document_id``) named by the short titles of its copies,
    without what tells the copies apart ("Appendix (PDF text layer)" → "Appendix")."""
    names: dict[str, list[str]] = {}
    for row in read_manifest():
        title = _PARENTHESIS.sub("", (row.get("short_title") or row["title_en"])).strip()
        names.setdefault((row.get("document_id") or row["source_id"]).strip(), []).append(title)
    return {document: " / ".join(dict.fromkeys(titles)) for document, titles in names.items()}


def unit_label(key: object) -> str:
    """How a value names its unit: ``gloss_en`` of units.yaml, else its ``label_en`` without
    the parenthesis; "" for no unit.

    >>> unit_label("bn_vnd"), unit_label("party_member"), unit_label("criterion"), unit_label(None)
    ('billion VND', 'party members', 'criteria or targets', '')
    """
    if _missing(key):
        return ""
    return _unit_names().get(str(key), label_from_key(str(key)).lower())


def unit_name(key: object) -> str:
    """What a unit measures, in words (units.yaml ``label_en`` without the parenthesis).

    >>> unit_name("percent"), unit_name("times")
    ('percent', 'times')
    """
    if _missing(key):
        return ""
    label = load_rules().unit_labels.get(str(key))
    return _PARENTHESIS.sub("", label).strip() if label else label_from_key(str(key)).lower()


def place_label(key: object) -> str:
    """A geography key in English: places.yaml ``en``, else derived from the key.

    >>> place_label("son-la-city"), place_label("to-hieu-old"), place_label("chieng-ngan-commune")
    ('Sơn La city', 'Tô Hiệu ward (before July 2025)', 'Chieng Ngan commune')
    """
    if _missing(key):
        return ""
    found = _places().get(str(key))
    return found["en"] if found else label_from_key(str(key))


def place_name_vi(key: object) -> str:
    """A geography key's Vietnamese name (places.yaml ``vi``), else its English label.

    >>> place_name_vi("quyet-tam-old")
    'Quyết Tâm'
    """
    found = _places().get(str(key))
    return found["vi"] if found else place_label(key)


def indicator_label(key: object) -> str:
    """An indicator in words: its concept's ``label_en`` (indicators.yaml; else derived from the
    concept key), then, for a ``concept@level`` key, its level (places.yaml ``levels``).

    >>> indicator_label("urbanisation_rate"), indicator_label("urbanisation_rate@district")
    ('Urbanisation rate', 'Urbanisation rate, city level')
    >>> indicator_label("poor_households_unknown@commune")
    'Poor households unknown, ward and commune level'
    """
    if _missing(key):
        return ""
    concept = concept_of(str(key))
    label = load_labels().indicator_label.get(concept) or label_from_key(concept)
    return page_title(label, str(key))


def indicator_themes() -> dict[str, str]:
    """{concept key: theme key} (indicators.yaml ``theme``; an indicator ``concept@level`` has its
    concept's theme)."""
    return dict(load_labels().indicator_theme)


def qualifier_label(key: object) -> str:
    """A qualifier key as a gloss words it (qualifiers.yaml ``gloss_en``).

    >>> qualifier_label("more_than"), qualifier_label("estimated"), qualifier_label("")
    ('more than', 'estimated', '')
    """
    if _missing(key):
        return ""
    return load_labels().qualifier_gloss.get(str(key)) or label_from_key(str(key)).lower()


def theme_label(key: object) -> str:
    """A theme key's ``label_en`` (themes.yaml), else derived from the key.

    >>> theme_label("admin-reform-digital")
    'Administrative reform and digital transformation'
    """
    if _missing(key):
        return ""
    return _themes().get(str(key)) or label_from_key(str(key))


def kind_label(key: object) -> str:
    """A kind of claim or of finding in words (derived from the key: no rule file names them).

    >>> kind_label("qualifier_conflict"), kind_label("section_number")
    ('qualifier conflict', 'section number')
    """
    return "" if _missing(key) else " ".join(re.split(r"[-_]+", str(key))).strip()


def source_label(source_id: object) -> str:
    """A source's short title (the manifest's ``short_title``, else its English title).

    >>> source_label("report")
    'Political report, July 2025'
    """
    return "" if _missing(source_id) else _sources().get(str(source_id), str(source_id))


def document_label(document_id: object) -> str:
    """A document (the manifest's ``document_id``) by the short title of its copies, without what
    tells the copies apart.

    >>> document_label("city-appendix-2025"), document_label("report")
    ('Appendix', 'Political report, July 2025')
    """
    return "" if _missing(document_id) else _documents().get(str(document_id), str(document_id))


def period_label(period: object) -> str:
    """A period as a reader writes it: years joined by an en dash.

    >>> period_label("2020-2025"), period_label("2024"), period_label(float("nan"))
    ('2020–2025', '2024', '')
    """
    return "" if _missing(period) else re.sub(r"(\d)\s*-\s*(\d)", r"\1–\2", str(period))


def number(value: object, decimals: int = 3) -> str:
    """A number with thousands separators and at most ``decimals`` decimals, trailing zeros dropped.

    >>> number(4051.0), number(87.70), number(1372.456), number(1200000), number(float("inf"))
    ('4,051', '87.7', '1,372.456', '1,200,000', '∞')
    """
    if _missing(value):
        return ""
    x = float(value)  # type: ignore[arg-type]
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    text = f"{x:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _with_unit(amount: str, unit: object) -> str:
    label = unit_label(unit)
    if not label:
        return amount
    return f"{amount}{label}" if not label[0].isalnum() else f"{amount} {label}"


def quantity(value: object, unit: object = "", qualifier: object = "", denominator: object = None,
             value_high: object = None, symbol: bool = False) -> str:
    """A value as a reader reads it: qualifier, number (range or fraction) and unit.

    ``symbol`` writes the qualifier as its sign (qualifiers.yaml ``symbol``: "> 4,051") instead of
    its words ("more than 4,051"); a qualifier without a sign is then left out.

    >>> quantity(4051, "bn_vnd", "more_than")
    'more than 4,051 billion VND'
    >>> quantity(4051, "bn_vnd", "more_than", symbol=True), quantity(87.7, "percent")
    ('> 4,051 billion VND', '87.7%')
    >>> quantity(42, "criterion", denominator=63), quantity(7, "percent", value_high=8)
    ('42/63 criteria or targets', '7–8%')
    """
    if _missing(value):
        return ""
    amount = number(value)
    if not _missing(denominator):
        amount = f"{amount}/{number(denominator)}"
    elif not _missing(value_high) and float(value_high) != float(value):  # type: ignore[arg-type]
        amount = f"{amount}–{number(value_high)}"
    text = _with_unit(amount, unit)
    if _missing(qualifier):
        return text
    if symbol:
        sign = load_labels().qualifier_symbol.get(str(qualifier), "")
        return f"{sign} {text}" if sign else text
    word = qualifier_label(qualifier)
    return f"{word} {text}" if word else text


def claim_value(claim: pd.Series | dict, symbol: bool = False) -> str:
    """A claim's value with its unit and qualifier (see :func:`quantity`)."""
    return quantity(claim.get("value"), claim.get("unit"), claim.get("qualifier"),
                    claim.get("denominator"), claim.get("value_high"), symbol=symbol)


def preferred_value(text: object, unit: object = "") -> str:
    """A published preferred value (``> 4,051 bn_vnd``, ``42/63 criterion``) with its unit's label.

    Text that is not a value of that form is returned with its keys replaced (:func:`plain_text`).

    >>> preferred_value("> 4,051 bn_vnd", "bn_vnd"), preferred_value("87.2 percent", "percent")
    ('> 4,051 billion VND', '87.2%')
    >>> preferred_value("4/5 commune", "commune")
    '4/5 communes and wards'
    """
    if _missing(text):
        return ""
    match = _PREFERRED.match(str(text).strip())
    if not match or (match["unit"] and not _missing(unit) and match["unit"] != str(unit)):
        return plain_text(text)
    amount = match["value"] + (f"/{match['den']}" if match["den"] else "")
    shown = _with_unit(amount, match["unit"] or unit)
    return f"{match['symbol']}{shown}" if match["symbol"] else shown


def yes_no(value: object) -> str:
    """A boolean for readers: "yes", "no" ("" when missing); "True"/"False" strings too.

    >>> yes_no(True), yes_no("False"), yes_no(None)
    ('yes', 'no', '')
    """
    if _missing(value):
        return ""
    if isinstance(value, str):
        value = value.strip().lower() in ("true", "1", "yes")
    return "yes" if bool(value) else "no"


@lru_cache(maxsize=1)
def _keyed_labels() -> tuple[re.Pattern, dict[str, str]]:
    """Every internal key that text can carry, with the label :func:`plain_text` puts in its place.

    An indicator key may carry its level (``urbanisation_rate@district``): the pattern takes the
    level with it. Theme keys are left out: "party-building" is also an English word in the
    indicators' labels.
    """
    rules = load_rules()
    found: dict[str, str] = {}
    found.update({k: indicator_label(k) for k in load_labels().indicator_label})
    found.update({k: place_label(k) for k in _places()})
    found.update({k: qualifier_label(k) for k in rules.qualifier_labels})
    found.update({k: kind_label(k) for k in (*CLAIM_KINDS, *FINDING_KINDS)})
    found.update({k: unit_label(k) for k in rules.unit_labels})
    found.update({k: v for k, v in _documents().items() if k not in _sources()})  # a document's id
    keys = {k: v for k, v in found.items() if "_" in k or "-" in k}
    pattern = re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, keys), key=len, reverse=True))
                         + r")(?:@([a-z_]+))?(?![\w-])")
    return pattern, keys


def plain_text(text: object) -> str:
    """Text written by the pipeline (an explanation, a reasoning) with its keys in words.

    Keys are recognised whole (a key inside a claim id or a longer key is left alone); an indicator
    key with its level is labelled with both; a document's id (the manifest's ``document_id``, when
    it is not a source's id) is named by its copies' short title.

    >>> plain_text("> 4,051 bn_vnd; findings: qualifier_conflict (contradiction) in son-la-city")
    '> 4,051 billion VND; findings: qualifier conflict (contradiction) in Sơn La city'
    >>> plain_text("urbanisation_rate@district and urbanisation_rate")
    'Urbanisation rate, city level and Urbanisation rate'
    >>> plain_text("The documents (city-appendix-2025, report) share this passage")
    'The documents (Appendix, report) share this passage'
    """
    if _missing(text):
        return ""
    pattern, keys = _keyed_labels()

    def label(match: re.Match) -> str:
        key, level = match.group(1), match.group(2)
        return indicator_label(f"{key}@{level}") if level else keys[key]
    return pattern.sub(label, str(text))


def internal_keys(claims: pd.DataFrame | None = None) -> set[str]:
    """The keys a reader must not meet in a chapter's text: every key of the rule files and kinds
    written with ``_`` or ``-`` (words such as "percent" or "population" are not keys to a reader),
    and every geography of ``claims`` written so (places the extractor recognised by pattern too),
    but for a key that is also English: one the indicators' English labels use as a word
    ("commune-level" in "Share of commune-level cadres"), as theme keys are left out.

    >>> sorted(internal_keys(pd.DataFrame({"geography": ["son-la-city", "vietnam", "commune-level"]}))
    ...        & {"son-la-city", "vietnam", "commune-level", "bn_vnd"})
    ['bn_vnd', 'son-la-city']
    """
    keys = set(_keyed_labels()[1])
    if claims is not None and "geography" in claims:
        keys |= {str(g) for g in claims["geography"].dropna().unique() if "-" in str(g) or "_" in str(g)}
    english = " ".join(load_labels().indicator_label.values())
    return {k for k in keys if not re.search(rf"(?<![\w-]){re.escape(k)}(?![\w-])", english)}


def frame_of(claims: pd.DataFrame) -> pd.Series:
    """The frame of each claim: actual, estimate, target or change.

    Taken from the ``frame`` column when claims.csv has it; otherwise read from the qualifier
    (target or projected → target, estimated → estimate, increase or decrease → change, any
    other → actual), so the chapters switch over by themselves when the column arrives.

    >>> frame_of(pd.DataFrame({"qualifier": ["target", "estimated", None, "decrease"]})).tolist()
    ['target', 'estimate', 'actual', 'change']
    >>> frame_of(pd.DataFrame({"qualifier": ["target"], "frame": ["actual"]})).tolist()
    ['actual']
    """
    if "frame" in claims.columns:
        given = claims["frame"].astype("object").where(claims["frame"].notna(), "")
        fallback = frame_of(claims.drop(columns="frame"))
        return pd.Series([g if g else f for g, f in zip(given, fallback, strict=True)], index=claims.index,
                         dtype="object")
    qualifier = claims["qualifier"] if "qualifier" in claims else pd.Series("", index=claims.index)
    return qualifier.map(lambda q: _FRAME_OF_QUALIFIER.get(str(q), "actual")).astype("object")
