"""Figures and tables of the chapter "How accurately the book reads its sources"."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import pandas as pd

from ..text.lexicon import load_rules
from . import labels
from .plots import PALETTE

__all__ = [
    "FIELD_LABELS",
    "CORPUS_LABELS",
    "accuracy_wide",
    "accuracy_figure",
    "frame_confusion",
    "error_examples",
    "readable",
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
CORPUS_LABELS = {"sources": "the five sources", "unseen": "texts written for the study",
                 "heldout": "sealed held-out texts"}


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


def readable(field: str, value: object) -> str:
    """A reading of ``field`` in words (:mod:`sonla.chapters.labels`): an indicator concept by its
    label, a unit, place or period as the book writes them, a yes/no field as yes or no; "(none)"
    for no reading.

    >>> readable("geography", "son-la-city"), readable("unit", "bn_vnd"), readable("base", "term_start")
    ('Sơn La city', 'billion VND', 'term start')
    >>> readable("each_year", "True"), readable("indicator", ""), readable("period", "2020-2025")
    ('yes', '(none)', '2020–2025')
    """
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value).strip()
    if text in ("", "nan", "(none)"):
        return "(none)"
    if field == "indicator":
        return labels.indicator_label(text)
    if field == "unit":
        return labels.unit_label(text) or text
    if field == "geography":
        return labels.place_label(text)
    if field == "period":
        return labels.period_label(text)
    if field in ("each_year", "is_quantity"):
        return labels.yes_no(text)
    return text.replace("_", " ")


def _keys_in_words(note: str) -> str:
    """An annotator's note with the unit keys it names in words ("… so mn_vnd" → "… so million
    VND"): a reader of the book never meets a key.

    >>> _keys_in_words("no per-household unit key, so mn_vnd")
    'no per-household unit key, so million VND'
    """
    keys = sorted((k for k in load_rules().unit_families if "_" in k), key=len, reverse=True)
    if not keys:
        return note
    pattern = r"\b(" + "|".join(re.escape(k) for k in keys) + r")\b"
    return re.sub(pattern, lambda m: labels.unit_label(m.group(1)), note)


def error_examples(comparison: pd.DataFrame, field: str, per_class: int = 1) -> pd.DataFrame:
    """One example (or ``per_class``) of each kind of error in ``field``: hand → read, each in words
    (:func:`readable`)."""
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
    shown["hand"] = [readable(field, v) for v in shown["hand"]]
    shown["read"] = [readable(field, v) for v in shown["read"]]
    shown["note"] = [_keys_in_words(str(n)) for n in shown["note"].fillna("")]
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
    """Every quantity without a concept, with the reason (by the unit it is written in); the unit in
    words."""
    families = load_rules().unit_families
    quantities = claims[(claims["kind"] == "quantity") & (claims["concept"].fillna("") == "")].copy()
    quantities["reason"] = [_reason(str(u or ""), families) for u in quantities["unit"].fillna("")]
    quantities["unit"] = quantities["unit"].map(labels.unit_label)
    return (
        quantities[["reason", "claim_id", "source_id", "text", "unit", "sentence"]]
        .sort_values(["reason", "source_id", "claim_id"])
        .reset_index(drop=True)
    )
