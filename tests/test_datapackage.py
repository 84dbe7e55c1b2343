"""The Frictionless descriptor and the validation of claims.csv on every build."""

from __future__ import annotations

import json

import pytest

from sonla.datapackage import RESOURCES, build_descriptor, descriptor_json, validate_table
from sonla.errors import SonlaError
from sonla.extract.claims import CLAIM_COLUMNS, extract_all
from sonla.sources import load_sources


@pytest.fixture(scope="module")
def claims():
    return extract_all(load_sources())


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


def test_datapackage_stage_describes_registered_tables(claims):
    from sonla.datapackage import stage_datapackage

    out = stage_datapackage([], {"claims.csv": claims, "source_profiles.csv": "not registered"})
    assert '"path": "claims.csv"' in out["datapackage.json"]
    assert "source_profiles" not in out["datapackage.json"]


def test_descriptor_is_deterministic_json():
    text = descriptor_json(build_descriptor())
    assert text == descriptor_json(build_descriptor())
    assert json.loads(text)["resources"][0]["schema"]["primaryKey"] == ["claim_id"]


def test_a_new_resource_is_added_from_the_registry(claims):
    resource = {"name": "extra", "path": "extra.csv",
                "schema": {"fields": [{"name": "x", "type": "integer"}]}}
    RESOURCES["extra.csv"] = lambda: resource
    try:
        names = [r["path"] for r in build_descriptor(["claims.csv", "extra.csv"])["resources"]]
        assert names == ["claims.csv", "extra.csv"]
        validate_table("extra.csv", "x\n1\n2\n")
        with pytest.raises(SonlaError, match="extra.csv: .*row 3"):
            validate_table("extra.csv", "x\n1\nnot-a-number\n")
    finally:
        del RESOURCES["extra.csv"]
