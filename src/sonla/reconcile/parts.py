"""Within a passage: parts against their total, and shares against their counts.

A *passage* is a paragraph of one source (:func:`passage_starts`): in clean text a line break
ends it unless the line closes with ``:``, ``;`` or ``,`` (an enumeration that goes on); in a PDF
or OCR text layer a line break is only a wrap unless the line ends a sentence. The rules here look
across the sentences of a passage, in either order, whether or not the claims carry an indicator:

* :func:`check_parts` — a total and its parts (``sum_mismatch``): the parts follow the total
  after "trong đó", "gồm", "bao gồm", "chia ra", "cụ thể" or a colon, in the same sentence or in
  the next one when the marker opens it ("… 75 dự án. Trong đó, 23 … và 52 …"), and may run
  over list items; or they come first and a closing total follows ("17 …, 08 …, tổng cộng 25
  …"). Parts are matched by unit (a count written without a unit may be a part of a count).
  Parts that exceed the total contradict it; parts that fall short are an unresolved list of
  examples, unless the parts name a remainder ("chưa", "còn lại", "khác"), which claims that
  the list is complete. An enumeration may go on in the next sentence; its parts are taken when
  they make the total up, or keep the sum within it. A number in brackets that close before the
  marker is an aside (a plan, a yardstick), not the total.
* :func:`check_shares` — a percentage against its counts anywhere in the passage: a ratio a/b
  and the percentage said of it in a later sentence or in brackets before it, and a count
  whose share "chiếm X%" is given, against the total it is a part of, or the whole the passage
  names ("Toàn xã có 2.150 hộ … 92 hộ, chiếm 4,6%"); "bằng X%" compares with a plan or an
  estimate the text may not state, and is left alone.

Wording is data (``rules/findings.yaml``: ``parts_markers``, ``total_words``,
``remainder_words``, ``list_starts``, ``share_links``).
"""

from __future__ import annotations

import re
from bisect import bisect_right

from ..sources import Source
from ..text.fold import fold, fold_words, has_word, word_pattern
from .finding import make_finding, quote
from .intervals import fmt, relate, strict_interval
from .prepare import Evidence
from .rows import Row, source_rows
from .severity import grade, interval_gap
from .within import grim_finding

__all__ = ["passage_starts", "passages_of", "check_parts", "check_shares", "MAX_PARTS"]

MAX_PARTS = 12
# Units that measure (money, shares, areas, …) rather than count whole items.
MEASURE_UNITS = {"bn_vnd", "mn_vnd", "vnd", "usd", "mn_usd", "percent", "percent_per_year", "ha", "km2",
                 "km", "m2", "m", "tonne", "times", "mn_vnd_per_ha", "year", "month", "age"}
NOT_PARTS = {"percent", "percent_per_year", "times"}
# How far (characters) a part may stand from the previous one, and a share from its ratio.
PART_REACH = 250
SHARE_REACH = 250
SENTENCE_END = re.compile(r"[.!?…]+[\"”’)]*\s+(?=\S)")


def passage_starts(source: Source, list_starts: str) -> list[int]:
    """The start offsets of the passages of a source (see the module docstring), first 0.

    >>> from sonla.sources import Source
    >>> s = Source("s", "s.txt", "0" * 64, "t", "t", "news", "x", "2025", "vi", "clean", "s", "",
    ...            "Một đoạn.\\nĐoạn hai:\\n- mục một;\\n- mục hai.\\nĐoạn ba.")
    >>> passage_starts(s, r"^\\s*[-+]")
    [0, 10, 42]
    """
    text = source.text
    clean = source.text_layer == "clean"
    starts = [0]
    for m in re.finditer(r"\n\s*", text):
        end = m.end()
        if end >= len(text):
            break
        last = text[max(0, m.start() - 4):m.start()].rstrip()[-1:]
        following = text[end:end + 12]
        listed = bool(re.match(list_starts, fold(following)))
        if clean:
            if last in ":;," and (listed or last != ","):
                continue
        elif last not in ".!?…" and not (listed and last in ".;:"):
            continue
        starts.append(end)
    return starts


