"""The ``sonla`` command (sonla.cli; issue 12 item 6): one entry point, the Makefile calls it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from sonla import cli, config


def _sonla(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sonla", *args], cwd=config.ROOT, capture_output=True,
                          text=True)


def test_the_console_script_is_declared_and_installed():
    import tomllib

    pyproject = tomllib.loads((config.ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    scripts = pyproject["project"]["scripts"]
    assert scripts == {"sonla": "sonla.cli:main"}
    script = Path(sys.executable).with_name("sonla")
    assert script.is_file(), "run `make venv`"
    done = subprocess.run([str(script), "--help"], cwd=config.ROOT, capture_output=True, text=True)
    assert done.returncode == 0 and "COMMAND" in done.stdout


def test_help_lists_every_command():
    done = _sonla("--help")
    assert done.returncode == 0
    for name in cli.COMMANDS:
        assert re.search(rf"^\s+{name}\b", done.stdout, re.M), name


@pytest.mark.parametrize("name", sorted(cli.COMMANDS))
def test_every_command_has_help(name):
    done = _sonla(name, "--help")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"usage: sonla {name}")


def test_every_command_module_exists():
    import importlib

    for name, command in cli.COMMANDS.items():
        if command.module:
            assert callable(importlib.import_module(command.module).main), name


def test_verify_through_the_command():
    done = _sonla("verify")
    assert done.returncode == 0, done.stderr
    assert re.search(r"raw data: \d+ sources verified", done.stdout)


def test_an_unknown_command_is_one_error_line():
    done = _sonla("bogus")
    assert done.returncode == 1
    assert done.stderr.startswith("error: sonla: argument COMMAND: invalid choice: 'bogus'")
    assert len(done.stderr.strip().splitlines()) == 1


def _make_dry(target: str) -> str:
    return subprocess.run(["make", "-n", "--no-print-directory", "-o", ".venv/.installed", target],
                          cwd=config.ROOT, capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize(("target", "command"), [
    ("verify", "verify"), ("data", "data"), ("notebooks", "reader"), ("notebooks", "toc"),
    ("notebooks", "notebooks"), ("html", "html"), ("html-force", "html --force"), ("bench", "bench"),
])
def test_the_makefile_calls_the_command(target, command):
    assert f"-m sonla {command}" in _make_dry(target)


def test_make_test_runs_lint_first_and_make_test_fast_skips_the_slow_parts():
    makefile = (config.ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\ntest: ", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    assert recipe[0].strip() == "$(MAKE) --no-print-directory lint"
    fast = [line for line in _make_dry("test-fast").splitlines() if "pytest" in line]
    assert len(fast) == 1 and '"not browser and not pdf and not slow"' in fast[0] and "--nbval" not in fast[0]


def test_scripts_holds_only_what_is_not_part_of_the_package():
    assert sorted(p.name for p in (config.ROOT / "scripts").iterdir() if p.suffix == ".py") == [
        "annotation_sheet.py", "findings_sheet.py", "sync_environment.py"]
