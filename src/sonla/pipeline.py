"""The data pipeline: verified raw sources → every file in ``data/processed/``.

``python -m sonla.pipeline`` (or ``make data``) verifies the manifest and every
raw file's sha256 first; nothing is written unless every source verifies. Each
stage then writes its outputs atomically, and only when their bytes change, so
an unchanged rebuild touches no file.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from . import config
from .claims import stage_claims
from .errors import SonlaError
from .io import write_bytes_atomic
from .profiles import profile_sources
from .sources import Source, load_sources

__all__ = ["STAGES", "run_pipeline", "write_if_changed"]


def write_if_changed(path: Path, data: bytes | str | pd.DataFrame) -> bool:
    """Atomically write ``data`` unless the file already holds exactly these bytes."""
    if isinstance(data, pd.DataFrame):
        data = data.to_csv(index=False, lineterminator="\n")
    if isinstance(data, str):
        data = data.encode("utf-8")
    path = Path(path)
    if path.is_file() and path.read_bytes() == data:
        return False
    write_bytes_atomic(path, data)
    return True


def stage_profiles(sources: list[Source], earlier: dict[str, object]) -> dict[str, object]:
    return {"source_profiles.csv": profile_sources(sources)}


# A stage maps the verified sources and the outputs of the stages before it
# ({file name: content}) to its own outputs {file name in data/processed: content}.
# Content is a DataFrame (written as CSV), str or bytes. Stages run in this order.
Stage = Callable[[list[Source], dict[str, object]], dict[str, object]]
STAGES: list[tuple[str, Stage]] = [
    ("profiles", stage_profiles),
    ("claims", stage_claims),
]


def run_pipeline(raw_dir: Path | None = None, out_dir: Path | None = None,
                 verbose: bool = True) -> dict[str, bool]:
    """Verify the sources, run every stage, return {output path: whether it changed}.

    All outputs of a stage are computed before any is written, so a stage that
    fails writes nothing.
    """
    raw_dir = Path(raw_dir or config.RAW_DIR)
    out_dir = Path(out_dir or config.PROCESSED_DIR)
    started = time.perf_counter()
    sources = load_sources(raw_dir / "sources.csv", raw_dir)
    if verbose:
        print(f"verified {len(sources)} sources in {raw_dir}", flush=True)
    changed: dict[str, bool] = {}
    results: dict[str, object] = {}
    for name, stage in STAGES:
        outputs = stage(sources, results)
        results.update(outputs)
        for filename, content in outputs.items():
            path = out_dir / filename
            changed[str(path)] = write_if_changed(path, content)
            if verbose:
                state = "written" if changed[str(path)] else "unchanged"
                print(f"  {name:<12} {path} ({state})", flush=True)
    if verbose:
        print(f"pipeline done in {time.perf_counter() - started:.2f} s", flush=True)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build data/processed/ from the verified raw sources.")
    parser.add_argument("--raw", type=Path, default=config.RAW_DIR, help="folder with sources.csv")
    parser.add_argument("--out", type=Path, default=config.PROCESSED_DIR, help="output folder")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    try:
        run_pipeline(args.raw, args.out, verbose=not args.quiet)
    except SonlaError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
