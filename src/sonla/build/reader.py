"""Source reader pages: each raw source as readable, escaped HTML with every claim highlighted.

``sonla reader`` (run by ``make notebooks``; also ``python -m sonla.build.reader``) writes
``book/sources/<source_id>.md`` for every source in the manifest, after checking the processed
data as a set (:func:`sonla.publish.check_published`). Each page is a MyST file whose text sits inside one
``{raw} html`` block, so neither MyST nor Sphinx interprets anything in the source: every
character of the source goes through :func:`html.escape` (and braces are written as entities),
so ``<script>``, ``{{ x }}`` or a MyST role in a source is shown as text.

Every claim of ``data/processed/claims.csv`` is wrapped in a ``<mark>`` with the id
``claim-<claim_id>`` (the anchor the claim tables link to), a class naming its kind and a
``title`` giving its value, unit, qualifier, indicator, period and geography. Claims nested in
another claim are nested marks; a claim that crosses the end of another gets an empty anchor
at its start instead, so every claim whose offsets match the raw text has its anchor.
"""

from __future__ import annotations

import argparse
import html
import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import config
from ..console import ArgumentParser, run_command
from ..errors import SonlaError
from ..io import write_text_atomic
from ..publish import check_published
from ..sources import Source, load_sources
from .markup import escape_markdown

__all__ = [
    "escape_text",
    "claim_title",
    "highlight_claims",
    "render_page",
    "anchored_ids",
    "anchor_coverage",
    "build_reader_pages",
    "READER_DIR",
]

READER_DIR = config.BOOK_DIR / "sources"
ANCHOR_RE = re.compile(r'id="claim-([^"]+)"')


@dataclass(frozen=True)
class _Claim:
    claim_id: str
    start: int
    end: int
    kind: str
    title: str


def escape_text(text: str) -> str:
    """Escape source text for HTML: ``html.escape`` plus braces as entities.

    Braces are harmless in HTML, but writing them as entities keeps any template or
    substitution syntax (``{{ x }}``, ``{glue}`x```) from ever being read as such.

    >>> escape_text('<script>alert("x")</script> {{ a }} & b')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &#123;&#123; a &#125;&#125; &amp; b'
    """
    return html.escape(text, quote=True).replace("{", "&#123;").replace("}", "&#125;")


def _present(value: object) -> bool:
    if value is None:
        return False
    if isinstance(value, float) and math.isnan(value):
        return False
    return str(value).strip() != ""


def _number(value: object) -> str:
    """Format a float without a needless ``.0``: 4051.0 → '4051', 87.7 → '87.7'."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    return f"{number:g}" if abs(number) < 1e15 else str(number)


def claim_title(row: dict[str, object]) -> str:
    """The tooltip of one claim: kind, value (range, denominator) and unit, then its context.

    >>> claim_title({"kind": "quantity", "value": 4051.0, "unit": "bn_vnd",
    ...              "qualifier": "more_than", "indicator": "public_investment"})
    'quantity: 4051 bn_vnd · qualifier: more_than · indicator: public_investment'
    >>> claim_title({"kind": "quantity", "value": 42.0, "denominator": 63.0, "unit": ""})
    'quantity: 42/63'
    """
    value = ""
    if _present(row.get("value")):
        value = _number(row["value"])
        if _present(row.get("value_high")):
            value += f"–{_number(row['value_high'])}"
        if _present(row.get("denominator")):
            value += f"/{_number(row['denominator'])}"
        if _present(row.get("unit")):
            value += f" {row['unit']}"
    head = f"{row.get('kind', '')}: {value}" if value else str(row.get("kind", ""))
    parts = [head] + [
        f"{field}: {row[field]}"
        for field in ("qualifier", "indicator", "period", "geography")
        if _present(row.get(field))
    ]
    return " · ".join(parts)


def _claims_of(source: Source, claims: pd.DataFrame) -> tuple[list[_Claim], list[str]]:
    """The claims of one source whose offsets match its text, and the ids of those that do not."""
    good: list[_Claim] = []
    bad: list[str] = []
    rows = claims[claims["source_id"] == source.source_id]
    for row in rows.to_dict("records"):
        start, end = int(row["start"]), int(row["end"])
        if not (0 <= start < end <= len(source.text)) or source.text[start:end] != str(row["text"]):
            bad.append(str(row["claim_id"]))
            continue
        good.append(_Claim(str(row["claim_id"]), start, end, str(row["kind"]), claim_title(row)))
    good.sort(key=lambda c: (c.start, -c.end, c.claim_id))
    return good, bad


def _open_tag(claim: _Claim) -> str:
    kind = re.sub(r"[^a-z0-9_-]", "", claim.kind.lower())
    return (f'<mark class="claim claim-{kind}" id="claim-{escape_text(claim.claim_id)}" '
            f'title="{escape_text(claim.title)}">')


def highlight_claims(text: str, claims: list[_Claim]) -> str:
    """Escaped ``text`` with each claim wrapped in a ``<mark>`` (see the module docstring).

    ``claims`` must be sorted by start, longest first. Marks nest properly: a claim that
    starts inside another and ends after it gets an empty ``<span>`` anchor instead.
    """
    out: list[str] = []
    stack: list[int] = []  # ends of the open marks, innermost last
    pos = 0

    def advance(to: int) -> None:
        nonlocal pos
        while stack and stack[-1] <= to:
            end = stack.pop()
            out.append(escape_text(text[pos:end]))
            out.append("</mark>")
            pos = end
        out.append(escape_text(text[pos:to]))
        pos = to

    for claim in claims:
        advance(claim.start)
        if stack and claim.end > stack[-1]:
            out.append(f'<span class="claim-anchor" id="claim-{escape_text(claim.claim_id)}" '
                       f'title="{escape_text(claim.title)}"></span>')
            continue
        out.append(_open_tag(claim))
        stack.append(claim.end)
    advance(len(text))
    return "".join(out)


def _fence(body: str) -> str:
    """A backtick fence longer than any run of backticks in ``body``."""
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    return "`" * max(3, longest + 1)


def render_page(source: Source, claims: pd.DataFrame) -> str:
    """The MyST text of one source's reader page (deterministic for the same inputs)."""
    good, bad = _claims_of(source, claims)
    counts = pd.Series([c.kind for c in good], dtype="object").value_counts().sort_index()
    legend = ", ".join(f"{count:,} {kind}" for kind, count in counts.items()) or "none"
    body = (f'<div class="source-text" lang="{escape_text(source.language)}">'
            f"{highlight_claims(source.text, good)}</div>")
    fence = _fence(body)
    title = escape_markdown(source.title_en)
    lines = [
        f"(source-{source.source_id})=",
        f"# Source text: {title}",
        "",
        f"The text of `{source.source_id}` exactly as received (`data/raw/{source.file}`, "
        f"{escape_markdown(source.kind)}, {escape_markdown(source.date)}, text layer "
        f"{escape_markdown(source.text_layer)}), shown verbatim in Vietnamese. "
        "Every claim the pipeline extracted from it is highlighted; hover over a highlight to see "
        "its value, unit, qualifier, indicator, period and geography. Each highlight is the target "
        "of the links in the claim tables (`#claim-<claim_id>`). "
        f"Highlighted claims by kind: {legend}.",
        "",
        "Colours: quantities blue, dates green, document numbers pink, other numbers (list and section "
        "numbers, footnote markers, numbers in names) yellow; the claim a link led you to is orange "
        "with a red outline.",
        "",
    ]
    if bad:
        lines += [f"{len(bad):,} claim(s) could not be placed because their offsets do not match "
                  f"the raw text: {', '.join(f'`{b}`' for b in bad[:20])}.", ""]
    lines += [f"{fence}{{raw}} html", body, fence, ""]
    return "\n".join(lines)


