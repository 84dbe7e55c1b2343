"""The pipeline's reading of each annotated claim against the hand reading.

An annotation is matched to the claim whose span holds the annotation's first digit (the
annotator's span may include more or fewer unit words than the extractor's). ``is_quantity``
is scored on every annotated number; the other fields on the numbers that both the annotator
and the pipeline call quantities. The annotated concept (English words) is turned into an
indicator concept key by ``data/annotations/concepts.csv``, a map made from the concept words
and the indicator labels only, never from the pipeline's reading of a claim.
"""

from __future__ import annotations

import bisect
import math
import re
from functools import lru_cache

import pandas as pd

from ..schema import READING_ACCURACY, READING_COMPARISON
from ..text.lexicon import rule_file

__all__ = [
    "FIELDS",
    "wilson_interval",
    "match_claims",
    "compare_readings",
    "accuracy_table",
    "agreement_table",
]

FIELDS = ("is_quantity", "frame", "base", "each_year", "indicator", "unit", "period", "geography")
# Fields read from a claim row: the hand field → the claims.csv column it is compared with.
CLAIM_FIELD = {
    "frame": "frame",
    "base": "base",
    "each_year": "each_year",
    "indicator": "concept",
    "unit": "unit",
    "period": "period",
    "geography": "geography",
}


