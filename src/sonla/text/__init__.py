"""Text: what the pipeline knows about Vietnamese text, before any source is read.

Reads the rule files in ``src/sonla/rules/`` (YAML); writes nothing. Folding (one family of
offset-keeping and collapsing folds), Vietnamese numbers as written, and the compiled rules.
"""
