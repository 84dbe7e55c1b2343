"""Atomic writes: the old file or the whole new one, with the permissions of any new file."""

from __future__ import annotations

import os

import pytest

from sonla.io import write_bytes_atomic, write_text_atomic


@pytest.mark.parametrize("mask", [0o022, 0o077])
def test_a_written_file_has_the_permissions_the_umask_gives(tmp_path, mask):
    old = os.umask(mask)
    try:
        path = write_text_atomic(tmp_path / "out" / "table.csv", "a,b\n1,2\n")
    finally:
        os.umask(old)
    assert path.read_text(encoding="utf-8") == "a,b\n1,2\n"
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    path = write_bytes_atomic(tmp_path / "table.csv", b"old")

    with pytest.raises(TypeError):
        write_bytes_atomic(path, "not bytes")  # type: ignore[arg-type]
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["table.csv"]
