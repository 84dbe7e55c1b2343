"""The findings stage: ``claims.csv`` and ``dependence.csv`` → ``findings.csv`` and ``indicators.csv``.

Run ``python -m sonla.reconcile.stage`` to print the findings by kind and status for
``data/processed/claims.csv`` and the verified sources.
"""

from __future__ import annotations

import sys

import pandas as pd

from .. import config
from ..errors import SonlaError
from ..schema import CLAIMS, DEPENDENCE, FINDINGS, INDICATORS
from ..sources import Source, load_sources
from .indicators import reconcile_indicators
from .prepare import prepare
from .registry import find_findings

__all__ = ["stage_findings"]


def stage_findings(sources: list[Source], inputs: dict[str, object]) -> dict[str, object]:
    """Pipeline stage: the claims (``inputs["claims.csv"]``) and the copied passages
    (``inputs["dependence.csv"]``) → findings and reconciled indicators.

    The evidence is prepared once and shared by the rules and the indicator table.
    """
    claims = inputs[CLAIMS.path]
    dependence = inputs.get(DEPENDENCE.path)
    if not isinstance(claims, pd.DataFrame):
        raise SonlaError("the findings stage needs claims.csv from the claims stage")
    if dependence is not None and not isinstance(dependence, pd.DataFrame):
        raise SonlaError("the findings stage needs dependence.csv as a table from the dependence stage")
    evidence = prepare(claims, sources, dependence=dependence)
    findings = find_findings(claims, sources, prepared=evidence)
    indicators = reconcile_indicators(claims, sources, findings, prepared=evidence)
    return {FINDINGS.path: findings, INDICATORS.path: indicators}


def main() -> int:
    """Print the findings by kind and status for ``data/processed/claims.csv`` and the sources."""
    try:
        path = config.PROCESSED_DIR / CLAIMS.path
        if not path.is_file():
            raise SonlaError(f"{path} not found: run `make data` first")
        claims = pd.read_csv(path, keep_default_na=False, na_values=[""])
        found = find_findings(claims, load_sources())
    except SonlaError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(pd.crosstab(found["kind"], found["status"], margins=True).to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
