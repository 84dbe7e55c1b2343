"""Every published file of ``data/processed/``: its columns, their types and their descriptions.

A leaf package (it imports nothing from the rest of the package): the stages take their column lists from
here and :mod:`sonla.datapackage` turns the same definitions into ``datapackage.json`` and
validates every table against them, so the data dictionary cannot drift from the data.

A :class:`Table` is one CSV; a :class:`TextFile` a family of plain-text files (one per source).
Constraints are Frictionless Table Schema constraints; a field whose allowed values are the keys
of a rule file names that ``vocabulary`` instead, and the data-package stage reads the rules.
To publish a new table: define it here (or in the module of its stage), list it in
:data:`TABLES`, and write it from a stage.

The definitions are split by stage (``base``: the building blocks; ``fidelity``, ``validity``:
those stages' tables); everything is imported here, so ``from sonla.schema import CLAIMS`` is
the one way to reach them. The package imports nothing from the rest of ``sonla``.
"""

from __future__ import annotations

from .base import Field, Table, TextFile, _field
from .fidelity import (
    OCR_ALIGNMENT,
    OCR_ERROR_CLASSES,
    OCR_FOOTNOTES,
    OCR_METRICS,
    OCR_NUMBERS,
    OCR_REPEATS,
)
from .validity import READING_ACCURACY, READING_COMPARISON

__all__ = [
    "Field", "Table", "TextFile", "TABLES", "TEXT_FILES",
    "CLAIM_KINDS", "FINDING_KINDS", "FINDING_STATUSES", "SEVERITIES", "CONFIDENCES",
    "CLAIMS", "CLAIM_COLUMNS", "CONTRACT_COLUMNS", "FINDINGS", "FINDING_COLUMNS", "DEPENDENCE",
    "FINDINGS_ACCURACY",
    "INDICATORS", "INDICATOR_COLUMNS", "SOURCE_PROFILES", "PROFILE_COLUMNS",
    "OCR_ALIGNMENT", "OCR_METRICS", "OCR_ERROR_CLASSES", "OCR_NUMBERS", "OCR_FOOTNOTES",
    "OCR_REPEATS", "REPAIRED_TEXT", "READING_ACCURACY", "READING_COMPARISON",
]

# --------------------------------------------------------------------------- vocabularies

CLAIM_KINDS = ("quantity", "date", "identifier", "section_number", "list_marker", "footnote_marker",
               "name_number", "ocr_letter", "url_part", "unreadable_script", "unreadable_exponent",
               "unreadable_fraction", "unreadable_magnitude")
