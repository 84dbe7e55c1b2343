"""Source fidelity measured: every table of the alignment stage, for every pair of copies.

For each (reference, copy) pair of :func:`~sonla.fidelity.copies.copy_pairs`,
:func:`measure_pair` aligns the texts (:mod:`~sonla.fidelity.alignment`), classifies the edits
(:mod:`~sonla.fidelity.error_classes`), finds footnotes and repeated passages
(:mod:`~sonla.fidelity.passages`) and measures: error rates with and without diacritics, along
the alignment and over the whole texts, for the copy and its repair; agreement of the numbers;
the title block only one copy has; the text a page break moved.

Outputs (all in ``data/processed/``, one block of rows per copy pair, keyed by
``document_id``, ``ref_source_id`` and ``ocr_source_id``; columns and their meaning in
:mod:`sonla.schema`): ``ocr_alignment.csv``, ``ocr_metrics.csv``, ``ocr_error_classes.csv``,
``ocr_numbers.csv``, ``ocr_footnotes.csv``, ``ocr_repeats.csv``, and ``<source_id>.repaired.txt``
for every copy.

Run ``python -m sonla.fidelity.measures`` to print the error rates of every declared copy pair.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections import Counter
from functools import lru_cache

import pandas as pd
from rapidfuzz.distance import Levenshtein

from ..errors import SonlaError
from ..schema import (
    OCR_ALIGNMENT,
    OCR_ERROR_CLASSES,
    OCR_FOOTNOTES,
    OCR_METRICS,
    OCR_NUMBERS,
    OCR_REPEATS,
    REPAIRED_TEXT,
)
from ..sources import Source, load_sources
from ..text.fold import strip_diacritics
from .alignment import LEVELS, Alignment, Span, align_texts, repair_text, token_index, tokenize
from .copies import copy_pairs
from .error_classes import classify_edit, error_classes, format_classes, primary_class
from .passages import find_footnotes, find_repeated_passages

__all__ = ["alignment_table", "error_rate", "measure_pair", "align_sources", "stage_alignment"]

# A number as written (4.051, 70,5, 42/63), not glued to a word before it (a footnote marker).
NUMBER = re.compile(r"(?<![^\W\d_])\d+(?:[.,/]\d+)*")
# Any group of digits, glued or not (s6, d3 in a scan).
DIGITS = re.compile(r"\d+(?:[.,/]\d+)*")


def _span_row(al: Alignment, span: Span) -> dict[str, object]:
    ref_raw, ocr_raw = al.ref_raw(span), al.ocr_raw(span)
    ref_norm, ocr_norm = al.texts(span)
    has_ref, has_ocr = span.ref[1] > span.ref[0], span.ocr[1] > span.ocr[0]
    if has_ref and has_ocr:
        op = "equal" if ref_norm == ocr_norm else "replace"
    else:
        op = "delete" if has_ref else "insert"
    if span.region == "title":
        counts = Counter({"title_block": 1})
    elif op == "insert":
        counts = Counter({"inserted_text": 1})
    elif op == "delete":
        counts = Counter({"deleted_text": 1})
    else:
        counts = classify_edit(ref_norm, ocr_norm) if op == "replace" else Counter()
        if op == "replace" and not counts:
            counts = Counter({"other": 1})
    ref_start, ref_end, ocr_start, ocr_end = al.offsets(span)
    return {
        "ref_start": ref_start, "ref_end": ref_end, "ref_text": ref_raw,
        "ocr_start": ocr_start, "ocr_end": ocr_end, "ocr_text": ocr_raw,
        "op": op, "error_class": primary_class(counts), "error_classes": format_classes(counts),
        "char_edits": Levenshtein.distance(ref_norm, ocr_norm) if op != "equal" else 0,
        "folded_edits": Levenshtein.distance(*al.texts(span, "folded")) if op != "equal" else 0,
        "ref_chars": len(ref_norm), "moved": span.moved, "region": span.region,
    }


def _merge_equal(al: Alignment) -> list[Span]:
    """Consecutive exactly equal one-to-one spans merged into one span (fewer table rows)."""
    ref_words, ocr_words = al.forms("ref", "exact"), al.forms("ocr", "exact")
    merged: list[tuple[Span, bool]] = []
    for span in al.spans:
        exact = (span.ref[1] - span.ref[0] == 1 and span.ocr[1] - span.ocr[0] == 1
                 and ref_words[span.ref[0]] == ocr_words[span.ocr[0]])
        last, last_exact = merged[-1] if merged else (None, False)
        if (exact and last_exact and last.ref[1] == span.ref[0] and last.ocr[1] == span.ocr[0]
                and (last.moved, last.region) == (span.moved, span.region)):
            merged[-1] = (Span((last.ref[0], span.ref[1]), (last.ocr[0], span.ocr[1]), span.moved,
                               span.region), True)
        else:
            merged.append((span, exact))
    return [span for span, _ in merged]


def alignment_table(al: Alignment, document_id: str, ref_id: str, ocr_id: str,
                    repaired: Alignment | None = None) -> pd.DataFrame:
    """One row per aligned span (equal runs merged), in the order of the reference.

    ``repaired``, the same alignment over the repaired copy, fills ``repaired_text``.
    """
    rows = [{"document_id": document_id, "ref_source_id": ref_id, "ocr_source_id": ocr_id,
             **_span_row(al, span),
             "repaired_text": repaired.ocr_raw(span) if repaired else ""}
            for span in _merge_equal(al)]
    return pd.DataFrame(rows, columns=OCR_ALIGNMENT.columns)


@lru_cache(maxsize=16)
def _level(text: str, level: str) -> str:
    """``text`` at a folding level (see :func:`error_rate`); a reference is compared several times."""
    text = " ".join(unicodedata.normalize("NFC", text).split())
    if level == "exact":
        return text
    text = strip_diacritics(text)
    return text.lower() if level == "folded" else text


def error_rate(ref: str, ocr: str, unit: str = "char", level: str = "exact") -> tuple[int, int]:
    """(edits, reference length) for a character or word error rate at a folding level.

    ``level``: ``exact`` (NFC, white space collapsed), ``no_diacritics`` (also marks
    removed and ``đ`` → ``d``) or ``folded`` (also lower case). ``unit``: ``char`` or ``word``.
    Raises ValueError on an unknown level or unit.

    >>> error_rate("Đã thực hiện", "D3 thuc hién")
    (4, 12)
    >>> error_rate("Đã thực hiện", "D3 thuc hién", level="folded")
    (1, 12)
    >>> error_rate("Đã thực hiện", "D3 thuc hién", unit="word", level="folded")
    (1, 3)
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    if unit not in ("char", "word"):
        raise ValueError(f"unit must be 'char' or 'word', not {unit!r}")
    a, b = _level(ref, level), _level(ocr, level)
    if unit == "word":
        a_words, b_words = a.split(), b.split()
        return Levenshtein.distance(a_words, b_words), len(a_words)
    return Levenshtein.distance(a, b), len(a)


