"""Execute the book's notebooks with papermill: declared runs, incremental and parallel.

The runs are declared in ``notebooks/runs.yml``. Each run names a template in
``notebooks/``, the executed notebook it writes under ``book/``, its parameters,
the data files it reads (globs, relative to the project root) and optionally a
page title. A run with ``foreach: source`` is expanded into one run per row of
the source manifest; ``{field}`` in its output, parameters, inputs and title is
filled from that row (``{source_id}``, ``{file}``, ``{title_en}``, ...), so a new
source gets its pages from one manifest row.

A run is executed only when its *fingerprint* changed: the sha256 of the
template, the parameters and title, the package code and rules, the pinned
requirements and every input file. Fingerprints of the executed notebooks are
kept in ``book/build-manifest.json`` (committed with the executed notebooks, so
a fresh clone rebuilds nothing that is already current); the manifest is
rewritten after each notebook, so an interrupted build keeps what it finished.

Inputs are globs relative to the project root. A CSV input can be narrowed to
some of its rows with ``path#column=value`` (for example
``data/raw/sources.csv#source_id={source_id}``): only the header and the rows
whose ``column`` equals ``value`` enter the fingerprint, so a profile page
re-executes when *its* manifest row changes, not when another source's does.
No row may match (a source without numbers has no claims): the header alone is hashed.
Before a notebook executes, the processed data is checked as a set
(:func:`sonla.publish.check_published`); ``sonla notebooks`` removes the executed
notebooks no declared run writes (a removed source's profile, a renamed run's output).

Executed notebooks are post-processed so that two runs give identical bytes:
papermill's timings are stripped and the injected-parameters cell is hidden
from readers. A notebook that fails leaves its previous executed version in
place; the error names the notebook and the cell.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import csv
import functools
import glob
import hashlib
import io
import json
import os
import re
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from .. import config
from ..console import ArgumentParser, run_command
from ..errors import SonlaError
from ..io import read_yaml, write_text_atomic
from ..publish import check_published
from ..sources import read_manifest
from .markup import escape_markdown

__all__ = ["Run", "RunError", "load_runs", "fingerprint", "code_fingerprint", "stale_runs",
           "execute_one", "execute_runs", "remove_undeclared", "main"]

RUNS_FILE = config.NOTEBOOKS_DIR / "runs.yml"
BUILD_MANIFEST = config.BOOK_DIR / "build-manifest.json"
# Files whose change re-executes every notebook: the code the kernels import
# (the installed package, wherever it lives) and the pinned requirements.
CODE_GLOBS = ("**/*.py", "rules/**/*")
REQUIREMENTS = "requirements.txt"
HIDDEN_TAGS = ("remove-cell",)
# Seconds a kernel may take to start (papermill's default, 60, is too short on a loaded machine).
KERNEL_START_TIMEOUT = 300


class RunError(SonlaError):
    """A declared run is invalid or its notebook failed; the message names it."""


@dataclass(frozen=True)
class Run:
    """One papermill execution: template → executed notebook, with parameters."""

    template: str
    output: str
    parameters: dict = field(default_factory=dict)
    inputs: tuple[str, ...] = ()
    title: str = ""

    @property
    def template_path(self) -> Path:
        return config.NOTEBOOKS_DIR / self.template

    @property
    def output_path(self) -> Path:
        return config.ROOT / self.output


def load_runs(runs_file: Path | None = None) -> list[Run]:
    """Read ``runs.yml``; raise :class:`RunError` naming the run on a bad entry.

    Each template's declared parameters (its cell tagged ``parameters``) are
    checked: passing a parameter the template does not declare is an error,
    not papermill's silent warning.
    """
    runs_file = Path(runs_file or RUNS_FILE)
    try:
        spec = read_yaml(runs_file)
    except SonlaError as err:
        raise RunError(f"{runs_file}: cannot read the declared runs: {err}") from err
    runs, outputs = [], set()
    defaults = spec.get("defaults", {}) or {}
    for number, entry in enumerate(spec.get("runs", []) or [], start=1):
        where = f"{runs_file}, run {number}"
        if not isinstance(entry, dict) or not {"template", "output"} <= set(entry):
            raise RunError(f"{where}: each run needs 'template' and 'output'")
        for run in _expand(entry, defaults, where):
            if run.output in outputs:
                raise RunError(f"{where}: output {run.output} is written by another run")
            outputs.add(run.output)
            runs.append(run)
    return runs


def _fill(value, fields: dict[str, str]):
    """Format strings (recursively in lists and dicts) with ``fields``."""
    if isinstance(value, str):
        return value.format(**fields)
    if isinstance(value, list | tuple):
        return [_fill(v, fields) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, fields) for k, v in value.items()}
    return value


def _expand(entry: dict, defaults: dict, where: str) -> list[Run]:
    """One run, or one per manifest row for ``foreach: source``; parameters checked."""
    foreach = entry.get("foreach")
    if foreach not in (None, "source"):
        raise RunError(f"{where}: foreach must be 'source', not {foreach!r}")
    rows = read_manifest() if foreach else [{}]
    runs = []
    for row in rows:
        try:
            filled = _fill({k: entry.get(k, defaults.get(k)) for k in
                            ("output", "parameters", "inputs", "title")}, row)
        except (KeyError, IndexError) as err:
            raise RunError(f"{where}: unknown field {err} in a '{{...}}' placeholder") from None
        run = Run(
            template=entry["template"],
            output=filled["output"],
            parameters=dict(filled["parameters"] or {}),
            inputs=tuple(filled["inputs"] or ()),
            title=filled["title"] or "",
        )
        if not run.template_path.is_file():
            raise RunError(f"{where}: template {run.template_path} not found")
        check_parameters(run, where)
        runs.append(run)
    return runs


def declared_parameters(template: Path) -> set[str]:
    """Names assigned at top level in the template's cell tagged ``parameters``.

    Parsed with :mod:`ast` (no papermill import, so a no-op build stays fast).
    Raises :class:`RunError` if the template has no such cell or it is not valid Python.
    """
    template = Path(template)
    stat = template.stat()
    return set(_declared_parameters(str(template), stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=256)
def _declared_parameters(template: str, mtime_ns: int, size: int) -> tuple[str, ...]:
    cells = json.loads(Path(template).read_text(encoding="utf-8")).get("cells", [])
    cell = next((c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])), None)
    if cell is None:
        raise RunError(f"{template}: no cell tagged 'parameters'")
    source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
    try:
        tree = ast.parse(source)
    except SyntaxError as err:
        raise RunError(f"{template}: parameters cell is not valid Python: {err}") from None
    names = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, ast.AnnAssign) else [])
        names += [t.id for t in targets if isinstance(t, ast.Name)]
    return tuple(sorted(set(names)))


def check_parameters(run: Run, where: str = "") -> None:
    """Raise :class:`RunError` if ``run`` passes a parameter its template does not declare."""
    unknown = sorted(set(run.parameters) - declared_parameters(run.template_path))
    if unknown:
        raise RunError(
            f"{where or run.output}: unknown parameter(s) {', '.join(unknown)} for "
            f"{run.template}; it declares {', '.join(sorted(declared_parameters(run.template_path)))}"
        )


def _csv_rows(path: Path, column: str, value: str) -> bytes:
    """The header and the rows of a CSV whose ``column`` equals ``value``, as CSV bytes.

    No row may match (the header alone is returned). Raises :class:`RunError` if the column
    does not exist.
    """
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if column not in (reader.fieldnames or []):
            raise RunError(f"input {path}#{column}={value}: {path.name} has no column {column!r}")
        rows = [row for row in reader if row[column] == value]
        header = list(reader.fieldnames or [])
    out = io.StringIO()
    writer = csv.DictWriter(out, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _hash_files(patterns: tuple[str, ...], digest, root: Path | None = None,
                required: bool = True, cache: dict | None = None) -> None:
    """Feed each matching file's path and sha256 to ``digest``, in sorted order.

    ``pattern#column=value`` hashes only the matching rows of a CSV (see the module doc).
    A plain path must exist (:class:`RunError` otherwise); a glob may match nothing.
    ``cache`` ({(path, selector): sha256}) lets many runs share one read of each file.
    """
    cache = {} if cache is None else cache
    root = Path(root or config.ROOT)
    for pattern in patterns:
        pattern, _, selector = pattern.partition("#")
        paths = sorted(glob.glob(str(root / pattern), recursive=True))
        if not paths and required and not glob.has_magic(pattern):
            raise RunError(f"input {pattern!r} matches no file (run `make data` first?)")
        for path in paths:
            if not os.path.isfile(path):
                continue
            if (path, selector) not in cache:
                if selector:
                    column, _, value = selector.partition("=")
                    data = _csv_rows(Path(path), column, value)
                else:
                    data = Path(path).read_bytes()
                cache[path, selector] = hashlib.sha256(data).digest()
            name = os.path.relpath(path, root) + (f"#{selector}" if selector else "")
            digest.update(name.encode())
            digest.update(cache[path, selector])


def fingerprint(run: Run, code_hash: str | None = None, cache: dict | None = None) -> str:
    """sha256 over everything a run's output depends on.

    That is the template's bytes, the parameters and title, :func:`code_fingerprint`
    and the declared inputs. Raises :class:`RunError` if a plain input path is missing.
    """
    digest = hashlib.sha256()
    digest.update(run.template_path.read_bytes())
    digest.update(json.dumps([run.parameters, run.title], sort_keys=True).encode())
    digest.update((code_hash or code_fingerprint()).encode())
    _hash_files(run.inputs, digest, cache=cache)
    return digest.hexdigest()


def code_fingerprint() -> str:
    """sha256 of the imported package's code and rule files and of ``requirements.txt``.

    Paths enter the hash relative to the package folder, so two copies of the same
    code hash alike wherever they are.
    """
    digest = hashlib.sha256()
    _hash_files(CODE_GLOBS, digest, root=config.PACKAGE_DIR, required=False)
    _hash_files((REQUIREMENTS,), digest, required=False)
    return digest.hexdigest()


def stale_runs(runs: list[Run], recorded: dict[str, str], force: bool = False,
               code_hash: str | None = None) -> tuple[list[Run], dict[str, str]]:
    """The runs to execute and every run's current fingerprint.

    A run is stale when forced, when its recorded fingerprint differs, or when
    its executed notebook is missing.
    """
    code_hash = code_hash or code_fingerprint()
    cache: dict = {}  # each input file is read once, however many runs declare it
    wanted = {run.output: fingerprint(run, code_hash, cache) for run in runs}
    stale = [r for r in runs if force or recorded.get(r.output) != wanted[r.output]
             or not r.output_path.is_file()]
    return stale, wanted


def read_build_manifest(path: Path | None = None) -> dict[str, str]:
    """The recorded fingerprints ``{output: sha256}``; empty if the file is absent.

    An unreadable manifest (for example one left with merge-conflict markers) is
    reported and treated as empty: every notebook re-executes, nothing stale is kept.
    """
    path = Path(path or BUILD_MANIFEST)
    if not path.is_file():
        return {}
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(recorded, dict):
            raise ValueError("not a JSON object")
    except ValueError as err:
        print(f"warning: {path} is unreadable ({err}); re-executing every notebook", file=sys.stderr)
        return {}
    return recorded


def set_title(nb, title: str) -> None:
    """Replace the first ``# `` heading of the notebook with ``# {title}`` (markup escaped)."""
    title = escape_markdown(title)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            lines = cell.source.split("\n")
            for i, line in enumerate(lines):
                if line.startswith("# "):
                    lines[i] = f"# {title}"
                    cell.source = "\n".join(lines)
                    return


