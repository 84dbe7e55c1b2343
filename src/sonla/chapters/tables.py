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
import numbers
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import pandas as pd

from .. import config
from ..reconcile.pages import indicator_page_keys, page_name
from . import labels

__all__ = [
    "claim_href",
    "claim_link",
    "claim_links",
    "indicator_href",
    "indicator_link",
    "escape_cell",
    "escape_frame",
    "linked_claims",
    "linked_findings",
    "init_offline",
    "interactive_table",
    "download_links",
    "html_table",
    "show",
    "scrollable",
    "claims_html_table",
    "readable_claims",
    "CLAIM_COLUMNS",
    "source_of_claim",
]

READER_PREFIX = "sources/"
INDICATOR_PREFIX = "indicators/"


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


@lru_cache(maxsize=1)
def _indicator_pages() -> frozenset[str]:
    return frozenset(indicator_page_keys())


def indicator_href(key: str, prefix: str = INDICATOR_PREFIX) -> str:
    """The link to an indicator's page (``prefix``: from the chapter's folder to ``book/indicators/``;
    the page is named by :func:`sonla.reconcile.pages.page_name`).

    >>> indicator_href("urbanisation_rate@district", "../indicators/")
    '../indicators/urbanisation_rate-district.html'
    """
    return f"{prefix}{page_name(key)}.html"


def indicator_link(key: str, prefix: str = INDICATOR_PREFIX, pages: Iterable[str] | None = None) -> str:
    """An indicator's English label (escaped), linked to its page when it has one.

    ``pages`` are the indicators with a page (default: :func:`sonla.reconcile.pages.indicator_page_keys`).

    >>> indicator_link("urbanisation_rate@district", pages={"urbanisation_rate@district"})
    '<a href="indicators/urbanisation_rate-district.html">Urbanisation rate, city level</a>'
    >>> indicator_link("urbanisation_rate@commune", pages=())
    'Urbanisation rate, ward and commune level'
    """
    label = html.escape(labels.indicator_label(key))
    if key not in (_indicator_pages() if pages is None else set(pages)):
        return label
    return f'<a href="{html.escape(indicator_href(key, prefix), quote=True)}">{label}</a>'


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

    ``table`` must already be escaped: cells are shown as HTML (so links work). The table sits in
    a sideways-scrolling box (:func:`scrollable`): it may be wider than the text column.
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
    return HTML(scrollable(to_html_datatable(table, **settings)))


def _cell(value: object) -> str:
    """One cell for a reader: numbers formatted (:func:`~sonla.chapters.labels.number`), booleans
    as yes/no, missing values empty, anything else as its text."""
    if isinstance(value, bool | np.bool_):
        return labels.yes_no(bool(value))
    if value is None or value is pd.NA or (isinstance(value, numbers.Real) and math.isnan(value)):
        return ""
    if isinstance(value, numbers.Real):
        return labels.number(value)
    return str(value)


def html_table(table: pd.DataFrame, escaped: Iterable[str] = (), row_ids: Iterable[str] | None = None,
               classes: str = "", index: bool = False, nowrap: Iterable[str] = ()) -> str:
    """The book's table for readers: every cell escaped except in the columns ``escaped`` (already
    HTML), numbers with thousands separators, booleans as yes/no, long text wrapped within the text
    column (``_static/sonla.css``, class ``sonla-table``). ``row_ids`` gives each row an anchor
    (``id``); ``index`` shows the index as the first column; the columns ``nowrap`` (short ones,
    such as a period "2020–2025") never break.

    >>> page = html_table(pd.DataFrame({"a": [4051.0], "b": ["<i>x</i>"], "c": [True]}), row_ids=["r1"])
    >>> page[page.index("<tbody>"):]
    '<tbody><tr id="r1"><td>4,051</td><td>&lt;i&gt;x&lt;/i&gt;</td><td>yes</td></tr></tbody></table>'
    """
    if index:
        table = table.reset_index()
    keep, unbroken, tight = set(escaped), set(nowrap), ' class="nowrap"'
    ids = list(row_ids) if row_ids is not None else [None] * len(table)
    if len(ids) != len(table):
        raise ValueError(f"html_table: {len(ids)} row ids for {len(table)} rows")
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in table.columns)
    rows = []
    for row_id, values in zip(ids, table.itertuples(index=False, name=None), strict=True):
        cells = "".join(f"<td{tight if c in unbroken else ''}>"
                        f"{_cell(v) if c in keep else html.escape(_cell(v), quote=False)}</td>"
                        for c, v in zip(table.columns, values, strict=True))
        attr = f' id="{html.escape(str(row_id), quote=True)}"' if row_id else ""
        rows.append(f"<tr{attr}>{cells}</tr>")
    css = " ".join(["sonla-table", *classes.split()])
    return f'<table class="{css}"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def show(table: pd.DataFrame, escaped: Iterable[str] = (), **options: object):
    """:func:`html_table` as a notebook output (IPython ``HTML``)."""
    from IPython.display import HTML

    return HTML(html_table(table, escaped, **options))  # type: ignore[arg-type]


