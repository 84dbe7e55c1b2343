"""Markup in a source is shown as text on every page, never executed or interpreted.

A synthetic source whose text, title and notes hold an HTML script, a Jinja/MyST
substitution, MyST roles and an inline-math trap is added to a temporary copy of the
project; the pipeline, its notebooks and the whole HTML book are built there
(``SONLA_ROOT``), and every built page is searched for the markup in live form.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import add_source
from tempproject import copy_project, run_in

from sonla.build.markup import escape_markdown

SCRIPT = "<script>alert(1)</script>"
IMAGE = '<img src="x" onerror="alert(2)">'
MARKUP = f"{SCRIPT} {IMAGE} {{{{ x }}}} {{glue}}`x` {{download}}`../../etc/passwd` $\\alert$"
TEXT = (
    "Tổng vốn đầu tư toàn xã hội đạt hơn 1.200 tỷ đồng, tăng 12,5% so với năm 2020.\n\n"
    f"Đoạn văn có mã: {MARKUP}\n\n"
    "```{code-cell} python\nimport os; os.system('touch /tmp/sonla-pwned')\n```\n\n"
    "Tỷ lệ hộ nghèo giảm còn 1,2%.\n"
)
SOURCE_ID = "markup-test"


@pytest.mark.parametrize(
    "text", [SCRIPT, "{{ x }}", "{glue}`x`", "{download}`a`", "$x$", "# h", "[a](b)"],
    ids=["script", "substitution", "glue-role", "download-role", "math", "heading", "link"],
)
def test_escape_markdown_leaves_no_markup_character_bare(text):
    escaped = escape_markdown(text)
    bare = [c for i, c in enumerate(escaped) if c in "<>{}`$#[]" and (i == 0 or escaped[i - 1] != "\\")]
    assert bare == []


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The temporary project with the markup source added and the book built."""
    root = copy_project(tmp_path_factory.mktemp("safety") / "project")
    add_source(root / "data/raw", SOURCE_ID, TEXT, title_en=f"Markup test {SCRIPT} {{glue}}`x` {{{{ x }}}}",
               title_vi=f"Kiểm thử {IMAGE}", notes=MARKUP, issuer=SCRIPT, short_title=f"Markup {SCRIPT}")
    result = run_in(root, "-m", "sonla", "data")
    assert result.returncode == 0, result.stderr
    result = run_in(root, "-m", "sonla", "reader")  # the new source's reader page
    assert result.returncode == 0, result.stderr
    result = run_in(root, "-m", "sonla", "toc")  # its pages' _toc.yml entries (sidebar short title)
    assert result.returncode == 0, result.stdout + result.stderr
    # Every chapter that depends on the new source (its profile, and any per-source page).
    result = run_in(root, "-m", "sonla", "notebooks", "--only", SOURCE_ID)
    assert result.returncode == 0, result.stdout + result.stderr
    shutil.rmtree(root / "_build", ignore_errors=True)
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    result = subprocess.run([str(jupyter_book), "build", "--all", "-W", "-n", "--keep-going", str(root)],
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return root


def _pages(root: Path) -> list[Path]:
    pages = sorted((root / "_build/html").rglob("*.html"))
    assert len(pages) > 3
    return pages


@pytest.mark.slow
def test_no_built_page_holds_live_markup(built):
    for page in _pages(built):
        html = page.read_text(encoding="utf-8")
        assert SCRIPT not in html, page
        assert "<img src=\"x\"" not in html, page  # as escaped text (&lt;img ...) it is harmless
    assert not Path("/tmp/sonla-pwned").exists()


@pytest.mark.slow
def test_the_profile_page_shows_the_markup_as_text(built):
    page = next(p for p in _pages(built) if p.name == f"{SOURCE_ID}.html")
    html = page.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown, escaped
    assert "{glue}" in html and "{{ x }}" in html  # not interpreted: still there as text
    assert "Markup &lt;script&gt;alert(1)&lt;/script&gt;" in html  # the sidebar's short title, as text


@pytest.mark.slow
def test_the_executed_profile_has_no_live_markup(built):
    path = built / f"book/profiles/{SOURCE_ID}.ipynb"
    nb = nbformat.read(path, as_version=4)
    title = next(c.source for c in nb.cells if c.cell_type == "markdown")
    assert title.startswith("# Source profile: Markup test \\<script\\>")
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html", "")
            assert SCRIPT not in html
            assert IMAGE not in html
    assert "alert(1)" in json.dumps(nb)  # the markup is on the page, as text