def fill_figure_names(nb, parameters: dict) -> None:
    """Fill ``{parameter}`` placeholders in figure labels, so each run's labels are unique.

    A template executed once per source labels its figures ``fig-x-{source_id}``.
    """
    for cell in nb.cells:
        figure = cell.metadata.get("mystnb", {}).get("figure", {})
        if "name" in figure:
            figure["name"] = figure["name"].format(**parameters)


def strip_volatile(nb) -> None:
    """Remove timings and other run-specific metadata, hide the injected parameters."""
    papermill_meta = nb.metadata.get("papermill", {})
    nb.metadata["papermill"] = {k: papermill_meta[k] for k in ("parameters",) if k in papermill_meta}
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags:
            cell["id"] = "injected-parameters"  # papermill draws a random id
        if "injected-parameters" in tags or "parameters" in tags:
            cell.metadata["tags"] = sorted(set(tags) | set(HIDDEN_TAGS))


def _failed_cell(template: Path, source: str, index: int) -> str:
    """Name the template cell that raised: its index in the template, id and first line.

    Papermill's index counts the injected-parameters cell; the template's does not,
    so the cell is found by its source.
    """
    import nbformat

    cells = nbformat.read(template, as_version=4).cells
    for number, cell in enumerate(cells):
        if cell.cell_type == "code" and cell.source == source:
            index, cell_id = number, cell.get("id", "?")
            break
    else:
        cell_id = "?"
    first = next((line for line in source.splitlines() if line.strip()), "").strip()
    return f"cell {index} (id {cell_id}: `{first[:60]}`)"


