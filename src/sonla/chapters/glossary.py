"""The glossary of Vietnamese terms (``rules/glossary.yaml``) and where the sources use them."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pandas as pd

from .. import config
from ..io import read_yaml
from ..sources import Source

__all__ = ["GROUPS", "load_glossary", "count_occurrences"]

GROUPS = ("place", "institution", "document", "measure", "qualifier", "programme")


def load_glossary(path: Path | None = None) -> pd.DataFrame:
    """The glossary as a table (term, gloss, note, group), in file order.

    Raises ValueError naming the term on a missing gloss, an unknown group or a duplicate term.
    """
    path = Path(path or config.RULES_DIR / "glossary.yaml")
    entries = read_yaml(path)["terms"]
    seen: set[str] = set()
    for entry in entries:
        term = entry.get("term", "")
        if not term or not entry.get("gloss"):
            raise ValueError(f"{path}: entry {term!r} needs a term and a gloss")
        if entry.get("group") not in GROUPS:
            raise ValueError(f"{path}: {term!r} has group {entry.get('group')!r}, not one of {GROUPS}")
        if term.lower() in seen:
            raise ValueError(f"{path}: duplicate term {term!r}")
        seen.add(term.lower())
    return pd.DataFrame(entries).reindex(columns=["term", "gloss", "note", "group"]).fillna("")


def count_occurrences(terms: pd.Series, sources: list[Source]) -> pd.DataFrame:
    """Occurrences of each term in each source (NFC, case-insensitive); rows = terms.

    >>> from dataclasses import replace
    >>> from sonla.sources import load_sources
    >>> news = replace(load_sources()[0], source_id="x", text="Phường A; phường B.")
    >>> count_occurrences(pd.Series(["phường"]), [news]).loc["phường", "x"]
    np.int64(2)
    """
    texts = {s.source_id: unicodedata.normalize("NFC", s.text).lower() for s in sources}
    counts = {sid: [text.count(unicodedata.normalize("NFC", t).lower()) for t in terms]
              for sid, text in texts.items()}
    return pd.DataFrame(counts, index=list(terms))
