"""The Frictionless data package of ``data/processed/``: descriptor and validation.

Each published table is a *resource*: a file name, a title, a description and a
Table Schema whose field descriptions are the data dictionary. Resources are
registered in :data:`RESOURCES` (file name → function returning the resource
descriptor), so a later stage adds its table with one entry in its own module::

    from sonla.datapackage import RESOURCES
    RESOURCES["findings.csv"] = findings_resource

and then re-emits the descriptor from its stage, or appends
:func:`stage_datapackage` as the last pipeline stage, which describes and validates
every registered table the build produced.

:func:`build_descriptor` builds ``datapackage.json`` from the registered resources
whose files a build produced; :func:`validate_table` checks a table against its
schema with frictionless and raises :class:`~sonla.errors.SonlaError` naming the
file and the first failing rows.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from .errors import SonlaError
from .text.lexicon import load_rules

__all__ = ["RESOURCES", "claims_resource", "build_descriptor", "validate_table", "descriptor_json",
           "stage_datapackage"]

PACKAGE_NAME = "sonla-claims"


def _enum(values) -> list[str]:
    return sorted({v for v in values if v})


def claims_resource() -> dict:
    """Resource descriptor of ``claims.csv``; its field descriptions are the data dictionary."""
    from .extract.claims import CLAIM_COLUMNS, KINDS

    rules = load_rules()
    geographies = _enum(g.key for g in rules.geographies) + _enum(g.old_key for g in rules.geographies)
    fields = [
        {"name": "claim_id", "type": "string", "constraints": {"required": True, "unique": True,
                                                               "pattern": r"[a-z0-9-]+-\d{6}"},
         "description": "Stable id: the source id and the start offset (six digits). "
                        "The book's HTML anchor for a claim is `claim-<claim_id>`."},
        {"name": "source_id", "type": "string", "constraints": {"required": True},
         "description": "The source (row of data/raw/sources.csv) the claim stands in."},
        {"name": "start", "type": "integer", "constraints": {"required": True, "minimum": 0},
         "description": "Start offset: a Python string index into the raw file decoded as UTF-8."},
        {"name": "end", "type": "integer", "constraints": {"required": True, "minimum": 1},
         "description": "End offset (exclusive): raw[start:end] == text."},
        {"name": "text", "type": "string", "constraints": {"required": True},
         "description": "The claim exactly as written, with its unit and any range or denominator."},
        {"name": "kind", "type": "string", "constraints": {"required": True, "enum": list(KINDS)},
         "description": "quantity, or what else the number is: date (also years and year spans), "
                        "identifier (document numbers), section_number, list_marker, footnote_marker, "
                        "name_number (numbers in names: tổ 12, QL6), ocr_letter (an OCR copy's letter "
                        "read as a digit). Findings use kind == quantity."},
        {"name": "value", "type": "number",
         "description": "Quantities only: the value in the unit as written (4.051 tỷ đồng → 4051 bn_vnd; "
                        "1,2 triệu lượt → 1200000 visit; 87,7% → 87.7 percent); the low end of a range; "
                        "the numerator of a fraction."},
        {"name": "value_high", "type": "number", "description": "The high end of a range (7-8% → 8)."},
        {"name": "denominator", "type": "number", "description": "The b of a fraction a/b (42/63 → 63)."},
        {"name": "unit", "type": "string", "constraints": {"enum": _enum(rules.unit_labels)},
         "description": "Canonical unit from src/sonla/rules/units.yaml; empty when none is written."},
        {"name": "qualifier", "type": "string", "constraints": {"enum": _enum(rules.qualifier_labels)},
         "description": "The strongest qualifier (src/sonla/rules/qualifiers.yaml): more_than, nearly, "
                        "about, at_least, target, projected, estimated, increase, decrease, reached; "
                        "empty when none."},
        {"name": "indicator", "type": "string",
         "constraints": {"enum": _enum(i.key for i in rules.indicators)},
         "description": "Canonical indicator key from src/sonla/rules/indicators.yaml; empty if unmapped."},
        {"name": "period", "type": "string", "constraints": {"pattern": r"\d{4}(-\d{4})?"},
         "description": "YYYY or YYYY-YYYY the claim refers to, from its clause or sentence, paragraph, "
                        "heading or the source title (a date: its own year, or the source's year for a "
                        "day and month); empty if unknown."},
        {"name": "geography", "type": "string", "constraints": {"enum": geographies},
         "description": "son-la-city, to-hieu-ward (the new ward), the old wards (chieng-le-old, "
                        "to-hieu-old, quyet-thang-old, quyet-tam-old) or son-la-province; empty if unknown."},
        {"name": "sentence", "type": "string", "constraints": {"required": True},
         "description": "The sentence the claim stands in, whitespace collapsed (identical for claims "
                        "of the same sentence)."},
        {"name": "decimals", "type": "integer", "constraints": {"minimum": 0},
         "description": "Quantities only: decimal places as written (98,89% → 2), the reported precision "
                        "for GRIM-style checks."},
        {"name": "qualifiers", "type": "string",
         "description": "Every qualifier found, strongest first, separated by ';'."},
    ]
    assert [f["name"] for f in fields] == CLAIM_COLUMNS
    return {
        "name": "claims",
        "path": "claims.csv",
        "title": "Numeric claims of the five sources",
        "description": "Every digit group of every source, classified; quantities with value, unit, "
                       "qualifier, indicator, period and geography. Produced by sonla.claims.",
        "format": "csv",
        "encoding": "utf-8",
        "schema": {"fields": fields, "primaryKey": ["claim_id"], "missingValues": [""]},
    }


def findings_resource() -> dict:
    """Resource descriptor of ``findings.csv`` (defined in :mod:`sonla.findings`)."""
    from .reconcile.findings import findings_resource as resource

    return resource()


def indicators_resource() -> dict:
    """Resource descriptor of ``indicators.csv`` (defined in :mod:`sonla.findings`)."""
    from .reconcile.findings import indicators_resource as resource

    return resource()


RESOURCES: dict[str, Callable[[], dict]] = {
    "claims.csv": claims_resource,
    "findings.csv": findings_resource,
    "indicators.csv": indicators_resource,
}


def build_descriptor(files: list[str] | None = None) -> dict:
    """The data package descriptor for the registered resources (only ``files`` if given)."""
    names = [n for n in RESOURCES if files is None or n in files]
    return {
        "name": PACKAGE_NAME,
        "title": "Sơn La in numbers: processed data",
        "licenses": [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0"}],
        "resources": [RESOURCES[n]() for n in names],
    }


def descriptor_json(descriptor: dict) -> str:
    """Deterministic JSON text of a descriptor."""
    return json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"


def validate_table(name: str, table: pd.DataFrame | str | Path, resource: dict | None = None) -> None:
    """Validate a table (DataFrame, CSV text or path) against its resource schema.

    Raises :class:`SonlaError` naming the file, the row numbers (1 = header) and what failed.
    """
    from frictionless import Resource, Schema

    resource = resource or RESOURCES[name]()
    with tempfile.TemporaryDirectory(prefix="sonla-validate-") as tmp:
        path = Path(tmp) / name
        if isinstance(table, pd.DataFrame):
            path.write_text(table.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
        elif isinstance(table, Path):
            path.write_bytes(table.read_bytes())
        else:
            path.write_text(table, encoding="utf-8")
        report = Resource(path=name, basepath=tmp, schema=Schema.from_descriptor(resource["schema"]),
                          format="csv", encoding="utf-8").validate()
    if not report.valid:
        errors = report.flatten(["rowNumber", "fieldName", "type", "note"])
        shown = "; ".join(f"row {r} field {f}: {t} ({n})" for r, f, t, n in errors[:5])
        raise SonlaError(f"{name}: {len(errors)} schema error(s): {shown}")


def stage_datapackage(sources: list, earlier: dict[str, object]) -> dict[str, object]:
    """Pipeline stage: validate every registered table built so far and describe them all."""
    produced = [name for name in RESOURCES if name in earlier]
    for name in produced:
        table = earlier[name]
        validate_table(name, table if isinstance(table, pd.DataFrame | str) else str(table))
    return {"datapackage.json": descriptor_json(build_descriptor(produced))}
