"""Write the per-source and per-indicator entries of _toc.yml, with their short sidebar titles.

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

The indicator pages (one per indicator with at least two claims or any finding, the same list
as ``foreach: indicator`` in ``notebooks/runs.yml``: :func:`sonla.reconcile.pages.indicator_pages`)
are listed the same way between ``# per indicator: book/indicators/{page}`` and
``# end per indicator``, in the order of that list (theme, then label, then level); each sidebar
title is the indicator's English label without its parenthesis, cut at a word, and the short name
of its level ("Urbanisation rate (city)"), at most INDICATOR_MAX_LENGTH characters in all ("…"
marks the cut; nested entries have shorter lines). The page keeps its full title (label and level)
as its heading.

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
from ..reconcile.pages import indicator_pages, level_short

__all__ = ["TocError", "format_date", "derived_title", "short_titles", "indicator_title", "indicator_titles",
           "render_toc", "block_files", "main"]

MANIFEST = config.MANIFEST
TOC = config.ROOT / "_toc.yml"
MAX_LENGTH = 48
# An indicator page is nested under the index page in the sidebar, where lines are shorter.
INDICATOR_MAX_LENGTH = 36
# Labels that differ only at their end keep their first word and their last words, within this.
KEEP_END_LENGTH = 42
TEXT_LAYER_LABELS = {"clean": "", "pdf-text": "PDF text layer", "ocr": "OCR"}
BEGIN = re.compile(r"^(?P<indent>[ \t]*)# per (?P<what>source|indicator): (?P<pattern>\S+)")
END = re.compile(r"^[ \t]*# end per (?P<what>source|indicator)\b")


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


def _plain_label(label: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\s*\([^)]*\)", "", label)).strip()


def indicator_title(label: str, keep_end: bool = False, level: str = "") -> str:
    """The sidebar title of an indicator page: its label without parentheses, cut at a word, then
    the short name of its ``level`` in parentheses (places.yaml ``levels``: "(city)", "(wards)").

    ``keep_end`` (for labels whose cut titles would be equal) keeps the whole label when the title
    has at most KEEP_END_LENGTH characters, else its first word and as many of its last words as
    that allows (rare; the browser tests check that they fit the sidebar).

    >>> indicator_title("Party cells directly under the ward party committee (chi bộ trực thuộc)")
    'Party cells directly under the ward…'
    >>> indicator_title("Households affected by site clearance for the Bản Mòng reservoir project", True)
    'Households … Bản Mòng reservoir project'
    >>> indicator_title("Urbanisation rate", level="district")
    'Urbanisation rate (city)'
    >>> indicator_title("Party members admitted during the term", level="commune")
    'Party members admitted… (wards)'
    """
    suffix = f" ({level_short(level)})" if level else ""
    title = _plain_label(label)
    longest, keep = INDICATOR_MAX_LENGTH - len(suffix), KEEP_END_LENGTH - len(suffix)
    if len(title) <= longest:
        return title + suffix
    if not keep_end:
        return _cut(title, longest) + suffix
    if len(title) <= keep:
        return title + suffix
    words = title.split(" ")
    tail: list[str] = []
    while len(words) - len(tail) > 1:
        longer = [words[-len(tail) - 1], *tail]
        if len(f"{words[0]} … {' '.join(longer)}") > keep:
            break
        tail = longer
    return f"{words[0]} … {' '.join(tail)}{suffix}"


def _cut(text: str, length: int) -> str:
    """``text`` cut at a word to at most ``length`` characters, "…" marking the cut."""
    if len(text) <= length:
        return text
    cut = text[:length - 1]
    if text[length - 1] != " ":  # the last word does not fit whole
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:–-") + "…"


def indicator_titles(processed_dir: Path | None = None) -> list[tuple[dict[str, str], str]]:
    """(row, sidebar title) per indicator page, in page order.

    Labels whose cut titles would be equal keep their ends instead; TocError if two titles are
    still equal.
    """
    try:
        rows = indicator_pages(processed_dir)
    except SonlaError as err:
        raise TocError(str(err)) from None
    cut = [indicator_title(row["label_en"], level=row["level"]) for row in rows]
    titles = [indicator_title(row["label_en"], keep_end=cut.count(t) > 1, level=row["level"])
              for row, t in zip(rows, cut, strict=True)]
    seen: dict[str, str] = {}
    for row, title in zip(rows, titles, strict=True):
        if title in seen:
            raise TocError(f"indicators {seen[title]} and {row['indicator']} get the same sidebar title "
                           f"{title!r}: make their label_en in indicators.yaml differ")
        seen[title] = row["indicator"]
    return list(zip(rows, titles, strict=True))


def render_toc(toc_text: str, manifest: Path = MANIFEST, processed_dir: Path | None = None) -> str:
    """``toc_text`` with every per-source block rewritten from the manifest, and every
    per-indicator block from the indicator pages."""
    titles = short_titles(manifest)
    with manifest.open(encoding="utf-8-sig", newline="") as handle:
        rows = {row["source_id"]: row for row in csv.DictReader(handle)}
    sources = [(rows[source_id], titles[source_id]) for source_id in sorted(rows)]
    indicators: list[tuple[dict[str, str], str]] | None = None
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
        what = begin.group("what")
        while index < len(lines) and not ((end := END.match(lines[index])) and end["what"] == what):
            index += 1
        if index == len(lines):
            raise TocError(f"{TOC.name}: '# per {what}:' without '# end per {what}' after it")
        indent, pattern = begin.group("indent"), begin.group("pattern")
        if what == "indicator" and indicators is None:
            indicators = indicator_titles(processed_dir)
        for row, title in (sources if what == "source" else indicators or []):
            try:
                file = pattern.format_map(row)
            except KeyError as err:
                column = "a manifest column" if what == "source" else "a field of an indicator page"
                raise TocError(f"{TOC.name}: pattern {pattern!r} names {err}, not {column}") from None
            out.append(f"{indent}- file: {file}\n")
            out.append(f"{indent}  title: {json.dumps(title, ensure_ascii=False)}\n")
    return "".join(out)


def block_files(toc_text: str, what: str) -> list[str]:
    """The files listed between ``# per <what>:`` and ``# end per <what>`` in ``toc_text``, in order.

    >>> block_files("  # per indicator: x/{page}\\n  - file: x/a-city\\n    title: A\\n"
    ...             "  # end per indicator\\n  - file: y\\n", "indicator")
    ['x/a-city']
    """
    files: list[str] = []
    inside = False
    for line in toc_text.splitlines():
        begin, end = BEGIN.match(line), END.match(line)
        if begin and begin["what"] == what:
            inside = True
        elif end and end["what"] == what:
            inside = False
        elif inside and (entry := re.match(r"^\s*-\s*file:\s*(\S+)", line)):
            files.append(entry.group(1).strip("\"'"))
    return files


def main(argv: list[str] | None = None) -> int:
    """``sonla toc``: rewrite (or ``--check``) the per-source and per-indicator entries of _toc.yml.

    Errors raise, named."""
    parser = ArgumentParser(prog="sonla toc", description=TOC_HELP)
    add_arguments(parser)
    args = parser.parse_args(argv)
    current = TOC.read_text(encoding="utf-8")
    expected = render_toc(current)
    if args.check:
        if current != expected:
            raise TocError(f"{TOC}: out of date with the manifest or the indicator pages: run `sonla toc`")
        return 0
    if current != expected:
        write_text_atomic(TOC, expected)
        print("  toc          _toc.yml (per-source and per-indicator entries written)")
    else:
        print("  toc          _toc.yml (unchanged)")
    return 0


TOC_HELP = ("Write the per-source and per-indicator entries of _toc.yml and their sidebar titles "
            "from the manifest and the indicator pages.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``sonla toc``."""
    parser.add_argument("--check", action="store_true", help="only check that _toc.yml is current")


if __name__ == "__main__":
    raise SystemExit(run_command(main))
