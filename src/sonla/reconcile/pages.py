"""Which indicators the book gives a page of their own: those the reconciliation has something to say about.

An indicator gets a page when it has at least :data:`MIN_CLAIMS` quantity claims in ``claims.csv``
or any finding in ``findings.csv`` (a finding names its indicators ``;``-joined); its label and
theme come from ``indicators.csv``. The book's build (``foreach: indicator`` in
``notebooks/runs.yml``, the ``_toc.yml`` entries) and the chapters that link to the pages read the
same list from here. The published CSVs are read with the :mod:`csv` module: the build asks on
every run, and a build with nothing to do must stay fast.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from .. import config
from ..errors import SonlaError

__all__ = ["MIN_CLAIMS", "indicator_pages", "indicator_page_keys"]

MIN_CLAIMS = 2


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise SonlaError(f"{path} not found: run `make data` first")
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def indicator_pages(processed_dir: Path | None = None, min_claims: int = MIN_CLAIMS) -> list[dict[str, str]]:
    """One row per indicator with a page, sorted by theme, then label: ``indicator``, ``label_en``,
    ``theme``, ``claims`` and ``findings`` (counts, as text, like every field of a foreach row).

    Raises :class:`~sonla.errors.SonlaError` naming a processed file that is missing, or an
    indicator with claims or findings that ``indicators.csv`` does not describe.
    """
    folder = Path(processed_dir or config.PROCESSED_DIR)
    claims = Counter(row["indicator"] for row in _rows(folder / "claims.csv")
                     if row["kind"] == "quantity" and row["indicator"])
    findings = Counter(key for row in _rows(folder / "findings.csv")
                       for key in dict.fromkeys(row["indicator"].split(";")) if key)
    described = {}
    for row in _rows(folder / "indicators.csv"):
        described.setdefault(row["indicator"], row)
    chosen = sorted(k for k in set(claims) | set(findings) if claims[k] >= min_claims or findings[k] > 0)
    missing = [k for k in chosen if k not in described]
    if missing:
        raise SonlaError(f"{folder / 'indicators.csv'}: no row for indicator(s) {', '.join(missing)}, "
                         "which have claims or findings")
    rows = [{"indicator": k, "label_en": described[k]["label_en"] or k, "theme": described[k]["theme"],
             "claims": str(claims[k]), "findings": str(findings[k])} for k in chosen]
    return sorted(rows, key=lambda r: (r["theme"], r["label_en"].casefold(), r["indicator"]))


def indicator_page_keys(processed_dir: Path | None = None) -> set[str]:
    """The indicators that have a page (see :func:`indicator_pages`)."""
    return {row["indicator"] for row in indicator_pages(processed_dir)}
