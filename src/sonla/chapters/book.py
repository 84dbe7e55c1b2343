"""Small helpers the chapters share: parameter captions, source lookups, glue."""

from __future__ import annotations

import html

import pandas as pd

from .. import config
from ..publish import check_published
from ..sources import Source, load_sources

__all__ = ["parameter_caption", "load_processed", "source_by_id", "manifest_table", "source_card"]


def parameter_caption(**parameters: object) -> str:
    """A one-line Markdown caption naming the parameters a chapter was executed with.

    >>> print(parameter_caption(source_id="report", tolerance=0.5))
    *Executed with parameters:* `source_id = 'report'`, `tolerance = 0.5`
    """
    parts = ", ".join(f"`{name} = {value!r}`" for name, value in parameters.items())
    return f"*Executed with parameters:* {parts}"


def load_processed(name: str) -> pd.DataFrame:
    """Read a CSV from ``data/processed/`` with text columns kept as strings.

    The processed data is checked first as a set (:func:`sonla.publish.check_published`): a file
    missing, damaged or edited since the pipeline wrote it, or a set mixed by an interrupted run,
    raises :class:`~sonla.errors.SonlaError` naming the file and the command that rebuilds it.
    """
    check_published(config.PROCESSED_DIR)
    path = config.PROCESSED_DIR / name
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: the pipeline does not write it")
    return pd.read_csv(path, keep_default_na=False, na_values=[""])


def source_by_id(source_id: str) -> Source:
    """The verified source with this id; ValueError listing the valid ids otherwise."""
    sources = {s.source_id: s for s in load_sources()}
    if source_id not in sources:
        raise ValueError(f"unknown source_id {source_id!r}; known: {', '.join(sources)}")
    return sources[source_id]


def manifest_table() -> pd.DataFrame:
    """The manifest as a table for readers (without the long notes)."""
    rows = [
        {"source_id": s.source_id, "kind": s.kind, "date": s.date, "text layer": s.text_layer,
         "document": s.document_id, "title (English)": html.unescape(s.title_en)}
        for s in load_sources()
    ]
    return pd.DataFrame(rows)


def source_card(source: Source) -> pd.DataFrame:
    """The manifest row of one source as a two-column table for its profile page."""
    fields = [
        ("source_id", source.source_id), ("title (Vietnamese)", source.title_vi),
        ("title (English)", source.title_en), ("kind", source.kind), ("issuer", source.issuer),
        ("date", source.date), ("language", source.language), ("text layer", source.text_layer),
        ("document", source.document_id), ("raw file", f"data/raw/{source.file}"),
        ("sha256", source.sha256), ("notes", source.notes),
    ]
    return pd.DataFrame(fields, columns=["field", "value"]).set_index("field")
