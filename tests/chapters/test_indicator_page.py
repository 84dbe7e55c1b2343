"""An indicator's page (sonla.chapters.indicator_page): wordings, claims over time, tables."""

from __future__ import annotations

import matplotlib
import pandas as pd

from sonla.chapters import book
from sonla.chapters import indicator_page as page

matplotlib.use("Agg")


def _claims(indicator: str) -> pd.DataFrame:
    claims = book.load_processed("claims.csv")
    return claims[(claims["kind"] == "quantity") & (claims["indicator"] == indicator)]


def test_wordings_are_spans_of_the_sentences_as_written():
    found = page.wordings(_claims("public_investment_total@district"), "public_investment_total@district")
    assert "đầu tư công với tổng mức đầu tư" in set(found["wording"])
    assert not found["sources"].str.contains("OCR").any()  # the weaker copy adds no wording
    assert found["claims"].is_monotonic_decreasing


def test_claim_points_have_years_frames_and_labels():
    points = page.claim_points(_claims("urbanisation_rate@district"))
    assert set(points["frame"]) <= {"actual", "estimate", "target", "change"}
    row = points[points["value"] == 69.38].iloc[0]
    assert (row["start"], row["end"], row["place"], row["unit"]) == (2024, 2024, "Sơn La city", "%")
    assert (points["start"] <= points["end"]).all()


def test_the_figure_draws_targets_hollow():
    points = pd.DataFrame([
        {"claim_id": "a", "start": 2020, "end": 2025, "value": 70.5, "value_high": None, "frame": "actual",
         "source": "S", "place": "P", "unit": "%", "label": "70.5", "text": "70,5%"},
        {"claim_id": "b", "start": 2025, "end": 2030, "value": 80.0, "value_high": None, "frame": "target",
         "source": "S", "place": "P", "unit": "%", "label": "80", "text": "80%"},
    ])
    fig = page.plot_claims_over_time(points, "t", target_span=(2025, 2030))
    faces = [tuple(c.get_facecolors()[0]) for c in fig.axes[0].collections]
    assert (1.0, 1.0, 1.0, 1.0) in faces  # the target
    assert len({f for f in faces}) == 2


def test_a_change_is_not_drawn_and_the_legend_names_only_the_frames_drawn():
    points = pd.DataFrame([
        {"claim_id": "a", "start": 2020, "end": 2025, "value": 70.5, "value_high": None, "frame": "actual",
         "source": "S", "place": "P", "unit": "%", "label": "70.5", "text": "70,5%"},
        {"claim_id": "b", "start": 2025, "end": 2025, "value": 3.4, "value_high": None, "frame": "change",
         "source": "S", "place": "P", "unit": "%", "label": "3.4", "text": "3,4%"},
    ])
    fig = page.plot_claims_over_time(points, "t", target_span=(2025, 2030))
    drawn = [y for c in fig.axes[0].collections for _, y in c.get_offsets()]
    assert drawn == [70.5]  # the change is not a level
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["S", "actual"]


def test_a_preferred_value_names_its_frame_unless_it_is_an_actual():
    table = book.load_processed("indicators.csv")
    for frame in ("target", "change", "estimate"):
        assert f"</strong> ({frame})<br>" in page.preferred_table(table[table["frame"] == frame].head(1))
    actual = book.load_processed("indicators.csv").query("frame == 'actual'").head(3)
    assert "(actual)" not in page.preferred_table(actual)


def test_tables_link_claims_and_name_places():
    claims = _claims("urbanisation_rate@district")
    html = page.claims_table(claims, prefix="../")
    assert 'href="../sources/report.html#claim-' in html and "Sơn La city" in html
    rows = book.load_processed("indicators.csv").query("indicator == 'urbanisation_rate@district'")
    assert "claims allow" in page.preferred_table(rows)


def test_theme_chapters_come_from_the_declared_runs():
    assert page.theme_chapters()["education"] == "theme-education"
    assert "economy" not in page.theme_chapters()
