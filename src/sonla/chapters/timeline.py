"""A timeline of what the sources mention: dated events (date claims) and documents (identifiers).

Dates come from ``kind == "date"`` claims; a date is an *event* when it names a day or a month
(``07/9/2021``, ``04.7.2025``, ``10/2024``); a bare year or a range of years is a *period* and
is only counted. Documents come from ``kind == "identifier"`` claims written
``<serial>-<type>/<issuer>`` (``353-KL/TU``); their type and issuer are read with the codes in
``rules/documents.yaml`` and their date is the first event date in the same sentence after the
number. The same event or document mentioned by several sources (or both copies of the
appendix) is one row listing every mention.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

import pandas as pd

from ..sources import read_manifest
from ..text.lexicon import rule_file

__all__ = ["parse_event_date", "parse_document_number", "document_codes", "events", "documents",
           "years_mentioned"]

_DAY = re.compile(r"^(\d{1,2})\s*[/.]\s*(\d{1,2})\s*[/.]\s*((?:19|20)\d{2})$")
_MONTH = re.compile(r"^(\d{1,2})\s*[/.]\s*((?:19|20)\d{2})$")
_DAY_NO_YEAR = re.compile(r"^(\d{1,2})\s*/\s*(\d{1,2})$")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_DOC = re.compile(r"^(\d+)-([^\W\d_]+)/([^\W_]+)$")


def parse_event_date(text: str, default_year: int | None = None) -> tuple[date, str] | None:
    """A day- or month-precise date in Vietnamese order, with its precision; None otherwise.

    A day and month without a year (``9/7``) take ``default_year`` (the year of the source's
    date in the manifest) when it is given; their precision is then ``day (year of the source)``.

    >>> parse_event_date("07/9/2021")
    (datetime.date(2021, 9, 7), 'day')
    >>> parse_event_date("04.7.2025")
    (datetime.date(2025, 7, 4), 'day')
    >>> parse_event_date("10/2024")
    (datetime.date(2024, 10, 1), 'month')
    >>> parse_event_date("9/7", default_year=2025)
    (datetime.date(2025, 7, 9), 'day (year of the source)')
    >>> parse_event_date("2020 - 2025") is None, parse_event_date("31/2/2024") is None
    (True, True)
    >>> parse_event_date("9/7") is None
    True
    """
    text = text.strip()
    try:
        if match := _DAY.match(text):
            return date(int(match[3]), int(match[2]), int(match[1])), "day"
        if match := _MONTH.match(text):
            return date(int(match[2]), int(match[1]), 1), "month"
        if default_year and (match := _DAY_NO_YEAR.match(text)):
            return date(default_year, int(match[2]), int(match[1])), "day (year of the source)"
    except ValueError:
        return None
    return None


@lru_cache(maxsize=1)
def document_codes() -> tuple[dict[str, str], dict[str, str]]:
    """({type code: English}, {issuer code: English}) from ``rules/documents.yaml``."""
    rules = rule_file("documents.yaml")
    return ({r["code"]: r["en"] for r in rules["types"]}, {r["code"]: r["en"] for r in rules["issuers"]})


def parse_document_number(text: str) -> dict[str, str] | None:
    """Serial, type and issuer of a document number; None if it has no type code.

    >>> parse_document_number("353-KL/TU")  # doctest: +NORMALIZE_WHITESPACE
    {'number': '353-KL/TU', 'serial': '353', 'type': 'conclusion',
     'issuer': 'provincial or city Party Committee'}
    >>> parse_document_number("57-NQ/TW")["type"]
    'resolution'
    >>> parse_document_number("1077") is None
    True
    """
    match = _DOC.match(text.strip())
    if not match:
        return None
    types, issuers = document_codes()
    return {"number": text.strip(), "serial": match[1], "type": types.get(match[2], match[2]),
            "issuer": issuers.get(match[3], match[3])}


def _excerpt(sentence: str, needle: str, width: int = 90) -> str:
    at = sentence.find(needle)
    if at < 0:
        return sentence[: 2 * width].strip()
    start, end = max(0, at - width), min(len(sentence), at + len(needle) + width)
    return ("…" if start else "") + sentence[start:end].strip() + ("…" if end < len(sentence) else "")


def _source_years() -> dict[str, int]:
    years = {}
    for row in read_manifest():
        found = _YEAR.findall(row["date"])
        if found:
            years[row["source_id"]] = int(found[0])
    return years


def events(claims: pd.DataFrame, source_years: dict[str, int] | None = None) -> pd.DataFrame:
    """One row per distinct dated event: date, precision, context, mentions (claim and source ids).

    ``source_years`` ({source_id: year}, default: the manifest dates) completes dates written
    without a year.
    """
    source_years = _source_years() if source_years is None else source_years
    rows = []
    for claim in claims[claims["kind"] == "date"].to_dict("records"):
        parsed = parse_event_date(str(claim["text"]), source_years.get(claim["source_id"]))
        if parsed is None:
            continue
        rows.append({"date": parsed[0], "precision": parsed[1], "text": claim["text"],
                     "context": _excerpt(str(claim["sentence"]), str(claim["text"])),
                     "claim_id": claim["claim_id"], "source_id": claim["source_id"],
                     "geography": claim.get("geography", "")})
    frame = pd.DataFrame(rows, columns=["date", "precision", "text", "context", "claim_id",
                                        "source_id", "geography"])
    if frame.empty:
        return frame.assign(mentions=[], sources=[], year_from_source=[])
    frame["year_from_source"] = frame["precision"].str.endswith("(year of the source)")
    frame["precision"] = frame["precision"].str.split(" ").str[0]
    grouped = frame.groupby(["date", "precision"], sort=True).agg(
        context=("context", "first"), claim_ids=("claim_id", ";".join),
        sources=("source_id", lambda s: ";".join(dict.fromkeys(s))),
        mentions=("claim_id", "size"), year_from_source=("year_from_source", "all"),
    ).reset_index()
    return grouped


def documents(claims: pd.DataFrame) -> pd.DataFrame:
    """One row per document number: type, issuer, date (if the sentence gives one), mentions."""
    rows = []
    dates = claims[claims["kind"] == "date"]
    for claim in claims[claims["kind"] == "identifier"].to_dict("records"):
        parsed = parse_document_number(str(claim["text"]))
        if parsed is None:
            continue
        same = dates[(dates["source_id"] == claim["source_id"]) & (dates["start"] > claim["start"])
                     & (dates["start"] - claim["end"] < 40)]
        when = None
        for text in same.sort_values("start")["text"]:
            if (found := parse_event_date(str(text))) is not None:
                when = found[0]
                break
        rows.append({**parsed, "date": when, "claim_id": claim["claim_id"],
                     "source_id": claim["source_id"],
                     "context": _excerpt(str(claim["sentence"]), str(claim["text"]))})
    frame = pd.DataFrame(rows, columns=["number", "serial", "type", "issuer", "date", "claim_id",
                                        "source_id", "context"])
    if frame.empty:
        return frame
    frame["date"] = frame["date"].astype("object")
    grouped = frame.groupby("number", sort=False).agg(
        type=("type", "first"), issuer=("issuer", "first"),
        date=("date", lambda d: next((x for x in d if x is not None and not pd.isna(x)), None)),
        context=("context", "first"), claim_ids=("claim_id", ";".join),
        sources=("source_id", lambda s: ";".join(dict.fromkeys(s))), mentions=("claim_id", "size"),
    ).reset_index()
    grouped["sort_date"] = grouped["date"].map(lambda d: d if d is not None else date.max)
    return grouped.sort_values(["sort_date", "number"]).drop(columns="sort_date").reset_index(drop=True)


def years_mentioned(claims: pd.DataFrame) -> pd.DataFrame:
    """How often each calendar year is named in a date claim, per source (years as ints)."""
    rows = []
    for claim in claims[claims["kind"] == "date"].to_dict("records"):
        for year in _YEAR.findall(str(claim["text"])):
            rows.append({"year": int(year), "source_id": claim["source_id"]})
    frame = pd.DataFrame(rows, columns=["year", "source_id"])
    return frame.groupby(["year", "source_id"]).size().rename("mentions").reset_index()
