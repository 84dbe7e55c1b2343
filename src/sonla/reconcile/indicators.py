"""One row per indicator, period, geography and unit: the preferred value, its range and why.

The preferred claim is the one from the official, latest and best-layered source
(:func:`~sonla.reconcile.finding.rank`); the status is the worst status of the findings on the
cell's claims (``consistent`` when several documents agree, ``single_source`` otherwise); the
range covers every claim of the cell. Periods that are one term (2021-2025 within 2020-2025)
are one cell, named by the reference period.
"""

from __future__ import annotations

import pandas as pd

from ..extract.claims import concept_of
from ..schema import INDICATOR_COLUMNS
from ..sources import Source
from ..text.lexicon import load_labels
from .finding import describe, rank, value_text
from .params import Params
from .periods import canonical_period
from .prepare import Evidence, prepare
from .rows import Row, group_rows, rows_of

__all__ = ["reconcile_indicators"]


def reconcile_indicators(claims: pd.DataFrame, sources: list[Source], findings: pd.DataFrame,
                         params: Params = Params(), prepared: Evidence | None = None) -> pd.DataFrame:
    """One row per indicator × period × geography × unit (columns ``INDICATOR_COLUMNS``): the
    preferred value and why.

    The preferred claim is the one from the best text layer, official before news, latest date;
    when the claims of one cell contradict each other the status says so and the range covers them.
    ``prepared`` (the evidence the findings were found on) saves preparing the claims again.
    """
    prepared = prepared or prepare(claims, sources, params)
    q, obs = prepared.quantities, prepared.observations.copy()
    obs["stated_period"] = obs["eff_period"]
    obs["eff_period"] = [canonical_period(p, params.reference_period) for p in obs["eff_period"]]
    labels = load_labels()
    source_of = dict(zip(q["claim_id"], q["source_id"], strict=True))
    by_claim: dict[str, list[Row]] = {}
    for f in rows_of(findings):
        for cid in str(f["claim_ids"]).split(";"):
            by_claim.setdefault(cid, []).append(f)
    rows = []
    cells = group_rows(rows_of(obs), ["indicator", "eff_period", "geography", "unit"])
    for (indicator, period, geography, unit), group in cells.items():
        best = min(group, key=rank)
        ids = sorted({c for row in group for c in row["claim_list"]})
        related = {f["finding_id"]: f for cid in ids for f in by_claim.get(cid, [])}
        statuses = {f["status"] for f in related.values()}
        docs = len({row["document_id"] for row in group})
        status = ("contradiction" if "contradiction" in statuses else "unresolved"
                  if "unresolved" in statuses else "explained" if "explained" in statuses
                  else "consistent" if docs > 1 else "single_source")
        lo = min(row["interval"].lo for row in group)
        hi = max(row["interval"].hi for row in group)
        forward = bool(best["forward"])
        stated = sorted({row["stated_period"] for row in group} - {period})
        reasoning = (
            f"{len(ids)} claim(s) from {docs} document(s); preferred: {describe(best)}"
            f"{'; stated as ' + ', '.join(stated) + ', the same term' if stated else ''}"
            f"{' (a plan, not an actual)' if forward else ''}"
            f"{'; period taken from the source date' if best['period_inferred'] else ''}"
            + (f"; findings: {', '.join(sorted({_kind_status(f) for f in related.values()}))}"
               if related else "")
        )
        rows.append({
            "indicator": indicator, "label_en": labels.indicator_label.get(concept_of(indicator), ""),
            "theme": labels.indicator_theme.get(concept_of(indicator), ""), "period": period,
            "geography": geography, "preferred_value": value_text(best),
            "value_low": lo, "value_high": hi, "unit": unit, "status": status,
            "sources": ";".join(sorted({row["source_id"] for row in group} | {
                s for row in group for s in _source_of(row["claim_list"], source_of)})),
            "claim_ids": ";".join(ids), "n_claims": len(ids),
            "finding_ids": ";".join(sorted(related)), "reasoning": reasoning,
        })
    return pd.DataFrame(rows, columns=INDICATOR_COLUMNS)


def _kind_status(finding: Row) -> str:
    return f"{finding['kind']} ({finding['status']})"


def _source_of(claim_ids: list[str], lookup: dict[str, str]) -> set[str]:
    return {lookup[c] for c in claim_ids if c in lookup}