def passages_of(rows: list[Row], starts: list[int]) -> list[list[Row]]:
    """The rows (one source, text order) grouped by passage."""
    groups: dict[int, list[Row]] = {}
    for row in rows:
        groups.setdefault(bisect_right(starts, int(row["start"])) - 1, []).append(row)
    return [groups[k] for k in sorted(groups)]


def _is_level(row: Row) -> bool:
    return row["frame"] != "change" and row["unit"] not in NOT_PARTS and not _is_ratio(row)


def _is_ratio(row: Row) -> bool:
    d = row.get("denominator")
    return d is not None and d == d and bool(d)


def _same_unit(total: Row, part: Row) -> bool:
    if part["unit"] == total["unit"]:
        return True
    return part["unit"] == "" and total["unit"] not in MEASURE_UNITS and float(part["value"]).is_integer()


def _has(folded: str, words: list[str]) -> bool:
    return has_word(folded, words)


def _breaks_sentence(between: str, list_starts: str) -> bool:
    """Whether the raw text between two claims ends a sentence without continuing a list."""
    for m in SENTENCE_END.finditer(between):
        rest = fold(between[m.end():])
        if not re.match(list_starts, rest):
            return True
    return False


def _marker_pattern(markers: list[str]) -> re.Pattern:
    """The parts markers on text folded to the same length (a line break may stand between words).

    >>> bool(_marker_pattern(["trong do"]).search("75 du an, trong\\n\\ndo 23"))
    True
    """
    words = [r"\s+".join(re.escape(w) for w in m.split()) for m in markers]
    return re.compile(r"(?:^|\W)(" + "|".join(words) + r")(?=\W|$)")


def _depth(text: str) -> int:
    return text.count("(") - text.count(")")


def _top_semicolon(text: str, total_end: int, lo: int, hi: int) -> bool:
    """A ';' between ``lo`` and ``hi`` outside any bracket opened after the total."""
    return any(text[p] == ";" and _depth(text[total_end:p]) <= 0 for p in range(lo, hi))


def _following_parts(total: Row, group: list[Row], index: int, text: str, marker_at: int,
                     colon: bool, list_starts: str, markers: re.Pattern) -> list[Row]:
    """The parts listed after a total (``marker_at``: where the marker ends in the raw text).

    The list ends at a sentence that does not continue it, at a ';' outside brackets (unless a
    colon introduced the list), at another "trong đó" (a new enumeration), or at a change."""
    parts: list[Row] = []
    previous_end = marker_at
    total_end = int(total["end"])
    for part in group[index + 1:]:
        start = int(part["start"])
        if start < marker_at:
            continue
        between = text[previous_end:start]
        if start - previous_end > PART_REACH or _breaks_sentence(between, list_starts):
            break
        if parts and ((not colon and _top_semicolon(text, total_end, previous_end, start))
                      or markers.search(fold(between))):
            break
        if not _same_unit(total, part) or _is_ratio(part) or part["unit"] in NOT_PARTS:
            continue
        if part["frame"] == "change":
            break
        parts.append(part)
        previous_end = int(part["end"])
        if len(parts) == MAX_PARTS:
            break
    return parts


def _next_sentence_parts(total: Row, group: list[Row], parts: list[Row], text: str, list_starts: str,
                         markers: re.Pattern) -> list[Row]:
    """The parts of the same unit in the sentence after the last part, when that sentence goes on
    with the enumeration (no marker or new total of its own before them): "… 5.350 tỷ đồng,
    công nghiệp 6.120 tỷ đồng. Dịch vụ đạt 4.910 tỷ đồng."."""
    last = int(parts[-1]["end"])
    more: list[Row] = []
    crossed = False
    previous = last
    for part in group:
        start = int(part["start"])
        if start <= last:
            continue
        between = text[previous:start]
        previous = int(part["end"])
        if start - last > PART_REACH or markers.search(fold(between)):
            break
        if _breaks_sentence(between, list_starts):
            if crossed:
                break
            crossed = True
        if not crossed:
            continue  # still the sentence whose list ended: it ended there for a reason
        if part["frame"] == "change":
            break
        if _same_unit(total, part) and not _is_ratio(part) and part["unit"] not in NOT_PARTS:
            more.append(part)
    return parts + more if more else parts


