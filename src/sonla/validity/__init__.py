"""How far the pipeline can be trusted: its readings measured against hand annotation.

Reads the hand annotations in ``data/annotations/`` (never written by the pipeline) and the
published claims; writes ``reading_accuracy.csv`` (accuracy per field, with Wilson intervals,
for the five sources and for held-out texts) and ``reading_comparison.csv`` (every annotated
claim with both readings).
"""
