"""`make html` rebuilds exactly when an input of the HTML changed, judged by content, not mtime."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tempproject import copy_project

from sonla import config
from sonla.build import htmlstamp


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = copy_project(tmp_path / "project", parts=("book", "data/processed", "_toc.yml", "_config.yml"))
    (root / "_build/html").mkdir(parents=True)
    (root / "_build/html/index.html").write_text("<html></html>")
    monkeypatch.setattr(config, "ROOT", root)
    monkeypatch.setattr(config, "BUILD_DIR", root / "_build")
    monkeypatch.setattr(htmlstamp, "STAMP", root / "_build/.html-fingerprint")
    htmlstamp.record()
    return root


def _append(path: str, text: str = "\n"):
    def change(root: Path) -> None:
        with (root / path).open("a", encoding="utf-8") as handle:
            handle.write(text)
    return change


def _rewrite_same_bytes(root: Path) -> None:
    for path in (root / "book").rglob("*.ipynb"):
        path.write_bytes(path.read_bytes())
        os.utime(path, (2e9, 2e9))


def _new_page(root: Path) -> None:
    (root / "book/sources").mkdir(exist_ok=True)
    (root / "book/sources/new.md").write_text("# A new page\n")


CASES = [
    ("nothing", lambda root: None, True),
    ("same-bytes-newer-mtime", _rewrite_same_bytes, True),
    ("build-manifest-changed", _append("book/build-manifest.json"), True),
    ("chapter-changed", _append("book/intro.ipynb"), False),
    ("new-page", _new_page, False),
    ("toc-changed", _append("_toc.yml", "# comment\n"), False),
    ("config-changed", _append("_config.yml", "# comment\n"), False),
    ("processed-data-changed", _append("data/processed/source_profiles.csv", "x\n"), False),
    ("html-deleted", lambda root: (root / "_build/html/index.html").unlink(), False),
]


@pytest.mark.parametrize(("change", "current"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_html_is_current_exactly_when_no_input_changed(project, change, current):
    change(project)
    assert htmlstamp.is_current() is current
    assert htmlstamp.main(["check"]) == (0 if current else 1)


def test_forget_makes_the_next_build_run(project):
    htmlstamp.main(["forget"])
    assert not htmlstamp.is_current()
