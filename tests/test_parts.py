"""How stages declare their split: every stage of the pipeline says it, and a wrong unit is refused."""

from __future__ import annotations

import pytest

from sonla.parts import DOCUMENT, ROWS, SOURCE, Split
from sonla.pipeline import STAGES


def test_an_unknown_unit_is_refused():
    with pytest.raises(ValueError, match="unit must be one of source, document, rows, not 'page'"):
        Split("page")


def test_every_stage_of_the_pipeline_declares_how_it_splits():
    units = {stage.name: stage.split.unit for stage in STAGES}
    assert units == {"profiles": SOURCE, "claims": SOURCE, "findings": DOCUMENT, "alignment": DOCUMENT,
                     "datapackage": ROWS}
    assert [s.name for s in STAGES if s.split.across is not None] == ["findings"]
