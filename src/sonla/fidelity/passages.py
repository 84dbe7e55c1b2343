"""Passages of one copy: its footnotes and the passages it repeats.

:func:`find_footnotes` finds the footnotes of a PDF text layer (markers glued to words and
numbered footnote lines, with continuations after a page break); :func:`find_repeated_passages`
finds runs of words a text has twice (a copy or layout artefact, or a restatement).
"""

from __future__ import annotations

import re
import statistics

from .alignment import tokenize

__all__ = ["find_footnotes", "find_repeated_passages"]

# A footnote marker in a PDF text layer: one or two digits glued to a lower-case word.
MARKER = re.compile(r"(?<=[^\W\d_]{2})(\d{1,2})(?=[\s,.;:)…”\"]|$)")
FOOTNOTE_LINE = re.compile(r"(?m)^[ \t]*(\d{1,2}) (?=[^\W\d_])")
TERMINAL = (".", "…", "!", "?")
# Repeated passages: runs of at least this many folded tokens that occur twice in one text.
REPEAT_MIN_TOKENS = 12
REPEAT_SEED = 4
# Exact runs at distances within REPEAT_SLACK words, at most REPEAT_GAP words apart, are one passage.
REPEAT_SLACK = 3
REPEAT_GAP = 6


def _footnote_markers(text: str) -> list[tuple[int, int, int, str]]:
    """(number, start, end, word) of markers glued to lower-case words, numbered 1, 2, 3, ..."""
    markers = []
    expected = 1
    for match in MARKER.finditer(text):
        if int(match.group(1)) != expected or not text[match.start(1) - 1].islower():
            continue
        word_start, word_end = match.start(1), match.end(1)
        while word_start > 0 and not text[word_start - 1].isspace():
            word_start -= 1
        while word_end < len(text) and not text[word_end].isspace():
            word_end += 1
        markers.append((expected, match.start(1), match.end(1), text[word_start:word_end]))
        expected += 1
    return markers


def _footnote_bodies(lines: list[tuple[int, str]]) -> dict[int, tuple[int, int, int]]:
    """{number: (first line, last line, start offset)} of numbered footnote lines."""
    bodies: dict[int, tuple[int, int, int]] = {}
    for index, (offset, line) in enumerate(lines):
        found = FOOTNOTE_LINE.match(line)
        if not found or not line[found.end()].isupper() or int(found.group(1)) in bodies:
            continue
        last = index
        for k in range(index, min(index + 8, len(lines))):
            last = k
            next_is_note = k + 1 < len(lines) and FOOTNOTE_LINE.match(lines[k + 1][1]) is not None
            if lines[k][1].rstrip().endswith(TERMINAL) or next_is_note:
                break
        bodies[int(found.group(1))] = (index, last, offset + found.start(1))
    return bodies


def _continuations(lines: list[tuple[int, str]], bodies: dict[int, tuple[int, int, int]]) -> dict[int, tuple]:
    """{number: (first line, last line)} of footnotes continued after a page break.

    A footnote that does not end a sentence continues on the next page, after that page's
    footnotes: a line that starts in lower case right after another footnote and is as long
    as footnote lines are (smaller print: longer lines than the body's).
    """
    in_notes = {k for first, last, _ in bodies.values() for k in range(first, last + 1)}
    full = [len(lines[k][1].strip()) for k in in_notes if not lines[k][1].rstrip().endswith(TERMINAL)]
    other = [len(line.strip()) for k, (_, line) in enumerate(lines) if k not in in_notes]
    if not full or not other:
        return {}
    threshold = (statistics.median(full) + statistics.median(other)) / 2
    open_notes = [n for n, (_, last, _) in sorted(bodies.items(), key=lambda item: item[1])
                  if not lines[last][1].rstrip().endswith(TERMINAL)]
    found: dict[int, tuple[int, int]] = {}
    for _, last, _ in sorted(bodies.values()):
        k = last + 1
        if k >= len(lines) or not open_notes:
            continue
        line = lines[k][1].strip()
        if line[:1].islower() and len(line) >= threshold:
            end = next((j for j in range(k, min(k + 8, len(lines)))
                        if lines[j][1].rstrip().endswith(TERMINAL)), k)
            found[open_notes.pop(0)] = (k, end)
    return found


