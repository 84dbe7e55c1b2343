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
stated mechanism — time, rounding, a copy error, a plan and its outcome — accounts for it),
``consistent`` (checked and holds), ``restated`` (documents agree, but the agreement rests on one
independent witness: the claims are copies of one document, or stand at the same place of a
passage one document copies from another — a restatement, not a confirmation), ``unresolved``
(they differ and the texts do not say why). A finding is a *flag* (column ``flag``) — something
a reader should look into, and what the validity study scores — when its status is
``contradiction``, or ``unresolved`` from a rule that compares stated figures: the rules in
:data:`DERIVATIONS` derive a value with nothing to check it against (an implied baseline, an
implied denominator), and their ``unresolved`` says "cannot be checked", not "they differ"; the
rules in :data:`OPEN` find a difference that both texts can explain (parts that fall short of a
total after "trong đó": a list need not be complete; a count against two totals of different
dates: the yardstick may have changed in between), which a reader should know but which is no
inconsistency. (These two were made no flags after the first measurement of the findings
validity study, following its codebook's definition of an inconsistency; the study's README
gives both measurements.)

**Independent witnesses** (``independent_sources``): the claims of one document, and claims at the
same place of a copied passage (``dependence.csv``), count once
(:mod:`~sonla.reconcile.witnesses`). After every rule has run, a finding whose status is
``consistent`` (or a ``rounding`` difference, ``explained``) and whose claims come from two or more
documents but one witness becomes ``restated``. A target and a result are never ``consistent``
(:mod:`~sonla.reconcile.plans`, :mod:`~sonla.reconcile.statements`).

**Severity** (:mod:`~sonla.reconcile.severity`): proportional to the gap and to what it would
change for a reader. ``none`` for agreement; ``low`` for an explained difference or a gap under
2% (relative distance between what the claims allow: "more than 4,051" against "nearly 4,000" is
1.3%); ``medium`` for a gap from 2% to 10%, or a contradiction whose gap has no common scale;
``high`` for 10% or more. One level up when the gap crosses a line a reader cares about (a stated
target, or 100% for a share); a rule may cap it when the likeliest reading is benign.

**Preferred value**: every finding names the claim whose value it prefers (or a derived value
when no claim states one); for a claim that belongs to a cell of ``indicators.csv`` the cell's
preferred value is written (the preference policy of :mod:`~sonla.reconcile.preference`), so the
two tables never disagree about a cell.

**Confidence**: start at ``high``; go down one level for each of: a period inferred from the
source date rather than stated with the claim; a claim read from an OCR text layer; a rule that
rests on a reading of the wording rather than on numbers alone (``scope_difference``,
``implied_baseline``, ``implied_denominator``, ``projection_plausibility``, ``restated_figure``,
``target_outcome``, ``scale_outlier``); never below ``low``.

Results are compared with results, estimates with estimates and plans with plans; an estimate
meets a later result, and a plan the results, only in the rules made for that. Copies of one
document (same ``document_id``) are one document: a claim seen in both copies is one claim seen
twice and never counts as agreement between sources.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from ..extract.claims import concept_of
from ..schema import FINDING_COLUMNS
from ..sources import Source
from ..text.lexicon import load_labels
from . import between, parts, plans, scale, statements, within
from .finding import finding_id
from .indicators import cell_values
from .params import Params
from .prepare import Evidence, prepare
from .rows import Row

__all__ = ["Rule", "RULES", "find_findings", "finish_findings", "statement_roots", "merge_copied",
           "weigh_witnesses",
           "is_flag", "FLAG_STATUSES", "DERIVATIONS", "OPEN"]

# The statuses that flag a finding for a reader (the validity study counts these as flags), and
# the rules whose "unresolved" only says that a derived value cannot be checked.
FLAG_STATUSES = ("contradiction", "unresolved")
DERIVATIONS = ("within:baseline", "within:implied-n")
OPEN = ("within:parts-short", "between:denominator-dated")
# What the agreement of one witness becomes: (kind, status) pairs that turn into "restated".
AGREEMENT = {("consistent", "consistent"), ("rounding", "explained"), ("restated_figure", "consistent"),
             ("every_year", "consistent"), ("estimate_revision", "consistent")}


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
    Rule("parts", parts.check_parts, "reference", ("sum_mismatch",)),
    Rule("percentages", within.check_percentages, "reference", ("consistent", "arithmetic_mismatch")),
    Rule("shares", parts.check_shares, "reference", ("consistent", "arithmetic_mismatch")),
    Rule("implied-denominators", within.find_implied_denominators, "reference", ("implied_denominator",)),
    Rule("implied-baselines", within.find_implied_baselines, "reference", ("implied_baseline",)),
    Rule("baseline-checks", within.check_baselines, "reference", ("implied_baseline", "arithmetic_mismatch")),
    Rule("rates", within.check_rates, "reference", ("consistent", "arithmetic_mismatch")),
    Rule("between-documents", between.compare_documents, "observations",
         ("consistent", "rounding", "restated_figure", "qualifier_conflict", "value_conflict",
          "scope_difference", "denominator_change", "temporal_change")),
    Rule("every-year", plans.check_every_year, "observations", ("every_year",)),
    Rule("targets", plans.check_targets, "observations", ("target_outcome",)),
    Rule("term-end", plans.check_term_end, "observations", ("term_end",)),
    Rule("estimates", plans.check_estimates, "observations", ("estimate_revision",)),
    Rule("stated-totals", statements.check_stated_totals, "observations", ("implied_denominator",)),
    Rule("projections", statements.check_projections, "observations", ("projection_plausibility",)),
    Rule("restated-figures", statements.find_restated_figures, "observations", ("restated_figure",)),
    Rule("scale-outliers", scale.find_scale_outliers, "observations", ("scale_outlier",)),
)


