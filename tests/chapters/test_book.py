"""Helpers the chapters share (sonla.chapters.book): the typed loader, the reconciliation's parameters."""

from __future__ import annotations

import pandas as pd
import pytest

from sonla.chapters import book


def test_boolean_columns_are_booleans():
    spans = book.load_processed("ocr_alignment.csv")
    assert spans["moved"].dtype == bool and spans["moved"].any()
    notes = book.load_processed("ocr_footnotes.csv")
    assert notes["marker_survived"].dtype == bool


def test_a_column_that_is_not_boolean_is_named():
    with pytest.raises(ValueError, match="moved: 'maybe' is not True or False"):
        book.as_bool(pd.Series(["True", "maybe"], name="moved"))


def test_tolerances_change_the_defaults_and_an_unknown_one_is_named():
    assert book.reconcile_params({"nearly_tol": 0.1}).nearly_tol == 0.1
    with pytest.raises(ValueError, match="unknown field.*nearly_tolerance.*nearly_tol"):
        book.reconcile_params({"nearly_tolerance": 0.1})
