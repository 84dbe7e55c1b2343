"""What the source-fidelity chapter shows: the measurements of two copies of one document.

Reads the tables the alignment stage publishes (``ocr_*.csv``, :mod:`sonla.fidelity`) for one
document, and turns them into the chapter's numbers, tables and figures: error rates, error
classes with examples, error rates along the text in sliding windows, the numbers of the
reference in the copy, footnotes, repeated passages and the repair.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..fidelity.error_classes import error_classes
from . import book, labels, plots

__all__ = ["Copies", "load_copies", "metric", "summary", "LEVELS", "rates_table", "plot_error_classes",
           "windowed_rates", "plot_windowed_rates", "class_examples", "busiest_passage", "plot_numbers",
           "NUMBER_STATUS", "differing_numbers", "footnote_table", "repeats_table", "plot_repair",
           "CLASS_KEYS"]

# How the chapter names the folding levels of the metrics (ocr_metrics.csv `level`).
LEVELS = {"exact": "as written", "no_diacritics": "without diacritics",
          "folded": "without diacritics or case"}
# What the aligned span of the copy has for a number of the reference (ocr_numbers.csv `status`).
NUMBER_STATUS = {"identical": "identical", "changed": "changed", "lost": "no digits in the OCR span",
                 "unaligned": "not in the OCR copy"}
# The error classes the chapter counts in its prose (keys of rules/ocr_error_classes.yaml).
CLASS_KEYS = ("diacritic_lost", "wrong_diacritic", "d_stroke_lost", "d_read_as_letter", "letter_as_digit",
              "lookalike_symbol", "wrong_letter", "footnote_marker", "split_words", "merged_words",
              "punctuation", "case_changed")


@dataclass(frozen=True)
class Copies:
    """The published measurements of one document's reference copy against one other copy."""

    document_id: str
    ref_id: str
    ocr_id: str
    metrics: pd.DataFrame
    spans: pd.DataFrame
    classes: pd.DataFrame
    numbers: pd.DataFrame
    footnotes: pd.DataFrame
    repeats: pd.DataFrame


def load_copies(document_id: str) -> Copies:
    """The measurements of ``document_id`` (its reference and its first other copy).

    Raises ValueError naming the documents that have aligned copies when this one has none.
    """
    def rows(name: str) -> pd.DataFrame:
        table = book.load_processed(name)
        return table[table["document_id"] == document_id].reset_index(drop=True)

    metrics = rows("ocr_metrics.csv")
    if metrics.empty:
        declared = sorted(set(book.load_processed("ocr_metrics.csv")["document_id"]))
        raise ValueError(f"document_id {document_id!r} has no aligned copies; declared: {declared}")
    ref_id, ocr_id = metrics.loc[0, ["ref_source_id", "ocr_source_id"]]

    def of_copy(name: str) -> pd.DataFrame:
        table = rows(name)
        return table[table["ocr_source_id"] == ocr_id].reset_index(drop=True)

    return Copies(document_id, str(ref_id), str(ocr_id), metrics[metrics["ocr_source_id"] == ocr_id],
                  of_copy("ocr_alignment.csv").fillna(""), of_copy("ocr_error_classes.csv"),
                  of_copy("ocr_numbers.csv").fillna(""), of_copy("ocr_footnotes.csv").fillna(""),
                  of_copy("ocr_repeats.csv").fillna(""))


def metric(metrics: pd.DataFrame, name: str, level: str = "exact", scope: str = "aligned", copy: str = "ocr",
           field: str = "value") -> float:
    """One measurement of ``ocr_metrics.csv`` (NaN when it was not measured).

    >>> m = pd.DataFrame({"metric": ["cer"], "level": ["exact"], "scope": ["aligned"], "copy": ["ocr"],
    ...                   "value": [0.25], "errors": [5], "total": [20]})
    >>> metric(m, "cer"), metric(m, "cer", field="errors"), math.isnan(metric(m, "wer"))
    (0.25, 5.0, True)
    """
    row = metrics[(metrics["metric"] == name) & (metrics["level"] == level) & (metrics["scope"] == scope)
                  & (metrics["copy"] == copy)]
    return float(row[field].iloc[0]) if len(row) else float("nan")