def wilson_interval(correct: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval of the proportion ``correct / n`` (95% by default).

    >>> [round(x, 4) for x in wilson_interval(95, 100)]
    [0.8882, 0.9785]
    >>> wilson_interval(0, 0)
    (nan, nan)
    """
    if n == 0:
        return (math.nan, math.nan)
    p = correct / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


def _truth(value: object) -> bool:
    return str(value).strip().lower() in ("yes", "true", "1")


def _period(value: object) -> str:
    return re.sub(r"\s*[-–]\s*", "-", "" if value is None or value != value else str(value)).strip()


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def match_claims(annotations: pd.DataFrame, claims: pd.DataFrame) -> list[dict | None]:
    """For each annotation, the claim (any kind) whose span holds its first digit, or None.

    Only the matched claims are turned into dicts (the annotations are a sample of the claims).
    """
    spans = sorted(zip([str(s) for s in claims["source_id"].tolist()], claims["start"].astype(int).tolist(),
                       claims["end"].astype(int).tolist(), range(len(claims)), strict=True))
    by_source: dict[str, tuple[list[int], list[int], list[int]]] = {}  # starts, ends, row positions
    for sid, start, end, position in spans:
        starts, ends, positions = by_source.setdefault(sid, ([], [], []))
        starts.append(start)
        ends.append(end)
        positions.append(position)
    found: list[int | None] = []
    for text, source_id, first in zip(annotations["text"].tolist(), annotations["source_id"].tolist(),
                                      annotations["start"].tolist(), strict=True):
        digit = re.search(r"\d", str(text))
        pos = int(first) + (digit.start() if digit else 0)
        starts, ends, positions = by_source.get(str(source_id), ([], [], []))
        i = bisect.bisect_right(starts, pos) - 1
        found.append(positions[i] if i >= 0 and starts[i] <= pos < ends[i] else None)
    wanted = sorted({p for p in found if p is not None})
    matched = claims.iloc[wanted]
    matched = matched.assign(start=matched["start"].astype(int), end=matched["end"].astype(int))
    rows = dict(zip(wanted, matched.to_dict("records"), strict=True))
    return [None if p is None else rows[p] for p in found]


def unit_key(annotated: str, words: dict[str, str]) -> str:
    """An annotated unit as a unit key: ``other:<word>`` becomes the key whose wording list in
    ``units.yaml`` holds that Vietnamese word (the codebook listed only some words per key);
    ``count`` and ``none`` (a bare number) become "" as in claims.csv.

    >>> unit_key("other:đoàn", {"đoàn": "group"}), unit_key("count", {}), unit_key("other:kg", {})
    ('group', '', 'other:kg')
    """
    if annotated in ("count", "none"):
        return ""
    if annotated.startswith("other:"):
        word = re.sub(r"\s*\(.*\)", "", annotated[6:]).strip().lower()
        return words.get(word, annotated)
    return annotated


@lru_cache(maxsize=1)
def _unit_words() -> dict[str, str]:
    words: dict[str, str] = {}
    for unit in rule_file("units.yaml").get("units", []):
        for pattern in unit["patterns"]:
            if re.fullmatch(r"[\w ,]+", pattern):
                words.setdefault(pattern.lower(), unit["key"])
    return words


def _hand(a: dict, concepts: dict[str, str]) -> dict[str, object]:
    return {
        "frame": _text(a["frame"]),
        "base": _period(a["base"]),
        "each_year": _truth(a["each_year"]),
        "indicator": concepts.get(_text(a["concept"]), ""),
        "unit": unit_key(_text(a["unit"]), _unit_words()),
        "period": _period(a["period"]),
        "geography": _text(a["geography"]),
    }


def _read(c: dict) -> dict[str, object]:
    row = {field: _text(c.get(column)) for field, column in CLAIM_FIELD.items()}
    row["each_year"] = _truth(c.get("each_year"))
    row["period"], row["base"] = _period(row["period"]), _period(row["base"])
    return row


def compare_readings(
    annotations: pd.DataFrame, claims: pd.DataFrame, concepts: dict[str, str], corpus: str
) -> pd.DataFrame:
    """One row per annotated number: both readings and, per field, whether they agree
    (``ok_<field>``: empty where the field is not scored). Columns: ``READING_COMPARISON``."""
    rows = []
    for a, c in zip(annotations.to_dict("records"), match_claims(annotations, claims), strict=True):
        hand_q = _truth(a["is_quantity"])
        read_q = c is not None and c["kind"] == "quantity"
        row: dict[str, object] = {
            "corpus": corpus,
            "source_id": a["source_id"],
            "start": int(a["start"]),
            "end": int(a["end"]),
            "text": a["text"],
            "claim_id": c["claim_id"] if c else "",
            "claim_kind": c["kind"] if c else "",
            "hand_is_quantity": hand_q,
            "read_is_quantity": read_q,
            "ok_is_quantity": hand_q == read_q,
        }
        hand, read = _hand(a, concepts), (_read(c) if c else {})
        for field in FIELDS[1:]:
            row[f"hand_{field}"] = hand[field]
            row[f"read_{field}"] = read.get(field, "")
            row[f"ok_{field}"] = (hand[field] == read.get(field)) if hand_q and read_q else None
        row["concept_words"] = _text(a["concept"])
        row["note"] = _text(a.get("note", ""))
        rows.append(row)
    return pd.DataFrame(rows, columns=READING_COMPARISON.columns)


def accuracy_table(comparison: pd.DataFrame) -> pd.DataFrame:
    """Accuracy per corpus and field with Wilson 95% intervals (columns ``READING_ACCURACY``)."""
    rows = []
    for corpus, group in comparison.groupby("corpus", sort=False):
        for field in FIELDS:
            scored = group[f"ok_{field}"].dropna().astype(bool)
            n, correct = len(scored), int(scored.sum())
            lo, hi = wilson_interval(correct, n)
            rows.append(
                {
                    "corpus": corpus,
                    "field": field,
                    "n": n,
                    "correct": correct,
                    "accuracy": round(correct / n, 4) if n else math.nan,
                    "ci_low": round(lo, 4),
                    "ci_high": round(hi, 4),
                }
            )
    return pd.DataFrame(rows, columns=READING_ACCURACY.columns)


def agreement_table(first: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """Agreement of two independent annotations of the same numbers, per field (before adjudication).

    Fields other than ``is_quantity`` are compared where both call the number a quantity; the
    concept words are not compared (two wordings of one concept differ as text).
    """
    merged = first.merge(second, on=["source_id", "start"], suffixes=("_1", "_2"))
    both = merged[merged["is_quantity_1"].map(_truth) & merged["is_quantity_2"].map(_truth)]
    rows = []
    for field in ("is_quantity", "frame", "is_change", "base", "each_year", "unit", "period", "geography"):
        scope = merged if field == "is_quantity" else both
        if field == "period" or field == "base":
            same = scope[f"{field}_1"].map(_period) == scope[f"{field}_2"].map(_period)
        elif field in ("is_quantity", "is_change", "each_year"):
            same = scope[f"{field}_1"].map(_truth) == scope[f"{field}_2"].map(_truth)
        else:
            same = scope[f"{field}_1"].astype(str) == scope[f"{field}_2"].astype(str)
        n, agree = len(scope), int(same.sum())
        lo, hi = wilson_interval(agree, n)
        rows.append(
            {
                "field": field,
                "n": n,
                "agree": agree,
                "agreement": round(agree / n, 4) if n else math.nan,
                "ci_low": round(lo, 4),
                "ci_high": round(hi, 4),
            }
        )
    return pd.DataFrame(rows)
