"""Tests for sonla.build.reader: escaped source pages with anchored claim highlights."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sonla.build import reader
from sonla.sources import Source, load_sources

COLUMNS = ["claim_id", "source_id", "start", "end", "text", "kind", "value", "value_high",
           "denominator", "unit", "qualifier", "indicator", "period", "geography", "sentence"]


@pytest.fixture(scope="module")
def sources() -> dict[str, Source]:
    return {s.source_id: s for s in load_sources()}


def claim_at(source: Source, needle: str, kind: str = "quantity", occurrence: int = 0,
             **fields: object) -> dict[str, object]:
    """A contract-shaped claim row for the ``occurrence``-th ``needle`` in the source text."""
    start = -1
    for _ in range(occurrence + 1):
        start = source.text.index(needle, start + 1)
    row: dict[str, object] = {c: "" for c in COLUMNS}
    row.update(claim_id=f"{source.source_id}-{start:06d}", source_id=source.source_id,
               start=start, end=start + len(needle), text=needle, kind=kind)
    row.update(fields)
    return row


def frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLUMNS)


# Claims as they stand in the real texts: (source_id, text, kind, extra fields).
CASES_FROM_SOURCES = [
    ("report", "4.051 tỷ đồng", "quantity", {"value": 4051.0, "unit": "bn_vnd", "qualifier": "more_than"}),
    ("report", "42/63", "quantity", {"value": 42.0, "denominator": 63.0}),
    ("report", "353-KL/TU", "identifier", {}),
    ("report", "07/9/2021", "date", {"period": "2021"}),
    ("news-2024", "42/59", "quantity", {"value": 42.0, "denominator": 59.0}),
    ("news-congress-2025", "150 đại biểu", "quantity", {"value": 150.0, "unit": "person"}),
    ("appendix-ocr", "4.051", "quantity", {"value": 4051.0}),
]


@pytest.mark.parametrize("source_id, needle, kind, fields", CASES_FROM_SOURCES,
                         ids=[f"{c[0]}:{c[1]}" for c in CASES_FROM_SOURCES])
def test_real_claim_is_highlighted_and_anchored(sources, source_id, needle, kind, fields):
    source = sources[source_id]
    row = claim_at(source, needle, kind, **fields)
    page = reader.render_page(source, frame([row]))
    expected = (f'<mark class="claim claim-{kind}" id="claim-{row["claim_id"]}" '
                f'title="{reader.escape_text(reader.claim_title(row))}">'
                f"{reader.escape_text(needle)}</mark>")
    assert expected in page
    assert reader.anchored_ids(page) == {row["claim_id"]}


def test_title_gives_value_unit_kind_and_indicator(sources):
    row = claim_at(sources["report"], "4.051 tỷ đồng", value=4051.0, unit="bn_vnd",
                   qualifier="more_than", indicator="public_investment_total", period="2021-2025")
    title = reader.claim_title(row)
    assert title.startswith("quantity: 4051 bn_vnd")
    assert "indicator: public_investment_total" in title and "period: 2021-2025" in title


def test_whole_text_survives_unchanged_apart_from_markup(sources):
    """Removing the tags and unescaping gives back the raw text, character for character."""
    import html
    import re

    source = sources["news-congress-2025"]
    rows = [claim_at(source, "150 đại biểu"), claim_at(source, "5.000")]
    page = reader.render_page(source, frame(rows))
    body = page.split('<div class="source-text" lang="vi">', 1)[1].rsplit("</div>", 1)[0]
    assert html.unescape(re.sub(r"<[^>]+>", "", body)) == source.text


def test_nested_and_crossing_claims_all_get_anchors(sources):
    source = sources["report"]
    outer = claim_at(source, "hơn 4.051 tỷ đồng")
    inner = claim_at(source, "4.051")
    crossing = claim_at(source, "tỷ đồng. Chỉ")
    page = reader.render_page(source, frame([outer, inner, crossing]))
    assert reader.anchored_ids(page) == {outer["claim_id"], inner["claim_id"], crossing["claim_id"]}
    assert f'<span class="claim-anchor" id="claim-{crossing["claim_id"]}"' in page
    assert page.count("<mark") == page.count("</mark>") == 2


def test_claim_whose_offsets_do_not_match_is_reported_not_anchored(sources):
    source = sources["report"]
    row = claim_at(source, "42/63")
    row["text"] = "42/59"
    page = reader.render_page(source, frame([row]))
    assert reader.anchored_ids(page) == set()
    assert f"`{row['claim_id']}`" in page


HOSTILE = 'Mở đầu <script>alert("x")</script> {{ secret }} {glue}`key` $x$ ```` & <b>đậm</b>\nDòng hai'


def hostile_source(tmp_path: Path) -> Source:
    some = load_sources()[0]
    return dataclasses.replace(some, source_id="hostile", file="hostile.txt", text=HOSTILE)


def test_hostile_text_is_escaped_in_the_page(tmp_path):
    source = hostile_source(tmp_path)
    row = {c: "" for c in COLUMNS}
    row.update(claim_id="hostile-000000", source_id="hostile", start=0, end=6, text="Mở đầu",
               kind="quantity", indicator='"><script>x</script>')
    page = reader.render_page(source, frame([row]))
    assert "<script>" not in page and "<b>" not in page
    assert "{{" not in page and "{glue}" not in page
    assert "&lt;script&gt;" in page and "&#123;&#123; secret &#125;&#125;" in page
    # the fence is longer than the four backticks in the text
    assert "`````{raw} html" in page


@pytest.mark.slow
def test_hostile_text_is_shown_as_text_after_a_real_myst_build(tmp_path):
    """Build the page with Sphinx + MyST-NB (as the book does) and read the HTML back."""
    source = hostile_source(tmp_path)
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        "extensions = ['myst_nb']\nmyst_enable_extensions = ['substitution', 'dollarmath', 'colon_fence']\n"
        "myst_substitutions = {'secret': 'LEAKED'}\nnb_execution_mode = 'off'\n", encoding="utf-8")
    (src / "index.md").write_text(reader.render_page(source, frame([])), encoding="utf-8")
    out = tmp_path / "html"
    done = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-W", "-q", str(src), str(out)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    built = (out / "index.html").read_text(encoding="utf-8")
    assert "LEAKED" not in built
    assert '<script>alert("x")</script>' not in built
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in built
    assert "&#123;&#123; secret &#125;&#125; &#123;glue&#125;`key` $x$ ```` &amp; &lt;b&gt;" in built
    assert "Dòng hai" in built


def test_pages_are_deterministic_and_mirror_the_manifest(tmp_path, sources):
    claims = frame([claim_at(sources["report"], "42/63")])
    claims_path = tmp_path / "claims.csv"
    claims.to_csv(claims_path, index=False)
    out = tmp_path / "pages"
    out.mkdir()
    (out / "removed-source.md").write_text("old", encoding="utf-8")
    first = reader.build_reader_pages(claims_path, out)
    assert sorted(p.name for p in out.glob("*.md")) == sorted(f"{s}.md" for s in sources)
    assert first[out / "removed-source.md"] is True
    second = reader.build_reader_pages(claims_path, out)
    assert not any(second.values())


def test_anchor_coverage_counts_quantity_claims(sources):
    source = sources["report"]
    good = claim_at(source, "42/63")
    bad = claim_at(source, "4.051 tỷ đồng")
    bad["end"] = bad["end"] + 1
    date = claim_at(source, "07/9/2021", kind="date")
    claims = frame([good, bad, date])
    coverage = reader.anchor_coverage(claims, {"report": reader.render_page(source, claims)})
    assert coverage.to_dict("records") == [{
        "source_id": "report", "claims": 3, "claims_anchored": 2,
        "quantity_claims": 2, "quantity_anchored": 1,
    }]



TEXTS = st.text(alphabet="ab <>&\"'{}`\nđệ", min_size=1, max_size=40)


@settings(max_examples=200, deadline=None)
@given(text=TEXTS, spans=st.lists(st.tuples(st.integers(0, 40), st.integers(1, 10)), max_size=8))
def test_any_claims_on_any_text_keep_the_text_and_anchor_every_claim(text, spans):
    """Whatever the text and however claims nest or cross, the text survives and all are anchored."""
    import html
    import re

    claims = set()
    for start, length in spans:
        start = min(start, len(text) - 1)
        claims.add(reader._Claim(f"x-{start:06d}-{length}", start, min(len(text), start + length),
                                 "quantity", "t"))
    ordered = sorted(claims, key=lambda c: (c.start, -c.end, c.claim_id))
    body = reader.highlight_claims(text, ordered)
    assert html.unescape(re.sub(r"<[^>]+>", "", body)) == text
    assert reader.anchored_ids(body) == {c.claim_id for c in claims}
    assert body.count("<mark") == body.count("</mark>")
    assert "<" not in re.sub(r"</?(mark|span)\b[^>]*>", "", body)
