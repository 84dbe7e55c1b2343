"""The project root is the checkout a command runs in (issue 17, case 1).

A copy of the project (``cp -a``, its ``.venv`` included) used to verify and write the
*original's* ``data/raw`` and ``data/processed``: the root came from where the package was
installed, and the editable install points back to the original.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import add_source
from tempproject import snapshot

from sonla import config

PYPROJECT = '[project]\nname = "sonla"\nversion = "0"\n'


def _checkout(folder: Path, package: bool = False) -> Path:
    folder.mkdir(parents=True)
    (folder / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    if package:
        (folder / "src/sonla").mkdir(parents=True)
        (folder / "src/sonla/__init__.py").write_text("", encoding="utf-8")
    return folder


def test_the_root_is_found_from_the_working_directory_upward(tmp_path):
    root = _checkout(tmp_path / "copy")
    (root / "book/profiles").mkdir(parents=True)
    assert config.find_root(cwd=root / "book/profiles", environ={}) == root.resolve()


def test_sonla_root_comes_first(tmp_path):
    root = _checkout(tmp_path / "copy")
    elsewhere = tmp_path / "data-only"
    elsewhere.mkdir()
    assert config.find_root(cwd=root, environ={"SONLA_ROOT": str(elsewhere)}) == elsewhere.resolve()


def test_another_projects_pyproject_is_not_a_root(tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "pyproject.toml").write_text('[project]\nname = "something-else"\n', encoding="utf-8")
    package = tmp_path / "nowhere/src/sonla"
    assert config.find_root(cwd=other, environ={}, package_dir=package) is None
    assert config.root_problem(None).startswith("no project root")


def test_a_checkout_whose_package_is_not_the_running_one_is_refused(tmp_path):
    root = _checkout(tmp_path / "copy", package=True)
    problem = config.root_problem(root, package_dir=config.PACKAGE_DIR)
    assert str(root) in problem and str(config.PACKAGE_DIR) in problem and "make venv" in problem
    # A copy of the data and the book alone (no package of its own) runs the installed package.
    assert config.root_problem(_checkout(tmp_path / "data-only"), package_dir=config.PACKAGE_DIR) == ""
    assert config.root_problem(config.ROOT) == ""


def test_the_command_refuses_a_checkout_with_another_package(tmp_path):
    root = _checkout(tmp_path / "copy", package=True)
    env = {k: v for k, v in os.environ.items() if k != "SONLA_ROOT"}
    done = subprocess.run([sys.executable, "-m", "sonla", "verify"], cwd=root, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stderr.count("error:") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"error: {root.resolve()} is a checkout of the project, but this Python "
                                  "runs the package of another checkout"), done.stderr


@pytest.mark.slow
def test_a_copy_of_the_project_works_on_itself(tmp_path):
    """`cp -a` of the checkout with its .venv, a new source in the copy, `make data` there."""
    copy = tmp_path / "copy"
    copy.mkdir()
    for entry in config.ROOT.iterdir():
        if entry.name in (".git", "_build") or entry.name.startswith((".pytest", ".ruff", ".hypothesis")):
            continue
        subprocess.run(["cp", "-a", str(entry), str(copy / entry.name)], check=True)
    original = snapshot(config.PROCESSED_DIR)
    original_raw = snapshot(config.RAW_DIR)
    add_source(copy / "data/raw", "copy-only", "Tổng vốn đầu tư toàn xã hội đạt 1.234 tỷ đồng.\n")
    env = {k: v for k, v in os.environ.items()
           if k not in ("SONLA_ROOT", "VIRTUAL_ENV", "MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    done = subprocess.run(["make", "--no-print-directory", "data"], cwd=copy, env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    where = re.escape(f"{copy.resolve()}/data/raw")
    assert re.search(rf"verified 6 sources \(.*\) in {where}", done.stdout), done.stdout
    assert "reinstalling the package from" in done.stdout
    claims = (copy / "data/processed/claims.csv").read_text(encoding="utf-8")
    assert "copy-only-" in claims
    # The copy's environment now runs the copy's package; the original is untouched.
    spec = subprocess.run([str(copy / ".venv/bin/python"), "-c", "import sonla; print(sonla.__file__)"],
                          cwd=copy, env=env, capture_output=True, text=True, check=True).stdout
    assert spec.strip() == str(copy.resolve() / "src/sonla/__init__.py")
    reader = subprocess.run([str(copy / ".venv/bin/python"), "-m", "sonla", "reader"], cwd=copy, env=env,
                            capture_output=True, text=True)
    assert reader.returncode == 0, reader.stderr
    assert (copy / "book/sources/copy-only.md").is_file()
    assert not (config.BOOK_DIR / "sources/copy-only.md").exists()
    assert snapshot(config.PROCESSED_DIR) == original
    assert snapshot(config.RAW_DIR) == original_raw
    shutil.rmtree(copy)