def _span_rates(al: Alignment, spans: list[Span], level: str) -> tuple[int, int, int, int]:
    """Character and word edits summed over spans (moved blocks counted where they are)."""
    char_edits = word_edits = 0
    ref_forms, ocr_forms = al.forms("ref", level), al.forms("ocr", level)
    for span in spans:
        a_words, b_words = ref_forms[span.ref[0]:span.ref[1]], ocr_forms[span.ocr[0]:span.ocr[1]]
        if a_words != b_words:
            char_edits += Levenshtein.distance(" ".join(a_words), " ".join(b_words))
            word_edits += Levenshtein.distance(a_words, b_words)
    ref_words = len(ref_forms)
    return char_edits, len(" ".join(ref_forms)), word_edits, ref_words


def _span_of_ref_token(al: Alignment) -> dict[int, Span]:
    return {k: span for span in al.spans for k in range(*span.ref)}


def _numbers(al: Alignment, by_token: dict[int, Span], markers: set[int]) -> list[dict[str, object]]:
    """Every digit group of the reference and what the aligned copy has at its place."""
    rows = []
    consumed: dict[Span, Counter] = {}
    for match in NUMBER.finditer(al.ref_text):
        if match.start() in markers:
            continue
        k = token_index(al.ref_tokens, match.start())
        span = by_token.get(k)
        ocr_raw = al.ocr_raw(span) if span else ""
        available = consumed.setdefault(span, Counter(NUMBER.findall(ocr_raw))) if span else Counter()
        if span is None or span.ocr[0] == span.ocr[1]:
            status = "unaligned"
        elif available[match.group()] > 0:
            available[match.group()] -= 1
            status = "identical"
        elif NUMBER.search(ocr_raw):
            status = "changed"
        else:
            status = "lost"
        _, _, ocr_start, ocr_end = al.offsets(span) if span else (0, 0, -1, -1)
        rows.append({"ref_start": match.start(), "ref_end": match.end(), "ref_number": match.group(),
                     "ocr_start": ocr_start, "ocr_end": ocr_end, "ocr_text": ocr_raw,
                     "status": status, "moved": bool(span and span.moved)})
    return rows


