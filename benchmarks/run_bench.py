"""Benchmark the build and the data pipeline; write data/bench/*.csv and machine.json.

    .venv/bin/python benchmarks/run_bench.py            # everything (`make bench` runs this)
    .venv/bin/python benchmarks/run_bench.py --only pipeline --sizes 10 100

Timed with :func:`time.perf_counter`, each measurement repeated and summarised by its
median and minimum. Everything runs on temporary copies: the project is never touched,
except for the result files in ``data/bench/``.

What is measured:

* ``build-clean``: ``make book`` in a copy with no executed notebooks, no build manifest,
  no processed data and no HTML (pipeline, every notebook, HTML);
* ``build-noop``: ``make book`` again with nothing changed;
* ``build-one-template``: ``make book`` after one sentence of one template changed
  (that notebook re-executes, the HTML is rebuilt);
* ``pipeline-5-sources``: the data pipeline on the five sources, in process and as the
  command ``python -m sonla.pipeline`` (interpreter start and imports included);
* ``pipeline-synthetic``: the pipeline on synthetic corpora of N× the sources, made by
  perturbing the real texts (paragraphs shuffled, digits changed, new source ids), with
  the time per megabyte, the time of each stage and the peak memory of the process. A size
  whose predicted time exceeds ``--budget`` seconds is measured on a sample of its sources and
  marked ``projected``; a size whose repeats would exceed it is run fewer times;
* ``pipeline-dask``: the same corpora (``--engine-sizes``) on the Dask engine, a LocalCluster of
  one and of two workers (``--workers``): wall time, the busy seconds of each stage summed over
  the workers, and the peak memory of every worker and of the client;
* ``pipeline-single-source``: the pipeline on one source of 1×, 8× and 32× the report
  (``--single-sizes``; perturbed copies of the report joined into one text): a long source must
  cost the same per MB as a short one.

Every corpus run is a child process (``--child``), so that its peak memory is its own. The
machine's parallel capacity is measured too (``parallel_throughput`` in machine.json: what two
busy processes get done against one), since it bounds what a second worker can give.
"""

from __future__ import annotations

import argparse
import compileall
import csv
import gc
import hashlib
import json
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sonla import config, datapackage, pipeline
from sonla.sources import REQUIRED_FIELDS, load_sources, read_manifest

OUT_DIR = config.ROOT / "data" / "bench"
RESULT_COLUMNS = ["benchmark", "size_factor", "sources", "megabytes", "repeats", "seconds_median",
                  "seconds_min", "cpu_seconds_min", "seconds_per_mb", "seconds_per_mb_min",
                  "cpu_seconds_per_mb_min", "load_average", "projected", "engine", "workers",
                  "peak_memory_mb", "client_memory_mb", "findings", "note"]
STAGE_COLUMNS = ["engine", "size_factor", "sources", "megabytes", "stage", "seconds", "seconds_per_mb",
                 "projected"]
COPY_PARTS = (*config.BOOK_PARTS, "src")


# --- machine -------------------------------------------------------------------------------------


def machine_info() -> dict[str, object]:
    """CPU model, logical cores, RAM, Python and OS: what a reader needs to weigh the numbers."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = 0.0
    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        pass
    return {
        "cpu_model": cpu,
        "logical_cores": os.cpu_count(),
        "ram_gib": round(ram, 1),
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
        "measured_on": time.strftime("%Y-%m-%d", time.gmtime()),
        "load_average_at_end": load_average(),
    }


BUSY = "import time\nt=time.perf_counter()\nx=0\nfor i in range({n}): x+=i\nprint(time.perf_counter()-t)"


def parallel_throughput(iterations: int = 60_000_000) -> float:
    """What two busy Python processes get done at once, against one alone (2.0: two real cores).

    A virtual machine's second core may be a share of one (throttled, or a hyperthread): then no
    engine can run two workers twice as fast as one, and the benchmark says so.
    """
    command = [sys.executable, "-c", BUSY.format(n=iterations)]
    alone = float(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
    both = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    together = max(float(p.communicate()[0]) for p in both)
    return round(2 * alone / together, 2)


# --- helpers -------------------------------------------------------------------------------------


def load_average() -> float:
    """The one-minute load average (other work on the machine slows every measurement)."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return float("nan")