def summary(copies: Copies) -> dict[str, float | int]:
    """Every number the chapter's prose states, by name (rates in percent)."""
    m, spans, notes, rep = copies.metrics, copies.spans, copies.footnotes, copies.repeats
    values: dict[str, float | int] = {
        "cer_exact": 100 * metric(m, "cer"), "cer_nodia": 100 * metric(m, "cer", "no_diacritics"),
        "cer_folded": 100 * metric(m, "cer", "folded"), "wer_exact": 100 * metric(m, "wer"),
        "wer_folded": 100 * metric(m, "wer", "folded"), "cer_doc": 100 * metric(m, "cer", scope="document"),
        "cer_doc_folded": 100 * metric(m, "cer", "folded", scope="document"),
        "cer_repaired": 100 * metric(m, "cer", copy="repaired"),
        "wer_repaired": 100 * metric(m, "wer", copy="repaired"),
        "char_errors": int(metric(m, "cer", field="errors")),
        "char_errors_folded": int(metric(m, "cer", "folded", field="errors")),
        "char_errors_repaired": int(metric(m, "cer", copy="repaired", field="errors")),
        "ref_chars": int(metric(m, "cer", field="total")), "ref_words": int(metric(m, "wer", field="total")),
        "n_spans": len(spans), "n_changed_spans": int((spans["op"] != "equal").sum()),
        "n_moved_spans": int(spans["moved"].sum()),
        "moved_chars": int(metric(m, "moved_chars", scope="document", copy="ref", field="errors")),
        "title_chars": int(np.nan_to_num(metric(m, "title_block_chars", scope="document", field="errors"))),
        "num_total": int(metric(m, "numbers_identical", field="total")),
        "num_identical": int(metric(m, "numbers_identical", field="errors")),
        "num_pct": 100 * metric(m, "numbers_identical"),
        "num_spurious": int(metric(m, "numbers_spurious", field="errors")),
        "num_spurious_pct": 100 * metric(m, "numbers_spurious"),
        "n_footnotes": len(notes), "n_markers_survived": int(notes["marker_survived"].sum()),
        "n_footnotes_moved": int(notes["body_moved"].sum()),
        "n_footnotes_continued": int((notes["ref_continued_start"].astype(int) >= 0).sum()),
        "n_repeats_ref": int((rep["source_id"] == copies.ref_id).sum()),
        "n_repeats_ocr": int((rep["source_id"] == copies.ocr_id).sum()),
        "longest_repeat": int(rep["tokens"].max()) if len(rep) else 0,
    }
    errors = values["char_errors"]
    values["diacritic_share"] = 100 * (1 - values["char_errors_folded"] / errors) if errors else math.nan
    values["recovered_pct"] = 100 * (1 - values["char_errors_repaired"] / errors) if errors else math.nan
    by_class = copies.classes.set_index("error_class")
    for key in CLASS_KEYS:
        values[f"n_{key}"] = int(by_class.loc[key, "char_edits"]) if key in by_class.index else 0
    return values


def rates_table(metrics: pd.DataFrame) -> pd.DataFrame:
    """Every character and word error rate: which rate, copy, scope, level, value in percent, edits, total."""
    rates = metrics[metrics["metric"].isin(["cer", "wer"])].copy()
    rates["rate"] = rates["metric"].map({"cer": "character error rate", "wer": "word error rate"})
    rates["level"] = rates["level"].map(LEVELS)
    rates["scope"] = rates["scope"].map({"aligned": "along the alignment", "document": "whole texts"})
    rates["copy"] = rates["copy"].map({"ocr": "OCR copy", "repaired": "repaired copy"})
    rates["value (%)"] = (100 * rates["value"]).round(2)
    return (rates[["rate", "copy", "scope", "level", "value (%)", "errors", "total"]]
            .sort_values(["rate", "copy", "scope", "level"]).reset_index(drop=True))


