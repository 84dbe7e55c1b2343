"""Reconcile: findings between and within sources, and one preferred value per indicator.

Reads ``claims.csv`` (the claims contract) and the verified sources; writes ``findings.csv`` and
``indicators.csv`` (the stage ``findings``).
"""
