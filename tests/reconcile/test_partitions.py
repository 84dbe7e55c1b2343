"""The findings stage in parts equals the findings stage: per batch of documents, then per
partition of the indicators, whatever the batches and the number of partitions."""

from __future__ import annotations

import dataclasses
import importlib.util

import pytest

from sonla import config, pipeline
from sonla.extract.claims import stage_claims
from sonla.reconcile import partitions
from sonla.reconcile.stage import stage_findings
from sonla.schema import CLAIMS
from sonla.sources import load_sources


def _corpus(tmp_path):
    spec = importlib.util.spec_from_file_location("run_bench", config.ROOT / "benchmarks" / "run_bench.py")
    run_bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run_bench)
    run_bench.make_corpus(tmp_path / "raw", 2)
    return load_sources(tmp_path / "raw" / "sources.csv", tmp_path / "raw")


def _in_parts(sources, claims, batch_documents: int, count: int) -> dict[str, bytes]:
    documents: dict[str, list] = {}
    for source in sources:
        documents.setdefault(source.document_id, []).append(source)
    groups = list(documents.values())
    kept, cut = [], [[] for _ in range(count)]
    for start in range(0, len(groups), batch_documents):
        batch = sorted((s for group in groups[start:start + batch_documents] for s in group),
                       key=sources.index)
        ids = {s.source_id for s in batch}
        piece = partitions.per_document(batch, {CLAIMS.path: claims[claims["source_id"].isin(ids)]})
        own, pieces = partitions.partition(piece, count)
        kept.append(own)
        for bucket, part in zip(cut, pieces, strict=True):
            bucket.append(part)
    manifest = [dataclasses.replace(s, text="") for s in sources]
    crossed = [partitions.across_indicators(bucket, manifest) for bucket in cut]
    combined = partitions.combine(kept, crossed, manifest)
    return {name: pipeline.encode(content) for name, content in combined.items()}


@pytest.mark.parametrize(("corpus", "batch_documents", "count"),
                         [("five", 1, 1), ("five", 2, 3), ("synthetic", 1, 4), ("synthetic", 3, 7)])
def test_findings_in_parts_are_the_findings(corpus, batch_documents, count, tmp_path):
    sources = load_sources() if corpus == "five" else _corpus(tmp_path)
    claims = stage_claims(sources, {})[CLAIMS.path]
    whole = {name: pipeline.encode(content)
             for name, content in stage_findings(sources, {CLAIMS.path: claims}).items()}
    assert _in_parts(sources, claims, batch_documents, count) == whole
