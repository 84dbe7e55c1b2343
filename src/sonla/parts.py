"""How a stage splits into parts, for an engine that spreads the work (:mod:`sonla.engine`).

A stage (:class:`sonla.pipeline.Stage`) is a function of the verified sources and of the
earlier outputs it reads. Most of that work concerns one source or one document at a time; a
:class:`Split` says so, and an engine may then run the stage as many tasks, on as many workers,
and merge what they return into outputs byte-identical to the serial run's. A stage without a
split runs whole, once, on everything (correct, but not spread).

``unit`` — what one part covers:

* :data:`SOURCE`: one source. The stage's ``run`` is called with ``[source]`` and, for each
  output it reads, the rows of that source; each of its tables over the corpus is the tables
  of the parts one after another, in manifest order (``run(all) == concat(run(each))``).
* :data:`DOCUMENT`: whole documents — every copy of each (the sources sharing a
  ``document_id``), in manifest order; an engine may give the stage one document or a batch of
  consecutive documents (in the order of their first copy in the manifest) at once, so the
  stage's tables over the corpus are its tables on the batches one after another. A stage that
  compares copies (alignment) or looks inside one document at a time is per document.
* :data:`ROWS`: the stage checks the rows of the published tables it reads, whatever slices they
  come in (the data package's validation); an engine runs it on each slice where the slice is
  encoded, then its ``gather`` on the whole outputs to collect its own outputs. What no slice
  can see — a primary key repeated in two slices — the engine checks itself.

``run_part``, if given, is what runs on one part instead of ``run`` (the data package's stage
remembers the digests of what it validated in a whole build; a check of one slice must not);
``gather``, for a :data:`ROWS` stage, makes the stage's own outputs from the whole published
outputs once every slice has been checked (the data package's descriptor, with every file's
hash), without checking them again.

``reads``, if given, names the outputs the parts read, when they are fewer than the stage's
``reads``: the rest is given to ``combine`` only (the findings read ``dependence.csv`` only
to merge and weigh what the parts found).

``across`` — for a stage that also compares units (reconciliation compares documents), an
:class:`Across` partitioned by what it compares (never all pairs of the corpus):
``per_unit(sources, inputs)`` runs on each unit (as ``run`` would, on that unit alone) and
returns a *piece*; ``partition(piece, n)`` returns what the combination keeps of the piece and
the piece cut into ``n`` parts by the key the comparison needs (the reconciliation cuts by
concept); ``share(kept, sources, inputs, text_of, n)``, if given, runs on the client once every
unit is done and returns what every partition is given besides its parts (``shared``: the
reconciliation's copied claims) and the partitions grouped into tasks (partitions that must be
compared together); ``across(parts, sources, shared)`` compares what the pieces hold for one
task's partitions (``parts`` in the order of the units); and
``combine(kept, crossed, sources, inputs, shared)`` merges everything into the stage's outputs
(sorted as ``run`` sorts them). ``sources`` there is the manifest without the texts (text
``""``); ``inputs`` holds the outputs the stage reads beyond its parts' ``reads``, and
``text_of(source_id)`` reads and verifies one source, for the few the client needs.

The contract an engine relies on, checked by ``tests/engine/test_cluster.py`` on the five
sources and a synthetic corpus: whatever the units, partitions and order of completion, the
bytes written are those of the serial run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["SOURCE", "DOCUMENT", "ROWS", "Split", "Across"]

SOURCE = "source"
DOCUMENT = "document"
ROWS = "rows"
UNITS = (SOURCE, DOCUMENT, ROWS)


@dataclass(frozen=True)
class Across:
    """The part of a stage that compares units: per unit, then per partition, then combined."""

    per_unit: Callable[[list[Any], dict[str, object]], Any]
    partition: Callable[[Any, int], tuple[Any, list[Any]]]
    across: Callable[[list[Any], list[Any], Any], Any]
    combine: Callable[[list[Any], list[Any], list[Any], dict[str, object], Any], dict[str, object]]
    share: Callable[[list[Any], list[Any], dict[str, object], Callable[[str], Any], int],
                    tuple[Any, list[list[int]]]] | None = None


@dataclass(frozen=True)
class Split:
    """How a stage splits: its unit of work and, if it compares units, how (see the module)."""

    unit: str = SOURCE
    across: Across | None = None
    # What runs on one part instead of the stage's ``run`` (same signature), when they differ: the
    # data package's stage remembers what it validated, the check of a slice must not.
    run_part: Callable[[list[Any], dict[str, object]], dict[str, object]] | None = None
    # For a ROWS stage: its own outputs from the whole published outputs, every slice checked.
    gather: Callable[[list[Any], dict[str, object]], dict[str, object]] | None = None
    # What the parts read, when it is less than the stage reads (the rest goes to ``combine``).
    reads: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unit must be one of {', '.join(UNITS)}, not {self.unit!r}")
