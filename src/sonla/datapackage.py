"""The data-package stage: describe and validate every file the pipeline writes.

It runs last (see :data:`sonla.pipeline.STAGES`), in memory, before anything is written: every
CSV an earlier stage produced is validated with frictionless against its schema in
:mod:`sonla.schema`, and ``datapackage.json`` describes every produced file, with the ``hash``
(sha256) and ``bytes`` of exactly what is written: the readers check the files against them
(:func:`sonla.publish.check_published`). An output that :mod:`sonla.schema` does not describe is
an error, so a new table cannot be published without its data dictionary.

:func:`validate_table` raises :class:`~sonla.errors.SonlaError` naming the file, the first
failing rows and, for a table with a ``source_id`` column, the sources they belong to.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterable
from functools import cache
from importlib import metadata
from pathlib import Path

import pandas as pd

from . import config, schema
from .errors import SonlaError
from .fidelity.error_classes import error_classes
from .io import write_text_atomic
from .publish import DESCRIPTOR, resource_hash
from .schema import Table, TextFile
from .sources import Source
from .text.lexicon import load_rules

__all__ = ["VOCABULARIES", "table_resource", "text_resource", "build_descriptor", "descriptor_json",
           "validate_table", "check_tables", "describe_outputs", "stage_datapackage"]

PACKAGE_NAME = "sonla-claims"
# Digests of the (table bytes, schema, frictionless version) that passed validation in the last
# build: validation is a function of those alone, so the same bytes need not be checked again.
VALIDATED = config.BUILD_DIR / ".validated-tables"


def _enum(values: Iterable[str]) -> list[str]:
    return sorted({v for v in values if v})


def _geographies() -> list[str]:
    rules = load_rules()
    return _enum(g.key for g in rules.geographies) + _enum(g.old_key for g in rules.geographies)


def _error_classes() -> list[str]:
    return list(error_classes())


# The rule vocabularies a field can take its enum from: {name: function returning the keys}.
VOCABULARIES: dict[str, Callable[[], list[str]]] = {
    "units": lambda: _enum(load_rules().unit_labels),
    "qualifiers": lambda: _enum(load_rules().qualifier_labels),
    "indicators": lambda: _enum(i.key for i in load_rules().indicators),
    "geographies": _geographies,
    "ocr_error_classes": _error_classes,
}


def _field(spec: schema.Field) -> dict:
    constraints = dict(spec.constraints)
    if spec.vocabulary:
        constraints["enum"] = VOCABULARIES[spec.vocabulary]()
    field: dict = {"name": spec.name, "type": spec.type}
    if constraints:
        field["constraints"] = constraints
    field["description"] = spec.description
    return field


def table_resource(table: Table) -> dict:
    """The Frictionless resource descriptor of one table (its data dictionary)."""
    table_schema: dict = {"fields": [_field(f) for f in table.fields]}
    if table.primary_key:
        table_schema["primaryKey"] = list(table.primary_key)
    table_schema["missingValues"] = [""]
    return {"name": table.name, "path": table.path, "title": table.title, "description": table.description,
            "format": "csv", "encoding": "utf-8", "schema": table_schema}


def text_resource(spec: TextFile, path: str) -> dict:
    """The resource descriptor of one plain-text file of the family ``spec``."""
    return {"name": path.replace("_", "-").lower(), "path": path,
            "title": f"{spec.title}: {spec.source_of(path)}", "description": spec.description,
            "format": "txt", "mediatype": "text/plain", "encoding": "utf-8"}


def _resource_for(path: str) -> dict | None:
    if path in schema.TABLES:
        return table_resource(schema.TABLES[path])
    for spec in schema.TEXT_FILES:
        if spec.source_of(path):
            return text_resource(spec, path)
    return None


def build_descriptor(files: Iterable[str] | None = None) -> dict:
    """The data package descriptor of ``files`` (default: every table of :mod:`sonla.schema`).

    Tables come in the order of :data:`sonla.schema.TABLES`, then the text files by name.
    Raises :class:`SonlaError` naming a file that :mod:`sonla.schema` does not describe.
    """
    names = list(schema.TABLES) if files is None else [f for f in files if f != DESCRIPTOR]
    undescribed = sorted(n for n in names if _resource_for(n) is None)
    if undescribed:
        raise SonlaError(f"{', '.join(undescribed)}: produced but not described in sonla.schema "
                         "(add the table there before publishing it)")
    ordered = [n for n in schema.TABLES if n in names] + sorted(n for n in names if n not in schema.TABLES)
    return {
        "name": PACKAGE_NAME,
        "title": "Sơn La in numbers: processed data",
        "licenses": [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0"}],
        "resources": [_resource_for(n) for n in ordered],
    }


def descriptor_json(descriptor: dict) -> str:
    """Deterministic JSON text of a descriptor."""
    return json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"


@cache
def _frictionless():
    from frictionless import Resource, Schema, fields

    field_classes = {"string": fields.StringField, "integer": fields.IntegerField,
                     "number": fields.NumberField, "boolean": fields.BooleanField}
    return Resource, Schema, field_classes


def _schema(table_schema: dict):
    """A frictionless Schema for a table schema of this module, built from its fields directly.

    (``Schema.from_descriptor`` also validates the descriptor against the Table Schema standard,
    which cost more than validating a small table; the descriptors are static and a test checks
    them with frictionless once: ``tests/test_datapackage.py``.)
    """
    _, schema_cls, field_classes = _frictionless()
    if any(f["type"] not in field_classes for f in table_schema["fields"]):
        return schema_cls.from_descriptor(table_schema)
    columns = [field_classes[f["type"]](name=f["name"], constraints=dict(f.get("constraints", {})))
               for f in table_schema["fields"]]
    return schema_cls(fields=columns,
                      primary_key=list(table_schema.get("primaryKey", [])),
                      missing_values=list(table_schema.get("missingValues", [""])))


def _as_bytes(table: pd.DataFrame | str | bytes | Path) -> bytes:
    """A table as the CSV bytes that are published."""
    if isinstance(table, pd.DataFrame):
        return table.to_csv(index=False, lineterminator="\n").encode("utf-8")
    if isinstance(table, Path):
        return table.read_bytes()
    if isinstance(table, bytes):
        return table
    return table.encode("utf-8")


def _sources_of_rows(data: bytes, row_numbers: Iterable[int]) -> dict[int, str]:
    """{row number (1 = header): its source_id}, for a table with a ``source_id`` column."""
    wanted = set(row_numbers)
    found: dict[int, str] = {}
    reader = csv.reader(io.StringIO(data.decode("utf-8", errors="replace"), newline=""))
    header = next(reader, [])
    if "source_id" not in header:
        return found
    column = header.index("source_id")
    for number, row in enumerate(reader, start=2):
        if number in wanted and column < len(row):
            found[number] = row[column]
        if len(found) == len(wanted):
            break
    return found


def validate_table(name: str, table: pd.DataFrame | str | bytes | Path, resource: dict | None = None) -> None:
    """Validate a table (DataFrame, CSV text or bytes, or a path) against its resource schema.

    ``resource`` defaults to the descriptor of ``name`` in :mod:`sonla.schema`. Raises
    :class:`SonlaError` naming the file, the sources of the failing rows (when the table has a
    ``source_id`` column), the row numbers (1 = header), the field and what its constraint is.
    """
    resource_cls = _frictionless()[0]
    resource = resource or table_resource(schema.TABLES[name])
    data = _as_bytes(table)
    report = resource_cls(data, format="csv", encoding="utf-8", schema=_schema(resource["schema"])).validate()
    if not report.valid:
        errors = report.flatten(["rowNumber", "fieldName", "type", "note"])
        sources = _sources_of_rows(data, (r for r, *_ in errors if r))
        named = sorted({sources[r] for r, *_ in errors if r in sources})
        where = f" in source(s) {', '.join(named[:5])}" + (" …" if len(named) > 5 else "") if named else ""

        def one(row: int | None, field: str | None, kind: str, note: str) -> str:
            source = f" (source {sources[row]})" if row in sources else ""
            return f"row {row} field {field}{source}: {kind} ({note})"

        shown = "; ".join(one(*error) for error in errors[:5])
        raise SonlaError(f"{name}: {len(errors)} schema error(s){where}: {shown}")


@cache
def _validator_version() -> str:
    """frictionless's version, read once (importlib.metadata scans the installed distributions)."""
    return metadata.version("frictionless")


