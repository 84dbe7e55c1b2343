"""The source-fidelity chapter's measurements (sonla.chapters.fidelity), on the published tables."""

from __future__ import annotations

import matplotlib
import pandas as pd
import pytest

from sonla.chapters import fidelity

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def copies():
    return fidelity.load_copies("city-appendix-2025")


def test_an_unknown_document_names_the_known_ones():
    with pytest.raises(ValueError, match="no aligned copies; declared: .*city-appendix-2025"):
        fidelity.load_copies("no-such-document")


def test_summary_rates_agree_with_their_counts(copies):
    values = fidelity.summary(copies)
    assert values["cer_exact"] == pytest.approx(100 * values["char_errors"] / values["ref_chars"], rel=1e-6)
    assert 0 < values["cer_folded"] < values["cer_nodia"] <= values["cer_exact"]
    assert values["n_moved_spans"] == int(copies.spans["moved"].sum()) > 0


def test_windows_add_up_to_the_body(copies):
    spans = pd.DataFrame({"region": "body", "ref_start": [0, 600, 1200], "ref_end": [600, 1200, 1300],
                          "ref_chars": [600, 600, 100], "char_edits": [60, 0, 50], "folded_edits": [6, 0, 5]})
    rates = fidelity.windowed_rates(spans, window=500)
    assert len(rates) == 2  # [0, 500) and [500, 1301): the last partial window joins the one before
    assert rates["exact"].tolist() == pytest.approx([10.0, 50 / 7])


def test_the_busiest_passage_has_the_most_error_classes(copies):
    passage, kinds = fidelity.busiest_passage(copies.spans, width=12)
    assert list(passage["version"]) == ["PDF text layer", "OCR copy", "repaired"] and kinds >= 3


def test_footnote_flags_are_words(copies):
    table = fidelity.footnote_table(copies.footnotes)
    assert set(table["marker survived"]) <= {"yes", "no"}
