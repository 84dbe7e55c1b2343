"""Copies of one document: which sources are copies, and which is the reference (sonla.fidelity.copies)."""

from __future__ import annotations

from fidelity_cases import copy_source

from sonla.fidelity.copies import copy_groups, copy_pairs, reference_ids


def test_a_lone_source_makes_no_pair():
    lone = [copy_source("a", "Sơn La", "clean", "a"), copy_source("b", "Sơn La", "ocr", "b")]
    assert copy_pairs(lone) == []


def test_reference_is_the_copy_that_is_not_ocr():
    ocr, pdf = copy_source("scan", "Son La", "ocr"), copy_source("pdf", "Sơn La", "pdf-text")
    assert [(r.source_id, c.source_id) for r, c in copy_pairs([ocr, pdf])] == [("pdf", "scan")]


def test_the_best_text_layer_is_the_reference_whatever_the_manifest_order():
    scan, pdf, clean = (copy_source("scan", "x", "ocr"), copy_source("pdf", "x", "pdf-text"),
                        copy_source("clean", "x", "clean"))
    (group,) = copy_groups([scan, pdf, clean])
    assert group.reference.source_id == "clean"
    assert [c.source_id for c in group.copies] == ["pdf", "scan"]
    assert reference_ids([scan, pdf, clean, copy_source("lone", "x", "ocr", "other")]) == {"clean", "lone"}


def test_a_tie_goes_to_manifest_order():
    first, second = copy_source("first", "x", "pdf-text"), copy_source("second", "x", "pdf-text")
    assert copy_pairs([first, second]) == [(first, second)]
