"""Draw the BLIND annotation sheet for the findings validity study (data/annotations/).

Each row of the sheet is one *comparison*: a set of claims, shown only as a reader of the sources
sees them — each claim's id, its source (title and date) and the raw text around it with the
number marked ``⟦…⟧``. The sheet never shows a rule's kind, status, severity, preferred value or
explanation, nor whether a rule made the comparison at all. The annotator writes, for every row,
``inconsistent`` (yes: the claims cannot all be true as the texts state them; no: they can) and a
``note``; the pipeline's ``validity`` stage (:mod:`sonla.reconcile.accuracy`) scores the rules
against that coding.

Sampling procedure (fixed seed :data:`SEED`, so the same data give the same sheet):

1. **Every finding** of ``data/processed/findings.csv``, whatever its status, as the set of its
   claim ids.
2. **Candidate comparisons no finding contains**, from the quantity claims of ``claims.csv``
   (each document read in its reference copy; claims that are one statement — twins in another
   copy — never paired with each other), in two strata, :data:`PER_STRATUM` each:

   * ``passage`` — two claims with the same unit in the same passage (paragraph) of a source;
   * ``indicator`` — two claims with the same indicator, place and unit in different documents.

   A pair is a candidate when no finding cites both of its claims. Within a stratum the
   candidates are sorted by their key and drawn with ``random.Random(SEED).sample``. A drawn pair
   is shown with the twins of its claims in the other copies of their documents, as a finding
   cites them, so that the rows look alike.
3. The findings and the candidates are shuffled together (same seed) and numbered; the key of a
   row is its claim ids sorted and joined by ``;`` (the ``comparison`` column of the annotation).

Residual cue, documented for the reader of the study: a comparison of three or more claims of
three or more documents comes from a finding (candidates are pairs, with their twins), though
findings of every status have that many.

Usage (from the project root, inside .venv): ``python scripts/findings_sheet.py OUT.csv``.
"""

from __future__ import annotations

import argparse
import random
import sys
from itertools import combinations
from pathlib import Path

import pandas as pd

from sonla import config
from sonla.errors import SonlaError
from sonla.fidelity.copies import reference_ids
from sonla.reconcile.parts import passage_starts, passages_of
from sonla.reconcile.prepare import copy_twins
from sonla.sources import Source, load_sources
from sonla.text.lexicon import rule_file

SEED = 20261204
PER_STRATUM = 25
CONTEXT = 220  # characters of raw text shown on each side of a claim
SHEET_COLUMNS = ["item", "comparison", "n_claims", "claims", "inconsistent", "note"]


def marked_context(source: Source, start: int, end: int, reach: int = CONTEXT) -> str:
    """The raw text around a claim with the claim marked ``⟦…⟧``, white space collapsed.

    >>> from sonla.sources import Source
    >>> s = Source("s", "s.txt", "0" * 64, "t", "t", "news", "x", "2025", "vi", "clean", "s", "",
    ...            "Tỷ lệ đô thị hóa đạt 70,5%\\ntrong năm.")
    >>> marked_context(s, 21, 26)
    'Tỷ lệ đô thị hóa đạt ⟦70,5%⟧ trong năm.'
    """
    text = source.text
    lo, hi = max(0, start - reach), min(len(text), end + reach)
    piece = (("…" if lo else "") + text[lo:start] + "⟦" + text[start:end] + "⟧" + text[end:hi]
             + ("…" if hi < len(text) else ""))
    return " ".join(piece.split())


def describe_claims(ids: list[str], claims: pd.DataFrame, sources: dict[str, Source]) -> str:
    """Each claim of a comparison as the annotator sees it: id, source title and date, context."""
    blocks = []
    for cid in ids:
        row = claims.loc[cid]
        source = sources[row["source_id"]]
        blocks.append(f"[{cid}] {source.title_en} ({source.kind}, dated {source.date}):\n"
                      f"{marked_context(source, int(row['start']), int(row['end']))}")
    return "\n\n".join(blocks)


def _pairs_in_findings(findings: pd.DataFrame) -> set[frozenset[str]]:
    cited: set[frozenset[str]] = set()
    for ids in findings["claim_ids"]:
        members = sorted(set(str(ids).split(";")))
        cited.update(frozenset(p) for p in combinations(members, 2))
    return cited


