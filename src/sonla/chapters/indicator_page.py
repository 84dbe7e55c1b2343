"""What an indicator's page shows: its wordings, its claims over time, its findings, its preferred value.

One page per indicator the reconciliation has something to say about
(:func:`sonla.reconcile.pages.indicator_pages`), from the template ``notebooks/15-indicator.ipynb``;
the index page ``notebooks/14-indicators.ipynb`` lists them by theme. Everything here reads the
published tables and the rule files and returns frames, HTML or a figure.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

import matplotlib.pyplot as plt
import pandas as pd

from .. import config
from ..extract.claims import concept_of
from ..fidelity.copies import copy_pairs
from ..io import read_yaml
from ..sources import load_sources, read_manifest
from ..text.fold import fold
from ..text.lexicon import load_rules
from . import labels, plots
from .findings_views import STATUS_ORDER, clause_of
from .tables import READER_PREFIX, claim_link, html_table, indicator_link

__all__ = ["period_years", "wordings", "claim_points", "plot_claims_over_time", "claims_table",
           "preferred_table", "theme_chapters", "index_table", "worst_status"]

_YEAR = re.compile(r"(?:19|20)\d{2}")


def period_years(period: object, fallback: int | None = None) -> tuple[int, int] | None:
    """The first and last year of a period ("2020-2025" → (2020, 2025), "2024" → (2024, 2024));
    ``fallback`` for both when the period names no year (None if there is none either).

    >>> period_years("2020-2025"), period_years("2024"), period_years("", 2025), period_years(None)
    ((2020, 2025), (2024, 2024), (2025, 2025), None)
    """
    years = [int(y) for y in _YEAR.findall(str(period))] if isinstance(period, str) else []
    if years:
        return min(years), max(years)
    return (fallback, fallback) if fallback is not None else None


def _source_years() -> dict[str, int]:
    found = {}
    for row in read_manifest():
        years = _YEAR.findall(row["date"])
        if years:
            found[row["source_id"]] = int(years[0])
    return found


def _regex(key: str) -> re.Pattern | None:
    """The patterns of an indicator's concept (indicators.yaml is keyed by concept)."""
    concept = concept_of(key)
    return next((i.regex for i in load_rules().indicators if i.key == concept), None)


def wordings(claims: pd.DataFrame, key: str) -> pd.DataFrame:
    """The Vietnamese wordings of indicator ``key`` (``concept@level`` or a concept) as its claims'
    sentences write them.

    The concept's patterns (indicators.yaml) are matched on the folded sentence, which keeps
    every offset, so each match is a span of the sentence as written; the match nearest before
    the claim is its wording. One row per wording (white space collapsed, case as written, the
    first spelling met), with the claims and sources that use it, most used first. The weaker copy
    of a document (an OCR scan beside its PDF text, :func:`sonla.fidelity.copies.copy_pairs`)
    adds none: its garbled spelling is not another wording. Nor does a sentence the patterns do
    not match.
    """
    regex = _regex(key)
    found: dict[str, dict] = {}
    copies = {copy.source_id for _, copy in copy_pairs(load_sources())}
    for claim in claims.to_dict("records") if regex is not None else []:
        if claim["source_id"] in copies:  # a weaker copy of a document the book also has
            continue
        sentence = str(claim.get("sentence") or "")
        at = sentence.find(str(claim["text"]))
        spans = [m for m in regex.finditer(fold(sentence)) if m.end() > m.start()]
        if not spans:
            continue
        before = [m for m in spans if at < 0 or m.start() <= at]
        match = before[-1] if before else spans[0]
        text = re.sub(r"\s+", " ", sentence[match.start():match.end()]).strip(" ,;:")
        if not text:
            continue
        entry = found.setdefault(fold(text), {"wording": text, "claims": 0, "sources": {}})
        entry["claims"] += 1
        entry["sources"][claim["source_id"]] = None
    rows = [{"wording": e["wording"], "claims": e["claims"],
             "sources": ", ".join(labels.source_label(s) for s in e["sources"])} for e in found.values()]
    frame = pd.DataFrame(rows, columns=["wording", "claims", "sources"])
    return frame.sort_values("claims", ascending=False, kind="stable").reset_index(drop=True)


def claim_points(claims: pd.DataFrame) -> pd.DataFrame:
    """The claims as points in time: first and last year of the period (the source's year when the
    period names none), value (and range end), frame, source and place labels, in text order."""
    years = _source_years()
    frames = labels.frame_of(claims)
    rows = []
    for (_, claim), frame in zip(claims.iterrows(), frames, strict=True):
        span = period_years(claim.get("period"), years.get(claim["source_id"]))
        if span is None or pd.isna(claim.get("value")):
            continue
        rows.append({"claim_id": claim["claim_id"], "start": span[0], "end": span[1],
                     "value": float(claim["value"]),
                     "value_high": float(claim["value_high"]) if pd.notna(claim.get("value_high")) else None,
                     "frame": frame, "source": labels.source_label(claim["source_id"]),
                     "place": labels.place_label(claim.get("geography")) or "place not stated",
                     "unit": labels.unit_label(claim.get("unit")),
                     "label": labels.quantity(claim["value"], "", claim.get("qualifier"),
                                              claim.get("denominator"), claim.get("value_high"), symbol=True),
                     "text": re.sub(r"\s+", " ", str(claim["text"]))})
    return pd.DataFrame(rows, columns=["claim_id", "start", "end", "value", "value_high", "frame", "source",
                                       "place", "unit", "label", "text"])


