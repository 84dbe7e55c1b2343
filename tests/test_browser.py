"""Browser tests: the built book (_build/html) in Debian's headless Chromium, driven by Playwright.

The HTML is served on 127.0.0.1 at a free port; Chromium runs with background networking off
and a fresh profile, so nothing leaves the machine. ``make test`` builds the HTML first when it
is missing. Playwright never downloads a browser here: it drives /usr/bin/chromium.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from sonla import config
from sonla.build import toc

pytestmark = pytest.mark.browser

HTML_DIR = config.BUILD_DIR / "html"
# `make pdf` copies the printed book here; the front page and "How to cite" link to it.
PDF_NAME = "sonla-book.pdf"
CHROMIUM = Path(os.environ.get("SONLA_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
# Pages Sphinx generates for its own machinery, not for readers.
SKIP_PAGES = {"genindex.html", "search.html"}


def book_pages() -> list[str]:
    """Every HTML page of the built book, relative to _build/html (sorted)."""
    if not HTML_DIR.is_dir():
        return []
    return sorted(
        path.relative_to(HTML_DIR).as_posix()
        for path in HTML_DIR.rglob("*.html")
        if not path.relative_to(HTML_DIR).parts[0].startswith("_") and path.name not in SKIP_PAGES
    )


PAGES = book_pages()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="session")
def site() -> Iterator[str]:
    """Serve _build/html on 127.0.0.1 at a free port; yield the base URL."""
    if not (HTML_DIR / "index.html").is_file():
        pytest.skip(f"{HTML_DIR} is not built: run `make html` (make test does it)")
    handler = functools.partial(_QuietHandler, directory=str(HTML_DIR))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """A headless Chromium context with a fresh user-data-dir."""
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} missing: apt-get install -y chromium (.ci/run does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def page(browser):
    tab = browser.new_page()
    try:
        yield tab
    finally:
        tab.close()


def open_page(page, url: str) -> list[str]:
    """Load ``url`` and return the console errors and uncaught exceptions it produced."""
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}")
            if msg.type == "error" else None)
    page.on("pageerror", lambda err: problems.append(f"page error: {err}"))
    page.on("requestfailed", lambda req: problems.append(f"request failed: {req.url}"))
    page.on("response", lambda res: problems.append(f"HTTP {res.status}: {res.url}")
            if res.status >= 400 else None)
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, f"{url}: HTTP {response and response.status}"
    page.wait_for_load_state("networkidle")
    return problems


def test_the_book_has_a_page_for_each_entry_of_the_toc_and_no_other():
    """Every document of _toc.yml is built, and nothing else is (index.html redirects to the root)."""
    assert HTML_DIR.is_dir(), "run `make html` first"
    from sonla.build.pdf import chapter_docnames

    documents = chapter_docnames()
    assert set(PAGES) == {f"{name}.html" for name in documents} | {"index.html"}


@pytest.fixture(scope="session")
def visited(site, browser):
    """Load each page once and remember what the tests ask of it (console, images, links)."""
    cache: dict[str, dict[str, list[str]]] = {}

    def visit(path: str) -> dict[str, list[str]]:
        if path not in cache:
            tab = browser.new_page()
            try:
                problems = open_page(tab, site + path)
                broken = tab.eval_on_selector_all(
                    "img", "imgs => imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)")
                hrefs = tab.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
                cache[path] = {"problems": problems, "broken": broken,
                               "missing": _missing_links(tab, site, hrefs)}
            finally:
                tab.close()
        return cache[path]

    return visit


def _ids_in(path: Path) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', path.read_text(encoding="utf-8")))


def _missing_links(tab, site: str, hrefs: list[str]) -> list[str]:
    """Same-site hrefs that do not answer 200, or whose #fragment is not an id on the target."""
    missing = []
    for href in sorted(set(hrefs)):
        if not href.startswith(site):
            continue
        parts = urlsplit(href)
        if parts.path == f"/{PDF_NAME}" and not (HTML_DIR / PDF_NAME).is_file():
            continue  # the PDF is added by `make pdf`; test_pages_link_to_the_pdf checks it when built
        status = tab.request.get(urljoin(href, parts.path)).status
        if status != 200:
            missing.append(f"{href} (HTTP {status})")
            continue
        fragment = unquote(parts.fragment)
        if fragment:
            local = HTML_DIR / unquote(parts.path).lstrip("/")
            if local.is_dir():
                local = local / "index.html"
            if local.suffix == ".html" and fragment not in _ids_in(local):
                missing.append(f"{href} (no element with id {fragment!r})")
    return missing


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_without_console_errors(visited, path):
    assert visited(path)["problems"] == [], path


@pytest.mark.parametrize("path", PAGES)
def test_images_render(visited, path):
    assert visited(path)["broken"] == [], f"{path}: images that did not render"


