"""The book's figure style gives byte-identical figures: no dates, fixed SVG ids."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from sonla import plots  # noqa: E402


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
