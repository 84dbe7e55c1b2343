"""What the workers run: a batch of documents through the batched stages, a partition of an
Across stage, the row checks of a slice (see :mod:`sonla.engine.cluster`)."""

from __future__ import annotations

import gc
import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import SonlaError
from ..parts import SOURCE, Split
from ..sources import Source, load_sources, source_of, verify_source
from .slices import Slice, publish

__all__ = ["run_batch", "run_across", "run_checks", "run_whole", "pick", "peak_memory", "part_run",
           "part_reads", "check_slices"]


def check_slices(slices: list[Slice], checks: list, sources: list[Source]) -> None:
    """The row checks (the data package's validation) on the slices, one table at a time."""
    tables: dict[str, list[Slice]] = {}
    for part in slices:
        if not part.whole_file and part.rows:
            tables.setdefault(part.name, []).append(part)
    for name, parts in tables.items():
        data = parts[0].header + b"".join(p.body for p in parts)
        for stage in checks:
            part_run(stage)(sources, {name: data})


@contextmanager
def fewer_collections(threshold: int = 100_000) -> Iterator[None]:
    """A task's work with the cyclic garbage collector triggered less often, as the serial engine
    runs its stages (:func:`sonla.pipeline.fewer_collections`: the stages allocate millions of small
    objects that live until the task ends, and the collector would rescan them again and again)."""
    old = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(threshold, *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)
        gc.unfreeze()


def run_batch(documents: list[list[tuple[int, dict[str, str]]]], raw_dir: str, batched: list,
              checks: list, partitions: int, doc_positions: list[int],
              keep: frozenset[str] | None = frozenset()) -> dict[str, Any]:
    """One batch task: verify the batch's sources (``documents``: each a list of (manifest
    index, manifest row)), run the batched stages on each unit, encode and check every part.

    Returns ``public`` (the slices, what each Across keeps per document, the seconds each stage
    took, and the tables named in ``keep`` (``None``: all) as DataFrames: all for the client) and
    ``cut`` (each Across's partitions: for the tasks across)."""
    with fewer_collections():
        return _run_batch(documents, raw_dir, batched, checks, partitions, doc_positions, keep)


def _run_batch(documents, raw_dir, batched, checks, partitions, doc_positions, keep) -> dict[str, Any]:
    import pandas as pd

    seconds: dict[str, float] = {}
    slices: list[Slice] = []
    kept: dict[str, list] = {}
    cut: dict[str, list[list]] = {}
    frames: dict[str, list] = {}
    cpu = time.process_time()
    started = time.perf_counter()
    rows = [item for document in documents for item in document]
    members = sorted(index for index, _ in rows)  # the batch's sources, in manifest order
    by_index = dict(rows)
    sources = []
    for index in members:
        sources.append(source_of(by_index[index], verify_source(by_index[index], Path(raw_dir))))
    seconds["verify"] = time.perf_counter() - started
    position = min(doc_positions)  # whole documents, consecutive: the batch's place in the order
    per_source: dict[str, dict[int, object]] = {}  # output -> manifest index -> content
    per_batch: dict[str, object] = {}
    for stage in batched:
        began = time.perf_counter()
        split: Split = stage.split
        if split.unit == SOURCE:
            for index, source in zip(members, sources, strict=True):
                inputs = {name: _read(per_source, name, index, stage) for name in part_reads(stage)}
                for name, content in part_run(stage)([source], inputs).items():
                    per_source.setdefault(name, {})[index] = content
                    slices.append(publish(name, index, content))
                    if keep is None or name in keep:
                        frames.setdefault(name, []).append((index, content))
        else:  # whole documents: the batch's at once
            inputs = {}
            for name in part_reads(stage):
                if name in per_batch:
                    inputs[name] = per_batch[name]
                else:
                    tables = [_read(per_source, name, i, stage) for i in members]
                    inputs[name] = tables[0] if len(tables) == 1 else pd.concat(tables, ignore_index=True)
            if split.across is not None:
                own, parts = split.across.partition(split.across.per_unit(sources, inputs), partitions)
                kept.setdefault(stage.name, []).append((position, own))
                buckets = cut.setdefault(stage.name, [[] for _ in range(partitions)])
                for bucket, part in zip(buckets, parts, strict=True):
                    bucket.append((position, part))
            else:
                for name, content in part_run(stage)(sources, inputs).items():
                    per_batch[name] = content
                    slices.append(publish(name, position, content))
                    if keep is None or name in keep:
                        frames.setdefault(name, []).append((position, content))
        seconds[stage.name] = seconds.get(stage.name, 0.0) + time.perf_counter() - began
    began = time.perf_counter()
    check_slices(slices, checks, [])
    seconds["checks"] = time.perf_counter() - began
    seconds["cpu"] = time.process_time() - cpu  # what the task cost, however busy the machine
    return {"public": {"slices": slices, "kept": kept, "seconds": seconds, "frames": frames}, "cut": cut}


def _read(per_source: dict[str, dict[int, object]], name: str, index: int, stage) -> object:
    try:
        return per_source[name][index]
    except KeyError:
        raise SonlaError(f"stage {stage.name!r} reads {name}, which no earlier stage split by source or "
                         "document wrote in the same task") from None


def part_run(stage):
    """What runs on one part of ``stage``: its split's ``run_part``, or its ``run``."""
    return stage.split.run_part or stage.run


def part_reads(stage) -> tuple[str, ...] | None:
    """What the parts of a split stage read (``None``: every earlier output, which no part can)."""
    return stage.split.reads if stage.split.reads is not None else stage.reads


def pick(result: dict[str, Any], *path: object) -> object:
    """A part of a task's result (run where the result is, so only that part travels)."""
    for key in path:
        result = result[key]
    return result


def run_across(stage, parts: list[list[list[tuple[int, object]]]], sources: list[Source],
               shared: object) -> tuple[object, dict]:
    """One task of an Across stage: its partitions' parts from every batch (``parts``: per
    partition, per batch, (position, part) items), in document order. Returns its result and the
    seconds it took (wall, and CPU as ``cpu``)."""
    began, cpu = time.perf_counter(), time.process_time()
    items = [item for bucket in parts for batch in bucket for item in batch]
    ordered = [part for _, part in sorted(items, key=lambda x: x[0])]
    with fewer_collections():
        result = stage.split.across.across(ordered, sources, shared)
    return result, {stage.name: time.perf_counter() - began, "cpu": time.process_time() - cpu}


def run_whole(stage, manifest: str, raw_dir: str) -> tuple[dict[str, object], dict[str, float]]:
    """A whole stage that reads no earlier output, on a worker: it reads and verifies the corpus
    itself (the texts never travel). Returns its outputs and the seconds it took (wall, and CPU
    as ``cpu``)."""
    began, cpu = time.perf_counter(), time.process_time()
    with fewer_collections():
        made = stage.run(load_sources(Path(manifest), Path(raw_dir)), {})
    return made, {stage.name: time.perf_counter() - began, "cpu": time.process_time() - cpu}


def run_checks(checks: list, name: str, data: bytes, sources: list[Source]) -> int:
    """The row checks on one slice of a table encoded on the client."""
    for stage in checks:
        part_run(stage)(sources, {name: data})
    return len(data)


def peak_memory() -> int:
    """This process's peak resident memory in bytes (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


