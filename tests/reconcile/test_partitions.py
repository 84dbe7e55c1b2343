"""The findings stage in parts equals the findings stage: per batch of documents, then per
partition of the concepts, whatever the batches and the number of partitions."""

from __future__ import annotations

import dataclasses
import importlib.util
import io

import pandas as pd
import pytest
from findings_cases import make_claims, make_source

from sonla import config, pipeline
from sonla.extract.claims import stage_claims
from sonla.fidelity.dependence import stage_dependence
from sonla.reconcile import partitions
from sonla.reconcile.stage import stage_findings
from sonla.schema import CLAIMS, DEPENDENCE, FINDINGS
from sonla.sources import load_sources


def _corpus(tmp_path):
    spec = importlib.util.spec_from_file_location("run_bench", config.ROOT / "benchmarks" / "run_bench.py")
    run_bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run_bench)
    run_bench.make_corpus(tmp_path / "raw", 2)
    return load_sources(tmp_path / "raw" / "sources.csv", tmp_path / "raw")


def _in_parts(sources, claims, dependence, batch_documents: int, count: int) -> dict[str, bytes]:
    """The findings stage as the Dask engine runs it (sonla.engine.cluster), in one process."""
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
    by_id = {s.source_id: s for s in sources}
    inputs = {DEPENDENCE.path: dependence}
    shared, tasks = partitions.share(kept, manifest, inputs, by_id.__getitem__, count)
    assert sorted(b for task in tasks for b in task) == list(range(count))
    crossed = [partitions.across_concepts([part for b in task for part in cut[b]], manifest, shared)
               for task in tasks]
    combined = partitions.combine(kept, crossed, manifest, inputs, shared)
    return {name: pipeline.encode(content) for name, content in combined.items()}


@pytest.mark.parametrize(("corpus", "batch_documents", "count"),
                         [("five", 1, 1), ("five", 2, 3), ("five", 1, 7), ("synthetic", 1, 4),
                          ("synthetic", 3, 7)])
def test_findings_in_parts_are_the_findings(corpus, batch_documents, count, tmp_path):
    sources = load_sources() if corpus == "five" else _corpus(tmp_path)
    claims = stage_claims(sources, {})[CLAIMS.path]
    dependence = stage_dependence(sources, {})[DEPENDENCE.path]
    whole = {name: pipeline.encode(content) for name, content in
             stage_findings(sources, {CLAIMS.path: claims, DEPENDENCE.path: dependence}).items()}
    assert _in_parts(sources, claims, dependence, batch_documents, count) == whole


# Hand-made corpora where what reaches across the cut matters: run with every number of
# partitions from 1 to 8, some of which put the two concepts in different partitions.
COUNTS = range(1, 9)


def _whole_and_parts(sources, claims, count):
    dependence = stage_dependence(sources, {})[DEPENDENCE.path]
    whole = {name: pipeline.encode(content) for name, content in
             stage_findings(sources, {CLAIMS.path: claims, DEPENDENCE.path: dependence}).items()}
    return whole, _in_parts(sources, claims, dependence, 1, count)


@pytest.mark.parametrize("count", COUNTS)
def test_a_statement_that_every_target_was_met_reaches_other_concepts(count):
    """"18/18 chỉ tiêu … đều đạt" (concept targets_met) makes a school target short of its result a
    contradiction: the targets rule of the schools' partition must see it."""
    text = ("Đánh giá chung, 18/18 chỉ tiêu chủ yếu đều đạt và vượt. Tuy nhiên, số trường đạt chuẩn quốc gia "
            "mới đạt 5/8 trường, chưa đạt mục tiêu 7 trường đề ra.")
    s = make_source("s", text, date="2025-08")
    other = make_source("t", "Tin ngắn: năm 2025 thành phố có 8 trường học.", date="2025-09")
    claims = pd.concat([
        make_claims(s, [("18/18 chỉ tiêu", 18, "criterion", "", "targets_met", "2020-2025", 18),
                        ("5/8 trường", 5, "school", "", "schools", "2020-2025", 8),
                        ("7 trường", 7, "school", "target", "schools", "2020-2025")]),
        make_claims(other, [("8 trường", 8, "school", "", "schools", "2025")])], ignore_index=True)
    whole, parts = _whole_and_parts([s, other], claims, count)
    assert parts == whole
    findings = pd.read_csv(io.BytesIO(whole[FINDINGS.path]))
    assert findings[findings["kind"] == "target_outcome"]["status"].tolist() == ["contradiction"]
    assert any(partitions.bucket_of("targets_met", n) != partitions.bucket_of("schools", n) for n in COUNTS)


PASSAGE = ("theo kết quả rà soát cuối năm của các phường trên địa bàn thành phố, tỷ lệ hộ nghèo năm 2024 "
           "còn {value}%, giảm so với cùng kỳ nhờ các chương trình hỗ trợ sinh kế")


@pytest.mark.parametrize("count", COUNTS)
def test_findings_seen_through_a_copy_are_found_in_one_task(count):
    """Documents b and d copy a passage of a and c; the copies' figures were read as another
    concept. The comparison a–c and the comparison b–d are one finding seen through the copies
    (merged, the first one kept): both must be compared in one task, whatever the partitions."""
    opening = {"a": "Báo cáo: ", "b": "Bản tin: ", "c": "Thông báo: ", "d": "Trang tin: "}
    value = {"a": "2,5", "b": "2,5", "c": "3,1", "d": "3,1"}
    concept = {"a": "poverty_rate", "c": "poverty_rate", "b": "near_poverty_rate", "d": "near_poverty_rate"}
    sources = [make_source(k, opening[k] + PASSAGE.format(value=value[k]), date="2024-12",
                           kind="report" if k in "ac" else "news") for k in "abcd"]
    claims = pd.concat([make_claims(s, [(value[k] + "%", float(value[k].replace(",", ".")), "percent", "",
                                         concept[k], "2024")])
                        for k, s in zip("abcd", sources, strict=True)], ignore_index=True)
    whole, parts = _whole_and_parts(sources, claims, count)
    assert parts == whole
    findings = pd.read_csv(io.BytesIO(whole[FINDINGS.path]))
    merged = findings[findings["explanation"].str.contains("reported once")]
    assert merged["claim_ids"].str.count(";").tolist() == [3]  # the four figures, one finding
    assert any(partitions.bucket_of("poverty_rate", n) != partitions.bucket_of("near_poverty_rate", n)
               for n in COUNTS)
