"""Every path the project uses, derived from the project root.

The root is found from this file's location (``src/sonla/config.py``), so code
behaves the same whatever the current working directory is (papermill, nbval and
pytest all run from different folders).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "ROOT",
    "RAW_DIR",
    "PROCESSED_DIR",
    "ANNOTATIONS_DIR",
    "MANIFEST",
    "RULES_DIR",
    "NOTEBOOKS_DIR",
    "BOOK_DIR",
    "BUILD_DIR",
]

PACKAGE_DIR = Path(__file__).resolve().parent
# SONLA_ROOT lets tests run the pipeline on a throw-away copy of the project.
ROOT = Path(os.environ.get("SONLA_ROOT", PACKAGE_DIR.parents[1])).resolve()

RAW_DIR = ROOT / "data" / "raw"
PROCESSED_DIR = ROOT / "data" / "processed"
# Hand annotations (never written by the pipeline): the yardstick of the validity studies.
ANNOTATIONS_DIR = ROOT / "data" / "annotations"
MANIFEST = RAW_DIR / "sources.csv"
RULES_DIR = PACKAGE_DIR / "rules"
NOTEBOOKS_DIR = ROOT / "notebooks"
BOOK_DIR = ROOT / "book"
BUILD_DIR = ROOT / "_build"
# What a build of the book reads besides the package and the processed data: copies of the
# project (the benchmark's clean builds, the tests' temporary projects) take these.
BOOK_PARTS = ("data/raw", "data/bench", "data/annotations", "notebooks", "book", "scripts", "_static",
              "_extra",
              "requirements.txt", "pyproject.toml", "Makefile", "_toc.yml", "_config.yml")
