"""Copies of one document: which sources are copies, and which copy is the reference.

The manifest declares copies by a shared ``document_id`` (today the PDF text layer and the OCR
scan of the city appendix). The *reference* of a document is its copy with the best text
layer (:data:`LAYER_RANK`: clean, then pdf-text, then ocr; ties go to manifest order); every
other copy is compared with it. This is the one place that decides it, for the alignment of
the texts (:mod:`sonla.fidelity`), the matching of their claims (:mod:`sonla.reconcile`) and
the claim statistics of the chapters.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..sources import Source

__all__ = ["LAYER_RANK", "CopyGroup", "copy_groups", "copy_pairs", "reference_ids"]

# Ranking of text layers: the better layer is the reference (and gives the preferred value).
LAYER_RANK = {"clean": 0, "pdf-text": 1, "ocr": 2}


@dataclass(frozen=True)
class CopyGroup:
    """The sources of one document: its reference and the other copies (best layer first)."""

    document_id: str
    reference: Source
    copies: tuple[Source, ...]


def _documents(sources: list[Source]) -> dict[str, list[Source]]:
    """Sources by ``document_id``, documents in order of first appearance, each best layer first."""
    by_document: dict[str, list[Source]] = {}
    for source in sources:
        by_document.setdefault(source.document_id, []).append(source)
    return {doc: sorted(members, key=lambda s: LAYER_RANK.get(s.text_layer, 9))
            for doc, members in by_document.items()}


def copy_groups(sources: list[Source]) -> list[CopyGroup]:
    """Every document that has more than one copy, in manifest order.

    >>> from sonla.sources import load_sources
    >>> [(g.document_id, g.reference.source_id, [c.source_id for c in g.copies])
    ...  for g in copy_groups(load_sources())]
    [('city-appendix-2025', 'appendix-pdf', ['appendix-ocr'])]
    """
    return [CopyGroup(doc, members[0], tuple(members[1:]))
            for doc, members in _documents(sources).items() if len(members) > 1]


def copy_pairs(sources: list[Source]) -> list[tuple[Source, Source]]:
    """(reference, copy) for every copy of a document declared in the manifest."""
    return [(group.reference, copy) for group in copy_groups(sources) for copy in group.copies]


def reference_ids(sources: list[Source]) -> set[str]:
    """The source id of every document's reference (a document with one copy is its own)."""
    return {members[0].source_id for members in _documents(sources).values()}
