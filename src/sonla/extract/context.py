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
from .layout import Heading, Layout, first_geo, footnote_body_at, sentence_index
from .quantities import Claim

__all__ = ["Bounds", "clause_bounds", "duration_span", "qualify", "indicator_of", "period_of",
           "stated_period", "ends_after", "geography_of", "level_of", "term_named", "STATED", "CARRIED",
           "INHERITED", "PRESENT", "EVENT", "BODY"]

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
    for order, ind in rules.indicators_for(claim.unit):
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
    return stated_period(claim, layout, bounds, stack, anchor)[0]


# Where a claim's period came from: said with the claim (its clause, a year in parentheses
# after it, its sentence's lead-in), carried from its paragraph, or
# inherited from the headings above it or the source's title.
# A present-time wording ("đến nay", "hiện") said with the claim or opening its paragraph dates
# it at its source's year: :data:`PRESENT`.
STATED, CARRIED, INHERITED, PRESENT = "stated", "carried", "inherited", "present"


def _last_before(periods: list[tuple[int, int, str]], lo: int, hi: int) -> str:
    """The last period mention starting in [lo, hi), by bisection (linear in the claims)."""
    i = bisect.bisect_left(periods, (hi, -1, ""))
    return periods[i - 1][2] if i and periods[i - 1][0] >= lo else ""


def _any_between(mentions: list[tuple[int, int, str]], lo: int, hi: int) -> bool:
    i = bisect.bisect_left(mentions, (hi, -1, ""))
    return bool(i) and mentions[i - 1][0] >= lo


# A year right after the number dates it: "28,6% năm 2020", "9,4% cuối năm 2024", "145 hộ (2021)",
# "40 năm … (1986 - 2025)" only when the span follows at once; not "46,8% (năm 2020 là 42,5%)",
# where the year dates another value.
FOLLOWING_YEAR = re.compile(r"\s*(?:\(\s*|,\s*)?(?:vào\s+)?(?:(?:cuối|đầu|giữa)\s+)?(?:năm\s+|\()"
                            r"((?:19|20)\d\d)(?![\d\s]*[-–])(?!\s*(?:là|:)\s*\d)|\s*\(((?:19|20)\d\d)\)"
                            r"|\s*\(((?:19|20)\d\d\s*[-–]\s*(?:19|20)\d\d)\)")
# A year this near the start of a sentence ("Năm 2024, …", "Giai đoạn 2021 – 2023, …") dates it.
LEAD_IN_CHARS = 25


def _lead_in_periods(layout: Layout, lo: int, hi: int) -> str:
    """The last year that stands in the lead-in of a sentence starting in [lo, hi):
    "Năm 2024, …" dates the sentences after it in its paragraph; "… so với năm 2020" does not."""
    first = bisect.bisect_left(layout.sentence_starts, lo)
    last = bisect.bisect_left(layout.sentence_starts, hi)
    for index in range(last - 1, first - 1, -1):
        start = layout.sentence_starts[index]
        window = layout.text[start:min(start + LEAD_IN_CHARS, hi)]
        comma = re.search(r"[,:;]", window)
        end = start + (comma.start() if comma else len(window))
        found = _last_before(layout.periods, start, end)
        if found:
            return found
    return ""