def _sum_relation(total: Row, parts: list[Row]) -> str:
    """``meets``, ``short`` or ``exceeds``: the parts' sum against the total's interval."""
    summed = parts[0]["interval"]
    for part in parts[1:]:
        summed = summed + part["interval"]
    if relate(total["interval"], summed) != "disjoint":
        return "meets"
    return "exceeds" if summed.lo >= total["interval"].hi else "short"


def _choose_parts(total: Row, first: list[Row], longer: list[Row]) -> list[Row]:
    """The list that makes the total up, or the longer one while it stays within the total."""
    if len(longer) == len(first) or _sum_relation(total, first) == "meets":
        return first
    return longer if _sum_relation(total, longer) in ("meets", "short") else first


def _opens_sentence(text: str, pos: int, reach: int = 40) -> bool:
    """Whether only a few words stand between the start of the sentence and ``pos``."""
    window = text[max(0, pos - reach):pos]
    ends = list(SENTENCE_END.finditer(window))
    return bool(ends) and len(window[ends[-1].end():].split()) <= 4


def _preceding_parts(total: Row, group: list[Row], index: int, text: str, list_starts: str) -> list[Row]:
    """The parts listed before a closing total, in text order. They may stand in the sentence
    before the total's when the total opens its sentence ("… 52 dự án. Tổng cộng 75 dự án.")."""
    parts: list[Row] = []
    next_start = int(total["start"])
    crossed = not _opens_sentence(text, int(total["start"]))
    for part in reversed(group[:index]):
        between = text[int(part["end"]):next_start]
        if next_start - int(part["end"]) > PART_REACH:
            break
        if _breaks_sentence(between, list_starts):
            if crossed or parts:
                break
            crossed = True
        if not _same_unit(total, part) or _is_ratio(part) or part["unit"] in NOT_PARTS:
            continue
        if part["frame"] == "change":
            break
        parts.append(part)
        next_start = int(part["start"])
        if len(parts) == MAX_PARTS:
            break
    return parts[::-1]


def _first_part(group: list[Row], at: int, text: str, list_starts: str) -> int | None:
    """The index in ``group`` of the first level after offset ``at`` that can be a part."""
    for k, row in enumerate(group):
        if int(row["start"]) < at:
            continue
        if int(row["start"]) - at > PART_REACH or _breaks_sentence(text[at:int(row["start"])], list_starts):
            return None
        if _is_level(row):
            return k
    return None


def _total_before(group: list[Row], first: int, at: int, text: str, list_starts: str) -> int | None:
    """The index of the total a marker at ``at`` refers to: the nearest level before it with the unit
    of the first part, in the marker's sentence (or the one before, when the marker opens its own)."""
    part = group[first]
    opens = _opens_sentence(text, at)
    for k in range(first - 1, -1, -1):
        row = group[k]
        if int(row["end"]) > at:
            continue
        if at - int(row["end"]) > PART_REACH:
            return None
        between = text[int(row["end"]):at]
        one_boundary = opens and len(list(SENTENCE_END.finditer(between))) == 1
        if _breaks_sentence(between, list_starts) and not one_boundary:
            return None
        if _depth(between) < 0:
            continue  # inside brackets that close before the marker: an aside ("(dự toán 40 tỷ đồng)")
        if _same_unit(row, part):
            return k
    return None