def find_findings(claims: pd.DataFrame, sources: list[Source], params: Params = Params(),
                  prepared: Evidence | None = None, dependence: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every finding the rules produce on ``claims`` (the claims contract) and ``sources``.

    Rows (columns ``FINDING_COLUMNS``) are sorted by kind and finding_id; ids are stable across
    runs. ``prepared`` (from :func:`~sonla.reconcile.prepare.prepare`) saves preparing the claims
    again; ``dependence`` (``dependence.csv``) saves finding the copied passages again. Raises
    ``KeyError`` if a contract column is missing.
    """
    evidence = prepared or prepare(claims, sources, params, dependence=dependence)
    return finish_findings([finding for rule in RULES for finding in rule.check(evidence)], evidence,
                           cell_values(evidence))


def finish_findings(found: list[Row], evidence: Evidence, values: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """The findings table from what the rules found, in the order of :data:`RULES`: findings seen
    through a copy merged, witnesses weighed, the preferred value of each (``values``:
    :func:`~sonla.reconcile.indicators.cell_values`), the flag and the theme; a finding found twice
    kept once (the first); sorted by kind and finding_id. ``evidence`` is read for the twins,
    the observations' ``claim_list``, the copied claims and every claim's document only (the
    findings in parts give it those alone: :mod:`~sonla.reconcile.partitions`)."""
    findings = merge_copied(found, evidence)
    for finding in findings:
        weigh_witnesses(finding, evidence)
        chosen = finding.pop("_preferred", "")
        chosen = evidence.twins.get(chosen, chosen)
        finding["preferred_claim_id"] = chosen
        if chosen in values:
            finding["preferred_value"], finding["preferred_claim_id"] = values[chosen]
        finding["flag"] = is_flag(finding)
    themes = load_labels().indicator_theme
    frame = pd.DataFrame(findings, columns=[c for c in FINDING_COLUMNS if c != "theme"])
    frame["theme"] = [themes.get(concept_of(i.split(";")[0]), "") for i in frame["indicator"]]
    frame = frame.drop_duplicates("finding_id")
    return frame.sort_values(["kind", "finding_id"]).reset_index(drop=True)[FINDING_COLUMNS]


def is_flag(finding: Row) -> bool:
    """Whether a finding flags something for a reader (see the module docstring).

    >>> is_flag({"status": "unresolved", "rule": "within:parts"}), is_flag({"status": "unresolved",
    ...                                                                    "rule": "within:baseline"})
    (True, False)
    """
    return finding["status"] == "contradiction" or (
        finding["status"] == "unresolved" and finding["rule"] not in DERIVATIONS + OPEN)


def statement_roots(evidence: Evidence) -> dict[str, str]:
    """{claim_id: one id for every claim of the same statement}: a claim and its twins in other
    copies, its exact repeats in one document (an observation's ``claim_list``), and the claims at
    its place in passages copied between documents."""
    parent: dict[str, str] = {}

    def root(c: str) -> str:
        parent.setdefault(c, c)
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    def join(a: str, b: str) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for copy, reference in evidence.twins.items():
        join(copy, reference)
    for members in evidence.observations.get("claim_list", []):
        for c in members[1:]:
            join(members[0], c)
    for c, others in evidence.copied.items():
        for other in others:
            join(c, other)
    return {c: root(c) for c in list(parent)}


def merge_copied(findings: list[Row], evidence: Evidence) -> list[Row]:
    """Findings that are one finding seen through a copy, merged: the same rule on claims that
    stand at the same places of a copied passage (a report that copies an appendix repeats its
    arithmetic, and a third document's figure then disagrees with both). The first is kept,
    citing the claims of all of them; its id follows from the merged claims."""
    merged: dict[tuple, Row] = {}
    copies: dict[tuple, set[str]] = {}
    roots = statement_roots(evidence)
    for finding in findings:
        ids = str(finding["claim_ids"]).split(";")
        key = (finding["kind"], finding["rule"], frozenset(roots.get(c, c) for c in ids))
        if key not in merged:
            merged[key], copies[key] = dict(finding), set()
            continue
        kept = merged[key]
        joined = sorted(set(str(kept["claim_ids"]).split(";")) | set(ids))
        kept["claim_ids"] = ";".join(joined)
        kept["finding_id"] = finding_id(kept["kind"], joined)
        sources = set(str(kept["sources"]).split(";")) | set(str(finding["sources"]).split(";"))
        kept["sources"] = ";".join(sorted(sources))
        copies[key].update(set(str(finding["sources"]).split(";")))
    out = []
    for key, finding in merged.items():
        if copies[key]:
            finding["explanation"] = (
                f"{finding['explanation']} The same finding stands in a passage copied between documents "
                f"({', '.join(sorted(set(str(finding['sources']).split(';'))))}): it is reported once.")
        out.append(finding)
    return out


def weigh_witnesses(finding: Row, evidence: Evidence) -> None:
    """Set the finding's ``independent_sources``; agreement of documents that rests on one witness
    becomes ``restated`` (severity none), with the reason added to the explanation."""
    ids = str(finding["claim_ids"]).split(";")
    witnesses = evidence.witnesses(ids)
    finding["independent_sources"] = witnesses
    documents = sorted({evidence.document_of.get(c, c) for c in ids})
    if witnesses == 1 and len(documents) > 1 and (finding["kind"], finding["status"]) in AGREEMENT:
        finding["status"], finding["severity"] = "restated", "none"
        finding["explanation"] = (
            f"{finding['explanation']} The documents ({', '.join(documents)}) share this passage word for "
            "word (dependence.csv): the agreement rests on one witness — a restatement, not a confirmation.")
