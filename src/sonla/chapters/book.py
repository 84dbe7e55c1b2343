"""Small helpers the chapters share: parameter captions, the typed loader, the reconciliation's
parameters, source lookups."""

from __future__ import annotations

import dataclasses
import html

import pandas as pd

from .. import config
from ..publish import check_published
from ..reconcile.params import Params
from ..schema import TABLES
from ..sources import Source, load_sources, read_manifest
from . import labels

__all__ = ["parameter_caption", "load_processed", "reconcile_params", "source_by_id", "manifest_table",
           "source_card", "as_bool", "source_ids"]


def parameter_caption(**parameters: object) -> str:
    """A one-line Markdown caption naming the parameters a chapter was executed with.

    >>> print(parameter_caption(source_id="report", tolerance=0.5))
    *Executed with parameters:* `source_id = 'report'`, `tolerance = 0.5`
    """
    parts = ", ".join(f"`{name} = {value!r}`" for name, value in parameters.items())
    return f"*Executed with parameters:* {parts}"


def as_bool(column: pd.Series, where: str = "") -> pd.Series:
    """A column of ``True``/``False`` (as written in a CSV, or already booleans) as booleans.

    An empty cell stays missing (the column is then of ``object`` dtype, as pandas reads it: a
    reading the annotators did not score, say). Raises ValueError naming ``where`` and the first
    value that is neither.

    >>> as_bool(pd.Series(["True", "False", True])).tolist()
    [True, False, True]
    >>> as_bool(pd.Series(["True", None])).tolist()
    [True, nan]
    """
    missing = column.isna()
    mapped = column.map(lambda v: v if isinstance(v, bool) else {"true": True, "false": False}.get(
        str(v).strip().lower()))
    bad = column[mapped.isna() & ~missing]
    if len(bad):
        raise ValueError(f"{where or column.name}: {bad.iloc[0]!r} is not True or False")
    if missing.any():
        return mapped.astype(object).where(~missing, float("nan"))
    return mapped.astype(bool)


def load_processed(name: str) -> pd.DataFrame:
    """Read a CSV from ``data/processed/`` with its columns typed as ``sonla.schema`` declares them.

    Text columns stay strings (an empty cell is missing); ``boolean`` columns become booleans,
    so no chapter compares with the string "True".

    The processed data is checked first as a set (:func:`sonla.publish.check_published`): a file
    missing, damaged or edited since the pipeline wrote it, or a set mixed by an interrupted run,
    raises :class:`~sonla.errors.SonlaError` naming the file and the command that rebuilds it.
    """
    check_published(config.PROCESSED_DIR)
    path = config.PROCESSED_DIR / name
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: the pipeline does not write it")
    frame = pd.read_csv(path, keep_default_na=False, na_values=[""])
    table = TABLES.get(name)
    for field in table.fields if table else ():
        if field.type == "boolean" and field.name in frame:
            frame[field.name] = as_bool(frame[field.name], f"{name}, column {field.name}")
    return frame


def reconcile_params(tolerances: dict | None = None) -> Params:
    """The reconciliation's :class:`~sonla.reconcile.params.Params`, with ``tolerances`` (a
    chapter's parameter: the fields to change) applied to the defaults.

    Raises ValueError naming an unknown field and the known ones.

    >>> reconcile_params({"nearly_tol": 0.1}).nearly_tol, reconcile_params().nearly_tol
    (0.1, 0.05)
    """
    known = {f.name for f in dataclasses.fields(Params)}
    unknown = sorted(set(tolerances or {}) - known)
    if unknown:
        raise ValueError(f"tolerances: unknown field(s) {', '.join(unknown)}; "
                         f"Params has {', '.join(sorted(known))}")
    return Params(**(tolerances or {}))


def source_ids() -> list[str]:
    """The source ids in manifest order (the order of every per-source colour and table)."""
    return [row["source_id"] for row in read_manifest()]


def source_by_id(source_id: str) -> Source:
    """The verified source with this id; ValueError listing the valid ids otherwise."""
    sources = {s.source_id: s for s in load_sources()}
    if source_id not in sources:
        raise ValueError(f"unknown source_id {source_id!r}; known: {', '.join(sources)}")
    return sources[source_id]


def manifest_table() -> pd.DataFrame:
    """The manifest as a table for readers: short title, date, text layer, full English title
    (without the long notes), and how many copies of its document the book has."""
    sources = load_sources()
    copies = pd.Series([s.document_id for s in sources]).value_counts()
    rows = [
        {"source": labels.source_label(s.source_id), "date": s.date, "text layer": s.text_layer,
         "copies of the document": int(copies[s.document_id]),
         "title (English)": html.unescape(s.title_en)}
        for s in load_sources()
    ]
    return pd.DataFrame(rows)


def source_card(source: Source) -> pd.DataFrame:
    """The manifest row of one source as a two-column table for its profile page (its document
    named in words, with the number of copies the book has of it)."""
    copies = sum(s.document_id == source.document_id for s in load_sources())
    document = labels.document_label(source.document_id) + (f" ({copies} copies)" if copies > 1 else "")
    fields = [
        ("source id", source.source_id), ("title (Vietnamese)", source.title_vi),
        ("title (English)", source.title_en), ("kind", source.kind), ("issuer", source.issuer),
        ("date", source.date), ("language", source.language), ("text layer", source.text_layer),
        ("document", document), ("raw file", f"data/raw/{source.file}"),
        ("sha256", source.sha256), ("notes", source.notes),
    ]
    return pd.DataFrame(fields, columns=["field", "value"]).set_index("field")
