"""An executed notebook made ready to publish, and what a failing one is called.

Papermill hands back a notebook with run-specific metadata (timings, a random id for the
injected-parameters cell); :func:`strip_volatile` removes it so that two runs give identical bytes,
and hides the injected parameters from readers. :func:`set_title` gives a run's page its title and
:func:`fill_figure_names` its figures unique labels. :func:`failed_cell` names the template cell
that raised; :func:`kernel_stderr_filtered` keeps the kernels' known harmless noise off the
terminal. Used by :mod:`sonla.build.runner`.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
from pathlib import Path

from .markup import escape_markdown

__all__ = ["HIDDEN_TAGS", "set_title", "fill_figure_names", "strip_volatile", "failed_cell",
           "KERNEL_NOISE", "kernel_stderr_filtered"]

HIDDEN_TAGS = ("remove-cell",)


def set_title(nb, title: str) -> None:
    """Replace the first ``# `` heading of the notebook with ``# {title}`` (markup escaped)."""
    title = escape_markdown(title)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            lines = cell.source.split("\n")
            for i, line in enumerate(lines):
                if line.startswith("# "):
                    lines[i] = f"# {title}"
                    cell.source = "\n".join(lines)
                    return


def fill_figure_names(nb, parameters: dict) -> None:
    """Fill ``{parameter}`` placeholders in figure labels, so each run's labels are unique.

    A template executed once per source labels its figures ``fig-x-{source_id}``.
    """
    for cell in nb.cells:
        figure = cell.metadata.get("mystnb", {}).get("figure", {})
        if "name" in figure:
            figure["name"] = figure["name"].format(**parameters)


def strip_volatile(nb) -> None:
    """Remove timings and other run-specific metadata, hide the injected parameters."""
    papermill_meta = nb.metadata.get("papermill", {})
    nb.metadata["papermill"] = {k: papermill_meta[k] for k in ("parameters",) if k in papermill_meta}
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags:
            cell["id"] = "injected-parameters"  # papermill draws a random id
        if "injected-parameters" in tags or "parameters" in tags:
            cell.metadata["tags"] = sorted(set(tags) | set(HIDDEN_TAGS))


def failed_cell(template: Path, source: str, index: int) -> str:
    """Name the template cell that raised: its index in the template, id and first line.

    Papermill's index counts the injected-parameters cell; the template's does not,
    so the cell is found by its source.
    """
    import nbformat

    cells = nbformat.read(template, as_version=4).cells
    for number, cell in enumerate(cells):
        if cell.cell_type == "code" and cell.source == source:
            index, cell_id = number, cell.get("id", "?")
            break
    else:
        cell_id = "?"
    first = next((line for line in source.splitlines() if line.strip()), "").strip()
    return f"cell {index} (id {cell_id}: `{first[:60]}`)"


# Printed by every ipykernel 7 started over loopback TCP (see TOOLCHAIN.md), and by a kernel that
# jupyter_client interrupts while shutting it down after the last cell: harmless, and noise.
KERNEL_NOISE = re.compile(r"Kernel is running over TCP without encryption|KeyboardInterrupt caught in kernel")


@contextlib.contextmanager
def kernel_stderr_filtered():
    """Collect what kernels write to stderr (file descriptor 2) and pass it on without known noise."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as capture:
        os.dup2(capture.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            capture.seek(0)
            lines = capture.read().decode("utf-8", errors="replace").splitlines(keepends=True)
            kept = "".join(line for line in lines if not KERNEL_NOISE.search(line))
            if kept.strip():
                sys.stderr.write(kept)
                sys.stderr.flush()
