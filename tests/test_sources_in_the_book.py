"""A source without numbers, then its removal, through the whole book (issue 17, cases 4 and 7).

* Case 4: a source with no numbers broke ``make book`` (``no row with source_id = 'nodigits'``)
  after ``data/processed`` had been rewritten.
* Case 7: a removed source's profile chapter stayed in the table of contents and in
  ``_build/html``.

On a temporary copy of the project (``SONLA_ROOT``), every step of ``make book`` runs through the
``sonla`` command: data, reader, toc, notebooks (every chapter that depends on the new source,
which is nearly all of them) and the strict HTML build.
"""

from __future__ import annotations

import csv
from pathlib import Path

import nbformat
import pytest
from conftest import add_source
from tempproject import copy_project, run_in

SOURCE_ID = "nodigits"
TEXT = ("Báo cáo không có con số nào.\n\nTình hình kinh tế ổn định, đời sống nhân dân được cải thiện.\n"
        "\u00a0\n")
STEPS = (("data",), ("reader",), ("toc",), ("notebooks", "--jobs", "2"), ("html",))

pytestmark = pytest.mark.slow


def _make_book(root: Path, steps=STEPS) -> None:
    for step in steps:
        done = run_in(root, "-m", "sonla", *step, timeout=1800)
        assert done.returncode == 0, f"sonla {' '.join(step)}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("book") / "project")
    add_source(root / "data/raw", SOURCE_ID, TEXT, title_en="A report without numbers",
               short_title="Report without numbers")
    _make_book(root)
    return root


def test_a_source_without_numbers_gets_its_pages_and_no_claims(project):
    claims = (project / "data/processed/claims.csv").read_text(encoding="utf-8")
    assert f"\n{SOURCE_ID}-" not in claims
    profile = nbformat.read(project / f"book/profiles/{SOURCE_ID}.ipynb", as_version=4)
    errors = [o for c in profile.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert errors == []
    for page in (f"book/profiles/{SOURCE_ID}.html", f"book/sources/{SOURCE_ID}.html"):
        assert (project / "_build/html" / page).is_file(), page
    assert f"book/profiles/{SOURCE_ID}" in (project / "_toc.yml").read_text(encoding="utf-8")


def test_removing_a_source_removes_its_chapters_toc_entries_and_pages(project):
    manifest = project / "data/raw/sources.csv"
    with manifest.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = list(reader.fieldnames or []), [r for r in reader if r["source_id"] != SOURCE_ID]
    with manifest.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    # The chapters that read the profiles would re-execute; only the removal is checked here.
    _make_book(project, (("data",), ("reader",), ("toc",), ("notebooks", "--only", "no-run-has-this"),
                         ("html",)))
    leftovers = [p for p in project.rglob(f"*{SOURCE_ID}*")
                 if "data/raw" not in p.as_posix() and ".doctrees" not in p.as_posix()
                 and "jupyter_execute" not in p.as_posix()]
    assert leftovers == []
    assert SOURCE_ID not in (project / "_toc.yml").read_text(encoding="utf-8")
    assert SOURCE_ID not in (project / "book/build-manifest.json").read_text(encoding="utf-8")
