"""The published record ``data/processed/`` as one set: written together, checked before use.

**Written as a set.** :func:`publish_outputs` writes every output of a pipeline run into a
staging folder (``data/processed/.staging/``, same file system) first, each file flushed to disk;
only then are the files that changed renamed into place, the outputs of earlier runs that this
run no longer writes (a removed source's ``<source_id>.repaired.txt``) removed, and
``datapackage.json`` renamed in *last*. A failure or a kill before that point leaves the
published files as they were.

**Versioned by the data package.** ``datapackage.json`` gives every file it describes a
``hash`` (``sha256:…``) and its ``bytes``. A kill during the renames (a few milliseconds) can
leave some new files beside the old descriptor: :func:`check_published` then finds a file whose
bytes are not the ones the descriptor names, so no reader uses the mixed set; the chapters'
loaders, the reader pages and the notebook runner call it before they read anything, and
``sonla data`` rebuilds (:func:`data_is_current`). The same check catches an output deleted,
truncated or edited by hand after the run. Frictionless checks the hashes too
(``frictionless validate data/processed/datapackage.json``).

**Never an empty record by accident.** A run that would leave a published table without a row
it had (an empty manifest, a mistaken edit) stops before writing anything, naming the manifest
and the table; ``allow_empty`` (``sonla data --allow-empty``) says it is meant.

:func:`data_is_current` is what ``make data`` asks: were the outputs written by a run on these
raw files, with this pipeline code and these rules and pinned requirements (a content hash in
``_build/.data-fingerprint``), and are they still exactly what that run wrote?
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import shutil
import time
from pathlib import Path

from . import config, schema
from .errors import SonlaError
from .sources import Source, load_sources, read_manifest, source_of, verify_source

__all__ = ["DESCRIPTOR", "STAGING", "resource_hash", "is_output_name", "publish_outputs",
           "check_published", "pipeline_code_files", "inputs_fingerprint", "DATA_STAMP",
           "data_is_current", "record_inputs", "uses_own_folders", "prepare_run",
           "DATA_HELP", "add_data_arguments", "check_engine_arguments", "ENGINES"]

DESCRIPTOR = "datapackage.json"
STAGING = ".staging"
DATA_STAMP = config.BUILD_DIR / ".data-fingerprint"
ENGINES = ("serial", "dask")  # the engines of ``sonla data --engine`` (see sonla.pipeline)
# The package's parts that are not the data pipeline: editing them never re-runs it.
NOT_PIPELINE = ("build", "chapters", "cli.py", "__main__.py")


def resource_hash(data: bytes) -> str:
    """The ``hash`` of a data package resource: ``sha256:`` and the hex digest.

    >>> resource_hash(b"a\\n")[:15]
    'sha256:87428fc5'
    """
    return "sha256:" + hashlib.sha256(data).hexdigest()


def is_output_name(name: str) -> bool:
    """True for a file name the pipeline publishes: a table, a text file of a source, the descriptor.

    >>> is_output_name("claims.csv"), is_output_name("report.repaired.txt"), is_output_name("notes.md")
    (True, True, False)
    """
    return (name == DESCRIPTOR or name in schema.TABLES
            or any(spec.source_of(name) for spec in schema.TEXT_FILES))


def _data_rows(data: bytes) -> int:
    """Rows of a CSV after its header (0 or 1: is there any?)."""
    reader = csv.reader(io.StringIO(data.decode("utf-8", errors="replace"), newline=""))
    next(reader, None)
    return 1 if next(reader, None) is not None else 0


def _check_not_emptied(out_dir: Path, outputs: dict[str, bytes], manifest: Path | None) -> None:
    """Raise if a published table with rows would be written without any."""
    emptied = []
    for name, data in outputs.items():
        path = out_dir / name
        if name in schema.TABLES and not schema.TABLES[name].from_annotations and not _data_rows(data) \
                and path.is_file() and _data_rows(path.read_bytes()):
            emptied.append(name)
    if emptied:
        where = manifest or "the source manifest"
        raise SonlaError(f"{where}: this run would remove every row of the published "
                         f"{', '.join(emptied)}; nothing was written. If the manifest is right and this "
                         "is meant, run `sonla data --allow-empty` (make data ALLOW_EMPTY=1)")


def _write_synced(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def publish_outputs(out_dir: Path, outputs: dict[str, bytes], allow_empty: bool = False,
                    manifest: Path | None = None) -> dict[str, str]:
    """Publish ``outputs`` ({file name: bytes}) in ``out_dir`` as one set (see the module docstring).

    Returns {path: ``written``, ``unchanged`` or ``removed``}; a file whose bytes are already the
    published ones is not touched. Raises :class:`SonlaError` (nothing written) if a table would
    lose every row, unless ``allow_empty``; an :class:`OSError` (a read-only folder) leaves the
    published files as they were, unless it strikes during the renames.
    """
    out_dir = Path(out_dir)
    if not allow_empty:
        _check_not_emptied(out_dir, outputs, manifest)
    staging = out_dir / STAGING
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(staging, ignore_errors=True)  # what a killed run left
        staging.mkdir()
    except OSError as err:
        raise SonlaError(f"{out_dir}: cannot write the processed data there ({err.strerror or err}); "
                         "nothing was written") from err
    status: dict[str, str] = {}
    order = sorted(outputs, key=lambda name: name == DESCRIPTOR)  # the descriptor last
    try:
        for name in order:
            path = out_dir / name
            if path.is_file() and path.read_bytes() == outputs[name]:
                status[str(path)] = "unchanged"
                continue
            _write_synced(staging / name, outputs[name])
            status[str(path)] = "written"
        _sync_folder(staging)
        stale = sorted(p for p in out_dir.iterdir()
                       if p.is_file() and is_output_name(p.name) and p.name not in outputs)
        for name in order:
            if name == DESCRIPTOR:
                for path in stale:
                    path.unlink()
                    status[str(path)] = "removed"
            if status[str(out_dir / name)] == "written":
                os.replace(staging / name, out_dir / name)
        if DESCRIPTOR not in outputs:
            for path in stale:
                path.unlink()
                status[str(path)] = "removed"
        _sync_folder(out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return status


# --------------------------------------------------------------------------- reading the set
_HASHES: dict[tuple[str, int, int, int], str] = {}


def _file_hash(path: Path) -> str:
    """The resource hash of a file, cached by path, size, modification time and inode."""
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns, stat.st_ino)
    if key not in _HASHES:
        _HASHES[key] = resource_hash(path.read_bytes())
    return _HASHES[key]


def check_published(out_dir: Path | None = None) -> dict[str, str]:
    """Check that ``out_dir`` holds exactly the set its ``datapackage.json`` describes.

    Every described file must exist with the ``hash`` the descriptor gives it, and no other
    output of the pipeline may lie beside them. Returns {file name: hash}. Raises
    :class:`SonlaError` naming the first file that fails and saying what to do.
    """
    out_dir = Path(out_dir or config.PROCESSED_DIR)
    descriptor_path = out_dir / DESCRIPTOR
    rebuild = "run `make data` (or `sonla data`) to rebuild the processed data"
    if not descriptor_path.is_file():
        raise SonlaError(f"{descriptor_path}: missing, so the processed data cannot be checked; {rebuild}")
    try:
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
        resources = {r["path"]: r.get("hash", "") for r in descriptor["resources"]}
    except (ValueError, KeyError, TypeError) as err:
        raise SonlaError(f"{descriptor_path}: not a data package descriptor ({err}); {rebuild}") from None
    for name, expected in resources.items():
        path = out_dir / name
        if not expected:
            raise SonlaError(f"{descriptor_path}: gives no hash for {name} (written before hashes were "
                             f"recorded); {rebuild}")
        if not path.is_file():
            raise SonlaError(f"{path}: missing, though the last run of the pipeline wrote it; {rebuild}")
        if _file_hash(path) != expected:
            raise SonlaError(f"{path}: not the file the last run of the pipeline wrote (its sha256 differs "
                             f"from {DESCRIPTOR}): edited, damaged, or a run was interrupted; {rebuild}")
    stale = sorted(p.name for p in out_dir.iterdir()
                   if p.is_file() and is_output_name(p.name) and p.name not in resources
                   and p.name != DESCRIPTOR)
    if stale:
        raise SonlaError(f"{out_dir / stale[0]}: not written by the last run of the pipeline "
                         f"(not in {DESCRIPTOR}); {rebuild}")
    return resources


# --------------------------------------------------------------------------- is a run needed?
def pipeline_code_files() -> list[Path]:
    """The package files the pipeline's outputs depend on: all but the book's build and chapters."""
    files = []
    for path in sorted(config.PACKAGE_DIR.rglob("*")):
        relative = path.relative_to(config.PACKAGE_DIR)
        if not path.is_file() or relative.parts[0] in NOT_PIPELINE or "__pycache__" in relative.parts:
            continue
        if path.suffix in (".py", ".yaml", ".yml", ".csv", ".json"):
            files.append(path)
    return files


# Folders of data/ that are not inputs of the pipeline: the raw sources are covered by the
# manifest (it holds their sha256, verified first), the others are outputs.
NOT_INPUTS = ("raw", "processed", "bench")


def other_inputs(raw_dir: Path) -> list[Path]:
    """Files beside ``data/raw`` that a stage may read (``data/annotations/`` …), sorted."""
    data_dir = Path(raw_dir).parent
    return sorted(p for p in data_dir.rglob("*") if p.is_file()
                  and p.relative_to(data_dir).parts[0] not in NOT_INPUTS
                  and not any(part.startswith(".") for part in p.relative_to(data_dir).parts))


def inputs_fingerprint(manifest: Path, raw_dir: Path) -> str:
    """sha256 of what the outputs are made from: the manifest (which holds every raw file's sha256,
    verified before this is asked), the other files of ``data/`` a stage may read
    (:func:`other_inputs`), the pipeline's code and rules, and the pinned requirements."""
    digest = hashlib.sha256()
    digest.update(Path(manifest).read_bytes() + b"\0")
    data_dir = Path(raw_dir).parent
    for path in other_inputs(raw_dir):
        digest.update(str(path.relative_to(data_dir)).encode() + b"\0" + path.read_bytes() + b"\0")
    for path in pipeline_code_files():
        digest.update(str(path.relative_to(config.PACKAGE_DIR)).encode() + b"\0" + path.read_bytes() + b"\0")
    requirements = config.ROOT / "requirements.txt"
    if requirements.is_file():
        digest.update(requirements.read_bytes())
    return digest.hexdigest()


