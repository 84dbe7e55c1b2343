"""Which indicators get a page (sonla.reconcile.pages): at least two claims or any finding."""

from __future__ import annotations

from pathlib import Path

import pytest

from sonla.errors import SonlaError
from sonla.reconcile.pages import MIN_CLAIMS, indicator_page_keys, indicator_pages

CLAIMS = "claim_id,kind,indicator\n" + "\n".join([
    "c1,quantity,twice@district", "c2,quantity,twice@district",  # two claims: a page
    "c3,quantity,once@district",                                  # one claim, no finding: none
    "c4,quantity,found@commune", "c5,date,twice@district",        # with a finding: a page; no date counts
    "c6,quantity,",                                               # no indicator
    "c7,quantity,twice@commune", "c8,quantity,twice@commune",     # the same concept at another level: a page
]) + "\n"
FINDINGS = "finding_id,indicator\nf1,found@commune;other@district\nf2,\n"
INDICATORS = ("indicator,label_en,theme\n"
              "twice@district,Twice stated,economy\ntwice@commune,Twice stated,economy\n"
              "once@district,Once,economy\nfound@commune,A finding,culture\n"
              "other@district,Only in a finding,culture\n")


def _write(folder: Path, claims: str = CLAIMS, findings: str = FINDINGS,
           indicators: str = INDICATORS) -> Path:
    for name, text in (("claims.csv", claims), ("findings.csv", findings), ("indicators.csv", indicators)):
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_the_rule_two_claims_or_a_finding(tmp_path):
    pages = indicator_pages(_write(tmp_path))
    # by theme, then label, then level
    assert [p["indicator"] for p in pages] == ["found@commune", "other@district", "twice@commune",
                                               "twice@district"]
    by_key = {p["indicator"]: p for p in pages}
    assert by_key["twice@district"] == {
        "indicator": "twice@district", "page": "twice-district", "concept": "twice", "level": "district",
        "label_en": "Twice stated", "title": "Twice stated, city level", "theme": "economy",
        "claims": "2", "findings": "0"}
    assert by_key["twice@commune"]["title"] == "Twice stated, ward and commune level"
    assert by_key["other@district"]["claims"] == "0" and by_key["other@district"]["findings"] == "1"
    assert MIN_CLAIMS == 2


def test_an_indicator_without_a_description_is_named(tmp_path):
    folder = _write(tmp_path, indicators="indicator,label_en,theme\ntwice@district,Twice,economy\n")
    with pytest.raises(SonlaError, match="no row for indicator.*found"):
        indicator_pages(folder)


def test_a_missing_processed_file_says_how_to_make_it(tmp_path):
    with pytest.raises(SonlaError, match=r"claims.csv not found: run `make data` first"):
        indicator_pages(tmp_path)


def test_the_published_data_gives_at_least_fifteen_pages():
    keys = indicator_page_keys()
    assert len(keys) >= 15
    assert {"urbanisation_rate@district", "public_investment_total@district",
            "urban_class1_criteria_met@district"} <= keys