class Timing(list):
    """Wall seconds of each repeat, with the CPU seconds of this process beside them."""

    def __init__(self) -> None:
        super().__init__()
        self.cpu: list[float] = []
        self.loads: list[float] = []


def cpu_seconds() -> float:
    """CPU seconds used so far by this process and by its finished children (make, kernels, ...)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def timed(function, repeats: int) -> Timing:
    """Seconds taken by ``function()`` in each of ``repeats`` calls (wall, and CPU with children)."""
    times = Timing()
    for _ in range(repeats):
        times.loads.append(load_average())
        started, cpu = time.perf_counter(), cpu_seconds()
        function()
        times.append(time.perf_counter() - started)
        times.cpu.append(cpu_seconds() - cpu)
    return times


def row(benchmark: str, times: list[float], size_factor: int = 0, sources: int = 0,
        megabytes: float = 0.0, projected: bool = False, note: str = "",
        cpu: list[float] | None = None, loads: list[float] | None = None) -> dict[str, object]:
    """One results row. CPU seconds count this process and the child processes it waited for."""
    cpu = cpu if cpu is not None else getattr(times, "cpu", None)
    loads = loads if loads is not None else getattr(times, "loads", None)
    median = statistics.median(times)
    cpu_min = min(cpu) if cpu else None
    return {
        "benchmark": benchmark, "size_factor": size_factor, "sources": sources,
        "megabytes": round(megabytes, 3), "repeats": len(times), "seconds_median": round(median, 4),
        "seconds_min": round(min(times), 4),
        "cpu_seconds_min": round(cpu_min, 4) if cpu_min is not None else "",
        "seconds_per_mb": round(median / megabytes, 5) if megabytes else "",
        "seconds_per_mb_min": round(min(times) / megabytes, 5) if megabytes else "",
        "cpu_seconds_per_mb_min": round(cpu_min / megabytes, 5) if megabytes and cpu_min is not None else "",
        "load_average": round(statistics.median(loads), 2) if loads else "",
        "projected": projected, "engine": "serial", "workers": 1, "peak_memory_mb": "",
        "client_memory_mb": "", "findings": "", "note": note,
    }


def say(message: str) -> None:
    print(f"bench: {message}", flush=True)


# --- the build ----------------------------------------------------------------------------------


def copy_for_build(target: Path) -> Path:
    """A copy of the project with the virtual environment linked, ready for `make book`."""
    for part in COPY_PARTS:
        source = config.ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part,
                            ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", ".ipynb_checkpoints"))
        elif source.is_file():
            shutil.copy2(source, target / part)
    (target / ".venv").symlink_to(config.ROOT / ".venv")
    return target


def make_book(root: Path, jobs: int) -> None:
    # PYTHONPATH: the copy imports its own package, not the one the linked environment was
    # installed from (the Makefile's `venv` refuses an environment that imports another checkout).
    env = dict(os.environ, SONLA_ROOT=str(root), SOURCE_DATE_EPOCH="0", PYTHONHASHSEED="0",
               PYTHONPATH=str(root / "src"))
    # -o: the linked environment is current; never reinstall it from the copy.
    command = ["make", "--no-print-directory", "-o", ".venv/.installed", "book", f"JOBS={jobs}"]
    result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"make book failed in {root}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")


def make_clean(root: Path) -> None:
    """Remove every built thing: executed notebooks, build manifest, processed data, HTML."""
    from sonla.build.runner import load_runs

    for run in load_runs(root / "notebooks" / "runs.yml"):
        (root / run.output).unlink(missing_ok=True)
    (root / "book" / "build-manifest.json").unlink(missing_ok=True)
    shutil.rmtree(root / "_build", ignore_errors=True)
    shutil.rmtree(root / "data" / "processed", ignore_errors=True)


def touch_template(root: Path, count: int) -> None:
    """Change one sentence of the introduction's template (a new sentence each time)."""
    import nbformat

    path = root / "notebooks" / "00-introduction.ipynb"
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "markdown")
    cell.source = re.sub(r"\n\n\(bench edit \d+\)$", "", cell.source) + f"\n\n(bench edit {count})"
    nbformat.write(nb, path)


