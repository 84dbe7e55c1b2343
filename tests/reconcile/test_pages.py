"""Which indicators get a page (sonla.reconcile.pages): at least two claims or any finding."""

from __future__ import annotations

from pathlib import Path

import pytest

from sonla.errors import SonlaError
from sonla.reconcile.pages import MIN_CLAIMS, indicator_page_keys, indicator_pages

CLAIMS = "claim_id,kind,indicator\n" + "\n".join([
    "c1,quantity,twice", "c2,quantity,twice",          # two claims: a page
    "c3,quantity,once",                                 # one claim, no finding: none
    "c4,quantity,found", "c5,date,twice",               # a claim with a finding: a page; no date counts
    "c6,quantity,",                                     # no indicator
]) + "\n"
FINDINGS = "finding_id,indicator\nf1,found;other\nf2,\n"
INDICATORS = ("indicator,label_en,theme\ntwice,Twice stated,economy\nonce,Once,economy\n"
              "found,A finding,culture\nother,Only in a finding,culture\n")


def _write(folder: Path, claims: str = CLAIMS, findings: str = FINDINGS,
           indicators: str = INDICATORS) -> Path:
    for name, text in (("claims.csv", claims), ("findings.csv", findings), ("indicators.csv", indicators)):
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_the_rule_two_claims_or_a_finding(tmp_path):
    pages = indicator_pages(_write(tmp_path))
    assert [p["indicator"] for p in pages] == ["found", "other", "twice"]  # by theme, then label
    by_key = {p["indicator"]: p for p in pages}
    assert by_key["twice"] == {"indicator": "twice", "label_en": "Twice stated", "theme": "economy",
                               "claims": "2", "findings": "0"}
    assert by_key["other"]["claims"] == "0" and by_key["other"]["findings"] == "1"
    assert MIN_CLAIMS == 2


def test_an_indicator_without_a_description_is_named(tmp_path):
    folder = _write(tmp_path, indicators="indicator,label_en,theme\ntwice,Twice,economy\n")
    with pytest.raises(SonlaError, match="no row for indicator.*found"):
        indicator_pages(folder)


def test_a_missing_processed_file_says_how_to_make_it(tmp_path):
    with pytest.raises(SonlaError, match=r"claims.csv not found: run `make data` first"):
        indicator_pages(tmp_path)


def test_the_published_data_gives_at_least_fifteen_pages():
    keys = indicator_page_keys()
    assert len(keys) >= 15
    assert {"urbanisation_rate", "public_investment_total", "urban_class1_criteria_met"} <= keys