def _spurious_numbers(al: Alignment) -> int:
    """Digit groups in the copy whose aligned reference text has none (letters read as digits)."""
    count = 0
    for span in al.spans:
        if span.region == "body" and span.ocr[1] > span.ocr[0]:
            count += max(len(DIGITS.findall(al.ocr_raw(span))) - len(DIGITS.findall(al.ref_raw(span))), 0)
    return count


def _metric(rows, pair, metric, level, scope, copy, errors, total):
    rows.append({**pair, "metric": metric, "level": level, "scope": scope, "copy": copy,
                 "value": round(errors / total, 6) if total else 0.0, "errors": errors, "total": total})


def measure_pair(ref: Source, ocr: Source) -> dict[str, object]:
    """Align one copy with its reference and compute every table of the chapter.

    Returns ``{"alignment", "metrics", "classes", "numbers", "footnotes", "repeats"}``
    as DataFrames and ``"repaired"``, the repaired text of the copy.
    """
    pair = {"document_id": ref.document_id, "ref_source_id": ref.source_id, "ocr_source_id": ocr.source_id}
    al = align_texts(ref.text, ocr.text)
    repaired = repair_text(al)
    # The repair never touches white space, so the repaired copy keeps the copy's tokens
    # and the same spans align it.
    repaired_tokens = tokenize(repaired)
    same_tokens = len(repaired_tokens) == len(al.ocr_tokens)
    repaired_al = (Alignment(ref.text, repaired, al.ref_tokens, repaired_tokens, al.spans)
                   if same_tokens else align_texts(ref.text, repaired))
    table = alignment_table(al, ref.document_id, ref.source_id, ocr.source_id,
                            repaired_al if same_tokens else None)
    metrics: list[dict[str, object]] = []
    # Whole texts, as any Levenshtein implementation counts them (moves cost twice).
    for copy, text, levels in (("ocr", ocr.text, ("exact", "folded")), ("repaired", repaired, ("exact",))):
        for level in levels:
            for unit, metric in (("char", "cer"), ("word", "wer")):
                edits, total = error_rate(ref.text, text, unit, level)
                _metric(metrics, pair, metric, level, "document", copy, edits, total)
    # Along the alignment: title block left out, moved blocks compared where they are.
    for copy, aln in (("ocr", al), ("repaired", repaired_al)):
        spans = [s for s in aln.spans if s.region == "body"]
        for level in LEVELS:
            c_edits, c_total, w_edits, w_total = _span_rates(aln, spans, level)
            _metric(metrics, pair, "cer", level, "aligned", copy, c_edits, c_total)
            _metric(metrics, pair, "wer", level, "aligned", copy, w_edits, w_total)
    title = [s for s in al.spans if s.region == "title"]
    if title:
        side_text = ocr.text if title[0].ocr[1] > title[0].ocr[0] else ref.text
        title_chars = sum(len(al.ocr_raw(s)) + len(al.ref_raw(s)) for s in title)
        _metric(metrics, pair, "title_block_chars", "exact", "document",
                "ocr" if side_text is ocr.text else "ref", title_chars, len(side_text))
    notes = find_footnotes(ref.text)
    markers = {n["marker_start"] for n in notes}
    by_token = _span_of_ref_token(al)
    numbers = pd.DataFrame([{**pair, **row} for row in _numbers(al, by_token, markers)],
                           columns=OCR_NUMBERS.columns)
    identical = int((numbers["status"] == "identical").sum())
    _metric(metrics, pair, "numbers_identical", "exact", "aligned", "ocr", identical, len(numbers))
    _metric(metrics, pair, "numbers_spurious", "exact", "aligned", "ocr", _spurious_numbers(al),
            len(DIGITS.findall(ocr.text)))
    moved_chars = sum(len(al.ref_raw(s)) for s in al.spans if s.moved)
    _metric(metrics, pair, "moved_chars", "exact", "document", "ref", moved_chars, len(ref.text))
    footnotes = pd.DataFrame(_footnote_rows(al, by_token, notes, pair), columns=OCR_FOOTNOTES.columns)
    repeats = pd.DataFrame(
        [{**pair, "source_id": source.source_id, **p, "text": " ".join(source.text[
            p["first_start"]:p["first_end"]].split())}
         for source in (ref, ocr) for p in find_repeated_passages(source.text)],
        columns=OCR_REPEATS.columns)
    return {"alignment": table, "metrics": pd.DataFrame(metrics, columns=OCR_METRICS.columns),
            "classes": _class_table(table, pair), "numbers": numbers, "footnotes": footnotes,
            "repeats": repeats, "repaired": repaired}


