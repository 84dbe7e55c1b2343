"""Is the built HTML current? A content hash of everything the HTML is built from.

``sonla html`` (:mod:`sonla.build.html`) builds only when :func:`is_current` is false, and
after a build without warnings calls :func:`record`; ``sonla htmlstamp check|record|forget`` does
each step alone. Content
hashes, not modification times, decide: a generator that rewrites a page with the same
bytes, or a ``git checkout`` that touches files, does not trigger a rebuild, and a
changed byte always does.

What the HTML is built from: every file under ``book/`` except the runner's
``build-manifest.json`` (fingerprints, never rendered), ``_toc.yml``, ``_config.yml``, the
files in ``data/processed/`` (pages may link to them) and the Sphinx extension in this package.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from .. import config
from ..console import run_command
from ..errors import SonlaError

__all__ = ["html_inputs", "html_fingerprint", "STAMP", "is_current", "record", "main"]

STAMP = config.BUILD_DIR / ".html-fingerprint"
NOT_RENDERED = "build-manifest.json"


def html_inputs(root: Path | None = None) -> list[Path]:
    """The files the HTML depends on, sorted."""
    root = Path(root or config.ROOT)
    files = [p for p in (root / "book").rglob("*")
             if p.is_file() and not p.name.startswith(".") and p.name != NOT_RENDERED]
    files += [root / "_toc.yml", root / "_config.yml"]
    files += [p for p in (root / "data" / "processed").glob("*") if p.is_file()]
    files.append(config.PACKAGE_DIR / "build" / "sphinxext.py")
    return sorted(p for p in files if p.is_file())


def html_fingerprint(root: Path | None = None) -> str:
    """sha256 over the relative path and bytes of every input of the HTML."""
    root = Path(root or config.ROOT)
    digest = hashlib.sha256()
    for path in html_inputs(root):
        name = path.relative_to(root) if path.is_relative_to(root) else Path("sonla") / path.name
        digest.update(str(name).encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def is_current(stamp: Path | None = None) -> bool:
    """True if the HTML exists and was built from exactly the current inputs."""
    stamp = Path(stamp or STAMP)
    index = config.BUILD_DIR / "html" / "index.html"
    return index.is_file() and stamp.is_file() and stamp.read_text().strip() == html_fingerprint()


def record(stamp: Path | None = None) -> None:
    """Remember the current inputs as built (call only after a successful build)."""
    stamp = Path(stamp or STAMP)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(html_fingerprint() + "\n")


COMMANDS = ("check", "record", "forget")


def main(argv: list[str] | None = None) -> int:
    """``check``: exit 0 if the HTML is current, 1 if not; ``record``; ``forget``."""
    command = (list(argv) if argv is not None else sys.argv[1:] or ["check"])[0]
    if command == "check":
        return 0 if is_current() else 1
    if command == "record":
        record()
        return 0
    if command == "forget":
        STAMP.unlink(missing_ok=True)
        return 0
    raise SonlaError(f"unknown command {command!r}: one of {', '.join(COMMANDS)}")


if __name__ == "__main__":
    raise SystemExit(run_command(main))
