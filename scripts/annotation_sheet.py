"""Draw the blind annotation sheet for the reading validity study (data/annotations/).

The sheet shows an annotator only what a reader of the source sees: the claim's position,
its text, and the raw text around it with the number marked ``⟦…⟧``. It never shows how the
pipeline read the claim (frame, unit, indicator, period, geography): annotations are made
from the source sentence, not checked against the code.

Sampling procedure (documented in data/annotations/CODEBOOK.md):

1. The population is every claim of kind ``quantity`` in ``data/processed/claims.csv``
   (positions only are used).
2. Each claim gets a *cue stratum* from the raw text of its clause (from the previous ``;``,
   ``:`` or sentence start to the number), by keywords only: ``target`` (phấn đấu, mục tiêu,
   chỉ tiêu, kế hoạch, đến năm), ``estimate`` (ước, dự kiến), ``change`` (tăng, giảm, vượt,
   gấp, so với), else ``other``. The strata exist only so that rare frames are sampled
   often enough; they are not a reading of the claim.
3. Within each source × stratum, claims are drawn at random (seed 20261203) up to the quota
   of the source (``QUOTAS``), allocating the quota over strata with a minimum per stratum.

Usage: ``python scripts/annotation_sheet.py OUT.csv`` (from the project root).
"""

from __future__ import annotations

import csv
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = 20261203
QUOTAS = {"report": 150, "appendix-pdf": 70, "appendix-ocr": 45, "news-2024": 75, "news-congress-2025": 19}
MIN_PER_STRATUM = 12
CUES = {
    "target": r"phấn đấu|phan dau|mục tiêu|muc tieu|chỉ tiêu|chi tieu|kế hoạch|ke hoach|đến năm|den nam",
    "estimate": r"\bước\b|\buoc\b|dự kiến|du kien",
    "change": r"\btăng\b|\btang\b|\bgiảm\b|\bgiam\b|\bvượt\b|\bvuot\b|\bgấp\b|\bgap\b|so với|so voi",
}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def clause_before(text: str, start: int) -> str:
    window = text[max(0, start - 300):start]
    cut = max(window.rfind(";"), window.rfind(":"), window.rfind(". "), window.rfind("\n\n"))
    return window[cut + 1:]


def stratum(text: str, start: int) -> str:
    clause = clause_before(text, start).lower()
    for name, pattern in CUES.items():
        if re.search(pattern, clause):
            return name
    return "other"


def context(text: str, start: int, end: int, before: int = 600, after: int = 250) -> str:
    lo, hi = max(0, start - before), min(len(text), end + after)
    snippet = f"{text[lo:start]}⟦{text[start:end]}⟧{text[end:hi]}"
    return re.sub(r"\s+", " ", snippet).strip()


def main(out: str) -> int:
    manifest = {r["source_id"]: r for r in read_csv(ROOT / "data/raw/sources.csv")}
    texts = {sid: (ROOT / "data/raw" / r["file"]).read_text(encoding="utf-8") for sid, r in manifest.items()}
    claims = [r for r in read_csv(ROOT / "data/processed/claims.csv") if r["kind"] == "quantity"]
    rng = random.Random(SEED)
    chosen = []
    for source_id, quota in QUOTAS.items():
        rows = [r for r in claims if r["source_id"] == source_id]
        strata: dict[str, list[dict]] = {}
        for r in rows:
            strata.setdefault(stratum(texts[source_id], int(r["start"])), []).append(r)
        # Every stratum gets at least MIN_PER_STRATUM (or all it has); the rest in proportion.
        take = {s: min(len(v), MIN_PER_STRATUM) for s, v in strata.items()}
        rest = quota - sum(take.values())
        left = {s: len(v) - take[s] for s, v in strata.items()}
        total_left = sum(left.values())
        for s in sorted(strata):
            if total_left and rest > 0:
                take[s] += min(left[s], round(rest * left[s] / total_left))
        for s in sorted(strata):
            picked = rng.sample(strata[s], min(take[s], len(strata[s])))
            chosen += [(r, s) for r in picked]
    chosen.sort(key=lambda rs: (list(QUOTAS).index(rs[0]["source_id"]), int(rs[0]["start"])))
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["item", "source_id", "source_kind", "source_date", "raw_file", "start", "end",
                         "text", "stratum", "context"])
        for i, (r, s) in enumerate(chosen, start=1):
            src = manifest[r["source_id"]]
            writer.writerow([i, r["source_id"], src["kind"], src["date"], f"data/raw/{src['file']}",
                             r["start"], r["end"], r["text"], s,
                             context(texts[r["source_id"]], int(r["start"]), int(r["end"]))])
    print(f"{len(chosen)} claims written to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
