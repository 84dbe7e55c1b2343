"""Short sidebar titles: ``sonla toc`` (sonla.build.toc) writes the per-source _toc.yml entries."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sonla import config
from sonla.build import toc as sync_toc


def _manifest(tmp_path: Path, edit) -> Path:
    """A copy of the real manifest with ``edit(rows)`` applied."""
    with config.MANIFEST.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = list(reader.fieldnames or []), list(reader)
    edit(rows)
    path = tmp_path / "sources.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _set(source_id: str, value: str):
    def edit(rows):
        for row in rows:
            if row["source_id"] == source_id:
                row["short_title"] = value
    return edit


def test_toc_is_in_sync_with_the_manifest():
    done = subprocess.run([sys.executable, "-m", "sonla", "toc", "--check"], cwd=config.ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_every_source_has_a_profile_and_a_reader_entry_with_its_short_title():
    toc = yaml.safe_load((config.ROOT / "_toc.yml").read_text(encoding="utf-8"))
    titles = {entry["file"]: entry.get("title")
              for part in toc["parts"] for entry in part["chapters"] if "file" in entry}
    for source_id, short in sync_toc.short_titles().items():
        assert titles[f"book/profiles/{source_id}"] == short
        assert titles[f"book/sources/{source_id}"] == short


def test_short_titles_are_short_and_distinct():
    titles = sync_toc.short_titles()
    assert len(set(titles.values())) == len(titles)
    with config.MANIFEST.open(encoding="utf-8", newline="") as handle:
        full = {row["source_id"]: row["title_en"] for row in csv.DictReader(handle)}
    for source_id, title in titles.items():
        assert len(title) <= sync_toc.MAX_LENGTH
        assert len(title) < len(full[source_id]), source_id


def test_the_published_short_titles():
    assert sync_toc.short_titles()["report"] == "Political report, July 2025"
    assert sync_toc.short_titles()["appendix-pdf"] == "Appendix (PDF text layer)"


CASES_DERIVED = [
    # (kind, text_layer, date, expected)
    ("news", "clean", "2024-12", "News, December 2024"),
    ("report", "clean", "2025-07", "Report, July 2025"),
    ("appendix-pdf-text", "pdf-text", "2025", "Appendix (PDF text layer), 2025"),
    ("appendix-ocr", "ocr", "2025-07-09", "Appendix (OCR), 9 July 2025"),
]


@pytest.mark.parametrize("kind,layer,date,expected", CASES_DERIVED, ids=[c[3] for c in CASES_DERIVED])
def test_an_empty_short_title_is_derived_from_the_row(kind, layer, date, expected):
    assert sync_toc.derived_title({"kind": kind, "text_layer": layer, "date": date}) == expected


def test_a_source_added_without_short_title_gets_a_derived_one(tmp_path):
    def add(rows):
        rows.append({**rows[-1], "source_id": "news-2026", "short_title": "", "kind": "news",
                     "date": "2026-01", "text_layer": "clean"})
    assert sync_toc.short_titles(_manifest(tmp_path, add))["news-2026"] == "News, January 2026"


CASES_INVALID = [
    # (source_id, short_title, message the error must contain)
    ("report", "x" * 49, "at most 48"),
    ("report", " Political report", "spaces around it"),
    ("report", "Political\nreport", "one line"),
    ("report", "Appendix (PDF text layer)", "also the one of row"),
]


@pytest.mark.parametrize("source_id,value,message", CASES_INVALID, ids=[c[2] for c in CASES_INVALID])
def test_an_invalid_short_title_names_its_row(tmp_path, source_id, value, message):
    path = _manifest(tmp_path, _set(source_id, value))
    with pytest.raises(sync_toc.TocError, match=r"sources\.csv, row \d+: .*" + message.replace("(", r"\(")):
        sync_toc.short_titles(path)


def test_a_short_title_is_written_as_text_not_yaml(tmp_path):
    path = _manifest(tmp_path, _set("report", 'Report: "quoted" # not a comment'))
    toc = "parts:\n  - chapters:\n      # per source: book/profiles/{source_id}\n      # end per source\n"
    rendered = sync_toc.render_toc(toc, path)
    entries = yaml.safe_load(rendered)["parts"][0]["chapters"]
    assert {"file": "book/profiles/report", "title": 'Report: "quoted" # not a comment'} in entries
    assert sync_toc.render_toc(rendered, path) == rendered  # rewriting is idempotent


def test_a_pattern_naming_no_column_is_an_error(tmp_path):
    toc = "      # per source: book/{nope}\n      # end per source\n"
    with pytest.raises(sync_toc.TocError, match="nope"):
        sync_toc.render_toc(toc, config.MANIFEST)


def test_an_unclosed_block_is_an_error():
    with pytest.raises(sync_toc.TocError, match="end per source"):
        toc = "      # per source: book/profiles/{source_id}\n      - file: x\n"
        sync_toc.render_toc(toc, config.MANIFEST)


def test_a_removed_source_leaves_the_table_of_contents(tmp_path):
    """Issue 17, case 7: its profile and its text leave _toc.yml with its manifest row."""
    def remove(rows):
        rows.remove(next(r for r in rows if r["source_id"] == "news-2024"))

    path = _manifest(tmp_path, remove)
    rendered = sync_toc.render_toc((config.ROOT / "_toc.yml").read_text(encoding="utf-8"), path)
    assert "news-2024" not in rendered and "book/profiles/report" in rendered


def test_a_manifest_with_a_byte_order_mark_gives_the_same_titles(tmp_path):
    path = _manifest(tmp_path, lambda rows: None)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert sync_toc.short_titles(path) == sync_toc.short_titles()
