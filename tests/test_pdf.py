"""The printed book, _build/pdf/sonla-book.pdf (``make test-pdf`` builds it first; marker ``pdf``).

Checked against the HTML book and _toc.yml: a title page and a table of contents whose page
numbers are right, one outline section per chapter (under its part) starting on a new page,
every figure of the HTML book (same pixels, same alt text), links that stay inside the
document, page numbers on every page, metadata dated by the commit, and byte-identical output
when the same single-page build is printed again.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from pathlib import Path

import pytest

from sonla import config
from sonla.build import pdf as build_pdf

pytestmark = pytest.mark.pdf

HTML_DIR = config.BUILD_DIR / "html"


def _norm(text: str) -> str:
    """Text as compared here: ligatures unfolded (NFKC), whitespace collapsed."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def _squash(text: str) -> str:
    """No whitespace at all: a title wrapped over two lines of the PDF still matches."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@pytest.fixture(scope="module")
def reader():
    if not build_pdf.PDF.is_file():
        pytest.skip(f"{build_pdf.PDF} is not built: run `make pdf` (make test does it)")
    from pypdf import PdfReader

    return PdfReader(build_pdf.PDF)


@pytest.fixture(scope="module")
def texts(reader) -> list[str]:
    return [page.extract_text() or "" for page in reader.pages]


@pytest.fixture(scope="module")
def outline(reader) -> list[tuple[int, str, int]]:
    """(depth, title, 1-based page) of every bookmark, in order."""
    items: list[tuple[int, str, int]] = []

    def walk(nodes, depth: int) -> None:
        for node in nodes:
            if isinstance(node, list):
                walk(node, depth + 1)
            else:
                items.append((depth, str(node.title), reader.get_destination_page_number(node) + 1))

    walk(reader.outline, 0)
    return items


@functools.cache
def html_title(docname: str) -> str:
    """The heading of a chapter in the HTML book."""
    page = (HTML_DIR / f"{docname}.html").read_text(encoding="utf-8")
    match = re.search(r"<h1[^>]*>(.*?)</h1>", page, flags=re.S)
    assert match, f"no <h1> in {docname}.html"
    return _norm(re.sub(r"<[^>]+>", "", match.group(1).replace("#", "")))


def _chapters(outline) -> list[tuple[str, int]]:
    """Chapter bookmarks: the root at depth 0 (not Contents, not a part), the others under a part."""
    parts = {title for _, title, _ in outline if title.startswith("Part ")}
    out = []
    for depth, title, page in outline:
        root = depth == 0 and title not in parts and title != "Contents"
        if root or (depth == 1 and _in_part(outline, title)):
            out.append((title, page))
    return out


def _in_part(outline, title: str) -> bool:
    parent = None
    for depth, name, _ in outline:
        if depth == 0:
            parent = name
        elif depth == 1 and name == title:
            return parent is not None and parent.startswith("Part ")
    return False


def test_the_pdf_is_current():
    """Built from the current pages, _toc, _config, data, scripts and commit."""
    assert build_pdf.is_current(), "run `make pdf`"


def test_title_page(texts):
    ed = build_pdf.edition()
    meta = build_pdf.cover(config.ROOT, ed)
    page = _norm(texts[0])
    for expected in (meta["title"], meta["subtitle"], meta["authors"], f"Version {meta['version']}",
                     "How to cite", "CC BY 4.0"):
        assert _norm(expected) in page, expected
    assert ed.commit and ed.commit[:12] in page
    assert f"{ed.date.day} {ed.date:%B %Y}" in page


def test_one_outline_section_per_chapter_of_the_toc(outline):
    """Every document of _toc.yml, in order, has a bookmark titled like its HTML page."""
    docnames = build_pdf.chapter_docnames()
    assert len(docnames) >= 30
    titles = [title for title, _ in _chapters(outline)]
    assert [_norm(t) for t in titles] == [html_title(d) for d in docnames]


def test_parts_are_the_captions_of_the_toc(outline):
    captions = [p.caption for p in build_pdf.toc_parts() if p.caption]
    parts = [title for depth, title, _ in outline if depth == 0 and title.startswith("Part ")]
    assert [p.split(" · ", 1)[1] for p in parts] == captions


def test_each_chapter_starts_on_a_new_page_with_its_title(outline, texts):
    chapters = _chapters(outline)
    pages = [page for _, page in chapters]
    assert pages == sorted(set(pages)), "two chapters start on the same page"
    for title, page in chapters:
        top = _squash(texts[page - 1])[:400]
        assert _squash(title)[:40] in top, f"{title!r} is not at the top of page {page}"


def test_contents_lists_every_chapter_with_its_page(outline, texts):
    contents_page = next(page for depth, title, page in outline if title == "Contents")
    first_chapter = _chapters(outline)[0][1]
    contents = "".join(_squash(texts[i]) for i in range(contents_page - 1, first_chapter - 1))
    assert contents.startswith("Contents")
    for title, page in _chapters(outline):
        assert _squash(title) + str(page) in contents, f"contents: {title!r} not shown on page {page}"


def test_every_page_has_its_number(texts):
    total = len(texts)
    for number, text in enumerate(texts, start=1):
        assert text.rstrip().endswith(f"{number} / {total}"), f"page {number}: no page number in the footer"


def _pixels(image) -> str:
    """A hash of an image's pixels, drawn on white (alpha handled the same on both sides)."""
    from PIL import Image

    rgba = image.convert("RGBA")
    flat = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba).convert("RGB")
    return hashlib.sha256(f"{flat.size}".encode() + flat.tobytes()).hexdigest()


