"""The merged wards side by side: the metrics the sources give for each old ward.

A claim belongs to an old ward when its geography ends in ``-old`` (the claims contract).
Claims are made comparable by a *metric*: the claim's indicator key when it has one; otherwise
the section it stands in (the heading line of the nearest section number before it) and its
unit — the ward-by-ward part of a report repeats the same sections for every ward, so claims of
one unit in one section measure the same kind of thing. Where a ward gives several values for
one metric, the first is compared and the others are counted.

For readers, a metric is named by its indicator's English label (indicators.yaml), or, without
an indicator, by its unit and the number of its section; values are shown with their units
(:mod:`sonla.chapters.labels`). Amounts of money are also divided by the counts of businesses or
people a ward reports (:func:`per_unit`), so that a value out of scale with the other wards'
stands out (:func:`out_of_scale`).
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

import pandas as pd

from ..sources import Source
from ..text.lexicon import rule_file
from . import labels
from .tables import claim_href, html_table, source_of_claim

__all__ = ["OLD_SUFFIX", "place_labels", "heading_at", "ward_claims", "ward_matrix", "coverage",
           "metric_label", "metric_labels", "MONEY_FAMILY", "per_unit", "out_of_scale", "ward_table_html"]

# The unit family of amounts of money (units.yaml `family`): the values divided per business or person.
MONEY_FAMILY = "money"

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


def metric_label(metric: str, unit: str = "") -> str:
    """A metric for readers: its indicator's English label, or (no indicator) its unit and section.

    >>> metric_label("business_households")
    'Household businesses'
    >>> metric_label("3.3. Công tác Y tế, chăm sóc sức khoẻ nhân dân [age]", "age")
    'years of age, report section 3.3 (no indicator)'
    """
    match = re.match(r"^(.*) \[([^\]]*)\]$", metric)
    if not match:
        return labels.indicator_label(metric)
    number = re.match(r"^\s*([\d.]*\d)", match[1])
    where = f", report section {number[1]}" if number else ""
    return f"{labels.unit_label(unit) or 'numbers without a unit'}{where} (no indicator)"


def metric_labels(values: pd.DataFrame) -> dict[str, str]:
    """{metric: its label} for the rows of :func:`ward_matrix`'s values (with their ``unit``)."""
    return {m: metric_label(m, str(values.loc[m, "unit"])) for m in values.index}


def _families() -> dict[str, str]:
    return {u["key"]: u["family"] for u in rule_file("units.yaml")["units"]}


def per_unit(values: pd.DataFrame, order: list[str], denominators: list[str]) -> pd.DataFrame:
    """Every amount of money (unit family :data:`MONEY_FAMILY`) divided by each metric of
    ``denominators`` (counts such as household businesses or population), per ward, where the ward
    reports both; rows that no ward can fill are left out.

    Columns: ``metric``, ``per`` (the denominator metric), ``unit`` (the amount's unit), then one
    column per ward.
    """
    families = _families()
    money = [m for m in values.index if families.get(str(values.loc[m, "unit"])) == MONEY_FAMILY]
    rows = []
    for per in (d for d in denominators if d in values.index):
        for metric in money:
            ratio = values.loc[metric, order].astype(float) / values.loc[per, order].astype(float)
            if ratio.notna().any():
                rows.append({"metric": metric, "per": per, "unit": values.loc[metric, "unit"],
                             **ratio.to_dict()})
    return pd.DataFrame(rows, columns=["metric", "per", "unit", *order])


def out_of_scale(row: pd.Series, factor: float = 3.0) -> pd.Series:
    """True where a value is more than ``factor`` times above or below the median of the row's
    values (at least three wards reporting, all positive).

    >>> out_of_scale(pd.Series([1.0, 1.2, 9.0, None])).tolist()
    [False, False, True, False]
    """
    given = row.dropna().astype(float)
    if len(given) < 3 or (given <= 0).any():
        return pd.Series(False, index=row.index, dtype=bool)
    ratio = row.astype(float) / float(given.median())
    return ((ratio > factor) | (ratio < 1 / factor)).fillna(False).astype(bool)


def ward_table_html(values: pd.DataFrame, ids: pd.DataFrame, order: list[str], metrics: list[str],
                    prefix: str = "sources/") -> str:
    """The comparable metrics side by side: the metric's label with its unit, then each ward's first
    value, linked to its passage ("not reported" where a ward gives none)."""
    names = metric_labels(values)

    def cell(metric: str, ward: str) -> str:
        value = values.loc[metric, ward]
        if pd.isna(value):
            return '<span class="not-reported">not reported</span>'
        claim_id = str(ids.loc[metric, ward])
        href = html.escape(claim_href(claim_id, source_of_claim(claim_id), prefix), quote=True)
        unit = labels.unit_label(values.loc[metric, "unit"])
        shown = labels.quantity(value, values.loc[metric, "unit"]) if unit[:1] and not unit[0].isalnum() \
            else labels.number(value)
        return f'<a href="{href}">{html.escape(shown)}</a>'

    def metric_cell(metric: str) -> str:
        unit = labels.unit_label(values.loc[metric, "unit"])
        shown = unit and unit[0].isalnum() and unit.lower() not in names[metric].lower()
        return html.escape(names[metric]) + (f" <small>({html.escape(unit)})</small>" if shown else "")

    table = pd.DataFrame([{"metric": metric_cell(m), **{w: cell(m, w) for w in order}} for m in metrics],
                         columns=["metric", *order])
    return html_table(table, escaped=list(table.columns), classes="wards-table")


def coverage(values: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Per metric: how many wards report it and which ones do not."""
    present = values[order].notna()
    return pd.DataFrame({
        "wards_reporting": present.sum(axis=1),
        "missing": [", ".join(w for w in order if not row[w]) for _, row in present.iterrows()],
    }, index=values.index)
