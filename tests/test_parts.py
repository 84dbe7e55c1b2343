"""How stages declare their split: the pipeline's stages say it, and a wrong unit is refused."""

from __future__ import annotations

import pytest

from sonla.parts import DOCUMENT, ROWS, SOURCE, Split
from sonla.pipeline import STAGES


def test_an_unknown_unit_is_refused():
    with pytest.raises(ValueError, match="unit must be one of source, document, rows, not 'page'"):
        Split("page")


def test_the_stages_of_the_pipeline_declare_how_they_split():
    """The stages per source or document, the findings across documents, the data package per
    slice; the source dependence and the two validity studies run whole (on Dask: on the client)."""
    units = {stage.name: stage.split.unit if stage.split else None for stage in STAGES}
    assert units == {"profiles": SOURCE, "claims": SOURCE, "dependence": None, "findings": DOCUMENT,
                     "findings-validity": None, "alignment": DOCUMENT, "reading-validity": None,
                     "datapackage": ROWS}
    assert [s.name for s in STAGES if s.split and s.split.across is not None] == ["findings"]


def test_the_findings_parts_read_less_than_the_stage():
    """The parts read the claims of their documents; the copied passages only reach the combination."""
    findings = next(s for s in STAGES if s.name == "findings")
    assert findings.reads == ("claims.csv", "dependence.csv") and findings.split.reads == ("claims.csv",)
