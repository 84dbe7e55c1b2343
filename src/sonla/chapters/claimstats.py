"""Summaries of the claims dataset for the chapters: counts, copy agreement, figures."""

from __future__ import annotations

from collections import Counter

import matplotlib.pyplot as plt
import pandas as pd

from ..fidelity.copies import copy_pairs
from ..sources import Source
from . import plots
from .plots import PALETTE

__all__ = ["count_table", "compare_copies", "pair_copies", "missing_in_copy", "stacked_kinds", "bar_counts",
           "examples", "in_context"]


def count_table(claims: pd.DataFrame, rows: str, columns: str | None = None,
                order: list[str] | None = None) -> pd.DataFrame:
    """Claims counted by one or two columns, with totals; ``order`` fixes the row order."""
    if columns is None:
        table = claims.groupby(rows).size().rename("claims").to_frame()
    else:
        table = claims.groupby([rows, columns]).size().unstack(fill_value=0)
        table["total"] = table.sum(axis=1)
    if order is not None:
        table = table.reindex([o for o in order if o in table.index])
    else:
        table = table.sort_values(table.columns[-1], ascending=False, kind="stable")
    return table


def _quantities(claims: pd.DataFrame, source_id: str) -> Counter:
    rows = claims[(claims.source_id == source_id) & (claims.kind == "quantity")]
    return Counter(zip(rows.value.astype(float), rows.unit.fillna(""), strict=True))


def pair_copies(claims: pd.DataFrame, pdf_source: str, ocr_source: str) -> list[tuple]:
    """Pairs (pdf row, ocr row) of quantities with the same (value, unit), in text order."""
    quantities = claims[claims.kind == "quantity"]
    waiting: dict[tuple, list] = {}
    for row in quantities[quantities.source_id == ocr_source].itertuples(index=False):
        waiting.setdefault((float(row.value), row.unit if isinstance(row.unit, str) else ""), []).append(row)
    pairs = []
    for row in quantities[quantities.source_id == pdf_source].itertuples(index=False):
        candidates = waiting.get((float(row.value), row.unit if isinstance(row.unit, str) else ""))
        if candidates:
            pairs.append((row, candidates.pop(0)))
    return pairs


def _same(a, b) -> bool:
    return (a if isinstance(a, str) else "") == (b if isinstance(b, str) else "")


def compare_copies(claims: pd.DataFrame, sources: list[Source]) -> pd.DataFrame:
    """For each copy of a document and its reference, how many quantities agree.

    The pairs are the manifest's (:func:`sonla.fidelity.copies.copy_pairs`: same ``document_id``,
    the best text layer as reference); the reference is reported as ``pdf_source`` and the copy as
    ``ocr_source`` (the pair the book has). Quantities are compared as a multiset of (value, unit).
    """
    rows = []
    for reference, copy in copy_pairs(sources):
        pdf, ocr = _quantities(claims, reference.source_id), _quantities(claims, copy.source_id)
        ocr_rows = claims[claims.source_id == copy.source_id]
        pairs = pair_copies(claims, reference.source_id, copy.source_id)
        rows.append({
            "document_id": reference.document_id,
            "pdf_source": reference.source_id,
            "ocr_source": copy.source_id,
            "pdf_quantities": sum(pdf.values()),
            "ocr_quantities": sum(ocr.values()),
            "found_in_both": sum((pdf & ocr).values()),
            "pdf_not_in_ocr": sum((pdf - ocr).values()),
            "ocr_letters_rejected": int((ocr_rows.kind == "ocr_letter").sum()),
            **{f"pairs_same_{field}": sum(_same(getattr(p, field), getattr(o, field)) for p, o in pairs)
               for field in ("indicator", "qualifier", "period", "geography")},
        })
    return pd.DataFrame(rows)


def missing_in_copy(claims: pd.DataFrame, pdf_source: str, ocr_source: str) -> pd.DataFrame:
    """The PDF quantities that no OCR quantity pairs with (:func:`pair_copies`), with their text.

    A figure the PDF repeats and the OCR copy holds once is missing once: its later occurrence.
    """
    paired = {pdf.claim_id for pdf, _ in pair_copies(claims, pdf_source, ocr_source)}
    rows = claims[(claims.source_id == pdf_source) & (claims.kind == "quantity")]
    return rows[~rows.claim_id.isin(paired)][["claim_id", "text", "value", "unit", "sentence"]]


def stacked_kinds(table: pd.DataFrame, title: str) -> plt.Figure:
    """Horizontal stacked bars: claims per source (rows) split by kind (columns)."""
    return plots.stacked_bars(table.drop(columns="total", errors="ignore"), title, "claims")


def bar_counts(counts: pd.Series, title: str, xlabel: str) -> plt.Figure:
    """Horizontal bars of counts, largest first."""
    counts = counts.sort_values(ascending=True, kind="stable")
    fig, ax = plt.subplots(figsize=(7.5, 0.8 + 0.3 * len(counts)))
    ax.barh([str(i) for i in counts.index], list(counts.values), color=PALETTE[0])
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    fig.tight_layout()
    return fig


def in_context(claims: pd.DataFrame, sources: list[Source], width: int = 25) -> pd.Series:
    """Each claim in its raw context, the claim between « and », whitespace collapsed."""
    texts = {s.source_id: s.text for s in sources}

    def snippet(row) -> str:
        text = texts[row.source_id]
        before = text[max(0, row.start - width):row.start]
        after = text[row.end:row.end + width]
        return " ".join(f"…{before}«{text[row.start:row.end]}»{after}…".split())

    return claims.apply(snippet, axis=1)


def examples(claims: pd.DataFrame, per_kind: int = 1, sources: list[Source] | None = None) -> pd.DataFrame:
    """The first ``per_kind`` claims of each kind, plus quantities with a range, fraction or qualifier.

    With ``sources``, a column shows each claim in its raw context.
    """
    picks = [claims[claims.kind == kind].head(per_kind) for kind in claims.kind.unique()]
    quantities = claims[claims.kind == "quantity"]
    picks += [quantities[quantities.value_high.notna()].head(1),
              quantities[quantities.denominator.notna()].head(1),
              quantities[quantities.indicator.fillna("") != ""].head(2)]
    table = pd.concat(picks).drop_duplicates("claim_id")
    columns = ["claim_id", "text", "kind", "value", "value_high", "denominator", "unit", "qualifier",
               "indicator", "period", "geography"]
    if sources is not None:
        table = table.assign(context=in_context(table, sources))
        columns.insert(1, "context")
    return table[columns]
