"""``sonla html``: the strict HTML build of the book, only when a page changed, without stale pages.

The build is ``jupyter-book build --all -W -n --keep-going`` (warnings are errors), started with
this Python (:func:`jupyter_book_command`), and skipped when :mod:`sonla.build.htmlstamp` says
nothing it is built from changed. After a build, :func:`remove_stale_pages` removes from
``_build/html/`` what no page of the table of contents produced any more — the page and the
downloadable source of a removed source's chapters, the pages of renamed runs, and the images and
downloads no remaining page links to — since Sphinx adds and overwrites files but never deletes
them.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

from .. import config
from ..console import ArgumentParser, run_command
from ..errors import SonlaError
from . import htmlstamp

__all__ = ["jupyter_book_command", "toc_docnames", "remove_stale_pages", "build_html", "main"]

HTML_DIR = config.BUILD_DIR / "html"
ASSET_FOLDERS = ("_images", "_downloads")


def jupyter_book_command() -> list[str]:
    """Jupyter Book run by this Python.

    Not the ``.venv/bin/jupyter-book`` script: its first line names the Python of the
    environment it was installed in, so in a copied project it would run the original's.
    """
    return [sys.executable, "-c", "from jupyter_book.cli.main import main; main()"]


def toc_docnames(root: Path | None = None) -> set[str]:
    """Every document ``_toc.yml`` lists (globs expanded), e.g. ``book/profiles/report``."""
    from sphinx_external_toc.api import GlobItem
    from sphinx_external_toc.parsing import parse_toc_yaml

    root = Path(root or config.ROOT)
    site_map = parse_toc_yaml(root / "_toc.yml")
    names = set(site_map)
    for docname in list(site_map):
        for subtree in site_map[docname].subtrees:
            for item in subtree.items:
                if isinstance(item, GlobItem):
                    names |= {p.relative_to(root).with_suffix("").as_posix()
                              for suffix in (".ipynb", ".md") for p in root.glob(f"{item}{suffix}")}
    return names


def remove_stale_pages(html_dir: Path, docnames: set[str], pages_folder: str = "book") -> list[Path]:
    """Remove pages, page sources and assets of ``html_dir`` that no document of ``docnames`` made.

    Only the book's pages (under ``pages_folder``), their copies in ``_sources/`` and the files of
    ``_images/`` and ``_downloads/`` that no remaining page links to are considered; Sphinx's own
    pages (index, search, genindex) and static files are never touched. Returns what was removed.
    """
    html_dir = Path(html_dir)
    removed: list[Path] = []
    for page in sorted((html_dir / pages_folder).rglob("*.html")):
        if page.relative_to(html_dir).with_suffix("").as_posix() not in docnames:
            removed.append(page)
    sources = html_dir / "_sources"
    for copy in sorted((sources / pages_folder).rglob("*")):
        docname = re.sub(r"(\.ipynb|\.md|\.txt)+$", "", copy.relative_to(sources).as_posix())
        if copy.is_file() and docname not in docnames:
            removed.append(copy)
    for path in removed:
        path.unlink()
    kept = [p for p in html_dir.rglob("*.html") if p not in removed
            and not p.relative_to(html_dir).parts[0].startswith("_")]
    linked = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in kept)
    for folder in ASSET_FOLDERS:
        for asset in sorted((html_dir / folder).rglob("*")):
            if asset.is_file() and asset.relative_to(html_dir).as_posix() not in linked:
                asset.unlink()
                removed.append(asset)
    for folder in sorted({p.parent for p in removed}, key=lambda p: -len(p.parts)):
        while folder != html_dir and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
    return removed


def build_html(force: bool = False) -> bool:
    """Build the HTML unless it is current (or ``force``); return whether it was built.

    Raises :class:`SonlaError` when the strict build fails (the stamp is not recorded, so the
    next ``make html`` builds again).
    """
    if not force and htmlstamp.is_current():
        print("html: up to date (no page, _toc.yml or _config.yml changed)", flush=True)
        return False
    print("==> jupyter-book build --all -W -n --keep-going .", flush=True)
    started = time.perf_counter()
    command = [*jupyter_book_command(), "build", "--all", "-W", "-n", "--keep-going", str(config.ROOT)]
    done = subprocess.run(command, cwd=config.ROOT)
    if done.returncode != 0:
        raise SonlaError(f"jupyter-book build failed (exit {done.returncode}); the warnings above name the "
                         "page (strict build: a warning is an error)")
    removed = remove_stale_pages(HTML_DIR, toc_docnames())
    for path in removed:
        print(f"  removed  {path.relative_to(config.ROOT)} (no page of _toc.yml makes it)", flush=True)
    htmlstamp.record()
    print(f"html: built in {time.perf_counter() - started:.1f} s", flush=True)
    return True


def main(argv: list[str] | None = None) -> int:
    """``sonla html``: build the HTML when a page changed (errors raise, named)."""
    parser = ArgumentParser(prog="sonla html", description=HTML_HELP)
    add_arguments(parser)
    args = parser.parse_args(argv)
    build_html(force=args.force)
    return 0


HTML_HELP = ("Build the HTML into _build/html (strict; only when a page, _toc.yml or _config.yml changed) "
             "and remove the pages no chapter makes any more.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``sonla html``."""
    parser.add_argument("--force", action="store_true", help="build even if nothing changed")


if __name__ == "__main__":
    raise SystemExit(run_command(main))