def anchored_ids(page: str) -> set[str]:
    """The claim ids anchored in a rendered page (``id="claim-…"``).

    >>> sorted(anchored_ids('<mark id="claim-report-000010">x</mark>'))
    ['report-000010']
    """
    return {html.unescape(match) for match in ANCHOR_RE.findall(page)}


def anchor_coverage(claims: pd.DataFrame, pages: dict[str, str]) -> pd.DataFrame:
    """Per source: claims, quantity claims, and how many of each are anchored on its page."""
    rows = []
    for source_id, group in claims.groupby("source_id", sort=False):
        ids = anchored_ids(pages.get(str(source_id), ""))
        quantity = group[group["kind"] == "quantity"]
        rows.append({
            "source_id": source_id,
            "claims": len(group),
            "claims_anchored": int(group["claim_id"].isin(ids).sum()),
            "quantity_claims": len(quantity),
            "quantity_anchored": int(quantity["claim_id"].isin(ids).sum()),
        })
    return pd.DataFrame(rows, columns=["source_id", "claims", "claims_anchored",
                                       "quantity_claims", "quantity_anchored"])


def _load_claims(path: Path) -> pd.DataFrame:
    if path.parent.resolve() == config.PROCESSED_DIR.resolve():
        check_published(path.parent)
    if not path.is_file():
        raise SonlaError(f"{path} not found: run `make data` first")
    return pd.read_csv(path, keep_default_na=False, na_values=[""],
                       dtype={"claim_id": str, "source_id": str, "text": str, "kind": str})


def build_reader_pages(claims_path: Path | None = None, out_dir: Path | None = None,
                       sources: list[Source] | None = None) -> dict[Path, bool]:
    """Write one page per manifest source; return {path: whether it changed}.

    Pages of sources no longer in the manifest are removed, so the folder always mirrors it.
    """
    claims = _load_claims(Path(claims_path or config.PROCESSED_DIR / "claims.csv"))
    out_dir = Path(out_dir or READER_DIR)
    sources = sources if sources is not None else load_sources()
    changed: dict[Path, bool] = {}
    for source in sources:
        path = out_dir / f"{source.source_id}.md"
        page = render_page(source, claims)
        if path.is_file() and path.read_text(encoding="utf-8") == page:
            changed[path] = False
            continue
        write_text_atomic(path, page)
        changed[path] = True
    keep = {f"{s.source_id}.md" for s in sources}
    for stale in sorted(out_dir.glob("*.md")):
        if stale.name not in keep:
            stale.unlink()
            changed[stale] = True
    return changed


def main(argv: list[str] | None = None) -> int:
    """``sonla reader``: write the source reader pages (errors raise, named)."""
    parser = ArgumentParser(prog="sonla reader", description=READER_HELP)
    add_arguments(parser)
    args = parser.parse_args(argv)
    changed = build_reader_pages(args.claims, args.out)
    for path, was_changed in changed.items():
        print(f"  reader       {path} ({'written' if was_changed else 'unchanged'})")
    return 0


READER_HELP = "Write the source reader pages book/sources/*.md (every claim highlighted)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``sonla reader``."""
    parser.add_argument("--claims", type=Path, default=config.PROCESSED_DIR / "claims.csv")
    parser.add_argument("--out", type=Path, default=READER_DIR)


if __name__ == "__main__":
    raise SystemExit(run_command(main))
