"""Run the pipeline's stages on a Dask cluster: every core here, or a cluster of machines.

``python -m sonla.pipeline --engine dask`` (``make data ENGINE=dask``) starts a
``distributed.LocalCluster`` (one single-threaded worker process per core, ``--workers n``), or
connects to a running cluster (``--scheduler tcp://host:8786``; started with ``dask scheduler``
and ``dask worker``, see the README). Dask is imported only here, and only when this engine
runs: the serial engine never pays for it.

How the work is cut (each stage says it in its :class:`sonla.parts.Split`):

1. **Per batch of documents, one task each**: the workers read and verify the raw files of the
   batch themselves (sha256, UTF-8), then run every stage whose unit is a source or a document
   (profiles, claims, the alignment of copies, the findings within a document) on each unit of
   the batch, encode each table part as CSV rows and validate it (the data package's checks,
   :data:`~sonla.parts.ROWS`). The texts never travel and are dropped when the task ends: the
   corpus is streamed through the workers, never held at once. What such a stage's parts read
   must come from a stage before it in the same task.
2. **Then, on the client, the other stages in their order**: a stage without a split that reads
   no earlier output (the source dependence) has run whole on a worker since the start, beside the
   batches, reading and verifying the corpus itself; another stage without a split runs whole on
   the client (on the gathered tables and the texts, read and verified again: correct, only not
   spread: the validity studies); a stage that compares units
   (:class:`sonla.parts.Across`) has cut what each batch's documents offer into partitions (the
   reconciliation by concept), its ``share`` runs on the client (given the whole stages' outputs
   it reads, ``dependence.csv``), one task per group of partitions compares them on the
   workers, and its ``combine`` makes its outputs on the client.
3. **On the client**: the parts are put in manifest order (or combined and sorted as the stage
   sorts them), checked for primary keys repeated across parts, the tables made on the client
   checked on the workers in slices, the data package's descriptor made from the whole bytes
   (:data:`~sonla.parts.ROWS` ``gather``), and every output's bytes returned.
   :func:`sonla.pipeline.run_pipeline` publishes them exactly as after a serial run.

Failures: the first task that raises stops the run (the other tasks are cancelled) and its
error is raised here, naming the file (a bad source among thousands); a worker that dies is
replaced and its tasks are retried by the scheduler (``distributed.scheduler.allowed-failures``
times) before the run fails. Either way nothing is written unless every task succeeded.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import SonlaError
from ..parts import ROWS, Split
from ..sources import Source, load_sources, read_manifest, source_of
from .slices import Slice, assemble, chunks, encode_rows, keys_of, publish
from .tasks import part_reads, part_run, peak_memory, pick, run_across, run_batch, run_checks, run_whole

__all__ = ["Plan", "plan_stages", "run_on_dask", "connect", "batches_of", "MAX_BATCH_BYTES"]


# --- the plan ------------------------------------------------------------------------------------


@dataclass
class Plan:
    """The stages sorted by where they run: in the batch tasks (``batched``: split by source or
    document), as a check of every published slice (``checks``: :data:`~sonla.parts.ROWS`), and
    on the client in their order (``client``: the stages without a split, run whole, and the
    stages that compare units, for their step across)."""

    batched: list = field(default_factory=list)
    checks: list = field(default_factory=list)
    client: list = field(default_factory=list)


def plan_stages(stages: list) -> Plan:
    """Where each stage runs (see :class:`Plan`)."""
    plan = Plan()
    for stage in stages:
        split: Split | None = getattr(stage, "split", None)
        if split is not None and split.unit == ROWS:
            plan.checks.append(stage)
        elif split is not None and part_reads(stage) is not None:
            plan.batched.append(stage)
            if split.across is not None:
                plan.client.append(stage)
        else:
            plan.client.append(stage)
    return plan


def client_reads(stage) -> tuple[str, ...] | None:
    """What a stage reads on the client: all it reads when it runs whole, what its parts do not
    read when it compares units (for ``share`` and ``combine``)."""
    if stage.split is None or stage.split.across is None:
        return stage.reads
    return tuple(name for name in stage.reads if name not in part_reads(stage))


# A batch's text, at most: what one task holds at once (its memory), whatever the corpus.
MAX_BATCH_BYTES = 4_000_000
# The text whose observations one task across documents compares, about (see run_on_dask).
PARTITION_BYTES = 16_000_000
# Partitions of a stage across documents per worker, at least: a concept's comparisons grow with
# the square of the documents that state it, so partitions differ in cost; with several per
# worker, the workers finish them at about the same time (measured on the 100× corpus: with 8
# partitions the costliest task took 36% of the work, with 24 under 10%).
PARTITIONS_PER_WORKER = 8


def _size(raw_dir: Path, row: dict[str, str]) -> int:
    try:
        return (raw_dir / row["file"]).stat().st_size
    except OSError:  # the worker will say what is wrong with it
        return 1


def _corpus_bytes(rows: list[dict[str, str]], raw_dir: Path) -> int:
    return sum(_size(raw_dir, row) for row in rows)


def batches_of(rows: list[dict[str, str]], raw_dir: Path, workers: int,
               per_worker: int = 8) -> list[list[list[int]]]:
    """The manifest rows (by index) grouped into documents (in order of first appearance, each
    in manifest order), and the documents into about ``workers × per_worker`` batches of similar
    size in bytes (a document is never cut).

    >>> rows = [{"document_id": d, "file": "x"} for d in "abab"]
    >>> batches_of(rows, Path("/nonexistent"), workers=1, per_worker=2)
    [[[0, 2]], [[1, 3]]]
    """
    documents: dict[str, list[int]] = {}  # a batch holds at most MAX_BATCH_BYTES (but one document)
    for index, row in enumerate(rows):
        documents.setdefault(row["document_id"], []).append(index)

    sizes = [sum(_size(raw_dir, rows[i]) for i in members) for members in documents.values()]
    target = min(sum(sizes) / max(1, workers * per_worker), MAX_BATCH_BYTES)
    batches: list[list[list[int]]] = [[]]
    filled = 0.0
    for members, bytes_ in zip(documents.values(), sizes, strict=True):
        if batches[-1] and filled + bytes_ / 2 > target:
            batches.append([])
            filled = 0.0
        batches[-1].append(members)
        filled += bytes_
    return [b for b in batches if b]


# --- the client ----------------------------------------------------------------------------------


@contextmanager
def connect(scheduler: str | None = None, workers: int | None = None) -> Iterator[Any]:
    """A Dask client: on the cluster at ``scheduler``, or on a new LocalCluster of ``workers``
    single-threaded worker processes (default: one per core), closed afterwards."""
    import logging

    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout="10s")
        except OSError as err:
            raise SonlaError(f"cannot reach the Dask scheduler at {scheduler}: {err}") from err
        with client:
            yield client
        return
    count = workers or os.cpu_count() or 1
    # Its logs are silenced (a worker's heartbeat that meets the closing scheduler logs an error);
    # a task's error reaches the client, which raises it.
    with LocalCluster(n_workers=count, threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=logging.CRITICAL) as cluster, Client(cluster) as client:
        yield client


def _progress(futures: list, label: str, show: bool) -> Iterator[Any]:
    """Futures as they complete, with a progress bar on a terminal (tqdm), silent otherwise."""
    from distributed import as_completed

    bar = None
    if show and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=len(futures), desc=f"  {label}", unit="task", leave=False, file=sys.stderr)
    try:
        for future in as_completed(futures):
            if bar is not None:
                bar.update()
            yield future
    finally:
        if bar is not None:
            bar.close()


def _result(future, futures: list, what: str, fetch: bool = True) -> object:
    """The result of a finished future (``fetch=False``: only whether it succeeded, its result
    left where it is); on failure, every other task cancelled and the error raised (a worker that
    died too often becomes a :class:`SonlaError` naming the task)."""
    from distributed import KilledWorker

    try:
        if fetch or future.status != "finished":
            return future.result()
        return None
    except KilledWorker as err:
        _cancel(futures)
        raise SonlaError(f"a Dask worker died while running {what} (retried, then given up): {err}; "
                         "nothing was written") from err
    except BaseException:
        _cancel(futures)
        raise


def _cancel(futures: list) -> None:
    for other in futures:
        if other is not None:
            other.cancel()


class _OnClient:
    """What the stages that run on the client read: the tables gathered from the batches (their
    parts put in order, on first use), the outputs made on the client, and the sources with
    their texts (read and verified again, on first use)."""

    def __init__(self, manifest: Path, raw_dir: Path, frames: dict[str, list]) -> None:
        self.manifest, self.raw_dir, self.frames = manifest, raw_dir, frames
        self.outputs: dict[str, object] = {}
        self._sources: list[Source] | None = None
        self._ids: dict[str, Source] | None = None

    def sources(self) -> list[Source]:
        if self._sources is None:
            self._sources = load_sources(self.manifest, self.raw_dir)
        return self._sources

    def text_of(self, source_id: str) -> Source:
        if self._ids is None:
            self._ids = {s.source_id: s for s in self.sources()}
        return self._ids[source_id]

    def available(self) -> list[str]:
        return list(self.frames) + list(self.outputs)

    def get(self, name: str, stage) -> object:
        if name in self.outputs:
            return self.outputs[name]
        if name not in self.frames:
            raise SonlaError(f"stage {stage.name!r} reads {name}, which no earlier stage wrote")
        import pandas as pd

        ordered = [frame for _, frame in sorted(self.frames.pop(name), key=lambda item: item[0])]
        self.outputs[name] = ordered[0] if len(ordered) == 1 else pd.concat(ordered, ignore_index=True)
        return self.outputs[name]

    def inputs(self, stage, names: tuple[str, ...] | None) -> dict[str, object]:
        if names is None:  # every earlier output
            return {name: self.get(name, stage) for name in self.available()}
        return {name: self.get(name, stage) for name in names}

    def add(self, stage, made: dict[str, object]) -> None:
        clash = sorted(set(made) & set(self.available()))
        if clash:
            raise SonlaError(f"stage {stage.name!r} writes {', '.join(clash)}, "
                             "already written by an earlier stage")
        self.outputs.update(made)


def run_on_dask(stages: list, manifest: Path, raw_dir: Path, scheduler: str | None = None,
                workers: int | None = None, progress: bool = True,
                stats: dict[str, object] | None = None
                ) -> tuple[list[Source], dict[str, bytes], dict[str, float]]:
    """Run ``stages`` on a Dask cluster; return (the sources without their texts, every output's
    bytes, seconds by step). ``stats``, if given, receives the workers' peak memory and counts."""
    import pandas as pd

    timings: dict[str, float] = {}
    started = time.perf_counter()
    rows = read_manifest(manifest)
    sources = [source_of(row, "") for row in rows]
    plan = plan_stages(stages)
    # What the stages on the client read of the batched ones (None: everything).
    wanted = [client_reads(s) for s in plan.client]
    keep = None if any(names is None for names in wanted) else frozenset(n for names in wanted for n in names)
    with connect(scheduler, workers) as client:
        timings["connect"] = time.perf_counter() - started
        count = len(client.scheduler_info()["workers"]) or 1
        batches = batches_of(rows, raw_dir, count)
        # PARTITIONS_PER_WORKER partitions per worker, and more as the corpus grows, so that a task
        # across documents holds the observations of about PARTITION_BYTES of text at most.
        partitions = max(PARTITIONS_PER_WORKER * count, -(-_corpus_bytes(rows, raw_dir) // PARTITION_BYTES))
        first_seen: dict[str, int] = {}
        for row in rows:
            first_seen.setdefault(row["document_id"], len(first_seen))
        began = time.perf_counter()
        futures = []
        for batch in batches:
            documents = [[(i, rows[i]) for i in members] for members in batch]
            positions = [first_seen[rows[members[0]]["document_id"]] for members in batch]
            futures.append(client.submit(run_batch, documents, str(raw_dir), plan.batched, plan.checks,
                                         partitions, positions, keep, pure=False))
        # A whole stage that reads no earlier output (the source dependence) starts now, on a
        # worker, beside the batches: the client would otherwise run it while the workers wait.
        early = {stage.name: client.submit(run_whole, stage, str(manifest), str(raw_dir), pure=False)
                 for stage in plan.client if _runs_early(stage)}
        slices: list[Slice] = []
        kept: dict[str, list] = {}
        seconds: dict[str, float] = {}
        picked: dict[str, list[list]] = {}
        frames: dict[str, list] = {}
        number_of = {future.key: n for n, future in enumerate(futures)}
        for future in _progress(futures, "per document", progress):
            _result(future, futures, f"batch {number_of[future.key] + 1} of {len(futures)}", fetch=False)
            for stage in plan.batched:
                if stage.split.across is not None:
                    buckets = picked.setdefault(stage.name, [[] for _ in range(partitions)])
                    for number in range(partitions):
                        buckets[number].append(client.submit(pick, future, "cut", stage.name, number))
            public = client.submit(pick, future, "public").result()
            slices.extend(public["slices"])
            for name, items in public["kept"].items():
                kept.setdefault(name, []).extend(items)
            for name, value in public["seconds"].items():
                seconds[name] = seconds.get(name, 0.0) + value
            for name, items in public["frames"].items():
                frames.setdefault(name, []).extend(items)
            # The batch's result is freed on its worker once its partitions are picked.
            futures[number_of[future.key]] = future = None
        futures.clear()
        timings["per document"] = time.perf_counter() - began
        here = _OnClient(manifest, raw_dir, frames)
        shared_sources = client.scatter([sources], broadcast=True)[0]  # the manifest, sent once
        for stage in plan.client:
            began = time.perf_counter()
            if stage.name in early:  # whole, on a worker (started with the batches)
                made, spent = _result(early[stage.name], list(early.values()), f"stage {stage.name}")
                del early[stage.name]
                for name, value in spent.items():
                    seconds[name] = seconds.get(name, 0.0) + value
                here.add(stage, made)
                timings[f"{stage.name} (worker)"] = time.perf_counter() - began
                continue
            if stage.split is None or stage.split.across is None:  # whole, on the client
                made = stage.run(here.sources(), here.inputs(stage, stage.reads))
                here.add(stage, made)
                timings[f"{stage.name} (client)"] = time.perf_counter() - began
                continue
            across = stage.split.across
            inputs = here.inputs(stage, client_reads(stage))
            own = [item for _, item in sorted(kept.pop(stage.name, []), key=lambda x: x[0])]
            shared, groups = None, [[number] for number in range(partitions)]
            if across.share is not None:
                shared, groups = across.share(own, sources, inputs, here.text_of, partitions)
            shared_future = client.scatter([shared], broadcast=True)[0]
            tasks = [client.submit(run_across, stage, [picked[stage.name][b] for b in group], shared_sources,
                                   shared_future, pure=False) for group in groups]
            crossed = [None] * len(tasks)
            index = {future.key: n for n, future in enumerate(tasks)}
            for future in _progress(tasks, f"{stage.name} across", progress):
                number = index[future.key]
                crossed[number], spent = _result(future, tasks, f"{stage.name}, partitions {groups[number]}")
                for name, value in spent.items():
                    seconds[name] = seconds.get(name, 0.0) + value
            picked.pop(stage.name, None)
            del tasks, shared_future
            began_combine = time.perf_counter()
            here.add(stage, across.combine(own, crossed, sources, inputs, shared))
            timings[f"{stage.name} across"] = began_combine - began
            timings[f"{stage.name} combine"] = time.perf_counter() - began_combine
        picked.clear()
        # Tables made on the client: encoded here in chunks, checked on the workers.
        began = time.perf_counter()
        checks = []
        for name, content in here.outputs.items():
            if not _made_on_client(name, slices):
                continue  # published by the batch tasks (gathered here for a stage that read it)
            if isinstance(content, pd.DataFrame):
                header, _ = encode_rows(content.iloc[0:0])
                bodies = [encode_rows(chunk)[1] for chunk in chunks(content)]
                slices.append(Slice(name, 0, header, b"".join(bodies), len(content), {},
                                    keys_of(name, content)))
                # (scattered: bytes in the task graph itself would pass through the scheduler)
                checks += [client.submit(run_checks, plan.checks, name, data, shared_sources, pure=False)
                           for data in client.scatter([header + body for body in bodies])]
            else:
                slices.append(publish(name, 0, content))
        for future in _progress(checks, "checks", progress):
            _result(future, checks, "a check of the published tables")
        published = assemble(slices)
        timings["combine"] = time.perf_counter() - began
        for stage in plan.checks:  # the stage's own outputs, from the whole bytes
            made = (stage.split.gather or part_run(stage))(sources, dict(published))
            for name, content in made.items():
                published[name] = content.encode("utf-8") if isinstance(content, str) else content
        if stats is not None:
            stats["workers"] = count
            stats["batches"] = len(batches)
            stats["partitions"] = partitions
            stats["peak_memory"] = client.run(peak_memory)
            stats["stage_seconds"] = seconds
    timings["total"] = time.perf_counter() - started
    return sources, published, timings


def _runs_early(stage) -> bool:
    """A stage without a split that reads no earlier output: it can run whole on a worker from
    the start (the source dependence reads the texts alone)."""
    return getattr(stage, "split", None) is None and stage.reads == ()


def _made_on_client(name: str, slices: list[Slice]) -> bool:
    """An output the batch tasks did not publish (the client made it)."""
    return all(part.name != name for part in slices)
