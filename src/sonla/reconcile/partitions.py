"""The findings stage in parts (:class:`sonla.parts.Across`): per document, then per concept.

What the rules compare decides the cut. The rules that read one document (``copies``,
``reference`` and ``quantities`` in :data:`~sonla.reconcile.registry.RULES`) run per document,
on the evidence of its copies (:func:`per_document`): its prepared claims, its twins, its
observations. The rules that read observations compare observations of one indicator (one
indicator and place, one indicator, place and unit …), so they run per partition of the
concepts (:func:`across_concepts`), each partition holding every document's observations of
its concepts; the cells of the indicator table are per indicator, so they are made there too,
with the independent witnesses of their claims. Nothing compares all pairs of the corpus.

Three things reach across the cut, and each is given to the parts that need it:

* **Copied passages** (``dependence.csv``). Claims at the same place of a passage one document
  copies from another are one witness, and findings seen through a copy are merged. The copied
  claims are found once, on the client, from the passages and the prepared claims' positions
  (:func:`share`, reading the texts of the passages' sources only); a copied claim of another
  concept puts both concepts' partitions in one task (``groups``), so that findings that merge
  are found in one task, in the order one run over the corpus finds them.
* **A document's statement that every target was met** ("18/18 chỉ tiêu … đều đạt", a ratio of
  another concept) is read by the targets rule (:func:`~sonla.reconcile.plans.check_targets`);
  every partition's targets rule sees those statements of every document besides its own
  observations (they are ratios, so never a target there, and of another concept, so never a
  result there).
* **The final findings** (merged, witnesses weighed, preferred values: :func:`combine`, with
  :func:`~sonla.reconcile.registry.finish_findings`) and the indicator table's rows
  (:func:`~sonla.reconcile.indicators.reconcile_indicators` on the partitions' cells) are made on
  the client, from what the documents and the partitions returned.

The combined tables are byte-identical to :func:`~sonla.reconcile.stage.stage_findings` on the
whole corpus (``tests/reconcile/test_partitions.py``: several batchings and numbers of
partitions, the five sources and a synthetic corpus; ``tests/engine/test_cluster.py``: on Dask).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace

import pandas as pd

from ..extract.claims import concept_of
from ..parts import Across
from ..schema import CLAIMS, DEPENDENCE, FINDINGS, INDICATORS
from ..sources import Source
from ..text.lexicon import rule_file
from . import plans
from .indicators import Cell, cell_values, indicator_cells, reconcile_indicators
from .params import Params
from .prepare import Evidence, prepare
from .registry import RULES, finish_findings
from .rows import Row
from .witnesses import copied_claims

__all__ = ["per_document", "partition", "share", "across_concepts", "combine", "FINDINGS_ACROSS",
           "ACROSS_READS", "bucket_of"]

# Rules that read observations compare within one indicator: they run across documents.
ACROSS_READS = "observations"
# The rule that also reads, per document, the statements that every target was met.
TARGETS = "targets"
NO_PASSAGES = pd.DataFrame(columns=DEPENDENCE.columns)
# What the indicator table reads of a cell's rows (the rest stays on the worker).
CELL_FIELDS = ("claim_id", "source_id", "document_id", "frame", "interval", "stated_period", "claim_list",
               "text", "qualifier", "value", "unit", "denominator", "period_inferred")
QUANTITY_FIELDS = ["claim_id", "source_id", "start", "document_id"]


def per_document(sources: list[Source], inputs: dict[str, object]) -> dict[str, object]:
    """Whole documents (every copy of each): the findings of the rules that read within a
    document, each with its rule's number, and what the other steps read of the evidence."""
    evidence = prepare(inputs[CLAIMS.path], sources, dependence=NO_PASSAGES)
    found = [(number, finding) for number, rule in enumerate(RULES) if rule.reads != ACROSS_READS
             for finding in rule.check(evidence)]
    observations = evidence.observations
    all_met = plans._all_met(observations, evidence.words)  # by document
    return {"findings": found, "observations": observations, "twins": evidence.twins,
            "quantities": evidence.quantities[QUANTITY_FIELDS],
            "all_met": [row for rows in all_met.values() for row in rows]}


def bucket_of(indicator: str, n: int) -> int:
    """The partition of an indicator's concept: a stable hash (the same on every worker and run).

    >>> bucket_of("poverty_rate@commune", 7) == bucket_of("poverty_rate@district", 7)
    True
    """
    return zlib.crc32(concept_of(indicator).encode("utf-8")) % n


def partition(piece: dict[str, object], n: int) -> tuple[dict[str, object], list[dict[str, object]]]:
    """What the combination keeps of one batch of documents, and its observations cut into ``n``
    by concept (each part with the batch's statements that every target was met)."""
    obs: pd.DataFrame = piece["observations"]
    buckets = [bucket_of(i, n) for i in obs["indicator"]]
    all_met = [(bucket_of(row["indicator"], n), row) for row in piece["all_met"]]
    kept = {"findings": piece["findings"], "twins": piece["twins"], "quantities": piece["quantities"],
            "claim_lists": list(obs["claim_list"]),
            "buckets": {c: b for members, b in zip(obs["claim_list"], buckets, strict=True) for c in members}}
    parts = [{"bucket": number, "observations": obs[[b == number for b in buckets]], "all_met": all_met}
             for number in range(n)]
    return kept, parts


