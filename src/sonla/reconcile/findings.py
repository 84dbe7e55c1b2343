"""Reconcile the claims: findings between and within sources, and a reconciled indicator table.

Input is ``claims.csv`` (the claims contract, see ``sonla.claims``) and the verified sources
(their text, date, kind, text layer and ``document_id`` from the manifest). Output:

* ``findings.csv`` — one row per finding: ``finding_id, indicator, kind, claim_ids, status,
  severity, preferred_value, explanation, confidence`` (plus ``rule`` and ``sources`` for readers).
* ``indicators.csv`` — one row per indicator × period × geography with the preferred value.

Every finding comes from a general rule over the claims (no source is named in code):

Between documents (claims grouped by indicator and geography, each claim read as an interval):
``consistent``, ``rounding``, ``qualifier_conflict``, ``value_conflict``, ``scope_difference``,
``denominator_change``, ``temporal_change``.
Within a document: ``sum_mismatch`` (parts against their total), ``arithmetic_mismatch`` (a
stated percentage against its own numerator and denominator, GRIM-style), ``implied_denominator``,
``implied_baseline`` (growth and multiples against a named year), stated yearly rates against two
dated levels (``consistent``/``arithmetic_mismatch``), ``projection_plausibility``,
``restated_figure`` (one figure stated twice with different qualifiers), ``duplicate_passage``.
Results are compared with results and plans with plans: a target, a projection, or a value for a
period that ends after its source's date is a plan.
Between copies of one document (same ``document_id``): ``ocr_variant``; a claim seen in both
copies is one claim seen twice and is never counted as agreement between sources.

Status: ``contradiction`` (the claims cannot all hold), ``explained`` (they differ, and a stated
mechanism — time, rounding, a copy error — accounts for it), ``consistent`` (checked and holds),
``unresolved`` (they differ and the texts do not say why).

Severity (documented scale): ``high`` — a contradiction between actual values of one period;
``medium`` — an unresolved difference, or a contradiction inside a derived check;
``low`` — an explained difference; ``none`` — consistent.

Confidence: start at ``high``; go down one level for each of: a period inferred from the source
date rather than stated with the claim; a claim read from an OCR text layer; a rule that rests on
a reading of the wording rather than on numbers alone (``scope_difference``, ``implied_baseline``,
``implied_denominator``, ``projection_plausibility``, ``restated_figure``); never below ``low``.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

import pandas as pd

from .. import config
from ..errors import SonlaError
from ..io import read_yaml
from ..schema import FINDING_COLUMNS, FINDING_KINDS, FINDINGS, INDICATOR_COLUMNS, INDICATORS
from ..sources import Source

__all__ = [
    "FINDING_COLUMNS",
    "FINDING_KINDS",
    "INDICATOR_COLUMNS",
    "Interval",
    "Params",
    "reported_decimals",
    "claim_interval",
    "relate",
    "grim_possible",
    "implied_denominators",
    "fold",
    "same_period",
    "canonical_period",
    "finding_id",
    "find_findings",
    "copy_twins",
    "reconcile_indicators",
    "stage_findings",
]

# Qualifiers that bound a value from one side or widen it (the others state a point value).
BOUNDING_QUALIFIERS = {"more_than", "nearly", "about", "at_least"}
INF = math.inf
CONFIDENCE = ["low", "medium", "high"]
HEURISTIC_KINDS = {"scope_difference", "implied_baseline", "implied_denominator",
                   "projection_plausibility", "restated_figure"}
# Ranking of text layers when copies differ: the better layer gives the preferred value.
LAYER_RANK = {"clean": 0, "pdf-text": 1, "ocr": 2}
# Official documents before news when sources disagree and nothing else decides.
KIND_RANK = {"report": 0, "appendix-pdf-text": 0, "appendix-ocr": 0, "news": 1}


@dataclass(frozen=True)
class Params:
    """Tolerances and the reference period (the notebooks expose them as papermill parameters).

    ``about_tol``: relative half-width of "khoảng" (about); ``nearly_tol``: how far below its
    number "gần" (nearly) may go; ``max_denominator``: largest n tried for implied denominators;
    ``max_growth``: largest yearly growth a projection may need and still count as plausible;
    ``reference_period``: the term the book reconciles; the chapters list the indicators of this
    term first (claims of a period that ends in the same year and starts at most one year later
    belong to the same term, e.g. 2021-2025 within 2020-2025: see :func:`same_period`).
    """

    about_tol: float = 0.05
    nearly_tol: float = 0.05
    max_denominator: int = 100
    max_growth: float = 0.5
    reference_period: str = "2020-2025"


@dataclass(frozen=True)
class Interval:
    """A set of real numbers a claim allows: ``lo``..``hi`` with open or closed ends."""

    lo: float
    hi: float
    lo_open: bool = False
    hi_open: bool = False

    def __str__(self) -> str:
        left = "(" if self.lo_open or math.isinf(self.lo) else "["
        right = ")" if self.hi_open or math.isinf(self.hi) else "]"
        return f"{left}{_fmt(self.lo)}, {_fmt(self.hi)}{right}"

    def contains(self, x: float) -> bool:
        above = x > self.lo if self.lo_open else x >= self.lo
        below = x < self.hi if self.hi_open else x <= self.hi
        return above and below

    def overlaps(self, other: Interval) -> bool:
        lo, lo_open = max((self.lo, self.lo_open), (other.lo, other.lo_open))
        hi, hi_open = min((self.hi, not self.hi_open), (other.hi, not other.hi_open))
        hi_open = not hi_open
        if lo < hi:
            return True
        return lo == hi and not lo_open and not hi_open

    def __add__(self, other: Interval) -> Interval:
        return Interval(self.lo + other.lo, self.hi + other.hi,
                        self.lo_open or other.lo_open, self.hi_open or other.hi_open)


def _rows(frame: pd.DataFrame) -> list[dict]:
    """The rows of ``frame`` as dicts, read column by column (pandas' ``iterrows`` and
    ``to_dict("records")`` index every cell and dominated the run time of this stage)."""
    columns = list(frame.columns)
    return [dict(zip(columns, values, strict=True))
            for values in frame.to_numpy(dtype=object).tolist()]


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _groups(rows: list[dict], keys: list[str], sort: bool = True,
            dropna: bool = True) -> dict[tuple, list[dict]]:
    """``{key: rows}`` grouped by ``keys`` as ``DataFrame.groupby(keys, sort=sort, dropna=dropna)``
    would group them: sorted by key or in order of first appearance, missing keys dropped
    or kept as one group (``None`` in the key). Grouping dict rows avoids pandas' per-group
    slicing, which dominated this stage's run time."""
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        key = tuple(None if _missing(row[k]) else row[k] for k in keys)
        if dropna and None in key:
            continue
        groups.setdefault(key, []).append(row)
    if not sort:
        return groups
    if None in (k for key in groups for k in key):
        raise ValueError("sorting groups needs every key present (use dropna=True)")
    return {key: groups[key] for key in sorted(groups)}


def _sentence_rows(q: pd.DataFrame) -> list[list[dict]]:
    """The rows of ``q`` grouped by (source_id, sentence) in order of first appearance."""
    return list(_groups(_rows(q), ["source_id", "sentence"], sort=False).values())


def _by_start(rows: list[dict]) -> list[dict]:
    return sorted(rows, key=lambda r: r["start"])


def _fmt(x: float) -> str:
    """A number for explanations: integers without decimals, others to at most 6 significant digits.

    >>> _fmt(4051.0), _fmt(87.2219), _fmt(math.inf)
    ('4,051', '87.2219', '∞')
    """
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.6g}" if abs(x) < 1000 else f"{x:,.1f}"


# ---------------------------------------------------------------------------------------------
# Reading one claim: precision, interval
# ---------------------------------------------------------------------------------------------

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def reported_decimals(text: str, value: float) -> int:
    """How many decimals the claim's own digits report (0 for whole numbers).

    Read from the digits as written, not from the float, so "98,50%" keeps its two decimals.

    >>> reported_decimals("87,7%", 87.7), reported_decimals("4.051 tỷ đồng", 4051.0)
    (1, 0)
    >>> reported_decimals("98,50%", 98.5), reported_decimals("92.86%", 92.86)
    (2, 2)
    >>> reported_decimals("no digits", 3.0)
    0
    """
    match = _NUMBER.search(text or "")
    if not match or value is None or (isinstance(value, float) and math.isnan(value)):
        return 0
    digits = re.sub(r"\D", "", match.group())
    for decimals in range(0, 5):
        if round(abs(value) * 10**decimals) == int(digits):
            return decimals
    token = match.group()
    tail = re.split(r"[.,]", token)[-1] if re.search(r"[.,]", token) else ""
    return len(tail) if "," in token else 0


def claim_interval(value: float, qualifier: str, text: str = "", params: Params = Params(),
                   decimals: int | None = None, value_high: float | None = None) -> Interval:
    """The values a quantity claim allows, from its qualifier and its reported precision.

    Plain, reached and estimated values cover ± half a unit of the last reported digit;
    ``more_than`` (hơn, trên) → (v, ∞); ``at_least`` → [v, ∞); ``nearly`` (gần) →
    (v·(1−tol), v); ``about`` (khoảng) → v·(1±tol).

    >>> str(claim_interval(87.7, "", "87,7%"))
    '[87.65, 87.75]'
    >>> str(claim_interval(4051, "more_than", "4.051"))
    '(4,051, ∞)'
    >>> str(claim_interval(4000, "nearly", "4.000"))
    '(3,800, 4,000)'
    >>> str(claim_interval(7, "", "7-8%", value_high=8))
    '[6.5, 8.5]'
    """
    if decimals is None or (isinstance(decimals, float) and math.isnan(decimals)):
        decimals = reported_decimals(text, value)
    half = 0.5 * 10 ** -int(decimals)
    if value_high is not None and not math.isnan(value_high) and value_high > value:
        if qualifier in ("more_than", "at_least"):
            return Interval(value, INF, lo_open=qualifier == "more_than")
        return Interval(value - half, value_high + half)  # a range "7-8%": both ends as written
    if qualifier == "more_than":
        return Interval(value, INF, lo_open=True)
    if qualifier == "at_least":
        return Interval(value, INF)
    if qualifier == "nearly":
        return Interval(value * (1 - params.nearly_tol), value, lo_open=True, hi_open=True)
    if qualifier == "about":
        return Interval(value * (1 - params.about_tol), value * (1 + params.about_tol))
    return Interval(value - half, value + half)


