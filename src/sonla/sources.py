"""The source manifest and the raw texts: load, validate, verify hashes, read.

Nothing downstream runs on unverified input: :func:`load_sources` checks every
manifest row and every file's sha256 before returning any text.

Run ``python -m sonla.sources`` to verify the raw data from the command line.
"""

from __future__ import annotations

import csv
import hashlib
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from . import config
from .errors import ManifestError, SonlaError, SourceError

__all__ = [
    "Source",
    "REQUIRED_FIELDS",
    "KINDS",
    "TEXT_LAYERS",
    "read_manifest",
    "verify_source",
    "load_sources",
    "source_of",
]

REQUIRED_FIELDS = (
    "source_id", "file", "sha256", "title_vi", "title_en", "kind",
    "issuer", "date", "language", "text_layer", "document_id",
)
KINDS = ("report", "appendix-pdf-text", "appendix-ocr", "news")
# How the text reached us; extraction adapts to it (OCR look-alikes, PDF line breaks).
TEXT_LAYERS = ("clean", "pdf-text", "ocr")
# A source_id names output files, pages and HTML anchors: keep it to a safe alphabet.
SOURCE_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# A raw file lives in the raw folder itself: no folders, no "..", no hidden files.
FILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


@dataclass(frozen=True)
class Source:
    """One verified raw source: its manifest row and its decoded text."""

    source_id: str
    file: str
    sha256: str
    title_vi: str
    title_en: str
    kind: str
    issuer: str
    date: str
    language: str
    text_layer: str
    document_id: str
    notes: str
    text: str


def read_manifest(manifest: Path | None = None) -> list[dict[str, str]]:
    """Read and validate the manifest rows (not the files they name).

    Raises :class:`ManifestError` naming the row (1-based, header is row 1) on a
    missing column, an empty required field, an unknown kind or text layer, a
    ``source_id`` outside ``[a-z0-9-]``, a ``file`` that is not a plain file name,
    or a duplicate ``source_id``.
    """
    manifest = Path(manifest or config.MANIFEST)
    if not manifest.is_file():
        raise ManifestError(f"{manifest}: source manifest not found")
    with manifest.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [f for f in REQUIRED_FIELDS if f not in (reader.fieldnames or [])]
        if missing:
            raise ManifestError(f"{manifest}: missing column(s) {', '.join(missing)}")
        rows = list(reader)
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        where = f"{manifest}, row {number}"
        empty = [f for f in REQUIRED_FIELDS if not (row.get(f) or "").strip()]
        if empty:
            raise ManifestError(f"{where}: required field(s) empty: {', '.join(empty)}")
        if row["kind"] not in KINDS:
            raise ManifestError(f"{where}: kind {row['kind']!r} not one of {', '.join(KINDS)}")
        if row["text_layer"] not in TEXT_LAYERS:
            raise ManifestError(
                f"{where}: text_layer {row['text_layer']!r} not one of {', '.join(TEXT_LAYERS)}"
            )
        if not SOURCE_ID.fullmatch(row["source_id"]):
            raise ManifestError(
                f"{where}: source_id {row['source_id']!r} must be lower-case letters, digits and "
                "hyphens (it names files, pages and anchors)"
            )
        if not FILE_NAME.fullmatch(row["file"]):
            raise ManifestError(f"{where}: file {row['file']!r} must be a plain file name in the raw folder")
        if row["source_id"] in seen:
            raise ManifestError(
                f"{where}: duplicate source_id {row['source_id']!r} (first on row {seen[row['source_id']]})"
            )
        seen[row["source_id"]] = number
    return rows


def verify_source(row: dict[str, str], raw_dir: Path | None = None) -> str:
    """Check one manifest row's file (exists, hash, UTF-8, not empty) and return its text.

    Raises :class:`SourceError` naming the file.
    """
    path = Path(raw_dir or config.RAW_DIR) / row["file"]
    if not path.is_file():
        raise SourceError(f"{path}: raw file named in the manifest is missing")
    data = path.read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    if actual != row["sha256"].strip().lower():
        raise SourceError(
            f"{path}: sha256 mismatch (manifest {row['sha256']}, file {actual}); "
            "raw data is immutable: restore the file or, for a new version, add a new source"
        )
    if not data.strip():
        raise SourceError(f"{path}: raw file is empty")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise SourceError(f"{path}: not valid UTF-8 at byte {err.start}") from err


def load_sources(manifest: Path | None = None, raw_dir: Path | None = None) -> list[Source]:
    """Validate the manifest, verify every raw file and return the sources in manifest order."""
    manifest = Path(manifest or config.MANIFEST)
    raw_dir = Path(raw_dir or manifest.parent)
    return [source_of(row, verify_source(row, raw_dir)) for row in read_manifest(manifest)]


def source_of(row: dict[str, str], text: str) -> Source:
    """The :class:`Source` of a validated manifest row and its verified text (``""``: the row alone)."""
    fields = {f: row[f].strip() for f in REQUIRED_FIELDS}
    fields["sha256"] = fields["sha256"].lower()
    return Source(**fields, notes=(row.get("notes") or "").strip(), text=text)


def main(argv: list[str] | None = None) -> int:
    """CLI: verify the manifest and every raw file; exit 1 with a clear message on failure."""
    started = time.perf_counter()
    try:
        sources = load_sources()
    except SonlaError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for source in sources:
        print(f"  verified {source.source_id:<20} {source.file} ({len(source.text):,} characters)")
    size = sum(len(s.text.encode("utf-8")) for s in sources) / 1e6
    elapsed = time.perf_counter() - started
    print(f"raw data: {len(sources)} sources verified ({size:.2f} MB) in {elapsed:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
