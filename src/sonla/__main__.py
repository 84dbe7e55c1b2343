"""``python -m sonla``: the ``sonla`` command (:mod:`sonla.cli`) with this Python.

The Makefile runs it this way: a console script's first line names the Python of the
environment it was installed in, which is the wrong one in a copied project.
"""

from .cli import main
from .console import exit_status

raise SystemExit(exit_status(main()))
