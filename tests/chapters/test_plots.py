"""Tests for sonla.chapters.plots: every figure helper carries its source note, and the book style gives
byte-identical figures (no dates, fixed SVG ids)."""

from __future__ import annotations

import io
from datetime import date

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

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


# Okabe and Ito (2008), "Color Universal Design": eight colours told apart under the common
# colour-vision deficiencies; and the neutral greys the figures use for guides and empty cells.
OKABE_ITO = {"#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7", "#56b4e9", "#f0e442", "#000000"}
NEUTRAL = {"#ffffff", "#999999", "#333333", "#555555"}


def _drawn_colours(fig: plt.Figure) -> set[str]:
    """Every colour the data of a figure is drawn in (bars, markers, lines)."""
    found = set()
    for ax in fig.axes:
        found |= {to_hex(p.get_facecolor()) for p in ax.patches}
        found |= {to_hex(c) for col in ax.collections for c in [*col.get_facecolors(), *col.get_edgecolors()]}
        found |= {to_hex(line.get_color()) for line in ax.lines}
    return found


def test_the_book_style_cycles_through_the_palette():
    plots.use_book_style()
    fig, ax = plt.subplots()
    lines = [ax.plot([0, 1], [i, i])[0] for i in range(3)]
    try:
        assert [to_hex(line.get_color()) for line in lines] == [c.lower() for c in plots.PALETTE[:3]]
        palette = [c.lower() for c in plots.PALETTE]
        assert len(set(palette)) == len(palette) and set(palette) <= OKABE_ITO
    finally:
        plt.close(fig)


@pytest.mark.parametrize("name", sorted(CASES))
def test_figures_draw_only_colour_blind_safe_colours(name):
    plots.use_book_style()
    fig = CASES[name]()
    try:
        drawn = _drawn_colours(fig)
        assert drawn and drawn <= OKABE_ITO | NEUTRAL, drawn - OKABE_ITO - NEUTRAL
    finally:
        plt.close(fig)


def _bars(ax) -> dict[str, list[tuple[str, float, float, str]]]:
    """{legend label: [(row label, left, width, colour)]} of horizontal bars, top row first."""
    rows = {round(t.get_position()[1]): t.get_text() for t in ax.get_yticklabels()}
    return {c.get_label(): [(rows[round(p.get_y() + p.get_height() / 2)], p.get_x(), p.get_width(),
                             to_hex(p.get_facecolor())) for p in c.patches] for c in ax.containers}


def test_stacked_bars_draw_each_row_as_its_columns_end_to_end():
    fig = CASES["stacked_bars"]()
    ax = fig.axes[0]
    blue, orange = (c.lower() for c in plots.PALETTE[:2])
    assert _bars(ax) == {
        "quantity": [("report", 0, 358, blue), ("news-congress-2025", 0, 19, blue)],
        "date": [("report", 358, 88, orange), ("news-congress-2025", 19, 7, orange)],
    }
    assert ax.yaxis_inverted()  # the first row on top
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["quantity", "date"]
    assert (ax.get_title(), ax.get_xlabel()) == ("Claims", "claims")
    plt.close(fig)


def test_compare_sources_bar_highlights_one_source():
    fig = plots.compare_sources_bar(pd.Series({"report": 30.5, "appendix-ocr": 4.2, "news-2024": 7.0}),
                                    "appendix-ocr", "errors", "title")
    ax = fig.axes[0]
    blue, orange = (c.lower() for c in plots.PALETTE[:2])
    drawn = [(p.get_width(), to_hex(p.get_facecolor())) for p in ax.patches]
    assert drawn == [(30.5, blue), (4.2, orange), (7.0, blue)]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["report", "appendix-ocr", "news-2024"]
    assert ax.yaxis_inverted()
    plt.close(fig)


def test_grouped_bars_draw_one_panel_per_metric_and_mark_gaps():
    values = pd.DataFrame([[1294, 473, 800, 520], [29.8, None, None, 40.1]], columns=WARDS,
                          index=["business households", "forest cover"])
    fig = plots.grouped_bars(values, "Wards")
    panels = [ax for ax in fig.axes if ax.axison]
    assert [ax.get_title() for ax in panels] == ["business households", "forest cover"]
    assert [p.get_height() for p in panels[0].patches] == [1294, 473, 800, 520]
    assert [p.get_height() for p in panels[1].patches] == [29.8, 0, 0, 40.1]
    assert [(t.get_position()[0], t.get_text()) for t in panels[1].texts] == [(1, "n/r"), (2, "n/r")]
    assert [t.get_text() for t in panels[0].get_xticklabels()] == WARDS
    plt.close(fig)


def test_presence_grid_fills_the_reported_cells():
    fig = CASES["presence_grid"]()
    ax = fig.axes[0]
    cells = [(tuple(c.get_offsets()[0]), to_hex(c.get_facecolors()[0])) for c in ax.collections]
    filled = plots.PALETTE[0].lower()
    assert cells == [((0, 0), filled), ((1, 0), "#ffffff"), ((2, 0), "#ffffff"), ((3, 0), filled)]
    assert [t.get_text() for t in ax.get_xticklabels()] == WARDS
    plt.close(fig)


def test_required_change_chart_puts_each_target_at_its_change():
    fig = CASES["required_change_chart"]()
    ax = fig.axes[0]
    (points,) = [c for c in ax.collections if isinstance(c, PathCollection)]  # the markers, not the stems
    assert [x for x, _ in points.get_offsets()] == [1.4, -4.5]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["(6) health insurance", "(5) trained labour"]
    assert ax.yaxis_inverted() and ax.get_xlabel() == "points a year"
    plt.close(fig)


def test_timeline_chart_puts_each_event_on_its_lane_and_date():
    fig = CASES["timeline_chart"]()
    ax = fig.axes[0]
    drawn = [(c.get_label(), matplotlib.dates.num2date(c.get_offsets()[0][0]).date(), c.get_offsets()[0][1])
             for c in ax.collections]
    assert drawn == [("documents …/TU", date(2021, 9, 7), 0), ("event", date(2024, 2, 14), 1)]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["documents …/TU", "event"]
    plt.close(fig)



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