def stated_period(claim: Claim, layout: Layout, bounds: Bounds, stack: list[Heading],
                  anchor: int) -> tuple[str, str]:
    """(period, where it came from: :data:`STATED`, :data:`CARRIED` or :data:`INHERITED`)."""
    sent_start, clause_start = bounds[0], bounds[1]
    if claim.kind == "date":
        span = layout.text[claim.start:claim.end]
        years = re.findall(r"(?:19|20)\d\d", span)
        # A day and month without a year ("ngày 9/7") fall in the year the source is dated.
        return ("-".join(dict.fromkeys(years)) if years else layout.source_year), STATED
    follow = FOLLOWING_YEAR.match(layout.folded if not layout.ocr else layout.text, claim.end)
    if follow and claim.unit != "times":  # "gấp 1,6 lần năm 2020": the year is the base
        return re.sub(r"\s*[-–]\s*", "-", next(g for g in follow.groups() if g)), STATED
    in_clause = _clause_period(layout, clause_start, claim.start)
    if in_clause:
        return in_clause, STATED
    # A year in the sentence's lead-in ("Năm 2024, …;") applies to all its clauses; a year that
    # opens a later part of it ("…; năm học 2023-2024 có 197 học sinh …; 10/10 dự án …") to the
    # parts after it.
    lead = re.search(r"[;:]", layout.text[sent_start:claim.start])
    lead_end = sent_start + lead.start() if lead else claim.start
    # (A year attached to another number, "từ 34,7% năm 2020 giảm còn 12,5%", dates that one.)
    in_lead = _clause_period(layout, sent_start, lead_end) or _part_lead_in(layout, lead_end, claim.start)
    if in_lead:
        return in_lead, STATED
    # "Đến nay", "hiện nay": the state at the time of writing.
    if layout.source_year and (_any_between(layout.present, clause_start, claim.start)
                               or _any_between(layout.present, sent_start, lead_end)
                               or _footnote_opens_present(layout, claim.start)):
        return layout.source_year, PRESENT
    if layout.clean or anchor != claim.start:
        para_start, end = _carry_window(layout, claim, anchor)
        earlier = _lead_in_periods(layout, para_start, end)
        if earlier:
            return earlier, CARRIED
        if layout.source_year and _lead_in_present(layout, para_start, end):
            return layout.source_year, PRESENT
    for heading in stack:
        if heading.period:
            return heading.period, INHERITED
    return layout.default_period, INHERITED


def _part_lead_in(layout: Layout, lo: int, hi: int) -> str:
    """The year that opens the last part (after a ";") in [lo, hi) that opens with one."""
    for part in reversed([m.end() for m in re.finditer(";", layout.text[lo:hi])]):
        start = lo + part
        window = layout.text[start:min(start + LEAD_IN_CHARS, hi)]
        comma = re.search(r"[,:]", window)
        found = _clause_period(layout, start, start + (comma.start() if comma else len(window)))
        if found:
            return found
    return ""


def _lead_in_present(layout: Layout, lo: int, hi: int) -> bool:
    """Whether a sentence starting in [lo, hi) opens with a present-time wording ("Đến nay, …")."""
    first = bisect.bisect_left(layout.sentence_starts, lo)
    last = bisect.bisect_left(layout.sentence_starts, hi)
    return any(_any_between(layout.present, s, s + 3) for s in layout.sentence_starts[first:last])


def _attached(layout: Layout, mention_start: int) -> bool:
    """Whether a year mention belongs to the number right before it: "63 hộ (2024)", "28,6% năm 2020"."""
    return bool(ATTACHED_YEAR.search(layout.text, max(0, mention_start - 30), mention_start))


ATTACHED_YEAR = re.compile(r"\d[\d.,%]*(?:\s+[^\W\d]+){0,2}\s*(?:\(|(?:cuối |đầu )?năm\s)$")


def _clause_period(layout: Layout, lo: int, hi: int) -> str:
    """The last period mention in [lo, hi) that does not belong to another number."""
    i = bisect.bisect_left(layout.periods, (hi, -1, ""))
    while i and layout.periods[i - 1][0] >= lo:
        start, _, period = layout.periods[i - 1]
        if not _attached(layout, start):
            return period
        i -= 1
    return ""


