"""The data-package stage: every published file described, every table validated on every build."""

from __future__ import annotations

import json

import pytest

from sonla import config, schema
from sonla.datapackage import build_descriptor, descriptor_json, stage_datapackage, validate_table
from sonla.errors import SonlaError
from sonla.extract.claims import extract_all
from sonla.pipeline import STAGES, run_stages
from sonla.schema import CLAIM_COLUMNS
from sonla.sources import load_sources


@pytest.fixture(scope="module")
def claims():
    return extract_all(load_sources())


@pytest.fixture(scope="module")
def outputs():
    return run_stages(load_sources())


def test_schema_rejects_a_bad_row(claims):
    validate_table("claims.csv", claims)
    broken = claims.copy()
    broken.loc[0, "kind"] = "guess"
    with pytest.raises(SonlaError, match=r"claims.csv: .*row 2 field kind"):
        validate_table("claims.csv", broken)


def test_descriptor_lists_every_column():
    resource = build_descriptor()["resources"][0]
    assert [f["name"] for f in resource["schema"]["fields"]] == CLAIM_COLUMNS
    assert all(f["description"] for f in resource["schema"]["fields"])


def test_every_table_has_a_description_for_every_column():
    for resource in build_descriptor()["resources"]:
        assert resource["title"] and resource["description"], resource["path"]
        assert all(f["description"] for f in resource["schema"]["fields"]), resource["path"]


def test_datapackage_describes_every_file_the_pipeline_writes(outputs):
    """The stage runs last and describes every output of the stages before it (and nothing else)."""
    assert STAGES[-1].name == "datapackage"
    descriptor = json.loads(outputs["datapackage.json"])
    described = [r["path"] for r in descriptor["resources"]]
    written = [name for name in outputs if name != "datapackage.json"]
    assert sorted(described) == sorted(written)
    assert {name for name in written if name.endswith(".csv")} == set(schema.TABLES)


def test_the_published_datapackage_describes_every_file_in_data_processed():
    descriptor = json.loads((config.PROCESSED_DIR / "datapackage.json").read_text(encoding="utf-8"))
    on_disk = sorted(p.name for p in config.PROCESSED_DIR.iterdir() if p.name != "datapackage.json")
    assert sorted(r["path"] for r in descriptor["resources"]) == on_disk


def test_every_published_table_matches_its_schema_columns(outputs):
    for name, table in schema.TABLES.items():
        assert list(outputs[name].columns) == table.columns, name


def test_datapackage_stage_refuses_an_undescribed_output(claims):
    out = stage_datapackage([], {"claims.csv": claims})
    assert '"path": "claims.csv"' in out["datapackage.json"]
    assert "source_profiles" not in out["datapackage.json"]  # only what was produced
    with pytest.raises(SonlaError, match="extra.csv: produced but not described in sonla.schema"):
        stage_datapackage([], {"claims.csv": claims, "extra.csv": "x\n1\n"})


def test_datapackage_stage_validates_every_table(outputs):
    broken = dict(outputs)
    frame = outputs["ocr_numbers.csv"].copy()
    frame.loc[0, "status"] = "guess"
    broken["ocr_numbers.csv"] = frame
    with pytest.raises(SonlaError, match=r"ocr_numbers.csv: .*row 2 field status"):
        stage_datapackage([], broken)


def test_the_descriptor_follows_the_data_package_standard():
    """The pipeline builds frictionless schemas without re-checking the descriptor; this checks it."""
    from frictionless import Package

    report = Package.validate_descriptor(build_descriptor())
    assert report.valid, report.flatten(["type", "note"])[:5]


def test_descriptor_is_deterministic_json():
    text = descriptor_json(build_descriptor())
    assert text == descriptor_json(build_descriptor())
    assert json.loads(text)["resources"][0]["schema"]["primaryKey"] == ["claim_id"]


def test_a_new_table_is_added_in_the_schema_module(monkeypatch):
    extra = schema.Table("extra.csv", "Extra", "A test table.", (schema.Field("x", "integer", "A number."),))
    monkeypatch.setitem(schema.TABLES, "extra.csv", extra)
    names = [r["path"] for r in build_descriptor(["claims.csv", "extra.csv"])["resources"]]
    assert names == ["claims.csv", "extra.csv"]
    validate_table("extra.csv", "x\n1\n2\n")
    with pytest.raises(SonlaError, match="extra.csv: .*row 3"):
        validate_table("extra.csv", "x\n1\nnot-a-number\n")


def test_bytes_validated_in_the_last_build_are_not_validated_again(claims, tmp_path, monkeypatch):
    """Validation is a function of the bytes, the schema and frictionless' version: a table whose
    digest passed last time is trusted; any other bytes are validated (and a bad row still fails)."""
    from sonla import datapackage

    monkeypatch.setattr(datapackage, "VALIDATED", tmp_path / ".validated-tables")
    data = claims.to_csv(index=False, lineterminator="\n").encode("utf-8")
    datapackage.stage_datapackage([], {"claims.csv": data})
    assert len((tmp_path / ".validated-tables").read_text().split()) == 1
    calls = []
    monkeypatch.setattr(datapackage, "validate_table", lambda *args: calls.append(args[0]))
    datapackage.stage_datapackage([], {"claims.csv": data})
    assert calls == []
    datapackage.stage_datapackage([], {"claims.csv": data.replace(b"quantity", b"guess", 1)})
    assert calls == ["claims.csv"]
    datapackage.check_tables([], {"claims.csv": data})  # a slice's check: always validated
    assert calls == ["claims.csv", "claims.csv"]
    monkeypatch.undo()
    with pytest.raises(SonlaError, match="field kind"):
        datapackage.stage_datapackage([], {"claims.csv": data.replace(b"quantity", b"guess", 1)})


def test_a_claim_beyond_the_millionth_character_has_a_valid_id(claims):
    """One long source (the benchmark's 32x report, 3.5 million characters) has claims whose
    offset needs seven digits: their ids are valid (they were refused until issue 16)."""
    longer = claims.head(2).copy()
    longer["claim_id"] = ["report-1234567", "report-000042"]
    validate_table("claims.csv", longer)
