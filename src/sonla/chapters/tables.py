"""Tables for readers: claim ids linked to their passage, escaped text, interactive tables.

Every cell that can hold source text goes through :func:`html.escape` before it reaches HTML;
claim ids become links to the reader pages (``sources/<source_id>.html#claim-<claim_id>``,
relative to a chapter in ``book/``). Interactive tables use itables in offline mode (the
DataTables bundle is embedded once per page by :func:`init_offline`, no CDN) with a fixed
table id, so the executed notebook is byte-identical from run to run.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable

import pandas as pd

from .. import config

__all__ = [
    "claim_href",
    "claim_link",
    "claim_links",
    "escape_cell",
    "escape_frame",
    "linked_claims",
    "linked_findings",
    "init_offline",
    "interactive_table",
    "download_links",
    "html_table",
    "claims_html_table",
    "source_of_claim",
]

READER_PREFIX = "sources/"


def claim_href(claim_id: str, source_id: str, prefix: str = READER_PREFIX) -> str:
    """The link to a claim's highlighted passage on its source's reader page.

    >>> claim_href("report-001234", "report")
    'sources/report.html#claim-report-001234'
    """
    return f"{prefix}{source_id}.html#claim-{claim_id}"


def claim_link(claim_id: str, source_id: str, prefix: str = READER_PREFIX, code: bool = False) -> str:
    """An HTML link (escaped) to the claim's passage whose text is the claim id (in ``<code>`` if asked).

    The one claim link of the book: the claim tables show the id plain, the finding tables as code.

    >>> claim_link("news-2024-000042", "news-2024")
    '<a href="sources/news-2024.html#claim-news-2024-000042">news-2024-000042</a>'
    >>> claim_link("a-000001", "a", code=True)
    '<a href="sources/a.html#claim-a-000001"><code>a-000001</code></a>'
    """
    href = html.escape(claim_href(claim_id, source_id, prefix), quote=True)
    text = html.escape(claim_id)
    return f'<a href="{href}">{f"<code>{text}</code>" if code else text}</a>'


def claim_links(claim_ids: str | Iterable[str], source_of: dict[str, str],
                prefix: str = READER_PREFIX, sep: str = ";") -> str:
    """Links for a list of claim ids (a ``;``-separated string or an iterable).

    Ids whose source is unknown are shown escaped, without a link.

    >>> claim_links("report-000001;x-9", {"report-000001": "report"})
    '<a href="sources/report.html#claim-report-000001">report-000001</a> x-9'
    """
    ids = [i.strip() for i in (claim_ids.split(sep) if isinstance(claim_ids, str) else claim_ids)]
    parts = [claim_link(i, source_of[i], prefix) if i in source_of else html.escape(i)
             for i in ids if i]
    return " ".join(parts)


def escape_cell(value: object) -> object:
    """Escape text for HTML; numbers pass through, missing values become ``""``.

    >>> escape_cell("<b>87,7%</b>")
    '&lt;b&gt;87,7%&lt;/b&gt;'
    >>> escape_cell(float("nan"))
    ''
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, str):
        return html.escape(value, quote=True)
    return value


def escape_frame(frame: pd.DataFrame, keep: Iterable[str] = ()) -> pd.DataFrame:
    """Every cell escaped (see :func:`escape_cell`) except in the columns ``keep`` (already HTML)."""
    keep = set(keep)
    out = frame.copy()
    for column in out.columns:
        if column not in keep:
            out[column] = out[column].map(escape_cell).astype("object")
    return out


def linked_claims(claims: pd.DataFrame, columns: list[str] | None = None,
                  prefix: str = READER_PREFIX) -> pd.DataFrame:
    """Claims for an HTML table: escaped, ``claim_id`` replaced by a link to its passage."""
    columns = columns or ["claim_id", "source_id", "kind", "text", "value", "unit", "qualifier",
                          "indicator", "period", "geography", "sentence"]
    table = escape_frame(claims[columns])
    pairs = zip(claims["claim_id"], claims["source_id"], strict=True)
    table["claim_id"] = [claim_link(c, s, prefix) for c, s in pairs]
    return table