def bench_build(repeats: int, jobs: int) -> list[dict[str, object]]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="sonla-bench-build-") as tmp:
        root = copy_for_build(Path(tmp) / "project")
        clean = Timing()
        for number in range(repeats):
            make_clean(root)
            one_run = timed(lambda: make_book(root, jobs), 1)
            clean += one_run
            clean.loads += one_run.loads
            clean.cpu += one_run.cpu
            say(f"clean build {number + 1}/{repeats}: {clean[-1]:.1f} s")
        notebooks = len(json.loads((root / "book/build-manifest.json").read_text()))
        rows.append(row("build-clean", clean,
                        note=f"make book JOBS={jobs}; {notebooks} notebooks + HTML"))
        noop = timed(lambda: make_book(root, jobs), max(repeats, 5))
        say(f"no-op build: median {statistics.median(noop):.2f} s")
        rows.append(row("build-noop", noop, note="make book with nothing changed"))
        one = Timing()
        for number in range(repeats):
            touch_template(root, number)
            one_run = timed(lambda: make_book(root, jobs), 1)
            one += one_run
            one.loads += one_run.loads
            one.cpu += one_run.cpu
            say(f"one-template rebuild {number + 1}/{repeats}: {one[-1]:.1f} s")
        rows.append(row("build-one-template", one,
                        note="make book after one sentence of notebooks/00-introduction.ipynb changed"))
    return rows


# --- the pipeline --------------------------------------------------------------------------------


def bench_pipeline_sources(repeats: int) -> list[dict[str, object]]:
    sources = load_sources()
    megabytes = sum(len(s.text.encode("utf-8")) for s in sources) / 1e6
    rows = []
    with tempfile.TemporaryDirectory(prefix="sonla-bench-pipe-") as tmp:
        out = Path(tmp) / "processed"
        pipeline.run_pipeline(out_dir=out, verbose=False)  # warm-up: imports, first write
        inproc = timed(lambda: pipeline.run_pipeline(out_dir=Path(tmp) / "p", verbose=False), repeats)
        rows.append(row("pipeline-5-sources", inproc, 1, len(sources), megabytes,
                        note="run_pipeline() in process: verify + every stage + write"))
        env = dict(os.environ, SOURCE_DATE_EPOCH="0")
        command = [sys.executable, "-m", "sonla.pipeline", "--quiet", "--out", str(out)]
        cli = timed(lambda: subprocess.run(command, env=env, check=True), repeats)
        rows.append(row("pipeline-5-sources-cli", cli, 1, len(sources), megabytes,
                        note="python -m sonla.pipeline: interpreter start and imports included; "
                             "outputs unchanged: tables validated in the last build not validated again"))

        def cold() -> None:  # every table validated again, as after a change of every output
            datapackage.VALIDATED.unlink(missing_ok=True)
            subprocess.run(command, env=env, check=True)

        cold_cli = timed(cold, repeats)
        rows.append(row("pipeline-5-sources-cli-cold", cold_cli, 1, len(sources), megabytes,
                        note="the same command with every table validated (no digests of the last build)"))
    say(f"pipeline on the five sources: {statistics.median(inproc):.3f} s in process, "
        f"{statistics.median(cli):.3f} s as a command, {statistics.median(cold_cli):.3f} s validating all")
    return rows


PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def perturb(text: str, rng: random.Random) -> str:
    """A new text like ``text``: its paragraphs (or lines) shuffled, about a third of its digits changed."""
    blocks = PARAGRAPH_BREAK.split(text)
    separator = "\n\n"
    if len(blocks) < 4:
        blocks, separator = text.split("\n"), "\n"
    rng.shuffle(blocks)
    digits = "0123456789"

    def digit(match: re.Match) -> str:
        return rng.choice(digits) if rng.random() < 0.33 else match.group()

    return re.sub(r"\d", digit, separator.join(blocks))