@functools.cache
def html_figures() -> dict[str, tuple[str, str]]:
    """{pixel hash: (page, alt text)} of every image in the articles of the HTML book."""
    from PIL import Image

    figures = {}
    for docname in build_pdf.chapter_docnames():
        path = HTML_DIR / f"{docname}.html"
        page = path.read_text(encoding="utf-8")
        article = page[page.find('<article class="bd-article">'):page.find("</article>")]
        for tag in re.findall(r"<img\b[^>]*>", article):
            src = re.search(r'src="([^"]+)"', tag).group(1)
            alt = re.search(r'alt="([^"]*)"', tag)
            with Image.open(path.parent / src) as image:
                figures[_pixels(image)] = (docname, _norm(alt.group(1)) if alt else "")
    return figures


def test_every_figure_of_the_html_book_is_in_the_pdf(reader):
    figures = html_figures()
    assert len(figures) >= 40
    printed = set()
    for page in reader.pages:
        for image in page.images:
            printed.add(_pixels(image.image))
    missing = {h: where for h, where in figures.items() if h not in printed}
    assert not missing, f"{len(missing)} HTML figures not in the PDF: {list(missing.values())[:5]}"


def _structure_alt_texts(reader) -> list[str]:
    """The /Alt of every /Figure in the tagged PDF's structure tree."""
    root = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    alts, stack, seen = [], [root.get("/K")], set()
    while stack:
        node = stack.pop()
        if node is None:
            continue
        if hasattr(node, "idnum"):
            if node.idnum in seen:
                continue
            seen.add(node.idnum)
        node = node.get_object()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            if node.get("/S") == "/Figure" and "/Alt" in node:
                alts.append(_norm(str(node["/Alt"])))
            if "/K" in node:
                stack.append(node["/K"])
    return alts


def test_figures_keep_their_alt_text(reader):
    alts = set(_structure_alt_texts(reader))
    wanted = {alt for _, alt in html_figures().values() if alt}
    assert wanted and wanted <= alts, sorted(wanted - alts)[:5]


def _links(reader):
    """(page index, annotation) for every link annotation."""
    for index, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/Subtype") == "/Link":
                yield index, annot


