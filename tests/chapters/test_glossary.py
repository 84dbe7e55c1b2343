"""Tests for sonla.chapters.glossary: the glossary data file and its occurrence counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from sonla.chapters import glossary
from sonla.sources import load_sources


def test_every_term_occurs_in_some_source():
    terms = glossary.load_glossary()
    counts = glossary.count_occurrences(terms["term"], load_sources())
    unused = counts.index[counts.sum(axis=1) == 0].tolist()
    assert unused == []


def test_terms_the_book_relies_on_are_glossed():
    terms = set(glossary.load_glossary()["term"])
    assert {"phường", "chỉ tiêu", "tỷ đồng", "Nghị quyết", "Kết luận", "nhiệm kỳ"} <= terms


@pytest.mark.parametrize("body, message", [
    ("terms:\n  - {term: a, gloss: b, group: nowhere}\n", "group"),
    ("terms:\n  - {term: a, group: place}\n", "needs a term and a gloss"),
    ("terms:\n  - {term: a, gloss: b, group: place}\n  - {term: A, gloss: c, group: place}\n", "duplicate"),
])
def test_bad_entries_are_refused(tmp_path: Path, body, message):
    path = tmp_path / "glossary.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        glossary.load_glossary(path)
