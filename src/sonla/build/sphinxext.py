"""A small Sphinx extension for the book's HTML (listed in _config.yml ``sphinx.extra_extensions``).

It fixes two things in the pages Jupyter Book 1.x writes:

* sphinx-thebe registers its inline configuration script once per read phase, so a page can
  carry it twice, and the browser then fails with "Identifier 'THEBE_JS_URL' has already been
  declared". :func:`dedupe_scripts` drops repeated scripts.
* sphinx-book-theme 1.3.0 copies each page's title as plain text into the template context
  (``pagetitle``, shown in the print header, and ``root_title``, shown above the navigation)
  and the templates insert it without escaping; a heading that holds ``<script>`` (quoted from
  a source, say) would run. :func:`escape_theme_titles` HTML-escapes both.
"""

from __future__ import annotations

import html
from typing import Any

__all__ = ["dedupe_scripts", "escape_theme_titles", "setup"]


def dedupe_scripts(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Keep the first of any scripts with the same file name and attributes (body included).

    An inline script may be registered once with the file name ``None`` and once with ``""``.
    """
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple] = set()
    unique = []
    for script in scripts:
        attributes = getattr(script, "attributes", {}) or {}
        name = str(getattr(script, "filename", script) or "")
        key = (name, tuple(sorted((k, str(v)) for k, v in attributes.items())))
        if key in seen:
            continue
        seen.add(key)
        unique.append(script)
    scripts[:] = unique


ESCAPED_KEYS = ("pagetitle", "root_title")


def escape_theme_titles(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """HTML-escape the plain-text titles the theme put in ``context``.

    >>> context = {"pagetitle": "A <script>alert(1)</script>", "title": "kept"}
    >>> escape_theme_titles(None, "p", "page.html", context, None)
    >>> context["pagetitle"], context["title"]
    ('A &lt;script&gt;alert(1)&lt;/script&gt;', 'kept')
    """
    for key in ESCAPED_KEYS:
        if isinstance(context.get(key), str):
            context[key] = html.escape(context[key], quote=True)


def setup(app: Any) -> dict[str, object]:
    # After the theme's own handlers (priority 500 and 501).
    app.connect("html-page-context", dedupe_scripts, priority=900)
    app.connect("html-page-context", escape_theme_titles, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
