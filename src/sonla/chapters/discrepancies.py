"""The key discrepancies for the front page, and the reconciled headline figures.

A *discrepancy* is a finding whose verdict is a contradiction or unresolved. Findings of one kind
on the same indicators (the same difference seen between several pairs of documents, or in a
document and the report that copies it) are one discrepancy, told once with every claim they rest
on and a link to each finding's entry in the findings catalogue (``#finding-<finding_id>``).
Discrepancies are ranked by

1. severity (high, medium, low),
2. verdict (a contradiction before an unresolved difference),
3. the size of the gap: the relative spread of the claims' values in their most common unit
   (shares when the claims state a fraction), so 66.7% against 71.2% weighs more than 4,051
   against 4,000,
4. independent witnesses: the findings' ``independent_sources`` when findings.csv has that
   column, otherwise the number of distinct documents (the manifest's ``document_id``) among the
   claims' sources;

and each is told in one sentence built from the data: what, when and where, each value with the
sources that state it, the verdict and the value the book prefers.
"""

from __future__ import annotations

import html

import pandas as pd

from ..fidelity.copies import copy_pairs
from ..reconcile.periods import same_period
from ..sources import Source
from ..text.lexicon import load_labels
from . import labels
from .tables import html_table, indicator_link

__all__ = ["SEVERITY_RANK", "VERDICT_RANK", "discrepancies", "sentence", "key_discrepancies_html",
           "headline_figures"]

SEVERITY_RANK = {"high": 3, "medium": 2, "low": 1, "none": 0}
VERDICT_RANK = {"contradiction": 2, "unresolved": 1}


def _gap(claims: pd.DataFrame) -> float:
    """Relative spread of the claims' values in their most common unit (shares for fractions)."""
    if claims.empty:
        return 0.0
    unit = claims["unit"].fillna("").mode().iloc[0]
    part = claims[claims["unit"].fillna("") == unit]
    values = [v / d if pd.notna(d) and d else v
              for v, d in zip(part["value"], part["denominator"], strict=True)]
    values = [float(v) for v in values if pd.notna(v)]
    if len(values) < 2:
        return 0.0
    top = max(abs(v) for v in values)
    return (max(values) - min(values)) / top if top else 0.0


def _witnesses(findings: pd.DataFrame, claims: pd.DataFrame, documents: dict[str, str]) -> int:
    if "independent_sources" in findings.columns and findings["independent_sources"].notna().any():
        return int(pd.to_numeric(findings["independent_sources"], errors="coerce").max())
    return len({documents.get(s, s) for s in claims["source_id"]})


def discrepancies(findings: pd.DataFrame, claims: pd.DataFrame, sources: list[Source]) -> pd.DataFrame:
    """One row per discrepancy, most important first: ``kind``, ``indicator``, ``status``,
    ``severity``, ``finding_ids`` (list), ``claim_ids`` (list), ``gap``, ``witnesses``,
    ``preferred_value``, ``preferred_claim_id``."""
    open_ = findings[findings["status"].isin(list(VERDICT_RANK))].copy()
    documents = {s.source_id: s.document_id for s in sources}
    by_id = claims.set_index("claim_id")
    rows = []
    for (kind, indicator), group in open_.groupby(["kind", open_["indicator"].fillna("")], sort=True):
        group = group.assign(_s=group["severity"].map(SEVERITY_RANK), _v=group["status"].map(VERDICT_RANK))
        group = group.sort_values(["_s", "_v", "finding_id"], ascending=[False, False, True])
        ids = list(dict.fromkeys(c for cs in group["claim_ids"] for c in str(cs).split(";")
                                 if c in by_id.index))
        mine = by_id.loc[ids].reset_index()
        first = group.iloc[0]
        rows.append({"kind": kind, "indicator": indicator, "status": first["status"],
                     "severity": first["severity"], "finding_ids": list(group["finding_id"]),
                     "claim_ids": ids, "gap": _gap(mine), "witnesses": _witnesses(group, mine, documents),
                     "preferred_value": first.get("preferred_value"),
                     "preferred_claim_id": first.get("preferred_claim_id")})
    frame = pd.DataFrame(rows, columns=["kind", "indicator", "status", "severity", "finding_ids", "claim_ids",
                                        "gap", "witnesses", "preferred_value", "preferred_claim_id"])
    order = frame.assign(_s=frame["severity"].map(SEVERITY_RANK), _v=frame["status"].map(VERDICT_RANK))
    order = order.sort_values(["_s", "_v", "gap", "witnesses", "kind", "indicator"],
                              ascending=[False, False, False, False, True, True], kind="stable")
    return order.drop(columns=["_s", "_v"]).reset_index(drop=True)


