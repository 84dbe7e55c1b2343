"""The whole-table checks of claims.csv (``check_indicators``), on small tables written here."""

from __future__ import annotations

import pandas as pd
import pytest

from sonla.errors import SonlaError
from sonla.extract.claims import check_indicators
from sonla.text.lexicon import load_rules


def _claims(*rows: tuple[str, str, str, str, str]) -> pd.DataFrame:
    """Claims from (claim_id, kind, indicator, unit, level) rows."""
    return pd.DataFrame(rows, columns=["claim_id", "kind", "indicator", "unit", "level"])


def test_one_family_and_level_per_indicator_passes():
    check_indicators(_claims(("a-1", "quantity", "x@district", "percent", "district"),
                             ("a-2", "quantity", "x@district", "percent", "district"),
                             ("a-3", "quantity", "y@commune", "bn_vnd", "commune")))


def test_mixed_units_name_the_first_indicator_and_its_first_claim():
    claims = _claims(("a-1", "quantity", "z@district", "percent", "district"),
                     ("a-2", "quantity", "y@district", "percent", "district"),
                     ("a-3", "quantity", "y@district", "household", "district"),
                     ("a-4", "quantity", "z@district", "bn_vnd", "district"))
    with pytest.raises(SonlaError, match=r"indicator 'y@district' mixes unit families household, "
                                         r"percent \(e\.g\. claim a-2\)"):
        check_indicators(claims)


def test_mixed_levels_are_refused():
    claims = _claims(("a-1", "quantity", "x", "percent", "district"),
                     ("a-2", "quantity", "x", "percent", None))
    with pytest.raises(SonlaError, match=r"indicator 'x' mixes levels , district \(e\.g\. claim a-1\)"):
        check_indicators(claims)


def test_units_of_one_family_and_claims_without_indicator_or_not_quantities_pass():
    rules = load_rules()
    family: dict[str, list[str]] = {}
    for unit, name in rules.unit_families.items():
        family.setdefault(name, []).append(unit)
    shared = next(units for units in family.values() if len(units) > 1)
    check_indicators(_claims(("a-1", "quantity", "x", shared[0], ""),
                             ("a-2", "quantity", "x", shared[1], ""),
                             ("a-3", "quantity", "", "percent", "commune"),
                             ("a-4", "quantity", None, "percent", "commune"),
                             ("a-5", "date", "x", "percent", "commune")))
