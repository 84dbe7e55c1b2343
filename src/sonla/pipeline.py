"""The data pipeline: verified raw sources → every file in ``data/processed/``.

``sonla data`` (``make data``; also ``python -m sonla.pipeline``) verifies the manifest and
every raw file's sha256 first; nothing is written unless every source verifies. It then runs
only when the outputs are not current (:func:`sonla.publish.data_is_current`: the raw data,
the pipeline's code and rules or the requirements changed, or an output is missing or not what
the last run wrote), or with ``--force``. Every stage runs in memory; only when all of them have
succeeded are the outputs published, as one set (:func:`sonla.publish.publish_outputs`: staged,
then renamed into place with ``datapackage.json`` last) and only the files whose bytes change,
so a failing stage loses nothing and an unchanged rebuild touches no file.
"""

from __future__ import annotations

import gc
import os

# The command, before numpy is first imported (by pandas): the pipeline does no linear algebra,
# so numpy's OpenBLAS need not start a thread per core as it loads (~0.07 s of CPU, taken from
# whatever else runs here; Dask's workers inherit it, one thread each). Only if not set already.
# Its imports make no garbage worth collecting: the collector waits until they are done.
if __name__ == "__main__":
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    gc.disable()

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import config, progress
from .console import ArgumentParser, exit_status, run_command
from .datapackage import check_tables, describe_outputs, stage_datapackage
from .engine.cluster import run_on_dask  # (Dask itself is imported only when its engine runs)
from .errors import SonlaError
from .extract.claims import stage_claims
from .extract.profiles import stage_profiles
from .fidelity.dependence import stage_dependence
from .fidelity.measures import stage_alignment
from .io import write_bytes_atomic
from .parts import DOCUMENT, ROWS, SOURCE, Split
from .publish import (
    DATA_HELP,
    ENGINES,
    add_data_arguments,
    check_engine_arguments,
    prepare_run,
    publish_outputs,
    record_inputs,
    uses_own_folders,
)
from .reconcile.accuracy import stage_findings_accuracy
from .reconcile.partitions import FINDINGS_ACROSS
from .reconcile.stage import stage_findings
from .sources import Source
from .validity.stage import stage_validity