def _join(items: list[str]) -> str:
    """Items in English: "a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


def _with_telling_qualifier(claim: pd.Series, frame: str) -> pd.Series:
    """The claim without a qualifier that tells nothing beside the value: one that neither bounds
    it (no ``symbol`` in qualifiers.yaml, as "more than" has) nor frames it as other than an
    actual level ("reached" in "reached 87.7%"; a target, an estimate or a change keep theirs)."""
    qualifier = claim.get("qualifier")
    if frame == "actual" and pd.notna(qualifier) and not load_labels().qualifier_symbol.get(str(qualifier)):
        return claim.drop(labels=["qualifier"])
    return claim


def sentence(row: pd.Series | dict, claims: pd.DataFrame, sources: list[Source], catalogue: str,
             prefix: str = "") -> str:
    """One discrepancy in one sentence (HTML): what (the indicator of its first claim, linked to its
    page, and how many more it involves), period and place, each value with the sources that state
    it (a qualifier only when it bounds or frames the value: "more than 4,051", "target 80%"; and
    with its period, "each year of" one when the claim says so, when the values are of
    several periods), the kind and verdict, the preferred value (with its period then), and links
    to the findings in the catalogue (``catalogue``: its page, from this chapter)."""
    weaker = {copy.source_id: reference.source_id for reference, copy in copy_pairs(sources)}
    mine = claims.set_index("claim_id").loc[row["claim_ids"]].reset_index()
    cited = set(mine["source_id"])
    periods = list(dict.fromkeys(mine["period"].dropna()))
    said: dict[str, list[str]] = {}
    when: dict[str, list[str]] = {}
    frames = labels.frame_of(mine)
    for i, claim in mine.iterrows():
        value = labels.claim_value(_with_telling_qualifier(claim, frames[i]))
        names = said.setdefault(value, [])
        if weaker.get(claim["source_id"]) in cited:
            continue  # the weaker copy of a document whose reference copy is cited too
        name = labels.source_label(claim["source_id"])
        if name not in names:
            names.append(name)
        if pd.notna(claim.get("period")):
            term = labels.period_label(claim["period"])
            term = f"each year of {term}" if labels.yes_no(claim.get("each_year")) == "yes" else term
            if term not in when.setdefault(value, []):
                when[value].append(term)
    said = {value: names for value, names in said.items() if names}
    if len(periods) > 1:  # values of several periods: each value with its own
        said = {f"{value} for {_join(when[value])}" if when.get(value) else value: names
                for value, names in said.items()}
    witnesses = {tuple(names) for names in said.values()}
    if len(witnesses) == 1:  # every value from the same sources: name them once
        names = list(next(iter(witnesses)))
        statements = (f"<em>{html.escape(_join(names))}</em> {'gives' if len(names) == 1 else 'give'} "
                      + html.escape("; ".join(said)))
    else:
        statements = "; ".join(f"{html.escape(value)} in <em>{html.escape(_join(names))}</em>"
                               for value, names in said.items())
    keys = list(dict.fromkeys(k for k in mine["indicator"].dropna() if k)) or \
        [k for k in str(row["indicator"]).split(";") if k]
    what = indicator_link(keys[0], f"{prefix}indicators/") if keys else "Numbers without an indicator"
    if len(keys) > 1:
        what += f" (with {len(keys) - 1} related indicator{'s' if len(keys) > 2 else ''})"
    where = [labels.period_label(p) for p in periods] if len(periods) == 1 else []
    where += [labels.place_label(g) for g in dict.fromkeys(mine["geography"].dropna())]
    severity = f", {row['severity']} severity" if row["severity"] not in ("", "none") else ""
    preferred = labels.preferred_value(row.get("preferred_value"))
    chosen = mine[mine["claim_id"] == row.get("preferred_claim_id")]["period"].dropna()
    if preferred and len(periods) > 1 and len(chosen):  # which period the preferred value is of
        preferred += f" for {labels.period_label(chosen.iloc[0])}"
    links = ", ".join(f'<a href="{html.escape(f"{catalogue}#finding-{fid}", quote=True)}">finding {n}</a>'
                      for n, fid in enumerate(row["finding_ids"], start=1))
    return (what + (f", {html.escape(', '.join(where))}" if where else "")
            + f": {statements} — {html.escape(labels.kind_label(row['kind']))}, "
            f"<strong>{html.escape(str(row['status']))}</strong>{html.escape(severity)}"
            + (f"; the book prefers {html.escape(preferred)}" if preferred else "") + f" ({links}).")


def key_discrepancies_html(ranked: pd.DataFrame, claims: pd.DataFrame, sources: list[Source],
                           catalogue: str = "findings-catalogue.html", limit: int = 6,
                           prefix: str = "") -> str:
    """The ``limit`` most important discrepancies as a numbered list, one sentence each."""
    items = "".join(f"<li>{sentence(row, claims, sources, catalogue, prefix)}</li>"
                    for _, row in ranked.head(limit).iterrows())
    return f'<ol class="key-discrepancies">{items}</ol>'


def headline_figures(indicators: pd.DataFrame, reference_period: str, limit: int = 10,
                     prefix: str = "") -> str:
    """The reconciled headline figures: rows of ``indicators.csv`` for the reference term that
    more than one document states (status other than single_source), levels achieved or estimated
    (the ``frame`` column; not targets, not changes), the most claimed first; as a table with the
    indicator linked to its page."""
    rows = indicators[[same_period(str(p), False, reference_period, False) for p in indicators["period"]]]
    rows = rows[(rows["status"] != "single_source")
                & ~rows["reasoning"].fillna("").str.contains("a plan, not an actual", regex=False)]
    if "frame" in rows.columns:
        rows = rows[rows["frame"].fillna("actual").isin(["actual", "estimate"])]
    rows = rows.sort_values(["n_claims", "indicator"], ascending=[False, True], kind="stable").head(limit)
    table = pd.DataFrame({
        "indicator": [indicator_link(k, f"{prefix}indicators/") for k in rows["indicator"]],
        "period": rows["period"].map(labels.period_label),
        "place": rows["geography"].map(labels.place_label),
        "reconciled value": [labels.preferred_value(v, u)
                             for v, u in zip(rows["preferred_value"], rows["unit"], strict=True)],
        "claims": rows["n_claims"].astype(int),
        "status": rows["status"].map(lambda s: str(s).replace("_", " ")),
    })
    return html_table(table, escaped=["indicator"], classes="headline-figures", nowrap=["period"])
