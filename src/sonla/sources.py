"""The source manifest and the raw texts: load, validate, verify hashes, read.

Nothing downstream runs on unverified input: :func:`load_sources` checks every
manifest row and every file's sha256 before returning any text.

Run ``python -m sonla.sources`` to verify the raw data from the command line.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

from . import config
from .console import run_command
from .errors import ManifestError, SourceError

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
SOURCE_ID_RULE = ("lower-case letters (a-z) and digits, in words joined by single hyphens: no hyphen at "
                  "either end and no two in a row (news-2024); it names files, pages and anchors")
DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
# Control characters a raw text may not hold (C0 but tab, line feed, carriage return; DEL; C1),
# searched in the UTF-8 bytes so that the error gives the byte offset.
CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]")
CONTROL_NAMES = {"\x00": "NUL", "\x0b": "vertical tab", "\x0c": "form feed", "\x1b": "escape",
                 "\x7f": "DEL"}
# Invisible format characters that, like white space, do not make a text non-empty.
INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060"
BLANK = re.compile(rf"[\s{INVISIBLE}]*")
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

    The manifest is UTF-8 CSV (a byte-order mark at its start is accepted) with a header row.
    Raises :class:`ManifestError` naming the manifest and the row (1-based, the header is row 1):
    a manifest that is a symbolic link, not UTF-8, lists no source, or has a missing column; a
    row with more or fewer fields than the header, or a field that runs over several lines (a
    stray quote merges fields); an empty required field, an unknown kind or text layer, a
    ``source_id`` that breaks :data:`SOURCE_ID_RULE`, a ``file`` that is not a plain file name, a
    ``date`` that is not YYYY, YYYY-MM or YYYY-MM-DD, or a duplicate ``source_id``.
    """
    manifest = Path(manifest or config.MANIFEST)
    if manifest.is_symlink():
        raise ManifestError(f"{manifest}: the source manifest is a symbolic link; it must be a file in "
                            "the raw folder")
    if not manifest.is_file():
        raise ManifestError(f"{manifest}: source manifest not found")
    try:
        text = manifest.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ManifestError(f"{manifest}: not valid UTF-8 at byte {err.start}") from err
    header, records = _records(manifest, text)
    missing = [f for f in REQUIRED_FIELDS if f not in header]
    if missing:
        raise ManifestError(f"{manifest}: missing column(s) {', '.join(missing)}")
    if not records:
        raise ManifestError(f"{manifest}: the manifest lists no source (only its header); add a row "
                            "per source, or restore it (git checkout data/raw/sources.csv)")
    rows: list[dict[str, str]] = []
    seen: dict[str, int] = {}
    for number, (lines, values) in enumerate(records, start=2):
        spans = f" (lines {lines[0]}-{lines[1]})" if lines[0] != lines[1] else ""
        where = f"{manifest}, row {number}{spans}"
        if len(values) != len(header):
            raise ManifestError(f"{where}: {len(values)} field(s), but the header has {len(header)} "
                                "(an unquoted comma, or a stray quote that merged fields?)")
        row = dict(zip(header, values, strict=True))
        spanning = [f for f, v in row.items() if "\n" in v or "\r" in v]
        if spanning:
            raise ManifestError(f"{where}: field {spanning[0]} runs over several lines: a stray quote (\") "
                                "opens a quoted field that a quote lines later closes, merging the "
                                "fields and rows between; remove the quote or double it (\"\")")
        _check_row(row, where)
        if row["source_id"] in seen:
            raise ManifestError(
                f"{where}: duplicate source_id {row['source_id']!r} (first on row {seen[row['source_id']]})"
            )
        seen[row["source_id"]] = number
        rows.append(row)
    return rows


def _records(manifest: Path, text: str) -> tuple[list[str], list[tuple[tuple[int, int], list[str]]]]:
    """The header and each record with its first and last line, blank lines skipped."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[tuple[int, int], list[str]]] = []
    header: list[str] | None = None
    last_line = 0
    try:
        for values in reader:
            first, last_line = last_line + 1, reader.line_num
            if not values or values == [""]:
                continue
            if header is None:
                header = [v.strip() for v in values]
                continue
            records.append(((first, last_line), values))
    except csv.Error as err:
        row = len(records) + 2 if header is not None else 1
        raise ManifestError(f"{manifest}, row {row} (line {last_line + 1}): not valid CSV ({err}); a stray "
                            "quote (\")? quote the whole field and double a quote inside it") from None
    return header or [], records


def _check_row(row: dict[str, str], where: str) -> None:
    """The checks of one manifest row's fields (see :func:`read_manifest`)."""
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
        raise ManifestError(f"{where}: source_id {row['source_id']!r} must be {SOURCE_ID_RULE}")
    if not FILE_NAME.fullmatch(row["file"]):
        raise ManifestError(f"{where}: file {row['file']!r} must be a plain file name in the raw folder")
    if not valid_date(row["date"].strip()):
        raise ManifestError(f"{where}: date {row['date']!r} must be YYYY, YYYY-MM or YYYY-MM-DD "
                            "(a real month and day), e.g. 2025, 2025-07 or 2025-07-09")


def valid_date(text: str) -> bool:
    """True for a date written YYYY, YYYY-MM or YYYY-MM-DD (a real month and day).

    >>> [valid_date(d) for d in ("2025", "2025-07", "2025-07-09", "2025-13", "2025-02-30", "07/2025")]
    [True, True, True, False, False, False]
    """
    match = DATE.fullmatch(text)
    if not match:
        return False
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        datetime.date(year, month or 1, day or 1)
    except ValueError:
        return False
    return True


def verify_source(row: dict[str, str], raw_dir: Path | None = None) -> str:
    """Check one manifest row's file and return its text.

    The file must be a regular file in the raw folder (not a symbolic link), match its sha256,
    be UTF-8, hold no control character but tab, line feed and carriage return, and not be
    empty (white space of any script and invisible format characters count as empty).
    Raises :class:`SourceError` naming the file (and the byte, for a bad byte).
    """
    raw_dir = Path(raw_dir or config.RAW_DIR)
    path = raw_dir / row["file"]
    if path.is_symlink():
        raise SourceError(f"{path}: raw file is a symbolic link (to {os.readlink(path)}); a source must be "
                          "a file in the raw folder itself, copied there")
    if not path.is_file():
        raise SourceError(f"{path}: raw file named in the manifest is missing")
    data = path.read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    if actual != row["sha256"].strip().lower():
        raise SourceError(
            f"{path}: sha256 mismatch (manifest {row['sha256']}, file {actual}); "
            "raw data is immutable: restore the file or, for a new version, add a new source"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise SourceError(f"{path}: not valid UTF-8 at byte {err.start}") from err
    control = CONTROL.search(data)
    if control:
        char = control.group().decode("utf-8")
        name = CONTROL_NAMES.get(char, "a control character")
        raise SourceError(f"{path}: control character U+{ord(char):04X} ({name}) at byte {control.start()}; "
                          "a raw text holds no control character but tab, line feed and carriage return")
    if BLANK.fullmatch(text):
        raise SourceError(f"{path}: raw file is empty (nothing but white space)")
    return text


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
    """``sonla verify``: verify the manifest and every raw file (errors raise, named)."""
    started = time.perf_counter()
    sources = load_sources()
    for source in sources:
        print(f"  verified {source.source_id:<20} {source.file} ({len(source.text):,} characters)")
    size = sum(len(s.text.encode("utf-8")) for s in sources) / 1e6
    elapsed = time.perf_counter() - started
    print(f"raw data: {len(sources)} sources verified ({size:.2f} MB) in {elapsed:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(run_command(main))
