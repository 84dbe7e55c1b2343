"""Layout lookups stay linear in the size of one source.

A claim's context (its period, its footnote anchor, its headings) is looked up by position in
indexes built once per source; a scan of every mention per claim made one long source
quadratic (issue 16: 13 s for a 5.4 MB source where 0.68 MB took 0.5 s). The lookups are
checked against the scans they replace (property tests), and the work of the whole extraction is
counted, not timed: the Python lines it executes on eight copies of the report must stay within a
few per cent of eight times those on one.
"""

from __future__ import annotations

import random
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import sonla
from sonla.extract.claims import extract_claims
from sonla.extract.layout import (
    _covers,
    _disjoint_segments,
    _near,
    _union,
    anchor_of,
    footnote_at,
    heading_stack,
    last_mention,
)
from sonla.sources import load_sources

PACKAGE = str(Path(sonla.__file__).parent)


@given(st.lists(st.integers(0, 200), unique=True), st.integers(0, 220), st.integers(0, 220))
def test_last_mention_equals_the_scan(starts, lo, hi):
    mentions = sorted((s, s + 4, f"m{s}") for s in starts)
    scan = [m for m in mentions if lo <= m[0] < hi]
    found = last_mention(mentions, [m[0] for m in mentions], lo, hi)
    assert found == (scan[-1] if scan else None)


SPANS = st.lists(st.tuples(st.integers(0, 100), st.integers(1, 40), st.integers(0, 500)), max_size=12)


@given(SPANS, st.integers(0, 150))
def test_footnote_anchor_equals_the_scan(raw_spans, pos):
    spans = sorted((s, s + length, anchor) for s, length, anchor in raw_spans)

    class Fake:
        footnotes = spans
        footnote_segments = _disjoint_segments([(s, e, number) for number, (s, e, _) in enumerate(spans)])

    expected = next((anchor for start, end, anchor in spans if start <= pos < end), pos)
    assert anchor_of(Fake, pos) == expected
    # the body itself (its start tells whether it opens with "Đến nay": context._footnote_opens_present)
    assert footnote_at(Fake, pos) == next((span for span in spans if span[0] <= pos < span[1]), None)


@given(SPANS, st.integers(0, 150))
def test_covered_positions_equal_the_scan(raw_spans, pos):
    """A year inside a period range (or a range inside a "từ … đến …" span) is part of it: looked up
    in the union of the spans, as the scan of every span per year found it."""
    spans = [(s, s + length, "") for s, length, _ in raw_spans]
    assert _covers(_union(spans), pos) == any(s <= pos < e for s, e, _ in spans)


@given(st.lists(st.integers(0, 100)), st.integers(0, 110))
def test_near_a_listed_place_equals_the_scan(positions, pos):
    assert _near(sorted(positions), pos, 4) == any(abs(pos - p) < 4 for p in positions)


def _report():
    return next(s for s in load_sources() if s.source_id == "report")


def test_heading_stacks_equal_the_scan():
    from sonla.extract.layout import build_layout
    from sonla.text.lexicon import load_rules

    layout = build_layout(_report(), load_rules())
    assert layout.headings
    for number in range(len(layout.headings) + 1):
        expected: list = []
        for heading in layout.headings[:number]:
            while expected and expected[-1].level >= heading.level:
                expected.pop()
            expected.append(heading)
        pos = layout.headings[number - 1].start if number else 0
        assert heading_stack(layout, pos) == expected[::-1]


def _longer(source, copies: int):
    """The source ``copies`` times over, each copy's paragraphs in another order (a longer text
    of the same kind, not one the caches of the extraction have already seen)."""
    parts = []
    for number in range(copies):
        paragraphs = source.text.split("\n\n")
        random.Random(number).shuffle(paragraphs)
        parts.append("\n\n".join(paragraphs))
    return replace(source, text="\n\n".join(parts))


def _lines_executed(source) -> int:
    """Python lines of the package executed by ``extract_claims(source)`` (a count, not a time)."""
    count = 0

    def local(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return local

    def calls(frame, event, arg):
        return local if frame.f_code.co_filename.startswith(PACKAGE) else None

    sys.settrace(calls)
    try:
        extract_claims(source)
    finally:
        sys.settrace(None)
    return count


@pytest.mark.skipif(sys.gettrace() is not None, reason="another tracer (coverage, a debugger) is active")
def test_extraction_work_grows_linearly_with_one_source():
    report = _report()
    extract_claims(report)  # rules loaded and compiled before counting
    one, eight = _lines_executed(_longer(report, 1)), _lines_executed(_longer(report, 8))
    # Linear: 8x the text, 8x the lines (measured 8.01x); the scans of
    # every period per claim gave 13.7x, with the footnote and heading scans 14.3x.
    assert eight <= 8 * 1.05 * one, f"8x the text executed {eight / one:.2f}x the lines"
