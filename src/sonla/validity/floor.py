"""The published accuracy floor: ``tests/validity/accuracy_floor.csv``.

``python -m sonla.validity.floor`` copies the current ``reading_accuracy.csv`` into the floor —
run it (and commit the floor) only after a deliberate change of the reading, saying why in the
commit message. The test suite fails when a field falls below its floor by more than one
annotated number's worth.
"""

from __future__ import annotations

import sys

import pandas as pd

from .. import config
from ..io import write_bytes_atomic

__all__ = ["FLOOR", "below_floor", "main"]

FLOOR = config.ROOT / "tests" / "validity" / "accuracy_floor.csv"


def below_floor(current: pd.DataFrame, floor: pd.DataFrame, corpus: str, field: str) -> str | None:
    """A message if ``field`` of ``corpus`` fell below its floor by more than 1/n, else None."""
    now = current[(current.corpus == corpus) & (current.field == field)]
    was = floor[(floor.corpus == corpus) & (floor.field == field)].iloc[0]
    if now.empty:
        return f"{corpus}/{field}: no longer measured (published {was.accuracy:.4f})"
    row = now.iloc[0]
    if row.accuracy < was.accuracy - 1 / max(int(row.n), 1) - 1e-9:
        return (f"{corpus}/{field}: accuracy {row.accuracy:.4f} ({row.correct}/{row.n}) is below the "
                f"published {was.accuracy:.4f} by more than one annotated number")
    return None


def main() -> int:
    current = pd.read_csv(config.PROCESSED_DIR / "reading_accuracy.csv")
    columns = ["corpus", "field", "n", "correct", "accuracy"]
    write_bytes_atomic(FLOOR, current[columns].to_csv(index=False, lineterminator="\n").encode("utf-8"))
    print(f"accuracy floor written to {FLOOR}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
