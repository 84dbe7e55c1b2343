"""The data-package stage: every published file described, every table validated on every build."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sonla import config, schema
from sonla.datapackage import build_descriptor, stage_datapackage, validate_table
from sonla.errors import SonlaError
from sonla.extract.claims import extract_all, extract_claims
from sonla.pipeline import STAGES, run_pipeline, run_stages
from sonla.schema import CLAIM_COLUMNS
from sonla.sources import Source, load_sources


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


def test_the_datapackage_the_pipeline_writes_lists_every_file_it_writes(tmp_path):
    """Through the writer, on disk: every file written beside ``datapackage.json`` is one of its
    resources (and nothing else is), every table of :mod:`sonla.schema` is written, each CSV's
    header is its resource's fields, and frictionless, reading the folder back as a data
    package, finds every file valid."""
    from frictionless import Package

    changed = run_pipeline(out_dir=tmp_path, verbose=False)
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted(Path(p).name for p in changed)
    descriptor = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["path"]: r for r in descriptor["resources"]}
    assert sorted(resources) == [name for name in written if name != "datapackage.json"]
    tables = [name for name in written if name.endswith(".csv")]
    assert sorted(tables) == sorted(schema.TABLES)
    for name in tables:
        header = (tmp_path / name).read_text(encoding="utf-8").split("\n", 1)[0]
        assert header.split(",") == [f["name"] for f in resources[name]["schema"]["fields"]], name
    report = Package(str(tmp_path / "datapackage.json")).validate()
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type"])[:5]
    assert [task.name for task in report.tasks] == [r["name"] for r in descriptor["resources"]]


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


DESCRIBE_PUBLISHED = """
import json, sys
from sonla import config
from sonla.datapackage import build_descriptor, descriptor_json
published = json.loads((config.PROCESSED_DIR / "datapackage.json").read_text(encoding="utf-8"))
sys.stdout.write(descriptor_json(build_descriptor([r["path"] for r in published["resources"]])))
"""


def test_descriptor_is_the_same_whatever_the_hash_seed():
    """Two interpreters with different string hashing (set and dict order of rule vocabularies)
    write the same descriptor, byte for byte, and it is the published one."""
    texts = []
    for seed in ("1", "2"):
        done = subprocess.run([sys.executable, "-c", DESCRIBE_PUBLISHED], capture_output=True, check=True,
                              env=dict(os.environ, PYTHONHASHSEED=seed))
        texts.append(done.stdout)
    assert texts[0] == texts[1]
    # The published descriptor adds each file's hash and size when the set is published.
    published = json.loads((config.PROCESSED_DIR / "datapackage.json").read_text(encoding="utf-8"))
    for resource in published["resources"]:
        resource.pop("hash", None)
        resource.pop("bytes", None)
    assert json.loads(texts[0]) == published
    assert json.loads(texts[0])["resources"][0]["schema"]["primaryKey"] == ["claim_id"]


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


# --------------------------------------------------------------------------- issue 17, case 3


def _long_source(length: int) -> Source:
    filler = "Đây là một đoạn văn bản không có chữ số nào cả, chỉ để lấp đầy nguồn. " * 14 + "\n\n"
    text = filler * (length // len(filler) + 1) + "Tổng vốn đầu tư đạt 1.200 tỷ đồng, tăng 12,5%.\n"
    return Source("long-one", "long-one.txt", "0", "t", "t", "news", "tests", "2025", "vi", "clean",
                  "long-one", "", text)


def test_claim_ids_past_a_million_characters_are_valid():
    """A source over 999,999 characters failed with 635 pattern errors naming neither source nor cause."""
    claims = extract_claims(_long_source(1_000_000))
    assert claims.claim_id.tolist() == [f"long-one-{start}" for start in claims.start]
    assert all(len(i.rsplit("-", 1)[1]) == 7 for i in claims.claim_id)
    validate_table("claims.csv", claims)
    # Ids of existing claims (offsets below a million) keep their six digits.
    assert load_processed_ids_have_six_digits()


def load_processed_ids_have_six_digits() -> bool:
    ids = pd.read_csv(config.PROCESSED_DIR / "claims.csv", usecols=["claim_id", "start"])
    return ids.claim_id.str.fullmatch(r"[a-z0-9-]+-\d{6}").all() and (ids.start < 1_000_000).all()


def test_schema_errors_name_the_source_and_the_cause(claims):
    broken = claims.copy()
    rows = broken.index[broken.source_id == "news-2024"][:2]
    broken.loc[rows, "claim_id"] = ["news-2024-12", "news-2024-x"]
    with pytest.raises(SonlaError) as caught:
        validate_table("claims.csv", broken)
    message = str(caught.value)
    assert message.startswith("claims.csv: 2 schema error(s) in source(s) news-2024: row ")
    assert 'field claim_id (source news-2024): constraint-error (constraint "pattern" is' in message
