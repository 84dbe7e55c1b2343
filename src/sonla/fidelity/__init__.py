"""Fidelity: copies of one document (sources sharing a ``document_id``) aligned and measured.

Reads the verified sources; writes ``ocr_alignment.csv``, ``ocr_metrics.csv``,
``ocr_error_classes.csv``, ``ocr_numbers.csv``, ``ocr_footnotes.csv``, ``ocr_repeats.csv`` and
``<source_id>.repaired.txt`` (the stage ``alignment``), and ``dependence.csv``: the passages one
document copies from another (the stage ``dependence``).
"""
