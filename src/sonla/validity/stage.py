"""Pipeline stage: ``reading_accuracy.csv`` and ``reading_comparison.csv``.

Reads ``data/annotations/claims.csv`` (a blind hand annotation of a sample of the five sources'
quantities), ``data/annotations/unseen/`` (texts written for the study, with their manifest and
annotations: they are extracted here the way any new source would be) and
``data/annotations/concepts.csv`` (annotated concept words → concept key). Without annotations
(a project copied without them) the tables are written with their header only.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from .. import config
from ..errors import SonlaError
from ..extract.claims import extract_all
from ..schema import CLAIMS, READING_ACCURACY, READING_COMPARISON
from ..sources import Source, load_sources
from .reading import accuracy_table, compare_readings

__all__ = ["ANNOTATION_COLUMNS", "read_annotations", "read_concepts", "stage_validity"]

ANNOTATION_COLUMNS = (
    "source_id",
    "start",
    "end",
    "text",
    "is_quantity",
    "frame",
    "is_change",
    "base",
    "each_year",
    "concept",
    "unit",
    "period",
    "geography",
    "note",
)


def read_annotations(path: Path, texts: dict[str, str]) -> pd.DataFrame:
    """An annotation table, checked: every column present, every span where it says it is.

    Rows of texts not in ``texts`` are dropped (a corpus without that source). Raises
    :class:`SonlaError` naming the file and row when a column is missing or a span does not
    match the text it points into.
    """
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in ANNOTATION_COLUMNS if c not in frame.columns]
    if missing:
        raise SonlaError(f"{path}: missing column(s) {', '.join(missing)}")
    frame = frame[frame["source_id"].isin(texts)].reset_index(drop=True)
    columns = (frame[c].tolist() for c in ("source_id", "start", "end", "text"))
    for number, (source_id, start, end, text) in enumerate(zip(*columns, strict=True), start=2):
        if texts[source_id][int(start) : int(end)] != text:
            raise SonlaError(f"{path}, row {number}: {text!r} is not at {start}–{end} of {source_id}")
    return frame


def read_concepts(path: Path) -> dict[str, str]:
    """{annotated concept words: concept key or ""} from ``concepts.csv`` ({} if absent)."""
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["concept"]: row["indicator"] for row in csv.DictReader(handle)}


def _empty() -> dict[str, object]:
    return {
        READING_ACCURACY.path: pd.DataFrame(columns=READING_ACCURACY.columns),
        READING_COMPARISON.path: pd.DataFrame(columns=READING_COMPARISON.columns),
    }


# Folders of texts written for the study, each with its manifest and annotations, and the
# corpus name it is reported under: `unseen` (written for the study and used while the rules
# were developed) and `heldout` (written later, sealed: measured, never used to develop rules).
HELD_OUT = (("unseen", "unseen"), ("heldout", "heldout"))


def stage_validity(
    sources: list[Source], inputs: dict[str, object], annotations_dir: Path | None = None
) -> dict[str, object]:
    """Compare the published claims (and the held-out texts' claims) with the hand annotations."""
    folder = Path(annotations_dir or config.ANNOTATIONS_DIR)
    claims = inputs[CLAIMS.path]
    concepts = read_concepts(folder / "concepts.csv")
    comparisons = []
    if (folder / "claims.csv").is_file():
        texts = {s.source_id: s.text for s in sources}
        annotations = read_annotations(folder / "claims.csv", texts)
        comparisons.append(compare_readings(annotations, claims, concepts, "sources"))
    for name, corpus in HELD_OUT:
        texts_dir = folder / name
        if (texts_dir / "sources.csv").is_file():
            held_out = load_sources(texts_dir / "sources.csv", texts_dir)
            annotations = read_annotations(
                texts_dir / "annotations.csv", {s.source_id: s.text for s in held_out}
            )
            comparisons.append(compare_readings(annotations, extract_all(held_out), concepts, corpus))
    if not comparisons:
        return _empty()
    comparison = pd.concat(comparisons, ignore_index=True)
    return {READING_ACCURACY.path: accuracy_table(comparison), READING_COMPARISON.path: comparison}