FINDING_KINDS = (
    "consistent", "rounding", "qualifier_conflict", "value_conflict", "scope_difference",
    "denominator_change", "temporal_change", "sum_mismatch", "arithmetic_mismatch",
    "implied_denominator", "implied_baseline", "projection_plausibility", "restated_figure",
    "duplicate_passage", "ocr_variant", "every_year", "target_outcome", "estimate_revision",
    "scale_outlier", "term_end",
)
FINDING_STATUSES = ("contradiction", "explained", "consistent", "restated", "unresolved")
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
               "Stable id: the source id and the start offset, zero-padded to six digits (more "
               "from offset 1,000,000 on). The book's HTML anchor for a claim is `claim-<claim_id>`.",
               required=True, unique=True, pattern=r"[a-z0-9]+(?:-[a-z0-9]+)*-\d{6,}"),
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
               "read as a digit), url_part (digits in a web or e-mail address); or what the number "
               "grammar cannot read, with no value rather than a wrong one: unreadable_script (digits "
               "of another script), unreadable_exponent (10^6, 10⁶), unreadable_fraction (½, 1⁄2), "
               "unreadable_magnitude (1e15 or more in its unit, or over 15 significant digits). "
               "Findings use kind == quantity.",
               required=True, enum=list(CLAIM_KINDS)),
        _field("value", "number",
               "Quantities only: the value in the unit as written (4.051 tỷ đồng → 4051 bn_vnd; "
               "1,2 triệu lượt → 1200000 visit; 87,7% → 87.7 percent; đạt −5% → -5, the sign part "
               "of the claim's text); the low end of a range; the numerator of a fraction."),
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
               "What the quantity measures and at which level of government: `concept@level` "
               "(poverty_rate@district: the city's poor-household rate; poverty_rate@commune: a "
               "ward's). One indicator holds one concept, one unit family and one level (checked on "
               "every build). Empty if the quantity has no concept.",
               pattern=r"[a-z0-9_]+(@[a-z]+)?"),
        _field("period", "string",
               "YYYY or YYYY-YYYY the claim refers to, from its clause or sentence, paragraph, "
               "heading or the source title (a date: its own year, or the source's year for a "
               "day and month); empty if unknown.", pattern=r"\d{4}(-\d{4})?"),
        _field("geography", "string",
               "The place the claim is about: a listed place (src/sonla/rules/context.yaml: "
               "son-la-city, to-hieu-ward (the new ward), the old wards chieng-le-old, to-hieu-old, "
               "quyet-thang-old, quyet-tam-old, son-la-province, vietnam), commune-level (the "
               "commune-level authorities in general), or a place recognised by pattern: its "
               "name folded and its level (muong-bu-commune, hun-village); empty if unknown.",
               pattern=r"[a-z0-9]+(-[a-z0-9]+)*"),
        _field("sentence", "string",
               "The sentence the claim stands in, whitespace collapsed (identical for claims "
               "of the same sentence).", required=True),
        _field("decimals", "integer",
               "Quantities only: decimal places as written (98,89% → 2), the reported precision "
               "for GRIM-style checks.", minimum=0),
        _field("qualifiers", "string", "Every qualifier found, strongest first, separated by ';'."),
        _field("frame", "string",
               "Quantities only: what kind of figure it is (src/sonla/rules/frames.yaml): actual (a "
               "level achieved or observed), estimate (a level for a period not yet closed), "
               "target (a goal or plan), change (an increase, decrease or excess by an amount).",
               enum=["actual", "estimate", "target", "change"]),
        _field("base", "string",
               "Quantities only: what a change, or a ratio to a yardstick, is measured against: a "
               "year or period (2020), plan, estimate (the budget estimate), term_start, "
               "previous_year; empty when the text does not say.",
               pattern=r"\d{4}(-\d{4})?|plan|estimate|term_start|previous_year"),
        _field("each_year", "boolean",
               "Quantities only: the figure is said to hold for every year of its period "
               "(hằng năm, mỗi năm), not a total or an average."),
        _field("is_change", "boolean",
               "Quantities only: the number measures a change (tăng X, giảm X, vượt X, gấp X lần), not "
               "a level; a target can be a change."),
        _field("concept", "string",
               "Quantities only: the concept key from src/sonla/rules/indicators.yaml (what is "
               "counted or measured); empty if no wording was found (see the claims chapter's "
               "list of unmapped quantities by reason).", vocabulary="indicators"),
        _field("level", "string",
               "Quantities only: the level of government of the geography: country, province, "
               "district (Sơn La city until July 2025, a district), commune (wards and communes), "
               "village; empty if unknown.", enum=["country", "province", "district", "commune",
                                                    "village"]),
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
               "(checked and holds, on at least two independent witnesses when documents are "
               "compared), restated (documents agree, but the agreement rests on one witness: a copy "
               "of one document or a passage one document copies from another), unresolved (differ, "
               "reason unknown).",
               required=True, enum=list(FINDING_STATUSES)),
        _field("severity", "string",
               "How much the difference matters to a reader (sonla.reconcile.severity): by the "
               "relative gap between what the claims allow (under 2%: low; under 10%: medium; "
               "10% or more: high), one level up when the two sides fall on different sides of a "
               "stated target; low for an explained difference, none for agreement.",
               required=True, enum=list(SEVERITIES)),
        _field("preferred_value", "string",
               "The value the book prefers, with unit: for a claim that belongs to a cell of "
               "indicators.csv, that cell's preferred value (the preference policy of "
               "sonla.reconcile.preference); otherwise the best-ranked claim's value or a derived value."),
        _field("preferred_claim_id", "string",
               "The claim whose value preferred_value is (for a claim of a cell of indicators.csv, the "
               "cell's preferred claim); empty when the preferred value is derived or there is none."),
        _field("explanation", "string", "English explanation generated from the claims (may quote them).",
               required=True),
        _field("confidence", "string",
               "high, medium or low: one level down for an inferred period, an OCR claim, a heuristic rule.",
               required=True, enum=list(CONFIDENCES)),
        _field("rule", "string", "Finer name of the rule (between:intervals, within:parts, ...).",
               required=True),
        _field("sources", "string", "The ';'-joined source_ids of the claims.", required=True),
        _field("theme", "string", "Theme of the indicator (from indicators.yaml); empty when none."),
        _field("flag", "boolean",
               "True when the finding asks a reader to look: a contradiction, or an unresolved difference "
               "between stated figures (not a value the book derives with nothing to check it against, "
               "such as an implied baseline). The validity study scores these.", required=True),
        _field("independent_sources", "integer",
               "Independent witnesses among the finding's claims: claims of one document (all its "
               "copies) count once, and so do claims that stand at the same place of a passage one "
               "document copies from another (dependence.csv).", required=True, minimum=1),
    ),
)
FINDING_COLUMNS = FINDINGS.columns

