"""Every path the project uses, derived from the project root.

The root is the checkout the command runs in:

1. ``SONLA_ROOT``, when set (tests and benchmarks run on throw-away copies of the project);
2. otherwise the first folder, from the working directory upward, that holds a
   ``pyproject.toml`` naming the project ``sonla`` (so ``make`` in a copy of the project, or a
   kernel that papermill starts in ``book/profiles/``, works on that copy);
3. otherwise the checkout the package itself sits in (``<root>/src/sonla``).

A root that carries its own ``src/sonla`` must be the one the running code comes from: after
``cp -a`` of a checkout, the copied virtual environment still imports the *original's* package
(an editable install points back to it), and running that code on the copy would publish the copy's
data from another checkout's code. :func:`check_install` refuses that with a message saying how to
fix it (``make venv`` in the copy reinstalls the package from the copy); every command calls it
before it reads or writes anything. A root without a package of its own (a copy of the data and
the book only, as the tests make) runs the installed package.

This module imports nothing from the package, so that every other module can import it.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

__all__ = [
    "ROOT",
    "RAW_DIR",
    "PROCESSED_DIR",
    "ANNOTATIONS_DIR",
    "MANIFEST",
    "RULES_DIR",
    "NOTEBOOKS_DIR",
    "BOOK_DIR",
    "BUILD_DIR",
    "ProjectRootError",
    "find_root",
    "root_problem",
    "check_install",
]

PROJECT_NAME = "sonla"
PACKAGE_DIR = Path(__file__).resolve().parent


class ProjectRootError(Exception):
    """The project root cannot be found, or the running package belongs to another checkout."""


def is_project_root(folder: Path) -> bool:
    """True if ``folder`` holds a ``pyproject.toml`` whose ``[project] name`` is ``sonla``."""
    pyproject = folder / "pyproject.toml"
    try:
        with pyproject.open("rb") as handle:
            return tomllib.load(handle).get("project", {}).get("name") == PROJECT_NAME
    except (OSError, tomllib.TOMLDecodeError):
        return False


def find_root(cwd: Path | None = None, environ: dict[str, str] | None = None,
              package_dir: Path = PACKAGE_DIR) -> Path | None:
    """The project root (see the module docstring), or None when there is none."""
    environ = os.environ if environ is None else environ
    if environ.get("SONLA_ROOT"):
        return Path(environ["SONLA_ROOT"]).resolve()
    try:
        here = Path(cwd or Path.cwd()).resolve()
    except OSError:  # the working directory was removed
        here = None
    for folder in ([here, *here.parents] if here else []):
        if is_project_root(folder):
            return folder
    home = package_dir.parents[1]
    return home if is_project_root(home) else None


def root_problem(root: Path | None, package_dir: Path = PACKAGE_DIR) -> str:
    """Why ``root`` cannot be worked on with the package in ``package_dir`` (empty when it can).

    >>> root_problem(None).startswith("no project root")
    True
    """
    if root is None:
        return ("no project root: run the command inside a checkout of the project (a folder "
                "with its pyproject.toml) or set SONLA_ROOT to one")
    own = root / "src" / PROJECT_NAME
    if (own / "__init__.py").is_file() and own.resolve() != package_dir.resolve():
        return (f"{root} is a checkout of the project, but this Python runs the package of another "
                f"checkout ({package_dir}); run `make venv` in {root} (it reinstalls the package "
                f"from there), or use {root}/.venv/bin/python")
    return ""


_FOUND = find_root()
ROOT = _FOUND or PACKAGE_DIR.parents[1]


def check_install() -> None:
    """Raise :class:`ProjectRootError` if there is no root or the package is another checkout's."""
    problem = root_problem(_FOUND)
    if problem:
        raise ProjectRootError(problem)


RAW_DIR = ROOT / "data" / "raw"
PROCESSED_DIR = ROOT / "data" / "processed"
# Hand annotations (never written by the pipeline): the yardstick of the validity studies.
ANNOTATIONS_DIR = ROOT / "data" / "annotations"
MANIFEST = RAW_DIR / "sources.csv"
RULES_DIR = PACKAGE_DIR / "rules"
NOTEBOOKS_DIR = ROOT / "notebooks"
BOOK_DIR = ROOT / "book"
BUILD_DIR = ROOT / "_build"
# What a build of the book reads besides the package and the processed data: copies of the
# project (the benchmark's clean builds, the tests' temporary projects) take these.
BOOK_PARTS = ("data/raw", "data/bench", "data/annotations", "notebooks", "book", "scripts", "_static",
              "_extra",
              "requirements.txt", "pyproject.toml", "Makefile", "_toc.yml", "_config.yml")
