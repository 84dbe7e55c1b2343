"""Reconcile: findings between and within sources, and one preferred value per indicator.

Reads ``claims.csv`` (the claims contract), ``dependence.csv`` and the verified sources; writes
``findings.csv`` and ``indicators.csv`` (the stage ``findings``), and, from the blind coding
``data/annotations/findings.csv``, ``findings_accuracy.csv`` (the stage ``validity``).
"""
