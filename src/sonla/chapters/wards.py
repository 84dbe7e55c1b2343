"""The merged wards side by side: the metrics the sources give for each old ward.

A claim belongs to an old ward when its geography ends in ``-old`` (the claims contract).
Claims are made comparable by a *metric*: the claim's indicator key when it has one; otherwise
the section it stands in (the heading line of the nearest section number before it) and its
unit — the ward-by-ward part of a report repeats the same sections for every ward, so claims of
one unit in one section measure the same kind of thing. Where a ward gives several values for
one metric, the first is compared and the others are counted.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from ..sources import Source
from ..text.lexicon import rule_file

__all__ = ["OLD_SUFFIX", "place_labels", "heading_at", "ward_claims", "ward_matrix", "coverage"]

OLD_SUFFIX = "-old"


@lru_cache(maxsize=1)
def place_labels() -> dict[str, dict[str, str]]:
    """{geography key: {"vi": ..., "en": ...}} from ``rules/places.yaml``."""
    rules = rule_file("places.yaml")
    return {p["key"]: {"vi": p["vi"], "en": p["en"]} for p in rules["places"]}


def heading_at(text: str, section_starts: list[int], offset: int) -> str:
    """The heading line that starts at the last section number before ``offset`` ("" if none).

    >>> heading_at("1.2. Trade\\nPhường A có 5 hộ.", [0], 15)
    '1.2. Trade'
    """
    before = [s for s in section_starts if s <= offset]
    if not before:
        return ""
    start = before[-1]
    end = text.find("\n", start)
    return text[start: end if end >= 0 else len(text)].strip()[:80]


def ward_claims(claims: pd.DataFrame, sources: list[Source],
                geographies: list[str] | None = None) -> pd.DataFrame:
    """Quantity claims of the old wards, with their ``metric``, ``section`` and ward label.

    ``claims`` is the whole dataset (the section numbers it holds name the sections);
    ``geographies`` limits the wards (default: every ``*-old`` geography).
    """
    texts = {s.source_id: s.text for s in sources}
    labels = place_labels()
    quantities = claims[(claims["kind"] == "quantity")
                        & claims["geography"].fillna("").str.endswith(OLD_SUFFIX)].copy()
    if geographies is not None:
        quantities = quantities[quantities["geography"].isin(geographies)]
    sections = claims[claims["kind"] == "section_number"]
    starts = {sid: sorted(group["start"].tolist()) for sid, group in sections.groupby("source_id")}
    quantities["section"] = [heading_at(texts[s], starts.get(s, []), o)
                             for s, o in zip(quantities["source_id"], quantities["start"], strict=True)]
    unit = quantities["unit"].fillna("")
    indicator = quantities["concept"].fillna("")  # the wards are one level: the concept names the metric
    quantities["metric"] = [i if i else f"{sec} [{u or 'no unit'}]"
                            for i, sec, u in zip(indicator, quantities["section"], unit, strict=True)]
    quantities["ward"] = quantities["geography"].map(lambda g: labels.get(g, {}).get("vi", g))
    return quantities.sort_values(["source_id", "start"], kind="stable")


def ward_matrix(wards: pd.DataFrame, order: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(first value, claim id) per metric × ward, columns in ``order`` (ward labels)."""
    firsts = wards.drop_duplicates(["metric", "ward"])
    values = firsts.pivot(index="metric", columns="ward", values="value").reindex(columns=order)
    ids = firsts.pivot(index="metric", columns="ward", values="claim_id").reindex(columns=order)
    units = firsts.groupby("metric")["unit"].first().fillna("")
    values.insert(0, "unit", units)
    return values, ids


def coverage(values: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Per metric: how many wards report it and which ones do not."""
    present = values[order].notna()
    return pd.DataFrame({
        "wards_reporting": present.sum(axis=1),
        "missing": [", ".join(w for w in order if not row[w]) for _, row in present.iterrows()],
    }, index=values.index)