def candidates(claims: pd.DataFrame, findings: pd.DataFrame, sources: list[Source]) -> dict[str, list[str]]:
    """The candidate comparisons of each stratum (keys, sorted), none of them inside a finding."""
    refs = reference_ids(sources)
    meta = {s.source_id: s for s in sources}
    q = claims[(claims["kind"] == "quantity") & claims["source_id"].isin(refs)].copy()
    q = q[pd.to_numeric(q["value"], errors="coerce").notna()]
    for column in ("unit", "indicator", "geography"):
        q[column] = q[column].fillna("").astype(str)
    q["start"] = q["start"].astype(int)
    cited = _pairs_in_findings(findings)
    words = rule_file("findings.yaml")
    passage: set[str] = set()
    for source_id, group in q.sort_values(["source_id", "start"]).groupby("source_id"):
        rows = group.to_dict("records")
        for members in passages_of(rows, passage_starts(meta[source_id], words["list_starts"])):
            for a, b in combinations(members, 2):
                if a["unit"] == b["unit"] and frozenset((a["claim_id"], b["claim_id"])) not in cited:
                    passage.add(";".join(sorted((a["claim_id"], b["claim_id"]))))
    indicator: set[str] = set()
    q["document_id"] = q["source_id"].map(lambda s: meta[s].document_id)
    keyed = q[q["indicator"] != ""]
    for _, group in keyed.groupby(["indicator", "geography", "unit"]):
        rows = group.to_dict("records")
        for a, b in combinations(rows, 2):
            pair = frozenset((a["claim_id"], b["claim_id"]))
            if a["document_id"] != b["document_id"] and pair not in cited:
                indicator.add(";".join(sorted((a["claim_id"], b["claim_id"]))))
    return {"passage": sorted(passage), "indicator": sorted(indicator - passage)}


def draw_sheet(claims: pd.DataFrame, findings: pd.DataFrame, sources: list[Source],
               per_stratum: int = PER_STRATUM, seed: int = SEED) -> pd.DataFrame:
    """The blind sheet (columns :data:`SHEET_COLUMNS`): every finding and the sampled candidates."""
    rng = random.Random(seed)
    keys = sorted({";".join(sorted(set(str(ids).split(";")))) for ids in findings["claim_ids"]})
    twins_of: dict[str, list[str]] = {}
    for copy, reference in copy_twins(claims, sources).items():
        twins_of.setdefault(reference, []).append(copy)
    for pool in candidates(claims, findings, sources).values():
        chosen = rng.sample(pool, min(per_stratum, len(pool)))
        for pair in sorted(chosen):
            ids = pair.split(";")
            key = ";".join(sorted({*ids, *(t for c in ids for t in twins_of.get(c, []))}))
            if key not in keys:
                keys.append(key)
    rng.shuffle(keys)
    by_id = claims.set_index("claim_id")
    meta = {s.source_id: s for s in sources}
    rows = [{"item": n, "comparison": key, "n_claims": len(key.split(";")),
             "claims": describe_claims(key.split(";"), by_id, meta), "inconsistent": "", "note": ""}
            for n, key in enumerate(keys, start=1)]
    return pd.DataFrame(rows, columns=SHEET_COLUMNS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Draw the blind sheet of the findings validity study.")
    parser.add_argument("out", type=Path, help="where to write the sheet (CSV)")
    parser.add_argument("--per-stratum", type=int, default=PER_STRATUM, help="candidates drawn per stratum")
    args = parser.parse_args(argv)
    try:
        claims = pd.read_csv(config.PROCESSED_DIR / "claims.csv", keep_default_na=False, na_values=[""])
        findings = pd.read_csv(config.PROCESSED_DIR / "findings.csv", keep_default_na=False)
        sheet = draw_sheet(claims, findings, load_sources(), args.per_stratum)
    except (SonlaError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    sheet.to_csv(args.out, index=False, lineterminator="\n")
    flagged = len(findings)
    print(f"findings sheet: {len(sheet)} comparisons ({flagged} findings, {len(sheet) - flagged} candidates) "
          f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