def _digest(data: bytes, resource: dict) -> str:
    """What a validation depends on: the table's bytes, its schema and the validator's version."""
    digest = hashlib.sha256(json.dumps(resource["schema"], sort_keys=True).encode("utf-8"))
    digest.update(_validator_version().encode("ascii"))
    digest.update(data)
    return digest.hexdigest()


def _validated_before() -> set[str]:
    try:
        return set(VALIDATED.read_text(encoding="ascii").split())
    except OSError:
        return set()


def check_tables(sources: list[Source], earlier: dict[str, object], cache: bool = False,
                 validate: bool = True) -> dict[str, object]:
    """Validate every table of ``earlier`` and describe every file (see :func:`stage_datapackage`).

    With ``cache``, tables given as bytes that passed validation in the previous build, byte for
    byte and against the same schema (their digests are kept in ``_build/.validated-tables``),
    are not validated again. Without it (an engine validating slices of a table), all are.
    ``validate=False`` only describes (an engine that validated every slice of the tables
    describes the assembled files: their ``bytes`` and ``hash``).
    """
    descriptor = build_descriptor(earlier)
    before, passed = (_validated_before() if cache else set()), []
    for resource in descriptor["resources"]:
        name = resource["path"]
        content = earlier[name]
        if not isinstance(content, pd.DataFrame | str | bytes):
            raise SonlaError(f"{name}: an output is a DataFrame, text or bytes, not {type(content).__name__}")
        data = _as_bytes(content)
        if validate and name in schema.TABLES:
            digest = _digest(data, resource) if cache and isinstance(content, bytes) else None
            if digest is None or digest not in before:
                validate_table(name, data, resource)
            if digest:
                passed.append(digest)
        resource["bytes"] = len(data)
        resource["hash"] = resource_hash(data)
    if passed and sorted(passed) != sorted(before):
        try:
            write_text_atomic(VALIDATED, "\n".join(sorted(passed)) + "\n")
        except OSError:
            pass  # a read-only build folder only costs the next build a validation
    return {DESCRIPTOR: descriptor_json(descriptor)}


def describe_outputs(sources: list[Source], earlier: dict[str, object]) -> dict[str, object]:
    """``datapackage.json`` of ``earlier`` without validating (each part was validated where it
    was made: :func:`check_tables` on every slice)."""
    return check_tables(sources, earlier, validate=False)


def stage_datapackage(sources: list[Source], earlier: dict[str, object]) -> dict[str, object]:
    """Pipeline stage (the last): validate every table produced so far and describe every file.

    ``earlier`` holds every output of the stages before (as the bytes to be written, when the
    pipeline runs it). Raises :class:`SonlaError` if a table breaks its schema or a file is not
    described. Bytes validated in the previous build are not validated again (:func:`check_tables`),
    so an unchanged rebuild does not even import frictionless.
    """
    return check_tables(sources, earlier, cache=True)
