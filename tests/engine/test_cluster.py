"""The Dask engine writes the serial engine's bytes, fails by name, and never half-publishes.

Every run here is on a ``distributed.LocalCluster`` of two worker processes (the issue's test
bed): the five sources, a synthetic corpus (perturbed copies of the five, the benchmark's own
generator), a corpus with one altered file, and a run during which a worker is killed.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from sonla import config, pipeline
from sonla.engine import cluster as engine
from sonla.errors import SonlaError
from sonla.sources import read_manifest

distributed = pytest.importorskip("distributed")


def _load_run_bench():
    spec = importlib.util.spec_from_file_location("run_bench", config.ROOT / "benchmarks" / "run_bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


run_bench = _load_run_bench()


@pytest.fixture(scope="module")
def cluster():
    """Two single-threaded worker processes, as `make data ENGINE=dask DASK_WORKERS=2` starts."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0", silence_logs=40) as local:
        yield local


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Three perturbed copies of the five sources (15 sources, 5 documents with two copies)."""
    raw = tmp_path_factory.mktemp("corpus") / "raw"
    run_bench.make_corpus(raw, 3)
    return raw


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _both(raw: Path, tmp_path: Path, scheduler: str) -> tuple[dict[str, bytes], dict[str, bytes]]:
    pipeline.run_pipeline(raw, tmp_path / "serial", verbose=False)
    stats: dict[str, object] = {}
    pipeline.run_pipeline(raw, tmp_path / "dask", verbose=False, engine="dask", scheduler=scheduler,
                          stats=stats)
    assert stats["workers"] == 2 and all(v > 0 for v in stats["peak_memory"].values())
    # the source dependence (a whole stage that reads no earlier output) ran on a worker
    assert stats["stage_seconds"]["dependence"] > 0 and "dependence (worker)" in stats["timings"]
    return _files(tmp_path / "serial"), _files(tmp_path / "dask")


def test_five_sources_byte_identical_on_two_workers(cluster, tmp_path):
    serial, dask = _both(config.RAW_DIR, tmp_path, cluster.scheduler_address)
    assert list(dask) == list(serial)
    for name in serial:
        assert dask[name] == serial[name], name


def test_synthetic_corpus_byte_identical_on_two_workers(cluster, corpus, tmp_path):
    serial, dask = _both(corpus, tmp_path, cluster.scheduler_address)
    assert len(serial) > 12  # a repaired copy per OCR source
    assert list(dask) == list(serial)
    for name in serial:
        assert dask[name] == serial[name], name


def test_a_stage_without_a_split_runs_whole_on_the_client(cluster, corpus, tmp_path):
    """A stage that declares no split (as a new stage may) runs whole on the client, on the
    gathered tables, in its place among the stages on the client: the same bytes."""
    stages = [dataclasses.replace(s, split=None) if s.name == "findings" else s for s in pipeline.STAGES]
    plan = engine.plan_stages(stages)
    assert [s.name for s in plan.batched] == ["profiles", "claims", "alignment"]
    assert [s.name for s in plan.client] == ["dependence", "findings", "findings-validity",
                                             "reading-validity"]
    _, published, _ = engine.run_on_dask(stages, corpus / "sources.csv", corpus,
                                         scheduler=cluster.scheduler_address, progress=False)
    pipeline.run_pipeline(corpus, tmp_path / "serial", verbose=False)
    assert published == _files(tmp_path / "serial")


def test_the_stages_are_planned_per_document_then_on_the_client_then_checked():
    plan = engine.plan_stages(pipeline.STAGES)
    assert [s.name for s in plan.batched] == ["profiles", "claims", "findings", "alignment"]
    # the findings' step across documents after the source dependence it reads (on the client)
    assert [s.name for s in plan.client] == ["dependence", "findings", "findings-validity",
                                             "reading-validity"]
    assert [s.name for s in plan.checks] == ["datapackage"]


def test_a_part_that_reads_what_a_whole_stage_writes_is_refused(cluster, tmp_path):
    """The findings' parts read claims.csv only; parts that also read dependence.csv (written on
    the client, after the batches) fail the run by name, and nothing is written."""
    stages = [dataclasses.replace(s, split=dataclasses.replace(s.split, reads=None)) if s.name == "findings"
              else s for s in pipeline.STAGES]
    with pytest.raises(SonlaError, match="stage 'findings' reads dependence.csv, which no earlier stage"):
        engine.run_on_dask(stages, config.MANIFEST, config.RAW_DIR, scheduler=cluster.scheduler_address,
                           progress=False)


def test_a_bad_source_among_many_fails_the_run_by_name_and_writes_nothing(cluster, corpus, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(corpus, raw)
    bad = read_manifest(raw / "sources.csv")[7]["file"]
    data = bytearray((raw / bad).read_bytes())
    data[100] ^= 0x01
    (raw / bad).write_bytes(bytes(data))
    out = tmp_path / "out"
    out.mkdir()
    (out / "claims.csv").write_bytes(b"stale\n")
    with pytest.raises(SonlaError, match=rf"{bad}: sha256 mismatch"):
        pipeline.run_pipeline(raw, out, verbose=False, engine="dask", scheduler=cluster.scheduler_address)
    assert _files(out) == {"claims.csv": b"stale\n"}
    # The workers verify what they read, too (a file changed after the client verified it).
    with pytest.raises(SonlaError, match=rf"{bad}: sha256 mismatch"):
        engine.run_on_dask(pipeline.STAGES, raw / "sources.csv", raw, scheduler=cluster.scheduler_address,
                           progress=False)


def test_a_killed_worker_is_retried_or_fails_the_run_never_half_written(corpus, tmp_path):
    """SIGKILL one of two workers while the batches run: the nanny starts a new worker and the
    scheduler reruns its tasks, and the run publishes the serial bytes; or it fails, and the
    output folder is as it was. Never some of the files."""
    pipeline.run_pipeline(corpus, tmp_path / "serial", verbose=False)
    expected = _files(tmp_path / "serial")
    out = tmp_path / "out"
    out.mkdir()
    (out / "claims.csv").write_bytes(b"stale\n")
    outcome: dict[str, object] = {}
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0", silence_logs=50) as local, \
            distributed.Client(local) as client:

        def run() -> None:
            try:
                pipeline.run_pipeline(corpus, out, verbose=False, engine="dask",
                                      scheduler=local.scheduler_address)
                outcome["ok"] = True
            except SonlaError as err:
                outcome["error"] = err

        thread = threading.Thread(target=run)
        thread.start()
        deadline = time.monotonic() + 60
        while not any(client.processing().values()) and time.monotonic() < deadline:
            time.sleep(0.05)
        victim = next(address for address, tasks in client.processing().items() if tasks)
        os.kill(client.run(os.getpid, workers=[victim])[victim], signal.SIGKILL)
        thread.join(timeout=600)
    assert not thread.is_alive()
    if outcome.get("ok"):
        assert _files(out) == expected
    else:
        assert "error" in outcome, outcome
        assert _files(out) == {"claims.csv": b"stale\n"}


def test_the_serial_engine_never_imports_dask(tmp_path):
    code = ("import sys; from pathlib import Path; from sonla import pipeline; "
            f"pipeline.run_pipeline(out_dir=Path({str(tmp_path)!r}), verbose=False); "
            "loaded = {m.split('.')[0] for m in sys.modules}; "
            "assert not loaded & {'dask', 'distributed', 'tqdm'}, loaded & {'dask', 'distributed'}")
    subprocess.run([sys.executable, "-c", code], check=True, env=dict(os.environ, SOURCE_DATE_EPOCH="0"))


@pytest.mark.parametrize("command", [["sonla.pipeline"], ["sonla", "data"]])
@pytest.mark.parametrize(("options", "message"), [
    (["--workers", "2"], "--scheduler and --workers need --engine dask"),
    (["--engine", "dask", "--workers", "0"], "'0' is not a number of workers"),
    (["--engine", "dask", "--workers", "2", "--scheduler", "tcp://h:1"], "a cluster at --scheduler has"),
])
def test_engine_options_are_checked_before_anything_runs(command, options, message):
    """Usage errors end in one `error:` line (status 1), as every usage error of the commands."""
    result = subprocess.run([sys.executable, "-m", *command, *options], capture_output=True, text=True)
    assert result.returncode == 1 and message in result.stderr
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1


def test_an_unreachable_scheduler_is_named(tmp_path):
    with pytest.raises(SonlaError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        pipeline.run_pipeline(config.RAW_DIR, tmp_path, verbose=False, engine="dask",
                              scheduler="tcp://127.0.0.1:9")
