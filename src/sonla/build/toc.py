"""Write the per-source entries of _toc.yml, with their short sidebar titles, from the manifest.

    sonla toc            # validate the short titles, rewrite the entries
    sonla toc --check    # exit 1 if _toc.yml is out of date (or a title is invalid)

The sidebar shows a short title ("Political report, July 2025"); the page keeps its full title
as its heading. Jupyter Book 1.x takes the sidebar title from a ``title:`` on a ``_toc.yml``
entry, which a ``glob:`` entry cannot carry, so the per-source pages are listed one by one
between two marker comments in ``_toc.yml``::

      # per source: book/profiles/{source_id}
      - file: book/profiles/report
        title: "Political report, July 2025"
      # end per source

Everything between the markers is rewritten: one entry per row of ``data/raw/sources.csv``,
sorted by ``source_id``, the pattern's ``{fields}`` filled from the row. The title is the row's
optional ``short_title`` column; an empty one is derived from the row as
"<first word of kind>[ (<text layer>)], <date>", e.g. "News, December 2024" or
"Appendix (OCR), 2025". A short title is one line of at most MAX_LENGTH characters without
surrounding spaces, and no two sources may share one. Errors name the manifest row.
``make notebooks`` runs this (``sonla toc``) next to ``sonla reader``; tests/build/test_toc.py runs
the check. A removed source's entries leave the table of contents with its row.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import json
import re
from pathlib import Path

from .. import config
from ..console import ArgumentParser, run_command
from ..errors import SonlaError
from ..io import write_text_atomic

__all__ = ["TocError", "format_date", "derived_title", "short_titles", "render_toc", "main"]

MANIFEST = config.MANIFEST
TOC = config.ROOT / "_toc.yml"
MAX_LENGTH = 48
TEXT_LAYER_LABELS = {"clean": "", "pdf-text": "PDF text layer", "ocr": "OCR"}
BEGIN = re.compile(r"^(?P<indent>[ \t]*)# per source: (?P<pattern>\S+)")
END = re.compile(r"^[ \t]*# end per source\b")


class TocError(SonlaError):
    """The manifest's short titles or the markers in _toc.yml are wrong; the message says where."""


def format_date(date: str) -> str:
    """A manifest date for readers.

    >>> format_date("2025-07"), format_date("2025"), format_date("2025-07-09"), format_date("n.d.")
    ('July 2025', '2025', '9 July 2025', 'n.d.')
    """
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", date.strip())
    if not match or (match.group(2) and not 1 <= int(match.group(2)) <= 12):
        return date.strip()
    year, month, day = match.groups()
    if not month:
        return year
    text = f"{calendar.month_name[int(month)]} {year}"
    return f"{int(day)} {text}" if day else text


def derived_title(row: dict[str, str]) -> str:
    """The short title of a row without ``short_title``: kind, text layer, date.

    >>> derived_title({"kind": "news", "text_layer": "clean", "date": "2024-12"})
    'News, December 2024'
    >>> derived_title({"kind": "appendix-ocr", "text_layer": "ocr", "date": "2025"})
    'Appendix (OCR), 2025'
    """
    kind = (row.get("kind") or "source").split("-")[0].capitalize()
    layer = TEXT_LAYER_LABELS.get(row.get("text_layer", ""), row.get("text_layer", ""))
    head = f"{kind} ({layer})" if layer else kind
    date = format_date(row.get("date", ""))
    return f"{head}, {date}" if date else head


def short_titles(manifest: Path = MANIFEST) -> dict[str, str]:
    """{source_id: short title} for every manifest row, validated (raises TocError)."""
    with manifest.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    titles: dict[str, str] = {}
    first_row: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        where = f"{manifest}, row {number}"
        given = row.get("short_title") or ""
        if given and given != given.strip():
            raise TocError(f"{where}: short_title {given!r} has spaces around it")
        if any(ch in given for ch in "\r\n\t") or any(ord(ch) < 32 for ch in given):
            raise TocError(f"{where}: short_title must be one line of text")
        title = given or derived_title(row)
        if len(title) > MAX_LENGTH:
            source = "short_title" if given else "derived short title (set short_title)"
            raise TocError(f"{where}: {source} {title!r} is {len(title)} characters; at most {MAX_LENGTH}")
        if title in first_row:
            raise TocError(f"{where}: short title {title!r} is also the one of row {first_row[title]}; "
                           "give the sources distinct short_title values")
        first_row[title] = number
        titles[row["source_id"]] = title
    return titles


def render_toc(toc_text: str, manifest: Path = MANIFEST) -> str:
    """``toc_text`` with every per-source block rewritten from the manifest."""
    titles = short_titles(manifest)
    with manifest.open(encoding="utf-8-sig", newline="") as handle:
        rows = {row["source_id"]: row for row in csv.DictReader(handle)}
    out: list[str] = []
    lines = toc_text.splitlines(keepends=True)
    index = 0
    while index < len(lines):
        line = lines[index]
        out.append(line)
        index += 1
        begin = BEGIN.match(line)
        if not begin:
            continue
        while index < len(lines) and not END.match(lines[index]):
            index += 1
        if index == len(lines):
            raise TocError(f"{TOC.name}: '# per source:' without '# end per source' after it")
        indent, pattern = begin.group("indent"), begin.group("pattern")
        for source_id in sorted(rows):
            try:
                file = pattern.format_map(rows[source_id])
            except KeyError as err:
                raise TocError(f"{TOC.name}: pattern {pattern!r} names {err}, "
                               "not a manifest column") from None
            out.append(f"{indent}- file: {file}\n")
            out.append(f"{indent}  title: {json.dumps(titles[source_id], ensure_ascii=False)}\n")
    return "".join(out)


def main(argv: list[str] | None = None) -> int:
    """``sonla toc``: rewrite (or ``--check``) the per-source entries of _toc.yml (errors raise, named)."""
    parser = ArgumentParser(prog="sonla toc", description=TOC_HELP)
    add_arguments(parser)
    args = parser.parse_args(argv)
    current = TOC.read_text(encoding="utf-8")
    expected = render_toc(current)
    if args.check:
        if current != expected:
            raise TocError(f"{TOC}: out of date with the manifest: run `sonla toc`")
        return 0
    if current != expected:
        write_text_atomic(TOC, expected)
        print("  toc          _toc.yml (per-source entries written)")
    else:
        print("  toc          _toc.yml (unchanged)")
    return 0


TOC_HELP = "Write the per-source entries of _toc.yml and their sidebar titles from the manifest."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``sonla toc``."""
    parser.add_argument("--check", action="store_true", help="only check that _toc.yml is current")


if __name__ == "__main__":
    raise SystemExit(run_command(main))
