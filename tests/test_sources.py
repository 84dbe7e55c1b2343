"""The manifest and the raw files: every way they can be wrong is reported by name."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from conftest import add_source

from sonla.errors import ManifestError, SourceError
from sonla.sources import REQUIRED_FIELDS, load_sources, read_manifest


def _rewrite_manifest(raw_dir: Path, edit) -> None:
    manifest = raw_dir / "sources.csv"
    with manifest.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = list(reader.fieldnames), list(reader)
    header, rows = edit(header, rows)
    with manifest.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def test_real_sources_verify():
    sources = load_sources()
    assert [s.source_id for s in sources] == [r["source_id"] for r in read_manifest()]
    assert all(s.text for s in sources)


def test_manifest_has_required_fields_filled():
    for row in read_manifest():
        assert all(row[field].strip() for field in REQUIRED_FIELDS)


def test_copies_of_one_document_are_declared():
    documents = {}
    for row in read_manifest():
        documents.setdefault(row["document_id"], []).append(row["text_layer"])
    assert sorted(documents["city-appendix-2025"]) == ["ocr", "pdf-text"]


def test_one_changed_byte_is_named(raw_copy):
    path = raw_copy / read_manifest(raw_copy / "sources.csv")[1]["file"]
    data = bytearray(path.read_bytes())
    data[100] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(SourceError, match=f"{path.name}: sha256 mismatch"):
        load_sources(raw_copy / "sources.csv", raw_copy)


def test_missing_file_is_named(raw_copy):
    path = raw_copy / read_manifest(raw_copy / "sources.csv")[0]["file"]
    path.unlink()
    with pytest.raises(SourceError, match=f"{path.name}: raw file named in the manifest is missing"):
        load_sources(raw_copy / "sources.csv", raw_copy)


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "is empty"), (b"  \n\n", "is empty"), (b"gi\xe1\xbb\x8b \xff", "not valid UTF-8 at byte 6")],
    ids=["empty", "blank", "not-utf8"],
)
def test_bad_bytes_are_named(raw_copy, data, message):
    add_source(raw_copy, "broken", data)
    with pytest.raises(SourceError, match=f"broken.txt: .*{message}"):
        load_sources(raw_copy / "sources.csv", raw_copy)


def test_duplicate_source_id_names_both_rows(raw_copy):
    add_source(raw_copy, "report", "Văn bản 12 tỷ đồng.")
    with pytest.raises(ManifestError, match=r"row 7: duplicate source_id 'report' \(first on row 2\)"):
        read_manifest(raw_copy / "sources.csv")


@pytest.mark.parametrize("field", ["sha256", "kind", "date", "document_id"])
def test_empty_required_field_names_row_and_field(raw_copy, field):
    def blank(header, rows):
        rows[2][field] = ""
        return header, rows

    _rewrite_manifest(raw_copy, blank)
    with pytest.raises(ManifestError, match=f"row 4: required field\\(s\\) empty: {field}"):
        read_manifest(raw_copy / "sources.csv")


def test_missing_column_is_named(raw_copy):
    _rewrite_manifest(raw_copy, lambda header, rows: ([h for h in header if h != "text_layer"], rows))
    with pytest.raises(ManifestError, match="missing column\\(s\\) text_layer"):
        read_manifest(raw_copy / "sources.csv")


def test_unknown_kind_is_rejected(raw_copy):
    add_source(raw_copy, "blog", "Một 1 hai 2", kind="blog")
    with pytest.raises(ManifestError, match="kind 'blog' not one of"):
        read_manifest(raw_copy / "sources.csv")


def test_new_source_needs_only_a_file_and_a_row(raw_copy):
    add_source(raw_copy, "new-note", "Tổng vốn đầu tư hơn 1.200 tỷ đồng.")
    sources = load_sources(raw_copy / "sources.csv", raw_copy)
    assert sources[-1].source_id == "new-note"
    assert sources[-1].text.startswith("Tổng vốn")


@pytest.mark.parametrize(("field", "value", "message"), [
    ("source_id", "News 2024", "source_id 'News 2024' must be lower-case letters (a-z) and digits, in words "
     "joined by single hyphens"),
    ("source_id", "<script>", "source_id '<script>' must be"),
    ("file", "../../etc/passwd", "file '../../etc/passwd' must be a plain file name"),
    ("file", ".hidden.txt", "file '.hidden.txt' must be a plain file name"),
], ids=["space-in-id", "markup-in-id", "path-traversal", "hidden-file"])
def test_unsafe_ids_and_file_names_are_rejected(raw_copy, field, value, message):
    def edit(header, rows):
        rows[1][field] = value
        return header, rows

    _rewrite_manifest(raw_copy, edit)
    with pytest.raises(ManifestError, match=f"row 3: {re.escape(message)}"):
        read_manifest(raw_copy / "sources.csv")
