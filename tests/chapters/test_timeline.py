"""Tests for sonla.chapters.timeline: events from date claims, documents from identifier claims."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from sonla.chapters import book, timeline


@pytest.fixture(scope="module")
def claims() -> pd.DataFrame:
    return book.load_processed("claims.csv")


CASES_FROM_SOURCES = [
    ("07/9/2021", date(2021, 9, 7), "day"),
    ("04.7.2025", date(2025, 7, 4), "day"),
    ("tháng 2/2024".split()[-1], date(2024, 2, 1), "month"),
    ("26/10/1961", date(1961, 10, 26), "day"),
]


@pytest.mark.parametrize("text, when, precision", CASES_FROM_SOURCES, ids=[c[0] for c in CASES_FROM_SOURCES])
def test_event_dates_in_vietnamese_order(text, when, precision):
    assert timeline.parse_event_date(text) == (when, precision)


@pytest.mark.parametrize("text", ["2020 - 2025", "2024", "2025-2030", "32/1/2024", "9/7"])
def test_periods_and_impossible_dates_are_not_events(text):
    assert timeline.parse_event_date(text) is None


@pytest.mark.parametrize("number, kind, issuer", [
    ("353-KL/TU", "conclusion", "provincial or city Party Committee"),
    ("57-NQ/TW", "resolution", "Party Central Committee or its Politburo or Secretariat"),
    ("51-QĐ/ĐU", "decision", "Party Committee (ward, commune or agency)"),
    ("333-KH/TU", "plan", "provincial or city Party Committee"),
])
def test_document_numbers_read_with_the_codes(number, kind, issuer):
    parsed = timeline.parse_document_number(number)
    assert (parsed["type"], parsed["issuer"]) == (kind, issuer)


def _dated(*rows: tuple[str, str, str]) -> pd.DataFrame:
    """Date claims from (claim_id, text, kind); the source is the claim id's prefix."""
    return pd.DataFrame([{"claim_id": claim_id, "source_id": claim_id.split("-")[0], "text": text,
                          "kind": kind, "sentence": f"Ngày {text} có sự kiện.", "geography": ""}
                         for claim_id, text, kind in rows])


HAND_MADE = _dated(("r-1", "14/02/2024", "date"), ("n-1", "14/2/2024", "date"), ("n-2", "14/2", "date"),
                   ("n-3", "02/2024", "date"), ("r-2", "2020-2025", "date"), ("r-3", "07/9/2021", "date"),
                   ("r-4", "2025", "date"), ("n-4", "2025", "date"), ("r-5", "2025", "quantity"))


def test_one_date_written_three_ways_in_two_sources_is_one_event():
    """Days and months are events of their own precision; a day written without its year takes
    the source's year and joins the event, which keeps its year from the texts."""
    events = timeline.events(HAND_MADE, source_years={"r": 2024, "n": 2024})
    shown = ["date", "precision", "claim_ids", "sources", "mentions", "year_from_source"]
    assert events[shown].to_dict("records") == [
        {"date": date(2021, 9, 7), "precision": "day", "claim_ids": "r-3", "sources": "r", "mentions": 1,
         "year_from_source": False},
        {"date": date(2024, 2, 1), "precision": "month", "claim_ids": "n-3", "sources": "n", "mentions": 1,
         "year_from_source": False},
        {"date": date(2024, 2, 14), "precision": "day", "claim_ids": "r-1;n-1;n-2", "sources": "r;n",
         "mentions": 3, "year_from_source": False},
    ]


def test_an_event_in_several_sources_is_one_row(claims):
    events = timeline.events(claims)
    assert not events[["date", "precision"]].duplicated().any()
    unesco = events[events["date"] == date(2024, 2, 14)]
    assert len(unesco) == 1
    sources = set(unesco.iloc[0]["sources"].split(";"))
    assert sources == {"report", "appendix-pdf", "appendix-ocr", "news-2024"}


def test_day_without_year_takes_the_source_year(claims):
    events = timeline.events(claims).set_index("date")
    congress = events.loc[date(2025, 7, 9)]
    assert congress["sources"] == "news-congress-2025" and bool(congress["year_from_source"])
    assert timeline.events(claims, source_years={}).query("year_from_source").empty


def test_documents_are_dated_from_their_sentence(claims):
    documents = timeline.documents(claims).set_index("number")
    assert documents.loc["353-KL/TU", "date"] == date(2021, 9, 7)
    assert documents.loc["57-NQ/TW", "date"] == date(2024, 12, 22)
    assert documents.loc["13-CT/TU", "date"] is None


def test_years_mentioned_counts_every_year_of_every_date_claim_per_source(claims):
    """Both years of a period count; a year that is a quantity does not."""
    years = timeline.years_mentioned(HAND_MADE)
    assert list(zip(years["year"], years["source_id"], years["mentions"], strict=True)) == [
        (2020, "r", 1), (2021, "r", 1), (2024, "n", 2), (2024, "r", 1), (2025, "n", 1), (2025, "r", 2)]
    assert {2020, 2025, 2030} <= set(timeline.years_mentioned(claims)["year"])
