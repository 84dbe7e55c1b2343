"""Scale outliers (sonla.reconcile.scale): values per unit out of scale with their peers."""

from __future__ import annotations

import pandas as pd
import pytest
from findings_cases import make_claims, make_source, run

PER_HA = "farm_output_value_per_ha"


def _wards(values: list[float], unit: str = "mn_vnd_per_ha", word: str = "triệu đồng/ha",
           **kw) -> pd.DataFrame:
    text = " ".join(f"Phường {n}: sản lượng bình quân {v:g} {word}." for n, v in enumerate(values))
    s = make_source("s", text, kind="report")
    claims = make_claims(s, [(f"{v:g} {word}", v, unit, "", PER_HA, "2024") for v in values])
    claims["geography"] = [f"ward-{n}" for n in range(len(values))]
    return run([s], [claims], **kw)


CASES = [
    ("one-ward-tenfold", [85, 90, 950], 1),
    ("one-ward-a-tenth", [85, 90, 8], 1),
    ("two-values-tenfold-one-finding", [80, 800], 1),
    ("within-a-factor-of-two", [85, 170, 120], 0),
]


@pytest.mark.parametrize("values, n", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_values_per_hectare_across_wards(values, n):
    out = _wards(values)
    found = out[out["kind"] == "scale_outlier"]
    assert len(found) == n
    assert set(found["status"]) <= {"unresolved"} and set(found["severity"]) <= {"high"}


def test_a_value_per_person_is_found_by_its_wording():
    out = _wards([60, 65, 700], unit="mn_vnd", word="triệu đồng/người")
    assert len(out[out["kind"] == "scale_outlier"]) == 1


def test_totals_are_not_values_per_unit():
    text = "Phường A doanh thu 10 tỷ đồng. Phường B doanh thu 200 tỷ đồng. Phường C doanh thu 15 tỷ đồng."
    s = make_source("s", text)
    claims = make_claims(s, [("10 tỷ đồng", 10, "bn_vnd", "", "revenue", "2024"),
                             ("200 tỷ đồng", 200, "bn_vnd", "", "revenue", "2024"),
                             ("15 tỷ đồng", 15, "bn_vnd", "", "revenue", "2024")])
    claims["geography"] = ["a", "b", "c"]
    assert run([s], [claims]).query("kind == 'scale_outlier'").empty


def test_values_per_hectare_across_years_of_one_ward():
    text = "Năm 2023 sản lượng bình quân 80 triệu đồng/ha. Năm 2024 sản lượng bình quân 8 triệu đồng/ha."
    s = make_source("s", text, kind="report")
    claims = make_claims(s, [("80 triệu đồng/ha", 80, "mn_vnd_per_ha", "", PER_HA, "2023"),
                             ("8 triệu đồng/ha", 8, "mn_vnd_per_ha", "", PER_HA, "2024")])
    found = run([s], [claims]).query("kind == 'scale_outlier'")
    assert len(found) == 1 and "10 times" in found["explanation"].iloc[0]
