"""What the reconciliation chapters show: linked claim tables, glosses, finding tables, figures.

Chapters sit at ``book/<name>.ipynb``; each claim links to its place in the source reader page
``sources/<source_id>.html#claim-<claim_id>`` (relative to the chapter). All text that comes from
the sources is HTML-escaped before it is put in a table.
"""

from __future__ import annotations

import html
import math
import re
from functools import lru_cache

import matplotlib.pyplot as plt
import pandas as pd

from ..extract.claims import concept_of
from ..reconcile.intervals import claim_interval
from ..reconcile.params import Params
from ..reconcile.registry import find_findings
from ..sources import load_sources
from ..text.fold import fold_words
from ..text.lexicon import load_labels, rule_file
from . import book, plots
from .tables import READER_PREFIX, claim_link

__all__ = [
    "STATUS_ORDER",
    "book_findings",
    "gloss",
    "clause_of",
    "gloss_clause",
    "claims_html",
    "findings_html",
    "kind_status_table",
    "plot_kind_status",
    "plot_intervals",
    "plot_theme_claims",
    "dependence_pairs",
    "plot_dependence",
    "accuracy_figures",
    "load_notes",
    "note_for",
    "hypotheses_html",
]

STATUS_ORDER = ["contradiction", "unresolved", "explained", "consistent", "restated"]
STATUS_COLOURS = {"contradiction": plots.PALETTE[3], "unresolved": plots.PALETTE[1],
                  "explained": plots.PALETTE[5], "consistent": plots.PALETTE[2], "restated": "#AAAAAA"}


def book_findings(claims: pd.DataFrame | None = None, **params: object) -> pd.DataFrame:
    """The findings for these parameters: the published ``findings.csv`` when they are the
    pipeline's defaults, otherwise recomputed from ``claims.csv`` with the given tolerances."""
    chosen = Params(**params)  # type: ignore[arg-type]
    if chosen == Params():
        return book.load_processed("findings.csv")
    claims = claims if claims is not None else book.load_processed("claims.csv")
    dependence = book.load_processed("dependence.csv")
    return find_findings(claims, load_sources(), chosen, dependence=dependence)


def _link(claim_id: str, source_id: str, prefix: str = "") -> str:
    """A claim id linked to its passage, as the finding tables show it (``prefix``: to ``book/``)."""
    return claim_link(claim_id, source_id, prefix=f"{prefix}{READER_PREFIX}", code=True)


def _num(x: float) -> str:
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.6g}"


def gloss(claim: pd.Series | dict) -> str:
    """An English gloss of one claim, built from its fields (not a translation of the sentence).

    >>> gloss({"value": 4051.0, "unit": "bn_vnd", "qualifier": "more_than", "denominator": float("nan"),
    ...        "indicator": "", "period": "2021-2025"})
    'more than 4,051 billion VND (2021-2025)'
    """
    labels = load_labels()
    value = float(claim["value"])
    unit = str(claim.get("unit", "") or "")
    denominator = claim.get("denominator")
    qualifier = labels.qualifier_gloss.get(str(claim.get("qualifier", "") or ""), "")
    if denominator is not None and not (isinstance(denominator, float) and math.isnan(denominator)):
        number = f"{_num(value)} of {_num(float(denominator))} {labels.unit_gloss.get(unit, unit)}".strip()
    elif unit == "percent":
        number = f"{_num(value)}%"
    else:
        number = f"{_num(value)} {labels.unit_gloss.get(unit, unit.replace('_', ' '))}".strip()
    label = labels.indicator_label.get(concept_of(str(claim.get("indicator", "") or "")), "")
    period = str(claim.get("period", "") or "")
    parts = [f"{qualifier} {number}".strip()]
    if label:
        parts.append(f"— {label}")
    if period:
        parts.append(f"({period})")
    return " ".join(parts)


@lru_cache(maxsize=1)
def _glossary() -> list[tuple[str, str]]:
    """The phrase glossary of ``rules/gloss.yaml``: (folded Vietnamese, English), longest first."""
    data = rule_file("gloss.yaml")
    pairs = [(fold_words(str(vi)), str(en)) for vi, en in (data.get("phrases") or {}).items()]
    return sorted(pairs, key=lambda p: (-len(p[0]), p[0]))


