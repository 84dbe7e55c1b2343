"""One source of truth for pins: environment.yml is generated from requirements.txt."""

from __future__ import annotations

import subprocess
import sys

import yaml

from sonla import config


def test_environment_yml_matches_requirements():
    result = subprocess.run(
        [sys.executable, "scripts/sync_environment.py", "--check"], cwd=config.ROOT,
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr


def test_environment_pins_are_the_requirements():
    env = yaml.safe_load((config.ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    reqs = [
        line.split("#")[0].strip()
        for line in (config.ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
        if line.split("#")[0].strip()
    ]
    assert [p for p in pip if "==" in p] == reqs
    assert "python=3.11" in env["dependencies"]


def test_every_requirement_is_pinned_exactly():
    for line in (config.ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            assert "==" in line, line


def test_jupyter_book_is_the_1x_line():
    text = (config.ROOT / "requirements.txt").read_text(encoding="utf-8")
    assert "jupyter-book==1." in text
