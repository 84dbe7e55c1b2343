"""Helpers of the reconciliation tests: sources and claims written by hand in the claims contract.

The texts imitate the wording of the real sources (quoted in the case ids) but are short and
self-contained; claims are built by hand so the rules are tested apart from extraction.
"""

from __future__ import annotations

import math
import re

import pandas as pd

from sonla.reconcile.params import Params
from sonla.reconcile.registry import find_findings
from sonla.sources import Source

CLAIM_COLUMNS = ["claim_id", "source_id", "start", "end", "text", "kind", "value", "value_high",
                 "denominator", "unit", "qualifier", "indicator", "period", "geography", "sentence"]


def make_source(source_id: str, text: str, date: str = "2025", document_id: str | None = None,
                text_layer: str = "clean", kind: str = "news") -> Source:
    return Source(source_id=source_id, file=f"{source_id}.txt", sha256="0" * 64, title_vi="t",
                  title_en="t", kind=kind, issuer="tests", date=date, language="vi",
                  text_layer=text_layer, document_id=document_id or source_id, notes="", text=text)


def make_claims(source: Source, specs: list[tuple]) -> pd.DataFrame:
    """Claims for ``source`` from (snippet, value, unit, qualifier, indicator, period, denominator).

    The snippet is searched for left to right, so repeated snippets find successive places.
    """
    rows, cursor = [], 0
    sentences = [(m.start(), m.end()) for m in re.finditer(r".+?(?:[.!?](?=\s|$)|$)", source.text, re.S)]
    for spec in specs:
        snippet, value, unit, qualifier, indicator, period, denominator = (list(spec) + [None] * 7)[:7]
        start = source.text.index(snippet, cursor)
        end = start + len(snippet)
        cursor = end
        sentence = next(source.text[a:b].strip() for a, b in sentences if a <= start < b)
        rows.append({
            "claim_id": f"{source.source_id}-{start:06d}", "source_id": source.source_id,
            "start": start, "end": end, "text": snippet, "kind": "quantity", "value": value,
            "value_high": math.nan, "denominator": math.nan if denominator is None else denominator,
            "unit": unit or "", "qualifier": qualifier or "", "indicator": indicator or "",
            "period": period or "", "geography": "son-la-city", "sentence": sentence,
        })
    return pd.DataFrame(rows, columns=CLAIM_COLUMNS)


def run(sources: list[Source], claims: list[pd.DataFrame], **params) -> pd.DataFrame:
    return find_findings(pd.concat(claims, ignore_index=True), sources, Params(**params))


def kinds(frame: pd.DataFrame) -> list[tuple[str, str]]:
    return sorted(zip(frame["kind"], frame["status"], strict=True))
