"""The data pipeline: verified raw sources → every file in ``data/processed/``.

``python -m sonla.pipeline`` (or ``make data``) verifies the manifest and every
raw file's sha256 first; nothing is written unless every source verifies. Every
stage then runs in memory; only when all of them have succeeded are the outputs
written, each atomically (temporary file, then rename) and only when its bytes
change, so a failing stage loses nothing and an unchanged rebuild touches no file.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import config
from .datapackage import check_tables, stage_datapackage
from .engine.cluster import run_on_dask
from .errors import SonlaError
from .extract.claims import stage_claims
from .extract.profiles import stage_profiles
from .fidelity.measures import stage_alignment
from .io import write_bytes_atomic
from .parts import DOCUMENT, ROWS, SOURCE, Split
from .reconcile.partitions import FINDINGS_ACROSS
from .reconcile.stage import stage_findings
from .sources import Source, load_sources

__all__ = ["Stage", "STAGES", "encode", "run_stages", "run_pipeline", "write_if_changed"]


def encode(content: object) -> bytes:
    """The bytes an output is published as: a DataFrame as CSV (UTF-8, no index, ``\\n``), text as UTF-8."""
    if isinstance(content, pd.DataFrame):
        content = content.to_csv(index=False, lineterminator="\n")
    if isinstance(content, str):
        content = content.encode("utf-8")
    if not isinstance(content, bytes):
        raise SonlaError(f"an output must be a DataFrame, text or bytes, not {type(content).__name__}")
    return content


def write_if_changed(path: Path, data: bytes | str | pd.DataFrame) -> bool:
    """Atomically write ``data`` unless the file already holds exactly these bytes."""
    data = encode(data)
    path = Path(path)
    if path.is_file() and path.read_bytes() == data:
        return False
    write_bytes_atomic(path, data)
    return True


@dataclass(frozen=True)
class Stage:
    """One step of the pipeline: ``run(sources, inputs)`` → ``{file name in data/processed: content}``.

    ``reads`` names the earlier outputs the stage needs (``inputs`` holds exactly those), or is
    ``ALL`` for a stage that looks at every earlier output; content is a DataFrame (written as
    CSV), str or bytes. A stage is a function of the verified sources and its inputs only, so it
    can run wherever they are (per source, per copy pair or on the whole corpus). A stage that
    reads ``published`` inputs gets them as the bytes that will be written (:func:`encode`, done
    once per output), so that what it checks is exactly what is published.

    ``split`` says how the stage's work divides (per source, per document, across documents
    partitioned by what it compares: :mod:`sonla.parts`), so that an engine that spreads the work
    (:mod:`sonla.engine`, Dask) can run it as many tasks; without it the stage runs whole.
    """

    name: str
    run: Callable[[list[Source], dict[str, object]], dict[str, object]]
    reads: tuple[str, ...] | None = ()
    published: bool = False
    split: Split | None = None


ALL = None  # Stage.reads for a stage that reads every earlier output

# The stages in the order they run. The data package runs last: it validates and describes
# everything the others produced, before anything is written.
STAGES: list[Stage] = [
    Stage("profiles", stage_profiles, split=Split(SOURCE)),
    Stage("claims", stage_claims, split=Split(SOURCE)),
    Stage("findings", stage_findings, reads=("claims.csv",), split=Split(DOCUMENT, FINDINGS_ACROSS)),
    Stage("alignment", stage_alignment, split=Split(DOCUMENT)),
    Stage("datapackage", stage_datapackage, reads=ALL, published=True,
          split=Split(ROWS, run_part=check_tables)),
]
ENGINES = ("serial", "dask")


@contextmanager
def fewer_collections(threshold: int = 100_000) -> Iterator[None]:
    """Run the stages with the cyclic garbage collector triggered less often.

    The stages allocate millions of small objects that live until the outputs are
    written; at the default threshold (700 allocations) the collector rescans them
    again and again, a cost that grows faster than the corpus (measured by ``make bench``).
    Objects alive before the stages (modules, the sources) are frozen out of those scans.
    Reference counting still frees everything promptly; only cycles wait longer.
    """
    old = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(threshold, *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)
        gc.unfreeze()


def run_stages(sources: list[Source], timings: dict[str, float] | None = None,
               published: dict[str, bytes] | None = None,
               progress: Callable[[str, float], None] | None = None) -> dict[str, object]:
    """Run every stage in memory; return all outputs ``{file name: content}``.

    ``timings``, if given, receives the seconds each stage took (by stage name); ``published``
    receives the bytes of the outputs that were encoded for a stage that reads published inputs
    (the writer reuses them); ``progress`` is called with each stage's name and seconds as it
    ends. Raises :class:`SonlaError` if two stages claim the same output file.
    """
    results: dict[str, object] = {}
    published = {} if published is None else published
    with fewer_collections():
        for stage in STAGES:
            started = time.perf_counter()
            inputs = _inputs(stage, results)
            if stage.published:
                for name, content in inputs.items():
                    if name not in published:
                        published[name] = encode(content)
                inputs = {name: published[name] for name in inputs}
            outputs = stage.run(sources, inputs)
            clash = sorted(set(outputs) & set(results))
            if clash:
                raise SonlaError(f"stage {stage.name!r} writes {', '.join(clash)}, "
                                 "already written by an earlier stage")
            results.update(outputs)
            if timings is not None:
                timings[stage.name] = time.perf_counter() - started
            if progress is not None:
                progress(stage.name, time.perf_counter() - started)
    return results


def _inputs(stage: Stage, results: dict[str, object]) -> dict[str, object]:
    """What ``stage`` declared it reads; :class:`SonlaError` if an earlier stage did not write it."""
    if stage.reads is ALL:
        return dict(results)
    missing = [name for name in stage.reads if name not in results]
    if missing:
        raise SonlaError(f"stage {stage.name!r} reads {', '.join(missing)}, which no earlier stage wrote")
    return {name: results[name] for name in stage.reads}


def run_pipeline(raw_dir: Path | None = None, out_dir: Path | None = None,
                 verbose: bool = True, engine: str = "serial", scheduler: str | None = None,
                 workers: int | None = None, stats: dict[str, object] | None = None) -> dict[str, bool]:
    """Verify the sources, run every stage, return {output path: whether it changed}.

    Nothing is written until every source has verified and every stage has
    succeeded; a failure anywhere leaves ``out_dir`` exactly as it was. ``engine="dask"``
    runs the stages on a Dask cluster (:mod:`sonla.engine`: a LocalCluster of ``workers``
    processes, or the cluster whose scheduler is at ``scheduler``); the outputs are the same bytes.
    ``stats`` receives the seconds of each stage (or step) and, on Dask, the workers' peak memory.
    """
    raw_dir = Path(raw_dir or config.RAW_DIR)
    out_dir = Path(out_dir or config.PROCESSED_DIR)
    started = time.perf_counter()
    if engine not in ENGINES:
        raise SonlaError(f"engine {engine!r} is not one of {', '.join(ENGINES)}")
    timings: dict[str, float] = {}
    published: dict[str, bytes] = {}
    if engine == "dask":
        sources, results, timings = run_on_dask(
            STAGES, raw_dir / "sources.csv", raw_dir, scheduler, workers, progress=verbose, stats=stats)
        if verbose:
            print(f"data: {len(sources)} sources verified and processed on Dask", flush=True)
    else:
        sources = load_sources(raw_dir / "sources.csv", raw_dir)
        if stats is not None:
            stats["verify"] = time.perf_counter() - started
        if verbose:
            size = sum(len(s.text.encode("utf-8")) for s in sources) / 1e6
            print(f"data: verified {len(sources)} sources ({size:.2f} MB) in {raw_dir} "
                  f"({time.perf_counter() - started:.2f} s)", flush=True)
        results = run_stages(sources, timings, published, progress=_print_stage if verbose else None)
    if stats is not None:
        stats["timings"] = timings
    if verbose and engine == "dask":
        for name, seconds in timings.items():
            print(f"  {name:<16} {seconds:6.2f} s", flush=True)
    written = time.perf_counter()
    changed = {str(out_dir / name): write_if_changed(out_dir / name, published.get(name, content))
               for name, content in results.items()}
    if stats is not None:
        stats["write"] = time.perf_counter() - written
    if verbose:
        for path, was_changed in changed.items():
            print(f"  {'written  ' if was_changed else 'unchanged'} {path}", flush=True)
        print(f"data: {sum(changed.values())} of {len(changed)} files changed "
              f"in {time.perf_counter() - started:.2f} s", flush=True)
    return changed


def _print_stage(name: str, seconds: float) -> None:
    print(f"  stage {name:<14} {seconds:6.2f} s", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build data/processed/ from the verified raw sources.")
    parser.add_argument("--raw", type=Path, default=config.RAW_DIR, help="folder with sources.csv")
    parser.add_argument("--out", type=Path, default=config.PROCESSED_DIR, help="output folder")
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("--engine", choices=ENGINES, default="serial",
                        help="serial (default) or dask: a LocalCluster, or the cluster at --scheduler")
    parser.add_argument("--scheduler", default=None, metavar="tcp://HOST:PORT",
                        help="with --engine dask: the scheduler of a running Dask cluster")
    parser.add_argument("--workers", type=int, default=None,
                        help="with --engine dask, no --scheduler: worker processes (default: one per core)")
    args = parser.parse_args(argv)
    if (args.scheduler or args.workers) and args.engine != "dask":
        parser.error("--scheduler and --workers need --engine dask")
    try:
        run_pipeline(args.raw, args.out, verbose=not args.quiet, engine=args.engine,
                     scheduler=args.scheduler, workers=args.workers)
    except SonlaError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
