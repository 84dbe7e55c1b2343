"""One figure style for the whole book: colour-blind-safe, captioned, with a source note."""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

__all__ = ["use_book_style", "PALETTE", "add_source_note", "compare_sources_bar", "number_density"]

# Okabe–Ito, the palette designed to stay distinct under the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]


def use_book_style() -> None:
    """Apply the book's figure style (call once at the top of a chapter)."""
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE)
    mpl.rcParams.update({
        "figure.figsize": (7.5, 4.0),
        "figure.dpi": 100,
        "savefig.dpi": 100,
        "axes.titleweight": "bold",
        "axes.titlesize": 12,
        # Deterministic output: no creation date, fixed hash salt for SVG ids.
        "svg.hashsalt": "sonla-book",
    })


def add_source_note(fig: plt.Figure, note: str) -> None:
    """Print a small source note under the figure, e.g. ``Source: claims.csv``."""
    fig.text(0.01, -0.02, note, ha="left", va="top", fontsize=8, color="#555555")


def compare_sources_bar(values: pd.Series, highlight: str, xlabel: str, title: str) -> plt.Figure:
    """Horizontal bars, one per source (the index), with ``highlight`` in the accent colour."""
    fig, ax = plt.subplots(figsize=(7.5, 0.5 + 0.45 * len(values)))
    colours = [PALETTE[1] if name == highlight else PALETTE[0] for name in values.index]
    ax.barh(list(values.index), list(values.values), color=colours)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    fig.tight_layout()
    return fig


def number_density(text: str, title: str, window: int = 1000) -> plt.Figure:
    """Digit groups per ``window`` characters along a text."""
    import re

    starts = [m.start() for m in re.finditer(r"\d+(?:[.,]\d+)*", text)]
    edges = list(range(0, len(text) + window, window))
    counts = [sum(1 for s in starts if lo <= s < lo + window) for lo in edges[:-1]]
    fig, ax = plt.subplots()
    ax.plot([e / 1000 for e in edges[:-1]], counts, color=PALETTE[0], linewidth=1.5)
    ax.fill_between([e / 1000 for e in edges[:-1]], counts, color=PALETTE[0], alpha=0.2)
    ax.set_xlabel("position in the text (thousands of characters)")
    ax.set_ylabel(f"digit groups per {window:,} characters")
    ax.set_title(title)
    ax.set_ylim(bottom=0)
    fig.tight_layout()
    return fig