def _strict(claim: pd.Series) -> Interval:
    """The claim's interval taken at face value: qualifiers honoured, no rounding allowance."""
    value, qualifier = float(claim["value"]), str(claim["qualifier"])
    if qualifier in {"more_than", "at_least", "nearly", "about"}:
        return claim["interval"]
    return Interval(value, value)


def relate(a: Interval, b: Interval) -> str:
    """``identical``, ``overlap`` or ``disjoint``.

    >>> relate(Interval(4051, INF, True), Interval(3800, 4000, True, True))
    'disjoint'
    >>> relate(Interval(99.305, 99.315), Interval(99.25, 99.35))
    'overlap'
    """
    if a == b:
        return "identical"
    return "overlap" if a.overlaps(b) else "disjoint"


def grim_possible(percent: Interval, n: int) -> list[int]:
    """The integers k with 100·k/n inside ``percent`` (empty: no k works — the GRIM idea).

    >>> grim_possible(claim_interval(87.7, "", "87,7"), 1573)
    [1379, 1380]
    >>> grim_possible(claim_interval(75, "", "75"), 68)
    [51]
    """
    lo = max(0, math.floor(percent.lo * n / 100) - 1)
    hi = math.ceil(min(percent.hi, 1000) * n / 100) + 1
    return [k for k in range(lo, hi + 1) if percent.contains(100 * k / n)]


def implied_denominators(percent: Interval, max_n: int = 100) -> list[int]:
    """The denominators n ≤ ``max_n`` for which some whole k gives 100·k/n within ``percent``.

    >>> implied_denominators(claim_interval(40.9, "", "40,9"), 25)
    [22]
    >>> implied_denominators(claim_interval(66.67, "", "66,67"), 10)
    [3, 6, 9]
    """
    return [n for n in range(1, max_n + 1) if grim_possible(percent, n)]


# ---------------------------------------------------------------------------------------------
# Rules data, text helpers, ids
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def load_rules() -> dict:
    """The wording rules in ``rules/findings.yaml``."""
    return read_yaml(config.RULES_DIR / "findings.yaml")


