"""One row per indicator, period, geography, unit and frame: the preferred value, its range and why.

A *cell* holds every observation of one indicator, place, unit and frame (actual, estimate,
target and change are kept apart: a target is never the value of an achieved indicator, nor a
change the value of a level) whose periods are one term
(2021-2025 within 2020-2025: :func:`~sonla.reconcile.periods.canonical_period`). Its preferred
claim is chosen by the preference policy (:mod:`~sonla.reconcile.preference`: actual over
estimate over target, the later period, official over news, the later statement, more
independent witnesses, the better text layer); :func:`cell_values` gives the same choice to the
findings, so a finding and this table never disagree about a cell. The range covers the claims
of the preferred claim's frame; the status is the worst status of the findings on the cell's
claims, or, without such a finding, ``consistent`` when two or more independent witnesses state
it, ``restated`` when several documents state it on one witness, ``single_source`` otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..extract.claims import concept_of
from ..schema import INDICATOR_COLUMNS
from ..sources import Source
from ..text.lexicon import load_labels
from .finding import describe, value_text
from .params import Params
from .periods import canonical_period
from .preference import preferred
from .prepare import Evidence, prepare
from .rows import Row, group_rows, rows_of

__all__ = ["Cell", "indicator_cells", "cell_values", "reconcile_indicators"]

# The worst status first: the status of a cell is the first of these among its findings.
STATUS_PRECEDENCE = ("contradiction", "unresolved", "explained", "consistent", "restated")


@dataclass(frozen=True)
class Cell:
    """The observations of one indicator × period × geography × unit × frame and the preferred one."""

    key: tuple[str, str, str, str, str]
    rows: tuple[Row, ...]
    best: Row
    claim_ids: tuple[str, ...]
    witnesses: int


def _support(ev: Evidence, rows: list[Row]):
    """Witnesses per row: the independent witnesses among the cell's rows that allow its value."""
    known: dict[object, int] = {}  # by interval: a cell's rows often allow the same values

    def support(row: Row) -> int:
        interval = row["interval"]
        if interval not in known:
            agreeing = [c for r in rows if r["interval"].overlaps(interval) for c in r["claim_list"]]
            known[interval] = ev.witnesses(agreeing)
        return known[interval]
    return support


def indicator_cells(ev: Evidence) -> list[Cell]:
    """Every cell of the observations, in the order of (indicator, period, geography, unit)."""
    obs = ev.observations.copy()
    if obs.empty:
        return []
    obs["stated_period"] = obs["eff_period"]
    obs["eff_period"] = [canonical_period(p, ev.params.reference_period) for p in obs["eff_period"]]
    cells = []
    keys = ["indicator", "eff_period", "geography", "unit", "frame"]
    for key, group in group_rows(rows_of(obs), keys).items():
        best = preferred(group, _support(ev, group))
        ids = tuple(sorted({c for row in group for c in row["claim_list"]}))
        cells.append(Cell(key, tuple(group), best, ids, ev.witnesses(list(ids))))
    return cells


def cell_values(ev: Evidence, cells: list[Cell] | None = None) -> dict[str, tuple[str, str]]:
    """{claim_id: (the preferred value of its cell, the claim it is from)} for every claim of a cell."""
    values: dict[str, tuple[str, str]] = {}
    for cell in cells if cells is not None else indicator_cells(ev):
        chosen = (value_text(cell.best), str(cell.best["claim_id"]))
        for cid in cell.claim_ids:
            values[cid] = chosen
    return values


def reconcile_indicators(claims: pd.DataFrame, sources: list[Source], findings: pd.DataFrame,
                         params: Params = Params(), prepared: Evidence | None = None,
                         cells: list[Cell] | None = None) -> pd.DataFrame:
    """One row per indicator × period × geography × unit (columns ``INDICATOR_COLUMNS``): the
    preferred value and why (see the module docstring).

    ``prepared`` (the evidence the findings were found on) saves preparing the claims again;
    ``cells`` (:func:`indicator_cells`, in their order) saves finding the cells again.
    """
    ev = prepared or prepare(claims, sources, params)
    labels = load_labels()
    source_of = dict(zip(ev.quantities["claim_id"], ev.quantities["source_id"], strict=True))
    by_claim: dict[str, list[Row]] = {}
    for f in rows_of(findings):
        for cid in str(f["claim_ids"]).split(";"):
            by_claim.setdefault(cid, []).append(f)
    rows = []
    for cell in indicator_cells(ev) if cells is None else cells:
        indicator, period, geography, unit, frame = cell.key
        group, best, ids = list(cell.rows), cell.best, list(cell.claim_ids)
        related = {f["finding_id"]: f for cid in ids for f in by_claim.get(cid, [])}
        statuses = {f["status"] for f in related.values()}
        docs = len({row["document_id"] for row in group})
        status = next((s for s in STATUS_PRECEDENCE if s in statuses), None)
        if status is None or status in ("consistent", "restated"):
            status = ("consistent" if cell.witnesses > 1 else "restated" if docs > 1 else "single_source")
        same_frame = [row for row in group if row["frame"] == best["frame"]]
        lo = min(row["interval"].lo for row in same_frame)
        hi = max(row["interval"].hi for row in same_frame)
        stated = sorted({row["stated_period"] for row in group} - {period})
        others = sorted({row["frame"] for row in group} - {best["frame"]})
        reasoning = (
            f"{len(ids)} claim(s) from {docs} document(s), {cell.witnesses} independent witness(es); "
            f"preferred: {describe(best)}"
            f"{'; stated as ' + ', '.join(stated) + ', the same term' if stated else ''}"
            f"{' (a plan, not an actual)' if best['frame'] == 'target' else ''}"
            f"{' (an estimate)' if best['frame'] == 'estimate' else ''}"
            f"{'; also ' + ', '.join(others) + ' claim(s), not in the range' if others else ''}"
            f"{'; period taken from the source date' if best['period_inferred'] else ''}"
            + (f"; findings: {', '.join(sorted({_kind_status(f) for f in related.values()}))}"
               if related else "")
        )
        rows.append({
            "indicator": indicator, "label_en": labels.indicator_label.get(concept_of(indicator), ""),
            "theme": labels.indicator_theme.get(concept_of(indicator), ""), "period": period,
            "geography": geography, "preferred_value": value_text(best),
            "value_low": lo, "value_high": hi, "unit": unit, "frame": frame, "status": status,
            "sources": ";".join(sorted({row["source_id"] for row in group} | {
                s for row in group for s in _source_of(row["claim_list"], source_of)})),
            "claim_ids": ";".join(ids), "n_claims": len(ids),
            "finding_ids": ";".join(sorted(related)), "reasoning": reasoning,
            "independent_sources": cell.witnesses,
        })
    return pd.DataFrame(rows, columns=INDICATOR_COLUMNS)


def _kind_status(finding: Row) -> str:
    return f"{finding['kind']} ({finding['status']})"


def _source_of(claim_ids: list[str], lookup: dict[str, str]) -> set[str]:
    return {lookup[c] for c in claim_ids if c in lookup}
