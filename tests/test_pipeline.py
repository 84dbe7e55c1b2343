"""The data pipeline fails loudly and loses nothing; the same inputs give the same bytes.

Each bad input is tried through the command line (``python -m sonla.pipeline`` and ``make data``)
on a temporary copy of the project (``SONLA_ROOT``): exit status, message and the state of
``data/processed`` afterwards, byte for byte.
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import add_source
from tempproject import copy_project, run_in, snapshot

from sonla import config, pipeline
from sonla.errors import SonlaError
from sonla.sources import read_manifest

STALE = b"source_id,characters\nstale,1\n"  # what a successful run would overwrite


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project copy whose processed data a successful run would change."""
    root = copy_project(tmp_path / "project", parts=("data/raw", "data/annotations", "data/processed"))
    for path in (root / "data/processed").glob("*.csv"):
        path.write_bytes(STALE)
    return root


def _rows(raw: Path) -> list[dict[str, str]]:
    return read_manifest(raw / "sources.csv")


def _write_rows(raw: Path, rows: list[dict[str, str]]) -> None:
    with (raw / "sources.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def missing_file(raw: Path) -> str:
    name = _rows(raw)[2]["file"]
    (raw / name).unlink()
    return rf"{name}: raw file named in the manifest is missing"


def hash_mismatch(raw: Path) -> str:
    name = _rows(raw)[0]["file"]
    data = bytearray((raw / name).read_bytes())
    data[5000] ^= 0x01
    (raw / name).write_bytes(bytes(data))
    return rf"{name}: sha256 mismatch"


def not_utf8(raw: Path) -> str:
    add_source(raw, "latin1-note", "Tổng vốn 12 tỷ đồng".encode("cp1258", errors="replace") + b"\xff")
    return r"latin1-note.txt: not valid UTF-8 at byte \d+"


def empty_file(raw: Path) -> str:
    add_source(raw, "empty-note", b"")
    return r"empty-note.txt: raw file is empty"


def duplicate_id(raw: Path) -> str:
    add_source(raw, "news-2024", "Năm 2024 đạt 12 tỷ đồng.")
    return r"sources.csv, row 7: duplicate source_id 'news-2024' \(first on row 6\)"


def field_missing(field: str):
    def change(raw: Path) -> str:
        rows = _rows(raw)
        rows[3][field] = ""
        _write_rows(raw, rows)
        return rf"sources.csv, row 5: required field\(s\) empty: {field}"
    return change


def column_missing(raw: Path) -> str:
    rows = [{k: v for k, v in row.items() if k != "document_id"} for row in _rows(raw)]
    _write_rows(raw, rows)
    return r"sources.csv: missing column\(s\) document_id"


def manifest_missing(raw: Path) -> str:
    (raw / "sources.csv").unlink()
    return r"sources.csv: source manifest not found"


CASES = [
    ("missing-raw-file", missing_file),
    ("hash-mismatch", hash_mismatch),
    ("not-utf8", not_utf8),
    ("empty-file", empty_file),
    ("duplicate-source-id", duplicate_id),
    ("empty-field-sha256", field_missing("sha256")),
    ("empty-field-file", field_missing("file")),
    ("empty-field-text-layer", field_missing("text_layer")),
    ("missing-column", column_missing),
    ("missing-manifest", manifest_missing),
]


@pytest.mark.parametrize("break_input", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_cli_bad_input_exits_1_names_it_and_writes_nothing(project, break_input):
    before = snapshot(project / "data/processed")
    message = break_input(project / "data/raw")
    result = run_in(project, "-m", "sonla.pipeline")
    assert result.returncode == 1, result.stdout + result.stderr
    assert re.search(rf"^error: .*{message}", result.stderr, re.M), result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(project / "data/processed") == before


def test_cli_good_input_does_write(project):
    """The control for the cases above: the same project, unbroken, is rebuilt."""
    result = run_in(project, "-m", "sonla.pipeline")
    assert result.returncode == 0, result.stderr
    assert (project / "data/processed/source_profiles.csv").read_bytes() != STALE
    assert re.search(r"data: [1-9]\d* of \d+ files changed", result.stdout), result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("break_input", [hash_mismatch, not_utf8], ids=["hash-mismatch", "not-utf8"])
def test_make_data_stops_on_a_corrupted_raw_file(tmp_path, break_input):
    root = copy_project(tmp_path / "project", venv=True)
    for path in (root / "data/processed").glob("*.csv"):
        path.write_bytes(STALE)
    before = snapshot(root / "data/processed")
    message = break_input(root / "data/raw")
    # -o: never rebuild the (shared, linked) virtual environment from the copy.
    result = run_in(root, "make", "--no-print-directory", "-o", ".venv/.installed", "data")
    assert result.returncode != 0
    assert re.search(rf"^error: .*{message}", result.stderr, re.M), result.stderr
    assert "stage " not in result.stdout  # stopped at the verification, before any stage ran
    assert snapshot(root / "data/processed") == before


def test_a_failing_stage_writes_nothing(monkeypatch, tmp_path):
    out = tmp_path / "processed"
    out.mkdir()
    (out / "first.csv").write_bytes(STALE)

    def first(sources, earlier):
        return {"first.csv": pd.DataFrame({"n": [len(sources)]})}

    def second(sources, earlier):
        raise SonlaError("second stage: cannot go on")

    stages = [pipeline.Stage("first", first), pipeline.Stage("second", second)]
    monkeypatch.setattr(pipeline, "STAGES", stages)
    with pytest.raises(SonlaError, match="second stage"):
        pipeline.run_pipeline(out_dir=out, verbose=False)
    assert snapshot(out) == {"first.csv": STALE}


def test_stages_run_with_fewer_collections_and_restore_the_collector(monkeypatch):
    import gc

    before = gc.get_threshold()
    seen = []

    def stage(sources, earlier):
        seen.append((gc.get_threshold()[0], gc.get_freeze_count() > 0))
        raise SonlaError("stop")

    monkeypatch.setattr(pipeline, "STAGES", [pipeline.Stage("only", stage)])
    with pytest.raises(SonlaError, match="stop"):
        pipeline.run_stages([])
    assert seen == [(100_000, True)]
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


# Libraries the pipeline's command must not load when it does not use them (each costs its start-up
# on every run): the validator (only for a table not validated before), the Dask engine, progress
# bars, plotting, the book's build and the chapters' helpers.
NOT_ON_THE_COMMAND_PATH = ("frictionless", "dask", "distributed", "tqdm", "matplotlib", "seaborn", "scipy",
                           "jinja2", "IPython", "nbformat", "papermill", "sonla.build", "sonla.chapters")


def _probe(code: str, env: dict[str, str] | None = None) -> list[str]:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env=env, cwd=config.ROOT)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_importing_the_pipeline_loads_no_library_it_does_not_use():
    """`python -m sonla.pipeline` imports only what its stages use; heavy imports stay where used."""
    loaded = _probe("import sys, sonla.pipeline\n"
                    f"print(*[m for m in {NOT_ON_THE_COMMAND_PATH!r} if m in sys.modules])")
    assert loaded == []


def test_the_command_keeps_numpy_to_one_blas_thread_unless_told_otherwise():
    """The pipeline does no linear algebra: `python -m sonla.pipeline` has numpy start one OpenBLAS
    thread, not one per core (a setting already made is kept); importing the module changes nothing."""
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    run_main = ("import os, runpy, sys\nsys.argv = ['sonla.pipeline', '--help']\n"
                "try:\n    runpy.run_module('sonla.pipeline', run_name='__main__', alter_sys=True)\n"
                "except SystemExit:\n    pass\n"
                "print(os.environ.get('OPENBLAS_NUM_THREADS', 'unset'), 'numpy' in sys.modules)\n")
    assert _probe(run_main, env)[-2:] == ["1", "True"]
    assert _probe(run_main, dict(env, OPENBLAS_NUM_THREADS="2"))[-2:] == ["2", "True"]
    imported = "import os, sonla.pipeline\nprint(os.environ.get('OPENBLAS_NUM_THREADS', 'unset'))\n"
    assert _probe(imported, env) == ["unset"]


def test_the_command_collects_garbage_again_once_its_imports_are_done():
    """`python -m sonla.pipeline` imports with the collector off (no garbage worth a scan), then
    runs its stages with it on; importing the module never touches it."""
    probe = ("import builtins, gc, runpy, sys\nseen = []\nreal_import = builtins.__import__\n"
             "def spy(name, *args, **kwargs):\n"
             "    if name == 'pandas' and not seen:\n        seen.append(gc.isenabled())\n"
             "    return real_import(name, *args, **kwargs)\n"
             "builtins.__import__ = spy\nsys.argv = ['sonla.pipeline', '--help']\n"
             "try:\n    runpy.run_module('sonla.pipeline', run_name='__main__', alter_sys=True)\n"
             "except SystemExit:\n    pass\nprint(seen[0], gc.isenabled())\n")
    assert _probe(probe)[-2:] == ["False", "True"]
    assert _probe("import gc, sonla.pipeline\nprint(gc.isenabled())\n") == ["True"]


def test_two_stages_cannot_write_one_file(monkeypatch, tmp_path):
    def stage(sources, earlier):
        return {"same.csv": "x\n"}

    monkeypatch.setattr(pipeline, "STAGES", [pipeline.Stage("a", stage), pipeline.Stage("b", stage)])
    with pytest.raises(SonlaError, match="stage 'b' writes same.csv, already written by an earlier stage"):
        pipeline.run_pipeline(out_dir=tmp_path, verbose=False)


def test_a_stage_gets_only_what_it_declares_it_reads(monkeypatch):
    seen = {}

    def first(sources, inputs):
        return {"a.csv": "a\n", "b.csv": "b\n"}

    def second(sources, inputs):
        seen.update(inputs)
        return {}

    monkeypatch.setattr(pipeline, "STAGES", [pipeline.Stage("first", first),
                                             pipeline.Stage("second", second, reads=("b.csv",))])
    pipeline.run_stages([])
    assert seen == {"b.csv": "b\n"}


def test_a_stage_that_reads_what_nobody_wrote_is_an_error(monkeypatch):
    monkeypatch.setattr(pipeline, "STAGES", [pipeline.Stage("lonely", lambda s, i: {}, reads=("x.csv",))])
    with pytest.raises(SonlaError, match="stage 'lonely' reads x.csv, which no earlier stage wrote"):
        pipeline.run_stages([])


def test_unchanged_outputs_are_not_rewritten(tmp_path):
    first = pipeline.run_pipeline(out_dir=tmp_path, verbose=False)
    mtimes = {p: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    second = pipeline.run_pipeline(out_dir=tmp_path, verbose=False)
    assert all(first.values()) and not any(second.values())
    assert {p: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == mtimes


def test_pipeline_is_deterministic_and_matches_the_committed_record(tmp_path):
    """Two runs in two interpreters with different string hashing (so different set and dict
    orders wherever order leaks from them) give the same bytes, and those are data/processed
    as committed."""
    runs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        done = subprocess.run([sys.executable, "-m", "sonla.pipeline", "--quiet", "--out", str(out)],
                              capture_output=True, text=True, env=dict(os.environ, PYTHONHASHSEED=seed))
        assert done.returncode == 0, done.stderr
        runs.append(snapshot(out))
    assert runs[0] == runs[1]
    committed = snapshot(config.PROCESSED_DIR)
    assert {name: committed.get(name) for name in runs[0]} == runs[0]


def test_no_temporary_files_are_left_behind(tmp_path):
    pipeline.run_pipeline(out_dir=tmp_path, verbose=False)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".") or p.suffix == ".tmp"]


def test_the_data_stamp_depends_on_the_pipeline_code_only():
    """`make data` re-runs the pipeline when its code or rules change, not when a chapter helper does."""
    from sonla.publish import pipeline_code_files

    package = config.PACKAGE_DIR
    code = {p.relative_to(package).as_posix() for p in pipeline_code_files()}
    stages = ("text", "extract", "fidelity", "reconcile", "validity", "schema")
    expected = {p.relative_to(package).as_posix() for sub in stages for p in (package / sub).glob("*.py")}
    expected |= {p.relative_to(package).as_posix() for p in config.RULES_DIR.glob("*.yaml")}
    expected |= {"pipeline.py", "sources.py", "datapackage.py", "publish.py", "config.py"}
    assert expected <= code
    assert not {p for p in code if p.startswith(("chapters/", "build/")) or p in ("cli.py", "__main__.py")}


def test_the_data_package_validates_the_bytes_that_are_written(monkeypatch, tmp_path):
    seen = {}

    def spy(sources, inputs):
        seen.update(inputs)
        return {}

    stages = [stage for stage in pipeline.STAGES if stage.name in ("profiles",)]
    stages.append(pipeline.Stage("spy", spy, reads=pipeline.ALL, published=True))
    monkeypatch.setattr(pipeline, "STAGES", stages)
    pipeline.run_pipeline(out_dir=tmp_path, verbose=False)
    assert seen == {"source_profiles.csv": (tmp_path / "source_profiles.csv").read_bytes()}


# --------------------------------------------------------------------------- issue 17, cases 4 and 10


def test_a_source_without_numbers_is_a_normal_source(raw_copy, tmp_path):
    """Case 4: a profile row, zero claims, a reader page; nothing breaks."""
    from sonla.build.reader import build_reader_pages
    from sonla.publish import check_published
    from sonla.sources import load_sources

    add_source(raw_copy, "nodigits", "Một văn bản không có chữ số nào.\n\nChỉ có chữ mà thôi.\n")
    out = tmp_path / "processed"
    pipeline.run_pipeline(raw_copy, out, verbose=False)
    check_published(out)
    profiles = pd.read_csv(out / "source_profiles.csv")
    assert profiles.set_index("source_id").loc["nodigits", "number_tokens"] == 0
    claims = pd.read_csv(out / "claims.csv")
    assert "nodigits" not in set(claims.source_id) and len(claims)
    sources = load_sources(raw_copy / "sources.csv", raw_copy)
    pages = build_reader_pages(out / "claims.csv", tmp_path / "sources", sources)
    page = (tmp_path / "sources/nodigits.md").read_text(encoding="utf-8")
    assert pages[tmp_path / "sources/nodigits.md"] and "Highlighted claims by kind: none." in page


@pytest.fixture
def read_only(tmp_path: Path):
    """A folder nothing can be written in (immutable for root, mode 555 for anyone else)."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    if os.geteuid() == 0:
        done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot make a folder read-only as root here: {done.stderr.strip()}")
        yield folder
        subprocess.run(["chattr", "-i", str(folder)], check=True)
    else:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)


def test_a_read_only_output_folder_is_one_error_line(project, read_only):
    """Case 10: a read-only output folder gave a Python traceback."""
    result = run_in(project, "-m", "sonla", "data", "--out", str(read_only))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {read_only}"), result.stderr
    assert "Operation not permitted" in lines[0] or "Permission denied" in lines[0]
    assert list(read_only.iterdir()) == []
