"""Benchmark (not a timed test): extract the claims of all five sources.

    .venv/bin/python -m pytest benchmarks/ --benchmark-only

``make test`` does not collect this folder (pyproject's testpaths is ``tests``). The target is
under one second of CPU for all five sources; add ``--benchmark-timer=time.process_time`` to
time CPU rather than wall-clock (which a busy machine inflates).
"""

from __future__ import annotations

from sonla.extract.claims import extract_all
from sonla.sources import load_sources
from sonla.text.lexicon import load_rules


def test_extract_all_sources(benchmark):
    sources = load_sources()
    load_rules()  # compiled once per process, as in the pipeline
    claims = benchmark(extract_all, sources)
    assert set(claims.source_id) == {s.source_id for s in sources}
