"""How often the rules are right: the findings against blind hand coding (the validity study).

The annotation ``data/annotations/findings.csv`` is made from the sheet that
``scripts/findings_sheet.py`` draws: every finding the rules produce and a sample of comparisons
they did not make, each shown as its claims in their source text, shuffled, without the rules'
verdicts. An annotator codes each *comparison* (columns ``comparison``: its claim ids, sorted and
joined by ``;``; ``inconsistent``: ``yes`` or ``no``; ``note``) as a true inconsistency or not.

**What counts as a flag**: a comparison is *flagged* when a finding with ``flag`` true
(:func:`~sonla.reconcile.registry.is_flag`: a ``contradiction``, or an ``unresolved`` difference
between stated figures — not a derived value that cannot be checked, such as an implied baseline)
rests on the same statements — the same claim ids, or claims that are one statement with them (a
twin in another copy, an exact repeat, the same place of a copied passage:
:func:`~sonla.reconcile.registry.statement_roots`). Findings that are ``consistent``,
``restated`` or ``explained`` are not flags, and neither are comparisons no rule made.

**Measures** (``findings_accuracy.csv``, each with a Wilson 95% interval):

* ``precision`` — flagged comparisons coded inconsistent / flagged comparisons;
* ``sensitivity`` — flagged among the comparisons coded inconsistent;
* ``specificity`` — not flagged among the comparisons coded consistent;
* ``agreement`` — comparisons where flag and coding agree / all coded comparisons.

Without the annotation file the stage writes the table's header only and says why; the
chapters then say the study has not been coded yet.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from .. import config
from ..errors import SonlaError
from ..schema import CLAIMS, DEPENDENCE, FINDINGS, FINDINGS_ACCURACY
from ..sources import Source
from .prepare import prepare
from .registry import is_flag, statement_roots

__all__ = ["ANNOTATION", "wilson_interval", "read_annotation", "flagged_keys", "score", "accuracy_table",
           "stage_findings_accuracy"]

ANNOTATION = Path("data") / "annotations" / "findings.csv"
ANSWERS = {"yes": True, "no": False}


def wilson_interval(count: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval for the proportion ``count / n`` (95% by default).

    >>> [round(x, 4) for x in wilson_interval(19, 24)]
    [0.5953, 0.9076]
    >>> wilson_interval(0, 0)
    (nan, nan)
    """
    if n == 0:
        return (math.nan, math.nan)
    p = count / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


def read_annotation(path: Path) -> pd.DataFrame:
    """The coded comparisons: ``comparison`` (sorted claim ids), ``inconsistent`` (bool), ``note``.

    Raises :class:`SonlaError` naming the file and row for a missing column, an answer other than
    yes or no, or a comparison coded twice.
    """
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in ("comparison", "inconsistent") if c not in table.columns]
    if missing:
        raise SonlaError(f"{path}: missing column(s) {', '.join(missing)} "
                         "(expected comparison, inconsistent, note)")
    rows = []
    for number, row in enumerate(table.itertuples(index=False), start=2):
        answer = str(row.inconsistent).strip().lower()
        if answer not in ANSWERS:
            raise SonlaError(f"{path}, row {number}: inconsistent must be yes or no, "
                             f"not {row.inconsistent!r}")
        key = ";".join(sorted(c.strip() for c in str(row.comparison).split(";") if c.strip()))
        if not key:
            raise SonlaError(f"{path}, row {number}: empty comparison")
        rows.append({"comparison": key, "inconsistent": ANSWERS[answer],
                     "note": str(getattr(row, "note", "") or "")})
    coded = pd.DataFrame(rows, columns=["comparison", "inconsistent", "note"])
    twice = coded[coded["comparison"].duplicated()]
    if len(twice):
        raise SonlaError(f"{path}: comparison {twice['comparison'].iloc[0]} is coded twice")
    return coded


