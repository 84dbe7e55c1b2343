"""Scale outliers: a value per person, business or hectare out of scale with its peers.

Values *per* something (a unit of an intensive family, ``rules/findings.yaml``
``intensive_families``, such as million đồng per hectare; or a money or count value whose words
say "per person", "per household", "/ha": ``per_unit_markers``) are comparable across places
and years in a way totals are not: a ward's output per hectare may differ from another ward's by
a third, hardly tenfold. :func:`find_scale_outliers` sets each such value of an indicator and
unit against the median of the others (from any source, place or year): one that differs by
``scale_factor`` (10) or more is a ``scale_outlier``, ``unresolved`` unless explained — a unit
misread (nghìn for triệu), a total read as a value per unit, or a real difference the texts do
not explain.
"""

from __future__ import annotations

from statistics import median

from ..text.fold import fold_words, word_pattern
from ..text.lexicon import rule_file
from .finding import describe, make_finding
from .intervals import fmt
from .prepare import Evidence
from .rows import Row, group_rows, rows_of
from .severity import grade, value_gap

__all__ = ["is_intensive", "find_scale_outliers"]

MAX_PEERS = 6


def is_intensive(claim: Row, families: dict[str, str], words: dict) -> bool:
    """A value per unit: an intensive unit family, or per-unit wording in or right after the claim.

    >>> words = {"intensive_families": ["money_per_area"], "per_unit_markers": ["/ho", "dau nguoi"]}
    >>> is_intensive({"unit": "mn_vnd_per_ha", "text": "85 triệu đồng/ha", "clause": ""},
    ...              {"mn_vnd_per_ha": "money_per_area"}, words)
    True
    >>> is_intensive({"unit": "mn_vnd", "text": "60 triệu đồng", "clause": "thu nhập bình quân đầu người "
    ...               "đạt 60 triệu đồng"}, {"mn_vnd": "money"}, words)
    True
    """
    if families.get(str(claim["unit"]), "") in words["intensive_families"]:
        return True
    clause = str(claim.get("clause", "") or "")
    text = str(claim["text"])
    at = clause.find(text)
    around = clause[max(0, at - 40):at + len(text) + 15] if at >= 0 else text
    folded = fold_words(around)
    return any(word_pattern(m).search(folded) or m.startswith("/") and m in folded
               for m in words["per_unit_markers"])


def find_scale_outliers(ev: Evidence) -> list[Row]:
    """Values per unit of one indicator and unit that differ from the median of the others by the
    ``scale_factor`` or more (``scale_outlier``, unresolved); see the module docstring."""
    words = ev.words
    families = {str(u["key"]): str(u.get("family", "")) for u in rule_file("units.yaml").get("units", [])}
    obs = ev.observations
    if obs.empty:
        return []
    rows = [r for r in rows_of(obs[obs["frame"] != "change"])
            if r["value"] > 0 and r["denominator"] != r["denominator"] and is_intensive(r, families, words)]
    factor = float(words["scale_factor"])
    findings = []
    for group in group_rows(rows, ["indicator", "unit"]).values():
        if len(group) < 2:
            continue
        flagged: set[str] = set()
        for row in group:
            # a value of no known place is compared only within its document
            others = [o for o in group if o is not row and (row["geography"] and o["geography"]
                                                            or o["document_id"] == row["document_id"])]
            if not others:
                continue
            middle = median(float(o["value"]) for o in others)
            ratio = float(row["value"]) / middle
            if ratio < factor and ratio > 1 / factor:
                continue
            if len(group) == 2 and others[0]["claim_id"] in flagged:
                continue  # two values: one finding for the pair
            flagged.add(row["claim_id"])
            peers = sorted(others, key=lambda o: abs(float(o["value"]) - middle))[:MAX_PEERS]
            findings.append(_outlier(row, peers, middle, ratio))
    return findings


def _outlier(row: Row, peers: list[Row], middle: float, ratio: float) -> Row:
    times = ratio if ratio >= 1 else 1 / ratio
    listed = "; ".join(f"{describe(p)} ({p['geography'] or 'place unknown'}, {p['eff_period']})"
                       for p in peers)
    explanation = (
        f"{describe(row)} ({row['geography'] or 'place unknown'}, {row['eff_period']}) is a value per unit "
        f"{fmt(round(times, 1))} times {'above' if ratio >= 1 else 'below'} "
        f"the median ({fmt(middle)}) of the "
        f"other values of this indicator and unit: {listed}. A difference of an order of magnitude between "
        "comparable values per unit is more often a misread unit or a total read as a value per unit than a "
        "real difference; the texts do not explain it."
    )
    return make_finding("scale_outlier", "across:scale", [row, *peers], "unresolved",
                        grade("unresolved", value_gap(float(row["value"]), middle)), "", explanation)