def clause_of(sentence: str, claim_text: str) -> str:
    """The part of a sentence (between ';') that holds the claim's text.

    >>> clause_of("thu đạt 3.455 tỷ đồng; tỷ lệ đạt 70,5%", "70,5%")
    'tỷ lệ đạt 70,5%'
    """
    text = re.sub(r"\s+", " ", str(claim_text)).strip()
    pieces = [p.strip() for p in str(sentence).split(";")]
    return next((p for p in pieces if text and text in p), str(sentence).strip())


def gloss_clause(clause: str) -> str | None:
    """An English gloss of a clause from the phrase glossary, or None if any word is not covered.

    >>> gloss_clause("Đến nay, thành phố đã đạt được 42/63 chỉ tiêu đô thị loại I.")
    'So far, the city has met 42/63 class-I urban criteria.'
    >>> gloss_clause("một câu khác") is None
    True
    """
    work = fold_words(clause)
    found: list[str] = []
    for vi, en in _glossary():
        pattern = re.compile(rf"(?<![\w\x00]){re.escape(vi)}(?![\w\x01])")
        if pattern.search(work):
            found.append(en)
            work = pattern.sub(f"\x00{len(found) - 1}\x01", work)
    leftover = re.sub(r"\x00\d+\x01", " ", work)
    if re.search(r"[a-z]", leftover):
        return None
    out = re.sub(r"\x00(\d+)\x01", lambda m: found[int(m.group(1))], work)
    out = re.sub(r"\s+([,.:;)%])", r"\1", re.sub(r"\s+", " ", out)).strip()
    return out[:1].upper() + out[1:] if out else None