def scrollable(markup: str) -> str:
    """Wrap a table that is deliberately wider than the text column in a sideways-scrolling box
    (class ``sonla-scroll``; the browser tests let it, and only it, overflow)."""
    return f'<div class="sonla-scroll">{markup}</div>'


def source_of_claim(claim_id: str) -> str:
    """The source id a claim id starts with (claim ids are ``<source_id>-<start:06d>``).

    >>> source_of_claim("news-congress-2025-000142")
    'news-congress-2025'
    """
    return claim_id.rsplit("-", 1)[0]


# The columns a reader can be shown of a claim, and how each is made (see readable_claims).
CLAIM_COLUMNS = ("claim", "source", "as written", "context", "kind", "value", "indicator", "period", "place",
                 "sentence")


def readable_claims(claims: pd.DataFrame,
                    columns: Iterable[str] = ("claim", "as written", "value", "indicator", "period", "place"),
                    prefix: str = READER_PREFIX) -> pd.DataFrame:
    """Claims as a reader reads them, one column per name in ``columns`` (of :data:`CLAIM_COLUMNS`),
    every cell HTML: the claim id linked to its passage, the source's short title, the number as
    written, the claim in its ``context`` (a column of ``claims``), its kind in words, its value
    with qualifier and unit, its indicator's label linked to its page, the period, the place, the
    sentence. ``prefix`` leads to the reader pages (``sources/`` from ``book/``); the indicator
    pages sit beside them (``indicators/``).
    """
    def text(column: str) -> list[str]:
        return [html.escape(" ".join(str(v).split())) if isinstance(v, str) else "" for v in claims[column]]

    sources = claims["source_id"] if "source_id" in claims else claims["claim_id"].map(source_of_claim)
    to_indicators = prefix.removesuffix(READER_PREFIX) + INDICATOR_PREFIX
    makers = {
        "claim": lambda: [claim_link(c, s, prefix) for c, s in zip(claims["claim_id"], sources, strict=True)],
        "source": lambda: [html.escape(labels.source_label(s)) for s in sources],
        "as written": lambda: text("text"),
        "context": lambda: text("context"),
        "kind": lambda: [html.escape(labels.kind_label(k)) for k in claims["kind"]],
        "value": lambda: [html.escape(labels.claim_value(c)) for _, c in claims.iterrows()],
        "indicator": lambda: [indicator_link(k, to_indicators) if isinstance(k, str) and k else ""
                              for k in claims["indicator"]],
        "period": lambda: [html.escape(labels.period_label(p)) for p in claims["period"]],
        "place": lambda: [html.escape(labels.place_label(g)) for g in claims["geography"]],
        "sentence": lambda: text("sentence"),
    }
    unknown = [c for c in columns if c not in makers]
    if unknown:
        raise ValueError(f"readable_claims: unknown column(s) {', '.join(unknown)}; "
                         f"known: {', '.join(makers)}")
    return pd.DataFrame({c: makers[c]() for c in columns}, index=claims.index)


def claims_html_table(claims: pd.DataFrame, prefix: str = READER_PREFIX,
                      columns: Iterable[str] = ("claim", "as written", "value", "indicator", "period",
                                                "place")) -> str:
    """A table of claims for readers (:func:`readable_claims`), every cell escaped, ``claim``
    linked to its passage.

    >>> frame = pd.DataFrame({"claim_id": ["report-000001"], "text": ["<b>4.051</b>"], "value": [4051.0],
    ...                       "unit": ["bn_vnd"], "qualifier": ["more_than"]})
    >>> page = claims_html_table(frame, prefix="../sources/", columns=["claim", "as written", "value"])
    >>> '<td><a href="../sources/report.html#claim-report-000001">report-000001</a></td>' in page
    True
    >>> "<td>&lt;b&gt;4.051&lt;/b&gt;</td>" in page, "<td>more than 4,051 billion VND</td>" in page
    (True, True)
    """
    table = readable_claims(claims, list(columns), prefix)
    return html_table(table, escaped=list(table.columns), classes="claims-table", nowrap=["period"])


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