if __name__ == "__main__":
    gc.enable()

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
    # Cross-document: candidate pairs of documents from one shingle index, then one task per pair
    # (sonla.fidelity.dependence.dependence_tasks / pair_passages), gathered in a fixed order.
    Stage("dependence", stage_dependence),
    Stage("findings", stage_findings, reads=("claims.csv", "dependence.csv"),
          split=Split(DOCUMENT, FINDINGS_ACROSS, reads=("claims.csv",))),
    Stage("findings-validity", stage_findings_accuracy,
          reads=("claims.csv", "findings.csv", "dependence.csv")),
    Stage("alignment", stage_alignment, split=Split(DOCUMENT)),
    Stage("reading-validity", stage_validity, reads=("claims.csv",)),
    Stage("datapackage", stage_datapackage, reads=ALL, published=True,
          split=Split(ROWS, run_part=check_tables, gather=describe_outputs)),
]


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
               published: dict[str, bytes] | None = None) -> dict[str, object]:
    """Run every stage in memory; return all outputs ``{file name: content}``.

    ``timings``, if given, receives the seconds each stage took (by stage name); ``published``
    receives the bytes of the outputs that were encoded for a stage that reads published inputs
    (the writer reuses them). Raises :class:`SonlaError` if two stages claim the same output file.
    """
    results: dict[str, object] = {}
    published = {} if published is None else published
    with fewer_collections():
        for number, stage in enumerate(STAGES, start=1):
            started = time.perf_counter()
            inputs = _inputs(stage, results)
            if stage.published:
                for name, content in inputs.items():
                    if name not in published:
                        published[name] = encode(content)
                inputs = {name: published[name] for name in inputs}
            with progress.stage(stage.name, number, len(STAGES)):
                outputs = stage.run(sources, inputs)
            clash = sorted(set(outputs) & set(results))
            if clash:
                raise SonlaError(f"stage {stage.name!r} writes {', '.join(clash)}, "
                                 "already written by an earlier stage")
            results.update(outputs)
            if timings is not None:
                timings[stage.name] = time.perf_counter() - started
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
                 verbose: bool = True, force: bool = True, allow_empty: bool = False,
                 sources: list[Source] | None = None, engine: str = "serial", scheduler: str | None = None,
                 workers: int | None = None, stats: dict[str, object] | None = None) -> dict[str, bool]:
    """Verify the sources, run every stage, publish; return {output path: whether it changed}.

    Nothing is written until every source has verified and every stage has succeeded; a
    failure anywhere leaves ``out_dir`` exactly as it was. With ``force=False`` the stages run
    only when the outputs are not current (an empty dict is returned otherwise). A run that
    would empty a published table is refused unless ``allow_empty`` (see :mod:`sonla.publish`).
    ``sources``, already verified by :func:`sonla.publish.prepare_run`, saves verifying again.

    ``engine="dask"`` runs the stages on a Dask cluster (:mod:`sonla.engine`: a LocalCluster of
    ``workers`` processes, or the cluster whose scheduler is at ``scheduler``); the workers read
    and verify the raw files themselves, and the outputs are the same bytes. ``stats`` receives
    the seconds of each stage (or step) and, on Dask, the workers' peak memory.
    """
    raw_dir = Path(raw_dir or config.RAW_DIR)
    out_dir = Path(out_dir or config.PROCESSED_DIR)
    manifest = raw_dir / "sources.csv"
    started = time.perf_counter()
    if engine not in ENGINES:
        raise SonlaError(f"engine {engine!r} is not one of {', '.join(ENGINES)}")
    if sources is None:
        sources, needed = prepare_run(raw_dir, out_dir, verbose=verbose, force=force,
                                      keep_texts=engine == "serial")
        if not needed:
            return {}
    if stats is not None:
        stats["verify"] = time.perf_counter() - started
    timings: dict[str, float] = {}
    published: dict[str, bytes] = {}
    if engine == "dask":
        with fewer_collections():  # the client holds the gathered tables, as run_stages does
            _, outputs, timings = run_on_dask(STAGES, manifest, raw_dir, scheduler, workers,
                                              progress=verbose, stats=stats)
        if verbose:
            for name, seconds in timings.items():
                print(f"  {name:<16} {seconds:6.2f} s", flush=True)
    else:
        with progress.reporting("data", enabled=verbose):
            results = run_stages(sources, timings, published)
        if verbose:
            for name, seconds in timings.items():
                print(f"  stage {name:<14} {seconds:6.2f} s", flush=True)
        outputs = {name: published[name] if name in published else encode(content)
                   for name, content in results.items()}
    if stats is not None:
        stats["timings"] = timings
    written = time.perf_counter()
    status = publish_outputs(out_dir, outputs, allow_empty=allow_empty, manifest=manifest)
    if uses_own_folders(raw_dir, out_dir):
        record_inputs(manifest, raw_dir, out_dir)
    if stats is not None:
        stats["write"] = time.perf_counter() - written
    if verbose:
        for path, what in status.items():
            print(f"  {what:<9} {path}", flush=True)
        changed = sum(what != "unchanged" for what in status.values())
        print(f"data: {changed} of {len(status)} files changed "
              f"in {time.perf_counter() - started:.2f} s", flush=True)
    return {path: what != "unchanged" for path, what in status.items()}


def main(argv: list[str] | None = None) -> int:
    """``python -m sonla.pipeline`` (as ``sonla data``): build ``data/processed/`` when it is not current."""
    parser = ArgumentParser(prog="python -m sonla.pipeline", description=DATA_HELP)
    add_data_arguments(parser)
    args = parser.parse_args(argv)
    check_engine_arguments(parser, args)
    run_pipeline(args.raw, args.out, verbose=not args.quiet, force=args.force, allow_empty=args.allow_empty,
                 engine=args.engine, scheduler=args.scheduler, workers=args.workers)
    return 0


if __name__ == "__main__":
    raise SystemExit(exit_status(run_command(main)))