def check_parts(ev: Evidence) -> list[Row]:
    """Parts against their total anywhere in a passage, in either order (``sum_mismatch``): see the
    module docstring. Counts of whole items get no rounding allowance."""
    findings: list[Row] = []
    words = ev.words
    markers = _marker_pattern(words["parts_markers"])
    starts_list = words["list_starts"]
    for source_id, rows in source_rows(ev.reference).items():
        source = ev.texts[source_id]
        text = source.text
        folded = fold(text)
        starts = passage_starts(source, starts_list)
        ends = starts[1:] + [len(text)]
        for group in passages_of([r for r in rows if _is_level(r)], starts):
            at = bisect_right(starts, int(group[0]["start"])) - 1
            structures: list[tuple[Row, list[Row], bool]] = []
            # A marker ("trong đó", "gồm") after a total: the parts follow it.
            for m in markers.finditer(folded, starts[at], ends[at]):
                first = _first_part(group, m.end(1), text, starts_list)
                total = None if first is None else _total_before(group, first, m.start(1), text, starts_list)
                if total is None:
                    continue
                colon = folded[m.end(1):m.end(1) + 3].lstrip().startswith(":")
                parts = _following_parts(group[total], group, total, text, m.end(1), colon, starts_list,
                                         markers)
                if parts:
                    longer = _next_sentence_parts(group[total], group, parts, text, starts_list, markers)
                    parts = _choose_parts(group[total], parts, longer)
                structures.append((group[total], parts, False))
            for index, total in enumerate(group):
                end = int(total["end"])
                head = re.split(r"\d", folded[end:end + words["parts_window"]])[0]
                before = re.split(r"\d", folded[max(0, int(total["start"]) - words["total_window"]):
                                               int(total["start"])])[-1]
                if markers.search(head):
                    continue  # the marker above handles it
                if head.lstrip().startswith(":") or _has(before, words["among_words"]):
                    begin = end + (head.index(":") + 1 if ":" in head else 0)
                    structures.append((total, _following_parts(total, group, index, text, begin, ":" in head,
                                                                starts_list, markers), False))
                elif _has(before, words["total_words"]) and not _has(before, words["running_total_words"]):
                    structures.append((total, _preceding_parts(total, group, index, text, starts_list), True))
            used: set[str] = set()
            for total, parts, closing in structures:
                if len(parts) < 2 or total["claim_id"] in used:
                    continue
                finding = _sum_finding(total, parts, text, words, closing)
                if finding is not None:
                    findings.append(finding)
                    used.add(total["claim_id"])
    return findings


def _is_count(claim: Row) -> bool:
    """A whole count of items (a unit that is not a measure, an integer value)."""
    return claim["unit"] not in MEASURE_UNITS and float(claim["value"]).is_integer()


