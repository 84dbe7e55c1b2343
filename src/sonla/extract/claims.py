"""Every number in every source as a provenance-tracked claim (``data/processed/claims.csv``).

:func:`extract_claims` is a pure function of one verified source: it lays the text out
(:mod:`~sonla.extract.layout`), finds every digit group (and every bracketed Roman list
marker) and decides what kind of number it is (:mod:`~sonla.extract.classify`), reads each
quantity's value, range, denominator and unit (:mod:`~sonla.extract.quantities`), then its
qualifier, indicator, period and geography (:mod:`~sonla.extract.context`). What it knows
about Vietnamese lives in ``src/sonla/rules/`` (see :mod:`sonla.text.lexicon`); what differs
between sources is read from the manifest (``text_layer``: OCR look-alikes apply only to
``ocr``), never from a ``source_id``.

Kinds (column ``kind``): ``quantity``; ``date`` (dates and year references such as
``năm 2020`` or ``2020-2025``); ``identifier`` (``353-KL/TU``, ``Nghị quyết số 12``);
``section_number`` (``1.2.1.``, ``II-``); ``list_marker`` (``(1)``, ``(ii)``);
``footnote_marker`` (``thành phố1;``); ``name_number`` (``tổ 12``, ``QL6``, ``bão số 2``);
``ocr_letter`` (an OCR copy's letter read as a digit: ``s6``, ``1a``, ``ty 18``).

Run ``sonla claims`` (or ``python -m sonla.extract.claims``) to print counts for the verified sources.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

import pandas as pd

from .. import progress
from ..console import run_command
from ..errors import SonlaError
from ..schema import CLAIM_COLUMNS, CLAIMS
from ..sources import Source, load_sources
from ..text.lexicon import Rules, load_rules
from .classify import scan_numbers
from .context import (
    BODY,
    EVENT,
    INHERITED,
    PRESENT,
    STATED,
    clause_bounds,
    duration_span,
    ends_after,
    geography_of,
    indicator_of,
    level_of,
    qualify,
    stated_period,
    term_named,
)
from .layout import Layout, anchor_of, build_layout, heading_stack, line_bounds, sentence_index
from .quantities import Claim
from .reading import FrameRules, Reading, load_frame_rules, read_frame

__all__ = ["extract_claims", "extract_all", "check_offsets", "check_indicators", "stage_claims",
           "indicator_key", "concept_of"]


@lru_cache(maxsize=1024)
def _clean(text: str) -> str:
    """White space collapsed (the claims of one sentence share its text: computed once)."""
    return re.sub(r"\s+", " ", text).strip()


def indicator_key(concept: str, level: str) -> str:
    """An indicator is a concept at one level of government: ``poverty_rate@commune``.

    >>> indicator_key("poverty_rate", "district"), indicator_key("poverty_rate", "")
    ('poverty_rate@district', 'poverty_rate')
    >>> indicator_key("", "commune")
    ''
    """
    return f"{concept}@{level}" if concept and level else concept


def concept_of(indicator: str) -> str:
    """The concept key (``indicators.yaml``) of an indicator: ``concept_of("poverty_rate@commune")``.

    >>> concept_of("poverty_rate@commune"), concept_of("")
    ('poverty_rate', '')
    """
    return indicator.partition("@")[0]


def _row(source_id: str, claim: Claim, layout: Layout, rules: Rules, frames: FrameRules) -> dict[str, object]:
    """One row of ``claims.csv``: the claim read in its context."""
    bounds = clause_bounds(layout, claim)
    anchor = anchor_of(layout, claim.start)
    stack = heading_stack(layout, anchor)
    sentence = layout.text[bounds[0]:bounds[3]]
    if claim.kind == "section_number":
        line_start, line_end = line_bounds(layout.text, claim.start)
        sentence = layout.text[line_start:line_end]
    concept = ""
    reading = None
    period, origin = stated_period(claim, layout, bounds, stack, anchor)
    geography = geography_of(claim, layout, rules, bounds, stack, anchor)
    level = level_of(geography, rules)
    if claim.kind == "quantity":
        qualify(claim, layout, rules, bounds, stack)
        concept = indicator_of(claim, layout, rules, bounds)
        year = layout.source_year
        index = sentence_index(layout, claim.start)
        previous = layout.folded[slice(*layout.sentences[index - 1])] if index else ""
        named, term = term_named(layout, rules, bounds, claim)
        if named == BODY and (origin != STATED or period == term):
            period, origin = term, BODY  # the make-up of a body formed for the term
        elif named == EVENT and term[:4] == year and (period == term or origin != STATED):
            period, origin = term, EVENT  # the congress held now, opening the term: no deadline
        future = origin == STATED and ends_after(period, year)
        reading = read_frame(layout.folded, claim.start, claim.end, bounds, claim.unit,
                             any(h.target for h in stack), future, frames, previous)
        average_span = _span_for_average(layout, bounds, claim, stack, reading.average)
        period = _period_for(reading, period, origin, year, average_span)
        if rules.unit_families.get(claim.unit) == "duration":
            period = duration_span(layout, claim, bounds[3]) or period
    return {
        "claim_id": f"{source_id}-{claim.start:06d}",
        "source_id": source_id,
        "start": claim.start,
        "end": claim.end,
        "text": layout.text[claim.start:claim.end],
        "kind": claim.kind,
        "value": claim.value,
        "value_high": claim.value_high,
        "denominator": claim.denominator,
        "unit": claim.unit,
        "qualifier": claim.qualifiers[0] if claim.qualifiers else "",
        "indicator": indicator_key(concept, level),
        "period": period,
        "geography": geography,
        "sentence": _clean(sentence),
        "decimals": claim.decimals,
        "qualifiers": ";".join(claim.qualifiers),
        "frame": reading.frame if reading else "",
        "base": reading.base if reading else "",
        "each_year": reading.each_year if reading else None,
        "is_change": reading.is_change if reading else None,
        "concept": concept,
        "level": level if claim.kind == "quantity" else "",
    }


def _span_for_average(layout: Layout, bounds: tuple[int, int, int, int], claim: Claim,
                      stack: list, average: bool) -> str:
    """The span an average per year, or a figure of every year, covers when no span is said with
    it. An average is computed over the first and last years written in its part of the sentence
    (between ";" or ":"), before or after it: "từ 28,6% năm 2020 xuống còn 9,4% cuối năm 2024,
    bình quân mỗi năm giảm 4,8%". Otherwise (and for a figure of every year) the nearest span of
    the headings above it."""
    part_start = max(layout.text.rfind(mark, bounds[0], claim.start) for mark in ";:")
    part_end = min((i for i in (layout.text.find(";", claim.end, bounds[3]),
                                layout.text.find(":", claim.end, bounds[3])) if i >= 0), default=bounds[3])
    lo = bisect.bisect_left(layout.periods, (max(bounds[0], part_start), -1, ""))
    hi = bisect.bisect_left(layout.periods, (part_end, -1, ""))
    years = sorted({y for _, _, p in layout.periods[lo:hi] for y in p.split("-")})
    if average and len(years) >= 2:
        return f"{years[0]}-{years[-1]}"
    return next((h.period for h in stack if "-" in h.period), "")


def _period_for(reading: Reading, period: str, origin: str, year: str, average_span: str = "") -> str:
    """The period of a quantity once its frame is known.

    A period inherited from a heading or the title that ends after the source's date (a
    report on the 2025–2030 term), or a term that names the congress held now, dates the
    targets under it, not the facts stated there: a fact is dated by its source (the population
    "now"). A change measured against a year or the start of a term, with only an inherited span,
    is dated at the end of that span: when the new level was reached (the codebook's reading,
    data/annotations/CODEBOOK.md). An average per year, or a figure said to hold every year,
    dated only by a present-time wording or its headings covers a span (``average_span``), not
    the present year.
    """
    if origin in (INHERITED, EVENT) and reading.frame != "target" and ends_after(period, year):
        return year
    if origin in (PRESENT, INHERITED) and (reading.each_year or reading.average) and average_span:
        return average_span
    # A change against a year or the start of a term is dated when the new level was reached.
    if origin == INHERITED and reading.is_change and "-" in period and (
            reading.base == "term_start" or reading.base[:1].isdigit()):
        return period[-4:]
    return period


def extract_claims(source: Source, rules: Rules | None = None) -> pd.DataFrame:
    """Every numeric claim of one source, one row per claim, columns ``CLAIM_COLUMNS`` (:mod:`sonla.schema`).

    Rows are sorted by ``start``; ``source.text[start:end] == text`` for every row.

    >>> from sonla.sources import load_sources
    >>> report = next(s for s in load_sources() if s.source_id == "report")
    >>> df = extract_claims(report)
    >>> row = df[df.text == "4.051 tỷ đồng"].iloc[0]
    >>> float(row.value), row.unit, row.qualifier, row.indicator, row.period, row.frame
    (4051.0, 'bn_vnd', 'more_than', 'public_investment_total@district', '2021-2025', 'actual')
    >>> df[df.text == "353-KL/TU"].kind.tolist()
    ['identifier', 'identifier']
    """
    rules = rules or load_rules(exact=source.text_layer != "ocr")
    layout = build_layout(source, rules)
    frames = load_frame_rules(exact=source.text_layer != "ocr")
    rows = [_row(source.source_id, claim, layout, rules, frames) for claim in scan_numbers(layout, rules)]
    frame = pd.DataFrame(rows, columns=CLAIM_COLUMNS)
    for column in ("start", "end", "decimals"):
        frame[column] = frame[column].astype("Int64")
    return frame


def extract_all(sources: list[Source], rules: Rules | None = None) -> pd.DataFrame:
    """Claims of every source, in manifest order then by start."""
    frames = [extract_claims(source, rules) for source in progress.each(sources, "source", _source_id)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=CLAIM_COLUMNS)


def _source_id(source: Source) -> str:
    return source.source_id


def check_offsets(claims: pd.DataFrame, sources: list[Source]) -> None:
    """Raise :class:`SonlaError` naming the row if ``raw[start:end] != text`` or an id repeats."""
    texts = {s.source_id: s.text for s in sources}
    columns = (claims[c].tolist() for c in ("source_id", "start", "end", "text", "claim_id"))
    for row_number, (source_id, start, end, text, claim_id) in enumerate(zip(*columns, strict=True), start=2):
        if texts[source_id][start:end] != text:
            raise SonlaError(f"claims.csv row {row_number} ({claim_id}): "
                             "text does not match the raw file")
    duplicated = claims.claim_id[claims.claim_id.duplicated()]
    if len(duplicated):
        raise SonlaError(f"claims.csv: duplicate claim_id {duplicated.iloc[0]}")


def check_indicators(claims: pd.DataFrame, rules: Rules | None = None) -> None:
    """Raise :class:`SonlaError` if an indicator mixes unit families or levels of government.

    One indicator is one concept, one unit family (money, a percentage, a count of one thing…)
    and one level: ``poverty_rate@district`` never holds a count of households or a ward's rate.
    A unit without a family in ``units.yaml`` is a family of its own; no unit ("") is one too.
    """
    rules = rules or load_rules()
    quantities = claims[(claims["kind"] == "quantity") & (claims["indicator"].fillna("") != "")]
    # One pass over plain lists (a pandas group per indicator cost more than the check itself).
    groups: dict[str, tuple[set[str], set[str], str]] = {}
    columns = (quantities[c].fillna("").tolist() for c in ("indicator", "unit", "level", "claim_id"))
    for indicator, unit, level, claim_id in zip(*columns, strict=True):
        families, levels, _ = groups.setdefault(indicator, (set(), set(), claim_id))
        families.add(rules.unit_families.get(unit, unit))
        levels.add(str(level))
    for indicator, (family_set, level_set, example) in sorted(groups.items()):
        families, levels = sorted(family_set), sorted(level_set)
        if len(families) > 1 or len(levels) > 1:
            raise SonlaError(f"claims.csv: indicator {indicator!r} mixes "
                             + (f"unit families {', '.join(families)}" if len(families) > 1
                                else f"levels {', '.join(levels)}")
                             + f" (e.g. claim {example}); split it in rules/indicators.yaml")


def stage_claims(sources: list[Source], inputs: dict[str, object]) -> dict[str, object]:
    """Pipeline stage: ``claims.csv``, every source's claims with their offsets and indicators checked."""
    claims = extract_all(sources)
    check_offsets(claims, sources)
    check_indicators(claims)
    return {CLAIMS.path: claims}


def main(argv: list[str] | None = None) -> int:
    """``sonla claims``: print claim counts by source and kind for the verified sources."""
    claims = extract_all(load_sources())
    print(claims.groupby(["source_id", "kind"], sort=False).size().unstack(fill_value=0).to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(run_command(main))
