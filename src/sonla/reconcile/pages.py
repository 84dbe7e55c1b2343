"""Which indicators the book gives a page of their own: those the reconciliation has something to say about.

An indicator is a concept at a level of government (``poverty_rate@commune``: the column
``indicator`` of the published tables). It gets a page when it has at least :data:`MIN_CLAIMS`
quantity claims in ``claims.csv`` or any finding in ``findings.csv`` (a finding names its
indicators ``;``-joined); its label and theme come from ``indicators.csv`` (the concept's), the
level's label from ``rules/places.yaml`` (``levels``). The book's build (``foreach: indicator`` in
``notebooks/runs.yml``, the ``_toc.yml`` entries) and the chapters that link to the pages read the
same list from here. The published CSVs are read with the :mod:`csv` module: the build asks on
every run, and a build with nothing to do must stay fast.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

from .. import config
from ..errors import SonlaError
from ..text.lexicon import rule_file

__all__ = ["MIN_CLAIMS", "indicator_pages", "indicator_page_keys", "page_name", "level_of_indicator",
           "level_label", "level_short", "page_title"]

MIN_CLAIMS = 2


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise SonlaError(f"{path} not found: run `make data` first")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def page_name(indicator: str) -> str:
    """The file name (without suffix) of an indicator's page: the key with ``@`` as ``-`` (concept
    keys are written with ``_`` only, so the name is unambiguous and safe in a URL).

    >>> page_name("poverty_rate@commune"), page_name("urbanisation_rate")
    ('poverty_rate-commune', 'urbanisation_rate')
    """
    return indicator.replace("@", "-")


def _concept(indicator: str) -> str:
    # As sonla.extract.claims.concept_of, without importing the extraction (and pandas) into a
    # build step that must stay fast.
    return indicator.partition("@")[0]


def level_of_indicator(indicator: str) -> str:
    """The level of an indicator key (the part after ``@``; "" for a bare concept).

    >>> level_of_indicator("poverty_rate@commune"), level_of_indicator("poverty_rate")
    ('commune', '')
    """
    return indicator.partition("@")[2]


@lru_cache(maxsize=1)
def _levels() -> dict[str, dict[str, str]]:
    return {str(row["key"]): {"en": str(row["en"]), "short": str(row.get("short") or row["en"])}
            for row in rule_file("places.yaml").get("levels", [])}


def _derived(level: str) -> str:
    return " ".join(w for w in re.split(r"[-_\s]+", level) if w)


def level_label(level: str) -> str:
    """How a label names a level (places.yaml ``levels``: ``en``), else "<level> level".

    >>> level_label("commune"), level_label("hamlet_group"), level_label("")
    ('ward and commune level', 'hamlet group level', '')
    """
    if not level:
        return ""
    found = _levels().get(level)
    return found["en"] if found else f"{_derived(level)} level"


def level_short(level: str) -> str:
    """The short form of a level for the sidebar (places.yaml ``short``), else the level in words.

    >>> level_short("district"), level_short("hamlet_group")
    ('city', 'hamlet group')
    """
    found = _levels().get(level)
    return found["short"] if found else _derived(level)


def page_title(concept_label: str, indicator: str) -> str:
    """An indicator's title: its concept's label, then its level's ("", a bare concept: the label).

    >>> page_title("Urbanisation rate", "urbanisation_rate@district")
    'Urbanisation rate, city level'
    >>> page_title("Urbanisation rate", "urbanisation_rate")
    'Urbanisation rate'
    """
    level = level_label(level_of_indicator(indicator))
    return f"{concept_label}, {level}" if level and concept_label else concept_label


def indicator_pages(processed_dir: Path | None = None, min_claims: int = MIN_CLAIMS) -> list[dict[str, str]]:
    """One row per indicator with a page, sorted by theme, then label, then level: ``indicator``
    (``concept@level``), ``page`` (:func:`page_name`), ``concept``, ``level``, ``label_en`` (the
    concept's), ``title`` (:func:`page_title`), ``theme``, ``claims`` and ``findings`` (counts,
    as text, like every field of a foreach row).

    Raises :class:`~sonla.errors.SonlaError` naming a processed file that is missing, or an
    indicator with claims or findings that ``indicators.csv`` does not describe.
    """
    folder = Path(processed_dir or config.PROCESSED_DIR)
    claims = Counter(row["indicator"] for row in _rows(folder / "claims.csv")
                     if row["kind"] == "quantity" and row["indicator"])
    findings = Counter(key for row in _rows(folder / "findings.csv")
                       for key in dict.fromkeys(row["indicator"].split(";")) if key)
    described = {}
    for row in _rows(folder / "indicators.csv"):
        described.setdefault(row["indicator"], row)
    chosen = sorted(k for k in set(claims) | set(findings) if claims[k] >= min_claims or findings[k] > 0)
    missing = [k for k in chosen if k not in described]
    if missing:
        raise SonlaError(f"{folder / 'indicators.csv'}: no row for indicator(s) {', '.join(missing)}, "
                         "which have claims or findings")
    rows = []
    for key in chosen:
        label = described[key]["label_en"] or _concept(key)
        rows.append({"indicator": key, "page": page_name(key), "concept": _concept(key),
                     "level": level_of_indicator(key), "label_en": label, "title": page_title(label, key),
                     "theme": described[key]["theme"], "claims": str(claims[key]),
                     "findings": str(findings[key])})
    return sorted(rows, key=lambda r: (r["theme"], r["label_en"].casefold(), r["level"], r["indicator"]))


def indicator_page_keys(processed_dir: Path | None = None) -> set[str]:
    """The indicators that have a page (see :func:`indicator_pages`)."""
    return {row["indicator"] for row in indicator_pages(processed_dir)}
