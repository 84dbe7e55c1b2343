"""The findings stage in parts (:class:`sonla.parts.Across`): per document, then per indicator.

What the rules compare decides the cut. The rules that read one document (``copies``,
``reference`` and ``quantities`` in :data:`~sonla.reconcile.registry.RULES`) run per document,
with the claims of its copies; the rules that read observations compare observations of one
indicator only (between documents: one indicator and place; stated totals, projections and
restatements: one indicator), so they run per partition of the indicators, each partition
holding every document's observations of its indicators. The indicator table is per cell of one
indicator, so it is made in the same partitions, with the findings that touch its claims.
Nothing compares all pairs of the corpus.

A dependence stage (copied passages between documents) would cut the same way by candidate
pairs of documents: ``per_unit`` returns what a document offers for comparison (its passage
fingerprints), ``partition`` sends each candidate pair to one partition, and ``across`` compares
the pairs of a partition.

:func:`per_document` and :func:`across_indicators` give :func:`stage_findings` 's outputs: the
combined tables are byte-identical to the whole-corpus run (``tests/test_engine.py``).
"""

from __future__ import annotations

import zlib

import pandas as pd

from ..parts import Across
from ..schema import CLAIMS, FINDING_COLUMNS, FINDINGS, INDICATOR_COLUMNS, INDICATORS
from ..sources import Source
from ..text.lexicon import rule_file
from .indicators import reconcile_indicators
from .params import Params
from .prepare import Evidence, prepare
from .registry import RULES
from .rows import Row

__all__ = ["per_document", "partition", "across_indicators", "combine", "FINDINGS_ACROSS", "ACROSS_READS"]

# Rules that read observations compare within one indicator: they run across documents.
ACROSS_READS = "observations"


def per_document(sources: list[Source], inputs: dict[str, object]) -> dict[str, object]:
    """One document (its copies, in manifest order): its prepared claims, its observations and
    the findings of the rules that read within a document, each with its rule's number."""
    evidence = prepare(inputs[CLAIMS.path], sources)
    found = [(number, finding) for number, rule in enumerate(RULES) if rule.reads != ACROSS_READS
             for finding in rule.check(evidence)]
    return {"findings": found, "observations": evidence.observations,
            "claims": evidence.quantities[["claim_id", "source_id"]]}


def _bucket(indicator: str, n: int) -> int:
    """The partition of an indicator: a stable hash (the same on every worker and every run)."""
    return zlib.crc32(indicator.encode("utf-8")) % n


def partition(piece: dict[str, object], n: int) -> tuple[list[tuple[int, Row]], list[dict[str, object]]]:
    """What the combination keeps of one document's piece (its findings), and the piece cut into
    ``n`` by indicator: the observations of the partition's indicators, the claims behind them,
    and the document's findings that touch those claims."""
    obs: pd.DataFrame = piece["observations"]
    buckets = [_bucket(i, n) for i in obs["indicator"]]
    parts = []
    for number in range(n):
        part = obs[[b == number for b in buckets]]
        ids = {c for claim_list in part["claim_list"] for c in claim_list}
        claims: pd.DataFrame = piece["claims"]
        parts.append({
            "observations": part,
            "claims": claims[claims["claim_id"].isin(ids)],
            "findings": [(rule, f) for rule, f in piece["findings"]
                         if not ids.isdisjoint(str(f["claim_ids"]).split(";"))],
        })
    return piece["findings"], parts


def across_indicators(parts: list[dict[str, object]], sources: list[Source]) -> dict[str, object]:
    """One partition of the indicators over every document: the findings of the rules that read
    observations, and the indicator table's rows (with every finding on their claims)."""
    observations = [p["observations"] for p in parts if len(p["observations"])]
    if not observations:
        return {"findings": [], "indicators": []}
    order = {s.source_id: i for i, s in enumerate(sources)}
    obs = pd.concat(observations, ignore_index=True)
    obs["order"] = obs["source_id"].map(order)  # the manifest's order, as one run over the corpus
    obs = obs.sort_values(["order", "start"]).reset_index(drop=True)
    claims = pd.concat([p["claims"] for p in parts], ignore_index=True)
    evidence = Evidence(quantities=claims, reference=claims.iloc[0:0], observations=obs, twins={},
                        copy_findings=[], texts={}, params=Params(), words=rule_file("findings.yaml"))
    found = [(number, finding) for number, rule in enumerate(RULES) if rule.reads == ACROSS_READS
             for finding in rule.check(evidence)]
    # Every finding on these claims, the first of each id in the order of the rules (as the
    # whole-corpus table keeps it).
    related = sorted(found + [item for p in parts for item in p["findings"]], key=lambda item: item[0])
    table = pd.DataFrame([f for _, f in related], columns=FINDING_COLUMNS[:-1]).drop_duplicates("finding_id")
    indicators = reconcile_indicators(None, sources, table, prepared=evidence)
    return {"findings": found, "indicators": indicators.to_dict("records")}


def combine(kept: list[list[tuple[int, Row]]], crossed: list[dict[str, object]],
            sources: list[Source]) -> dict[str, object]:
    """``findings.csv`` and ``indicators.csv`` from what the documents kept (their findings) and
    the partitions."""
    found: list[tuple[int, Row]] = [item for findings in kept for item in findings]
    found += [item for part in crossed for item in part["findings"]]
    found.sort(key=lambda item: item[0])  # stable: the order of the rules, as one run would find them
    rows = [row for part in crossed for row in part["indicators"]]
    rows.sort(key=lambda r: (r["indicator"], r["period"], r["geography"], r["unit"]))
    return {FINDINGS.path: assemble_findings([f for _, f in found]),
            INDICATORS.path: pd.DataFrame(rows, columns=INDICATOR_COLUMNS)}


FINDINGS_ACROSS = Across(per_unit=per_document, partition=partition, across=across_indicators,
                         combine=combine)
