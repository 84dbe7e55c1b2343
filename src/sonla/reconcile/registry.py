"""The reconciliation rules, registered in one place: :data:`RULES`.

A rule is a function ``check(evidence) -> list of findings`` (one signature for all): it reads
the :class:`~sonla.reconcile.prepare.Evidence` — the prepared claims, the observations, the
sources, the tolerances and the wording rules of ``rules/findings.yaml`` — and builds each
finding with :func:`~sonla.reconcile.finding.make_finding`. Its docstring is its documentation
(the chapter "How the sources are reconciled" explains the same rules to readers). To add a
rule: write the function beside the rules it resembles (:mod:`~sonla.reconcile.between`,
:mod:`~sonla.reconcile.within`, :mod:`~sonla.reconcile.statements`), add a :class:`Rule` to
:data:`RULES`, and add any new kind to ``FINDING_KINDS`` in :mod:`sonla.schema`. Every finding
comes from a general rule over the claims: no source is named in code.

Rules run in the order of :data:`RULES`; when two rules produce the same finding (same kind, same
claims) the first is kept.

**Status**: ``contradiction`` (the claims cannot all hold), ``explained`` (they differ, and a
stated mechanism — time, rounding, a copy error — accounts for it), ``consistent`` (checked and
holds), ``unresolved`` (they differ and the texts do not say why).

**Severity** (documented scale): ``high`` — a contradiction between actual values of one period;
``medium`` — an unresolved difference, or a contradiction inside a derived check; ``low`` — an
explained difference; ``none`` — consistent.

**Confidence**: start at ``high``; go down one level for each of: a period inferred from the
source date rather than stated with the claim; a claim read from an OCR text layer; a rule that
rests on a reading of the wording rather than on numbers alone (``scope_difference``,
``implied_baseline``, ``implied_denominator``, ``projection_plausibility``, ``restated_figure``);
never below ``low``.

Results are compared with results and plans with plans: a target, a projection, or a value for a
period that ends after its source's date is a plan. Copies of one document (same ``document_id``)
are one document: a claim seen in both copies is one claim seen twice and never counts as
agreement between sources.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from ..schema import FINDING_COLUMNS
from ..sources import Source
from ..text.lexicon import load_labels
from . import between, statements, within
from .params import Params
from .prepare import Evidence, prepare
from .rows import Row

__all__ = ["Rule", "RULES", "find_findings", "assemble_findings"]


@dataclass(frozen=True)
class Rule:
    """One reconciliation rule: its name, its check, what it reads and the kinds it can find.

    ``reads`` documents which part of the evidence the check looks at: ``copies`` (claims matched
    between copies of one document), ``reference`` (the claims of each document's reference
    copy), ``quantities`` (the claims of every copy) or ``observations`` (one row per statement).
    """

    name: str
    check: Callable[[Evidence], list[Row]]
    reads: str
    kinds: tuple[str, ...]

    @property
    def doc(self) -> str:
        """The first paragraph of the check's docstring."""
        return " ".join((self.check.__doc__ or "").split("\n\n")[0].split())


def copy_variants(ev: Evidence) -> list[Row]:
    """Between copies of one document: a number read differently by the weaker text layer, or
    present in one copy only (``ocr_variant``). Found once, when the copies' claims are matched
    (:func:`~sonla.reconcile.twins.match_copies`)."""
    return list(ev.copy_findings)


RULES: tuple[Rule, ...] = (
    Rule("copies", copy_variants, "copies", ("ocr_variant",)),
    Rule("duplicate-passages", statements.find_duplicate_passages, "quantities", ("duplicate_passage",)),
    Rule("sums", within.check_sums, "reference", ("sum_mismatch",)),
    Rule("percentages", within.check_percentages, "reference", ("consistent", "arithmetic_mismatch")),
    Rule("implied-denominators", within.find_implied_denominators, "reference", ("implied_denominator",)),
    Rule("implied-baselines", within.find_implied_baselines, "reference", ("implied_baseline",)),
    Rule("baseline-checks", within.check_baselines, "reference", ("implied_baseline", "arithmetic_mismatch")),
    Rule("rates", within.check_rates, "reference", ("consistent", "arithmetic_mismatch")),
    Rule("between-documents", between.compare_documents, "observations",
         ("consistent", "rounding", "qualifier_conflict", "value_conflict", "scope_difference",
          "denominator_change", "temporal_change")),
    Rule("stated-totals", statements.check_stated_totals, "observations", ("implied_denominator",)),
    Rule("projections", statements.check_projections, "observations", ("projection_plausibility",)),
    Rule("restated-figures", statements.find_restated_figures, "observations", ("restated_figure",)),
)


def find_findings(claims: pd.DataFrame, sources: list[Source], params: Params = Params(),
                  prepared: Evidence | None = None) -> pd.DataFrame:
    """Every finding the rules produce on ``claims`` (the claims contract) and ``sources``.

    Rows (columns ``FINDING_COLUMNS``) are sorted by kind and finding_id; ids are stable across
    runs. ``prepared`` (from :func:`~sonla.reconcile.prepare.prepare`) saves preparing the claims
    again. Raises ``KeyError`` if a contract column is missing.
    """
    evidence = prepared or prepare(claims, sources, params)
    return assemble_findings([finding for rule in RULES for finding in rule.check(evidence)])


def assemble_findings(findings: list[Row]) -> pd.DataFrame:
    """The findings table from the rules' findings in the order of :data:`RULES`: a theme added,
    a finding found twice kept once (the first), sorted by kind and finding_id."""
    themes = load_labels().indicator_theme
    frame = pd.DataFrame(findings, columns=FINDING_COLUMNS[:-1])
    frame["theme"] = [themes.get(i.split(";")[0], "") for i in frame["indicator"]]
    frame = frame.drop_duplicates("finding_id")
    return frame.sort_values(["kind", "finding_id"]).reset_index(drop=True)[FINDING_COLUMNS]
