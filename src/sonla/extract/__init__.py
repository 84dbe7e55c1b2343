"""Extract: one verified source in, its rows out — a pure function of one source.

Reads a :class:`~sonla.sources.Source` and the compiled rules (:mod:`sonla.text`); writes the
rows of ``source_profiles.csv`` and ``claims.csv`` (the stages ``profiles`` and ``claims``).
"""