def data_is_current(manifest: Path, raw_dir: Path, out_dir: Path, stamp: Path | None = None) -> str:
    """Why the pipeline must run (empty when its outputs are current).

    Current means: the last run recorded these inputs (:func:`inputs_fingerprint`) and every
    output is still exactly what it wrote (:func:`check_published`).
    """
    stamp = Path(stamp or DATA_STAMP)
    recorded = stamp.read_text(encoding="utf-8").strip() if stamp.is_file() else ""
    if recorded != _stamp_text(manifest, raw_dir, out_dir):
        return "the raw data, the pipeline's code or rules, or the requirements changed since the last run"
    try:
        check_published(out_dir)
    except SonlaError as err:
        return str(err).split("; run `make data`")[0]
    return ""


def _stamp_text(manifest: Path, raw_dir: Path, out_dir: Path) -> str:
    """The inputs, the output folder and the published set (its descriptor's sha256): a set published
    by a run that was killed before it recorded its inputs is never taken for the current one."""
    descriptor = Path(out_dir) / "datapackage.json"
    published = hashlib.sha256(descriptor.read_bytes()).hexdigest() if descriptor.is_file() else "-"
    return f"{inputs_fingerprint(manifest, raw_dir)} {Path(out_dir).resolve()} {published}"


def record_inputs(manifest: Path, raw_dir: Path, out_dir: Path, stamp: Path | None = None) -> None:
    """Remember that ``out_dir`` was written from the current inputs (after a successful run)."""
    stamp = Path(stamp or DATA_STAMP)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    text = _stamp_text(manifest, raw_dir, out_dir) + "\n"
    tmp = stamp.with_name(stamp.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, stamp)


