"""Print the whole book as one PDF: ``make pdf`` → ``_build/pdf/sonla-book.pdf``.

    sonla pdf            # build if any input changed
    sonla pdf --force    # build even if nothing changed
    sonla pdf --check    # exit 0 if the PDF is current, 1 if not

1. ``jupyter-book build --builder singlehtml -W -n --keep-going`` into its own folder,
   ``_build/pdf-html/`` (strict, like the HTML build): every chapter of ``_toc.yml`` on one page.
2. The page is served on 127.0.0.1 and opened in Debian's Chromium (``/usr/bin/chromium``,
   headless, through Playwright; nothing is fetched from outside). ``pdf.js`` (beside this module) adds
   a title page (title, authors, edition and commit, how to cite) and a table of contents,
   labels the parts, and turns links between pages into links inside the document;
   ``_static/print.css`` hides the site's chrome, keeps figures within the page, wraps wide
   tables and starts each chapter on a new page.
3. Chromium prints it (A4, page numbers in the footer, tagged PDF). A first print tells on
   which page each chapter starts; the contents get those numbers and the page is printed again.
4. pypdf adds (:mod:`sonla.build.pdfmarks`) the bookmarks (parts, chapters, their sections) and
   the metadata, with every date
   set to the time of the commit the book is built from, so the same commit, tools and fonts
   give the same bytes.
5. The PDF is copied to ``_build/html/sonla-book.pdf`` (when the HTML is built) so that the
   links "the whole book as a PDF" on the front page and on "How to cite" work in the published
   HTML.

A content hash of the inputs (every page, ``_toc.yml``, ``_config.yml``, ``_static/``,
``data/processed/``, the package's code and ``pdf.js``, ``CITATION.cff``, the pinned requirements
and the commit) in ``_build/pdf/.fingerprint`` decides whether anything needs doing.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import functools
import hashlib
import html
import http.server
import io
import logging
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .. import config
from ..console import ArgumentParser, run_command
from ..errors import SonlaError
from .html import jupyter_book_command
from .pdfmarks import finish

# pypdf warns that Chromium's trailer undercounts its objects; the file reads correctly.
logging.getLogger("pypdf").setLevel(logging.ERROR)

ROOT = config.ROOT  # honours SONLA_ROOT, like every other stage
BUILD_DIR = config.BUILD_DIR
OUT_DIR = BUILD_DIR / "pdf"
PDF_NAME = "sonla-book.pdf"
PDF = OUT_DIR / PDF_NAME
STAMP = OUT_DIR / ".fingerprint"
SINGLE_OUTPUT = BUILD_DIR / "pdf-html"  # jupyter-book --path-output
SINGLE_DIR = SINGLE_OUTPUT / "_build" / "singlehtml"
PAGE_NAME = "sonla-book.html"  # the single page, copied to the root of SINGLE_DIR
PUBLISHED = BUILD_DIR / "html" / PDF_NAME
PREPARE_JS = Path(__file__).with_suffix(".js")
CHROMIUM = Path(os.environ.get("SONLA_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
PAGE_FORMAT = "A4"
MARGINS = {"top": "16mm", "bottom": "18mm", "left": "16mm", "right": "16mm"}
MAX_PASSES = 3


@dataclass
class Part:
    """One part of the book as _toc.yml lists it: its caption (None for the root) and documents."""

    caption: str | None
    docnames: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- what the book is made of
def _expand(entry: object, root: Path) -> list[str]:
    """The docnames of one toc entry (a file, or a glob expanded the way Sphinx orders it)."""
    from sphinx_external_toc.api import GlobItem

    if isinstance(entry, GlobItem):
        found = {p.relative_to(root).with_suffix("").as_posix()
                 for suffix in (".ipynb", ".md") for p in root.glob(f"{entry}{suffix}")}
        return sorted(found)
    return [str(entry)]


def toc_parts(root: Path = ROOT) -> list[Part]:
    """The book's parts in reading order, the root document first (its own part, no caption).

    Chapters nested under a chapter in _toc.yml follow it in the same part.
    """
    from sphinx_external_toc.parsing import parse_toc_yaml

    site_map = parse_toc_yaml(root / "_toc.yml")
    parts = [Part(None, [site_map.root.docname])]

    def walk(docname: str, into: Part) -> None:
        for subtree in site_map[docname].subtrees:
            for entry in subtree.items:
                for child in _expand(entry, root):
                    into.docnames.append(child)
                    if child in site_map:
                        walk(child, into)

    for subtree in site_map.root.subtrees:
        part = Part(subtree.caption)
        for entry in subtree.items:
            for child in _expand(entry, root):
                part.docnames.append(child)
                if child in site_map:
                    walk(child, part)
        parts.append(part)
    return parts


def chapter_docnames(root: Path = ROOT) -> list[str]:
    """Every document of the book in reading order."""
    return [name for part in toc_parts(root) for name in part.docnames]


# ---------------------------------------------------------------- edition and cover
def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return done.stdout.strip()


@dataclass(frozen=True)
class Edition:
    """Which state of the repository the PDF shows."""

    commit: str | None  # full hash, None outside a git checkout
    epoch: int  # commit time (or SOURCE_DATE_EPOCH outside git): the date printed and stamped
    dirty: bool  # tracked files differ from the commit

    @property
    def date(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.epoch, tz=dt.UTC)

    @property
    def label(self) -> str:
        if not self.commit:
            return "from a copy outside git"
        text = f"commit {self.commit[:12]}"
        return text + " with uncommitted changes" if self.dirty else text


def edition(root: Path = ROOT) -> Edition:
    """The commit, its time and whether the working tree has changes to tracked files."""
    commit = _git(root, "rev-parse", "HEAD")
    if commit:
        epoch = int(_git(root, "log", "-1", "--format=%ct") or 0)
        dirty = bool(_git(root, "status", "--porcelain", "--untracked-files=no"))
        return Edition(commit, epoch, dirty)
    return Edition(None, int(os.environ.get("SOURCE_DATE_EPOCH", "0") or 0), True)


def _long_date(when: dt.datetime) -> str:
    return f"{when.day} {when:%B %Y}"


def cover(root: Path = ROOT, ed: Edition | None = None) -> dict[str, object]:
    """What the title page says, from _config.yml, CITATION.cff, the manifest and git."""
    ed = ed or edition(root)
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    cff_path = root / "CITATION.cff"
    cff = yaml.safe_load(cff_path.read_text(encoding="utf-8")) if cff_path.is_file() else {}
    full_title = str(cff.get("title") or config["title"])
    title, _, subtitle = full_title.partition(": ")
    names = [a.get("name") or " ".join(filter(None, [a.get("given-names"), a.get("family-names")]))
             for a in cff.get("authors", [])]
    authors = ", ".join(str(n) for n in names) or str(config.get("author", ""))
    version = str(cff.get("version", ""))
    year = str(cff.get("date-released", ""))[:4] or str(ed.date.year)
    with (root / "data" / "raw" / "sources.csv").open(encoding="utf-8", newline="") as handle:
        dates = sorted(row["date"] for row in csv.DictReader(handle))
    edition_lines = [
        f"Version {version} · the book as of {ed.label} ({_long_date(ed.date)})",
        f"Data: {len(dates)} source texts dated {dates[0]} to {dates[-1]} (data/raw/sources.csv) "
        "and everything derived from them (data/processed/) at that commit.",
    ]
    citation = [
        f"{authors} ({year}). {full_title} (version {version}) "
        "[Reproducible research book, code and data]. PDF edition, "
        f"{ed.label}, {_long_date(ed.date)}.",
        "To cite a number, name the dataset and the claim id, e.g. claims.csv, claim report-006598. "
        "BibTeX and other formats: CITATION.cff and the chapter “How to cite”.",
    ]
    licence = ("Code: MIT. Derived data (data/processed/) and the executed chapters: CC BY 4.0. "
               "The raw source texts remain their publishers'.")
    return {"title": title, "subtitle": subtitle, "authors": authors, "edition": edition_lines,
            "citation": citation, "licence": licence, "full_title": full_title, "version": version,
            "keywords": [str(k) for k in cff.get("keywords", [])],
            "abstract": " ".join(str(cff.get("abstract", "")).split())}


# ---------------------------------------------------------------- is the PDF current?
def pdf_inputs(root: Path = ROOT) -> list[Path]:
    """Every file the PDF is built from, sorted."""
    files = [p for p in (root / "book").rglob("*") if p.is_file() and p.name != "build-manifest.json"]
    for folder in ("_static", "_extra", "data/processed"):
        files += [p for p in (root / folder).rglob("*") if p.is_file()]
    files += [root / name for name in ("_toc.yml", "_config.yml", "CITATION.cff", "requirements.txt",
                                       "data/raw/sources.csv")]
    # The package's code (its Sphinx extension shapes the pages), wherever it sits in the package.
    files += sorted(config.PACKAGE_DIR.rglob("*.py"))
    files += [Path(__file__).resolve(), PREPARE_JS]
    return sorted(p for p in files if p.is_file() and not p.name.startswith("."))


def fingerprint(root: Path = ROOT, ed: Edition | None = None) -> str:
    """sha256 over the inputs' paths and bytes, the commit and whether the tree is dirty."""
    ed = ed or edition(root)
    digest = hashlib.sha256(f"{ed.commit}\0{ed.epoch}\0{ed.dirty}\0".encode())
    for path in pdf_inputs(root):
        name = path.relative_to(root) if path.is_relative_to(root) else path.name
        digest.update(str(name).encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def is_current(root: Path = ROOT) -> bool:
    return PDF.is_file() and STAMP.is_file() and STAMP.read_text().strip() == fingerprint(root)


# ---------------------------------------------------------------- build, serve, print
def build_single_page(root: Path = ROOT) -> Path:
    """The strict single-page build; returns the page, copied to the root of its build folder.

    Jupyter Book writes the page as <root doc>.html (book/intro.html) with asset paths relative
    to the build's root, so it only renders from there.
    """
    command = [*jupyter_book_command(), "build", "--all", "-W", "-n", "--keep-going",
               "--builder", "singlehtml", "--path-output", str(SINGLE_OUTPUT), str(root)]
    print("==> jupyter-book " + " ".join(command[command.index("build"):]), flush=True)
    done = subprocess.run(command, cwd=root, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
        raise SonlaError(f"the single-page build failed (exit {done.returncode}); its output is above")
    root_doc = toc_parts(root)[0].docnames[0]
    page = SINGLE_DIR / f"{root_doc}.html"
    if not page.is_file():
        raise SonlaError(f"{page} missing after the single-page build")
    target = SINGLE_DIR / PAGE_NAME
    shutil.copyfile(page, target)
    return target


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 at a free port; yield the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def text_width_px() -> int:
    """The width of the text column on the printed page in CSS pixels (96 per inch)."""
    widths = {"A4": 210.0, "Letter": 215.9}
    margins = float(MARGINS["left"].removesuffix("mm")) + float(MARGINS["right"].removesuffix("mm"))
    mm = widths[PAGE_FORMAT] - margins
    return int(mm / 25.4 * 96)


def footer_template(text: str) -> str:
    """Chromium's footer: the book's short title and "page / pages" (classes filled by Chromium)."""
    style = ("width:100%; margin:0 16mm; font-size:7.5pt; color:#555555; "
             "font-family:'DejaVu Sans',sans-serif; display:flex; justify-content:space-between;")
    return (f'<div style="{style}"><span>{html.escape(text)}</span>'
            '<span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>')


def destination_pages(pdf: bytes) -> dict[str, tuple[int, float | None, float | None]]:
    """Named destination → (0-based page, left, top), as Chromium wrote them."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    out = {}
    for name, dest in reader.named_destinations.items():
        page = reader.get_destination_page_number(dest)
        if page is not None and page >= 0:
            out[str(name).lstrip("/")] = (page, dest.get("/Left"), dest.get("/Top"))
    return out


def print_book(page: Path, spec: dict, footer: str) -> tuple[bytes, dict, dict, str]:
    """Open, prepare and print the page; return (pdf, what the preparation found, pages, browser)."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.is_file():
        raise SonlaError(f"{CHROMIUM} missing: apt-get install chromium (make pdf does it as root)")
    options = dict(format=PAGE_FORMAT, margin=MARGINS, print_background=True, tagged=True,
                   display_header_footer=True, header_template="<span></span>",
                   footer_template=footer_template(footer))
    with serve(page.parent) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            # The width of the printed text column, so that the page is measured as it will print.
            tab = browser.new_page(viewport={"width": text_width_px(), "height": 1100})
            # Nothing leaves the machine: the page's CDN scripts (MathJax) are refused.
            tab.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
                      else route.abort())
            tab.goto(base + page.name, wait_until="load", timeout=180_000)
            tab.wait_for_load_state("networkidle", timeout=180_000)
            tab.emulate_media(media="print")
            found = tab.evaluate(PREPARE_JS.read_text(encoding="utf-8"), spec)
            tab.evaluate("() => document.fonts.ready.then(() => Promise.all("
                         "Array.from(document.images).filter(i => !i.complete)"
                         ".map(i => new Promise(r => { i.onload = i.onerror = r; }))))")
            anchors = [c["anchor"] for c in found["chapters"]]
            pages: dict = {}
            for attempt in range(1, MAX_PASSES + 1):
                pdf = tab.pdf(**options)
                dests = destination_pages(pdf)
                new = {a: dests[a][0] + 1 for a in anchors if a in dests}
                if new == pages:
                    break
                if attempt == MAX_PASSES:
                    raise SonlaError("the contents' page numbers did not settle after "
                                     f"{MAX_PASSES} prints")
                pages = new
                tab.evaluate("pages => document.querySelectorAll('.pdf-contents-page').forEach("
                             "el => { el.textContent = String(pages[el.dataset.target] ?? '?'); })", pages)
            return pdf, found, dests, browser.version
        finally:
            browser.close()


# ---------------------------------------------------------------- command line
def render(page: Path, root: Path = ROOT, ed: Edition | None = None) -> tuple[bytes, dict]:
    """The finished PDF of a single-page build, and what the preparation of the page found."""
    ed = ed or edition(root)
    meta = cover(root, ed)
    parts = toc_parts(root)
    spec = {"root": parts[0].docnames[0],
            "parts": [{"caption": p.caption, "docnames": p.docnames} for p in parts],
            "cover": {k: meta[k] for k in ("title", "subtitle", "authors", "edition", "citation", "licence")}}
    pdf, found, dests, browser = print_book(page, spec, meta["title"])
    if found["missing"]:
        raise SonlaError(f"chapters not found in the single page: {', '.join(found['missing'])}")
    if found["tooWide"]:
        raise SonlaError("wider than the page (Chromium would shrink every page): "
                         + ", ".join(found["tooWide"]))
    if found["counts"]["broken"]:
        raise SonlaError("links to nothing in the single page: "
                         + ", ".join(sorted(set(found["counts"]["broken"]))[:20]))
    return finish(pdf, found, dests, meta, ed, browser), found


def build(root: Path = ROOT) -> Path:
    started = time.monotonic()
    ed = edition(root)
    page = build_single_page(root)
    print("==> printing with headless Chromium", flush=True)
    data, found = render(page, root, ed)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    tmp = PDF.with_suffix(".pdf.tmp")
    tmp.write_bytes(data)
    tmp.replace(PDF)
    STAMP.write_text(fingerprint(root, ed) + "\n")
    counts = found["counts"]
    from pypdf import PdfReader

    pages = len(PdfReader(PDF).pages)
    print(f"pdf: {PDF.relative_to(root)}: {pages} pages, {len(data) / 1e6:.1f} MB, "
          f"{len(found['chapters'])} chapters; links: {counts['rewritten']} rewritten to in-document "
          f"targets, {counts['fragment']} already in-document, {counts['external']} external, "
          f"{counts['unlinked']} to files made plain text; built in {time.monotonic() - started:.1f} s")
    return PDF


def publish() -> None:
    """Copy the PDF next to the HTML book (the pages link to it) when the HTML is built."""
    if (PUBLISHED.parent / "index.html").is_file() and PDF.is_file():
        if not PUBLISHED.is_file() or PUBLISHED.read_bytes() != PDF.read_bytes():
            shutil.copyfile(PDF, PUBLISHED)
            print(f"pdf: copied to {PUBLISHED.relative_to(ROOT)}")


def main(argv: list[str] | None = None) -> int:
    """``sonla pdf``: print the book to a PDF when anything it is built from changed."""
    parser = ArgumentParser(prog="sonla pdf", description=PDF_HELP)
    add_arguments(parser)
    args = parser.parse_args(argv)
    if args.check:
        return 0 if is_current() else 1
    if not args.force and is_current():
        print(f"pdf: up to date ({PDF.relative_to(ROOT)}; nothing it is built from changed)")
    else:
        build()
    publish()
    return 0


PDF_HELP = ("Print the whole book to _build/pdf/sonla-book.pdf (single-page build, headless Chromium) and "
            "copy it into _build/html/; skipped when nothing it is built from changed.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``sonla pdf``."""
    parser.add_argument("--force", action="store_true", help="build even if nothing changed")
    parser.add_argument("--check", action="store_true", help="exit 0 if the PDF is current, 1 if not")


if __name__ == "__main__":
    raise SystemExit(run_command(main))
