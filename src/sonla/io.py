"""Atomic writes: a file is either its old version or its complete new one, never half-written."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import SonlaError

if TYPE_CHECKING:  # pandas is imported by callers that have frames; the runner need not pay for it
    import pandas as pd

__all__ = ["read_yaml", "write_bytes_atomic", "write_text_atomic", "write_csv_atomic"]


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename.

    The rename is atomic on POSIX, so a crash leaves the previous file intact.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_text_atomic(path: str | os.PathLike, text: str) -> Path:
    """Write UTF-8 text atomically, with ``\\n`` line endings whatever the platform."""
    return write_bytes_atomic(path, text.encode("utf-8"))


def write_csv_atomic(path: str | os.PathLike, frame: pd.DataFrame) -> Path:
    """Write a DataFrame as UTF-8 CSV (no index, ``\\n`` line endings) atomically."""
    return write_text_atomic(path, frame.to_csv(index=False, lineterminator="\n"))


def read_yaml(path: str | os.PathLike) -> object:
    """Parse a YAML file safely, with libyaml's C parser when PyYAML has it (ten times faster).

    Raises :class:`SonlaError` naming the file when it cannot be read or parsed.
    """
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    path = Path(path)
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 (a safe loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise SonlaError(f"{path}: cannot read the YAML file: {err}") from err
