"""The numbered 2025–2030 targets, their nearest baselines and the annual change they require.

Rules (all general, no source named in code):

* **Numbered list.** In each source, the list markers (``kind == "list_marker"`` claims such as
  ``(7)``) form runs numbered 1, 2, …, N in text order. The target list is the longest run whose
  items hold quantity claims with a forward period (one that ends after the source's year).
* **Items.** An item runs from its marker to the next list marker or section number.
* **Target value.** The item's first quantity claim with an indicator key (else its first
  quantity claim); the other quantities of the item are listed as sub-targets.
* **Baseline.** Among quantity claims with the same indicator and unit, not in the target list
  and with a period ending before the target year: the nearest geography (order and scope in
  ``rules/feasibility.yaml``), then the latest year, then source order. When every merged ward
  reports an additive amount for one period, their sum is a baseline for the whole new ward.
* **Required change.** Percentage points per year for shares; compound annual growth for
  amounts; over the years from the baseline year to the target year.
* **Feasibility.** Bands of ``rules/feasibility.yaml`` applied to that change.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import pandas as pd

from ..sources import read_manifest
from ..text.lexicon import rule_file

__all__ = [
    "marker_number",
    "numbered_runs",
    "target_list",
    "target_items",
    "end_year",
    "required_change",
    "feasibility",
    "nearest_baseline",
    "target_table",
    "SHARE_UNITS",
]

SHARE_UNITS = {"percent", "percent_per_year", "percentage_point"}
_MARKER = re.compile(r"^\(?\s*(\d{1,3})\s*[).]?$")
_YEAR = re.compile(r"(?:19|20)\d{2}")


def _rules() -> dict:
    return rule_file("feasibility.yaml")


def marker_number(text: str) -> int | None:
    """The number of a list marker, or None.

    >>> marker_number("(12)"), marker_number("3."), marker_number("a)")
    (12, 3, None)
    """
    match = _MARKER.match(str(text).strip())
    return int(match[1]) if match else None


def end_year(period: object) -> int | None:
    """The last year of a period ("2020-2025" → 2025, "2024" → 2024, "" → None).

    >>> end_year("2020-2025"), end_year("2024"), end_year(float("nan"))
    (2025, 2024, None)
    """
    years = _YEAR.findall(str(period)) if isinstance(period, str) else []
    return int(years[-1]) if years else None


def numbered_runs(claims: pd.DataFrame) -> list[pd.DataFrame]:
    """Runs of list markers numbered 1, 2, …, N in text order, per source (each run a frame)."""
    runs: list[pd.DataFrame] = []
    markers = claims[claims["kind"] == "list_marker"].copy()
    markers["number"] = markers["text"].map(marker_number)
    markers = markers.dropna(subset=["number"])
    for _, group in markers.groupby("source_id", sort=False):
        current: list[int] = []
        ordered = group.sort_values("start")
        for index, number in zip(ordered.index, ordered["number"], strict=True):
            if number == 1:
                if current:
                    runs.append(markers.loc[current])
                current = [index]
            elif current and number == markers.loc[current[-1], "number"] + 1:
                current.append(index)
            elif current:
                runs.append(markers.loc[current])
                current = []
        if current:
            runs.append(markers.loc[current])
    return runs


def target_items(claims: pd.DataFrame, run: pd.DataFrame) -> pd.DataFrame:
    """One row per marker of ``run``: number, span (start, end) and the quantity claims inside."""
    source_id = run["source_id"].iloc[0]
    own = claims[claims["source_id"] == source_id].sort_values("start")
    stops = own[own["kind"].isin(["list_marker", "section_number"])]["start"].tolist()
    rows = []
    for marker in run.sort_values("start").to_dict("records"):
        after = [s for s in stops if s > marker["start"]]
        end = after[0] if after else int(own["end"].max()) + 1
        inside = own[(own["start"] > marker["start"]) & (own["start"] < end) & (own["kind"] == "quantity")]
        rows.append({"number": int(marker["number"]), "marker_id": marker["claim_id"],
                     "source_id": source_id, "start": int(marker["start"]), "end": int(end),
                     "quantity_ids": inside["claim_id"].tolist()})
    return pd.DataFrame(rows)


def _forward_share(claims: pd.DataFrame, run: pd.DataFrame, source_year: int | None) -> float:
    items = target_items(claims, run)
    ids = [i for ids in items["quantity_ids"] for i in ids]
    if not ids:
        return 0.0
    periods = claims.set_index("claim_id").loc[ids, "period"]
    ends = [end_year(p) for p in periods]
    return sum(1 for e in ends if e is not None and source_year is not None and e > source_year) / len(ids)


def target_list(claims: pd.DataFrame, source_years: dict[str, int] | None = None) -> pd.DataFrame:
    """The items of the numbered target list (see the module docstring); empty if none.

    ``source_years`` maps a source id to its year; by default the year of its manifest date.
    """
    if source_years is None:
        source_years = {row["source_id"]: end_year(row["date"][:4]) for row in read_manifest()}
    best: pd.DataFrame | None = None
    for run in numbered_runs(claims):
        year = source_years.get(run["source_id"].iloc[0])
        if _forward_share(claims, run, year) < 0.5:
            continue
        if best is None or len(run) > len(best):
            best = run
    if best is None:
        return pd.DataFrame(columns=["number", "marker_id", "source_id", "start", "end", "quantity_ids"])
    return target_items(claims, best)


def required_change(target: float, base: float, years: int, unit: str) -> tuple[float, str]:
    """(annual change, measure): points a year for shares, compound growth in % for amounts.

    >>> required_change(100, 90, 5, "percent")
    (2.0, 'points/year')
    >>> round(required_change(250, 100, 5, "bn_vnd")[0], 2)
    20.11
    >>> required_change(0, 100, 5, "bn_vnd")
    (nan, 'not computable')
    """
    years = max(1, int(years))
    if unit in SHARE_UNITS:
        return (target - base) / years, "points/year"
    if base > 0 and target > 0:
        return 100 * ((target / base) ** (1 / years) - 1), "% a year (CAGR)"
    return math.nan, "not computable"


def feasibility(change: float, measure: str, target: float, base: float, scope: str,
                qualifier: str = "") -> str:
    """The rule-based note for one target (bands from ``rules/feasibility.yaml``).

    >>> feasibility(2.0, "points/year", 100, 90, "whole")
    'demanding'
    >>> feasibility(-1.0, "points/year", 95, 100, "part", "at_least")
    'already met at baseline; baseline covers only part of the new ward: indicative'
    """
    rules = _rules()
    if math.isnan(change):
        return "not computable (a zero or negative value)"
    decrease = qualifier in {"decrease", "at_most"}
    met = target >= base if decrease else target <= base
    if met:
        note = rules["met"]
    else:
        bands = rules["points_per_year"] if measure == "points/year" else rules["growth_per_year"]
        size = abs(change)
        band = 0 if size <= bands[0] else 1 if size <= bands[1] else 2
        note = rules["labels"][band]
    if scope == "part":
        note += f"; {rules['partial_note']}"
    elif scope == "wider":
        note += f"; {rules['wider_note']}"
    return note


@dataclass(frozen=True)
class Baseline:
    value: float
    year: int
    geography: str
    scope: str
    source_id: str
    claim_ids: tuple[str, ...]
    text: str


def nearest_baseline(claims: pd.DataFrame, target: dict, excluded: set[str],
                     target_year: int) -> tuple[Baseline | None, str]:
    """The nearest earlier claim of the target's concept and unit, or None and the reason.

    A baseline may be at another level (the city's rate for the ward's target): the concept,
    not the indicator (concept@level), is what is compared, and the geography says which.
    """
    concept = target.get("concept")
    if not isinstance(concept, str) or not concept:
        return None, "the target's wording maps to no indicator key, so no claim can be compared"
    same = claims[(claims["kind"] == "quantity") & (claims["concept"] == concept)
                  & ~claims["claim_id"].isin(excluded)].copy()
    if same.empty:
        return None, "no other claim in the sources measures this indicator"
    same = same[same["unit"] == target.get("unit")]
    if same.empty:
        return None, "the other claims of this indicator use another unit"
    same["year"] = same["period"].map(end_year)
    same = same[same["year"].notna() & (same["year"] < target_year)]
    if same.empty:
        return None, "every other claim of this indicator is itself a target for the same horizon"
    order = {g["geography"]: (i, g["scope"]) for i, g in enumerate(_rules()["baseline_geographies"])}
    same = same[same["geography"].isin(order)]
    if same.empty:
        return None, "the claims of this indicator are for geographies not comparable with the ward"
    summed = _sum_of_parts(same, order)
    if summed is not None:
        return summed, ""
    source_rank = {s: i for i, s in enumerate(dict.fromkeys(claims["source_id"]))}
    same["rank"] = [(order[g][0], -int(y), source_rank[s], st)
                    for g, y, s, st in zip(same["geography"], same["year"], same["source_id"],
                                           same["start"], strict=True)]
    best = same.sort_values("rank").iloc[0]
    return Baseline(float(best["value"]), int(best["year"]), best["geography"], order[best["geography"]][1],
                    best["source_id"], (best["claim_id"],), str(best["text"])), ""


def _sum_of_parts(same: pd.DataFrame, order: dict) -> Baseline | None:
    """A whole-ward baseline when every part reports an additive amount for the same period."""
    if (same["geography"].map(lambda g: order[g][0]) == 0).any():
        return None
    parts = [g for g, (_, scope) in order.items() if scope == "part"]
    if same["unit"].iloc[0] in SHARE_UNITS:
        return None
    for _, group in same.sort_values("year", ascending=False).groupby("period", sort=False):
        firsts = group.sort_values("start").drop_duplicates("geography")
        if set(firsts["geography"]) >= set(parts):
            firsts = firsts[firsts["geography"].isin(parts)]
            return Baseline(float(firsts["value"].sum()), int(firsts["year"].iloc[0]),
                            "sum of the merged wards", "whole", ";".join(dict.fromkeys(firsts["source_id"])),
                            tuple(firsts["claim_id"]), " + ".join(firsts["text"].astype(str)))
    return None


def target_table(claims: pd.DataFrame, source_years: dict[str, int] | None = None,
                 target_year: int = 2030) -> pd.DataFrame:
    """One row per numbered target: its value, nearest baseline, required change and feasibility."""
    items = target_list(claims, source_years)
    by_id = claims.set_index("claim_id")
    in_list = {i for ids in items["quantity_ids"] for i in ids}
    rows = []
    for item in items.to_dict("records"):
        quantities = by_id.loc[item["quantity_ids"]].reset_index() if item["quantity_ids"] else pd.DataFrame()
        row: dict[str, object] = {"number": item["number"], "marker_id": item["marker_id"],
                                  "source_id": item["source_id"], "sub_targets": max(0, len(quantities) - 1)}
        if quantities.empty:
            row.update(reason="the item states no quantity", target_id="", indicator="")
            rows.append(row)
            continue
        keyed = quantities[quantities["concept"].notna() & (quantities["concept"] != "")]
        target = (keyed if not keyed.empty else quantities).iloc[0].to_dict()
        row.update(target_id=target["claim_id"], target_text=target["text"], target_value=target["value"],
                   unit=target["unit"], qualifier=target.get("qualifier") or "",
                   indicator=target.get("indicator") or "", concept=target.get("concept") or "",
                   sentence=target["sentence"])
        base, reason = nearest_baseline(claims, target, in_list, target_year)
        if base is None:
            row["reason"] = reason
            rows.append(row)
            continue
        years = target_year - base.year
        change, measure = required_change(float(target["value"]), base.value, years, str(target["unit"]))
        row.update(baseline_value=base.value, baseline_year=base.year, baseline_geography=base.geography,
                   baseline_scope=base.scope, baseline_source=base.source_id,
                   baseline_ids=";".join(base.claim_ids), baseline_text=base.text, years=years,
                   annual_change=change, measure=measure,
                   feasibility=feasibility(change, measure, float(target["value"]), base.value,
                                           base.scope, str(row["qualifier"])),
                   reason="")
        rows.append(row)
    columns = ["number", "marker_id", "source_id", "target_id", "target_text", "target_value", "unit",
               "qualifier", "indicator", "sub_targets", "baseline_value", "baseline_year",
               "baseline_geography", "baseline_scope", "baseline_source", "baseline_ids", "baseline_text",
               "years", "annual_change", "measure", "feasibility", "reason", "sentence"]
    return pd.DataFrame(rows).reindex(columns=columns)