@lru_cache(maxsize=1)
def load_indicator_meta() -> dict[str, dict[str, str]]:
    """{indicator key: {label_en, theme}} from ``rules/indicators.yaml`` (empty if absent)."""
    path = config.RULES_DIR / "indicators.yaml"
    if not path.is_file():
        return {}
    data = read_yaml(path) or {}
    items = data.get("indicators", data) if isinstance(data, dict) else data
    meta: dict[str, dict[str, str]] = {}
    if isinstance(items, dict):
        items = [dict(value or {}, key=key) for key, value in items.items()]
    for item in items or []:
        if isinstance(item, dict) and item.get("key"):
            meta[str(item["key"])] = {"label_en": str(item.get("label_en", "")),
                                      "theme": str(item.get("theme", ""))}
    return meta


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Lower case without diacritics, đ → d, white space collapsed (for matching wording).

    >>> fold("Trong  đó: Nhân dân")
    'trong do: nhan dan'
    """
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return re.sub(r"\s+", " ", text).strip().lower()


def finding_id(kind: str, claim_ids: Iterable[str]) -> str:
    """A stable id from the rule and the sorted claims it rests on.

    >>> finding_id("rounding", ["b-000002", "a-000001"])
    'rounding-c6d94961cb'
    """
    key = kind + "|" + ";".join(sorted(claim_ids))
    return f"{kind}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:10]}"


def _describe(claim: pd.Series | dict) -> str:
    """'"hơn 4.051 tỷ đồng" (appendix-pdf)' — the claim as written, with its source."""
    return f"“{_quote(claim)}” ({claim['source_id']})"


def _quote(claim: pd.Series | dict) -> str:
    words = {"more_than": "more than ", "nearly": "nearly ", "about": "about ",
             "at_least": "at least ", "estimated": "est. ", "projected": "projected ",
             "target": "target "}
    text = str(claim["text"]).strip()
    prefix = words.get(str(claim.get("qualifier", "")), "")
    return text if prefix.strip() == "" else f"{prefix}{text}"


def _unit(claim: pd.Series | dict) -> str:
    return str(claim.get("unit", "") or "")


def _period_span(period: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", period or "")
    if not match:
        return None
    start = int(match.group(1))
    return start, int(match.group(2) or start)


def canonical_period(period: str, reference: str) -> str:
    """The reference term for any period that is the same term (see :func:`same_period`), else itself.

    >>> canonical_period("2021-2025", "2020-2025"), canonical_period("2024", "2020-2025")
    ('2020-2025', '2024')
    """
    return reference if period != reference and same_period(period, False, reference, False) else period


def same_period(p1: str, inferred1: bool, p2: str, inferred2: bool) -> bool:
    """Whether two claims speak of one period.

    Equal periods match; two terms ending in the same year match when their starts differ by
    at most one year (2021-2025 is the 2020-2025 term's investment plan); a year inferred from a
    source's date matches a stated period ending that year (a cumulative "so far" figure).

    >>> same_period("2021-2025", False, "2020-2025", False), same_period("2025", True, "2020-2025", False)
    (True, True)
    >>> same_period("2024", True, "2025", True)
    False
    """
    if p1 == p2:
        return True
    s1, s2 = _period_span(p1), _period_span(p2)
    if not s1 or not s2:
        return False
    if s1[1] != s2[1]:
        return False
    if inferred1 and s1[0] == s1[1] or inferred2 and s2[0] == s2[1]:
        return True
    return s1[0] != s1[1] and s2[0] != s2[1] and abs(s1[0] - s2[0]) <= 1


# ---------------------------------------------------------------------------------------------
# Preparing claims: quantities, effective periods, copies and duplicates merged into observations
# ---------------------------------------------------------------------------------------------


def _ends_after(period: str, source_date: str) -> bool:
    """A period that ends after the year its source is dated is a plan, not a result.

    >>> _ends_after("2025-2030", "2025-07"), _ends_after("2020-2025", "2025-07")
    (True, False)
    """
    span = _period_span(period)
    year = re.match(r"\d{4}", source_date or "")
    return bool(span and year and span[1] > int(year.group()))


def _clause(text: str, start: int, end: int, before: int = 80, after: int = 50) -> str:
    """The words around a claim, cut at ';', '.', or a new line pair: where its base is named."""
    left = text[max(0, start - before):start]
    cut = max(left.rfind(";"), left.rfind(". "), left.rfind("\n\n"))
    left = left[cut + 1:] if cut >= 0 else left
    right = text[end:end + after]
    stops = [i for i in (right.find(";"), right.find(". "), right.find("\n\n")) if i >= 0]
    right = right[:min(stops)] if stops else right
    return left + text[start:end] + right


def _prepare(claims: pd.DataFrame, sources: list[Source], params: Params) -> pd.DataFrame:
    """Quantity claims with source metadata, effective period and interval columns."""
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
    q["clause"] = [_clause(meta[sid].text, int(a), int(b))
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
    rules = load_rules()
    q["forward"] = [ql in rules["forward_qualifiers"] or _ends_after(p, d)
                    for ql, p, d in zip(q["qualifier"], q["period"], q["source_date"], strict=True)]
    q["text"] = [re.sub(r"\s+", " ", t).strip() for t in q["text"]]
    return q.sort_values(["order", "start"]).reset_index(drop=True)


def _aligned_copies(q: pd.DataFrame, sources: list[Source]) -> tuple[dict[str, str], list[dict]]:
    """Align the quantity claims of sources that are copies of one document.

    Returns ({claim_id in a lesser copy: claim_id of its twin in the best copy}, ocr findings).
    The claim sequences ((value, unit, denominator) in text order) are aligned with difflib;
    equal runs are one claim seen twice, replaced runs of equal length are read differences.
    """
    from difflib import SequenceMatcher

    twins: dict[str, str] = {}
    findings: list[dict] = []
    by_doc: dict[str, list[Source]] = {}
    for source in sources:
        by_doc.setdefault(source.document_id, []).append(source)
    # One pass over the claims, not one scan per source: the cost stays linear in the corpus.
    empty = q.iloc[0:0]
    claims_of = {source_id: frame for source_id, frame in q.groupby("source_id", sort=False)}

    def numbers(df: pd.DataFrame) -> list[tuple]:
        return [(round(v, 6), None if pd.isna(d) else d)
                for v, d in zip(df["value"], df["denominator"], strict=True)]

    for copies in by_doc.values():
        if len(copies) < 2:
            continue
        copies = sorted(copies, key=lambda s: LAYER_RANK.get(s.text_layer, 9))
        best = claims_of.get(copies[0].source_id, empty)
        best_ids, best_numbers = best["claim_id"].tolist(), numbers(best)
        for other_source in copies[1:]:
            other = claims_of.get(other_source.source_id, empty)
            other_ids, other_numbers = other["claim_id"].tolist(), numbers(other)
            matcher = SequenceMatcher(None, best_numbers, other_numbers, autojunk=False)
            opcodes = _pair_moved_blocks(matcher.get_opcodes(), best_numbers, other_numbers)
            for tag, i1, i2, j1, j2 in opcodes:
                if tag in ("equal", "moved"):
                    for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                        twins[other_ids[j]] = best_ids[i]
                elif tag == "replace" and i2 - i1 == j2 - j1:
                    for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                        findings.append(_ocr_variant(best.iloc[i], other.iloc[j]))
                        twins[other_ids[j]] = best_ids[i]
                else:
                    findings.extend(_ocr_unmatched(best.iloc[i1:i2], other.iloc[j1:j2]))
    return twins, findings


def _pair_moved_blocks(opcodes: list, a: list, b: list) -> list:
    """Turn a deletion in one copy and an insertion of the same numbers elsewhere in the other
    (a footnote placed at another page break) into one ``moved`` block: the same claims."""
    deletes = [op for op in opcodes if op[0] in ("delete", "replace")]
    inserts = [op for op in opcodes if op[0] in ("insert", "replace")]
    moved, used_d, used_i = [], set(), set()
    for d in deletes:
        for ins in inserts:
            if ins is d or id(ins) in used_i or id(d) in used_d:
                continue
            if d[2] - d[1] >= 2 and a[d[1]:d[2]] == b[ins[3]:ins[4]]:
                moved.append(("moved", d[1], d[2], ins[3], ins[4]))
                used_d.add(id(d))
                used_i.add(id(ins))
    rest = []
    for op in opcodes:
        tag, i1, i2, j1, j2 = op
        if id(op) in used_d and id(op) in used_i:
            continue
        if id(op) in used_d:
            op = ("insert", i1, i1, j1, j2) if j2 > j1 else None
        elif id(op) in used_i:
            op = ("delete", i1, i2, j1, j1) if i2 > i1 else None
        if op is not None:
            rest.append(op)
    return rest + moved


def _ocr_variant(good: pd.Series, other: pd.Series) -> dict:
    explanation = (
        f"The same document in two text layers reads {_describe(good)} in the {good['layer']} layer "
        f"and {_describe(other)} in the {other['layer']} layer at the same place in the sequence of "
        f"numbers. A copy cannot change the document: this is a reading error of the weaker layer; "
        f"the {good['layer']} reading is preferred."
    )
    return _finding("ocr_variant", "ocr_variant", [good, other], "explained", "medium",
                    _value_text(good), explanation)


def _ocr_unmatched(good: pd.DataFrame, other: pd.DataFrame) -> list[dict]:
    """Claims present in only one copy (or runs that do not pair one to one)."""
    rows = _rows(good) + _rows(other)
    if not rows:
        return []
    only = ", ".join(_describe(r) for r in rows[:6]) + (" …" if len(rows) > 6 else "")
    explanation = (
        f"In the aligned sequences of numbers of two copies of one document, {len(good)} claim(s) of "
        f"the better layer and {len(other)} of the weaker layer have no one-to-one partner: {only}. "
        "A number present in only one copy was lost, split, merged or invented by the text layer "
        "(or lies in a block only one copy has, such as a title block)."
    )
    status = "explained" if len(good) == 0 or len(other) == 0 else "unresolved"
    return [_finding("ocr_variant", "ocr_unmatched", rows, status, "low",
                     _value_text(rows[0]) if len(good) else "", explanation)]


def _observations(q: pd.DataFrame, twins: dict[str, str]) -> pd.DataFrame:
    """One row per distinct statement: copies' twins and exact repeats in one document merged.

    ``claim_ids`` lists every claim behind the observation (the twin in the other copy, the
    repeat in a duplicated passage), so a finding cites all of them.
    """
    q = q.copy()
    q["root"] = [twins.get(c, c) for c in q["claim_id"]]
    q = q[q["indicator"] != ""]
    roots = q[q["claim_id"] == q["root"]].copy()
    members = q.groupby("root")["claim_id"].apply(list).to_dict()
    roots["claim_list"] = [members.get(c, [c]) for c in roots["claim_id"]]
    # Exact repeats in one document: same indicator, period, geography, value, unit, qualifier.
    keys = ["document_id", "indicator", "eff_period", "geography", "value", "unit", "qualifier"]
    roots["denominator_key"] = roots["denominator"].fillna(-1)
    repeats = _groups(_rows(roots), keys + ["denominator_key"], sort=False, dropna=False)
    merged = [dict(group[0], claim_list=sorted({c for row in group for c in row["claim_list"]}))
              for group in repeats.values()]
    if not merged:
        return roots.iloc[0:0]
    return (pd.DataFrame(merged, columns=roots.columns).sort_values(["order", "start"])
            .reset_index(drop=True))


# ---------------------------------------------------------------------------------------------
# Findings: construction helpers
# ---------------------------------------------------------------------------------------------


def _value_text(claim: pd.Series | dict) -> str:
    """A preferred value as text: '> 4051 bn_vnd', '42/63', '87.7 percent'."""
    value = float(claim["value"])
    unit = _unit(claim)
    denominator = claim.get("denominator")
    if denominator is not None and not pd.isna(denominator):
        return f"{_fmt(value)}/{_fmt(float(denominator))} {unit}".strip()
    sign = {"more_than": "> ", "at_least": "≥ ", "nearly": "< ", "about": "≈ "}.get(
        str(claim.get("qualifier", "")), "")
    return f"{sign}{_fmt(value)} {unit}".strip()


def _finding(kind: str, rule: str, claims: list, status: str, severity: str, preferred: str,
             explanation: str, indicator: str | None = None) -> dict:
    ids: list[str] = []
    for claim in claims:
        for cid in claim.get("claim_list", None) or [claim["claim_id"]]:
            if cid not in ids:
                ids.append(cid)
    ids = sorted(ids)
    if indicator is None:
        indicators = sorted({str(c.get("indicator", "")) for c in claims} - {""})
        indicator = indicators[0] if len(indicators) == 1 else ";".join(indicators)
    confidence = 2
    if any(bool(c.get("period_inferred", False)) for c in claims) and kind not in {
            "ocr_variant", "duplicate_passage", "sum_mismatch", "arithmetic_mismatch"}:
        confidence -= 1
    if any(c.get("layer") == "ocr" for c in claims) and kind != "ocr_variant":
        confidence -= 1
    if kind in HEURISTIC_KINDS:
        confidence -= 1
    return {
        "finding_id": finding_id(kind, ids), "indicator": indicator, "kind": kind,
        "claim_ids": ";".join(ids), "status": status, "severity": severity,
        "preferred_value": preferred, "explanation": explanation,
        "confidence": CONFIDENCE[max(0, confidence)], "rule": rule,
        "sources": ";".join(sorted({str(c["source_id"]) for c in claims})),
    }


def _rank(claim: pd.Series) -> tuple:
    """Sort key for the preferred claim: official before news, later date, better text layer."""
    date = [int(x) for x in re.findall(r"\d+", str(claim["source_date"]))[:3]]
    date += [0] * (3 - len(date))
    return (KIND_RANK.get(claim["source_kind"], 9), tuple(-x for x in date),
            LAYER_RANK.get(claim["layer"], 9))


# ---------------------------------------------------------------------------------------------
# Between documents
# ---------------------------------------------------------------------------------------------

# Documents that state one cell are compared pairwise up to this many; beyond it (a corpus with
# many documents about one place) each is compared with the preferred document only, so that the
# work and the findings grow with the number of documents, not with its square.
MAX_PAIRWISE_DOCUMENTS = 6


def _document_pairs(docs: list[str], preferred: str) -> list[tuple[str, str]]:
    """The pairs of documents to compare: all pairs, or each with ``preferred`` when there are many.

    >>> _document_pairs(["a", "b", "c"], "b")
    [('a', 'b'), ('a', 'c'), ('b', 'c')]
    >>> [pair for pair in _document_pairs([str(i) for i in range(8)], "3")][:3]
    [('3', '0'), ('3', '1'), ('3', '2')]
    """
    if len(docs) <= MAX_PAIRWISE_DOCUMENTS:
        return list(combinations(docs, 2))
    return [(preferred, doc) for doc in docs if doc != preferred]


def _row_pairs(rows: list[dict]) -> list[tuple[dict, dict]]:
    """Every pair of ``rows`` (in order), or, when they come from many documents, the pairs
    of the preferred row with each row of another document."""
    if len({r["document_id"] for r in rows}) <= MAX_PAIRWISE_DOCUMENTS:
        return list(combinations(rows, 2))
    preferred = min(rows, key=_rank)
    return [(preferred, r) for r in rows if r["document_id"] != preferred["document_id"]]



def _is_actual(claim: pd.Series, rules: dict) -> bool:
    return (claim["qualifier"] not in rules["forward_qualifiers"]
            and claim["qualifier"] not in rules["change_qualifiers"])


def _actual_mask(obs: pd.DataFrame, rules: dict) -> pd.Series:
    """Levels that report a result: not a plan (target, projection, future period), not a change."""
    return ~obs["forward"].astype(bool) & ~obs["qualifier"].isin(list(rules["change_qualifiers"]))


def _forward_mask(obs: pd.DataFrame, rules: dict) -> pd.Series:
    """Levels that state a plan: targets, projections, values for a period after the source's date."""
    return obs["forward"].astype(bool) & ~obs["qualifier"].isin(list(rules["change_qualifiers"]))


def _scope_words(sentence: str, rules: dict) -> set[str]:
    folded = fold(sentence)
    return {m for m in rules["scope_markers"] if re.search(rf"\b{re.escape(m)}\b", folded)}


def _pair_finding(a: pd.Series, b: pd.Series, rules: dict) -> dict:
    """Compare two observations of one indicator, geography and period from different documents."""
    preferred = min((a, b), key=_rank)
    ia, ib = a["interval"], b["interval"]
    relation = relate(ia, ib)
    described = f"{_describe(a)} and {_describe(b)}"
    if bool(a.get("forward", False)) and bool(b.get("forward", False)):
        described = ("As forward-looking statements (targets, projections or a period not yet over), "
                     + described)
    if relation == "disjoint":
        qualified = {a["qualifier"], b["qualifier"]} & {"more_than", "nearly", "about", "at_least"}
        if qualified:
            explanation = (
                f"{described} state the same quantity for the same period with qualifiers whose "
                f"intervals {ia} and {ib} do not overlap: both cannot hold. The official, "
                f"better-layered or later source ({preferred['source_id']}) is preferred pending "
                "the underlying data."
            )
            return _finding("qualifier_conflict", "between:intervals", [a, b], "contradiction",
                            "high", _value_text(preferred), explanation)
        scopes = _scope_words(a["clause"], rules) ^ _scope_words(b["clause"], rules)
        if a["unit"] == "percent" and scopes:
            explanation = (
                f"{described} give different shares ({ia} vs {ib}); the sentences name different "
                f"bases ({', '.join(sorted(scopes))}), so they may be shares of different populations "
                "rather than conflicting measurements."
            )
            return _finding("scope_difference", "between:scope", [a, b], "unresolved", "medium",
                            _value_text(preferred), explanation)
        low, high = sorted((abs(float(a["value"])), abs(float(b["value"]))))
        if low == 0 or high / low > 2:
            explanation = (
                f"{described} are mapped to one indicator and period but differ by more than a factor "
                f"of two ({ia} vs {ib}): more likely two different measures or scopes (a part and a "
                "whole, a ward and the city) than one misreported figure."
            )
            return _finding("scope_difference", "between:scope", [a, b], "unresolved", "low",
                            _value_text(preferred), explanation)
        explanation = (
            f"{described} state the same quantity for the same period; allowing for the reported "
            f"precision ({ia} vs {ib}) they still differ."
        )
        return _finding("value_conflict", "between:intervals", [a, b], "contradiction", "high",
                        _value_text(preferred), explanation)
    if a["value"] == b["value"] and a["qualifier"] == b["qualifier"]:
        explanation = f"{described} agree: the same value with the same qualifier."
        return _finding("consistent", "between:intervals", [a, b], "consistent", "none",
                        _value_text(preferred), explanation)
    kind = "rounding" if a["value"] != b["value"] else "consistent"
    explanation = (
        f"{described} differ in the digits or qualifier but their intervals {ia} and {ib} overlap: "
        + ("the same quantity reported at different precision." if kind == "rounding"
           else "the qualifiers are compatible.")
    )
    status = "explained" if kind == "rounding" else "consistent"
    return _finding(kind, "between:intervals", [a, b], status, "low" if kind == "rounding" else "none",
                    _value_text(preferred), explanation)


def _denominator_finding(a: pd.Series, b: pd.Series) -> dict:
    earlier, later = sorted((a, b), key=lambda c: (c["eff_period"], str(c["source_date"])))
    share = [100 * c["value"] / c["denominator"] for c in (earlier, later)]
    same_numerator = earlier["value"] == later["value"]
    explanation = (
        f"{_describe(earlier)} (dated {earlier['source_date']}) and {_describe(later)} (dated "
        f"{later['source_date']}) count {'the same number of items met' if same_numerator else 'items met'} "
        f"against different totals ({_fmt(earlier['denominator'])} vs {_fmt(later['denominator'])}): "
        f"{share[0]:.1f}% vs {share[1]:.1f}%. A changed denominator means the yardstick changed "
        "(another rule set, a re-scoped list of criteria) or one total is wrong; the texts do not say "
        "which. The later statement is preferred as the current count."
    )
    return _finding("denominator_change", "between:denominator", [earlier, later], "unresolved",
                    "medium", _value_text(later), explanation)


def _temporal_finding(group: pd.DataFrame) -> dict:
    series = group.assign(_key=[_period_key(r) for r in _rows(group)]).sort_values("_key")
    rows = _rows(series)
    steps = "; ".join(
        f"{r['eff_period']}{' (date of source)' if r['period_inferred'] else ''}: {_describe(r)}"
        for r in rows)
    latest = series.iloc[-1]
    if _unambiguous(rows):  # every two periods' values overlap: one common value is possible
        same = len({float(r["value"]) for r in rows}) == 1
        explanation = (
            f"Different documents give this indicator with different periods — {steps} — and the "
            + ("values agree: the same figure carried from one document to the next (or unchanged)."
               if same else "values agree within their reported precision: one figure, rounded "
               "differently (or unchanged).")
        )
        return _finding("consistent" if same else "rounding", "between:period", rows,
                        "consistent" if same else "explained", "none" if same else "low",
                        _value_text(latest), explanation)
    rules = load_rules()
    scopes = [_scope_words(r["clause"], rules) for r in rows]
    if latest["unit"] == "percent" and any(sc != scopes[0] for sc in scopes):
        named = sorted(set().union(*scopes) - set.intersection(*scopes))
        explanation = (
            f"Different documents give this share for different periods — {steps} — but their "
            f"sentences name different bases ({', '.join(named)}): shares of different populations, "
            "so the difference need not be a change over time."
        )
        return _finding("scope_difference", "between:scope", rows, "unresolved", "medium",
                        _value_text(latest), explanation)
    explanation = (
        f"Different documents give this indicator for different periods — {steps}. Values of "
        "different periods describe a change over time, not a conflict; the latest is preferred."
    )
    return _finding("temporal_change", "between:period", rows, "explained", "low",
                    _value_text(latest), explanation)


def _between_documents(obs: pd.DataFrame, rules: dict) -> list[dict]:
    findings: list[dict] = []
    for mask in (_actual_mask(obs, rules), _forward_mask(obs, rules)):
        findings.extend(_between_documents_of(obs[mask], rules))
    return findings


def _between_documents_of(actual: pd.DataFrame, rules: dict) -> list[dict]:
    """Compare the documents' levels of one kind (all results, or all plans)."""
    findings: list[dict] = []
    for group in _groups(_rows(actual), ["indicator", "geography"]).values():
        if len({r["document_id"] for r in group}) < 2:
            continue
        handled: set[tuple[str, str]] = set()
        for a, b in _row_pairs([r for r in group if not pd.isna(r["denominator"])]):
            if a["document_id"] == b["document_id"] or a["unit"] != b["unit"]:
                continue
            if a["denominator"] != b["denominator"]:
                dens = sorted((float(a["denominator"]), float(b["denominator"])))
                comparable = a["value"] == b["value"] or same_period(
                    a["eff_period"], a["period_inferred"], b["eff_period"], b["period_inferred"])
                if comparable and dens[0] > 0 and dens[1] / dens[0] <= 1.5:
                    findings.append(_denominator_finding(a, b))
                    handled.add((a["claim_id"], b["claim_id"]))
        for unit_group in _groups(group, ["unit"]).values():
            findings.extend(_compare_unit_group(unit_group, handled, rules))
    return findings


def _compare_unit_group(rows: list[dict], handled: set, rules: dict) -> list[dict]:
    findings: list[dict] = []
    buckets = _period_buckets(rows)
    for bucket in buckets:
        findings.extend(_compare_bucket(bucket, handled, rules))
    if len(buckets) > 1 and all(_unambiguous(b) for b in buckets):
        representatives = [min(b, key=_rank) for b in buckets]
        lengths = {_span_length(r["eff_period"]) for r in representatives}
        if rows[0]["unit"] != "percent" and len(lengths) > 1:
            return findings  # a term total and a one-year figure: different aggregations
        docs = {r["document_id"] for r in representatives}
        if len(docs) > 1 and any((a["claim_id"], b["claim_id"]) not in handled
                                 for a, b in combinations(representatives, 2)):
            findings.append(_temporal_finding(pd.DataFrame(representatives)))
    return findings


def _period_buckets(rows: list[dict]) -> list[list[dict]]:
    """Rows put in buckets of one period: each row joins the first bucket (in order of creation)
    whose first row speaks of the same period (:func:`same_period`), else opens a new one.

    Only a bucket whose head has the same period text or a period ending in the same year can
    match, so the candidates are looked up by those two keys instead of scanning every bucket
    (the number of periods grows with the corpus).
    """
    buckets: list[list[dict]] = []
    by_text: dict[str, list[int]] = {}
    by_end: dict[int, list[int]] = {}
    for row in rows:
        period, inferred = row["eff_period"], row["period_inferred"]
        span = _period_span(period)
        candidates = sorted({*by_text.get(period, ()), *(by_end.get(span[1], ()) if span else ())})
        for index in candidates:
            head = buckets[index][0]
            if same_period(head["eff_period"], head["period_inferred"], period, inferred):
                buckets[index].append(row)
                break
        else:
            by_text.setdefault(period, []).append(len(buckets))
            if span:
                by_end.setdefault(span[1], []).append(len(buckets))
            buckets.append([row])
    return buckets


def _span_length(period: str) -> int:
    span = _period_span(period)
    return span[1] - span[0] if span else -1


def _period_key(row: pd.Series) -> tuple:
    span = _period_span(row["eff_period"]) or (0, 0)
    return (span[1], span[0], str(row["source_date"]))


def _unambiguous(bucket: list[pd.Series]) -> bool:
    """All claims of a period bucket allow a common value (one figure, however often stated)."""
    # Intervals on a line that overlap pairwise share a point (Helly), so intersect them all at once.
    # (Equal intervals count as agreeing, as in :func:`relate`, hence the set.)
    intervals = {c["interval"] for c in bucket}
    if len(intervals) < 2:
        return True
    lo, lo_open = max((i.lo, i.lo_open) for i in intervals)
    hi, hi_closed = min((i.hi, not i.hi_open) for i in intervals)
    return lo < hi or (lo == hi and not lo_open and hi_closed)


def _compare_bucket(bucket: list[pd.Series], handled: set, rules: dict) -> list[dict]:
    """Compare the documents of one indicator, place, unit and period.

    Compatible claims are paired one to one (closest values first) and reported as agreement;
    a disagreement is reported only when each document states the cell once, because a
    document that gives several values for one cell (parts, sub-measures) leaves it ambiguous
    which of them the other document's figure should be compared with.
    """
    findings: list[dict] = []
    by_doc: dict[str, list[pd.Series]] = {}
    for row in bucket:
        by_doc.setdefault(row["document_id"], []).append(row)
    preferred = min(bucket, key=_rank)["document_id"]
    for doc_a, doc_b in _document_pairs(list(by_doc), preferred):
        side_a, side_b = by_doc[doc_a], by_doc[doc_b]
        candidates = sorted(
            ((a, b) for a in side_a for b in side_b
             if relate(a["interval"], b["interval"]) != "disjoint"),
            key=lambda p: (abs(float(p[0]["value"]) - float(p[1]["value"])), p[0]["claim_id"],
                           p[1]["claim_id"]))
        used: set[str] = set()
        for a, b in candidates:
            if a["claim_id"] in used or b["claim_id"] in used or _handled(a, b, handled):
                continue
            used.update((a["claim_id"], b["claim_id"]))
            findings.append(_pair_finding(a, b, rules))
        if len(side_a) == 1 and len(side_b) == 1 and not used and not _handled(side_a[0], side_b[0], handled):
            findings.append(_pair_finding(side_a[0], side_b[0], rules))
    return findings


def _handled(a: pd.Series, b: pd.Series, handled: set) -> bool:
    return (a["claim_id"], b["claim_id"]) in handled or (b["claim_id"], a["claim_id"]) in handled


# ---------------------------------------------------------------------------------------------
# Within a document
# ---------------------------------------------------------------------------------------------


def _between_text(source: Source, a: pd.Series, b: pd.Series) -> str:
    return source.text[int(a["end"]):int(b["start"])]


def _same_sentence(a: pd.Series, b: pd.Series) -> bool:
    return a["sentence"] == b["sentence"] and a["source_id"] == b["source_id"]


COUNT_UNITS = {"", "project", "work", "school", "person", "household", "visit"}


def _sum_mismatches(q: pd.DataFrame, texts: dict[str, Source], rules: dict) -> list[dict]:
    """Totals followed by "trong đó"/"gồm" and parts of the same unit in the same sentence."""
    findings = []
    for source_id, claims in q.groupby("source_id", sort=False):
        rows = _rows(claims.sort_values("start"))
        source = texts[source_id]
        for i, total in enumerate(rows[:-1]):
            after = fold(source.text[int(total["end"]):int(total["end"]) + rules["parts_window"]])
            if not any(re.search(rf"(^|\W){re.escape(m)}(\W|$)", after) for m in rules["parts_markers"]):
                continue
            if total["qualifier"] in rules["change_qualifiers"] or total["unit"] == "percent":
                continue
            parts = []
            for part in rows[i + 1:]:
                if not _same_sentence(total, part) or part["qualifier"] in rules["change_qualifiers"]:
                    break
                same_unit = part["unit"] == total["unit"] or (
                    part["unit"] == "" and total["unit"] in COUNT_UNITS and float(part["value"]).is_integer())
                if not same_unit:
                    if parts:
                        break
                    continue
                parts.append(part)
            if len(parts) < 2:
                continue
            findings.append(_sum_finding(total, parts))
    return findings


# Units that measure (money, shares, areas, …) rather than count whole items.
MEASURE_UNITS = {"bn_vnd", "mn_vnd", "vnd", "usd", "mn_usd", "percent", "percent_per_year", "ha", "km2",
                 "km", "m2", "tonne", "times"}


def _is_count(claim: pd.Series) -> bool:
    """A whole count of items (a unit that is not a measure, an integer value)."""
    return claim["unit"] not in MEASURE_UNITS and float(claim["value"]).is_integer()


def _sum_finding(total: pd.Series, parts: list[pd.Series]) -> dict:
    summed = parts[0]["interval"]
    for part in parts[1:]:
        summed = summed + part["interval"]
    point = sum(float(p["value"]) for p in parts)
    listed = " + ".join(_quote(p) for p in parts)
    ti = total["interval"]
    if _is_count(total) and all(_is_count(p) for p in parts):
        # whole items (projects, works, files) are counted, not rounded: no rounding allowance
        ti = _strict(total)
        summed = _strict(parts[0])
        for part in parts[1:]:
            summed = summed + _strict(part)
    strict = _strict(total)
    strict_sum = _strict(parts[0])
    for part in parts[1:]:
        strict_sum = strict_sum + _strict(part)
    if relate(ti, summed) != "disjoint" and relate(strict, strict_sum) == "disjoint":
        status, severity = "explained", "low"
        verdict = ("taken at face value the parts and the total exclude each other, and only the "
                   "rounding of the reported figures lets them meet")
    elif relate(ti, summed) != "disjoint":
        status, severity, verdict = "consistent", "none", "the parts can add up to the total"
    elif summed.lo >= ti.hi:
        status, severity = "contradiction", "high"
        verdict = "the parts already exceed what the total allows"
    else:
        status, severity = "unresolved", "low"
        verdict = ("the parts add up to less than the total: the list after “trong đó” may be "
                   "incomplete (an enumeration of examples), or a part is missing")
    explanation = (
        f"In {total['source_id']}, the total “{_quote(total)}” (allowing {ti}) is followed by parts "
        f"{listed} = {_fmt(point)} (allowing {summed}): {verdict}."
    )
    return _finding("sum_mismatch", "within:parts", [total] + parts, status, severity,
                    _value_text(total), explanation)


def _links_share(between: str, rules: dict) -> bool:
    """The words between a ratio and a percentage say the percentage is that ratio's share."""
    folded = fold(between)
    if ";" in folded:
        return False
    return "(" in folded or any(re.search(rf"\b{re.escape(w)}\b", folded) for w in rules["share_links"])


def _percent_checks(q: pd.DataFrame, texts: dict[str, Source], params: Params, rules: dict) -> list[dict]:
    """A ratio a/b followed in the same sentence by a percentage: GRIM-style check."""
    findings = []
    for _, claims in q.groupby("source_id", sort=False):
        rows = _rows(claims.sort_values("start"))
        for i, ratio in enumerate(rows):
            if pd.isna(ratio["denominator"]) or not ratio["denominator"]:
                pair = _slash_pair(rows, i, texts)
                if pair is None:
                    continue
                ratio = pair
            source = texts[ratio["source_id"]]
            nxt = next((r for r in rows[i + 1:i + 4] if r["unit"] == "percent"
                        and _same_sentence(ratio, r)
                        and int(r["start"]) - int(rows[i + _width(ratio) - 1]["end"]) <= 60
                        and _links_share(source.text[int(rows[i]["end"]):int(r["start"])], rules)), None)
            if nxt is None:
                continue
            findings.append(_grim_finding(ratio, nxt))
    return findings


def _width(ratio: pd.Series) -> int:
    """How many claims a ratio spans (two when it was read from "a/b" written as two claims)."""
    members = ratio.get("claim_list")
    return len(members) if isinstance(members, list) else 1


def _slash_pair(rows: list[pd.Series], i: int, texts: dict[str, Source]) -> pd.Series | None:
    """Two claims of one unit written "a tỷ đồng/b tỷ đồng" read as one ratio a/b (or None)."""
    if i + 1 >= len(rows):
        return None
    a, b = rows[i], rows[i + 1]
    between = texts[a["source_id"]].text[int(a["end"]):int(b["start"])]
    if a["unit"] != b["unit"] or "/" not in between or len(between.strip()) > 12 \
            or not pd.isna(b["denominator"]):
        return None
    ratio = a.copy()
    ratio["denominator"] = float(b["value"])
    ratio["text"] = re.sub(r"\s+", " ", texts[a["source_id"]].text[int(a["start"]):int(b["end"])])
    ratio["claim_list"] = [a["claim_id"], b["claim_id"]]
    return ratio


def _grim_finding(ratio: pd.Series, percent: pd.Series) -> dict:
    a, b = float(ratio["value"]), float(ratio["denominator"])
    exact = 100 * a / b
    interval = percent["interval"]
    decimals = int(percent["decimals"])
    held = interval.contains(exact)
    ks = grim_possible(interval, int(b)) if b.is_integer() else []
    if held:
        status, severity, kind = "consistent", "none", "consistent"
        verdict = "the stated percentage is the ratio correctly rounded"
    else:
        status, severity, kind = "contradiction", "medium", "arithmetic_mismatch"
        verdict = (f"the stated percentage is not the ratio at its precision; with the same "
                   f"denominator it would need a numerator of {', '.join(_fmt(k) for k in ks[:3]) or 'none'}"
                   f", and the ratio rounds to {exact:.{decimals}f}%")
    explanation = (
        f"In {ratio['source_id']}, “{ratio['text']}” gives {_fmt(a)}/{_fmt(b)} = {exact:.3f}%, and the "
        f"text states “{percent['text']}”, which at {decimals} decimal(s) allows {interval}: {verdict}."
    )
    return _finding(kind, "within:grim", [ratio, percent], status, severity,
                    f"{exact:.{max(decimals, 1)}f} percent", explanation)


def _implied_denominator_findings(q: pd.DataFrame, params: Params) -> list[dict]:
    """Percentages with decimals in one sentence that share a small implied denominator."""
    findings = []
    for sentence in _sentence_rows(q):
        pct = [r for r in _by_start(sentence)
               if r["unit"] == "percent" and r["qualifier"] in ("", "reached")
               and int(r["decimals"]) >= 1 and 0 < r["value"] < 100]
        if len(pct) < 2:
            continue
        common: set[int] | None = None
        for r in pct:
            ns = set(implied_denominators(r["interval"], params.max_denominator))
            common = ns if common is None else common & ns
        if not common:
            continue
        n = min(common)
        counts = [r for r in sentence if r["unit"] != "percent" and r["value"] == n]
        if len(pct) < 3 and not counts:
            continue
        ks = ", ".join(f"“{r['text']}” = {grim_possible(r['interval'], n)[0]}/{n}" for r in pct)
        stated = f" The same sentence states {n} (“{counts[0]['text']}”)." if counts else ""
        explanation = (
            f"In {pct[0]['source_id']}, {len(pct)} percentages in one sentence are all reproduced by "
            f"whole counts out of n = {n}, the smallest denominator that fits them all at their "
            f"reported precision: {ks}.{stated}"
        )
        status = "consistent" if counts else "unresolved"
        findings.append(_finding("implied_denominator", "within:implied-n", pct + counts, status,
                                 "none" if counts else "low", f"n = {n}", explanation))
    return findings


def _denominator_checks(obs: pd.DataFrame, params: Params) -> list[dict]:
    """A percentage of an indicator whose denominator another claim states: is it reachable?"""
    findings = []
    ratios = obs[obs["denominator"].notna() & (obs["denominator"] > 0)]
    percents = obs[(obs["unit"] == "percent") & (obs["qualifier"].isin(["", "reached", "estimated"]))]
    # The percentages of each indicator, place and document, found once (a scan of all of them
    # per ratio grew with the square of the corpus).
    cell = ["indicator", "geography", "document_id"]
    percents_of = _groups(_rows(percents), cell)
    for ratio in _rows(ratios):
        n = float(ratio["denominator"])
        if not n.is_integer() or n < 10 or n > 10 * params.max_denominator:
            continue
        for pct in percents_of.get(tuple(ratio[k] for k in cell), []):
            if _same_sentence(pct, ratio):
                continue  # in one sentence: the GRIM rule covers it
            ks = grim_possible(pct["interval"], int(n))
            if ks:
                continue
            near = implied_denominators(pct["interval"], int(n))
            explanation = (
                f"{_describe(pct)} cannot be a whole count out of {int(n)}, the total that "
                f"{_describe(ratio)} states for the same indicator: no k gives 100·k/{int(n)} within "
                f"{pct['interval']}. Denominators near it that work: "
                f"{', '.join(str(x) for x in near[-3:]) or 'none'}. Either the total changed between the "
                "two statements or the percentage rests on another base."
            )
            findings.append(_finding("implied_denominator", "within:denominator-check", [pct, ratio],
                                     "unresolved", "medium", _value_text(ratio), explanation))
    return findings


def _baseline_findings(q: pd.DataFrame, texts: dict[str, Source], rules: dict) -> list[dict]:
    """Changes "so với năm YYYY" after a level: the implied baseline (both readings for %)."""
    findings = []
    pattern = re.compile(rules["baseline_pattern"])
    for source_id, claims in q.groupby("source_id", sort=False):
        rows = _rows(claims.sort_values("start"))
        source = texts[source_id]
        for i, change in enumerate(rows):
            if change["unit"] not in {"percent", "times"} or i == 0:
                continue
            tail = fold(source.text[int(change["end"]):int(change["end"]) + rules["baseline_window"]])
            match = pattern.match(tail.strip()) or pattern.search(tail[:25])
            if not match:
                continue
            level_at = next((k for k in range(i - 1, -1, -1)
                             if rows[k]["qualifier"] not in rules["change_qualifiers"]), None)
            if level_at is None:
                continue
            level = rows[level_at]
            if not (_same_sentence(level, change) and int(change["start"]) - int(level["end"]) <= 60
                    and level["unit"] != "times"):
                continue
            if level_at < i - 1:
                continue  # a count change sits between: the three-claim baseline check covers it
            findings.append(_baseline_finding(level, change, int(match.group(1)), source))
    return findings


def _baseline_finding(level: pd.Series, change: pd.Series, year: int, source: Source) -> dict:
    value, c = float(level["value"]), float(change["value"])
    ci = change["interval"]
    span = _period_span(level["period"] or change["period"] or source.date[:4])
    end_year = span[1] if span else None
    years = (end_year - year) if end_year else None
    before = fold(source.text[max(0, int(change["start"]) - 12):int(change["start"])])
    decreasing = change["qualifier"] == "decrease" or "giam" in before
    increasing = change["qualifier"] == "increase" or "tang" in before
    sign = -1 if decreasing else 1
    if change["unit"] == "times":
        base = value / c
        lo, hi = value / ci.hi, value / ci.lo
        rate = f"; over {years} years that is {100 * (c ** (1 / years) - 1):.1f}% a year" if years else ""
        explanation = (
            f"In {level['source_id']}, “{level['text']}” is said to be {change['text']} the {year} value: "
            f"the implied {year} baseline is {_fmt(base)} (between {_fmt(lo)} and {_fmt(hi)} at the "
            f"reported precision){rate}. The texts give no {year} value to check it against."
        )
        return _finding("implied_baseline", "within:baseline", [level, change], "unresolved", "low",
                        f"{year}: ≈ {_fmt(round(base, 1))} {_unit(level)}".strip(), explanation)
    points = value - sign * c
    relative = value / (1 + sign * c / 100)
    if level["unit"] == "percent":
        explanation = (
            f"In {level['source_id']}, “{level['text']}” is followed by “{change['text']}” compared with "
            f"{year}. Read as percentage points the {year} level was {points:.1f}%; read as a relative "
            f"change it was {relative:.2f}%. The text does not say which; both readings are reported."
        )
        return _finding("implied_baseline", "within:baseline", [level, change], "unresolved", "low",
                        f"{year}: {points:.1f}% (points) or {relative:.2f}% (relative)", explanation)
    if not (increasing or decreasing):
        ratio_base = value / (c / 100)
        explanation = (
            f"In {level['source_id']}, “{level['text']}” is “{change['text']}” of the {year} value: the "
            f"implied {year} baseline is {_fmt(round(ratio_base, 1))} {_unit(level)}."
        )
        return _finding("implied_baseline", "within:baseline", [level, change], "unresolved", "low",
                        f"{year}: ≈ {_fmt(round(ratio_base, 1))} {_unit(level)}".strip(), explanation)
    other = ""
    if c >= 100 and increasing:
        other = (f" Writers sometimes put “tăng {change['text']}” for “bằng {change['text']}” (equal to "
                 f"that share of the {year} value); read so, the baseline is "
                 f"{_fmt(round(value / (c / 100), 1))}. Both readings are reported.")
    explanation = (
        f"In {level['source_id']}, “{level['text']}” with a change of “{change['text']}” compared with "
        f"{year} implies a {year} baseline of {_fmt(round(relative, 1))} {_unit(level)}.{other}"
    )
    return _finding("implied_baseline", "within:baseline", [level, change], "unresolved", "low",
                    f"{year}: ≈ {_fmt(round(relative, 1))} {_unit(level)}".strip(), explanation)


def _share_baselines(q: pd.DataFrame, texts: dict[str, Source], rules: dict) -> list[dict]:
    """A level then "chiếm/bằng P%" then, in the same sentence, a change in the same unit:

    e.g. "còn 63 hộ (giảm 19 hộ, giảm 23,2% so với năm 2023)": the baseline from the count
    (63 + 19) and from the percentage (19 / 0.232) must agree.
    """
    findings = []
    for _, claims in q.groupby("source_id", sort=False):
        rows = _rows(claims.sort_values("start"))
        for i in range(len(rows) - 2):
            level, delta, pct = rows[i], rows[i + 1], rows[i + 2]
            if not (_same_sentence(level, delta) and _same_sentence(delta, pct)):
                continue
            if not (level["unit"] == delta["unit"] and level["unit"] not in {"percent", "times"}
                    and pct["unit"] == "percent"
                    and delta["qualifier"] in rules["change_qualifiers"]
                    and pct["qualifier"] in rules["change_qualifiers"]):
                continue
            sign = -1 if delta["qualifier"] == "decrease" else 1
            from_count = float(level["value"]) - sign * float(delta["value"])
            pi = pct["interval"]
            lo, hi = float(delta["value"]) / (pi.hi / 100), float(delta["value"]) / (pi.lo / 100)
            held = lo - 0.5 <= from_count <= hi + 0.5
            explanation = (
                f"In {level['source_id']}, “{level['text']}” with a change of “{delta['text']}” implies a "
                f"baseline of {_fmt(from_count)}; the change “{pct['text']}” implies a baseline between "
                f"{_fmt(lo)} and {_fmt(hi)}. " + ("The two agree." if held else "The two disagree.")
            )
            findings.append(_finding(
                "implied_baseline" if held else "arithmetic_mismatch", "within:baseline-check",
                [level, delta, pct], "consistent" if held else "contradiction",
                "none" if held else "medium", f"baseline {_fmt(from_count)} {_unit(level)}".strip(),
                explanation))
    return findings


def _rate_checks(q: pd.DataFrame, texts: dict[str, Source]) -> list[dict]:
    """A level in one year, a level in a later year, and a stated yearly rate in one sentence
    ("giảm từ 145 hộ (2021) xuống còn 63 hộ (2024), ... giảm trên 20%/năm"): recompute the
    compound yearly rate between the two levels and check it against the stated one."""
    findings = []
    for sentence in _sentence_rows(q):
        rows = _by_start(sentence)
        rates = [r for r in rows if r["unit"] == "percent_per_year"]
        for rate in rates:
            levels = [r for r in rows if int(r["start"]) < int(rate["start"]) and r["unit"] not in
                      ("percent", "percent_per_year", "times") and _period_span(r["period"])
                      and _span_length(r["period"]) == 0]
            pair = next(((a, b) for a, b in combinations(levels, 2)
                         if a["unit"] == b["unit"] and a["indicator"] == b["indicator"]
                         and _period_span(a["period"])[0] < _period_span(b["period"])[0]
                         and float(a["value"]) > 0 and float(b["value"]) > 0), None)
            if pair is None:
                continue
            findings.append(_rate_finding(*pair, rate, texts[rate["source_id"]]))
    return findings


def _rate_finding(first: pd.Series, last: pd.Series, rate: pd.Series, source: Source) -> dict:
    years = _period_span(last["period"])[0] - _period_span(first["period"])[0]
    ratio = float(last["value"]) / float(first["value"])
    before = fold(source.text[max(0, int(rate["start"]) - 20):int(rate["start"])])
    falling = "giam" in before or rate["qualifier"] == "decrease" or ratio < 1
    computed = 100 * (1 - ratio ** (1 / years)) if falling else 100 * (ratio ** (1 / years) - 1)
    held = rate["interval"].contains(computed)
    word = "fall" if falling else "growth"
    explanation = (
        f"In {rate['source_id']}, {_quote(first)} in {first['period']} and {_quote(last)} in "
        f"{last['period']} imply a compound yearly {word} of {computed:.1f}% over {years} years; the text "
        f"states “{_quote(rate)}”, which allows {rate['interval']}: "
        + ("the stated rate holds." if held else "the stated rate does not follow from the two levels.")
    )
    return _finding("consistent" if held else "arithmetic_mismatch", "within:rate", [first, last, rate],
                    "consistent" if held else "contradiction", "none" if held else "medium",
                    f"{computed:.1f} percent_per_year", explanation)


def _projection_findings(obs: pd.DataFrame, rules: dict, params: Params) -> list[dict]:
    """A projected or target value against the latest actual of the same indicator and place."""
    findings = []
    forward = obs[_forward_mask(obs, rules)]
    actual = obs[_actual_mask(obs, rules)]
    peers_of = _index_actuals(actual[actual["denominator"].isna()])
    for proj in _rows(forward):
        span = _period_span(proj["period"])
        key = (proj["indicator"], proj["geography"], proj["unit"])
        if not span or key not in peers_of:
            continue
        singles, single_ends, terms = peers_of[key]
        covering = [r for r in terms if r["p_start"] <= span[0] and r["p_end"] >= span[1]]
        if span[0] == span[1] and covering and proj["unit"] not in {"percent"}:
            total = max(covering, key=lambda r: (r["p_end"], r["_position"]))
            findings.append(_projection_vs_term(proj, total, params))
        before = bisect_left(single_ends, span[1])  # the single-year actuals that end before it
        if before:
            findings.append(_projection_vs_latest(proj, singles[before - 1], span[1], params))
    return findings


def _index_actuals(actual: pd.DataFrame) -> dict[tuple, tuple[list[dict], list[int], list[dict]]]:
    """The actuals by (indicator, geography, unit), built once so that each projection costs a
    lookup and a binary search however many documents report the indicator.

    Per key: the single-year actuals in order of (end year, source date) — ties keep the frame's
    order, so the last one before a year is the latest —, their end years, and the multi-year
    actuals, one (the last in the frame) per period.
    """
    grouped: dict[tuple, list[dict]] = {}
    for position, row in enumerate(_rows(actual)):
        key = (row["indicator"], row["geography"], row["unit"])
        if any(pd.isna(k) for k in key):
            continue
        span = _period_span(row["eff_period"]) or (0, 0)
        row.update(p_start=span[0], p_end=span[1], _position=position)
        grouped.setdefault(key, []).append(row)
    index = {}
    for key, rows in grouped.items():
        singles = sorted((r for r in rows if r["p_start"] == r["p_end"]),
                         key=lambda r: (r["p_end"], r["source_date"]))
        terms = {(r["p_start"], r["p_end"]): r for r in rows if r["p_start"] < r["p_end"]}
        index[key] = (singles, [r["p_end"] for r in singles], list(terms.values()))
    return index


def _projection_vs_term(proj: pd.Series, total: pd.Series, params: Params) -> dict:
    span = _period_span(total["eff_period"])
    years = span[1] - span[0] + (0 if span[1] - span[0] >= 5 else 1)
    average = float(total["value"]) / years
    ratio = float(proj["value"]) / average
    plausible = ratio <= 1 + params.max_growth * 2 and float(proj["value"]) < float(total["value"])
    explanation = (
        f"In {proj['source_id']}, {_describe(proj)} for {proj['period']} sits beside the term total "
        f"{_describe(total)} for {total['eff_period']}: an average of {_fmt(round(average, 1))} a year "
        f"over {years} years, so the one-year projection is {ratio:.2f} times the yearly average and "
        f"{100 * float(proj['value']) / float(total['value']):.1f}% of the term total. "
        + ("That is a plausible last year of a growing series."
           if plausible else "That is hard to reconcile with the total.")
    )
    return _finding("projection_plausibility", "within:projection", [proj, total],
                    "consistent" if plausible else "unresolved", "none" if plausible else "medium",
                    _value_text(total), explanation)


def _projection_vs_latest(proj: pd.Series, latest: pd.Series, end_year: int, params: Params) -> dict:
    base_year = _period_span(latest["eff_period"])[1]
    years = max(1, end_year - base_year)
    growth = (float(proj["value"]) / float(latest["value"])) ** (1 / years) - 1 \
        if latest["value"] > 0 and proj["value"] > 0 else math.nan
    plausible = not math.isnan(growth) and abs(growth) <= params.max_growth
    word = "target" if proj["qualifier"] == "target" else "projection"
    explanation = (
        f"The {word} {_describe(proj)} for {proj['period']} against the latest actual "
        f"{_describe(latest)} for {latest['eff_period']} needs {100 * growth:.1f}% a year over {years} "
        f"year(s); the book treats up to {100 * params.max_growth:.0f}% a year as plausible."
    )
    return _finding("projection_plausibility", "between:projection", [proj, latest],
                    "consistent" if plausible else "unresolved", "none" if plausible else "medium",
                    _value_text(latest), explanation)


def _qualifier_class(claim: pd.Series) -> str:
    """The qualifier if it bounds or widens the value, else "point" (plain, reached, estimated)."""
    return claim["qualifier"] if claim["qualifier"] in BOUNDING_QUALIFIERS else "point"


def _restated_findings(obs: pd.DataFrame, rules: dict, max_gap: float = 0.2) -> list[dict]:
    """One document giving one indicator, period and place twice with different values or qualifiers."""
    findings = []
    actual = obs[_actual_mask(obs, rules)]
    for rows in _groups(_rows(actual), ["document_id", "indicator", "geography", "unit"]).values():
        for a, b in combinations(rows, 2):
            if not same_period(a["eff_period"], a["period_inferred"], b["eff_period"], b["period_inferred"]):
                continue
            if not pd.isna(a["denominator"]) or not pd.isna(b["denominator"]):
                continue
            if a["sentence"] == b["sentence"]:
                continue  # one sentence listing several values: parts or sub-measures
            if _qualifier_class(a) == _qualifier_class(b):
                continue  # two plain values: more likely two measures than one figure restated
            low, high = sorted((abs(float(a["value"])), abs(float(b["value"]))))
            if low == 0 or high / low > 1 + max_gap:
                continue  # far apart: two different measures, not one figure restated
            relation = relate(a["interval"], b["interval"])
            status = "consistent"
            if relation == "disjoint":
                bounding = {a["qualifier"], b["qualifier"]} & BOUNDING_QUALIFIERS
                status = "contradiction" if bounding and a["qualifier"] != b["qualifier"] else "unresolved"
            explanation = (
                f"{a['source_id']} states this indicator twice for the same period: {_describe(a)} "
                f"and {_describe(b)} (intervals {a['interval']} and {b['interval']}): "
                + ("with their qualifiers they cannot both hold."
                   if status == "contradiction" else
                   "they differ; the two sentences may measure different things."
                   if status == "unresolved" else "the two statements are compatible.")
            )
            findings.append(_finding("restated_figure", "within:restated", [a, b], status,
                                     {"contradiction": "medium", "unresolved": "low"}.get(status, "none"),
                                     _value_text(min((a, b), key=_rank)), explanation))
    return findings


def _signature(rows: list[pd.Series], k: int, text: str, context: int) -> tuple:
    """A claim's value and unit with the last words before it (since the previous claim)."""
    r = rows[k]
    lead = fold(text[int(rows[k - 1]["end"]) if k else 0:int(r["start"])])
    return (r["value"], r["unit"], lead[-context:])


def _common_passage(text: str, a0: pd.Series, b0: pd.Series, a1: pd.Series, b1: pd.Series,
                    reach: int = 300) -> int:
    """Length (folded characters) of the identical passage around two runs of claims, 0 if the
    text between the claims of the runs differs."""
    mid_a = fold(text[int(a0["start"]):int(a1["end"])])
    if mid_a != fold(text[int(b0["start"]):int(b1["end"])]):
        return 0
    left_a = fold(text[max(0, int(a0["start"]) - reach):int(a0["start"])])[::-1]
    left_b = fold(text[max(0, int(b0["start"]) - reach):int(b0["start"])])[::-1]
    right_a = fold(text[int(a1["end"]):int(a1["end"]) + reach])
    right_b = fold(text[int(b1["end"]):int(b1["end"]) + reach])

    def common(x: str, y: str) -> int:
        n = 0
        while n < min(len(x), len(y)) and x[n] == y[n]:
            n += 1
        return n

    return common(left_a, left_b) + len(mid_a) + common(right_a, right_b)


def _duplicate_passages(q: pd.DataFrame, texts: dict[str, Source], min_claims: int = 2,
                        context: int = 12, min_passage: int = 80) -> list[dict]:
    """Runs of ≥ ``min_claims`` claims repeated in one source with the same surrounding words."""
    findings = []
    for source_id, claims in q.groupby("source_id", sort=False):
        rows = _rows(claims.sort_values("start"))
        text = texts[source_id].text

        sigs = [_signature(rows, k, text, context) for k in range(len(rows))]
        seen: dict[tuple, int] = {}
        used: set[int] = set()
        for k in range(len(rows) - min_claims + 1):
            key = tuple(sigs[k:k + min_claims])
            if key in seen and seen[key] + min_claims <= k and k not in used \
                    and _common_passage(text, rows[seen[key]], rows[k], rows[seen[key] + min_claims - 1],
                                        rows[k + min_claims - 1]) >= min_passage:
                first = seen[key]
                length = min_claims
                while (k + length < len(rows) and first + length < k
                       and sigs[first + length] == sigs[k + length]):
                    length += 1
                used.update(range(k, k + length))
                run = rows[first:first + length] + rows[k:k + length]
                explanation = (
                    f"In {source_id}, a passage with {length} numbers "
                    f"({', '.join('“' + r['text'] + '”' for r in rows[first:first + length])}) appears "
                    f"twice, at characters {int(rows[first]['start'])} and {int(rows[k]['start'])}, with "
                    "the same surrounding words: one statement repeated (a copy or layout artefact, or a "
                    "deliberate restatement), counted once."
                )
                findings.append(_finding("duplicate_passage", "within:duplicate", run, "explained", "low",
                                         "", explanation))
            else:
                seen.setdefault(key, k)
    return findings


# ---------------------------------------------------------------------------------------------
# Public entry points
# ---------------------------------------------------------------------------------------------


def copy_twins(claims: pd.DataFrame, sources: list[Source], params: Params = Params()) -> dict[str, str]:
    """{claim_id in a weaker copy: claim_id of the same claim in the best copy of its document}."""
    return _aligned_copies(_prepare(claims, sources, params), sources)[0]


@dataclass(frozen=True)
class Prepared:
    """What every rule starts from: the claims with intervals (``q``), the claims matched between
    copies of one document (``twins``), the findings of that matching, and one observation per
    claim seen in any copy (``obs``). Computed once by :func:`prepare` and shared."""

    q: pd.DataFrame
    twins: dict
    copy_findings: list
    obs: pd.DataFrame


def prepare(claims: pd.DataFrame, sources: list[Source], params: Params = Params()) -> Prepared:
    """The shared starting point of :func:`find_findings` and :func:`reconcile_indicators`."""
    q = _prepare(claims, sources, params)
    twins, copy_findings = _aligned_copies(q, sources)
    return Prepared(q, twins, copy_findings, _observations(q, twins))


def find_findings(claims: pd.DataFrame, sources: list[Source], params: Params = Params(),
                  prepared: Prepared | None = None) -> pd.DataFrame:
    """Every finding the rules produce on ``claims`` (the claims contract) and ``sources``.

    Rows are sorted by kind and finding_id; ids are stable across runs. Raises ``KeyError`` if a
    contract column is missing.
    """
    rules = load_rules()
    prepared = prepared or prepare(claims, sources, params)
    q, obs = prepared.q, prepared.obs.copy()
    findings = list(prepared.copy_findings)
    texts = {s.source_id: s for s in sources}
    # Within-document rules run on one copy of each document (the best layer), so a copy
    # error never counts twice; the copy's claims are cited through the observations.
    best = _best_copies(q, sources)
    findings += _duplicate_passages(q, texts)
    findings += _sum_mismatches(best, texts, rules)
    findings += _percent_checks(best, texts, params, rules)
    findings += _implied_denominator_findings(best, params)
    findings += _baseline_findings(best, texts, rules)
    findings += _share_baselines(best, texts, rules)
    findings += _rate_checks(best, texts)
    findings += _between_documents(obs, rules)
    findings += _denominator_checks(obs, params)
    findings += _projection_findings(obs, rules, params)
    findings += _restated_findings(obs, rules)
    meta = load_indicator_meta()
    frame = pd.DataFrame(findings, columns=FINDING_COLUMNS[:-1])
    frame["theme"] = [meta.get(i.split(";")[0], {}).get("theme", "") for i in frame["indicator"]]
    frame = frame.drop_duplicates("finding_id")
    return frame.sort_values(["kind", "finding_id"]).reset_index(drop=True)[FINDING_COLUMNS]


def _best_copies(q: pd.DataFrame, sources: list[Source]) -> pd.DataFrame:
    keep = set()
    by_doc: dict[str, list[Source]] = {}
    for s in sources:
        by_doc.setdefault(s.document_id, []).append(s)
    for copies in by_doc.values():
        keep.add(min(copies, key=lambda s: LAYER_RANK.get(s.text_layer, 9)).source_id)
    return q[q["source_id"].isin(keep)]


def reconcile_indicators(claims: pd.DataFrame, sources: list[Source], findings: pd.DataFrame,
                         params: Params = Params(), prepared: Prepared | None = None) -> pd.DataFrame:
    """One row per indicator × period × geography: the preferred value and why.

    The preferred claim is the one from the best text layer, official before news, latest date;
    when the claims of one cell contradict each other the status says so and the range covers them.
    """
    prepared = prepared or prepare(claims, sources, params)
    q, obs = prepared.q, prepared.obs.copy()
    obs["stated_period"] = obs["eff_period"]
    obs["eff_period"] = [canonical_period(p, params.reference_period) for p in obs["eff_period"]]
    meta = load_indicator_meta()
    source_of = dict(zip(q["claim_id"], q["source_id"], strict=True))
    by_claim: dict[str, list[pd.Series]] = {}
    for f in _rows(findings):
        for cid in str(f["claim_ids"]).split(";"):
            by_claim.setdefault(cid, []).append(f)
    rows = []
    cells = _groups(_rows(obs), ["indicator", "eff_period", "geography", "unit"])
    for (indicator, period, geography, unit), group in cells.items():
        best = min(group, key=_rank)
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
            f"{len(ids)} claim(s) from {docs} document(s); preferred: {_describe(best)}"
            f"{'; stated as ' + ', '.join(stated) + ', the same term' if stated else ''}"
            f"{' (a plan, not an actual)' if forward else ''}"
            f"{'; period taken from the source date' if best['period_inferred'] else ''}"
            + (f"; findings: {', '.join(sorted({_kind_status(f) for f in related.values()}))}"
               if related else "")
        )
        rows.append({
            "indicator": indicator, "label_en": meta.get(indicator, {}).get("label_en", ""),
            "theme": meta.get(indicator, {}).get("theme", ""), "period": period,
            "geography": geography, "preferred_value": _value_text(best),
            "value_low": lo, "value_high": hi, "unit": unit, "status": status,
            "sources": ";".join(sorted({row["source_id"] for row in group} | {
                s for row in group for s in _source_of(row["claim_list"], source_of)})),
            "claim_ids": ";".join(ids), "n_claims": len(ids),
            "finding_ids": ";".join(sorted(related)), "reasoning": reasoning,
        })
    return pd.DataFrame(rows, columns=INDICATOR_COLUMNS)


