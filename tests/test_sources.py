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


# --------------------------------------------------------------------------- issue 17, cases 4, 9, 10


BLANKS = ["\u00a0\u00a0\n", "\u3000\u3000", "\u2003\u200b\ufeff\n", "\t\r\n \u2028"]


@pytest.mark.parametrize("blank", BLANKS, ids=["no-break", "ideographic", "em-space-zero-width-bom",
                                               "ascii-and-line-separator"])
def test_unicode_white_space_counts_as_empty(raw_copy, blank):
    """Case 4: `bytes.strip()` stripped ASCII only, so a file of no-break spaces was not empty."""
    add_source(raw_copy, "blank", blank)
    with pytest.raises(SourceError, match=r"blank\.txt: raw file is empty \(nothing but white space\)"):
        load_sources(raw_copy / "sources.csv", raw_copy)


def test_a_source_without_numbers_verifies(raw_copy):
    add_source(raw_copy, "nodigits", "Một văn bản không có chữ số nào.\n")
    assert load_sources(raw_copy / "sources.csv", raw_copy)[-1].source_id == "nodigits"


def test_a_manifest_with_a_byte_order_mark_is_read(raw_copy):
    """Case 9: a UTF-8 BOM gave "missing column(s) source_id"."""
    manifest = raw_copy / "sources.csv"
    expected = read_manifest(manifest)
    manifest.write_bytes(b"\xef\xbb\xbf" + manifest.read_bytes())
    assert read_manifest(manifest) == expected
    assert len(load_sources(manifest, raw_copy)) == len(expected)


def test_a_stray_quote_that_merges_fields_names_the_row(raw_copy):
    """Case 9: a quote opening a field mid-file silently merged two rows into one."""
    manifest = raw_copy / "sources.csv"
    lines = manifest.read_text(encoding="utf-8").splitlines(keepends=True)
    fields = lines[2].split(",")
    fields[4] = '"' + fields[4]  # title_en now opens a quoted field that a later quote closes
    lines[2] = ",".join(fields)
    manifest.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(ManifestError) as caught:
        read_manifest(manifest)
    message = str(caught.value)
    assert message.startswith(f"{manifest}, row 3") and "stray quote" in message, message


def test_a_quote_inside_an_unquoted_field_is_not_valid_csv(raw_copy):
    manifest = raw_copy / "sources.csv"
    lines = manifest.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.append('extra,"a"b,c\n')
    manifest.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(ManifestError, match=r"sources\.csv, row 7 \(line 7\): not valid CSV .*stray quote"):
        read_manifest(manifest)


def test_a_symbolic_link_in_the_raw_folder_is_refused(raw_copy, tmp_path):
    """Case 9: a link to /etc/passwd with its correct sha256 yielded 50 claims."""
    outside = tmp_path / "outside.txt"
    outside.write_text("Dân số 12.000 người.\n", encoding="utf-8")
    path = add_source(raw_copy, "linked", outside.read_text(encoding="utf-8"))
    path.unlink()
    path.symlink_to(outside)
    message = rf"linked\.txt: raw file is a symbolic link \(to {re.escape(str(outside))}\)"
    with pytest.raises(SourceError, match=message):
        load_sources(raw_copy / "sources.csv", raw_copy)


def test_a_linked_manifest_is_refused(raw_copy, tmp_path):
    target = tmp_path / "elsewhere.csv"
    target.write_bytes((raw_copy / "sources.csv").read_bytes())
    (raw_copy / "sources.csv").unlink()
    (raw_copy / "sources.csv").symlink_to(target)
    with pytest.raises(ManifestError, match="is a symbolic link"):
        read_manifest(raw_copy / "sources.csv")


@pytest.mark.parametrize("source_id", ["x--y", "-x", "x-", "x_y", "X"])
def test_a_source_id_is_refused_with_the_rule_it_breaks(raw_copy, source_id):
    """Case 9: `x--y` was refused "must be lower-case letters, digits and hyphens", which it is."""
    add_source(raw_copy, "placeholder", "Một 1 hai 2")

    def edit(header, rows):
        rows[-1]["source_id"] = source_id
        return header, rows

    _rewrite_manifest(raw_copy, edit)
    rule = ("must be lower-case letters (a-z) and digits, in words joined by single hyphens: no hyphen at "
            "either end and no two in a row")
    with pytest.raises(ManifestError, match=re.escape(f"source_id {source_id!r} {rule}")):
        read_manifest(raw_copy / "sources.csv")


@pytest.mark.parametrize(("date", "valid"), [
    ("2025", True), ("2025-07", True), ("2025-07-09", True), ("2024-02-29", True),
    ("2025-13", False), ("2025-02-29", False), ("07/2025", False), ("2025-7", False), ("n.d.", False),
    ("2025-07-09T10:00", False),
])
def test_dates_follow_the_documented_formats(raw_copy, date, valid):
    """Case 9: dates were not validated (the manifest documents YYYY, YYYY-MM, YYYY-MM-DD)."""
    add_source(raw_copy, "dated", "Một 1 hai 2", date=date)
    if valid:
        assert read_manifest(raw_copy / "sources.csv")[-1]["date"] == date
    else:
        message = rf"row 7: date {re.escape(repr(date))} must be YYYY, YYYY-MM or YYYY-MM-DD"
        with pytest.raises(ManifestError, match=message):
            read_manifest(raw_copy / "sources.csv")


@pytest.mark.parametrize(("text", "char", "offset"), [
    ("Dân số\x0012 người", "U+0000 (NUL)", len("Dân số".encode())),
    ("Một\x1b[31m đỏ", "U+001B (escape)", len("Một".encode())),
    ("a\x0cb", "U+000C (form feed)", 1),
    ("ổn định\x7f", "U+007F (DEL)", len("ổn định".encode())),
    ("giá\u0085trị", "U+0085 (a control character)", len("giá".encode())),
], ids=["nul", "escape", "form-feed", "del", "c1-next-line"])
def test_control_characters_are_refused_with_the_byte_offset(raw_copy, text, char, offset):
    """Case 10: NUL bytes passed into claims.csv."""
    add_source(raw_copy, "controls", text)
    message = re.escape(f"controls.txt: control character {char} at byte {offset};")
    with pytest.raises(SourceError, match=message):
        load_sources(raw_copy / "sources.csv", raw_copy)


def test_tab_line_feed_and_carriage_return_are_allowed(raw_copy):
    add_source(raw_copy, "whitespace", "Dân số\t12 người\r\nTăng 5%.\n")
    assert load_sources(raw_copy / "sources.csv", raw_copy)[-1].text.startswith("Dân số\t12")