# --------------------------------------------------------------------------- indicators.csv

INDICATORS = Table(
    path="indicators.csv",
    title="Reconciled indicators",
    description="One row per indicator, period, geography, unit and frame (actual, estimate, target "
                "and change apart): the preferred value, the range its claims allow and why. "
                "Produced by sonla.reconcile.",
    primary_key=("indicator", "period", "geography", "unit", "frame"),
    fields=(
        _field("indicator", "string", "Indicator key.", required=True),
        _field("label_en", "string", "English label."),
        _field("theme", "string", "Theme of the indicator."),
        _field("period", "string", "Period (YYYY or YYYY-YYYY); the source's year when no claim states it."),
        _field("geography", "string", "Place the value refers to."),
        _field("preferred_value", "string", "Preferred value with its qualifier and unit."),
        _field("value_low", "number",
               "Lowest value any claim of the cell allows, among the claims of the preferred claim's "
               "frame (actual, estimate, target or change)."),
        _field("value_high", "number", "Highest value (may be inf), among the same claims."),
        _field("unit", "string", "Unit (units.yaml)."),
        _field("frame", "string",
               "actual, estimate, target or change: the frame of every claim of the row.",
               enum=["actual", "estimate", "target", "change"]),
        _field("status", "string",
               "Worst status of the findings on the cell's claims; without such a finding, consistent "
               "when at least two independent witnesses agree, restated when several documents agree "
               "on one witness, single_source otherwise.",
               required=True, enum=[*FINDING_STATUSES, "single_source"]),
        _field("sources", "string", "';'-joined source_ids."),
        _field("claim_ids", "string", "';'-joined claim_ids behind the cell."),
        _field("n_claims", "integer", "How many claims."),
        _field("finding_ids", "string", "';'-joined findings on these claims."),
        _field("reasoning", "string", "Why this value is preferred."),
        _field("independent_sources", "integer",
               "Independent witnesses among the cell's claims (as in findings.csv).", minimum=0),
    ),
)
INDICATOR_COLUMNS = INDICATORS.columns

# --------------------------------------------------------------------------- dependence.csv

