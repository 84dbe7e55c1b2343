"""Tests for sonla.chapters.plots: every figure helper carries its source note, and the book style gives
byte-identical figures (no dates, fixed SVG ids)."""

from __future__ import annotations

import io
from datetime import date

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from sonla.chapters import plots  # noqa: E402

NOTE = "Source: data/processed/claims.csv"
WARDS = ["Chiềng Lề", "Tô Hiệu", "Quyết Thắng", "Quyết Tâm"]

CASES = {
    "stacked_bars": lambda: plots.stacked_bars(
        pd.DataFrame({"quantity": [358, 19], "date": [88, 7]}, index=["report", "news-congress-2025"]),
        title="Claims", xlabel="claims", note=NOTE),
    "presence_grid": lambda: plots.presence_grid(
        pd.DataFrame([[True, False, False, True]], columns=WARDS, index=["forest_cover"]), "Grid", note=NOTE),
    "grouped_bars": lambda: plots.grouped_bars(
        pd.DataFrame([[1294, 473, 800, 520]], columns=WARDS, index=["business households"]), "Wards",
        note=NOTE),
    "required_change_chart": lambda: plots.required_change_chart(
        pd.Series([1.4, -4.5], index=["(6) health insurance", "(5) trained labour"]), "points a year", "T",
        note=NOTE),
    "timeline_chart": lambda: plots.timeline_chart(
        pd.DataFrame({"date": pd.to_datetime([date(2021, 9, 7), date(2024, 2, 14)]),
                      "lane": ["documents …/TU", "event"]}), "Timeline", note=NOTE),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_figure_carries_its_source_note(name):
    plots.use_book_style()
    fig = CASES[name]()
    try:
        assert isinstance(fig, plt.Figure)
        assert NOTE in [t.get_text() for t in fig.texts]
    finally:
        plt.close(fig)


def test_palette_is_okabe_ito():
    assert plots.PALETTE[:3] == ["#0072B2", "#E69F00", "#009E73"]



def _figure_bytes(fmt: str) -> bytes:
    plots.use_book_style()
    fig = plots.compare_sources_bar(pd.Series({"report": 30.5, "appendix-ocr": 4.2}), "report", "x", "title")
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt)
    plt.close(fig)
    return buffer.getvalue()


def test_style_fixes_the_svg_hash_salt():
    plots.use_book_style()
    assert matplotlib.rcParams["svg.hashsalt"] == "sonla-book"


@pytest.mark.parametrize("fmt", ["svg", "png", "pdf"])
def test_the_same_figure_gives_the_same_bytes(fmt, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    first, second = _figure_bytes(fmt), _figure_bytes(fmt)
    assert first == second
    if fmt == "svg":
        assert b"<dc:date>" not in first or b"1970-01-01" in first
