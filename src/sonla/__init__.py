"""sonla: the package behind the Sơn La reproducible research book.

Subpackages named by the pipeline's stages, in the order the data flows (each imports only the
ones before it): :mod:`sonla.text` (folding, Vietnamese numbers, the rules), :mod:`sonla.extract`
(one source → its profile and claims), :mod:`sonla.fidelity` (copies of one document aligned and
measured), :mod:`sonla.reconcile` (findings and indicators); then :mod:`sonla.datapackage` (the last
stage) and :mod:`sonla.pipeline` (the stages in order); :mod:`sonla.build` (the book) and
:mod:`sonla.chapters` (what the chapters call) read the results. Below them all: paths
(:mod:`sonla.config`), the verified sources (:mod:`sonla.sources`) and the columns of every
published table (:mod:`sonla.schema`), the published record as one set (:mod:`sonla.publish`) and
the shared error handler (:mod:`sonla.console`). The ``sonla`` command (:mod:`sonla.cli`) runs
everything: ``sonla verify`` verifies the raw data, ``sonla data`` builds ``data/processed/``.
"""

__version__ = "0.1.0"
