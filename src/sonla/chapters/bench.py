"""Read the committed benchmark results (``data/bench/``) for the performance chapters.

The results are measured by ``make bench`` (``benchmarks/run_bench.py``); this module
never measures anything, it only reads, checks targets and extrapolates, so that a
chapter built from it shows the numbers of the last benchmark run, on the machine
recorded beside them.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

from .. import config
from .book import as_bool

__all__ = ["BENCH_DIR", "load_results", "load_stages", "load_machine", "machine_sentence",
           "synthetic", "repeats_sentence", "best_per_mb_column", "targets", "extrapolate_hours",
           "readable_duration", "engines", "single_sources", "speedup", "speedup_words", "memory_words",
           "findings_growth", "growth_exponent"]

BENCH_DIR = config.ROOT / "data" / "bench"


def _read(name: str, bench_dir: Path | None) -> Path:
    path = Path(bench_dir or BENCH_DIR) / name
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: run `make bench` first")
    return path


def load_results(bench_dir: Path | None = None) -> pd.DataFrame:
    """``results.csv``: one row per benchmark (and corpus size), with median and minimum seconds."""
    frame = pd.read_csv(_read("results.csv", bench_dir), keep_default_na=False, na_values=[""])
    frame["projected"] = as_bool(frame["projected"], "results.csv, column projected")
    return frame


def load_stages(bench_dir: Path | None = None, engine: str | None = "serial") -> pd.DataFrame:
    """``stages.csv``: seconds of each pipeline step at each corpus size, for one ``engine``
    (``serial``, ``serial-single`` for the single long sources, ``dask-1``, ``dask-2``; ``None``:
    every engine). Files written before the engine column count as serial."""
    frame = pd.read_csv(_read("stages.csv", bench_dir), keep_default_na=False, na_values=[""])
    frame["projected"] = as_bool(frame["projected"], "stages.csv, column projected")
    if "engine" not in frame.columns:
        frame.insert(0, "engine", "serial")
    return frame if engine is None else frame[frame["engine"] == engine].reset_index(drop=True)


def load_machine(bench_dir: Path | None = None) -> dict[str, object]:
    """``machine.json``: CPU model, logical cores, RAM, Python, OS and date of the run."""
    return json.loads(_read("machine.json", bench_dir).read_text(encoding="utf-8"))


def machine_sentence(machine: dict[str, object]) -> str:
    """The machine in one line.

    >>> machine_sentence({"cpu_model": "Xeon", "logical_cores": 2, "ram_gib": 23.4,
    ...                   "python": "3.11.2", "os": "Linux 6.1", "measured_on": "2026-11-22"})
    'Xeon, 2 logical cores, 23.4 GiB RAM, Python 3.11.2 on Linux 6.1 (measured 2026-11-22)'
    """
    return (f"{machine['cpu_model']}, {machine['logical_cores']} logical cores, "
            f"{machine['ram_gib']} GiB RAM, Python {machine['python']} on {machine['os']} "
            f"(measured {machine['measured_on']})")


def synthetic(results: pd.DataFrame) -> pd.DataFrame:
    """The pipeline rows: the five sources (size 1) and each synthetic corpus, by size."""
    rows = results[results["benchmark"].isin(["pipeline-5-sources", "pipeline-synthetic"])]
    return rows.sort_values("size_factor").reset_index(drop=True)


def repeats_sentence(rows: pd.DataFrame) -> str:
    """How often each synthetic size was run, in words (sizes with the same count together).

    >>> r = pd.DataFrame({"size_factor": [10, 100, 1000], "repeats": [3, 3, 1]})
    >>> repeats_sentence(r)
    'the 10× and 100× corpora were run 3 times each, the 1,000× corpus once'
    """
    by_count: dict[int, list[int]] = {}
    for size, count in zip(rows["size_factor"].astype(int), rows["repeats"].astype(int), strict=True):
        by_count.setdefault(count, []).append(size)
    parts = []
    for count, sizes in sorted(by_count.items(), key=lambda item: min(item[1])):
        names = " and ".join(f"{size:,}×" for size in sorted(sizes))
        plural = len(sizes) > 1
        times = "once" if count == 1 else f"{count} times" + (" each" if plural else "")
        parts.append(f"the {names} {'corpora were' if plural else 'corpus was'} run {times}"
                     if not parts else f"the {names} {'corpora' if plural else 'corpus'} {times}")
    return ", ".join(parts)


def _seconds(results: pd.DataFrame, benchmark: str, size_factor: int = 0) -> float:
    row = results[(results["benchmark"] == benchmark) & (results["size_factor"] == size_factor)]
    return float(row["seconds_median"].iloc[0]) if len(row) else math.nan


def best_per_mb_column(results: pd.DataFrame) -> str:
    """The column with the best-of-repeats seconds per MB (older result files have only the median)."""
    return "seconds_per_mb_min" if "seconds_per_mb_min" in results.columns else "seconds_per_mb"


def _per_mb(results: pd.DataFrame, benchmark: str, size_factor: int, workers: int = 1) -> float:
    """The best-of-repeats seconds per MB of one row (NaN when it was not measured)."""
    rows = results[(results["benchmark"] == benchmark) & (results["size_factor"] == size_factor)]
    if "workers" in rows.columns:
        rows = rows[rows["workers"].fillna(1).astype(int) == workers]
    return float(rows[best_per_mb_column(results)].iloc[0]) if len(rows) else math.nan


def speedup(results: pd.DataFrame, size_factor: int, workers: int = 2, baseline: int = 1) -> float:
    """How many times faster ``workers`` Dask workers ran a corpus than ``baseline`` workers
    (best of the repeats; NaN when either was not measured).

    >>> r = pd.DataFrame({"benchmark": ["pipeline-dask"] * 2, "size_factor": [1000, 1000],
    ...                   "workers": [1, 2], "seconds_per_mb": [2.0, 1.25]})
    >>> speedup(r, 1000)
    1.6
    """
    return _per_mb(results, "pipeline-dask", size_factor, baseline) / _per_mb(
        results, "pipeline-dask", size_factor, workers)


def targets(results: pd.DataFrame) -> pd.DataFrame:
    """The targets of issues 7 and 16: measured value, limit, whether it holds.

    Build and pipeline times are medians of the repeats; ratios of times per MB compare the best of
    the repeats at each size, the estimate least disturbed by other work on a shared machine. A
    target whose measurement is missing does not hold.

    >>> r = pd.DataFrame({"benchmark": ["build-clean", "build-noop", "pipeline-5-sources-cli",
    ...                                 "pipeline-synthetic", "pipeline-synthetic"],
    ...                   "size_factor": [0, 0, 1, 10, 1000], "seconds_median": [30, 1.5, 0.9, 1, 10],
    ...                   "seconds_per_mb": [None, None, None, 0.30, 0.36]})
    >>> targets(r)[["measured", "limit", "holds"]].values.tolist()[:3]
    [[0.05, 0.1, True], [0.9, 1.2, True], [1.2, 1.3, True]]
    """
    serial = results[results["benchmark"] == "pipeline-synthetic"]
    sizes = sorted(serial["size_factor"].astype(int))
    small, large = (sizes[0], sizes[-1]) if sizes else (10, 1000)
    singles = sorted(results.loc[results["benchmark"] == "pipeline-single-source", "size_factor"].astype(int))
    one, longest = (singles[0], singles[-1]) if singles else (1, 32)
    dask_sizes = sorted(results.loc[results["benchmark"] == "pipeline-dask", "size_factor"].astype(int))
    biggest = dask_sizes[-1] if dask_sizes else 1000
    rows = [
        ("no-op `make book` / clean build",
         _seconds(results, "build-noop") / _seconds(results, "build-clean"), 0.1, "ratio", "at most"),
        ("pipeline on the five sources (command, s)", _seconds(results, "pipeline-5-sources-cli", 1), 1.2,
         "seconds", "at most"),
        (f"time per MB at {large:,}× / at {small:,}×",
         _per_mb(results, "pipeline-synthetic", large) / _per_mb(results, "pipeline-synthetic", small), 1.3,
         "ratio", "at most"),
        (f"time per MB of one {longest}× source / of one {one}× source",
         _per_mb(results, "pipeline-single-source", longest)
         / _per_mb(results, "pipeline-single-source", one), 1.3, "ratio", "at most"),
        (f"two Dask workers against one at {biggest:,}× (speed-up)", speedup(results, biggest), 1.7, "ratio",
         "at least"),
    ]
    frame = pd.DataFrame(rows, columns=["target", "measured", "limit", "unit", "direction"])
    frame["measured"] = frame["measured"].round(3)
    at_most = frame["direction"] == "at most"
    frame["holds"] = (at_most & (frame["measured"] <= frame["limit"])) | (
        ~at_most & (frame["measured"] >= frame["limit"]))
    return frame


def engines(results: pd.DataFrame) -> pd.DataFrame:
    """The serial engine and the Dask engine (by workers) on the corpora both ran: seconds, s/MB,
    speed-up over the serial run, and peak memory (the process, or the largest worker)."""
    serial = results[results["benchmark"] == "pipeline-synthetic"].assign(engine="serial", workers=1)
    dask = results[results["benchmark"] == "pipeline-dask"].assign(engine="dask")
    sizes = set(dask["size_factor"].astype(int))
    rows = pd.concat([serial[serial["size_factor"].astype(int).isin(sizes)], dask], ignore_index=True)
    best = best_per_mb_column(results)
    rows["engine"] = [("serial" if e == "serial" else f"Dask, {int(w)} worker{'s' if int(w) > 1 else ''}")
                      for e, w in zip(rows["engine"], rows["workers"], strict=True)]
    base = {int(k): float(v) for k, v in zip(serial["size_factor"], serial[best], strict=True)}
    rows["speedup_vs_serial"] = [base.get(int(k), math.nan) / float(v)
                                 for k, v in zip(rows["size_factor"], rows[best], strict=True)]
    columns = ["size_factor", "engine", "megabytes", "seconds_min", best, "speedup_vs_serial",
               "peak_memory_mb", "client_memory_mb", "load_average"]
    columns = [c for c in columns if c in rows.columns]
    rows["order"] = [0 if e == "serial" else int(w) for e, w in zip(rows["engine"], rows["workers"],
                                                                     strict=True)]
    return rows.sort_values(["size_factor", "order"])[columns].reset_index(drop=True)


def single_sources(results: pd.DataFrame) -> pd.DataFrame:
    """One long source of growing size: seconds, s/MB, and s/MB against the smallest."""
    rows = results[results["benchmark"] == "pipeline-single-source"].sort_values("size_factor")
    best = best_per_mb_column(results)
    rows = rows.assign(relative=rows[best].astype(float) / float(rows[best].iloc[0]) if len(rows) else [])
    return rows[["size_factor", "megabytes", "seconds_min", best, "relative", "peak_memory_mb"]
                if "peak_memory_mb" in rows.columns else
                ["size_factor", "megabytes", "seconds_min", best, "relative"]].reset_index(drop=True)


def extrapolate_hours(seconds_per_mb: float, megabytes: float, workers: int = 1,
                      overhead_seconds: float = 0.0) -> float:
    """Hours to process ``megabytes`` at ``seconds_per_mb``, split evenly over ``workers``.

    Assumes the work is per source and independent (no cross-source step), so it
    divides by the number of workers; ``overhead_seconds`` is added once.

    >>> round(extrapolate_hours(0.4, 9000, workers=1), 2), round(extrapolate_hours(0.4, 9000, workers=8), 3)
    (1.0, 0.125)
    """
    return (seconds_per_mb * megabytes / max(workers, 1) + overhead_seconds) / 3600


def readable_duration(seconds: float) -> str:
    """A duration in the unit a reader expects: seconds, minutes, hours or days.

    >>> [readable_duration(s) for s in (4.2, 150, 5400, 200000)]
    ['4.2 s', '2.5 min', '1.5 h', '2.3 days']
    """
    for limit, unit, size in ((90, "s", 1), (5400, "min", 60), (172800, "h", 3600)):
        if seconds < limit:
            return f"{seconds / size:.1f} {unit}"
    return f"{seconds / 86400:.1f} days"


def speedup_words(speedup: float, throughput: float, limit: float = 1.7) -> str:
    """Why two workers gained what they gained, in words, from the measured speed-up and the
    machine's parallel throughput (what two busy processes get done against one).

    >>> speedup_words(1.1, 0.98).startswith("The reason is the machine")
    True
    >>> speedup_words(1.2, 1.95).startswith("The machine could run two processes at once")
    True
    """
    if speedup >= limit:
        return "The per-document tasks carry nearly all of the work, so a second worker nearly halves it."
    if throughput < limit:
        return (f"The reason is the machine, not the split of the work: the benchmark also runs two busy "
                f"Python loops at once, and this machine got {throughput:.2f} times the work of one loop "
                "done. Its two logical cores are a share of a host that other jobs use (see the load "
                "averages in the table), so a second worker process can add at most that much, whatever "
                "the engine. On a machine with two real cores the same split should come near 2, because "
                "nearly all of the work runs in the per-document tasks (next section).")
    return ("The machine could run two processes at once (two busy loops got "
            f"{throughput:.2f} times the work of one done), so the gap is the engine's: the work left on "
            "the client and the tasks across documents (next section).")


def memory_words(small: float, large: float, client: float, small_size: int, large_size: int) -> str:
    """The peak memory of the largest worker at two corpus sizes, and of the client, in words.

    >>> memory_words(400, 450, 3000, 100, 1000).startswith("Memory stays nearly flat per worker")
    True
    """
    if large / small <= 1.5:
        head = (f"Memory stays nearly flat per worker: the largest worker peaked at {large:,.0f} MB at "
                f"{large_size:,}× against {small:,.0f} MB at {small_size:,}×, because a batch task holds "
                "at most 4 MB of text and drops the texts when it ends.")
    else:
        head = (f"Memory per worker grows with the corpus, though far less than the corpus: the largest "
                f"worker peaked at {large:,.0f} MB at {large_size:,}× against {small:,.0f} MB at "
                f"{small_size:,}×. A batch task holds at most 4 MB of text, but the observations each "
                "batch offers for the comparisons across documents wait on its worker until those tasks "
                "run.")
    return head + (f" The client holds every output until all are written ({client:,.0f} MB at the largest "
                   "size).")


def findings_growth(results: pd.DataFrame) -> pd.DataFrame:
    """The findings the serial engine wrote at each synthetic size (rows that recorded them), and
    the findings per source: flat when the comparisons grow with the corpus, rising when they grow
    with its square.

    >>> r = pd.DataFrame({"benchmark": ["pipeline-synthetic"] * 2, "size_factor": [10, 100],
    ...                   "sources": [50, 500], "findings": [1000, 100000]})
    >>> findings_growth(r)["per_source"].tolist()
    [20.0, 200.0]
    """
    if "findings" not in results.columns:
        return pd.DataFrame(columns=["size_factor", "sources", "findings", "per_source"])
    rows = results[(results["benchmark"] == "pipeline-synthetic") & results["findings"].notna()]
    rows = rows[rows["findings"].astype(str) != ""].sort_values("size_factor")
    frame = rows[["size_factor", "sources", "findings"]].astype(int).reset_index(drop=True)
    frame["per_source"] = frame["findings"] / frame["sources"]
    return frame


def growth_exponent(sizes: list[float], counts: list[float]) -> float:
    """The exponent k of ``count ∝ size**k`` from the smallest and the largest size (1: linear,
    2: quadratic); NaN with fewer than two sizes.

    >>> round(growth_exponent([10, 100], [1000, 100000]), 2), round(growth_exponent([10, 100], [5, 50]), 2)
    (2.0, 1.0)
    """
    if len(sizes) < 2 or sizes[0] == sizes[-1]:
        return math.nan
    return math.log(counts[-1] / counts[0]) / math.log(sizes[-1] / sizes[0])
