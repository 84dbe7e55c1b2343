"""The notebook runner: what re-executes when something changes, and how failures are reported.

Fast tests compute fingerprints on a temporary copy of the project with the config paths
monkeypatched; slow tests (marked ``slow``, run by ``make test``) start the CLI in a subprocess
with ``SONLA_ROOT`` pointing at a temporary copy and execute real notebooks.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest
import yaml
from tempproject import copy_project, rehash, run_in, set_manifest_field, snapshot

from sonla import config
from sonla.build import runner
from sonla.build.runner import Run, RunError
from sonla.sources import read_manifest

INTRO = "book/intro.ipynb"
PROFILES = "book/profiles/"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the project, with sonla's paths (and package folder) pointing into it."""
    root = copy_project(tmp_path / "project")
    package = tmp_path / "package"
    shutil.copytree(config.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    for name, path in {
        "ROOT": root, "RAW_DIR": root / "data/raw", "PROCESSED_DIR": root / "data/processed",
        "MANIFEST": root / "data/raw/sources.csv", "NOTEBOOKS_DIR": root / "notebooks",
        "BOOK_DIR": root / "book", "PACKAGE_DIR": package,
    }.items():
        monkeypatch.setattr(config, name, path)
    monkeypatch.setattr(runner, "RUNS_FILE", root / "notebooks/runs.yml")
    monkeypatch.setattr(runner, "BUILD_MANIFEST", root / "book/build-manifest.json")
    return root


def _current(project: Path) -> dict[str, str]:
    """Fingerprints of every declared run, as a build manifest that says all is current."""
    _, wanted = runner.stale_runs(runner.load_runs(), {})
    return wanted


def _stale_after(project: Path, change) -> set[str]:
    recorded = _current(project)
    change(project)
    stale, _ = runner.stale_runs(runner.load_runs(), recorded)
    return {run.output for run in stale}


def _file_of(project: Path, source_id: str) -> str:
    rows = read_manifest(project / "data/raw/sources.csv")
    return next(r["file"] for r in rows if r["source_id"] == source_id)


def _bump_digit(path: Path, after: int = 200) -> None:
    """Change one digit (to the next one): every text profile measure stays the same."""
    text = path.read_text(encoding="utf-8")
    at = next(i for i, c in enumerate(text) if i > after and c.isdigit())
    path.write_text(text[:at] + str((int(text[at]) + 1) % 10) + text[at + 1:], encoding="utf-8")


def change_raw_byte(source_id: str, record: bool = True):
    def change(project: Path) -> None:
        file = _file_of(project, source_id)
        _bump_digit(project / "data/raw" / file)
        if record:
            rehash(project / "data/raw", source_id, file)
    return change


def append(relative: str, text: str, package: bool = False):
    def change(project: Path) -> None:
        path = (config.PACKAGE_DIR if package else project) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(text)
    return change


def edit_template(name: str):
    def change(project: Path) -> None:
        path = project / "notebooks" / name
        nb = nbformat.read(path, as_version=4)
        markdown = next(c for c in nb.cells if c.cell_type == "markdown")
        markdown.source += "\n\nOne more sentence."
        nbformat.write(nb, path)
    return change


def touch_everything(project: Path) -> None:
    for path in project.rglob("*"):
        if path.is_file():
            os.utime(path, (1e9, 1e9))


def edit_profiles_csv(project: Path) -> None:
    path = project / "data/processed/source_profiles.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[1] = lines[1].replace(",", ",9", 1)
    path.write_text("\n".join(lines), encoding="utf-8")


def edit_profile_title(project: Path) -> None:
    path = project / "notebooks/runs.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Source profile: ", "Profile: "), encoding="utf-8")


ALL, NONE = "all", "none"
# (id, change, intro re-executes?, profiles that re-execute) — ALL/NONE: every declared run, or none.
CASES = [
    ("nothing-changed", lambda project: None, NONE, NONE),
    ("mtime-only", touch_everything, NONE, NONE),
    ("undeclared-file", append("data/processed/notes.txt", "scratch\n"), NONE, NONE),
    ("package-code", append("chapters/book.py", "\n# a comment\n", package=True), ALL, ALL),
    ("rule-file", append("rules/new-rule.yaml", "key: value\n", package=True), ALL, ALL),
    ("requirements", append("requirements.txt", "# a comment\n"), ALL, ALL),
    ("intro-template", edit_template("00-introduction.ipynb"), True, set()),
    ("profile-template", edit_template("01-source-profile.ipynb"), False, ALL),
    ("profile-title", edit_profile_title, False, ALL),
    ("raw-byte-news-2024", change_raw_byte("news-2024"), True, {"news-2024"}),
    ("raw-byte-report", change_raw_byte("report"), True, {"report"}),
    ("raw-byte-unrecorded", change_raw_byte("appendix-ocr", record=False), False, {"appendix-ocr"}),
    ("manifest-notes-report", lambda p: set_manifest_field(p / "data/raw", "report", notes="new note"),
     True, {"report"}),
    ("processed-profiles", edit_profiles_csv, True, ALL),
]