def uses_own_folders(raw_dir: Path, out_dir: Path) -> bool:
    """True for the project's own raw and processed folders (the only ones with a record of inputs)."""
    return (Path(raw_dir).resolve(), Path(out_dir).resolve()) == (config.RAW_DIR.resolve(),
                                                                  config.PROCESSED_DIR.resolve())


def prepare_run(raw_dir: Path, out_dir: Path, verbose: bool = True,
                force: bool = True, keep_texts: bool = True) -> tuple[list[Source], bool]:
    """Verify the sources and decide whether the pipeline must run: (sources, run it?).

    Without ``force``, the project's own folders are left alone when :func:`data_is_current`;
    other folders are always written. Light (no pandas): ``sonla data`` asks it before it
    imports the pipeline. Without ``keep_texts`` (an engine whose workers read the raw files
    themselves) every file is verified all the same, one at a time, and the sources are returned
    with empty texts, so the corpus is never held at once.
    """
    raw_dir, out_dir = Path(raw_dir), Path(out_dir)
    manifest = raw_dir / "sources.csv"
    started = time.perf_counter()
    if keep_texts:
        sources = load_sources(manifest, raw_dir)
        size = sum(len(s.text.encode("utf-8")) for s in sources) / 1e6
    else:
        sources, size = [], 0.0
        for row in read_manifest(manifest):
            size += len(verify_source(row, raw_dir).encode("utf-8")) / 1e6
            sources.append(source_of(row, ""))
    if verbose:
        print(f"data: verified {len(sources)} sources ({size:.2f} MB) in {raw_dir} "
              f"({time.perf_counter() - started:.2f} s)", flush=True)
    if force or not uses_own_folders(raw_dir, out_dir):
        return sources, True
    reason = data_is_current(manifest, raw_dir, out_dir)
    if verbose:
        print(f"data: running the pipeline: {reason}" if reason else
              f"data: up to date ({out_dir} was written from these inputs and is unchanged)", flush=True)
    return sources, bool(reason)