def _bars(values: pd.Series, title: str, xlabel: str, colours: list[str], log: bool = False,
          height: float | None = None) -> plt.Figure:
    fig, ax = plt.subplots(figsize=(7.5, height or 0.4 + 0.38 * len(values)))
    ax.barh(list(values.index), list(values.values), color=colours)
    for y, value in enumerate(values.values):
        ax.text(value, y, f" {labels.number(value)}", va="center", fontsize=9)
    if log:
        ax.set_xscale("log")
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_error_classes(classes: pd.DataFrame) -> plt.Figure:
    """Character edits by error class (their labels), log scale; the blocks only one copy has left out."""
    shown = classes[(classes["char_edits"] > 0)
                    & ~classes["error_class"].isin(["title_block", "inserted_text", "deleted_text"])]
    shown = shown.sort_values("char_edits").set_index("label")["char_edits"]
    return _bars(shown, "Error classes of the OCR copy", "character edits (log scale)", [plots.PALETTE[0]],
                 log=True)


def windowed_rates(spans: pd.DataFrame, window: int = 500) -> pd.DataFrame:
    """Character error rates of the body in consecutive windows of ``window`` reference characters.

    One row per window: its centre (thousands of characters), the rate as written and folded
    (percent; NaN for a window without reference characters). The last, partial window joins the
    one before it.
    """
    body = spans[spans["region"] == "body"]
    edges = np.arange(0, body["ref_end"].max(), window)
    edges[-1] = body["ref_end"].max() + 1
    chars = np.histogram(body["ref_start"], edges, weights=body["ref_chars"])[0]
    exact = np.histogram(body["ref_start"], edges, weights=body["char_edits"])[0]
    folded = np.histogram(body["ref_start"], edges, weights=body["folded_edits"])[0]
    with np.errstate(invalid="ignore", divide="ignore"):
        return pd.DataFrame({"centre": (edges[:-1] + np.diff(edges) / 2) / 1000,
                             "exact": 100 * exact / chars, "folded": 100 * folded / chars})


def plot_windowed_rates(spans: pd.DataFrame, window: int = 500) -> plt.Figure:
    """:func:`windowed_rates` as two lines, the spans the copy has at another place shaded."""
    rates = windowed_rates(spans, window)
    fig, ax = plt.subplots()
    ax.plot(rates["centre"], rates["exact"], color=plots.PALETTE[3], label=LEVELS["exact"])
    ax.plot(rates["centre"], rates["folded"], color=plots.PALETTE[0], label=LEVELS["folded"])
    moved = spans[(spans["region"] == "body") & spans["moved"]]
    for start, end in zip(moved["ref_start"], moved["ref_end"], strict=True):
        ax.axvspan(start / 1000, end / 1000, color=plots.PALETTE[1], alpha=0.25, linewidth=0)
    ax.set_xlabel("position in the PDF text layer (thousands of characters)")
    ax.set_ylabel("character error rate (%)")
    ax.set_ylim(bottom=0)
    ax.set_title("Character error rate along the document")
    ax.legend(loc="upper right", frameon=False)
    fig.tight_layout()
    return fig


def _in_context(spans: pd.DataFrame, column: str, index: int) -> str:
    """The span at ``index`` between « », with its neighbours, white space collapsed."""
    parts = [" ".join(str(spans.loc[k, column]).split()) for k in (index - 1, index, index + 1)
             if k in spans.index]
    parts[1 if index - 1 in spans.index else 0] = f"«{parts[1 if index - 1 in spans.index else 0]}»"
    return " ".join(p for p in parts if p)


def class_examples(spans: pd.DataFrame, max_chars: int = 40) -> pd.DataFrame:
    """The first short replaced span of each error class, in the three versions, in context."""
    rows = []
    for key, label in error_classes().items():
        found = spans[(spans["error_class"] == key) & (spans["op"] == "replace") & (spans["region"] == "body")
                      & (spans["ref_text"].str.len() <= max_chars)]
        if len(found):
            at = found.index[0]
            rows.append({"error class": label, "PDF text layer": _in_context(spans, "ref_text", at),
                         "OCR copy": _in_context(spans, "ocr_text", at),
                         "repaired": _in_context(spans, "repaired_text", at)})
    return pd.DataFrame(rows, columns=["error class", "PDF text layer", "OCR copy", "repaired"])