@pytest.mark.parametrize(("change", "intro", "profiles"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_exactly_the_dependent_notebooks_are_stale(project, change, intro, profiles):
    all_runs = {run.output for run in runner.load_runs()}
    stale = _stale_after(project, change)
    if intro == ALL:
        assert stale == all_runs
        return
    if intro == NONE:
        assert stale == set()
        return
    all_profiles = {o for o in all_runs if o.startswith(PROFILES)}
    expected = all_profiles if profiles == ALL else {f"{PROFILES}{p}.ipynb" for p in profiles}
    assert (INTRO in stale) is intro
    assert {o for o in stale if o.startswith(PROFILES)} == expected


def test_fingerprint_changes_with_parameters(project):
    run = next(r for r in runner.load_runs() if r.output == f"{PROFILES}report.ipynb")
    code = runner.code_fingerprint()
    same = runner.fingerprint(dataclasses.replace(run), code)
    other = runner.fingerprint(dataclasses.replace(run, parameters={"source_id": "news-2024"}), code)
    assert same == runner.fingerprint(run, code)
    assert other != same


def test_code_fingerprint_ignores_where_the_package_lives(project, tmp_path, monkeypatch):
    before = runner.code_fingerprint()
    moved = tmp_path / "elsewhere" / "sonla"
    shutil.copytree(config.PACKAGE_DIR, moved)
    monkeypatch.setattr(config, "PACKAGE_DIR", moved)
    assert runner.code_fingerprint() == before


def test_a_missing_executed_notebook_is_stale(project):
    recorded = _current(project)
    (project / f"{PROFILES}news-2024.ipynb").unlink()
    stale, _ = runner.stale_runs(runner.load_runs(), recorded)
    assert [r.output for r in stale] == [f"{PROFILES}news-2024.ipynb"]


def test_a_missing_plain_input_is_named(project):
    (project / "data/processed/source_profiles.csv").unlink()
    with pytest.raises(RunError, match=r"input 'data/processed/source_profiles.csv' matches no file"):
        runner.stale_runs(runner.load_runs(), {})


def test_a_row_selector_naming_no_column_is_named(project):
    run = Run(template="00-introduction.ipynb", output="book/x.ipynb",
              inputs=("data/raw/sources.csv#colour=red",))
    with pytest.raises(RunError, match=re.escape("has no column 'colour'")):
        runner.fingerprint(run)


def test_a_source_with_no_claims_fingerprints_the_header_of_its_selection(project):
    """Issue 17, case 4: a source without numbers has no row in claims.csv; that is no error."""
    claims = project / "data/processed/claims.csv"
    header = claims.read_bytes().split(b"\n", 1)[0] + b"\n"
    assert runner._csv_rows(claims, "source_id", "nodigits") == header
    run = Run(template="00-introduction.ipynb", output="book/x.ipynb",
              inputs=("data/processed/claims.csv#source_id=nodigits",))
    before = runner.fingerprint(run)
    with claims.open("a", encoding="utf-8") as handle:  # a claim of another source changes nothing
        handle.write(claims.read_text(encoding="utf-8").splitlines()[1] + "\n")
    assert runner.fingerprint(run) == before


def test_an_unreadable_build_manifest_rebuilds_everything(project, capsys):
    path = project / "book/build-manifest.json"
    path.write_text("<<<<<<< HEAD\n{}\n", encoding="utf-8")
    assert runner.read_build_manifest(path) == {}
    assert "unreadable" in capsys.readouterr().err


def test_unknown_parameter_is_named(project):
    spec = yaml.safe_load((project / "notebooks/runs.yml").read_text(encoding="utf-8"))
    spec["runs"][0]["parameters"] = {"bogus_tolerance": 0.5}
    (project / "notebooks/runs.yml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    with pytest.raises(RunError, match=r"run 1: unknown parameter\(s\) bogus_tolerance for 00-introduction"):
        runner.load_runs()


# --- through the command line, on a temporary project (SONLA_ROOT) -------------------------------


def _write_current_manifest(project: Path) -> None:
    (project / "book/build-manifest.json").write_text(json.dumps(_current(project), indent=2, sort_keys=True))


def test_cli_dry_run_after_a_raw_change_and_make_data(project):
    """A changed raw byte (manifest updated) → pipeline → exactly its own profile re-runs."""
    _write_current_manifest(project)
    assert run_in(project, "-m", "sonla", "notebooks", "--dry-run").stdout == ""
    processed = snapshot(project / "data/processed")
    change_raw_byte("news-2024")(project)
    assert run_in(project, "-m", "sonla.pipeline").returncode == 0
    assert snapshot(project / "data/processed")["source_profiles.csv"] == processed["source_profiles.csv"]
    result = run_in(project, "-m", "sonla", "notebooks", "--dry-run")
    assert result.returncode == 0, result.stderr
    stale = set(result.stdout.split())
    assert {o for o in stale if o.startswith(PROFILES)} == {f"{PROFILES}news-2024.ipynb"}
    assert INTRO in stale


def test_cli_unknown_parameter_exits_1_and_keeps_the_book(project):
    before = snapshot(project / "book")
    spec = yaml.safe_load((project / "notebooks/runs.yml").read_text(encoding="utf-8"))
    spec["runs"][1]["parameters"]["tolerance"] = 3
    (project / "notebooks/runs.yml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    result = run_in(project, "-m", "sonla", "notebooks")
    assert result.returncode == 1
    assert re.search(r"^error: .*runs\.yml, run 2: unknown parameter\(s\) tolerance for 01-source-profile",
                     result.stderr, re.M), result.stderr
    assert snapshot(project / "book") == before


FAILING_TEMPLATE = [
    ("code", 'label = "x"', ["parameters"]),
    ("markdown", "# A chapter that fails", []),
    ("code", "total = 1 + 1", []),
    ("code", 'raise ValueError(f"no data for {label}")', []),
]


def _write_template(path: Path, cells) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for number, (kind, source, tags) in enumerate(cells):
        cell = nbformat.v4.new_code_cell(source) if kind == "code" else nbformat.v4.new_markdown_cell(source)
        cell["id"] = f"c{number:02d}"
        if tags:
            cell.metadata["tags"] = tags
        nb.cells.append(cell)
    nbformat.write(nb, path)


@pytest.mark.slow
def test_cli_failing_notebook_keeps_previous_version_and_names_the_cell(project):
    _write_template(project / "notebooks/98-fails.ipynb", FAILING_TEMPLATE)
    _write_template(project / "notebooks/99-works.ipynb", FAILING_TEMPLATE[:3])
    (project / "notebooks/runs.yml").write_text(yaml.safe_dump({"runs": [
        {"template": "98-fails.ipynb", "output": "book/fails.ipynb", "parameters": {"label": "y"}},
        {"template": "99-works.ipynb", "output": "book/works.ipynb"},
    ]}), encoding="utf-8")
    previous = b'{"cells": [], "note": "the previous executed version"}\n'
    (project / "book/fails.ipynb").write_bytes(previous)
    result = run_in(project, "-m", "sonla", "notebooks", "--jobs", "2")
    assert result.returncode == 1
    assert ("error: notebook execution failed (1 of 2): 98-fails.ipynb → book/fails.ipynb: cell 3 "
            "(id c03: `raise ValueError(f\"no data for {label}\")`) raised ValueError: no data for y "
            "(previous executed version kept)") in result.stderr
    assert result.stderr.rstrip().splitlines()[-1].startswith("error: notebook execution failed")
    assert (project / "book/fails.ipynb").read_bytes() == previous
    recorded = json.loads((project / "book/build-manifest.json").read_text(encoding="utf-8"))
    assert set(recorded) == {"book/works.ipynb"}  # the other notebook finished and was recorded
    assert (project / "book/works.ipynb").is_file()
    assert "FAILED   book/fails.ipynb" in result.stdout


@pytest.mark.slow
def test_executing_a_chapter_twice_gives_identical_bytes(tmp_path):
    """The real profile template, executed in two fresh copies: byte-identical notebooks."""
    outputs = []
    for name in ("first", "second"):
        root = copy_project(tmp_path / name)
        (root / "book/build-manifest.json").unlink()
        result = run_in(root, "-m", "sonla", "notebooks", "--only", "profiles/news-congress-2025")
        assert result.returncode == 0, result.stderr
        outputs.append((root / f"{PROFILES}news-congress-2025.ipynb").read_bytes())
    assert outputs[0] == outputs[1]
    executed = nbformat.reads(outputs[0].decode("utf-8"), as_version=4)
    assert all("execution" not in c.metadata and "papermill" not in c.metadata for c in executed.cells)
    assert b"start_time" not in outputs[0]
    # The committed chapter is what executing its template gives.
    assert outputs[0] == (config.ROOT / f"{PROFILES}news-congress-2025.ipynb").read_bytes()


def test_executed_notebooks_no_run_declares_are_removed(project):
    """Issue 17, case 7: a removed source's profile chapter stayed in the book."""
    orphan = project / "book/profiles/removed-source.ipynb"
    orphan.write_text("{}", encoding="utf-8")
    renamed = project / "book/old-name.ipynb"
    renamed.write_text("{}", encoding="utf-8")
    runs = runner.load_runs()
    before = {p for p in (project / "book").rglob("*") if p.is_file()}
    removed = runner.remove_undeclared(runs)
    assert sorted(removed) == sorted([orphan, renamed])
    assert {p for p in (project / "book").rglob("*") if p.is_file()} == before - {orphan, renamed}
    assert all(run.output_path.is_file() for run in runs)
