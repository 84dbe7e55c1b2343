"""A claim in its context: clause, qualifiers, indicator, period and geography.

Each function reads one claim against its source's :class:`~sonla.extract.layout.Layout`:
the qualifiers and indicator from the words around it (``qualifiers.yaml``,
``indicators.yaml``), the period and geography from the clause, the sentence's lead-in, the
paragraph (clean text, or a footnote's anchor), the headings in scope and the source's title.
"""

from __future__ import annotations

import bisect
import re

from ..text.lexicon import Rules
from .layout import Heading, Layout, first_geo, period_in, sentence_index
from .quantities import Claim

__all__ = ["Bounds", "clause_bounds", "qualify", "indicator_of", "period_of", "geography_of"]

# (sentence start, clause start, clause end, sentence end) around a claim.
Bounds = tuple[int, int, int, int]


def clause_bounds(layout: Layout, claim: Claim) -> Bounds:
    """(sentence start, clause start, clause end, sentence end) around a claim."""
    sent_start, sent_end = layout.sentences[sentence_index(layout, claim.start)]
    text = layout.text
    clause_start = max(sent_start, text.rfind(";", 0, claim.start) + 1)
    ends = [i for i in (text.find(";", claim.end), text.find("(", claim.end)) if i >= 0]
    clause_end = min([sent_end, *ends])
    return sent_start, clause_start, max(clause_end, claim.end), sent_end


def qualify(claim: Claim, layout: Layout, rules: Rules, bounds: Bounds, stack: list[Heading]) -> None:
    """Set ``claim.qualifiers``: every qualifier whose wording stands before or after it, strongest first."""
    sent_start, clause_start, clause_end, _ = bounds
    folded = layout.folded
    sentence_before = folded[sent_start:claim.start]
    clause_before = folded[clause_start:claim.start]
    after = folded[claim.end:clause_end]
    found = []
    for q in rules.qualifiers:
        window = sentence_before if q.sentence_wide else clause_before
        if (q.before and q.before.search(window)) or (q.after and q.after.search(after)):
            found.append((q.priority, q.key))
    if any(h.target for h in stack) and all(k != "target" for _, k in found):
        found.append((2, "target"))
    claim.qualifiers = [k for _, k in sorted(found, key=lambda x: x[0])]


def indicator_of(claim: Claim, layout: Layout, rules: Rules, bounds: Bounds) -> str:
    """The indicator whose wording is nearest the claim in its clause (its own unit first), or \"\"."""
    _, clause_start, clause_end, _ = bounds
    folded = layout.loose
    best = None  # (rank, distance, order, key)
    for order, ind in enumerate(rules.indicators):
        if ind.units is not None and claim.unit not in ind.units:
            continue
        for m in ind.regex.finditer(folded, clause_start, clause_end):
            if claim.start <= m.start() < claim.end:  # in the claim's own unit: "3 hộ cận nghèo"
                rank = (-1, 0, order)
            elif m.end() <= claim.start + 1:
                rank = (0, claim.start - m.end(), order)
            elif m.start() >= claim.start:
                rank = (1, m.start() - claim.end, order)
            else:
                continue
            if best is None or rank < best[0]:
                best = (rank, ind.key)
    return best[1] if best else ""


def _carry_window(layout: Layout, claim: Claim, anchor: int) -> tuple[int, int]:
    """Where earlier mentions in the same paragraph may come from (clean text only)."""
    pos = anchor if anchor != claim.start else claim.start
    index = sentence_index(layout, pos)
    # paragraph_of never decreases: the paragraph's first sentence by a binary search
    first = bisect.bisect_left(layout.paragraph_of, layout.paragraph_of[index], 0, index)
    end = anchor if anchor != claim.start else layout.sentences[index][0]
    return layout.sentences[first][0], end


def period_of(claim: Claim, layout: Layout, bounds: Bounds, stack: list[Heading], anchor: int) -> str:
    """Period: the clause, the sentence's lead-in, the paragraph, the headings, the title."""
    sent_start, clause_start = bounds[0], bounds[1]
    if claim.kind == "date":
        span = layout.text[claim.start:claim.end]
        years = re.findall(r"(?:19|20)\d\d", span)
        # A day and month without a year ("ngày 9/7") fall in the year the source is dated.
        return "-".join(dict.fromkeys(years)) if years else layout.source_year
    follow = re.match(r"\s*\(((?:19|20)\d\d)\)", layout.text[claim.end:claim.end + 10])
    if follow:
        return follow.group(1)
    in_clause = period_in(layout, clause_start, claim.start)
    if in_clause:
        return in_clause[2]
    # A year in the sentence's lead-in ("Năm 2024, …;") applies to all its clauses.
    lead = re.search(r"[;:]", layout.text[sent_start:claim.start])
    lead_end = sent_start + lead.start() if lead else claim.start
    in_lead = period_in(layout, sent_start, lead_end)
    if in_lead:
        return in_lead[2]
    if layout.clean or anchor != claim.start:
        para_start, end = _carry_window(layout, claim, anchor)
        earlier = period_in(layout, para_start, end)
        if earlier:
            return earlier[2]
    for heading in stack:
        if heading.period:
            return heading.period
    return layout.default_period


def geography_of(claim: Claim, layout: Layout, rules: Rules, bounds: Bounds, stack: list[Heading],
                 anchor: int) -> str:
    """Geography: the sentence, the paragraph (clean text or a footnote's anchor), headings, title."""
    sent_start, _, _, sent_end = bounds
    old = any(h.old_wards for h in stack) or bool(
        rules.old_ward.search(layout.folded[sent_start:sent_end]))
    geo = first_geo(layout.geos, sent_start, claim.start, old)
    if geo:
        return geo
    if layout.clean or anchor != claim.start:
        para_start, end = _carry_window(layout, claim, anchor)
        lo = bisect.bisect_left(layout.sentence_starts, para_start)
        hi = bisect.bisect_left(layout.sentence_starts, end)
        for s, e in reversed(layout.sentences[lo:hi]):
            geo = first_geo(layout.geos, s, min(e, end), old)
            if geo:
                return geo
    for heading in stack:
        if heading.geography:
            return heading.geography
    return layout.default_geography

