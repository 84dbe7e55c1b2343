"""The tables of the reading validity study (the pipeline's reading against hand annotation)."""

from __future__ import annotations

from .base import Table, _field

# --------------------------------------------------------------------------- validity of the reading

_READ_FIELDS = ("frame", "base", "each_year", "indicator", "unit", "period", "geography")

READING_COMPARISON = Table(
    path="reading_comparison.csv",
    title="Hand reading against the pipeline's reading, per annotated number",
    description="Every number of data/annotations/ (the five sources' sample and the held-out texts) with "
                "the hand reading (hand_*), the pipeline's reading of the matched claim (read_*) and "
                "whether they agree (ok_*; empty where the field is not scored: a number that the "
                "annotator or the pipeline does not call a quantity). Produced by sonla.validity.",
    from_annotations=True,
    primary_key=("corpus", "source_id", "start"),
    fields=(
        _field("corpus", "string", "sources (the five sources), unseen (texts written for the study, used "
               "while the rules were developed) or heldout (written later, sealed).",
               required=True, enum=["sources", "unseen", "heldout"]),
        _field("source_id", "string", "The annotated text.", required=True),
        _field("start", "integer", "Start offset of the annotated span.", required=True, minimum=0),
        _field("end", "integer", "End offset of the annotated span.", minimum=0),
        _field("text", "string", "The annotated span."),
        _field("claim_id", "string",
               "The claim whose span holds the annotation's first digit; empty if none."),
        _field("claim_kind", "string", "That claim's kind."),
        _field("hand_is_quantity", "boolean", "The annotator calls the number a quantity."),
        _field("read_is_quantity", "boolean", "The pipeline calls it a quantity."),
        _field("ok_is_quantity", "boolean", "They agree."),
        *(f for name in _READ_FIELDS for f in (
            _field(f"hand_{name}", "boolean" if name == "each_year" else "string",
                   f"Hand reading: {name}" + (" (the concept words mapped to a concept key by "
                                             "data/annotations/concepts.csv)" if name == "indicator" else "")
                   + "."),
            _field(f"read_{name}", "boolean" if name == "each_year" else "string",
                   f"Pipeline's reading: {name}"
                   + (" (claims.csv column concept)" if name == "indicator" else "") + "."),
            _field(f"ok_{name}", "boolean", f"Whether the two readings of {name} agree."),
        )),
        _field("concept_words", "string", "The annotator's words for what the number measures."),
        _field("note", "string", "The annotator's note."),
    ),
)

READING_ACCURACY = Table(
    path="reading_accuracy.csv",
    title="How accurately the pipeline reads its sources",
    description="Accuracy per field of the pipeline's reading against hand annotation, with a Wilson 95% "
                "interval, for the five sources and for held-out texts. Produced by sonla.validity.",
    from_annotations=True,
    primary_key=("corpus", "field"),
    fields=(
        _field("corpus", "string", "sources, unseen or heldout.", required=True,
               enum=["sources", "unseen", "heldout"]),
        _field("field", "string", "The field scored.", required=True,
               enum=["is_quantity", *_READ_FIELDS]),
        _field("n", "integer", "Numbers scored.", minimum=0),
        _field("correct", "integer", "Numbers read as the annotator read them.", minimum=0),
        _field("accuracy", "number", "correct / n."),
        _field("ci_low", "number", "Wilson 95% interval, lower bound."),
        _field("ci_high", "number", "Wilson 95% interval, upper bound."),
    ),
)
