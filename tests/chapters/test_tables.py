"""Tests for sonla.chapters.tables: escaped tables, claim links, deterministic interactive tables."""

from __future__ import annotations

import pandas as pd
import pytest

from sonla.chapters import tables

CASES_FROM_SOURCES = [
    # (claim_id, source_id, expected href)
    ("report-014095", "report", "sources/report.html#claim-report-014095"),
    ("appendix-ocr-002064", "appendix-ocr", "sources/appendix-ocr.html#claim-appendix-ocr-002064"),
    ("news-congress-2025-005484", "news-congress-2025",
     "sources/news-congress-2025.html#claim-news-congress-2025-005484"),
]


@pytest.mark.parametrize("claim_id, source_id, href", CASES_FROM_SOURCES,
                         ids=[c[0] for c in CASES_FROM_SOURCES])
def test_claim_links_point_at_the_reader_anchor(claim_id, source_id, href):
    assert tables.claim_href(claim_id, source_id) == href
    assert tables.claim_link(claim_id, source_id) == f'<a href="{href}">{claim_id}</a>'


HOSTILE = '<script>alert(1)</script> {{x}} "quoted" & more'


def claims_frame() -> pd.DataFrame:
    return pd.DataFrame([{
        "claim_id": "report-000010", "source_id": "report", "kind": "quantity", "text": HOSTILE,
        "value": 4051.0, "unit": "bn_vnd", "qualifier": "more_than", "indicator": "", "period": "2021-2025",
        "geography": "son-la-city", "sentence": "Giai đoạn <b>2021-2025</b>",
    }])


def test_linked_claims_escape_every_text_cell_but_keep_the_link():
    table = tables.linked_claims(claims_frame())
    row = table.iloc[0]
    assert row["claim_id"] == '<a href="sources/report.html#claim-report-000010">report-000010</a>'
    assert row["text"] == "&lt;script&gt;alert(1)&lt;/script&gt; {{x}} &quot;quoted&quot; &amp; more"
    assert row["sentence"] == "Giai đoạn &lt;b&gt;2021-2025&lt;/b&gt;"
    assert row["value"] == 4051.0


def test_linked_findings_link_each_claim_and_escape_the_rest():
    findings = pd.DataFrame([{"finding_id": "F1", "claim_ids": "report-000010;unknown-1",
                              "explanation": "42/63 <vs> 42/59"}])
    table = tables.linked_findings(findings, claims_frame())
    link = '<a href="sources/report.html#claim-report-000010">report-000010</a>'
    assert table.iloc[0]["claim_ids"] == f"{link} unknown-1"
    assert table.iloc[0]["explanation"] == "42/63 &lt;vs&gt; 42/59"


def test_interactive_table_is_deterministic_and_needs_no_cdn():
    first = tables.interactive_table(tables.linked_claims(claims_frame()), table_id="t-claims").data
    second = tables.interactive_table(tables.linked_claims(claims_frame()), table_id="t-claims").data
    assert first == second
    assert 'id="t-claims"' in first
    assert "https://cdn" not in first and "unpkg.com" not in first
    assert "<script>alert(1)</script>" not in first


def test_html_table_escapes_unless_told(tmp_path):
    frame = pd.DataFrame({"link": ['<a href="x">x</a>'], "text": ["<i>đ</i>"]})
    out = tables.html_table(frame, escaped=["link"])
    assert '<a href="x">x</a>' in out and "&lt;i&gt;đ&lt;/i&gt;" in out


def test_download_links_name_only_existing_files():
    out = tables.download_links(["claims.csv", "no-such-file.csv"])
    assert out == "- {download}`claims.csv <../data/processed/claims.csv>`"