def linked_findings(findings: pd.DataFrame, claims: pd.DataFrame,
                    prefix: str = READER_PREFIX) -> pd.DataFrame:
    """Findings for an HTML table: escaped, their ``claim_ids`` replaced by links."""
    source_of = dict(zip(claims["claim_id"], claims["source_id"], strict=True))
    table = escape_frame(findings)
    if "claim_ids" in findings:
        table["claim_ids"] = [claim_links(str(ids), source_of, prefix) if isinstance(ids, str) else ""
                              for ids in findings["claim_ids"]]
    return table


def init_offline() -> None:
    """Embed the DataTables bundle in the page (itables offline mode, no CDN)."""
    from itables import init_notebook_mode

    init_notebook_mode(all_interactive=False, connected=False)


def interactive_table(table: pd.DataFrame, table_id: str, page_length: int = 10, **options: object):
    """An itables searchable, sortable table with a fixed id (deterministic HTML).

    ``table`` must already be escaped: cells are shown as HTML (so links work).
    """
    from IPython.display import HTML
    from itables import to_html_datatable

    settings: dict[str, object] = dict(
        table_id=table_id, connected=False, allow_html=True, showIndex=False,
        pageLength=page_length, lengthMenu=[10, 25, 100, -1], classes="display compact",
        maxBytes=0, display_logo_when_loading=False,
        layout={"topStart": "pageLength", "topEnd": "search", "bottomStart": "info",
                "bottomEnd": "paging"},
    )
    settings.update(options)
    return HTML(to_html_datatable(table, **settings))


def html_table(table: pd.DataFrame, escaped: Iterable[str] = ()) -> str:
    """A plain HTML table; every column is escaped except those listed in ``escaped``."""
    safe = escape_frame(table, keep=escaped)
    return safe.to_html(index=False, escape=False, border=0, classes="sonla-table", na_rep="")


def source_of_claim(claim_id: str) -> str:
    """The source id a claim id starts with (claim ids are ``<source_id>-<start:06d>``).

    >>> source_of_claim("news-congress-2025-000142")
    'news-congress-2025'
    """
    return claim_id.rsplit("-", 1)[0]


def claims_html_table(claims: pd.DataFrame, prefix: str = READER_PREFIX) -> str:
    """A plain HTML table of claims, every cell escaped and ``claim_id`` linked to its passage.

    ``claims`` needs a ``claim_id`` column; the source comes from ``source_id`` when present.

    >>> frame = pd.DataFrame({"claim_id": ["report-000001"], "text": ["<b>4.051</b>"]})
    >>> page = claims_html_table(frame, prefix="../sources/")
    >>> '<td><a href="../sources/report.html#claim-report-000001">report-000001</a></td>' in page
    True
    >>> "<td>&lt;b&gt;4.051&lt;/b&gt;</td>" in page
    True
    """
    table = claims.copy()
    sources = table["source_id"] if "source_id" in table else table["claim_id"].map(source_of_claim)
    table["claim_id"] = [claim_link(c, s, prefix) for c, s in zip(table["claim_id"], sources, strict=True)]
    return html_table(table, escaped=["claim_id"])


def download_links(names: Iterable[str], from_doc: str = "..") -> str:
    """MyST ``{download}`` roles for the files of ``data/processed`` that exist, one per line.

    ``from_doc`` is the path from the chapter's folder to the project root.
    Files that do not exist are left out (the caller can say so).
    """
    lines = []
    for name in names:
        if (config.PROCESSED_DIR / name).is_file():
            lines.append(f"- {{download}}`{name} <{from_doc}/data/processed/{name}>`")
    return "\n".join(lines)