def _ocr_range(al: Alignment, by_token: dict[int, Span], start: int, end: int) -> tuple[int, int, bool]:
    """The copy's raw (start, end) aligned with the reference's [start, end), and if moved."""
    if start < 0:
        return -1, -1, False
    first = by_token.get(token_index(al.ref_tokens, start))
    last = by_token.get(token_index(al.ref_tokens, end - 1))
    if not first or not last or al.offsets(last)[3] <= al.offsets(first)[2]:
        return -1, -1, False
    return al.offsets(first)[2], al.offsets(last)[3], first.moved


def _footnote_rows(al: Alignment, by_token: dict[int, Span], notes, pair) -> list[dict[str, object]]:
    rows = []
    for note in notes:
        span = by_token.get(token_index(al.ref_tokens, note["marker_start"]))
        ocr_marker = al.ocr_raw(span) if span else ""
        ocr_marker_start = al.offsets(span)[2] if span and span.ocr[1] > span.ocr[0] else -1
        digits = re.sub(r"\D", "", al.ref_text[note["marker_start"]:note["marker_end"]])
        survived = bool(re.search(rf"[^\W\d_]\d*{digits}(?!\d)\W*$", ocr_marker))
        start, end, moved = _ocr_range(al, by_token, note["body_start"], note["body_end"])
        cont_start, cont_end, _ = _ocr_range(al, by_token, note["continued_start"], note["continued_end"])
        ocr_text = " ".join(al.ocr_text[start:end].split()) if start >= 0 else ""
        if cont_start >= 0:
            ocr_text += " " + " ".join(al.ocr_text[cont_start:cont_end].split())
        rows.append({**pair, "number": note["number"], "ref_marker_start": note["marker_start"],
                     "ref_marker_text": note["marker_text"], "ocr_marker_start": ocr_marker_start,
                     "ocr_marker_text": ocr_marker, "marker_survived": survived,
                     "ref_body_start": note["body_start"], "ref_body_end": note["body_end"],
                     "ref_continued_start": note["continued_start"], "ocr_body_start": start,
                     "ocr_body_end": end, "ocr_continued_start": cont_start,
                     "ref_body_text": note["body_text"], "ocr_body_text": ocr_text, "body_moved": moved})
    return rows


def _class_table(table: pd.DataFrame, pair: dict[str, str]) -> pd.DataFrame:
    spans: Counter = Counter()
    chars: Counter = Counter()
    for value in table["error_classes"]:
        for item in filter(None, str(value).split(";")):
            key, count = item.rsplit(":", 1)
            spans[key] += 1
            chars[key] += int(count)
    primary = Counter(table["error_class"])
    rows = [{**pair, "error_class": key, "label": label, "spans": spans[key],
             "primary_spans": primary.get(key, 0), "char_edits": chars[key]}
            for key, label in error_classes().items()]
    return pd.DataFrame(rows, columns=OCR_ERROR_CLASSES.columns)


# The tables of measure_pair() and the published file of each (columns in sonla.schema).
OUTPUT_TABLES = {"alignment": OCR_ALIGNMENT, "metrics": OCR_METRICS, "classes": OCR_ERROR_CLASSES,
                 "numbers": OCR_NUMBERS, "footnotes": OCR_FOOTNOTES, "repeats": OCR_REPEATS}


def align_sources(sources: list[Source]) -> dict[str, object]:
    """Every output of the alignment stage: ``{file name in data/processed: content}``."""
    pairs = copy_pairs(sources)
    results = [measure_pair(ref, ocr) for ref, ocr in pairs]  # one task per pair: independent
    outputs: dict[str, object] = {}
    for key, table in OUTPUT_TABLES.items():
        frames = [r[key] for r in results]
        outputs[table.path] = (pd.concat(frames, ignore_index=True) if frames
                               else pd.DataFrame(columns=table.columns))
    for (_, ocr), result in zip(pairs, results, strict=True):
        outputs[REPAIRED_TEXT.path_for(ocr.source_id)] = result["repaired"]
    return outputs


def stage_alignment(sources: list[Source], inputs: dict[str, object]) -> dict[str, object]:
    """Pipeline stage: the OCR tables and the repaired copies (see the module docstring)."""
    return align_sources(sources)


def main(argv: list[str] | None = None) -> int:
    """CLI: print the character error rates of every declared copy pair."""
    try:
        sources = load_sources()
    except SonlaError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for ref, ocr in copy_pairs(sources):
        metrics = measure_pair(ref, ocr)["metrics"]
        print(metrics.to_string(index=False))
    return 0
