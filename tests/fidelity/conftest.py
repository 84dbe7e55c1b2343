"""Fixtures of the fidelity tests: the real pair of copies of the appendix, measured once."""

from __future__ import annotations

import pytest

from sonla.fidelity.copies import copy_pairs
from sonla.fidelity.measures import measure_pair
from sonla.sources import Source, load_sources


@pytest.fixture(scope="module")
def real_pair() -> tuple[Source, Source]:
    pairs = copy_pairs(load_sources())
    assert len(pairs) == 1
    return pairs[0]


@pytest.fixture(scope="module")
def real(real_pair) -> dict[str, object]:
    return measure_pair(*real_pair)