@pytest.mark.parametrize("path", PAGES)
def test_internal_links_resolve(visited, path):
    """Every same-site href answers 200, and its #fragment (if any) exists on the target page."""
    assert visited(path)["missing"] == [], path


def _first_claim_link(page, site: str) -> str:
    """A claim link from a page that lists claims (the claim explorer first), else a reader anchor."""
    for path in PAGES:
        if "explorer" not in path:
            continue
        page.goto(site + path, wait_until="load")
        links = page.eval_on_selector_all('a[href*="sources/"][href*="#claim-"]',
                                          "ls => ls.map(a => a.href)")
        if links:
            return links[0]
    for path in PAGES:
        if path.startswith("book/sources/"):
            ids = sorted(i for i in _ids_in(HTML_DIR / path) if i.startswith("claim-"))
            if ids:
                return f"{site}{path}#{ids[0]}"
    pytest.fail("no claim link or claim anchor anywhere in the book")


def test_claim_link_lands_on_the_highlighted_passage(site, page):
    link = _first_claim_link(page, site)
    problems = open_page(page, link)
    fragment = urlsplit(link).fragment
    target = page.locator(":target")
    assert target.count() == 1, f"{link}: no :target element"
    assert target.get_attribute("id") == fragment
    assert "claim" in (target.get_attribute("class") or "")
    if target.evaluate("el => el.tagName") == "MARK":
        assert target.is_visible()
        assert target.evaluate("el => { const r = el.getBoundingClientRect();"
                               " return r.bottom > 0 && r.top < window.innerHeight; }")
    assert problems == []


@pytest.mark.parametrize("word", ["phường", "Chiềng"])
def test_search_finds_a_vietnamese_word(site, page, word):
    problems = open_page(page, f"{site}search.html?q={word}")
    results = page.locator("#search-results ul.search li")
    results.first.wait_for(state="attached", timeout=15000)
    assert results.count() >= 1
    titles = " ".join(results.all_inner_texts())
    assert "Source text" in titles, titles
    assert problems == []


@pytest.mark.parametrize("path", ["book/intro.html", "book/how-to-cite.html"])
def test_pages_link_to_the_pdf(site, page, path):
    """The front page and "How to cite" link to the PDF at the root of the site (make pdf puts it there)."""
    problems = open_page(page, site + path)
    links = page.locator(f'article a[href$="{PDF_NAME}"]')
    assert links.count() >= 1, f"{path}: no link to {PDF_NAME}"
    assert links.first.is_visible()
    href = links.first.evaluate("a => a.href")
    assert href == site + PDF_NAME
    assert problems == []
    built = HTML_DIR / PDF_NAME
    if not built.is_file():
        pytest.skip(f"{built} not there: run `make pdf` (make test does it) to check the link's target")
    response = page.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body() == (config.BUILD_DIR / "pdf" / PDF_NAME).read_bytes()


def _source_rows() -> list[dict[str, str]]:
    import csv

    with config.MANIFEST.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


SOURCES = [row["source_id"] for row in _source_rows()]


def _sidebar(page) -> dict[str, str]:
    """{link target without fragment: link text} of the book's navigation sidebar."""
    links = page.eval_on_selector_all(
        "nav.bd-docs-nav a.reference", "ls => ls.map(a => [a.href.split('#')[0], a.innerText.trim()])")
    return dict(links)


@pytest.mark.parametrize("source_id", SOURCES)
def test_sidebar_shows_short_titles_and_the_page_the_full_one(site, page, source_id):
    """The sidebar names a source by its short title; the page heading keeps the full title."""
    short = toc.short_titles()[source_id]
    full = next(row["title_en"] for row in _source_rows() if row["source_id"] == source_id)
    for path, heading in ((f"book/profiles/{source_id}.html", f"Source profile: {full}"),
                          (f"book/sources/{source_id}.html", f"Source text: {full}")):
        problems = open_page(page, site + path)
        sidebar = _sidebar(page)
        assert sidebar[site + f"book/profiles/{source_id}.html"] == short
        assert sidebar[site + f"book/sources/{source_id}.html"] == short
        assert full not in " ".join(sidebar.values()), "a full source title in the sidebar"
        h1 = page.locator("article h1").first.evaluate(
            "h => { const c = h.cloneNode(true); c.querySelectorAll('.headerlink').forEach(a => a.remove());"
            " return c.textContent.trim(); }")
        assert h1 == heading
        assert problems == []


def test_sidebar_entries_fit_on_two_lines(site, page):
    """No entry of the sidebar wraps over more than two lines at 1280 px."""
    open_page(page, site + "book/intro.html")
    heights = page.eval_on_selector_all(
        "nav.bd-docs-nav a.reference",
        "ls => ls.map(a => [a.innerText.trim(), a.getClientRects().length,"
        " a.getBoundingClientRect().height / parseFloat(getComputedStyle(a).lineHeight)])")
    too_tall = [text for text, _, lines in heights if lines > 2.5]
    assert heights and not too_tall, too_tall
