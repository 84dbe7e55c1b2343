"""Escaping text that comes from a source or the manifest before it reaches MyST Markdown."""

from __future__ import annotations

import re

__all__ = ["escape_markdown"]

MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|!$~&])")


def escape_markdown(text: str) -> str:
    r"""Backslash-escape every character MyST Markdown could read as markup.

    Manifest fields (a title, say) end up in Markdown; escaped, a ``<script>``
    tag, a ``{glue}`` role or a ``{{ substitution }}`` is shown as text, never run.

    >>> escape_markdown("Report <b>{glue}`x`</b> {{ y }}")
    'Report \\<b\\>\\{glue\\}\\`x\\`\\</b\\> \\{\\{ y \\}\\}'
    """
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)
