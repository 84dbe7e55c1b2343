"""The reading may not get worse unnoticed: accuracy against hand annotation, field by field.

``accuracy_floor.csv`` holds the accuracy last published (written by
``python -m sonla.validity.floor`` after a deliberate improvement). Every build recomputes
``data/processed/reading_accuracy.csv``; a field whose accuracy falls below its published value
by more than one annotated number's worth (1/n) fails the suite.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sonla import config
from sonla.validity.floor import FLOOR, below_floor

PUBLISHED = pd.read_csv(FLOOR)


@pytest.mark.parametrize(("corpus", "field"), list(zip(PUBLISHED.corpus, PUBLISHED.field, strict=True)))
def test_accuracy_holds(corpus, field):
    current = pd.read_csv(config.PROCESSED_DIR / "reading_accuracy.csv")
    assert below_floor(current, PUBLISHED, corpus, field) is None


def test_a_drop_of_two_numbers_fails_and_of_one_does_not():
    floor = pd.DataFrame([{"corpus": "sources", "field": "frame", "n": 100, "correct": 95, "accuracy": 0.95}])
    one = floor.assign(correct=94, accuracy=0.94)
    two = floor.assign(correct=93, accuracy=0.93)
    assert below_floor(one, floor, "sources", "frame") is None
    assert "frame" in below_floor(two, floor, "sources", "frame")


def test_the_floor_covers_every_published_field():
    current = pd.read_csv(config.PROCESSED_DIR / "reading_accuracy.csv")
    assert set(zip(current.corpus, current.field, strict=True)) <= set(
        zip(PUBLISHED.corpus, PUBLISHED.field, strict=True)
    )
    assert Path(FLOOR).is_file()