DEPENDENCE = Table(
    path="dependence.csv",
    title="Passages one document copies from another",
    description="One row per near-verbatim passage that two different documents share (each document "
                "read in its reference copy; copies of one document are not compared), with the "
                "share of each document's words that the pair shares and which document is the "
                "earlier when the dates say it. Produced by sonla.fidelity.dependence.",
    primary_key=("source_a", "source_b", "passage"),
    fields=(
        _field("source_a", "string", "The first source of the pair (manifest order).", required=True),
        _field("document_a", "string", "Its document_id.", required=True),
        _field("source_b", "string", "The second source of the pair.", required=True),
        _field("document_b", "string", "Its document_id (never document_a).", required=True),
        _field("passage", "integer", "Number of the passage within the pair (1, 2, ... in the order of "
               "source_a).", required=True, minimum=1),
        _field("a_start", "integer", "Start offset of the passage in source_a's raw text.", required=True,
               minimum=0),
        _field("a_end", "integer", "End offset (exclusive) in source_a.", required=True, minimum=1),
        _field("b_start", "integer", "Start offset of the passage in source_b's raw text.", required=True,
               minimum=0),
        _field("b_end", "integer", "End offset (exclusive) in source_b.", required=True, minimum=1),
        _field("words_a", "integer", "Words of the passage in source_a.", minimum=1),
        _field("words_b", "integer", "Words of the passage in source_b.", minimum=1),
        _field("similarity", "number", "Indel similarity of the two sides' folded words (1 = identical).",
               minimum=0, maximum=1),
        _field("share_a", "number", "Share of source_a's words inside passages shared with source_b "
               "(the pair's value, repeated on each of its rows).", minimum=0, maximum=1),
        _field("share_b", "number", "Share of source_b's words inside passages shared with source_a.",
               minimum=0, maximum=1),
        _field("earlier", "string", "The source of the pair whose date is surely earlier (dates compared "
               "as intervals: 2024-12 is earlier than 2025, 2025 and 2025-07 may be the same day); empty "
               "when the dates do not decide."),
        _field("text_a", "string", "The passage in source_a, white space collapsed."),
    ),
)

# --------------------------------------------------------------------------- findings_accuracy.csv

FINDINGS_ACCURACY = Table(
    path="findings_accuracy.csv",
    title="Validity of the findings against blind hand coding",
    description="Precision, sensitivity and specificity of the reconciliation rules against "
                "data/annotations/findings.csv (comparisons coded blind to the rules), with Wilson 95% "
                "intervals. Produced by sonla.reconcile.accuracy; empty until the annotation exists.",
    from_annotations=True,
    primary_key=("measure",),
    fields=(
        _field("measure", "string", "precision (flags that are true inconsistencies), sensitivity (true "
               "inconsistencies that are flagged), specificity (consistent comparisons not flagged), "
               "agreement (all comparisons where flag and coding agree).", required=True, unique=True,
               enum=["precision", "sensitivity", "specificity", "agreement"]),
        _field("n", "integer", "Comparisons the measure is computed on (its denominator).", minimum=0),
        _field("count", "integer", "Comparisons counted (its numerator).", minimum=0),
        _field("value", "number", "count / n (empty when n is 0).", minimum=0, maximum=1),
        _field("ci_low", "number", "Wilson 95% interval, lower end.", minimum=0, maximum=1),
        _field("ci_high", "number", "Wilson 95% interval, upper end.", minimum=0, maximum=1),
        _field("annotated", "integer", "Comparisons in the annotation file.", minimum=0),
        _field("matched", "integer", "Coded comparisons whose claims claims.csv still has (the ones scored).",
               minimum=0),
    ),
)

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

# Every published table, in the order datapackage.json lists them.
TABLES: dict[str, Table] = {t.path: t for t in (
    CLAIMS, FINDINGS, INDICATORS, DEPENDENCE, FINDINGS_ACCURACY, SOURCE_PROFILES, OCR_ALIGNMENT,
    OCR_METRICS, OCR_ERROR_CLASSES, OCR_NUMBERS, OCR_FOOTNOTES, OCR_REPEATS, READING_ACCURACY,
    READING_COMPARISON,
)}

REPAIRED_TEXT = TextFile(
    pattern="{source_id}.repaired.txt",
    title="Repaired copy",
    description="A copy of a document with the reference's characters wherever the folded characters "
                "agree (diacritics restored); its own layout, order and misread digits kept. "
                "Produced by sonla.fidelity.",
)
TEXT_FILES: tuple[TextFile, ...] = (REPAIRED_TEXT,)