def flagged_keys(findings: pd.DataFrame, roots: dict[str, str] | None = None) -> set[frozenset[str]]:
    """The statements (root ids, :func:`~sonla.reconcile.registry.statement_roots`) of every flag."""
    roots = roots or {}
    if "flag" in findings.columns:
        flags = findings[findings["flag"].astype(str).str.lower().isin(["true", "1"])]
    else:
        flags = findings[[is_flag(f) for f in findings.to_dict("records")]]
    return {frozenset(roots.get(c, c) for c in str(ids).split(";")) for ids in flags["claim_ids"]}


def score(coded: pd.DataFrame, findings: pd.DataFrame, roots: dict[str, str] | None = None) -> pd.DataFrame:
    """Each coded comparison with ``flagged`` (the rules flag the same statements)."""
    roots = roots or {}
    flags = flagged_keys(findings, roots)
    known = {frozenset(roots.get(c, c) for c in str(ids).split(";")) for ids in findings["claim_ids"]}
    out = coded.copy()
    statements = [frozenset(roots.get(c, c) for c in key.split(";")) for key in out["comparison"]]
    out["flagged"] = [s in flags for s in statements]
    out["a_finding"] = [s in known for s in statements]
    return out


def accuracy_table(scored: pd.DataFrame, annotated: int | None = None) -> pd.DataFrame:
    """``findings_accuracy.csv`` from scored comparisons (see the module docstring)."""
    flagged, truth = scored["flagged"].astype(bool), scored["inconsistent"].astype(bool)
    counts = {
        "precision": (int((flagged & truth).sum()), int(flagged.sum())),
        "sensitivity": (int((flagged & truth).sum()), int(truth.sum())),
        "specificity": (int((~flagged & ~truth).sum()), int((~truth).sum())),
        "agreement": (int((flagged == truth).sum()), int(len(scored))),
    }
    rows = []
    for measure, (count, n) in counts.items():
        low, high = wilson_interval(count, n)
        rows.append({"measure": measure, "n": n, "count": count,
                     "value": round(count / n, 4) if n else math.nan,
                     "ci_low": round(low, 4) if n else math.nan, "ci_high": round(high, 4) if n else math.nan,
                     "annotated": len(scored) if annotated is None else annotated, "matched": len(scored)})
    return pd.DataFrame(rows, columns=FINDINGS_ACCURACY.columns)


def stage_findings_accuracy(sources: list[Source], inputs: dict[str, object],
                            root: Path | None = None) -> dict[str, object]:
    """Pipeline stage: ``findings_accuracy.csv`` from the annotation (see the module docstring).

    Without ``data/annotations/findings.csv`` it writes the header only and prints a note.
    """
    path = Path(root or config.ROOT) / ANNOTATION
    if not path.is_file():
        return {FINDINGS_ACCURACY.path: pd.DataFrame(columns=FINDINGS_ACCURACY.columns)}
    claims, findings = inputs[CLAIMS.path], inputs[FINDINGS.path]
    if not isinstance(claims, pd.DataFrame) or not isinstance(findings, pd.DataFrame):
        raise SonlaError("the findings_accuracy stage needs claims.csv and findings.csv as tables")
    coded = read_annotation(path)
    known = set(claims["claim_id"])
    present = coded[[all(c in known for c in key.split(";")) for key in coded["comparison"]]]
    # Coded comparisons whose claims the corpus no longer has are left out (the table's
    # `annotated` and `matched` columns say how many).
    dependence = inputs.get(DEPENDENCE.path)
    if not isinstance(dependence, pd.DataFrame):
        dependence = None  # found again from the sources
    # The statements behind the coded comparisons (none left: nothing to look up, so the corpus's
    # claims are not prepared again: a corpus without the annotated sources costs nothing here).
    roots = statement_roots(prepare(claims, sources, dependence=dependence)) if len(present) else {}
    scored = score(present, findings, roots)
    return {FINDINGS_ACCURACY.path: accuracy_table(scored, len(coded))}
