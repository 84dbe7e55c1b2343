"""A Sphinx extension that keeps page titles from being read as HTML.

sphinx-book-theme 1.3.0 copies each page's title as plain text into the template
context (``pagetitle``, shown in the print header, and ``root_title``, shown above
the navigation) and the templates insert it without escaping. A heading that holds
``<script>`` (quoted from a source, say) would then run as a script. This extension
runs after the theme and HTML-escapes both. Listed in ``_config.yml`` under
``sphinx.extra_extensions``.
"""

from __future__ import annotations

import html

__all__ = ["escape_theme_titles", "setup"]

ESCAPED_KEYS = ("pagetitle", "root_title")


def escape_theme_titles(app, pagename: str, templatename: str, context: dict, doctree) -> None:
    """HTML-escape the plain-text titles the theme put in ``context``.

    >>> context = {"pagetitle": "A <script>alert(1)</script>", "title": "kept"}
    >>> escape_theme_titles(None, "p", "page.html", context, None)
    >>> context["pagetitle"], context["title"]
    ('A &lt;script&gt;alert(1)&lt;/script&gt;', 'kept')
    """
    for key in ESCAPED_KEYS:
        if isinstance(context.get(key), str):
            context[key] = html.escape(context[key], quote=True)


def setup(app) -> dict[str, object]:
    # After the theme's own handlers (priority 500 and 501).
    app.connect("html-page-context", escape_theme_titles, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
