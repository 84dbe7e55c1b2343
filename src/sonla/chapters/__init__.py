"""Chapters: what the chapter templates call — tables, figures and views of the published data.

Reads ``data/processed/``, ``data/bench/``, the manifest and the rule files; writes nothing
(returns frames, HTML and figures for the executed chapters to show).
"""