def _kind_status(finding: pd.Series) -> str:
    return f"{finding['kind']} ({finding['status']})"


def _source_of(claim_ids: list[str], lookup: dict[str, str]) -> set[str]:
    return {lookup[c] for c in claim_ids if c in lookup}


def stage_findings(sources: list[Source], inputs: dict[str, object]) -> dict[str, object]:
    """Pipeline stage: ``claims.csv`` → ``findings.csv`` and ``indicators.csv``."""
    claims = inputs["claims.csv"]
    if not isinstance(claims, pd.DataFrame):
        raise SonlaError("the findings stage needs claims.csv from the claims stage")
    prepared = prepare(claims, sources)
    findings = find_findings(claims, sources, prepared=prepared)
    indicators = reconcile_indicators(claims, sources, findings, prepared=prepared)
    return {FINDINGS.path: findings, INDICATORS.path: indicators}


def main() -> int:
    """Print the findings by kind and status for ``data/processed/claims.csv`` and the sources."""
    import sys

    try:
        path = config.PROCESSED_DIR / "claims.csv"
        if not path.is_file():
            raise SonlaError(f"{path} not found: run `make data` first")
        from ..sources import load_sources

        claims = pd.read_csv(path, keep_default_na=False, na_values=[""])
        found = find_findings(claims, load_sources())
    except SonlaError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(pd.crosstab(found["kind"], found["status"], margins=True).to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