def claims_html(claims: pd.DataFrame, prefix: str = "", sentence: bool = True) -> str:
    """A table of claims: linked id, source, the number as written, the sentence, an English gloss."""
    head = ["claim", "source", "as written", "English gloss"]
    head += ["sentence (Vietnamese)"] if sentence else []
    rows = []
    for _, c in claims.iterrows():
        translated = gloss_clause(clause_of(c["sentence"], c["text"]))
        english = f"“{translated}”" if translated else gloss(c)
        cells = [_link(c["claim_id"], c["source_id"], prefix), html.escape(str(c["source_id"])),
                 html.escape(re.sub(r"\s+", " ", str(c["text"]))), html.escape(english)]
        if sentence:
            cells.append(html.escape(str(c["sentence"])))
        rows.append("<tr>" + "".join(f"<td>{x}</td>" for x in cells) + "</tr>")
    header = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    return (f'<table class="dataframe claims-table"><thead><tr>{header}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def findings_html(findings: pd.DataFrame, claims: pd.DataFrame, prefix: str = "",
                  quotes: bool = True) -> str:
    """A table of findings with their linked claims (and the quoted numbers) and explanations."""
    by_id = claims.set_index("claim_id")
    head = ["finding", "kind", "status", "severity", "confidence", "claims", "preferred", "explanation"]
    rows = []
    for _, f in findings.iterrows():
        links = []
        for cid in str(f["claim_ids"]).split(";"):
            if cid in by_id.index:
                c = by_id.loc[cid]
                quote = f" “{html.escape(str(c['text']))}”" if quotes else ""
                links.append(_link(cid, str(c["source_id"]), prefix) + quote)
        witnesses = f.get("independent_sources", "")
        status = html.escape(str(f["status"])) + (
            f"<br><small>{int(witnesses)} independent witness{'es' if int(witnesses) != 1 else ''}</small>"
            if str(witnesses).strip() not in ("", "nan") else "")
        cells = [f"<code>{html.escape(str(f['finding_id']))}</code>", html.escape(str(f["kind"])),
                 status, html.escape(str(f["severity"])),
                 html.escape(str(f["confidence"])), "<br>".join(links),
                 html.escape(str(f["preferred_value"])), html.escape(str(f["explanation"]))]
        anchor = html.escape(str(f["finding_id"]), quote=True)
        rows.append(f'<tr id="finding-{anchor}">' + "".join(f"<td>{x}</td>" for x in cells) + "</tr>")
    header = "".join(f"<th>{h}</th>" for h in head)
    return (f'<table class="dataframe findings-table"><thead><tr>{header}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def kind_status_table(findings: pd.DataFrame) -> pd.DataFrame:
    """Counts of findings by kind (rows) and status (columns), with totals."""
    table = pd.crosstab(findings["kind"], findings["status"])
    table = table.reindex(columns=[s for s in STATUS_ORDER if s in table.columns], fill_value=0)
    table["total"] = table.sum(axis=1)
    return table.sort_values("total", ascending=False)


def plot_kind_status(findings: pd.DataFrame, title: str = "Findings by kind and status") -> plt.Figure:
    """Horizontal stacked bars: one bar per kind (most findings on top), segments by status."""
    table = kind_status_table(findings).drop(columns="total")
    return plots.stacked_bars(table, title, "findings",
                              colors=[STATUS_COLOURS[s] for s in table.columns])


def plot_intervals(claims: pd.DataFrame, params: Params, title: str, xlabel: str) -> plt.Figure:
    """Each claim as the interval it allows (qualifier and precision); open-ended ones as arrows."""
    fig, ax = plt.subplots(figsize=(7.5, 0.9 + 0.55 * len(claims)))
    finite = []
    for _, c in claims.iterrows():
        iv = claim_interval(float(c["value"]), str(c["qualifier"]), str(c["text"]), params)
        finite += [x for x in (iv.lo, iv.hi, float(c["value"])) if not math.isinf(x)]
    lo, hi = min(finite), max(finite)
    pad = max((hi - lo) * 0.25, abs(hi) * 0.01, 1e-9)
    right_edge = hi + pad
    labels = []
    for y, (_, c) in enumerate(claims.iterrows()):
        iv = claim_interval(float(c["value"]), str(c["qualifier"]), str(c["text"]), params)
        end = right_edge if math.isinf(iv.hi) else iv.hi
        colour = plots.PALETTE[y % len(plots.PALETTE)]
        ax.plot([iv.lo, end], [y, y], color=colour, linewidth=6, solid_capstyle="butt", alpha=0.8)
        if math.isinf(iv.hi):
            ax.annotate("", xy=(right_edge, y), xytext=(right_edge - pad * 0.4, y),
                        arrowprops={"arrowstyle": "->", "color": colour, "lw": 2})
        ax.plot([float(c["value"])], [y], marker="|", color="black", markersize=14)
        word = load_labels().qualifier_gloss.get(str(c["qualifier"]), "")
        shown = re.sub(r"\s+", " ", str(c["text"]))
        labels.append(f"{c['source_id']}: {word + ' ' if word else ''}{shown}")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlim(lo - pad, right_edge)
    ax.set_ylim(-0.7, len(labels) - 0.3)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_theme_claims(claims: pd.DataFrame, title: str) -> plt.Figure:
    """Quantity claims of a theme: count per indicator (most on top), stacked by source."""
    table = pd.crosstab(claims["indicator"], claims["source_id"])
    table = table.loc[table.sum(axis=1).sort_values(ascending=False, kind="stable").index]
    return plots.stacked_bars(table, title, "quantity claims")


def dependence_pairs(dependence: pd.DataFrame, sources: list | None = None) -> pd.DataFrame:
    """One row per pair of documents that share copied passages (``dependence.csv``): passages,
    the share of each document's words in them, and which is the earlier when the dates say it."""
    sources = sources if sources is not None else load_sources()
    dates = {s.source_id: s.date for s in sources}
    rows = []
    for (a, b), group in dependence.groupby(["source_a", "source_b"], sort=False):
        first = group.iloc[0]
        earlier = "" if pd.isna(first["earlier"]) else str(first["earlier"])
        direction = (f"{b if earlier == a else a} is later: it may copy {earlier}, or both copy a "
                     "common source" if earlier else "the dates do not say which is earlier")
        rows.append({"document A": a, "dated A": dates.get(a, ""), "document B": b,
                     "dated B": dates.get(b, ""), "passages": len(group),
                     "share of A": float(first["share_a"]), "share of B": float(first["share_b"]),
                     "direction": direction})
    return pd.DataFrame(rows, columns=["document A", "dated A", "document B", "dated B", "passages",
                                       "share of A", "share of B", "direction"])


def plot_dependence(pairs: pd.DataFrame, title: str = "Which documents copy which") -> plt.Figure:
    """A matrix of the documents (ordered by date): the cell of row R and column C is the share of
    R's words that stand in passages R shares with C; "C earlier" marks a cell whose column is
    surely dated before its row (R may copy C, or both copy a common source)."""
    docs = list(dict.fromkeys([*pairs["document A"], *pairs["document B"]]))
    dated = {**dict(zip(pairs["document A"], pairs["dated A"], strict=True)),
             **dict(zip(pairs["document B"], pairs["dated B"], strict=True))}
    docs.sort(key=lambda d: (str(dated[d]), d))
    share = pd.DataFrame(0.0, index=docs, columns=docs)
    earlier: set[tuple[str, str]] = set()
    for _, p in pairs.iterrows():
        a, b = p["document A"], p["document B"]
        share.loc[a, b], share.loc[b, a] = p["share of A"], p["share of B"]
        if "may copy " + b in p["direction"]:
            earlier.add((a, b))
        if "may copy " + a in p["direction"]:
            earlier.add((b, a))
    fig, ax = plt.subplots(figsize=(7.5, 1.4 + 0.75 * len(docs)))
    ax.imshow(share.to_numpy() * 100, cmap="Blues", vmin=0, vmax=100, aspect="auto")
    for i, row in enumerate(docs):
        for j, col in enumerate(docs):
            if row == col:
                ax.text(j, i, "—", ha="center", va="center", color="#777777")
                continue
            value = 100 * share.loc[row, col]
            label = f"{value:.0f}%" if value >= 0.5 or value == 0 else "<1%"
            if (row, col) in earlier:
                label += "\n(column earlier)"
            ax.text(j, i, label, ha="center", va="center", fontsize=9,
                    color="white" if value > 60 else "#222222")
    ax.set_xticks(range(len(docs)), [f"{d}\n{dated[d]}" for d in docs], fontsize=8.5)
    ax.set_yticks(range(len(docs)), [f"{d} ({dated[d]})" for d in docs], fontsize=9)
    ax.set_xlabel("… in passages shared with this document")
    ax.set_ylabel("share of this document's words …")
    ax.grid(False)
    ax.set_title(title)
    fig.tight_layout()
    return fig


def accuracy_figures(accuracy: pd.DataFrame) -> dict[str, str]:
    """The validity study's measures as text for the chapters ("85.3% (95% CI 72.1–93.0%, n = 34)"),
    or an empty dict while the coding does not exist (the table has no rows)."""
    out: dict[str, str] = {}
    for _, row in accuracy.iterrows():
        if not row["n"]:
            out[str(row["measure"])] = "not measurable (no comparisons)"
            continue
        low, high = 100 * float(row["ci_low"]), 100 * float(row["ci_high"])
        out[str(row["measure"])] = (f"{100 * float(row['value']):.1f}% (95% CI {low:.1f}–{high:.1f}%, "
                                    f"{int(row['count'])} of {int(row['n'])})")
    return out


def load_notes() -> list[dict]:
    """The curated notes in ``rules/finding_notes.yaml`` (rationale only; they create no finding)."""
    return list(rule_file("finding_notes.yaml").get("notes", []))


def note_for(kind: str, indicator: str) -> dict | None:
    """The note for a finding's kind and indicator, else the kind's general note, else None."""
    notes = load_notes()
    exact = [n for n in notes if n["kind"] == kind and n.get("indicator", "") == indicator]
    general = [n for n in notes if n["kind"] == kind and not n.get("indicator")]
    return (exact or general or [None])[0]


def hypotheses_html(note: dict | None) -> str:
    """The note's competing hypotheses as an HTML table (claim, against, what would settle it)."""
    if not note or not note.get("hypotheses"):
        return "<p>No curated hypotheses for this finding.</p>"
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(h.get(k, '')))}</td>"
                         for k in ("claim", "against", "would_settle")) + "</tr>"
        for h in note["hypotheses"])
    return ('<table class="dataframe hypotheses-table"><thead><tr><th>hypothesis</th>'
            "<th>what speaks against it</th><th>evidence that would settle it</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>")
