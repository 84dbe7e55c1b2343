"""A throw-away copy of the project, for tests that break data or run the CLIs on it.

``sonla.config`` honours ``SONLA_ROOT``, so a subprocess started with
``SONLA_ROOT=<copy>`` reads and writes only the copy; the real project is never touched.
The package itself is not copied: the code that runs is the installed one.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from sonla import config

__all__ = ["copy_project", "run_in", "snapshot", "set_manifest_field", "rehash"]

# What a build needs besides the package: data, templates, executed chapters, configuration.
PARTS = (*config.BOOK_PARTS, "data/processed")


def copy_project(target: Path, parts: tuple[str, ...] = PARTS, venv: bool = False) -> Path:
    """Copy ``parts`` of the project into ``target`` (mtimes kept); link ``.venv`` if asked."""
    target.mkdir(parents=True, exist_ok=True)
    for part in parts:
        source = config.ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        elif source.is_file():
            (target / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / part)
    if venv:
        (target / ".venv").symlink_to(config.ROOT / ".venv")
    return target


def run_in(root: Path, *args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    """Run ``python *args`` (or ``make`` when args[0] == "make") in ``root`` with SONLA_ROOT=root."""
    env = dict(os.environ, SONLA_ROOT=str(root), SOURCE_DATE_EPOCH="0", PYTHONHASHSEED="0")
    command = list(args) if args[0] == "make" else [sys.executable, *args]
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=timeout)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path → bytes), to compare before and after."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _rewrite_manifest(raw_dir: Path, source_id: str, **fields: str) -> None:
    import csv

    manifest = raw_dir / "sources.csv"
    with manifest.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = list(reader.fieldnames or []), list(reader)
    for row in rows:
        if row["source_id"] == source_id:
            row.update(fields)
    with manifest.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def set_manifest_field(raw_dir: Path, source_id: str, **fields: str) -> None:
    """Change fields of one manifest row (the file is rewritten as the csv module writes it)."""
    _rewrite_manifest(raw_dir, source_id, **fields)


def rehash(raw_dir: Path, source_id: str, file: str) -> None:
    """Record the current sha256 of ``file`` in the manifest row of ``source_id``."""
    digest = hashlib.sha256((raw_dir / file).read_bytes()).hexdigest()
    _rewrite_manifest(raw_dir, source_id, sha256=digest)