# Printed by every ipykernel 7 started over loopback TCP (see TOOLCHAIN.md), and by a kernel that
# jupyter_client interrupts while shutting it down after the last cell: harmless, and noise.
KERNEL_NOISE = re.compile(r"Kernel is running over TCP without encryption|KeyboardInterrupt caught in kernel")


@contextlib.contextmanager
def _kernel_stderr_filtered():
    """Collect what kernels write to stderr (file descriptor 2) and pass it on without known noise."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as capture:
        os.dup2(capture.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            capture.seek(0)
            lines = capture.read().decode("utf-8", errors="replace").splitlines(keepends=True)
            kept = "".join(line for line in lines if not KERNEL_NOISE.search(line))
            if kept.strip():
                sys.stderr.write(kept)
                sys.stderr.flush()


def execute_one(run: Run) -> str:
    """Execute one run into a temporary file, then replace its output atomically.

    Returns the output path. On failure raises :class:`RunError` naming the
    notebook and the failing cell (its 0-based index among the template's cells);
    the previous executed notebook is untouched.
    """
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    where = f"{run.template} → {run.output}"
    with tempfile.TemporaryDirectory(prefix="sonla-run-") as tmp, _kernel_stderr_filtered():
        scratch = Path(tmp) / run.output_path.name
        run.output_path.parent.mkdir(parents=True, exist_ok=True)
        try:
            papermill.execute_notebook(
                str(run.template_path),
                str(scratch),
                parameters=run.parameters,
                cwd=str(run.output_path.parent),
                progress_bar=False,
                kernel_name="python3",
                start_timeout=KERNEL_START_TIMEOUT,
            )
        except PapermillExecutionError as err:
            cell = _failed_cell(run.template_path, err.source, err.cell_index)
            raise RunError(
                f"{where}: {cell} raised {err.ename}: {err.evalue} (previous executed version kept)"
            ) from None
        except Exception as err:  # kernel died, bad JSON, ...
            raise RunError(f"{where}: {type(err).__name__}: {err} (previous executed version kept)") from None
        nb = nbformat.read(scratch, as_version=4)
    strip_volatile(nb)
    fill_figure_names(nb, run.parameters)
    if run.title:
        set_title(nb, run.title)
    text = nbformat.writes(nb) + "\n"
    # Same bytes as before: leave the file (and its mtime) alone, so `make html` has nothing to do.
    if not run.output_path.is_file() or run.output_path.read_text(encoding="utf-8") != text:
        write_text_atomic(run.output_path, text)
    return run.output


def _write_manifest(path: Path, recorded: dict[str, str], declared: set[str]) -> None:
    """Save the fingerprints of the declared outputs (sorted; undeclared ones forgotten)."""
    kept = {k: recorded[k] for k in sorted(recorded) if k in declared}
    text = json.dumps(kept, indent=2, sort_keys=True) + "\n"
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        write_text_atomic(path, text)


def execute_runs(runs: list[Run], jobs: int | None = None, force: bool = False,
                 manifest_path: Path | None = None, only: list[str] | None = None) -> list[str]:
    """Execute the runs whose fingerprint changed, ``jobs`` at a time.

    ``only`` limits execution to the runs whose output contains one of the strings.
    The build manifest is updated after every notebook that succeeds.

    Returns the outputs executed. Raises :class:`RunError` listing every
    notebook that failed, after the others have finished and been recorded.
    """
    manifest_path = Path(manifest_path or BUILD_MANIFEST)
    recorded = read_build_manifest(manifest_path)
    stale, wanted = stale_runs(runs, recorded, force=force)
    if stale:
        check_published()  # never execute a chapter on a damaged or mixed set of tables
    skipped = 0
    if only:
        selected = [r for r in stale if any(s in r.output for s in only)]
        skipped, stale = len(stale) - len(selected), selected
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(stale) or 1))
    print(f"notebooks: {len(runs)} declared, {len(runs) - len(stale) - skipped} current, "
          + (f"{skipped} stale but not selected by --only, " if skipped else "")
          + f"{len(stale)} to execute" + (f" ({jobs} at a time)" if stale else ""), flush=True)
    done, failures = [], []
    started = time.perf_counter()
    if stale:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(execute_one, run): run for run in stale}
            for count, future in enumerate(as_completed(futures), start=1):
                run = futures[future]
                elapsed = time.perf_counter() - started
                try:
                    future.result()
                except Exception as err:  # RunError names the cell; anything else (a worker died) too
                    failures.append(str(err) if isinstance(err, RunError)
                                    else f"{run.output}: {type(err).__name__}: {err} (previous version kept)")
                    print(f"  [{count}/{len(stale)}] FAILED   {run.output} ({elapsed:.1f} s)", flush=True)
                    continue
                done.append(run.output)
                recorded[run.output] = wanted[run.output]
                _write_manifest(manifest_path, recorded, set(wanted))
                print(f"  [{count}/{len(stale)}] executed {run.output} ({elapsed:.1f} s)", flush=True)
    _write_manifest(manifest_path, recorded, set(wanted))
    if stale:
        print(f"notebooks: {len(done)} executed, {len(failures)} failed in "
              f"{time.perf_counter() - started:.1f} s", flush=True)
    if failures:
        raise RunError(f"notebook execution failed ({len(failures)} of {len(stale)}):\n  "
                       + "\n  ".join(failures))
    return done


def remove_undeclared(runs: list[Run], book_dir: Path | None = None) -> list[Path]:
    """Remove every executed notebook under ``book/`` that none of ``runs`` writes; return them.

    Every ``.ipynb`` under ``book/`` is an executed chapter (hand-written pages are Markdown).
    """
    book_dir = Path(book_dir or config.BOOK_DIR)
    declared = {run.output_path.resolve() for run in runs}
    removed = [path for path in sorted(book_dir.rglob("*.ipynb"))
               if ".ipynb_checkpoints" not in path.parts and path.resolve() not in declared]
    for path in removed:
        path.unlink()
        print(f"  removed  {path} (no run declares it)", flush=True)
    return removed


def main(argv: list[str] | None = None) -> int:
    """``sonla notebooks``: execute the declared runs that are stale (errors raise, named)."""
    parser = ArgumentParser(prog="sonla notebooks", description=NOTEBOOKS_HELP)
    add_arguments(parser)
    args = parser.parse_args(argv)
    runs = load_runs(args.runs)
    if args.dry_run:
        stale, _ = stale_runs(runs, read_build_manifest(), force=args.force)
        for run in stale:
            if not args.only or any(s in run.output for s in args.only):
                print(run.output)
        return 0
    if Path(args.runs).resolve() == RUNS_FILE.resolve():
        remove_undeclared(runs)
    execute_runs(runs, jobs=args.jobs, force=args.force, only=args.only)
    return 0


NOTEBOOKS_HELP = "Execute the chapters of notebooks/runs.yml whose inputs changed; remove undeclared ones."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``sonla notebooks``."""
    parser.add_argument("--runs", type=Path, default=RUNS_FILE, help="declared runs (YAML)")
    parser.add_argument("--jobs", "-j", type=int, default=os.cpu_count(),
                        help="notebooks executed in parallel (default: the number of cores)")
    parser.add_argument("--force", action="store_true", help="execute every run, current or not")
    parser.add_argument("--only", nargs="*", default=None,
                        help="execute only the runs whose output path contains one of these strings")
    parser.add_argument("--dry-run", "-n", action="store_true",
                        help="list the runs that would execute (one output per line) and stop")


if __name__ == "__main__":
    raise SystemExit(run_command(main))