def _sum_finding(total: Row, parts: list[Row], text: str, words: dict, closing: bool) -> Row | None:
    summed = parts[0]["interval"]
    for part in parts[1:]:
        summed = summed + part["interval"]
    point = sum(float(p["value"]) for p in parts)
    listed = " + ".join(quote(p) for p in parts)
    ti = total["interval"]
    if _is_count(total) and all(_is_count(p) for p in parts):
        # whole items (projects, works, files) are counted, not rounded: no rounding allowance
        ti = strict_interval(total)
        summed = strict_interval(parts[0])
        for part in parts[1:]:
            summed = summed + strict_interval(part)
    strict = strict_interval(total)
    strict_sum = strict_interval(parts[0])
    for part in parts[1:]:
        strict_sum = strict_sum + strict_interval(part)
    last = max(int(total["end"]), int(parts[-1]["end"]))
    # The words that describe the last part, to the end of its clause: they may hold commas
    # ("08 dự án theo hình thức đấu giá, đấu thầu và khác").
    tail = re.split(r"[;.(]", text[last:last + 80])[0]
    span = text[min(int(total["start"]), int(parts[0]["start"])):last] + tail
    remainder = _has(fold_words(span), words["remainder_words"])
    gap = interval_gap(ti, summed)
    where = "followed" if not closing else "preceded"
    cap, rule = None, "within:parts"
    if relate(ti, summed) != "disjoint" and relate(strict, strict_sum) == "disjoint":
        status = "explained"
        verdict = ("taken at face value the parts and the total exclude each other, and only the "
                   "rounding of the reported figures lets them meet")
    elif relate(ti, summed) != "disjoint":
        status, verdict = "consistent", "the parts can add up to the total"
    elif summed.lo >= ti.hi:
        status = "contradiction"
        verdict = "the parts already exceed what the total allows"
    elif remainder:
        status = "contradiction"
        verdict = ("the parts add up to less than the total although they name a remainder "
                   "(“chưa”, “còn lại”, “khác”), which says the list is complete")
    elif closing:
        return None  # parts before a total that fall short: more likely additions than a partition
    else:
        status, cap, rule = "unresolved", "low", "within:parts-short"
        verdict = ("the parts add up to less than the total: the list may be incomplete (an "
                   "enumeration of examples), or a part is missing")
    explanation = (
        f"In {total['source_id']}, the total “{quote(total)}” (allowing {ti}) is {where} by parts "
        f"{listed} = {fmt(point)} (allowing {summed}): {verdict}."
    )
    return make_finding("sum_mismatch", rule, [total] + parts, status, grade(status, gap, cap=cap),
                        total, explanation)


# --------------------------------------------------------------------------- shares

def _unit_words(claim: Row) -> str:
    """The words of a claim's text after its digits (the thing counted), folded."""
    return fold_words(re.sub(r"[\d.,/%\s]+", " ", str(claim["text"]))).strip()


def _clause_before(text: str, start: int, reach: int = 120) -> str:
    window = text[max(0, start - reach):start]
    cut = max(window.rfind(";"), window.rfind(". "), window.rfind("\n"))
    return fold_words(window[cut + 1:])


def _linked(ratio: Row, percent: Row, text: str, words: dict) -> bool:
    """The percentage is said of the ratio: its clause names what the ratio counts, or the two
    indicators share their first two words."""
    clause = _clause_before(text, int(percent["start"]))
    thing = _unit_words(ratio)
    if thing and word_pattern(thing).search(clause):
        return True
    a, b = str(ratio.get("indicator", "") or ""), str(percent.get("indicator", "") or "")
    return bool(a and b and a.split("_")[:2] == b.split("_")[:2])


def check_shares(ev: Evidence) -> list[Row]:
    """A percentage against its counts anywhere in a passage (``consistent`` or
    ``arithmetic_mismatch``): a ratio a/b and the percentage said of it in a later sentence of the
    passage, or in brackets before it ("đạt 93,02% (40/43 trường)"); and a count whose share
    ("chiếm 35,3%") is given, against a total of its unit stated before it in the passage. A
    mismatch against a total is reported only when the count is a part of it (listed after the
    total's "trong đó"); the GRIM rule of one sentence is not repeated."""
    findings: list[Row] = []
    words = ev.words
    markers = _marker_pattern(words["parts_markers"])
    for source_id, rows in source_rows(ev.reference).items():
        source = ev.texts[source_id]
        text = source.text
        for group in passages_of(rows, passage_starts(source, words["list_starts"])):
            for i, claim in enumerate(group):
                if claim["unit"] != "percent" or claim["frame"] == "change":
                    continue
                finding = _ratio_share(claim, group, i, text, words) or _count_share(claim, group, i, text,
                                                                                     words, markers)
                if finding is not None:
                    findings.append(finding)
    return findings


