"""``sonla html`` removes what no page of the table of contents makes (issue 17, case 7).

A removed source's profile chapter stayed in ``_build/html`` (and downloadable in ``_sources``),
as did the pages of earlier runs: Sphinx writes and overwrites files, it never deletes them.
"""

from __future__ import annotations

from pathlib import Path

from sonla import config
from sonla.build.html import jupyter_book_command, remove_stale_pages, toc_docnames


def _page(html: Path, name: str, body: str = "") -> Path:
    path = html / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"<html>{body}</html>", encoding="utf-8")
    return path


def test_pages_no_document_makes_are_removed_and_nothing_else(tmp_path):
    html = tmp_path / "html"
    keep = [_page(html, "book/intro.html", '<img src="../_images/kept.png">'),
            _page(html, "book/profiles/report.html", '<a href="../../_downloads/ab/claims.csv">'),
            _page(html, "index.html"), _page(html, "search.html"), _page(html, "genindex.html"),
            _page(html, "_static/webpack-macros.html"), _page(html, "_images/kept.png"),
            _page(html, "_downloads/ab/claims.csv"), _page(html, "_sources/book/intro.ipynb"),
            _page(html, "_sources/book/profiles/report.ipynb"), _page(html, "sonla-book.pdf")]
    gone = [_page(html, "book/profiles/removed.html", '<img src="../../_images/gone.png">'),
            _page(html, "_sources/book/profiles/removed.ipynb"), _page(html, "_sources/book/old-run.md.txt"),
            _page(html, "book/old-run.html"), _page(html, "_images/gone.png"),
            _page(html, "_downloads/cd/removed.repaired.txt")]
    removed = remove_stale_pages(html, {"book/intro", "book/profiles/report"})
    assert sorted(removed) == sorted(gone)
    assert all(p.is_file() for p in keep) and not any(p.exists() for p in gone)
    assert not (html / "_downloads/cd").exists()  # emptied folders go too


def test_the_documents_are_those_of_the_table_of_contents():
    names = toc_docnames()
    assert {"book/intro", "book/profiles/report", "book/sources/report", "book/how-to-cite"} <= names
    assert all((config.ROOT / f"{n}.ipynb").is_file() or (config.ROOT / f"{n}.md").is_file() for n in names)


def test_jupyter_book_runs_with_this_python():
    """Not .venv/bin/jupyter-book, whose first line names the Python it was installed with."""
    assert jupyter_book_command()[0] == __import__("sys").executable
