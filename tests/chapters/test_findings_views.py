"""Tests for sonla.chapters.findings_views: links, glosses and tables the reconciliation chapters show."""

from __future__ import annotations

import math

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.text import Annotation

from sonla.chapters import findings_views as views
from sonla.chapters import tables

matplotlib.use("Agg")

CLAIM = {"claim_id": "news-2024-004411", "source_id": "news-2024", "text": "42/59 <chỉ tiêu>",
         "value": 42.0, "denominator": 59.0, "unit": "criterion", "qualifier": "reached",
         "indicator": "urban_class1_criteria_met", "period": "2024",
         "sentence": "Đến nay, thành phố Sơn La đã đạt được 42/59 chỉ tiêu đô thị loại I; "
                     "tỷ lệ đô thị hóa đạt 69,38%."}


def test_claim_links_point_to_the_source_reader_page_and_escape():
    link = tables.claim_link('x"-000001', "a&b", code=True)
    assert 'href="sources/a&amp;b.html#claim-x&quot;-000001"' in link
    assert "<code>x&quot;-000001</code>" in link


GLOSS_CASES = [
    ("Đến nay, thành phố đã đạt được 42/63 chỉ tiêu đô thị loại I.",
     "So far, the city has met 42/63 class-I urban criteria."),
    ("trên 300 công trình, dự án theo kế hoạch đầu tư công được thực hiện, "
     "với tổng mức đầu tư gần 4.000 tỷ đồng",
     "Over 300 works and projects under the public-investment plan were carried out, with a total "
     "investment of nearly 4.000 billion VND"),
    ("Dén nay, thanh phé d3 dat duoc 42/63 chi tiéu d6 thi loai 1.", None),  # OCR: not covered
]


@pytest.mark.parametrize("clause, expected", GLOSS_CASES, ids=["42/63", "gan-4.000", "ocr-not-glossed"])
def test_gloss_clause_is_complete_or_absent(clause, expected):
    assert views.gloss_clause(clause) == expected


def test_clause_of_picks_the_part_with_the_claim():
    assert views.clause_of(CLAIM["sentence"], "42/59 chỉ tiêu").endswith("chỉ tiêu đô thị loại I")


def test_gloss_from_fields_when_no_translation():
    assert views.gloss(dict(CLAIM, indicator="")) == "reached 42 of 59 criterion (2024)"
    assert views.gloss({"value": 4000.0, "unit": "bn_vnd", "qualifier": "nearly", "denominator": math.nan,
                        "indicator": "", "period": ""}) == "nearly 4,000 billion VND"


def test_claims_table_escapes_source_text_and_links_every_claim():
    table = views.claims_html(pd.DataFrame([CLAIM]))
    assert "&lt;chỉ tiêu&gt;" in table and "<chỉ tiêu>" not in table
    assert "#claim-news-2024-004411" in table


def test_findings_table_links_each_cited_claim():
    claims = pd.DataFrame([CLAIM, dict(CLAIM, claim_id="report-014468", source_id="report", text="42/63")])
    finding = pd.DataFrame([{"finding_id": "denominator_change-x", "kind": "denominator_change",
                             "status": "unresolved", "severity": "medium", "confidence": "high",
                             "claim_ids": "news-2024-004411;report-014468", "preferred_value": "42/63",
                             "explanation": "a < b"}])
    table = views.findings_html(finding, claims)
    assert table.count("<a href=") == 2 and "a &lt; b" in table
    assert 'id="finding-denominator_change-x"' in table


def test_notes_never_name_a_finding_that_the_rules_do_not_produce():
    kinds = {note["kind"] for note in views.load_notes()}
    from sonla.schema import FINDING_KINDS

    assert kinds <= set(FINDING_KINDS)
    assert views.note_for("qualifier_conflict", "public_investment_total")["hypotheses"]


def _bars(ax) -> dict[str, list[tuple[str, float, float, str]]]:
    """{legend label: [(row label, left, width, colour)]} of horizontal bars, top row first."""
    rows = {round(t.get_position()[1]): t.get_text() for t in ax.get_yticklabels()}
    return {c.get_label(): [(rows[round(p.get_y() + p.get_height() / 2)], p.get_x(), p.get_width(),
                             to_hex(p.get_facecolor())) for p in c.patches] for c in ax.containers}


def test_kind_status_figure_stacks_the_statuses_of_each_kind():
    """Most findings on top; one segment per status, in the order of severity, in its colour."""
    findings = pd.DataFrame({"kind": ["consistent"] * 3 + ["qualifier_conflict", "rounding", "rounding"],
                             "status": ["consistent"] * 3 + ["contradiction", "explained", "unresolved"]})
    fig = views.plot_kind_status(findings)
    ax = fig.axes[0]
    colour = {status: to_hex(c) for status, c in views.STATUS_COLOURS.items()}
    widths = {  # status: the width of its segment in each bar, top bar first
        "contradiction": [0, 0, 1], "unresolved": [0, 1, 0], "explained": [0, 1, 0], "consistent": [3, 0, 0]}
    kinds, left = ["consistent", "rounding", "qualifier_conflict"], [0, 0, 0]
    expected = {}
    for status, row in widths.items():
        expected[status] = [(k, x, w, colour[status]) for k, x, w in zip(kinds, left, row, strict=True)]
        left = [x + w for x, w in zip(left, row, strict=True)]
    assert _bars(ax) == expected
    assert ax.yaxis_inverted()
    assert len(set(colour.values())) == len(colour)
    plt.close(fig)


def test_interval_figure_draws_the_interval_each_claim_allows():
    """The claim "hơn 4.051" (more than) is open to the right, drawn to the edge with an arrow; "gần 4.000"
    (nearly) is 3,800–4,000 (the default tolerance of "nearly", 5 %); each value is marked."""
    claims = pd.DataFrame([{"source_id": "a", "text": "4.051", "value": 4051.0, "qualifier": "more_than"},
                           {"source_id": "b", "text": "4.000", "value": 4000.0, "qualifier": "nearly"}])
    fig = views.plot_intervals(claims, views.Params(), "t", "x")
    ax = fig.axes[0]
    left, right = ax.get_xlim()
    drawn = [(line.get_marker(), list(line.get_xdata()), list(line.get_ydata())) for line in ax.lines]
    bars = [(x, y) for marker, x, y in drawn if marker in ("", "None", None)]
    ticks = [(x, y) for marker, x, y in drawn if marker == "|"]
    assert bars == [([4051, right], [0, 0]), ([3800, 4000], [1, 1])]
    assert ticks == [([4051], [0]), ([4000], [1])]
    assert left < 3800 and right > 4051
    arrows = [a for a in ax.texts if isinstance(a, Annotation)]
    assert [(a.xy, a.xyann[1]) for a in arrows] == [((right, 0), 0)]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a: more than 4.051", "b: nearly 4.000"]
    assert ax.yaxis_inverted()
    plt.close(fig)
