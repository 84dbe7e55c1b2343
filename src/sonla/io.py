"""Atomic writes (a file is either its old version or its complete new one) and YAML reading."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import SonlaError

__all__ = ["read_yaml", "write_bytes_atomic", "write_text_atomic"]


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename.

    The rename is atomic on POSIX, so a crash leaves the previous file intact. The file gets the
    permissions any new file gets here (0666 less the umask), not the 0600 of a temporary file:
    published data must be readable by the people and services that serve it.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _umask() -> int:
    mask = os.umask(0)  # the only portable way to read it is to set it, then put it back
    os.umask(mask)
    return mask


def write_text_atomic(path: str | os.PathLike, text: str) -> Path:
    """Write UTF-8 text atomically, with ``\\n`` line endings whatever the platform."""
    return write_bytes_atomic(path, text.encode("utf-8"))


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
