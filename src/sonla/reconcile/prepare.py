"""What every reconciliation rule starts from, computed once: the :class:`Evidence`.

:func:`prepare` reads the quantity claims (``kind == "quantity"``) with their sources' metadata
(``document_id``, text layer, kind, date), an effective period (the source's year when the
claim states none), the interval each allows (:mod:`~sonla.reconcile.intervals`), whether it is
a plan (a target, a projection, or a period that ends after its source's date), and the words
around it; matches the claims of copies of one document (:mod:`~sonla.reconcile.twins`); and
merges what is one statement into one *observation*. It also reads the passages documents copy
from each other (``dependence.csv``, computed from the sources when not given) and pairs the
claims that stand at the same place of them (:mod:`~sonla.reconcile.witnesses`), so that every
rule and the indicator table count independent witnesses the same way.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import pandas as pd

from ..fidelity.copies import reference_ids
from ..fidelity.dependence import copied_passages, dependence_table
from ..sources import Source
from ..text.lexicon import rule_file
from .intervals import claim_interval, reported_decimals
from .params import Params
from .preference import each_year_of, frames_of
from .rows import Row, group_rows, rows_of
from .twins import match_copies
from .witnesses import copied_claims, count_witnesses

__all__ = ["Evidence", "prepare", "prepare_quantities", "merge_observations", "copy_twins", "clause_around"]


def clause_around(text: str, start: int, end: int, before: int = 80, after: int = 50) -> str:
    """The words around a claim, cut at ';', '.', or a new line pair: where its base is named."""
    left = text[max(0, start - before):start]
    cut = max(left.rfind(";"), left.rfind(". "), left.rfind("\n\n"))
    left = left[cut + 1:] if cut >= 0 else left
    right = text[end:end + after]
    stops = [i for i in (right.find(";"), right.find(". "), right.find("\n\n")) if i >= 0]
    right = right[:min(stops)] if stops else right
    return left + text[start:end] + right


def prepare_quantities(claims: pd.DataFrame, sources: list[Source], params: Params) -> pd.DataFrame:
    """The quantity claims of ``claims`` (the claims contract), in manifest then text order, with
    columns added: ``document_id``, ``layer``, ``source_kind``, ``source_date`` (from the manifest),
    ``period_inferred`` and ``eff_period`` (the source's year when the claim states no period),
    ``order``, ``clause`` (:func:`clause_around`), ``decimals``, ``interval``
    (:func:`~sonla.reconcile.intervals.claim_interval`), ``frame`` (actual, estimate, target or
    change: :func:`~sonla.reconcile.preference.frame_of`), ``forward`` (a plan, not a result: the
    target frame) and ``each_year`` (:func:`~sonla.reconcile.preference.each_year_of`).

    Raises ``KeyError`` naming a missing contract column.
    """
    meta = {s.source_id: s for s in sources}
    order = {s.source_id: i for i, s in enumerate(sources)}
    q = claims[claims["kind"] == "quantity"].copy()
    q = q[q["source_id"].isin(meta)]
    for column in ("qualifier", "indicator", "period", "geography", "unit", "sentence", "text"):
        q[column] = q[column].fillna("").astype(str)
    q["value"] = pd.to_numeric(q["value"], errors="coerce")
    q["denominator"] = pd.to_numeric(q["denominator"], errors="coerce")
    q = q[q["value"].notna()]
    q["document_id"] = q["source_id"].map(lambda s: meta[s].document_id)
    q["layer"] = q["source_id"].map(lambda s: meta[s].text_layer)
    q["source_kind"] = q["source_id"].map(lambda s: meta[s].kind)
    q["source_date"] = q["source_id"].map(lambda s: meta[s].date)
    q["period_inferred"] = q["period"] == ""
    q["eff_period"] = [p if p else d[:4] for p, d in zip(q["period"], q["source_date"], strict=True)]
    q["order"] = q["source_id"].map(order)
    q["clause"] = [clause_around(meta[sid].text, int(a), int(b))
                   for sid, a, b in zip(q["source_id"], q["start"], q["end"], strict=True)]
    if "decimals" not in q.columns:
        q["decimals"] = [reported_decimals(t, v) for t, v in zip(q["text"], q["value"], strict=True)]
    q["decimals"] = [reported_decimals(t, v) if pd.isna(d) else int(d)
                     for t, v, d in zip(q["text"], q["value"], q["decimals"], strict=True)]
    highs = pd.to_numeric(q["value_high"], errors="coerce") if "value_high" in q.columns \
        else pd.Series(math.nan, index=q.index)
    q["interval"] = [claim_interval(v, ql, t, params, d, h)
                     for v, ql, t, d, h in zip(q["value"], q["qualifier"], q["text"], q["decimals"], highs,
                                               strict=True)]
    words = rule_file("findings.yaml")
    q["frame"] = frames_of(q, words)
    q["forward"] = q["frame"] == "target"
    q["each_year"] = [each_year_of(row, words) for row in rows_of(
        q[[c for c in ("each_year", "clause", "text") if c in q.columns]])]
    q["text"] = [re.sub(r"\s+", " ", t).strip() for t in q["text"]]
    return q.sort_values(["order", "start"]).reset_index(drop=True)


def merge_observations(q: pd.DataFrame, twins: dict[str, str]) -> pd.DataFrame:
    """One row per distinct statement with an indicator: copies' twins and exact repeats in one
    document merged.

    ``claim_list`` lists every claim behind the observation (the twin in the other copy, the
    repeat in a duplicated passage), so a finding cites all of them.
    """
    q = q.copy()
    q["root"] = [twins.get(c, c) for c in q["claim_id"]]
    q = q[q["indicator"] != ""]
    roots = q[q["claim_id"] == q["root"]].copy()
    members: dict[str, list[str]] = {}  # {root: its claims in row order} (pandas' groupby-apply was slower)
    for claim_id, root in zip(q["claim_id"], q["root"], strict=True):
        members.setdefault(root, []).append(claim_id)
    roots["claim_list"] = [members.get(c, [c]) for c in roots["claim_id"]]
    # Exact repeats in one document: same indicator, period, geography, value, unit, qualifier.
    keys = ["document_id", "indicator", "eff_period", "geography", "value", "unit", "qualifier"]
    roots["denominator_key"] = roots["denominator"].fillna(-1)
    repeats = group_rows(rows_of(roots), keys + ["denominator_key"], sort=False, dropna=False)
    merged = [dict(group[0], claim_list=sorted({c for row in group for c in row["claim_list"]}))
              for group in repeats.values()]
    if not merged:
        return roots.iloc[0:0]
    return (pd.DataFrame(merged, columns=roots.columns).sort_values(["order", "start"])
            .reset_index(drop=True))


def copy_twins(claims: pd.DataFrame, sources: list[Source], params: Params = Params()) -> dict[str, str]:
    """{claim_id in a weaker copy: claim_id of the same claim in the best copy of its document}."""
    return match_copies(prepare_quantities(claims, sources, params), sources)[0]


@dataclass(frozen=True)
class Evidence:
    """What every rule reads, computed once by :func:`prepare` and shared (rules never change it).

    ``quantities``: the prepared quantity claims of every source and copy
    (:func:`prepare_quantities`); ``reference``: the same, only the reference copy of each document
    (rules within a document read one copy, so a copy error never counts twice);
    ``observations``: one row per distinct statement (:func:`merge_observations`); ``twins`` and
    ``copy_findings``: the claims matched between copies and the findings of that matching
    (:func:`~sonla.reconcile.twins.match_copies`); ``texts``: the sources by id; ``params``: the
    tolerances; ``words``: the wording rules of ``rules/findings.yaml``; ``dependence``: the copied
    passages (``dependence.csv``); ``copied``: the claims at the same place of a copied passage
    (:func:`~sonla.reconcile.witnesses.copied_claims`); ``document_of``: every claim's document.
    """

    quantities: pd.DataFrame
    reference: pd.DataFrame
    observations: pd.DataFrame
    twins: dict[str, str]
    copy_findings: list[Row]
    texts: dict[str, Source]
    params: Params
    words: dict
    dependence: pd.DataFrame
    copied: dict[str, set[str]]
    document_of: dict[str, str]

    def witnesses(self, claims: list[Row] | list[str]) -> int:
        """Independent witnesses among ``claims`` (rows or claim ids)."""
        return count_witnesses(claims, self.document_of, self.copied)


def prepare(claims: pd.DataFrame, sources: list[Source], params: Params = Params(),
            dependence: pd.DataFrame | None = None) -> Evidence:
    """The shared starting point of every rule and of the indicator table.

    ``dependence`` is ``dependence.csv`` as the pipeline computed it; without it the copied
    passages are found from ``sources`` here.
    """
    q = prepare_quantities(claims, sources, params)
    twins, copy_findings = match_copies(q, sources, claims)
    if dependence is None:
        dependence = dependence_table(sources, copied_passages(sources))
    texts = {s.source_id: s for s in sources}
    return Evidence(quantities=q, reference=q[q["source_id"].isin(reference_ids(sources))],
                    observations=merge_observations(q, twins), twins=twins, copy_findings=copy_findings,
                    texts=texts, params=params, words=rule_file("findings.yaml"), dependence=dependence,
                    copied=copied_claims(q, dependence, texts),
                    document_of=dict(zip(q["claim_id"], q["document_id"], strict=True)))