DATA_HELP = ("Build data/processed/ from the verified raw sources, when an input changed or an output is "
             "missing or not what the last run wrote.")


def add_data_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``sonla data`` (and ``python -m sonla.pipeline``)."""
    parser.add_argument("--raw", type=Path, default=config.RAW_DIR, help="folder with sources.csv")
    parser.add_argument("--out", type=Path, default=config.PROCESSED_DIR, help="output folder")
    parser.add_argument("--force", action="store_true",
                        help="run the pipeline even if its outputs are current")
    parser.add_argument("--allow-empty", action="store_true",
                        help="publish even if a table that has rows would have none")
    parser.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors (no progress)")
    parser.add_argument("--engine", choices=ENGINES, default="serial",
                        help="serial (the default: one process) or dask: a LocalCluster here, or the cluster "
                             "at --scheduler; either writes the same bytes")
    parser.add_argument("--scheduler", default=None, metavar="tcp://HOST:PORT",
                        help="with --engine dask: the scheduler of a running Dask cluster")
    parser.add_argument("--workers", type=_positive, default=None, metavar="N",
                        help="with --engine dask and no --scheduler: worker processes "
                             "(default: one per core)")


def check_engine_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """``--scheduler`` and ``--workers`` belong to the Dask engine; both at once make no sense."""
    if (args.scheduler or args.workers) and args.engine != "dask":
        parser.error("--scheduler and --workers need --engine dask")
    if args.scheduler and args.workers:
        parser.error("--workers starts a LocalCluster; a cluster at --scheduler has its own workers")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of workers (a whole number, 1 or more)")
    return value
