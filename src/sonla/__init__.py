"""sonla: the package behind the Sơn La reproducible research book.

One module per pipeline stage, each runnable on its own with default paths from
:mod:`sonla.config` (for example ``python -m sonla.sources`` verifies the raw data).
"""

__version__ = "0.1.0"
