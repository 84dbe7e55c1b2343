"""A small Sphinx extension for the book's HTML (listed in _config.yml ``sphinx.extra_extensions``).

sphinx-thebe registers its inline configuration script once per read phase, so the pages of a
Jupyter Book 1.x build can carry it twice, and the browser then fails with "Identifier
'THEBE_JS_URL' has already been declared". This extension drops repeated scripts from every
page's context before the page is written.
"""

from __future__ import annotations

from typing import Any

__all__ = ["setup", "dedupe_scripts"]


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


def setup(app: Any) -> dict[str, object]:
    app.connect("html-page-context", dedupe_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
