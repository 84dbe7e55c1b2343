"""Claims as dict rows: reading a frame once, grouping rows, ordering them.

The rules read the prepared claims (:mod:`~sonla.reconcile.prepare`) as plain dicts, one per
claim (:data:`Row`): pandas' per-row and per-group access dominated the stage's run time.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["Row", "rows_of", "is_missing", "group_rows", "sentence_rows", "source_rows", "by_start",
           "same_sentence", "same_place"]

# One prepared claim (a row of claims.csv and the columns prepare_quantities adds) or one
# observation; a finding under construction is a Row too.
Row = dict[str, Any]


def rows_of(frame: pd.DataFrame) -> list[Row]:
    """The rows of ``frame`` as dicts, read column by column (pandas' ``iterrows`` and
    ``to_dict("records")`` index every cell and dominated the run time of this stage)."""
    columns = list(frame.columns)
    return [dict(zip(columns, values, strict=True))
            for values in frame.to_numpy(dtype=object).tolist()]


def is_missing(value: object) -> bool:
    """None or NaN (a missing cell of a frame read by :func:`rows_of`)."""
    return value is None or (isinstance(value, float) and value != value)


def group_rows(rows: list[Row], keys: list[str], sort: bool = True,
               dropna: bool = True) -> dict[tuple, list[Row]]:
    """``{key: rows}`` grouped by ``keys`` as ``DataFrame.groupby(keys, sort=sort, dropna=dropna)``
    would group them: sorted by key or in order of first appearance, missing keys dropped
    or kept as one group (``None`` in the key). Grouping dict rows avoids pandas' per-group
    slicing, which dominated this stage's run time."""
    groups: dict[tuple, list[Row]] = {}
    for row in rows:
        # is_missing() inlined: this loop runs once per claim and key.
        key = tuple([None if v is None or (isinstance(v, float) and v != v) else v
                     for v in [row[k] for k in keys]])
        if dropna and None in key:
            continue
        groups.setdefault(key, []).append(row)
    if not sort:
        return groups
    if None in (k for key in groups for k in key):
        raise ValueError("sorting groups needs every key present (use dropna=True)")
    return {key: groups[key] for key in sorted(groups)}


def sentence_rows(q: pd.DataFrame) -> list[list[Row]]:
    """The rows of ``q`` grouped by (source_id, sentence) in order of first appearance."""
    return list(group_rows(rows_of(q), ["source_id", "sentence"], sort=False).values())


def source_rows(q: pd.DataFrame) -> dict[str, list[Row]]:
    """The rows of ``q`` by source (in order of first appearance), each source's in text order."""
    return {key[0]: by_start(rows) for key, rows in group_rows(rows_of(q), ["source_id"], sort=False).items()}


def by_start(rows: list[Row]) -> list[Row]:
    """The rows in text order."""
    return sorted(rows, key=lambda r: r["start"])


def same_place(a: Row, b: Row) -> bool:
    """Whether two claims speak of one place: the same geography, and a known one unless both stand
    in one document (two documents that name no place may be about different places).

    >>> same_place({"geography": "", "document_id": "a"}, {"geography": "", "document_id": "b"})
    False
    >>> same_place({"geography": "", "document_id": "a"}, {"geography": "", "document_id": "a"})
    True
    """
    return a["geography"] == b["geography"] and (bool(a["geography"]) or a["document_id"] == b["document_id"])


def same_sentence(a: Row, b: Row) -> bool:
    """Whether two claims stand in one sentence of one source."""
    return a["sentence"] == b["sentence"] and a["source_id"] == b["source_id"]