def test_links_stay_inside_the_document(reader):
    """Cross-references are in-document jumps; only links to other websites leave it."""
    internal, leaving = 0, []
    for index, annot in _links(reader):
        action = annot.get("/A")
        if "/Dest" in annot or (action is not None and action.get("/S") == "/GoTo"):
            internal += 1
            continue
        uri = str(action.get("/URI", "")) if action is not None else ""
        if not re.match(r"https?://", uri) or re.match(r"https?://(127\.0\.0\.1|localhost)\b", uri):
            leaving.append((index + 1, uri))
    assert not leaving, f"links out of the document to local files or the build server: {leaving[:5]}"
    assert internal >= 1000


def test_contents_entries_jump_to_their_chapters(reader, outline):
    """Each link on the contents pages lands on the page of a chapter."""
    contents_page = next(page for _, title, page in outline if title == "Contents")
    first_chapter = _chapters(outline)[0][1]
    chapter_pages = {page for _, page in _chapters(outline)}
    named = reader.named_destinations
    targets = []
    for index, annot in _links(reader):
        if not contents_page - 1 <= index < first_chapter - 1:
            continue
        dest = annot.get("/Dest")
        if dest is None and annot.get("/A") is not None:
            dest = annot["/A"].get("/D")
        if isinstance(dest, str) or (dest is not None and not isinstance(dest, list)):
            targets.append(reader.get_destination_page_number(named[str(dest)]) + 1)
        else:
            targets.append(reader.get_page_number(dest[0].get_object()) + 1)
    assert len(set(targets)) == len(chapter_pages)
    assert set(targets) == chapter_pages


def test_metadata_is_dated_by_the_commit(reader):
    ed = build_pdf.edition()
    stamp = ed.date.strftime("D:%Y%m%d%H%M%S")
    info = reader.metadata
    assert str(info["/CreationDate"]).startswith(stamp) and str(info["/ModDate"]).startswith(stamp)
    assert info.title.startswith(build_pdf.cover()["title"])
    assert info.author
    ident = reader.trailer["/ID"]
    assert len(ident) == 2 and ident[0] == ident[1]
    assert reader.trailer["/Root"]["/PageMode"] == "/UseOutlines"
    assert b"(node0" not in build_pdf.PDF.read_bytes(), "Chromium's run-dependent structure ids left in"


def test_the_html_book_publishes_the_same_pdf():
    if not (HTML_DIR / "index.html").is_file():
        pytest.skip("the HTML book is not built")
    published = HTML_DIR / build_pdf.PDF_NAME
    assert published.is_file(), "make pdf copies the PDF into _build/html"
    assert published.read_bytes() == build_pdf.PDF.read_bytes()


def test_printing_again_gives_the_same_bytes():
    """Same single-page build, commit and machine: the same PDF, byte for byte."""
    page = build_pdf.SINGLE_DIR / build_pdf.PAGE_NAME
    if not page.is_file():
        pytest.skip("no single-page build: run `make pdf`")
    data, _ = build_pdf.render(page)
    assert hashlib.sha256(data).hexdigest() == hashlib.sha256(build_pdf.PDF.read_bytes()).hexdigest()


def test_pdf_inputs_include_every_page_and_the_stylesheet():
    inputs = {p.relative_to(config.ROOT).as_posix() for p in build_pdf.pdf_inputs()}
    assert {"_toc.yml", "_config.yml", "_static/print.css", "book/how-to-cite.md",
            "src/sonla/build/pdf.py", "src/sonla/build/pdf.js", "CITATION.cff"} <= inputs
    assert "book/build-manifest.json" not in inputs
    assert all(Path(config.ROOT, p).is_file() for p in inputs)


def test_cover_reads_citation_cff():
    meta = build_pdf.cover()
    assert meta["title"] == "Sơn La in numbers"
    assert meta["authors"] == "The Sơn La research book contributors"
    assert any("(version 0.1.0)" in line for line in meta["citation"])
