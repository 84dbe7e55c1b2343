"""One figure style for the whole book: colour-blind-safe, captioned, with a source note."""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

__all__ = [
    "use_book_style", "PALETTE", "add_source_note", "compare_sources_bar", "number_density",
    "stacked_bars", "presence_grid", "grouped_bars", "required_change_chart", "timeline_chart",
]

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


def stacked_bars(counts: pd.DataFrame, title: str, xlabel: str, note: str = "",
                 colors: list[str] | None = None) -> plt.Figure:
    """Horizontal stacked bars: one bar per row of ``counts`` (first row on top), one colour per
    column (``colors`` in column order, else the book's palette)."""
    colors = colors or [PALETTE[i % len(PALETTE)] for i in range(len(counts.columns))]
    fig, ax = plt.subplots(figsize=(7.5, 1.6 + 0.45 * len(counts)))
    left = pd.Series(0.0, index=counts.index)
    for column, color in zip(counts.columns, colors, strict=True):
        ax.barh([str(x) for x in counts.index], counts[column], left=left, color=color, label=str(column))
        left = left + counts[column]
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.legend(ncols=min(3, len(counts.columns)), fontsize=8, loc="upper center",
              bbox_to_anchor=(0.5, -0.18 - 0.6 / max(1, len(counts))), frameon=False)
    fig.tight_layout()
    if note:
        add_source_note(fig, note)
    return fig


def presence_grid(present: pd.DataFrame, title: str, note: str = "") -> plt.Figure:
    """A grid of filled (reported) and empty (not reported) cells: rows × columns of booleans."""
    fig, ax = plt.subplots(figsize=(7.5, 1.2 + 0.32 * len(present)))
    for y, (_, row) in enumerate(present.iterrows()):
        for x, value in enumerate(row.values):
            ax.scatter(x, y, s=140, marker="s", edgecolors=PALETTE[0], linewidths=1.2,
                       color=PALETTE[0] if bool(value) else "white")
    ax.set_xticks(range(len(present.columns)), [str(c) for c in present.columns])
    ax.set_yticks(range(len(present)), [str(i) for i in present.index], fontsize=8)
    ax.set_xlim(-0.6, len(present.columns) - 0.4)
    ax.set_ylim(len(present) - 0.5, -0.5)
    ax.xaxis.tick_top()
    ax.grid(False)
    ax.set_title(title, pad=28)
    fig.tight_layout()
    if note:
        add_source_note(fig, note)
    return fig


def grouped_bars(values: pd.DataFrame, title: str, note: str = "", ncols: int = 2) -> plt.Figure:
    """Small multiples: one panel per row of ``values`` (a metric), one bar per column (a place).

    The panel title is the row label; missing values are left as gaps and labelled "n/r".
    """
    rows = max(1, -(-len(values) // ncols))
    fig, axes = plt.subplots(rows, ncols, figsize=(7.5, 2.2 * rows), squeeze=False)
    for ax, (label, row) in zip(list(axes.flat)[: len(values)], values.iterrows(), strict=True):
        names = [str(c) for c in row.index]
        heights = [0 if pd.isna(v) else float(v) for v in row.values]
        ax.bar(names, heights, color=[PALETTE[i % len(PALETTE)] for i in range(len(names))])
        for x, v in enumerate(row.values):
            if pd.isna(v):
                ax.text(x, 0, "n/r", ha="center", va="bottom", fontsize=8, color="#555555")
        ax.set_title(str(label), fontsize=8)
        ax.tick_params(axis="x", labelsize=7, rotation=20)
    for ax in list(axes.flat)[len(values):]:
        ax.axis("off")
    fig.suptitle(title, fontweight="bold")
    fig.tight_layout()
    if note:
        add_source_note(fig, note)
    return fig


def required_change_chart(changes: pd.Series, xlabel: str, title: str, note: str = "",
                          colours: list[str] | None = None) -> plt.Figure:
    """A lollipop chart of the annual change each target requires (index = target label)."""
    fig, ax = plt.subplots(figsize=(7.5, 0.9 + 0.35 * len(changes)))
    labels = [str(i) for i in changes.index]
    colours = colours or [PALETTE[0]] * len(changes)
    ax.hlines(labels, 0, changes.values, color="#999999", linewidth=1)
    ax.scatter(changes.values, labels, color=colours, s=40, zorder=3)
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    fig.tight_layout()
    if note:
        add_source_note(fig, note)
    return fig


def timeline_chart(events: pd.DataFrame, title: str, note: str = "", lane_column: str = "lane") -> plt.Figure:
    """Events on a time axis (column ``date``), one lane per value of ``lane_column``."""
    lanes = list(dict.fromkeys(events[lane_column]))
    fig, ax = plt.subplots(figsize=(7.5, 1.2 + 0.7 * len(lanes)))
    for i, lane in enumerate(lanes):
        part = events[events[lane_column] == lane]
        ax.scatter(part["date"], [i] * len(part), s=36, color=PALETTE[i % len(PALETTE)],
                   label=str(lane), zorder=3, alpha=0.85)
    ax.set_yticks(range(len(lanes)), [str(x) for x in lanes])
    ax.set_ylim(len(lanes) - 0.5, -0.5)
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.set_title(title)
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    if note:
        add_source_note(fig, note)
    return fig
