"""Every published file of ``data/processed/``: its columns, their types and their descriptions.

A leaf module (it imports nothing from the package): the stages take their column lists from
here and :mod:`sonla.datapackage` turns the same definitions into ``datapackage.json`` and
validates every table against them, so the data dictionary cannot drift from the data.

A :class:`Table` is one CSV; a :class:`TextFile` a family of plain-text files (one per source).
Constraints are Frictionless Table Schema constraints; a field whose allowed values are the keys
of a rule file names that ``vocabulary`` instead, and the data-package stage reads the rules.
To publish a new table: define it here, list it in :data:`TABLES`, and write it from a stage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

__all__ = [
    "Field", "Table", "TextFile", "TABLES", "TEXT_FILES",
    "CLAIM_KINDS", "FINDING_KINDS", "FINDING_STATUSES", "SEVERITIES", "CONFIDENCES",
    "CLAIMS", "CLAIM_COLUMNS", "CONTRACT_COLUMNS", "FINDINGS", "FINDING_COLUMNS",
    "INDICATORS", "INDICATOR_COLUMNS", "SOURCE_PROFILES", "PROFILE_COLUMNS",
    "OCR_ALIGNMENT", "OCR_METRICS", "OCR_ERROR_CLASSES", "OCR_NUMBERS", "OCR_FOOTNOTES",
    "OCR_REPEATS", "REPAIRED_TEXT",
]


@dataclass(frozen=True)
class Field:
    """One column: Table Schema ``type``, optional ``constraints`` and a description for readers."""

    name: str
    type: str
    description: str
    constraints: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    vocabulary: str = ""  # a rule vocabulary (see sonla.datapackage.VOCABULARIES) that is the enum


def _field(name: str, type_: str, description: str, vocabulary: str = "", **constraints: object) -> Field:
    return Field(name, type_, description, MappingProxyType(constraints), vocabulary)


@dataclass(frozen=True)
class Table:
    """One published CSV: file name, title, description, fields in column order, primary key."""

    path: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.path.removesuffix(".csv")

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]


@dataclass(frozen=True)
class TextFile:
    """Plain-text files published one per source: ``pattern`` with ``{source_id}``."""

    pattern: str
    title: str
    description: str

    def path_for(self, source_id: str) -> str:
        """The file name of this family for one source.

        >>> REPAIRED_TEXT.path_for("appendix-ocr")
        'appendix-ocr.repaired.txt'
        """
        return self.pattern.format(source_id=source_id)

    def source_of(self, path: str) -> str | None:
        """The source id of a file name of this family, or None.

        >>> REPAIRED_TEXT.source_of("appendix-ocr.repaired.txt"), REPAIRED_TEXT.source_of("claims.csv")
        ('appendix-ocr', None)
        """
        head, _, tail = self.pattern.partition("{source_id}")
        if path.startswith(head) and path.endswith(tail) and len(path) > len(head) + len(tail):
            return path[len(head):len(path) - len(tail)]
        return None


# --------------------------------------------------------------------------- vocabularies

CLAIM_KINDS = ("quantity", "date", "identifier", "section_number", "list_marker", "footnote_marker",
               "name_number", "ocr_letter")
FINDING_KINDS = (
    "consistent", "rounding", "qualifier_conflict", "value_conflict", "scope_difference",
    "denominator_change", "temporal_change", "sum_mismatch", "arithmetic_mismatch",
    "implied_denominator", "implied_baseline", "projection_plausibility", "restated_figure",
    "duplicate_passage", "ocr_variant",
)
FINDING_STATUSES = ("contradiction", "explained", "consistent", "unresolved")
SEVERITIES = ("high", "medium", "low", "none")
CONFIDENCES = ("low", "medium", "high")

# --------------------------------------------------------------------------- claims.csv

CLAIMS = Table(
    path="claims.csv",
    title="Numeric claims of the five sources",
    description="Every digit group of every source, classified; quantities with value, unit, qualifier, "
                "indicator, period and geography. Produced by sonla.extract.claims.",
    primary_key=("claim_id",),
    fields=(
        _field("claim_id", "string",
               "Stable id: the source id and the start offset (six digits, more in a source "
               "of a million characters or more). The book's HTML anchor for a claim is "
               "`claim-<claim_id>`.",
               required=True, unique=True, pattern=r"[a-z0-9-]+-\d{6,}"),
        _field("source_id", "string", "The source (row of data/raw/sources.csv) the claim stands in.",
               required=True),
        _field("start", "integer", "Start offset: a Python string index into the raw file decoded as UTF-8.",
               required=True, minimum=0),
        _field("end", "integer", "End offset (exclusive): raw[start:end] == text.", required=True, minimum=1),
        _field("text", "string", "The claim exactly as written, with its unit and any range or denominator.",
               required=True),
        _field("kind", "string",
               "quantity, or what else the number is: date (also years and year spans), "
               "identifier (document numbers), section_number, list_marker, footnote_marker, "
               "name_number (numbers in names: tổ 12, QL6), ocr_letter (an OCR copy's letter "
               "read as a digit). Findings use kind == quantity.",
               required=True, enum=list(CLAIM_KINDS)),
        _field("value", "number",
               "Quantities only: the value in the unit as written (4.051 tỷ đồng → 4051 bn_vnd; "
               "1,2 triệu lượt → 1200000 visit; 87,7% → 87.7 percent); the low end of a range; "
               "the numerator of a fraction."),
        _field("value_high", "number", "The high end of a range (7-8% → 8)."),
        _field("denominator", "number", "The b of a fraction a/b (42/63 → 63)."),
        _field("unit", "string",
               "Canonical unit from src/sonla/rules/units.yaml; empty when none is written.",
               vocabulary="units"),
        _field("qualifier", "string",
               "The strongest qualifier (src/sonla/rules/qualifiers.yaml): more_than, nearly, "
               "about, at_least, target, projected, estimated, increase, decrease, reached; "
               "empty when none.", vocabulary="qualifiers"),
        _field("indicator", "string",
               "Canonical indicator key from src/sonla/rules/indicators.yaml; empty if unmapped.",
               vocabulary="indicators"),
        _field("period", "string",
               "YYYY or YYYY-YYYY the claim refers to, from its clause or sentence, paragraph, "
               "heading or the source title (a date: its own year, or the source's year for a "
               "day and month); empty if unknown.", pattern=r"\d{4}(-\d{4})?"),
        _field("geography", "string",
               "son-la-city, to-hieu-ward (the new ward), the old wards (chieng-le-old, "
               "to-hieu-old, quyet-thang-old, quyet-tam-old) or son-la-province; empty if unknown.",
               vocabulary="geographies"),
        _field("sentence", "string",
               "The sentence the claim stands in, whitespace collapsed (identical for claims "
               "of the same sentence).", required=True),
        _field("decimals", "integer",
               "Quantities only: decimal places as written (98,89% → 2), the reported precision "
               "for GRIM-style checks.", minimum=0),
        _field("qualifiers", "string", "Every qualifier found, strongest first, separated by ';'."),
    ),
)
CLAIM_COLUMNS = CLAIMS.columns
# The contract later stages and outside checks rely on; the columns after it add the reported
# precision and every qualifier found.
CONTRACT_COLUMNS = CLAIM_COLUMNS[:15]

# --------------------------------------------------------------------------- findings.csv

FINDINGS = Table(
    path="findings.csv",
    title="Findings between and within sources",
    description="One row per finding of a reconciliation rule over the claims. "
                "Produced by sonla.reconcile.",
    primary_key=("finding_id",),
    fields=(
        _field("finding_id", "string",
               "Stable id: the kind and a hash of the sorted claim_ids the finding rests on.",
               required=True, unique=True),
        _field("indicator", "string",
               "Indicator key (src/sonla/rules/indicators.yaml) of the claims; ';'-joined if several."),
        _field("kind", "string", "The rule that produced the finding: " + ", ".join(FINDING_KINDS) + ".",
               required=True, enum=list(FINDING_KINDS)),
        _field("claim_ids", "string",
               "The ';'-joined claim_ids (claims.csv) of every claim the finding rests on.", required=True),
        _field("status", "string",
               "contradiction (cannot all hold), explained (differ for a stated reason), consistent "
               "(checked and holds), unresolved (differ, reason unknown).",
               required=True, enum=list(FINDING_STATUSES)),
        _field("severity", "string",
               "high (contradiction of actuals for one period), medium (unresolved or a derived "
               "contradiction), low (explained), none (consistent).", required=True, enum=list(SEVERITIES)),
        _field("preferred_value", "string",
               "The value the book prefers, with unit (from the best-ranked claim) or a derived value."),
        _field("explanation", "string", "English explanation generated from the claims (may quote them).",
               required=True),
        _field("confidence", "string",
               "high, medium or low: one level down for an inferred period, an OCR claim, a heuristic rule.",
               required=True, enum=list(CONFIDENCES)),
        _field("rule", "string", "Finer name of the rule (between:intervals, within:parts, ...).",
               required=True),
        _field("sources", "string", "The ';'-joined source_ids of the claims.", required=True),
        _field("theme", "string", "Theme of the indicator (from indicators.yaml); empty when none."),
    ),
)
FINDING_COLUMNS = FINDINGS.columns

# --------------------------------------------------------------------------- indicators.csv

INDICATORS = Table(
    path="indicators.csv",
    title="Reconciled indicators",
    description="One row per indicator, period, geography and unit: the preferred value, the range "
                "its claims allow and why. Produced by sonla.reconcile.",
    primary_key=("indicator", "period", "geography", "unit"),
    fields=(
        _field("indicator", "string", "Indicator key.", required=True),
        _field("label_en", "string", "English label."),
        _field("theme", "string", "Theme of the indicator."),
        _field("period", "string", "Period (YYYY or YYYY-YYYY); the source's year when no claim states it."),
        _field("geography", "string", "Place the value refers to."),
        _field("preferred_value", "string", "Preferred value with its qualifier and unit."),
        _field("value_low", "number", "Lowest value any claim of the cell allows."),
        _field("value_high", "number", "Highest value (may be inf)."),
        _field("unit", "string", "Unit (units.yaml)."),
        _field("status", "string",
               "Worst status of the findings on the cell's claims, consistent when several documents "
               "agree, single_source otherwise.",
               required=True, enum=[*FINDING_STATUSES, "single_source"]),
        _field("sources", "string", "';'-joined source_ids."),
        _field("claim_ids", "string", "';'-joined claim_ids behind the cell."),
        _field("n_claims", "integer", "How many claims."),
        _field("finding_ids", "string", "';'-joined findings on these claims."),
        _field("reasoning", "string", "Why this value is preferred."),
    ),
)
INDICATOR_COLUMNS = INDICATORS.columns

# --------------------------------------------------------------------------- source_profiles.csv

SOURCE_PROFILES = Table(
    path="source_profiles.csv",
    title="Text profile of each source",
    description="Size, layout and state of each raw text as received (no repair), one row per source "
                "in manifest order. Produced by sonla.extract.profiles.",
    primary_key=("source_id",),
    fields=(
        _field("source_id", "string", "The source (row of data/raw/sources.csv).", required=True,
               unique=True),
        _field("characters", "integer", "Characters (Unicode code points) of the raw text.", minimum=0),
        _field("lines", "integer", "Lines (newline-separated).", minimum=0),
        _field("nonblank_lines", "integer", "Lines with something other than white space.", minimum=0),
        _field("blank_line_share", "number", "Share of lines that are blank (3 decimals).",
               minimum=0, maximum=1),
        _field("words", "integer", r"Word tokens (regular expression \w+).", minimum=0),
        _field("letters", "integer", "Letters (str.isalpha).", minimum=0),
        _field("diacritic_letter_share", "number",
               "Share of letters that carry a mark or are đ/Đ (3 decimals): low for a copy that lost "
               "its diacritics.", minimum=0, maximum=1),
        _field("number_tokens", "integer", "Written numbers (digit groups joined by . or ,).", minimum=0),
        _field("footnote_markers", "integer", "U+FFFD characters (footnote markers a PDF export replaced).",
               minimum=0),
        _field("non_nfc_characters", "integer",
               "Combining marks (what NFC normalisation would merge into their letter).", minimum=0),
        _field("nonbreaking_spaces", "integer", "No-break spaces (U+00A0).", minimum=0),
    ),
)
PROFILE_COLUMNS = SOURCE_PROFILES.columns

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

# Every published table, in the order datapackage.json lists them.
TABLES: dict[str, Table] = {t.path: t for t in (
    CLAIMS, FINDINGS, INDICATORS, SOURCE_PROFILES, OCR_ALIGNMENT, OCR_METRICS, OCR_ERROR_CLASSES,
    OCR_NUMBERS, OCR_FOOTNOTES, OCR_REPEATS,
)}

REPAIRED_TEXT = TextFile(
    pattern="{source_id}.repaired.txt",
    title="Repaired copy",
    description="A copy of a document with the reference's characters wherever the folded characters "
                "agree (diacritics restored); its own layout, order and misread digits kept. "
                "Produced by sonla.fidelity.",
)
TEXT_FILES: tuple[TextFile, ...] = (REPAIRED_TEXT,)