def _ratio_share(percent: Row, group: list[Row], i: int, text: str, words: dict) -> Row | None:
    start = int(percent["start"])
    # A ratio in brackets right after the percentage: "đạt 93,02% (40/43 trường)".
    for ratio in group[i + 1:i + 2]:
        between = text[int(percent["end"]):int(ratio["start"])]
        if _is_ratio(ratio) and "(" in between and len(between.strip()) <= 3:
            return grim_finding(ratio, percent, rule="passage:grim")
    # The nearest ratio before it in the passage, in an earlier sentence (one sentence: the GRIM rule).
    for ratio in reversed(group[:i]):
        if int(percent["start"]) - int(ratio["end"]) > SHARE_REACH:
            return None
        if ratio["unit"] == "percent":
            return None  # another percentage stands between: it is the ratio's share, if any
        if not _is_ratio(ratio):
            continue
        if ratio["sentence"] == percent["sentence"]:
            return None
        if _linked(ratio, percent, text, words) and _share_wording(text, start, words):
            return grim_finding(ratio, percent, rule="passage:grim")
        return None
    return None


def _share_wording(text: str, start: int, words: dict) -> bool:
    before = fold_words(text[max(0, start - words["share_window"]):start])
    return "ty le" in before or _has(before, words["share_links"])


def _count_share(percent: Row, group: list[Row], i: int, text: str, words: dict,
                 markers: re.Pattern) -> Row | None:
    """A count, a share link ("chiếm", "bằng") and the percentage: against the totals before it."""
    if i == 0:
        return None
    count = group[i - 1]
    between = fold_words(text[int(count["end"]):int(percent["start"])])
    if _is_ratio(count) or count["unit"] in NOT_PARTS or count["frame"] == "change" \
            or len(between) > words["share_window"] or not _has(between, words["part_share_links"]) \
            or float(percent["value"]) > 100:
        return None
    candidates = []
    for other in reversed(group[:i - 1]):
        if other["unit"] != count["unit"]:
            continue
        for base in (float(other["value"]), float(other["denominator"]) if _is_ratio(other) else None):
            if base and base > float(count["value"]):
                candidates.append((other, base))
    if not candidates:
        return None
    whole = [(other, base) for other, base in candidates if _names_a_whole(text, other, words)]
    interval = percent["interval"]
    for other, base in candidates:
        share = 100 * float(count["value"]) / base
        if interval.contains(share):
            return _share_finding(count, other, base, percent, share, "consistent")
    # A mismatch only against the total the count is listed under, or the one whole the passage
    # names ("Toàn xã có 2.150 hộ").
    total, base = candidates[0]
    after = fold(text[int(total["end"]):int(count["start"])])
    if markers.search(after) and total["claim_id"] != count["claim_id"]:
        return _share_finding(count, total, base, percent, 100 * float(count["value"]) / base,
                              "contradiction")
    if len(whole) == 1:
        total, base = whole[0]
        return _share_finding(count, total, base, percent, 100 * float(count["value"]) / base,
                              "contradiction")
    return None


def _names_a_whole(text: str, claim: Row, words: dict) -> bool:
    """The words right before a count say it is the whole ("toàn xã có", "tổng số")."""
    before = fold_words(text[max(0, int(claim["start"]) - 20):int(claim["start"])])
    return _has(before, words["whole_words"])


def _share_finding(count: Row, total: Row, base: float, percent: Row, share: float, status: str) -> Row:
    interval = percent["interval"]
    verdict = ("the stated share is the count's share of that total" if status == "consistent" else
               "the stated share is not the count's share of the total it is listed under; the stated "
               "figure stays the preferred value")
    explanation = (
        f"In {count['source_id']}, “{quote(count)}” is said to be “{percent['text']}” (allowing {interval}); "
        f"against “{quote(total)}” stated before it in the passage ({fmt(base)}) its share is {share:.2f}%: "
        f"{verdict}."
    )
    kind = "consistent" if status == "consistent" else "arithmetic_mismatch"
    gap = interval_gap(interval, type(interval)(share, share))
    return make_finding(kind, "passage:share", [count, total, percent], status, grade(status, gap), percent,
                        explanation)