def busiest_passage(spans: pd.DataFrame, width: int = 12) -> tuple[pd.DataFrame, int]:
    """The ``width`` consecutive body spans with the most distinct error classes, in the three
    versions (a table: version, text), and that number of classes."""
    body = spans[spans["region"] == "body"].reset_index(drop=True)
    kinds = [len({c.split(":")[0] for c in ";".join(body["error_classes"][k:k + width]).split(";") if c})
             for k in range(max(len(body) - width + 1, 1))]
    start = int(np.argmax(kinds))
    rows = body.iloc[start:start + width]
    passage = pd.DataFrame({"version": ["PDF text layer", "OCR copy", "repaired"],
                            "text": [" ".join(" ".join(rows[c]).split()) for c in ("ref_text", "ocr_text",
                                                                                  "repaired_text")]})
    return passage, kinds[start]


def plot_numbers(numbers: pd.DataFrame, spurious: int) -> plt.Figure:
    """Digit groups of the reference by what the copy's aligned span has, and those only the copy has."""
    counts = numbers["status"].map(NUMBER_STATUS).value_counts()
    counts = counts.reindex(list(NUMBER_STATUS.values()), fill_value=0)
    bars = pd.concat([counts, pd.Series({"digit group only in the OCR copy": spurious})])
    fig = _bars(bars, "Numbers of the PDF text layer in the OCR copy", "digit groups",
                [plots.PALETTE[2]] + [plots.PALETTE[3]] * (len(bars) - 1), height=2.8)
    fig.axes[0].invert_yaxis()
    return fig


def differing_numbers(numbers: pd.DataFrame) -> pd.DataFrame:
    """The reference's numbers that the copy does not have identically, with what it has instead."""
    differing = numbers[numbers["status"] != "identical"]
    return pd.DataFrame({"PDF text layer": differing["ref_number"], "aligned OCR span": differing["ocr_text"],
                         "status": differing["status"].map(NUMBER_STATUS)}).reset_index(drop=True)


def footnote_table(footnotes: pd.DataFrame, chars: int = 60) -> pd.DataFrame:
    """Each footnote in both copies: markers, whether the marker survived, moved or continued (yes/no),
    and the start of its text."""
    return pd.DataFrame({
        "footnote": footnotes["number"], "marker (PDF)": footnotes["ref_marker_text"],
        "marker (OCR)": footnotes["ocr_marker_text"],
        "marker survived": footnotes["marker_survived"].map(labels.yes_no),
        "moved in the scan": footnotes["body_moved"].map(labels.yes_no),
        "continued after a page break":
            (footnotes["ref_continued_start"].astype(int) >= 0).map(labels.yes_no),
        "footnote (PDF)": footnotes["ref_body_text"].str.slice(0, chars),
        "footnote (OCR)": footnotes["ocr_body_text"].str.slice(0, chars),
    })


def repeats_table(repeats: pd.DataFrame, chars: int = 80) -> pd.DataFrame:
    """The passages repeated in one copy: which copy, words, both positions, the start of the text."""
    return pd.DataFrame({"copy": repeats["source_id"].map(labels.source_label), "words": repeats["tokens"],
                         "first at": repeats["first_start"], "again at": repeats["second_start"],
                         "text": repeats["text"].str.slice(0, chars)}).reset_index(drop=True)


def plot_repair(metrics: pd.DataFrame) -> plt.Figure:
    """Character error rate of the copy and of the repaired copy at the three folding levels."""
    levels = list(LEVELS)
    before = [100 * metric(metrics, "cer", level) for level in levels]
    after = [100 * metric(metrics, "cer", level, copy="repaired") for level in levels]
    x = np.arange(len(levels))
    fig, ax = plt.subplots()
    ax.bar(x - 0.2, before, width=0.4, color=plots.PALETTE[3], label="OCR copy")
    ax.bar(x + 0.2, after, width=0.4, color=plots.PALETTE[2], label="repaired copy")
    for position, value in [*zip(x - 0.2, before, strict=True), *zip(x + 0.2, after, strict=True)]:
        ax.text(position, value, f"{value:.1f}%", ha="center", va="bottom", fontsize=9)
    ax.set_xticks(x, [LEVELS[level] for level in levels])
    ax.set_ylabel("character error rate (%)")
    ax.set_title("Character error rate before and after repair")
    ax.legend(frameon=False)
    fig.tight_layout()
    return fig
