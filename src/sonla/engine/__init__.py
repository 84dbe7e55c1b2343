"""The Dask engine: the pipeline's stages as tasks on a cluster, the serial engine's bytes.

Reads ``data/raw/`` (on the workers) and the stages of :mod:`sonla.pipeline`; writes nothing
itself: it returns every output's bytes for :func:`sonla.pipeline.run_pipeline` to write.
:mod:`~sonla.engine.cluster` runs the stages (the client side), :mod:`~sonla.engine.tasks` is
what the workers run, :mod:`~sonla.engine.slices` encodes parts of the outputs and puts them
together. Dask is imported only inside functions of this subpackage, when its engine runs.
"""
