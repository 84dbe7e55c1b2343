"""One finding: its row, its stable id, its confidence, and the words that quote its claims.

Every rule builds its findings with :func:`make_finding`, so that the id, the confidence and the
columns are decided in one place (the scales are documented in :mod:`sonla.reconcile.registry`).
A rule names the claim whose value it prefers (or gives a derived value as text); the registry
then puts the preferred value of that claim's cell of ``indicators.csv`` in its place, so a
finding and the indicator table never disagree about a cell.
English words for qualifiers come from the rule files (``qualifiers.yaml``: ``quote_en`` and
``symbol``), never from code.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import pandas as pd

from ..text.lexicon import load_labels
from .intervals import fmt
from .preference import KIND_RANK
from .rows import Row

__all__ = ["CONFIDENCE", "HEURISTIC_KINDS", "KIND_RANK", "finding_id", "make_finding", "describe", "quote",
           "unit_of", "value_text"]

CONFIDENCE = ["low", "medium", "high"]
HEURISTIC_KINDS = {"scope_difference", "implied_baseline", "implied_denominator",
                   "projection_plausibility", "restated_figure", "target_outcome", "scale_outlier"}


def finding_id(kind: str, claim_ids: Iterable[str]) -> str:
    """A stable id from the rule and the sorted claims it rests on.

    >>> finding_id("rounding", ["b-000002", "a-000001"])
    'rounding-c6d94961cb'
    """
    key = kind + "|" + ";".join(sorted(claim_ids))
    return f"{kind}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:10]}"


def make_finding(kind: str, rule: str, claims: list[Row], status: str, severity: str,
                 preferred: str | Row, explanation: str, indicator: str | None = None) -> Row:
    """A row of ``findings.csv`` (without ``theme`` and ``independent_sources``) resting on ``claims``.

    ``preferred`` is the claim whose value the rule prefers (its value is written, and the
    registry later replaces it with the preferred value of the claim's cell of ``indicators.csv``)
    or a text (a derived value, or "" for none); the claim's id is kept under ``_preferred``.

    Cites every claim behind each row (``claim_list``: twins in other copies, repeats); the
    indicator is the claims' one (``;``-joined if several) unless given; the confidence starts at
    high and goes down a level for each of: a period inferred from the source date (not for
    rules that do not compare periods), a claim read from an OCR layer (not for ``ocr_variant``),
    a rule that rests on a reading of the wording (:data:`HEURISTIC_KINDS`).
    """
    ids: list[str] = []
    for claim in claims:
        for cid in claim.get("claim_list", None) or [claim["claim_id"]]:
            if cid not in ids:
                ids.append(cid)
    ids = sorted(ids)
    if indicator is None:
        indicators = sorted({str(c.get("indicator", "")) for c in claims} - {""})
        indicator = indicators[0] if len(indicators) == 1 else ";".join(indicators)
    confidence = 2
    if any(bool(c.get("period_inferred", False)) for c in claims) and kind not in {
            "ocr_variant", "duplicate_passage", "sum_mismatch", "arithmetic_mismatch"}:
        confidence -= 1
    if any(c.get("layer") == "ocr" for c in claims) and kind != "ocr_variant":
        confidence -= 1
    if kind in HEURISTIC_KINDS:
        confidence -= 1
    preferred_id = ""
    if isinstance(preferred, dict):
        preferred_id = str(preferred["claim_id"])
        preferred = value_text(preferred)
    return {
        "finding_id": finding_id(kind, ids), "indicator": indicator, "kind": kind,
        "claim_ids": ";".join(ids), "status": status, "severity": severity,
        "preferred_value": preferred, "explanation": explanation,
        "confidence": CONFIDENCE[max(0, confidence)], "rule": rule,
        "sources": ";".join(sorted({str(c["source_id"]) for c in claims})),
        "_preferred": preferred_id,
    }


def describe(claim: Row) -> str:
    """The claim as written, with its source.

    >>> describe({"text": "4.051 tỷ đồng", "qualifier": "more_than", "source_id": "appendix-pdf"})
    '“more than 4.051 tỷ đồng” (appendix-pdf)'
    """
    return f"“{quote(claim)}” ({claim['source_id']})"


def quote(claim: Row) -> str:
    """The claim's text, after the qualifier's ``quote_en`` word when it has one (``est. 1.372``)."""
    text = str(claim["text"]).strip()
    word = load_labels().qualifier_quote.get(str(claim.get("qualifier", "")), "")
    return f"{word} {text}" if word else text


def unit_of(claim: Row) -> str:
    """The claim's unit key ("" when none)."""
    return str(claim.get("unit", "") or "")


def value_text(claim: Row) -> str:
    """A preferred value as text: ``> 4,051 bn_vnd``, ``42/63 criterion``, ``87.7 percent``.

    >>> value_text({"value": 4051.0, "unit": "bn_vnd", "qualifier": "more_than", "denominator": None})
    '> 4,051 bn_vnd'
    """
    value = float(claim["value"])
    unit = unit_of(claim)
    denominator = claim.get("denominator")
    if denominator is not None and not pd.isna(denominator):
        return f"{fmt(value)}/{fmt(float(denominator))} {unit}".strip()
    symbol = load_labels().qualifier_symbol.get(str(claim.get("qualifier", "")), "")
    return f"{symbol + ' ' if symbol else ''}{fmt(value)} {unit}".strip()