def make_corpus(raw_dir: Path, factor: int, sample: int | None = None, seed: int = 2025) -> tuple[int, float]:
    """Write ``factor`` perturbed copies of every source and their manifest into ``raw_dir``.

    With ``sample``, only that many copies (of every source) are written. Returns
    (number of sources, megabytes of text).
    """
    raw_dir.mkdir(parents=True, exist_ok=True)
    rows, total = [], 0
    originals = [(r, (config.RAW_DIR / r["file"]).read_text(encoding="utf-8")) for r in read_manifest()]
    copies = range(factor) if sample is None else random.Random(seed).sample(range(factor), sample)
    for copy in sorted(copies):
        for manifest_row, text in originals:
            rng = random.Random(f"{seed}-{copy}-{manifest_row['source_id']}")
            data = perturb(text, rng).encode("utf-8")
            source_id = f"{manifest_row['source_id']}-x{copy:04d}"
            name = f"{source_id}.txt"
            (raw_dir / name).write_bytes(data)
            total += len(data)
            rows.append({**{f: manifest_row[f] for f in REQUIRED_FIELDS}, "source_id": source_id,
                         "file": name, "sha256": hashlib.sha256(data).hexdigest(),
                         "document_id": f"{manifest_row['document_id']}-x{copy:04d}", "notes": ""})
    with (raw_dir / "sources.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, [*REQUIRED_FIELDS, "notes"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows), total / 1e6


def make_single_source(raw_dir: Path, copies: int, seed: int = 2025) -> tuple[int, float]:
    """One source: ``copies`` perturbed copies of the report joined into one text (a long report).

    Returns (1, megabytes of text).
    """
    raw_dir.mkdir(parents=True, exist_ok=True)
    manifest_row = next(r for r in read_manifest() if r["source_id"] == "report")
    text = (config.RAW_DIR / manifest_row["file"]).read_text(encoding="utf-8")
    data = "\n\n".join(perturb(text, random.Random(f"{seed}-{n}")) for n in range(copies)).encode("utf-8")
    source_id = f"report-long-x{copies:03d}"
    (raw_dir / f"{source_id}.txt").write_bytes(data)
    row = {**{f: manifest_row[f] for f in REQUIRED_FIELDS}, "source_id": source_id,
           "file": f"{source_id}.txt", "sha256": hashlib.sha256(data).hexdigest(),
           "document_id": source_id, "notes": ""}
    with (raw_dir / "sources.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, [*REQUIRED_FIELDS, "notes"], lineterminator="\n")
        writer.writeheader()
        writer.writerow(row)
    return 1, len(data) / 1e6


def child(spec: dict) -> None:
    """In a child process: run the pipeline once and print its measurements as one JSON line."""
    stats: dict[str, object] = {}
    started, cpu = time.perf_counter(), time.process_time()
    pipeline.run_pipeline(Path(spec["raw"]), Path(spec["out"]), verbose=False, engine=spec["engine"],
                          workers=spec.get("workers"), stats=stats)
    stats["seconds"] = time.perf_counter() - started
    stats["cpu"] = time.process_time() - cpu
    stats["findings"] = count_rows(Path(spec["out"]) / "findings.csv")
    print(json.dumps(stats, default=float))


def count_rows(path: Path) -> int:
    """The data rows of a CSV file (quoted fields may hold new lines)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def _run_and_wait(raw: Path, out: Path, engine: str, workers: int | None) -> dict:
    """Run the pipeline on a corpus in a child process (:func:`child`): its measurements, and the
    peak memory of that one child in MB (``os.wait4``; a LocalCluster's workers report theirs)."""
    spec = json.dumps({"raw": str(raw), "out": str(out), "engine": engine, "workers": workers})
    env = dict(os.environ, SOURCE_DATE_EPOCH="0", PYTHONHASHSEED="0")
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen([sys.executable, __file__, "--child", spec], stdout=stdout,
                                   stderr=stderr, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        stdout.seek(0)
        stderr.seek(0)
        if process.returncode != 0:
            raise RuntimeError(f"pipeline on {raw} ({engine}) failed:\n{stderr.read().decode()[-3000:]}")
        result = json.loads(stdout.read().decode().strip().splitlines()[-1])
    result["client_mb"] = usage.ru_maxrss / 1024
    return result


ENGINE_STEPS = ("connect", "per document", "findings across", "combine", "write", "total")


def _stage_rows(engine: str, factor: int, sources: int, megabytes: float, full_mb: float, run: dict,
                projected: bool) -> list[dict]:
    """Seconds of each step of one run: the stages (serial), or the wall steps and the busy
    seconds of each stage summed over the workers (Dask, as ``worker: <stage>``)."""
    steps: dict[str, float] = {}
    if engine.startswith("serial"):
        steps["verify"] = float(run.get("verify", 0.0))
        steps.update({k: float(v) for k, v in run["timings"].items()})
        steps["write"] = float(run["write"])
    else:
        steps.update({k: float(v) for k, v in run["timings"].items() if k != "total"})
        steps["write"] = float(run["write"])
        steps.update({f"worker: {k}" if k != "cpu" else "worker CPU": float(v)
                      for k, v in run["stage_seconds"].items()})
    steps["total"] = float(run["seconds"])
    scale = full_mb / megabytes
    return [{"engine": engine, "size_factor": factor, "sources": sources, "megabytes": round(full_mb, 3),
             "stage": stage, "seconds": round(seconds * scale, 4),
             "seconds_per_mb": round(seconds / megabytes, 5), "projected": projected}
            for stage, seconds in steps.items()]


def _engines(workers: list[int]) -> list[tuple[str, int | None]]:
    return [("serial", None)] + [("dask", n) for n in workers]


def bench_synthetic(sizes: list[int], budget: float, repeats: int, per_mb_guess: float,
                    engine_sizes: list[int] = (), workers: list[int] = ()) -> tuple[list[dict], list[dict]]:
    """Time the pipeline on each synthetic size; the repeats are interleaved across sizes.

    Every corpus is generated first; then each repeat runs every size in turn, so
    that a change in the machine's load touches all sizes alike. A size whose
    predicted time (``per_mb_guess`` × its MB × 2) exceeds ``budget`` is run on a
    sample of its copies and marked projected; a size whose repeats would exceed it is run
    fewer times (at least once). The sizes in ``engine_sizes`` are also run on the Dask
    engine with each number of ``workers`` (in full, never sampled).
    """
    base_mb = sum((config.RAW_DIR / r["file"]).stat().st_size for r in read_manifest()) / 1e6
    rows, stage_rows = [], []
    with tempfile.TemporaryDirectory(prefix="sonla-bench-corpora-") as tmp:
        corpora = {}
        for factor in sorted(set(sizes) | set(engine_sizes)):
            sample = None
            if factor not in engine_sizes and 2 * per_mb_guess * base_mb * factor > budget:
                sample = max(1, min(factor, int(budget / (2 * per_mb_guess * base_mb))))
                sample = None if sample >= factor else sample
            started = time.perf_counter()
            raw = Path(tmp) / f"{factor}x" / "raw"
            count, megabytes = make_corpus(raw, factor, sample)
            engines = len(_engines(workers if factor in engine_sizes else []))
            predicted = 1.5 * per_mb_guess * megabytes * engines  # every engine, once
            runs_of_size = max(1, min(repeats, int(budget // max(predicted, 1e-9))))
            corpora[factor] = (raw, count, megabytes, sample, runs_of_size)
            sampled = f" (a sample of {sample} copies)" if sample else ""
            say(f"{factor}x corpus: {count} sources, {megabytes:.1f} MB generated in "
                f"{time.perf_counter() - started:.1f} s{sampled}; {runs_of_size} run(s) of each engine")
        runs: dict[tuple, list[dict]] = {}
        loads: dict[tuple, list[float]] = {}
        for number in range(repeats):
            for factor, (raw, _count, megabytes, _sample, runs_of_size) in corpora.items():
                if number >= runs_of_size:
                    continue
                for engine, count_workers in _engines(workers if factor in engine_sizes else []):
                    if factor not in sizes and engine == "serial" and factor not in engine_sizes:
                        continue
                    key = (factor, engine, count_workers)
                    gc.collect()
                    loads.setdefault(key, []).append(load_average())
                    shutil.rmtree(raw.parent / "out", ignore_errors=True)
                    run = _run_and_wait(raw, raw.parent / "out", engine, count_workers)
                    runs.setdefault(key, []).append(run)
                    label = engine if engine == "serial" else f"dask, {count_workers} worker(s)"
                    say(f"repeat {number + 1}, {factor}x, {label}: {run['seconds']:.1f} s, "
                        f"{run['seconds'] / megabytes:.4f} s/MB, load {loads[key][-1]:.1f}")
    for (factor, engine, count_workers), measured in runs.items():
        _raw, count, megabytes, sample, _ = corpora[factor]
        totals = [r["seconds"] for r in measured]
        projected = sample is not None
        note = (f"measured on a sample of {sample} of the {factor} copies ({count} sources); "
                "time per MB projected to the full size" if projected else "measured in full")
        full_mb = megabytes * factor / sample if projected else megabytes
        sources = count * factor // sample if projected else count
        benchmark = "pipeline-synthetic" if engine == "serial" else "pipeline-dask"
        # CPU: the process's own; on Dask, the client's and every worker's task time added
        cpu = [r["cpu"] + float(r.get("stage_seconds", {}).get("cpu", 0.0)) for r in measured]
        result = row(benchmark, totals, factor, sources, megabytes, projected, note, cpu=cpu,
                     loads=loads[(factor, engine, count_workers)])
        result["engine"], result["workers"] = engine, count_workers or 1
        result["client_memory_mb"] = round(max(r["client_mb"] for r in measured), 1)
        result["findings"] = "" if projected else measured[0]["findings"]
        if engine == "serial":
            result["peak_memory_mb"] = result["client_memory_mb"]
            result["client_memory_mb"] = ""
        else:
            result["peak_memory_mb"] = round(max(v for r in measured for v in r["peak_memory"].values())
                                             / 2**20, 1)
            result["note"] = (f"LocalCluster of {count_workers} single-threaded worker process(es); "
                              "cluster start included; CPU: client and workers' tasks; "
                              "peak_memory_mb: the largest worker's")
        if projected:
            result["megabytes"] = round(full_mb, 3)
            for column in ("seconds_median", "seconds_min", "cpu_seconds_min"):
                if result[column] != "":
                    result[column] = round(float(result[column]) * full_mb / megabytes, 4)
        rows.append(result)
        best_run = min(measured, key=lambda r: r["seconds"])
        name = engine if engine == "serial" else f"dask-{count_workers}"
        stage_rows += _stage_rows(name, factor, sources, megabytes, full_mb, best_run, projected)
        flag = " (projected from a sample)" if projected else ""
        say(f"{factor}x, {name}: best {min(totals) / megabytes:.4f} s/MB, median "
            f"{statistics.median(totals) / megabytes:.4f} s/MB{flag}")
    return rows, stage_rows


def bench_single(sizes: list[int], repeats: int) -> tuple[list[dict], list[dict]]:
    """The serial pipeline on one long source of each size (× the report)."""
    rows, stage_rows = [], []
    with tempfile.TemporaryDirectory(prefix="sonla-bench-single-") as tmp:
        for copies in sizes:
            raw = Path(tmp) / f"{copies}x" / "raw"
            _, megabytes = make_single_source(raw, copies)
            measured, loads = [], []
            for _ in range(repeats):
                loads.append(load_average())
                shutil.rmtree(raw.parent / "out", ignore_errors=True)
                measured.append(_run_and_wait(raw, raw.parent / "out", "serial", None))
            totals = [r["seconds"] for r in measured]
            result = row("pipeline-single-source", totals, copies, 1, megabytes,
                         note=f"one source of {copies} perturbed copies of the report, serial engine",
                         cpu=[r["cpu"] for r in measured], loads=loads)
            result["peak_memory_mb"] = round(max(r["client_mb"] for r in measured), 1)
            result["findings"] = measured[0]["findings"]
            rows.append(result)
            best = min(measured, key=lambda r: r["seconds"])
            for stage in _stage_rows("serial-single", copies, 1, megabytes, megabytes, best, False):
                stage_rows.append(stage)
            say(f"one source of {copies}x the report ({megabytes:.2f} MB): best "
                f"{min(totals) / megabytes:.4f} s/MB")
    return rows, stage_rows


# --- output --------------------------------------------------------------------------------------


def merge_rows(path: Path, columns: list[str], new: list[dict], key: tuple[str, ...],
               replace: tuple[str, ...] | None = None) -> None:
    """Replace the rows of ``path`` that ``new`` re-measured (same ``replace`` key); keep the others.

    Rows are sorted by ``key``.
    """
    replace = replace or key
    old = []
    if path.is_file():
        with path.open(encoding="utf-8", newline="") as handle:
            old = list(csv.DictReader(handle))
    defaults = {"engine": "serial", "workers": "1"}  # rows written before these columns existed
    old = [{c: (r.get(c) if r.get(c) not in (None, "") else defaults.get(c, r.get(c, ""))) for c in columns}
           for r in old]
    fresh = {tuple(str(r[k]) for k in replace) for r in new}
    kept = [r for r in old if tuple(str(r[k]) for k in replace) not in fresh]
    rows = sorted(kept + new, key=lambda r: tuple(str(r[k]).zfill(8) for k in key))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parts = ["build", "pipeline", "synthetic", "single"]
    parser.add_argument("--only", nargs="*", choices=parts, default=parts)
    # Not 1,000× by default: every copy of the corpus speaks of the same places, so the findings
    # between documents grow with the square of the copies (the `findings` column; see the
    # "Beyond one machine" appendix): at 1,000× they would not fit in memory.
    parser.add_argument("--sizes", nargs="*", type=int, default=[10, 30, 100],
                        help="synthetic corpora run on the serial engine (× the sources)")
    parser.add_argument("--engine-sizes", nargs="*", type=int, default=[30, 100],
                        help="synthetic corpora also run on the Dask engine")
    parser.add_argument("--workers", nargs="*", type=int, default=[1, 2],
                        help="LocalCluster sizes for --engine-sizes (default: 1 and 2 workers)")
    parser.add_argument("--single-sizes", nargs="*", type=int, default=[1, 8, 32],
                        help="one source of this many times the report")
    parser.add_argument("--repeats", type=int, default=3, help="repeats of every measurement (default 3)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    parser.add_argument("--budget", type=float, default=float(os.environ.get("BENCH_BUDGET", 1200)),
                        help="seconds one synthetic size may take before it is sampled (default 1200)")
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(json.loads(args.child))
        return 0
    results_path, stages_path = args.out / "results.csv", args.out / "stages.csv"
    (args.out).mkdir(parents=True, exist_ok=True)
    # The package's bytecode written first, as an installed package has it: where Python may not
    # write it (PYTHONDONTWRITEBYTECODE), every run would otherwise compile the changed modules again.
    compileall.compile_dir(str(Path(pipeline.__file__).parent), quiet=1)
    info = machine_info()
    info["parallel_throughput"] = parallel_throughput()
    say(f"two busy processes get {info['parallel_throughput']:.2f}x the work of one done on this machine")
    (args.out / "machine.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    per_mb_guess = 0.5
    result_key = ("benchmark", "size_factor", "workers")
    stage_key = ("engine", "size_factor", "stage")
    # Each part is saved as soon as it is measured: a later failure keeps what was measured.
    if "pipeline" in args.only:
        rows = bench_pipeline_sources(max(args.repeats, 5))
        per_mb_guess = float(rows[0]["seconds_per_mb"])
        merge_rows(results_path, RESULT_COLUMNS, rows, result_key)
    if "single" in args.only:
        rows, stage_rows = bench_single(args.single_sizes, args.repeats)
        merge_rows(results_path, RESULT_COLUMNS, rows, result_key)
        merge_rows(stages_path, STAGE_COLUMNS, stage_rows, stage_key, replace=("engine", "size_factor"))
    if "synthetic" in args.only:
        rows, stage_rows = bench_synthetic(args.sizes, args.budget, args.repeats, per_mb_guess,
                                           args.engine_sizes, args.workers)
        merge_rows(results_path, RESULT_COLUMNS, rows, result_key)
        merge_rows(stages_path, STAGE_COLUMNS, stage_rows, stage_key, replace=("engine", "size_factor"))
    if "build" in args.only:
        rows = bench_build(args.repeats, args.jobs)
        merge_rows(results_path, RESULT_COLUMNS, rows, result_key)
    info.update({k: v for k, v in machine_info().items() if k == "load_average_at_end"})
    (args.out / "machine.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    say(f"results in {args.out}/results.csv, stages.csv and machine.json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
