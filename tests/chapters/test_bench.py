"""Benchmark results: reading, targets, extrapolation, and the synthetic corpora they come from.

The benchmarks themselves run only with ``make bench``; these tests check the code around them
on small inputs (a synthetic corpus of one copy, hand-made result tables).
"""

from __future__ import annotations

import importlib.util
import json
import random
import re
import subprocess

import pandas as pd
import pytest

from sonla import config
from sonla.chapters import bench
from sonla.sources import load_sources, read_manifest


def _load_run_bench():
    spec = importlib.util.spec_from_file_location("run_bench", config.ROOT / "benchmarks" / "run_bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


run_bench = _load_run_bench()


def _results(noop: float, clean: float, cli: float, per_mb: dict[int, float]) -> pd.DataFrame:
    rows = [
        {"benchmark": "build-clean", "size_factor": 0, "seconds_median": clean, "seconds_per_mb": None},
        {"benchmark": "build-noop", "size_factor": 0, "seconds_median": noop, "seconds_per_mb": None},
        {"benchmark": "pipeline-5-sources-cli", "size_factor": 1, "seconds_median": cli,
         "seconds_per_mb": None},
    ] + [{"benchmark": "pipeline-synthetic", "size_factor": k, "seconds_median": v * k, "seconds_per_mb": v}
         for k, v in per_mb.items()]
    return pd.DataFrame(rows)


CASES = [
    # (id, noop, clean, cli, per_mb by size, holds)
    ("all-hold", 1.0, 20.0, 0.9, {10: 0.30, 100: 0.32, 1000: 0.38}, [True, True, True]),
    ("noop-too-slow", 3.0, 20.0, 0.9, {10: 0.30, 1000: 0.30}, [False, True, True]),
    ("pipeline-too-slow", 1.0, 20.0, 1.3, {10: 0.30, 1000: 0.30}, [True, False, True]),
    ("superlinear", 1.0, 20.0, 0.9, {10: 0.20, 100: 0.30, 1000: 0.27}, [True, True, False]),
]


@pytest.mark.parametrize(("noop", "clean", "cli", "per_mb", "holds"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_targets(noop, clean, cli, per_mb, holds):
    assert bench.targets(_results(noop, clean, cli, per_mb))["holds"].tolist()[:3] == holds


def _engine_rows(one: float, two: float, single: dict[int, float]) -> pd.DataFrame:
    rows = [{"benchmark": "pipeline-dask", "size_factor": 1000, "workers": w, "seconds_median": v * 1000,
             "seconds_per_mb": v} for w, v in ((1, one), (2, two))]
    rows += [{"benchmark": "pipeline-single-source", "size_factor": k, "workers": 1, "seconds_median": v,
              "seconds_per_mb": v} for k, v in single.items()]
    return pd.concat([_results(1.0, 20.0, 0.9, {10: 0.3, 1000: 0.3}), pd.DataFrame(rows)], ignore_index=True)


CASES_OF_SCALING = [
    # (id, s/MB on one worker, on two, single sources by size, [single holds, speed-up holds])
    ("both-hold", 2.0, 1.1, {1: 1.0, 8: 0.6, 32: 0.62}, [True, True]),
    ("long-source-quadratic", 2.0, 1.1, {1: 1.0, 8: 1.2, 32: 4.0}, [False, True]),
    ("second-worker-idle", 2.0, 1.9, {1: 1.0, 32: 1.0}, [True, False]),
]


@pytest.mark.parametrize(("one", "two", "single", "holds"), [c[1:] for c in CASES_OF_SCALING],
                         ids=[c[0] for c in CASES_OF_SCALING])
def test_targets_of_scaling(one, two, single, holds):
    assert bench.targets(_engine_rows(one, two, single))["holds"].tolist()[3:] == holds


def test_missing_measurements_do_not_hold():
    frame = bench.targets(_results(1.0, 20.0, 0.9, {10: 0.3, 1000: 0.3}))
    assert frame["holds"].tolist() == [True, True, True, False, False]


def test_engines_table_compares_with_the_serial_run():
    results = _engine_rows(2.0, 1.25, {})
    results.loc[(results["benchmark"] == "pipeline-synthetic") & (results["size_factor"] == 1000),
                "seconds_per_mb"] = 2.5
    table = bench.engines(results)
    assert table["engine"].tolist() == ["serial", "Dask, 1 worker", "Dask, 2 workers"]
    assert table["speedup_vs_serial"].round(2).tolist() == [1.0, 1.25, 2.0]


def test_targets_prefer_the_best_of_the_repeats():
    results = _results(1.0, 20.0, 0.9, {10: 0.20, 1000: 0.50})
    results["seconds_per_mb_min"] = results["seconds_per_mb"]
    results.loc[results["size_factor"] == 1000, "seconds_per_mb_min"] = 0.25
    assert bench.targets(results)["measured"].iloc[2] == 1.25


def test_missing_results_name_the_command(tmp_path):
    with pytest.raises(FileNotFoundError, match="results.csv not found: run `make bench` first"):
        bench.load_results(tmp_path)


def test_extrapolation_is_linear_in_size_and_inverse_in_workers():
    one = bench.extrapolate_hours(0.5, 1000)
    assert bench.extrapolate_hours(0.5, 2000) == pytest.approx(2 * one)
    assert bench.extrapolate_hours(0.5, 1000, workers=4) == pytest.approx(one / 4)


def test_committed_results_are_complete():
    results = bench.load_results()
    assert {"build-clean", "build-noop", "build-one-template", "pipeline-5-sources",
            "pipeline-5-sources-cli", "pipeline-synthetic"} <= set(results["benchmark"])
    sizes = set(results.loc[results["benchmark"] == "pipeline-synthetic", "size_factor"])
    assert {10, 30, 100} <= sizes  # not 1,000×: see the default of run_bench.py --sizes
    machine = bench.load_machine()
    assert {"cpu_model", "logical_cores", "ram_gib", "python", "parallel_throughput"} <= set(machine)
    assert set(bench.load_stages()["size_factor"]) == sizes
    dask = results[results["benchmark"] == "pipeline-dask"]
    assert {(30, 1), (30, 2), (100, 1), (100, 2)} <= set(zip(dask["size_factor"], dask["workers"],
                                                               strict=True))
    growth = bench.findings_growth(results)
    assert list(growth["size_factor"]) == sorted(sizes) and (growth["findings"] > 0).all()
    assert {1, 8, 32} <= set(results.loc[results["benchmark"] == "pipeline-single-source", "size_factor"])
    assert results.loc[results["benchmark"].isin(["pipeline-dask", "pipeline-synthetic"]),
                       "peak_memory_mb"].notna().all()


def test_count_rows_counts_records_not_lines(tmp_path):
    path = tmp_path / "findings.csv"
    path.write_text('a,b\n1,"two\nlines"\n3,x\n', encoding="utf-8")
    assert run_bench.count_rows(path) == 2


# --- the synthetic corpora ----------------------------------------------------------------------


def test_perturb_keeps_the_text_but_moves_paragraphs_and_digits():
    text = "\n\n".join(f"Đoạn {i}: đạt 87,7% và 4.051 tỷ đồng." for i in range(8))
    new = run_bench.perturb(text, random.Random(1))
    assert sorted(re.sub(r"\d", "0", new).split("\n\n")) == sorted(re.sub(r"\d", "0", text).split("\n\n"))
    assert new != text
    assert len(new) == len(text)


def test_a_synthetic_corpus_is_a_valid_verified_corpus(tmp_path):
    count, megabytes = run_bench.make_corpus(tmp_path / "raw", 3, sample=2)
    sources = load_sources(tmp_path / "raw" / "sources.csv", tmp_path / "raw")
    originals = read_manifest()
    assert count == len(sources) == 2 * len(originals)
    assert len({s.source_id for s in sources}) == count
    assert megabytes == pytest.approx(sum(len(s.text.encode("utf-8")) for s in sources) / 1e6)
    # Each copy keeps its original's declared properties (text layer, kind).
    assert [s.text_layer for s in sources[:len(originals)]] == [r["text_layer"] for r in originals]


def test_synthetic_corpora_are_reproducible(tmp_path):
    run_bench.make_corpus(tmp_path / "a", 2)
    run_bench.make_corpus(tmp_path / "b", 2)
    assert (tmp_path / "a/sources.csv").read_bytes() == (tmp_path / "b/sources.csv").read_bytes()


def test_a_single_long_source_is_one_valid_source(tmp_path):
    count, megabytes = run_bench.make_single_source(tmp_path / "raw", 2)
    sources = load_sources(tmp_path / "raw" / "sources.csv", tmp_path / "raw")
    report = next(s for s in load_sources() if s.source_id == "report")
    assert count == len(sources) == 1 and sources[0].text_layer == report.text_layer
    assert len(sources[0].text) == pytest.approx(2 * len(report.text), rel=0.01)  # two copies
    assert megabytes == pytest.approx(len(sources[0].text.encode("utf-8")) / 1e6)


def test_machine_info_names_cpu_cores_ram_and_python():
    info = run_bench.machine_info()
    assert info["logical_cores"] >= 1 and info["ram_gib"] > 0 and info["python"].startswith("3.11")
    json.dumps(info)


# --- make: `make test` never runs the benchmarks, `make bench` runs all of them ----------------------


def _dry(target: str) -> str:
    return subprocess.run(["make", "-n", "--no-print-directory", "-o", ".venv/.installed", target],
                          cwd=config.ROOT, capture_output=True, text=True, check=True).stdout


def test_make_test_does_not_run_benchmarks():
    pytest_lines = [line for line in _dry("test").splitlines() if "pytest" in line]
    assert pytest_lines and not [line for line in pytest_lines if "benchmarks" in line]


def test_make_bench_runs_every_benchmark():
    commands = _dry("bench")
    assert re.search(r"pytest .*benchmarks", commands) and "-m sonla bench" in commands


def test_make_help_lists_every_documented_target():
    makefile = (config.ROOT / "Makefile").read_text(encoding="utf-8")
    documented = re.findall(r"^([a-zA-Z_-]+):.*## ", makefile, re.M)
    shown = subprocess.run(["make", "--no-print-directory", "help"], cwd=config.ROOT,
                           capture_output=True, text=True, check=True).stdout
    assert documented and all(re.search(rf"^  {t}\s", shown, re.M) for t in documented)