# A duration or an anniversary spans the years written right after it: "16 năm thành lập thành phố
# (26/10/2008 - 26/10/2024)", "4 năm liên tục từ 2020 đến 2023", "5 năm liền 2020-2024",
# "70 năm Chiến thắng Điện Biên Phủ 7/5/1954-7/5/2024".
DURATION_SPAN = re.compile(r"[^;.]{0,80}?(?:\(\s*(?:\d{1,2}/\d{1,2}/)?((?:19|20)\d\d)\s*[-–]\s*"
                           r"(?:\d{1,2}/\d{1,2}/)?((?:19|20)\d\d)\s*\)"
                           r"|(?:từ (?:năm )?)?(?:\d{1,2}/\d{1,2}/)?((?:19|20)\d\d)"
                           r"\s*(?:[-–]|đến(?: năm)?)\s*"
                           r"(?:\d{1,2}/\d{1,2}/)?((?:19|20)\d\d)(?!\d))")


def duration_span(layout: Layout, claim: Claim, clause_end: int) -> str:
    """The span of years a duration measures, when written right after it in its clause, or ""."""
    m = DURATION_SPAN.match(layout.text, claim.end, max(claim.end, clause_end))
    if not m:
        return ""
    years = [g for g in m.groups() if g]
    return f"{years[0]}-{years[1]}"


EVENT, BODY = "event", "body"


def term_named(layout: Layout, rules: Rules, bounds: Bounds, claim: Claim) -> tuple[str, str]:
    """(:data:`EVENT` or :data:`BODY`, the term) when a term span names a congress in the claim's
    sentence, or a body formed for the term in its sentence or the one before in its paragraph
    ("Cơ cấu Ban Chấp hành … nhiệm kỳ 2025 - 2030 …. Tổng số cấp ủy viên là 22 đồng chí"), before
    or after the claim; ("", "") otherwise. The name nearest the claim wins."""
    sent_start, sent_end = bounds[0], bounds[3]
    index = sentence_index(layout, claim.start)
    body_from = sent_start
    if index and layout.paragraph_of[index - 1] == layout.paragraph_of[index]:
        body_from = layout.sentences[index - 1][0]
    best: tuple[int, str, str] = (len(layout.text) + 1, "", "")
    for kind, pattern, lo in ((EVENT, rules.term_event, sent_start), (BODY, rules.term_body, body_from)):
        for m in pattern.finditer(layout.folded, lo, sent_end):
            if m.start() < claim.end <= m.end():
                continue  # the claim inside the name is no figure of it
            distance = claim.start - m.end() if m.end() <= claim.start else m.start() - claim.end
            if distance < best[0]:
                best = (distance, kind, f"{m.group(1)}-{m.group(2)}")
    return best[1], best[2]


def _footnote_opens_present(layout: Layout, pos: int) -> bool:
    """Whether ``pos`` is in a footnote body that opens with a present-time wording ("4 Đến nay, …")."""
    body = footnote_body_at(layout, pos)  # a binary search, not a scan of every body
    return bool(body) and _any_between(layout.present, body[0], body[0] + 8)


def ends_after(period: str, year: str) -> bool:
    """Whether ``period`` ends after the year ``year`` (both as written; False if either is empty).

    >>> ends_after("2025-2030", "2025"), ends_after("2020-2025", "2025"), ends_after("", "2025")
    (True, False, False)
    """
    return bool(period and year) and int(period[-4:]) > int(year)


def geography_of(claim: Claim, layout: Layout, rules: Rules, bounds: Bounds, stack: list[Heading],
                 anchor: int) -> str:
    """Geography: the sentence, the paragraph (clean text or a footnote's anchor), headings, title."""
    sent_start, clause_start, _, sent_end = bounds
    # "… cấp xã đạt 99,59%": a level marker in the clause, before the claim, names what it is about.
    for marker in rules.level_markers:
        if marker.regex.search(layout.folded[clause_start:claim.start]):
            return marker.key
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



def level_of(geography: str, rules: Rules) -> str:
    """The level of government of a geography key: listed (context.yaml) or by its suffix.

    Unknown keys have no level (empty).
    """
    if geography in rules.levels:
        return rules.levels[geography]
    for place in rules.place_levels:
        if geography.endswith(f"-{place.suffix}"):
            return place.level
    return ""
