"""The tables of the source-fidelity stage (copies of one document compared)."""

from __future__ import annotations

from .base import Table, _field

# --------------------------------------------------------------------------- the OCR tables

_PAIR = (
    _field("document_id", "string", "The document both copies are copies of (manifest).", required=True),
    _field("ref_source_id", "string", "The reference copy: the copy with the best text layer.",
           required=True),
    _field("ocr_source_id", "string", "The copy aligned with the reference.", required=True),
)
_PAIR_KEY = ("document_id", "ref_source_id", "ocr_source_id")

OCR_ALIGNMENT = Table(
    path="ocr_alignment.csv",
    title="Alignment of the copies of one document",
    description="One row per aligned span of a copy and its reference (runs of exactly equal words "
                "merged), in the order of the reference; offsets point into the raw files. "
                "Produced by sonla.fidelity.",
    # No primary key: the rows are keyed by their order (checking a seven-column key cost more
    # than validating the rest of the table).
    fields=(
        *_PAIR[:2],
        _field("ref_start", "integer", "Start offset of the span in the reference's raw text.",
               required=True, minimum=0),
        _field("ref_end", "integer",
               "End offset (exclusive); equal to ref_start where the reference has nothing (the "
               "insertion point).", required=True, minimum=0),
        _field("ref_text", "string", "The reference's raw text of the span (raw[ref_start:ref_end])."),
        _PAIR[2],
        _field("ocr_start", "integer", "Start offset of the span in the copy's raw text.",
               required=True, minimum=0),
        _field("ocr_end", "integer", "End offset (exclusive); equal to ocr_start where the copy has nothing.",
               required=True, minimum=0),
        _field("ocr_text", "string", "The copy's raw text of the span (raw[ocr_start:ocr_end])."),
        _field("op", "string", "equal, replace, insert (only the copy has text) or delete (only the "
               "reference has).", required=True, enum=["equal", "replace", "insert", "delete"]),
        _field("error_class", "string",
               "The span's primary error class (src/sonla/rules/ocr_error_classes.yaml, most specific "
               "first); empty for an equal span.", vocabulary="ocr_error_classes"),
        _field("error_classes", "string",
               "Every classified character edit of the span: class:count;class:count ..."),
        _field("char_edits", "integer", "Levenshtein distance of the two sides as written (NFC, white "
               "space collapsed).", minimum=0),
        _field("folded_edits", "integer", "Levenshtein distance of the two sides folded (no marks, lower "
               "case).", minimum=0),
        _field("ref_chars", "integer", "Characters of the reference side (NFC, white space collapsed).",
               minimum=0),
        _field("moved", "boolean", "True for a span of a block the copy has at another place (a footnote "
               "a page break moved)."),
        _field("region", "string", "title (a leading block only one copy has) or body.", required=True,
               enum=["title", "body"]),
        _field("repaired_text", "string",
               "The same span in the repaired copy (<source_id>.repaired.txt)."),
    ),
)
OCR_METRICS = Table(
    path="ocr_metrics.csv",
    title="Error rates of the copies",
    description="Tidy measurements of each copy against its reference: character and word error rates "
                "at three folding levels, over the whole texts and along the alignment, for the copy and "
                "its repair; number agreement; title block and moved text. Produced by sonla.fidelity.",
    primary_key=(*_PAIR_KEY, "metric", "level", "scope", "copy"),
    fields=(
        *_PAIR,
        _field("metric", "string",
               "cer, wer (character and word error rate), title_block_chars, numbers_identical, "
               "numbers_spurious or moved_chars.", required=True),
        _field("level", "string", "exact (NFC, white space collapsed), no_diacritics (marks removed, đ → d) "
               "or folded (also lower case).", required=True, enum=["exact", "no_diacritics", "folded"]),
        _field("scope", "string", "document (the whole texts) or aligned (along the alignment, title block "
               "left out, moved blocks compared where they are).", required=True,
               enum=["document", "aligned"]),
        _field("copy", "string", "ocr (the copy), repaired (its repair) or ref (the reference).",
               required=True, enum=["ocr", "repaired", "ref"]),
        _field("value", "number", "errors / total (6 decimals); 0 when total is 0.", minimum=0),
        _field("errors", "integer", "Edits, or the count measured.", minimum=0),
        _field("total", "integer", "Reference length (characters or words), or the count compared with.",
               minimum=0),
    ),
)
OCR_ERROR_CLASSES = Table(
    path="ocr_error_classes.csv",
    title="Error classes of the copies",
    description="Per copy and error class (src/sonla/rules/ocr_error_classes.yaml, most specific first): "
                "spans with the class, spans where it is primary, character edits. "
                "Produced by sonla.fidelity.",
    primary_key=(*_PAIR_KEY, "error_class"),
    fields=(
        *_PAIR,
        _field("error_class", "string", "Error class key.", required=True, vocabulary="ocr_error_classes"),
        _field("label", "string", "Its English label (from the rules file).", required=True),
        _field("spans", "integer", "Aligned spans with at least one edit of this class.", minimum=0),
        _field("primary_spans", "integer", "Spans whose primary class this is.", minimum=0),
        _field("char_edits", "integer", "Character edits of this class.", minimum=0),
    ),
)
OCR_NUMBERS = Table(
    path="ocr_numbers.csv",
    title="Numbers of the reference and what the copy has at their place",
    description="Every number written in the reference (footnote markers left out) and the aligned text "
                "of the copy. Produced by sonla.fidelity.",
    primary_key=(*_PAIR_KEY, "ref_start"),
    fields=(
        *_PAIR,
        _field("ref_start", "integer", "Start offset of the number in the reference.", required=True,
               minimum=0),
        _field("ref_end", "integer", "End offset (exclusive).", required=True, minimum=0),
        _field("ref_number", "string", "The number as written in the reference.", required=True),
        _field("ocr_start", "integer", "Start offset of the aligned span in the copy; -1 when unaligned.",
               minimum=-1),
        _field("ocr_end", "integer", "End offset of the aligned span; -1 when unaligned.", minimum=-1),
        _field("ocr_text", "string", "The copy's raw text of the aligned span."),
        _field("status", "string",
               "identical (the same number is in the aligned span), changed (another number is), lost "
               "(no number is) or unaligned (the copy has nothing at this place).", required=True,
               enum=["identical", "changed", "lost", "unaligned"]),
        _field("moved", "boolean", "True when the number lies in a moved block."),
    ),
)
OCR_FOOTNOTES = Table(
    path="ocr_footnotes.csv",
    title="Footnotes of the reference in both copies",
    description="Each footnote of the reference (marker glued to a word, numbered body line) and where "
                "its marker and body are in the copy. Offsets are -1 where not found. "
                "Produced by sonla.fidelity.",
    primary_key=(*_PAIR_KEY, "number"),
    fields=(
        *_PAIR,
        _field("number", "integer", "The footnote's number (1, 2, 3, ... in text order).", required=True,
               minimum=1),
        _field("ref_marker_start", "integer", "Offset of the marker's digits in the reference.", minimum=0),
        _field("ref_marker_text", "string", "The word the marker is glued to, as written."),
        _field("ocr_marker_start", "integer", "Offset of the aligned word in the copy.", minimum=-1),
        _field("ocr_marker_text", "string", "The copy's aligned text."),
        _field("marker_survived", "boolean", "True when the copy still has the marker's digits glued to "
               "the word."),
        _field("ref_body_start", "integer", "Start of the footnote body in the reference.", minimum=-1),
        _field("ref_body_end", "integer", "End of the body in the reference.", minimum=-1),
        _field("ref_continued_start", "integer", "Start of its continuation after a page break.",
               minimum=-1),
        _field("ocr_body_start", "integer", "Start of the aligned body in the copy.", minimum=-1),
        _field("ocr_body_end", "integer", "End of the aligned body in the copy.", minimum=-1),
        _field("ocr_continued_start", "integer", "Start of the aligned continuation in the copy.",
               minimum=-1),
        _field("ref_body_text", "string", "The body (and continuation) in the reference, white space "
               "collapsed."),
        _field("ocr_body_text", "string", "The aligned body in the copy, white space collapsed."),
        _field("body_moved", "boolean", "True when the copy has the body at another place."),
    ),
)
OCR_REPEATS = Table(
    path="ocr_repeats.csv",
    title="Passages repeated within one copy",
    description="Passages of at least twelve folded words that occur twice in one copy of a document "
                "(first and second occurrence). Produced by sonla.fidelity.",
    primary_key=(*_PAIR_KEY, "source_id", "first_start", "second_start"),
    fields=(
        *_PAIR,
        _field("source_id", "string", "The copy the passage is repeated in.", required=True),
        _field("first_start", "integer", "Start offset of the first occurrence.", required=True, minimum=0),
        _field("first_end", "integer", "End offset of the first occurrence.", minimum=0),
        _field("second_start", "integer", "Start offset of the second occurrence.", required=True,
               minimum=0),
        _field("second_end", "integer", "End offset of the second occurrence.", minimum=0),
        _field("tokens", "integer", "Words in the passage.", minimum=1),
        _field("text", "string", "The first occurrence, white space collapsed."),
    ),
)
