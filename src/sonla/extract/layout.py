"""The layout of one source's text: sentences, paragraphs, headings, footnotes, context mentions.

:func:`build_layout` reads one verified source once (a pure function of the source and the
compiled rules) and gives the rest of the extraction what it asks of every claim: the sentence
and paragraph it stands in, the headings in scope, the periods and places mentioned around it,
and, for a footnote body, the marker it belongs to.

In clean text a line break ends a sentence and a paragraph; in a PDF or OCR text layer a line
break is only a wrap, unless the line ends a sentence or the next line is a heading.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import math
import re
from dataclasses import dataclass, field

from ..sources import Source
from ..text.fold import fold, fold_ocr, lower_text
from ..text.lexicon import Rules, not_after_letter

__all__ = ["Heading", "Layout", "build_layout", "is_heading_line", "next_line_starts_upper", "line_bounds",
           "sentence_index", "heading_stack", "anchor_of", "footnote_at", "footnote_body_at", "first_geo",
           "last_mention", "FULL_DATE"]

FULL_DATE = re.compile(r"\d{1,2}[./]\d{1,2}[./](?:19|20)\d\d(?!\d)"
                       r"|(?:19|20)\d\d-[01]\d(?:-[0-3]\d)?(?![\d/])")
HEADING_START = re.compile(r"^\s*(?:phan thu \S+|[ivx]{1,4}[-.]\s|\d{1,2}(?:\.\d{1,2})*\.?\s)")
SENTENCE_END = re.compile(r"[.!?…]+[\"”’)]*(?=\s+[\"“(]?[A-ZĐÀ-Ỹ(\d])")


@dataclass
class Heading:
    start: int
    end: int
    level: int
    geography: str
    old_wards: bool
    period: str
    target: bool


@dataclass
class Layout:
    """Where sentences, paragraphs and headings are in one text, and the context mentions."""

    text: str
    folded: str  # what the rules match: lower_text() of a clean or PDF text, fold_ocr() of an OCR copy
    loose: str  # fully folded text (fold_ocr() of an OCR copy): what indicator wordings match
    ocr: bool
    sentences: list[tuple[int, int]]
    sentence_starts: list[int]
    paragraph_of: list[int]
    headings: list[Heading]
    heading_starts: list[int]
    periods: list[tuple[int, int, str]]
    geos: list[tuple[int, str, str]]
    default_geography: str
    default_period: str
    clean: bool
    footnotes: list[tuple[int, int, int]]
    source_year: str
    present: list[tuple[int, int, str]]  # "đến nay", "hiện nay": the time of writing
    footnote_bodies: list[tuple[int, int]]  # every numbered footnote body, linked or not
    # heading_stack() by the number of headings before a position (all computed in one pass)
    stacks: dict[int, list[Heading]] = field(default_factory=dict, repr=False)
    # The footnote bodies cut into disjoint segments (start, end, index of the first body that
    # holds them): footnote_at() by a binary search, not a scan of every body per claim.
    footnote_segments: list[tuple[int, int, int]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.footnote_segments = _disjoint_segments(
            [(s, e, number) for number, (s, e, _) in enumerate(self.footnotes)])


def _lines(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def is_heading_line(line: str, folded_line: str, rules: Rules, next_starts_upper: bool = True) -> int:
    """Heading level of a line (0: not a heading).

    A numbered line is a heading only if the next non-blank line starts a new sentence
    (upper case, a digit or a bracket): in a PDF text layer "1.6. Hoàn thành … Thành phố là
    đơn" continues on the next line and is a numbered paragraph, not a heading.
    """
    stripped = line.strip()
    if not stripped or len(stripped) > rules.heading_max_chars:
        return 0
    if folded_line.strip().startswith("phan thu "):
        return 1
    # Numbering decides the level before case does: "III- NHIỆM VỤ, GIẢI PHÁP" is a section
    # (level 2) inside its part, not a new part because it is written in capitals.
    match = HEADING_START.match(folded_line)
    if match and not stripped.endswith((",", ";")) and next_starts_upper:
        head = match.group(0).strip()
        if re.match(r"[ivx]", head):
            return 2
        if not (re.fullmatch(r"\d{1,2}\.?", head) and not head.endswith(".")):
            return 2 + head.rstrip(".").count(".") + 1
    letters = [c for c in stripped if c.isalpha()]
    if len(letters) >= 12 and sum(c.isupper() for c in letters) / len(letters) > 0.8:
        return 1
    return 0


def next_line_starts_upper(text: str, line_end: int) -> bool:
    rest = text[line_end:line_end + 400].lstrip()
    return not rest or rest[0].isupper() or rest[0].isdigit() or rest[0] in "(“\"-–"


def _period_mentions(folded: str, rules: Rules) -> list[tuple[int, int, str]]:
    found: dict[int, tuple[int, int, str]] = {}
    for m in rules.period_from_to.finditer(folded):  # "từ năm 2021 đến năm 2025"
        found[m.start()] = (m.start(), m.end(), f"{m.group(1)}-{m.group(2)}")
    spans = _union(found.values())
    for m in rules.period_range.finditer(folded):
        if _covers(spans, m.start()):  # (the ranges do not overlap one another: finditer)
            continue
        if not rules.not_period.search(folded[max(0, m.start() - 30):m.start()]):
            found[m.start()] = (m.start(), m.end(), f"{m.group(1)}-{m.group(2)}")
    spans = _union(found.values())
    for m in rules.period_year.finditer(folded):
        start = m.start(1)
        if _covers(spans, start):
            continue
        if rules.not_period.search(folded[max(0, m.start() - 30):m.start()] + folded[m.start():start]):
            continue
        found[start] = (start, m.end(1), m.group(1))
    return sorted(found.values())


def _union(spans) -> tuple[list[int], list[int]]:
    """The union of spans (start, end, …) as disjoint intervals: (their starts, their ends)."""
    starts: list[int] = []
    ends: list[int] = []
    for s, e, *_ in sorted(spans):
        if ends and s <= ends[-1]:
            ends[-1] = max(ends[-1], e)
        else:
            starts.append(s)
            ends.append(e)
    return starts, ends


def _covers(union: tuple[list[int], list[int]], pos: int) -> bool:
    """Whether ``pos`` lies in a span of the :func:`_union` (a binary search, not a scan)."""
    starts, ends = union
    i = bisect.bisect_right(starts, pos) - 1
    return i >= 0 and pos < ends[i]


def place_key(name: str, suffix: str) -> str:
    """The geography key of a place recognised by pattern: its name folded, then its level.

    >>> place_key("Mường Bú", "commune"), place_key("Chiềng Ngần", "commune")
    ('muong-bu-commune', 'chieng-ngan-commune')
    """
    return "-".join(re.findall(r"[a-z0-9]+", fold(name))) + f"-{suffix}"


_NAME_WORD = re.compile(r"[^\W\d_][\w]*")


def _place_mentions(text: str, folded: str, rules: Rules) -> list[tuple[int, str, str]]:
    """Places named by a level word and a capitalised name ("xã Mường Bú", "bản Hụn")."""
    hits = []
    for place in rules.place_levels:
        for m in not_after_letter(place.regex, folded):
            words, pos = [], m.end()
            while len(words) < rules.place_name_words:
                w = _NAME_WORD.match(text, pos)
                if not w or not w.group(0)[0].isupper():
                    break
                words.append(w.group(0))
                pos = w.end()
                gap = re.match(r"[ \t]+", text[pos:pos + 3])  # a name stays on its line
                if not gap:
                    break
                pos += len(gap.group(0))
            if words and not (place.not_names and place.not_names.match(fold(text[m.end():m.end() + 40]))):
                key = place_key(" ".join(words), place.suffix)
                hits.append((m.start(), key, key))
    return hits


def _subject(folded: str, pos: int, sentence_starts: list[int], rules: Rules) -> bool:
    """Whether a mention at ``pos`` stands among the first words of its sentence or clause."""
    i = max(0, bisect.bisect_right(sentence_starts, pos) - 1)
    lead = folded[sentence_starts[i]:pos] if sentence_starts else folded[:pos]
    parts = re.split(r"[;:]", lead)
    limit = rules.subject_words if len(parts) == 1 else 2
    return len(parts[-1].split()) <= limit


def _geo_mentions(folded: str, rules: Rules, subjects_only: bool = False,
                  sentence_starts: list[int] | None = None, text: str = "") -> list[tuple[int, str, str]]:
    """Geography mentions (position, key, old key): the listed places, then places by pattern.

    With ``subjects_only``, a geography marked ``subject_only`` in context.yaml, and every place
    recognised by pattern, counts only among the first words of its sentence or clause (it is
    then what the sentence is about).
    """
    hits = []
    for geo in rules.geographies:
        for m in geo.regex.finditer(folded):
            if m.start() and folded[m.start() - 1].isalpha():
                continue
            if subjects_only and geo.subject_only and sentence_starts is not None \
                    and not _subject(folded, m.start(), sentence_starts, rules):
                continue
            hits.append((m.start(), geo.key, geo.old_key))
    listed = sorted(pos for pos, _, _ in hits)
    for hit in _place_mentions(text, folded, rules) if text else []:
        if _near(listed, hit[0], 4):
            continue  # a listed place wins ("phường Tô Hiệu" is to-hieu-ward)
        if subjects_only and sentence_starts is not None \
                and not _subject(folded, hit[0], sentence_starts, rules):
            continue
        hits.append(hit)
    hits.sort()
    # A mention inside a longer one ("thành phố" in "thành phố sơn la") counts once.
    kept: list[tuple[int, str, str]] = []
    for hit in hits:
        if kept and hit[0] < kept[-1][0] + 4:
            continue
        kept.append(hit)
    return kept


def _near(positions: list[int], pos: int, distance: int) -> bool:
    """Whether a position of ``positions`` (sorted) is less than ``distance`` from ``pos``: a
    binary search, not a scan of every listed place per place found by pattern.

    >>> _near([10, 40], 13, 4), _near([10, 40], 14, 4)
    (True, False)
    """
    i = bisect.bisect_right(positions, pos - distance)  # the first one past pos - distance
    return i < len(positions) and positions[i] < pos + distance


def first_geo(geos, start: int, end: int, old: bool) -> str:
    i = bisect.bisect_left(geos, (start, "", ""))
    if i < len(geos) and geos[i][0] < end:
        return geos[i][2] if old else geos[i][1]
    return ""


def _sentences(text: str, folded: str, lines: list[tuple[int, int]], heading_lines: set[int],
               paragraph_lines: bool) -> tuple[list[tuple[int, int]], list[int]]:
    """Sentence spans and, for each, a paragraph number.

    In clean text a line break ends a sentence and a paragraph; in a PDF or OCR text layer a
    line break is only a wrap, unless the line ends a sentence or the next line is a heading.
    """
    breaks, paragraphs = set(), {}
    for number, (s, e) in enumerate(lines):
        line = text[s:e].rstrip()
        next_is_heading = number + 1 in heading_lines
        ends_sentence = line.endswith((".", ":", "!", "?"))
        if paragraph_lines or number in heading_lines or next_is_heading or ends_sentence:
            breaks.add(e)
    for m in SENTENCE_END.finditer(text):
        breaks.add(m.end())
    spans, start, paragraph = [], 0, 0
    paragraph_ends = {e for n, (s, e) in enumerate(lines) if paragraph_lines or n in heading_lines}
    for cut in sorted(breaks | {len(text)}):
        segment = text[start:cut]
        lead = len(segment) - len(segment.lstrip())
        if segment.strip():
            spans.append((start + lead, cut))
            paragraphs[len(spans) - 1] = paragraph
        if cut in paragraph_ends:
            paragraph += 1
        start = cut
    return spans, [paragraphs[i] for i in range(len(spans))]


FOOTNOTE_BODY_NUMBERED = re.compile(r"[ \t]*(\d{1,2}) +[A-ZĐÀ-Ỹ]")
FOOTNOTE_MARK_GLUED = re.compile(r"(?<=[a-zà-ỹđ])(\d{1,2})(?=[\s;,.:)]|$)")
FOOTNOTE_TRACE = re.compile(r"(?<=\S)\n(?=[;.,:])")


def _footnote_bodies(text: str, lines: list[tuple[int, int]],
                     heading_lines: set[int]) -> list[tuple[int, int]]:
    """(start, end) of each numbered footnote body ("4 Đến nay, thành phố có …"): its line and the
    lines that continue it (starting with a small letter or a mark, not a blank line, a heading or
    another body): a body printed over several lines is one body."""
    bodies = []
    for number, (s, e) in enumerate(lines):
        if number in heading_lines or not FOOTNOTE_BODY_NUMBERED.match(text, s, e):
            continue
        end, following = e, number + 1
        while following < len(lines) and following not in heading_lines:
            fs, fe = lines[following]
            line = text[fs:fe].lstrip()
            if not line or line[0].isupper() or line[0].isdigit():
                break
            end, following = fe, following + 1
        bodies.append((s, end))
    return bodies


def _footnote_anchors(text: str, lines: list[tuple[int, int]], bodies: list[tuple[int, int]]):
    """(body start, body end, anchor) for each footnote body linked to where its marker stands.

    A footnote body takes its context (headings, paragraph) from its marker, not from where the
    page break or the end of the document put it. Numbered bodies ("4 Đến nay …") link to the
    last glued marker with the same number before them ("học tập4;"). Bodies marked by U+FFFD
    link, in order, to the traces their removed markers left in the text (a line break right
    before punctuation), when the counts agree. Unlinked bodies keep their own position.
    """
    anchors, unnumbered = [], []
    markers: dict[str, list[int]] = {}  # marker number -> its positions, in text order
    for m in FOOTNOTE_MARK_GLUED.finditer(text):
        markers.setdefault(m.group(1), []).append(m.start())
    for s, e in lines:
        if text[s:e].lstrip().startswith("\ufffd"):
            unnumbered.append((s, e))
    for s, e in bodies:
        body = FOOTNOTE_BODY_NUMBERED.match(text, s, e)
        positions = markers.get(body.group(1), [])
        before = bisect.bisect_left(positions, s)  # the markers of its number before it
        if before:
            anchors.append((s, e, positions[before - 1]))
    traces = [m.start() for m in FOOTNOTE_TRACE.finditer(text)]
    # A U+FFFD body runs on to the next one (the last one to the end of the text).
    unnumbered = [(s, unnumbered[i + 1][0] if i + 1 < len(unnumbered) else len(text))
                  for i, (s, _) in enumerate(unnumbered)]
    if unnumbered and len(traces) == len(unnumbered):
        anchors += [(s, e, t) for (s, e), t in zip(unnumbered, traces, strict=True)]
    return sorted(anchors)


def _disjoint_segments(spans: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """``spans`` (start, end, value), sorted, cut into disjoint segments: each position keeps the
    value of the first span (in sorted order) that contains it, as a scan of ``spans`` would find.

    >>> _disjoint_segments([(0, 10, 1), (5, 20, 2), (12, 15, 3)])
    [(0, 10, 1), (10, 20, 2)]
    """
    cuts = sorted({p for s, e, _ in spans for p in (s, e)})
    segments: list[tuple[int, int, int]] = []
    active: list[tuple[int, int, int]] = []  # heap of (index in spans, end, value)
    i = 0
    for lo, hi in itertools.pairwise(cuts):
        while i < len(spans) and spans[i][0] <= lo:
            heapq.heappush(active, (i, spans[i][1], spans[i][2]))
            i += 1
        while active and active[0][1] <= lo:  # the first span has ended: the next one rules
            heapq.heappop(active)
        # spans that ended behind a still-open earlier span stay in the heap, harmlessly:
        # the earlier one rules wherever both would
        if active:
            value = active[0][2]
            if segments and segments[-1][1] == lo and segments[-1][2] == value:
                segments[-1] = (segments[-1][0], hi, value)
            else:
                segments.append((lo, hi, value))
    return segments


def footnote_at(layout: Layout, pos: int) -> tuple[int, int, int] | None:
    """The first footnote body (start, end, anchor) that holds ``pos``, or None: a binary search
    over :attr:`Layout.footnote_segments` (``tests/extract/test_layout.py`` checks it against the scan)."""
    segments = layout.footnote_segments
    i = bisect.bisect_right(segments, (pos, math.inf, math.inf)) - 1
    if i >= 0 and segments[i][0] <= pos < segments[i][1]:
        return layout.footnotes[segments[i][2]]
    return None


def footnote_body_at(layout: Layout, pos: int) -> tuple[int, int] | None:
    """The numbered footnote body (start, end) that holds ``pos``, or None: a binary search (the
    bodies are disjoint and in text order), not a scan of every body per claim."""
    bodies = layout.footnote_bodies
    i = bisect.bisect_right(bodies, (pos, math.inf)) - 1
    return bodies[i] if i >= 0 and bodies[i][0] <= pos < bodies[i][1] else None


def anchor_of(layout: Layout, pos: int) -> int:
    """Where the footnote body holding ``pos`` is anchored (``pos`` itself outside footnotes)."""
    body = footnote_at(layout, pos)
    return body[2] if body else pos


def last_mention(mentions: list, starts: list[int], lo: int, hi: int):
    """The last of ``mentions`` (sorted by start; ``starts`` their starts) starting in [lo, hi), or None.

    Two binary searches, never a scan of the mentions (a scan per claim made one long
    source quadratic). ``tests/extract/test_layout.py`` checks it against the scan.

    >>> last_mention(["a", "b", "c"], [3, 8, 20], 0, 10), last_mention(["a"], [3], 4, 10)
    ('b', None)
    """
    i = bisect.bisect_left(starts, hi)
    return mentions[i - 1] if i and starts[i - 1] >= lo else None


def build_layout(source: Source, rules: Rules) -> Layout:
    """Sentences, headings and context mentions of one source's text."""
    text = source.text
    ocr = source.text_layer == "ocr"
    # The text the rules match: folded for an OCR copy, lowered (marks kept) otherwise.
    folded = fold_ocr(text, rules.ocr_symbols, rules.ocr_digit_letters, rules.ocr_contexts,
                      rules.ocr_word_readings) if ocr else lower_text(text)
    lines = _lines(text)
    periods = _period_mentions(folded, rules)
    period_starts = [p[0] for p in periods]
    geos = _geo_mentions(folded, rules, text=text)
    headings, heading_lines = [], set()
    for number, (s, e) in enumerate(lines):
        level = is_heading_line(text[s:e], fold(text[s:e]), rules, next_line_starts_upper(text, e))
        if not level:
            continue
        heading_lines.add(number)
        line_period = last_mention(periods, period_starts, s, e)
        # A heading dated by a full date ("… từ ngày 01.7.2025") covers that year.
        dated = FULL_DATE.search(text, s, e)
        if not line_period and dated:
            line_period = (dated.start(), dated.end(), re.findall(r"(?:19|20)\d\d", dated.group(0))[0])
        old = bool(rules.old_ward.search(folded[s:e]))
        headings.append(Heading(s, e, level, first_geo(geos, s, e, old), old,
                                line_period[2] if line_period else "",
                                bool(rules.target_heading.search(folded[s:e]))
                                and not rules.result_heading.search(folded[s:e])))
    sentences, paragraph_of = _sentences(text, folded, lines, heading_lines, source.text_layer == "clean")
    bodies = _footnote_bodies(text, lines, heading_lines)
    sentence_starts = [s for s, _ in sentences]
    subject_geos = _geo_mentions(folded, rules, subjects_only=True, sentence_starts=sentence_starts,
                                 text=text)
    title = fold(source.title_vi) if ocr else lower_text(source.title_vi)
    title_periods = _period_mentions(title, rules)
    title_geos = _geo_mentions(title, rules, text=source.title_vi)
    # Without a place in the title, the document is about the subject of its first sentences.
    opening = sentence_starts[min(3, len(sentence_starts) - 1)] if sentence_starts else 0
    default_geos = title_geos or [g for g in subject_geos if g[0] <= opening]
    return Layout(
        text=text, folded=folded, loose=folded if ocr else fold(text), ocr=ocr, sentences=sentences,
        sentence_starts=[s for s, _ in sentences], paragraph_of=paragraph_of,
        headings=headings, heading_starts=[h.start for h in headings],
        periods=periods, geos=subject_geos,
        default_geography=default_geos[0][1] if default_geos else "",
        default_period=title_periods[-1][2] if title_periods else "",
        clean=source.text_layer == "clean",
        footnotes=_footnote_anchors(text, lines, bodies),
        footnote_bodies=bodies,
        source_year=source.date[:4] if re.match(r"(?:19|20)\d\d", source.date) else "",
        present=[(m.start(), m.end(), "") for m in rules.present.finditer(folded)],
    )


def sentence_index(layout: Layout, pos: int) -> int:
    return max(0, bisect.bisect_right(layout.sentence_starts, pos) - 1)


def heading_stack(layout: Layout, pos: int) -> list[Heading]:
    """Headings in scope at ``pos``, innermost first (do not change the list: it is shared)."""
    if not layout.stacks:  # every stack at once, in one pass over the headings
        stack: list[Heading] = []
        layout.stacks[0] = []
        for number, heading in enumerate(layout.headings, start=1):
            while stack and stack[-1].level >= heading.level:
                stack.pop()
            stack.append(heading)
            layout.stacks[number] = stack[::-1]
    return layout.stacks[bisect.bisect_right(layout.heading_starts, pos)]



def line_bounds(text: str, pos: int) -> tuple[int, int]:
    s = text.rfind("\n", 0, pos) + 1
    e = text.find("\n", pos)
    return s, len(text) if e < 0 else e

