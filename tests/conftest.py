"""Shared fixtures: a throw-away copy of the raw data to break in tests."""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import pytest

from sonla import config

# A copied checkout must run its own package (`make venv` there reinstalls it): say so before any test.
config.check_install()


@pytest.fixture
def raw_copy(tmp_path: Path) -> Path:
    """A copy of data/raw/ in a temporary folder (the real one is never touched)."""
    target = tmp_path / "raw"
    shutil.copytree(config.RAW_DIR, target)
    return target


def add_source(raw_dir: Path, source_id: str, text: str | bytes, **fields: str) -> Path:
    """Add one text file and its manifest row, the way a contributor adds a source."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    name = f"{source_id}.txt"
    (raw_dir / name).write_bytes(data)
    manifest = raw_dir / "sources.csv"
    with manifest.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = reader.fieldnames, list(reader)
    row = {key: "" for key in header}
    row.update(
        source_id=source_id, file=name, sha256=hashlib.sha256(data).hexdigest(),
        title_vi="Bài kiểm thử", title_en="A test source", kind="news", issuer="tests",
        date="2025", language="vi", text_layer="clean", document_id=source_id,
    )
    row.update(fields)
    rows.append(row)
    with manifest.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return raw_dir / name
