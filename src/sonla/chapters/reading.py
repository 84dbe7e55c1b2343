"""Figures and tables of the chapter "How accurately the book reads its sources"."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from ..text.lexicon import load_rules
from .plots import PALETTE

__all__ = [
    "FIELD_LABELS",
    "CORPUS_LABELS",
    "accuracy_wide",
    "accuracy_figure",
    "frame_confusion",
    "error_examples",
    "unmapped_by_reason",
    "coverage",
]

FIELD_LABELS = {
    "is_quantity": "is a quantity",
    "frame": "frame",
    "base": "base of a change",
    "each_year": "each year",
    "indicator": "what it measures",
    "unit": "unit",
    "period": "period",
    "geography": "place",
}
CORPUS_LABELS = {"sources": "the five sources", "unseen": "texts written for the study"}


def _percent(x: float) -> str:
    return "" if pd.isna(x) else f"{100 * x:.1f}%"


def accuracy_wide(accuracy: pd.DataFrame) -> pd.DataFrame:
    """One row per field: correct/n, accuracy and its 95% interval for each corpus."""
    rows = []
    for field, group in accuracy.groupby("field", sort=False):
        row = {"field": FIELD_LABELS.get(field, field)}
        for r in group.itertuples(index=False):
            name = CORPUS_LABELS.get(r.corpus, r.corpus)
            row[f"{name}: correct"] = f"{r.correct}/{r.n}"
            row[f"{name}: accuracy (95% CI)"] = (
                f"{_percent(r.accuracy)} ({_percent(r.ci_low)}–{_percent(r.ci_high)})"
            )
        rows.append(row)
    return pd.DataFrame(rows)


def accuracy_figure(accuracy: pd.DataFrame, title: str) -> plt.Figure:
    """Accuracy per field with Wilson 95% intervals, one marker per corpus."""
    fields = list(dict.fromkeys(accuracy["field"]))
    fig, ax = plt.subplots(figsize=(7.5, 0.6 + 0.45 * len(fields)))
    corpora = list(dict.fromkeys(accuracy["corpus"]))
    for i, corpus in enumerate(corpora):
        part = accuracy[accuracy["corpus"] == corpus].set_index("field").reindex(fields)
        y = [len(fields) - 1 - k + (0.15 if i == 0 else -0.15) for k in range(len(fields))]
        ax.errorbar(
            100 * part["accuracy"],
            y,
            xerr=[100 * (part["accuracy"] - part["ci_low"]), 100 * (part["ci_high"] - part["accuracy"])],
            fmt="o",
            color=PALETTE[i],
            capsize=3,
            label=CORPUS_LABELS.get(corpus, corpus),
        )
    ax.set_yticks(range(len(fields)))
    ax.set_yticklabels([FIELD_LABELS.get(f, f) for f in reversed(fields)])
    ax.axvline(95, color="#888888", linestyle="--", linewidth=1)
    ax.set_xlabel("accuracy against hand annotation (%), with Wilson 95% interval")
    ax.set_title(title)
    ax.legend(loc="lower left", fontsize=9)
    fig.tight_layout()
    return fig


def frame_confusion(comparison: pd.DataFrame) -> pd.DataFrame:
    """Hand frame (rows) × the pipeline's frame (columns), over the numbers both call quantities."""
    scored = comparison[comparison["ok_frame"].notna()]
    order = ["actual", "estimate", "target", "change"]
    table = pd.crosstab(scored["hand_frame"], scored["read_frame"]).reindex(
        index=order, columns=order, fill_value=0
    )
    table.index.name, table.columns.name = "hand reading", "the pipeline's reading"
    return table


def error_examples(comparison: pd.DataFrame, field: str, per_class: int = 1) -> pd.DataFrame:
    """One example (or ``per_class``) of each kind of error in ``field``: hand → read."""
    column = f"ok_{field}"
    errors = comparison[comparison[column].notna() & ~comparison[column].astype(bool)]
    if errors.empty:
        return pd.DataFrame(columns=["hand", "read", "how often", "claim_id", "source_id", "text", "note"])
    errors = errors.assign(
        hand=errors[f"hand_{field}"].astype(str).replace("", "(none)"),
        read=errors[f"read_{field}"].astype(str).replace("", "(none)"),
    )
    counts = errors.groupby(["hand", "read"]).size().rename("how often")
    shown = errors.drop_duplicates(["hand", "read"]).merge(counts, on=["hand", "read"])
    shown = shown.sort_values(["how often", "hand", "read"], ascending=[False, True, True])
    return shown[["hand", "read", "how often", "claim_id", "source_id", "text", "note"]].reset_index(
        drop=True
    )


def coverage(claims: pd.DataFrame) -> tuple[int, int]:
    """(quantities with a concept, quantities)."""
    quantities = claims[claims["kind"] == "quantity"]
    return int((quantities["concept"].fillna("") != "").sum()), len(quantities)


def _reason(unit: str, families: dict[str, str]) -> str:
    if families.get(unit) == "duration":
        return "a duration, an anniversary or an age (no indicator by design)"
    if not unit:
        return "a bare number: what it counts is not written next to it"
    return "no indicator wording in its clause"


def unmapped_by_reason(claims: pd.DataFrame) -> pd.DataFrame:
    """Every quantity without a concept, with the reason (by the unit it is written in)."""
    families = load_rules().unit_families
    quantities = claims[(claims["kind"] == "quantity") & (claims["concept"].fillna("") == "")].copy()
    quantities["reason"] = [_reason(str(u or ""), families) for u in quantities["unit"].fillna("")]
    return (
        quantities[["reason", "claim_id", "source_id", "text", "unit", "sentence"]]
        .sort_values(["reason", "source_id", "claim_id"])
        .reset_index(drop=True)
    )
