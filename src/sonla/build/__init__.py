"""Build: the book from the processed data — executed chapters, reader pages, the HTML's inputs.

Reads ``notebooks/`` (templates and ``runs.yml``), ``data/processed/`` and the manifest; writes
``book/`` (executed chapters, ``build-manifest.json``, the reader pages ``book/sources/*.md``) and
the stamp of the HTML in ``_build/``. Also the Sphinx extension the HTML build loads.
"""