class _Texts(Mapping):
    """The sources by id, read (and verified) only when asked for."""

    def __init__(self, text_of: Callable[[str], Source]) -> None:
        self._text_of = text_of

    def __getitem__(self, source_id: str) -> Source:
        return self._text_of(source_id)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def share(kept: list[dict[str, object]], sources: list[Source], inputs: dict[str, object],
          text_of: Callable[[str], Source], n: int) -> tuple[dict[str, object], list[list[int]]]:
    """On the client, before the partitions: the copied claims (from ``dependence.csv``), for
    every partition, and the partitions grouped into tasks so that two observations a copied
    passage links are compared in one task."""
    dependence = inputs.get(DEPENDENCE.path)
    quantities = _concat([k["quantities"] for k in kept], QUANTITY_FIELDS)
    copied = copied_claims(quantities, dependence, _Texts(text_of)) if dependence is not None else {}
    bucket: dict[str, int] = {}
    for k in kept:
        bucket.update(k["buckets"])
    parent = list(range(n))

    def root(b: int) -> int:
        while parent[b] != b:
            parent[b] = parent[parent[b]]
            b = parent[b]
        return b

    for claim, others in copied.items():
        for other in others:
            if claim in bucket and other in bucket:
                a, b = root(bucket[claim]), root(bucket[other])
                parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = {}
    for number in range(n):
        groups.setdefault(root(number), []).append(number)
    return {"copied": copied}, list(groups.values())


def across_concepts(parts: list[dict[str, object]], sources: list[Source],
                    shared: dict[str, object]) -> dict[str, object]:
    """One task's partitions over every document (``parts`` in document order): the findings of
    the rules that read observations, the indicator cells and their preferred values."""
    buckets = {p["bucket"] for p in parts}
    frames = [p["observations"] for p in parts if len(p["observations"])]
    if not frames:
        return {"findings": [], "cells": [], "values": {}}
    order = {s.source_id: i for i, s in enumerate(sources)}
    obs = _in_order(pd.concat(frames, ignore_index=True), order)
    extra = {row["claim_id"]: row for p in parts for b, row in p["all_met"] if b not in buckets}
    document_of = {c: d for members, d in zip(obs["claim_list"], obs["document_id"], strict=True)
                   for c in members}
    document_of.update({c: row["document_id"] for row in extra.values() for c in row["claim_list"]})
    evidence = Evidence(quantities=obs.iloc[0:0], reference=obs.iloc[0:0], observations=obs, twins={},
                        copy_findings=[], texts={}, params=Params(), words=rule_file("findings.yaml"),
                        dependence=NO_PASSAGES, copied=shared["copied"], document_of=document_of)
    with_all_met = evidence
    if extra:
        rows = pd.DataFrame(list(extra.values()), columns=obs.columns)
        with_all_met = replace(evidence,
                               observations=_in_order(pd.concat([obs, rows], ignore_index=True), order))
    found = [(number, finding) for number, rule in enumerate(RULES) if rule.reads == ACROSS_READS
             for finding in rule.check(with_all_met if rule.name == TARGETS else evidence)]
    cells = indicator_cells(evidence)
    return {"findings": found, "values": cell_values(evidence, cells), "cells": [_slim(c) for c in cells]}


def combine(kept: list[dict[str, object]], crossed: list[dict[str, object]], sources: list[Source],
            inputs: dict[str, object], shared: dict[str, object]) -> dict[str, object]:
    """``findings.csv`` and ``indicators.csv`` from what the documents kept and the tasks found."""
    order = {s.source_id: i for i, s in enumerate(sources)}

    def home(finding: Row) -> int:  # a rule within documents reads them in manifest order
        return min(order.get(s, len(order)) for s in str(finding["sources"]).split(";"))

    within = sorted((item for k in kept for item in k["findings"]), key=lambda item: (item[0], home(item[1])))
    # Stable: the order of the rules, as one run finds them; findings that may merge (or repeat)
    # were found in one task, in the order one run finds them.
    found = sorted(within + [item for part in crossed for item in part["findings"]], key=lambda item: item[0])
    quantities = _concat([k["quantities"] for k in kept], QUANTITY_FIELDS)
    twins: dict[str, str] = {}
    for k in kept:
        twins.update(k["twins"])
    claim_lists = [members for k in kept for members in k["claim_lists"]]
    evidence = Evidence(quantities=quantities, reference=quantities.iloc[0:0],
                        observations=pd.DataFrame({"claim_list": claim_lists}),
                        twins=twins, copy_findings=[], texts={}, params=Params(), words={},
                        dependence=NO_PASSAGES, copied=shared["copied"],
                        document_of=dict(zip(quantities["claim_id"], quantities["document_id"], strict=True)))
    values: dict[str, tuple[str, str]] = {}
    for part in crossed:
        values.update(part["values"])
    findings = finish_findings([finding for _, finding in found], evidence, values)
    cells = sorted((cell for part in crossed for cell in part["cells"]), key=lambda cell: cell.key)
    indicators = reconcile_indicators(None, sources, findings, prepared=evidence, cells=cells)
    return {FINDINGS.path: findings, INDICATORS.path: indicators}


def _in_order(obs: pd.DataFrame, order: dict[str, int]) -> pd.DataFrame:
    """Observations in the manifest's order, as one run over the corpus holds them."""
    obs = obs.copy()
    obs["order"] = obs["source_id"].map(order)
    return obs.sort_values(["order", "start"]).reset_index(drop=True)


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def _slim(cell: Cell) -> Cell:
    """A cell with only what the indicator table reads of its rows (what travels to the client)."""
    def slim(row: Row) -> Row:
        return {k: row[k] for k in CELL_FIELDS if k in row}
    return replace(cell, rows=tuple(slim(r) for r in cell.rows), best=slim(cell.best))


FINDINGS_ACROSS = Across(per_unit=per_document, partition=partition, across=across_concepts,
                         combine=combine, share=share)