def plot_claims_over_time(points: pd.DataFrame, title: str, target_span: tuple[int, int] | None = None,
                          sources: list[str] | None = None, note: str = "",
                          label_limit: int = 8) -> plt.Figure:
    """Every level claim by the year its period ends, one panel per place (and unit), one colour per
    source: actual filled circles, estimates filled diamonds, targets hollow circles; a period of
    several years is a line from its first to its last year; ``target_span`` is shaded and labelled.
    Points of one year are set a little apart by source, and each is labelled with its value (with
    the qualifier's sign: "> 4,051") when a panel has at most ``label_limit`` of them. Changes are
    not levels and are left out (the caller says how many). The legend names the sources and the
    frames drawn."""
    levels = points[points["frame"] != "change"]
    sources = sources or list(dict.fromkeys(levels["source"]))
    colours = {s: plots.PALETTE[i % len(plots.PALETTE)] for i, s in enumerate(sources)}
    present = [s for s in sources if s in set(levels["source"])]
    dodge = {s: 0.12 * (i - (len(present) - 1) / 2) for i, s in enumerate(present)}
    panels = list(dict.fromkeys(zip(levels["place"], levels["unit"], strict=True))) or [("", "")]
    legend_rows = -(-(len(set(levels["source"])) + len(set(levels["frame"]))) // 3)
    legend_inches = 0.25 + 0.2 * legend_rows
    height = 0.7 + (1.9 if len(panels) <= 2 else 1.45) * len(panels) + legend_inches
    fig, axes = plt.subplots(len(panels), 1, figsize=(7.5, height), squeeze=False, sharex=True)
    starts = [*levels["start"], *(target_span or ())] or [2020]
    ends = [*levels["end"], *(target_span or ())] or [2025]
    for ax, (place, unit) in zip(axes[:, 0], panels, strict=True):
        part = levels[(levels["place"] == place) & (levels["unit"] == unit)]
        if target_span:
            ax.axvspan(target_span[0], target_span[1], color="#eeeeee", zorder=0, linewidth=0)
        for row in part.itertuples(index=False):
            colour = colours[row.source]
            hollow = row.frame == "target"
            x = row.end + dodge[row.source]
            if row.start < row.end:
                ax.plot([row.start, x], [row.value, row.value], color=colour, linewidth=1.2,
                        linestyle="--" if hollow else "-", alpha=0.7, zorder=2)
            if row.value_high is not None and row.value_high != row.value:
                ax.plot([x, x], [row.value, row.value_high], color=colour, linewidth=2, zorder=2)
            ax.scatter([x], [row.value], s=46, zorder=3, marker="D" if row.frame == "estimate" else "o",
                       facecolors="white" if hollow else colour, edgecolors=colour, linewidths=1.6)
        same = part.groupby(["end", "value"], sort=False)
        for (end, value), group in same if same.ngroups <= label_limit else ():
            text = " / ".join(dict.fromkeys(group["label"]))
            ax.annotate(text, (end + max(dodge[s] for s in group["source"]), value), xytext=(6, 3),
                        textcoords="offset points", fontsize=7, color="#333333")
        ax.set_title(", ".join(x for x in (place, unit) if x), fontsize=9, loc="left")
        ax.set_ylabel(unit or "value", fontsize=8)
        ax.margins(y=0.3)
    axes[0, 0].set_xlim(min(starts) - 0.6, max(ends) + 0.6)
    axes[-1, 0].xaxis.set_major_locator(plt.MaxNLocator(integer=True))
    if target_span:
        axes[0, 0].text(sum(target_span) / 2, 0.97, f"{target_span[0]}–{target_span[1]} term",
                        transform=axes[0, 0].get_xaxis_transform(), ha="center", va="top",
                        fontsize=8, color="#555555")
    handles = [plt.Line2D([], [], marker="o", linestyle="", color=colours[s], label=s) for s in sources
               if s in set(levels["source"])]
    grey = "#555555"
    markers = {"actual": ("o", grey), "estimate": ("D", grey), "target": ("o", "white")}
    handles += [plt.Line2D([], [], marker=marker, linestyle="", markerfacecolor=face, markeredgecolor=grey,
                           label=frame)
                for frame, (marker, face) in markers.items() if frame in set(levels["frame"])]
    fig.legend(handles=handles, loc="upper center", ncols=3, fontsize=8, frameon=False,
               bbox_to_anchor=(0.5, legend_inches / height))
    fig.suptitle(title, fontweight="bold", fontsize=11)
    fig.tight_layout(rect=(0, legend_inches / height, 1, 1))
    if note:
        plots.add_source_note(fig, note)
    return fig


def claims_table(claims: pd.DataFrame, prefix: str = "../") -> str:
    """The claims of one indicator: linked id, source, the number as written, how it is read
    (frame, value, period, place) and the Vietnamese clause it stands in."""
    frames = labels.frame_of(claims)
    reading = [
        f"<strong>{html.escape(frame)}</strong>: {html.escape(labels.claim_value(c))}<br>"
        f"{html.escape(labels.period_label(c.get('period')))}, "
        f"{html.escape(labels.place_label(c.get('geography')))}"
        for (_, c), frame in zip(claims.iterrows(), frames, strict=True)]
    table = pd.DataFrame({
        "claim": [claim_link(i, s, f"{prefix}{READER_PREFIX}", code=True)
                  for i, s in zip(claims["claim_id"], claims["source_id"], strict=True)],
        "source": claims["source_id"].map(labels.source_label),
        "as written": [re.sub(r"\s+", " ", str(t)) for t in claims["text"]],
        "read as": reading,
        "clause (Vietnamese)": [clause_of(s, t)
                                for s, t in zip(claims["sentence"], claims["text"], strict=True)],
    })
    return html_table(table, escaped=["claim", "read as"], classes="claims-table")


def _witnesses(count: object) -> str:
    """"<br><small>2 independent witnesses</small>" for a count of ``independent_sources``; "" if none.

    >>> _witnesses(1), _witnesses(None)
    ('<br><small>1 independent witness</small>', '')
    """
    if count is None or pd.isna(count) or str(count).strip() == "":
        return ""
    n = int(float(count))  # type: ignore[arg-type]
    return f"<br><small>{n} independent witness{'' if n == 1 else 'es'}</small>"


def preferred_table(rows: pd.DataFrame, indicator: bool = False, prefix: str = "../") -> str:
    """Reconciled rows (indicators.csv): period, place, preferred value (its frame named when it is
    not an actual: "80% (target)") and the range its claims allow, status with its independent
    witnesses, and the reasoning in words; with ``indicator``, a first column names the indicator,
    linked to its page (``prefix`` leads to ``book/``)."""
    def allowed(r) -> str:
        low, high = labels.number(r["value_low"]), labels.number(r["value_high"])
        unit = labels.unit_label(r["unit"])
        span = low if low == high else f"{low} to {high}"
        return f"{span} {unit}".strip() if unit and unit[0].isalnum() else f"{span}{unit}"

    table = pd.DataFrame({
        "period": rows["period"].map(labels.period_label),
        "place": rows["geography"].map(labels.place_label),
        "preferred value": [f"<strong>{html.escape(labels.preferred_value(v, u))}</strong>"
                            + (f" ({html.escape(str(r['frame']))})" if str(r.get("frame", "") or "")
                               not in ("", "actual", "nan") else "")
                            + f"<br>claims allow {html.escape(allowed(r))}"
                            for v, u, (_, r) in zip(rows["preferred_value"], rows["unit"], rows.iterrows(),
                                                    strict=True)],
        "status": [html.escape(str(s).replace("_", " ")) + _witnesses(r.get("independent_sources"))
                   for s, (_, r) in zip(rows["status"], rows.iterrows(), strict=True)],
        "why": rows["reasoning"].map(labels.plain_text),
    })
    if indicator:
        table.insert(0, "indicator", [indicator_link(k, f"{prefix}indicators/") for k in rows["indicator"]])
    return html_table(table, escaped=["indicator", "preferred value", "status"], classes="indicators-table",
                      nowrap=["period"])


@lru_cache(maxsize=1)
def theme_chapters() -> dict[str, str]:
    """{theme key: the docname of its chapter} from ``notebooks/runs.yml`` (runs with a ``theme``
    parameter); themes without a chapter are absent."""
    runs = (read_yaml(config.NOTEBOOKS_DIR / "runs.yml") or {}).get("runs", []) or []
    found = {}
    for run in runs:
        theme = (run.get("parameters") or {}).get("theme")
        if theme and "{" not in str(theme):
            found[str(theme)] = str(run["output"]).removeprefix("book/").removesuffix(".ipynb")
    return found


def worst_status(statuses: pd.Series) -> str:
    """The worst status among a group's findings (contradiction first), "" for none.

    >>> worst_status(pd.Series(["consistent", "unresolved"]))
    'unresolved'
    """
    present = set(statuses)
    return next((s for s in STATUS_ORDER if s in present), "")


def index_table(pages: list[dict[str, str]], findings: pd.DataFrame, prefix: str = "") -> str:
    """The indicator pages of one theme as a table: linked label, claims, findings and the worst
    finding's status (``prefix`` leads to ``book/indicators/``)."""
    status = {}
    for key in (p["indicator"] for p in pages):
        mine = findings[findings["indicator"].fillna("").str.split(";").map(lambda keys, k=key: k in keys)]
        status[key] = worst_status(mine["status"])
    table = pd.DataFrame({
        "indicator": [indicator_link(p["indicator"], prefix, pages=[p["indicator"]]) for p in pages],
        "claims": [int(p["claims"]) for p in pages],
        "findings": [int(p["findings"]) for p in pages],
        "worst finding": [status[p["indicator"]] for p in pages],
    })
    return html_table(table, escaped=["indicator"], classes="indicator-index")