def find_footnotes(text: str) -> list[dict[str, object]]:
    """Footnotes of a PDF text layer: markers glued to words and numbered footnote lines.

    Markers are one or two digits glued to a lower-case word (``thành phố1;``), taken in
    the order 1, 2, 3, ...; a footnote's text starts on a line ``N Capitalised ...`` and
    runs to the first line that ends a sentence or to the next footnote; a footnote cut by
    a page break is joined with its continuation (see :func:`_continuations`). Returns one
    record per marker, with ``body_start`` = -1 when no footnote line was found and
    ``continued_start`` = -1 when the footnote is not continued elsewhere.

    >>> notes = find_footnotes("trên địa bàn thành phố1; đến nay\\n1 Các tuyến đường 2a.\\nTiếp")
    >>> [(n["number"], n["marker_text"], n["body_text"]) for n in notes]
    [(1, 'phố1;', '1 Các tuyến đường 2a.')]
    """
    lines = [(m.start(), m.group()) for m in re.finditer(r"[^\n]*", text) if m.group().strip()]
    bodies = _footnote_bodies(lines)
    continued = _continuations(lines, bodies)

    def end_of(k: int) -> int:
        return lines[k][0] + len(lines[k][1].rstrip())

    notes = []
    for number, m_start, m_end, word in _footnote_markers(text):
        note = {"number": number, "marker_start": m_start, "marker_end": m_end, "marker_text": word,
                "body_start": -1, "body_end": -1, "continued_start": -1, "continued_end": -1, "body_text": ""}
        if number in bodies:
            _, last, start = bodies[number]
            note.update(body_start=start, body_end=end_of(last))
            note["body_text"] = " ".join(text[start:end_of(last)].split())
        if number in continued:
            first, last = continued[number]
            start = lines[first][0] + len(lines[first][1]) - len(lines[first][1].lstrip())
            note.update(continued_start=start, continued_end=end_of(last))
            note["body_text"] += " " + " ".join(text[start:end_of(last)].split())
        notes.append(note)
    return notes


def find_repeated_passages(text: str, min_tokens: int = REPEAT_MIN_TOKENS) -> list[dict[str, int]]:
    """Passages of at least ``min_tokens`` folded words that occur twice in ``text``.

    Runs of equal folded words are found from shared seeds of four words and extended;
    runs at about the same distance (three words either way) separated by up to six
    differing words (OCR noise) are joined. Returns the first and second occurrence as raw
    offsets, longest first.

    >>> text = "a b c d e f g h i j k l m n " * 2
    >>> [(p["first_start"], p["second_start"], p["tokens"]) for p in find_repeated_passages(text)]
    [(0, 28, 14)]
    """
    tokens = tokenize(text)
    words = [t.folded for t in tokens]
    seeds: dict[tuple[str, ...], list[int]] = {}
    for k in range(len(words) - REPEAT_SEED + 1):
        seeds.setdefault(tuple(words[k:k + REPEAT_SEED]), []).append(k)
    found: set[tuple[int, int, int]] = set()  # (start, end, distance) of exact runs
    for positions in seeds.values():
        for i, p in enumerate(positions):
            for q in positions[i + 1:]:
                if p > 0 and words[p - 1] == words[q - 1]:
                    continue  # not the start of a run
                length = 0
                while q + length < len(words) and p + length < q and words[p + length] == words[q + length]:
                    length += 1
                found.add((p, p + length, q - p))
    joined: list[tuple[int, int, int]] = []
    for start, end, distance in sorted(found):
        for n, (j_start, j_end, j_distance) in enumerate(joined):
            near = j_end - REPEAT_GAP <= start <= j_end + REPEAT_GAP
            if near and abs(j_distance - distance) <= REPEAT_SLACK:
                joined[n] = (j_start, max(j_end, end), j_distance)
                break
        else:
            joined.append((start, end, distance))
    passages = []
    for start, end, distance in joined:
        if end - start >= min_tokens:
            passages.append({
                "first_start": tokens[start].start, "first_end": tokens[end - 1].end,
                "second_start": tokens[start + distance].start,
                "second_end": tokens[min(end + distance, len(tokens)) - 1].end,
                "tokens": end - start,
            })
    return sorted(passages, key=lambda p: (-p["tokens"], p["first_start"]))
