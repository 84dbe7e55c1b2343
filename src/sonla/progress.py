"""Progress of long commands on a terminal: which stage runs, which source it is at.

A command turns reporting on with :func:`reporting` (``sonla data`` does, unless ``--quiet``);
the pipeline announces each stage with :func:`stage` and a stage that works source by source
iterates with :func:`each`. The report is one line on standard error, rewritten in place
(``data: stage 2/5 claims · source 1,204/5,000 (report-x0042) · 41 s``), at most a few times a
second. When standard error is not a terminal (a log, CI, a test), or nothing turned reporting
on, nothing is printed and :func:`each` is a plain loop: progress never reaches a log file.
"""

from __future__ import annotations

import contextvars
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TextIO, TypeVar

__all__ = ["Reporter", "reporting", "stage", "each"]

T = TypeVar("T")
INTERVAL = 0.2  # seconds between two rewrites of the line


class Reporter:
    """Writes the progress line to ``stream`` (see the module docstring)."""

    def __init__(self, stream: TextIO, prefix: str = "") -> None:
        self.stream = stream
        self.prefix = prefix
        self.started = time.monotonic()
        self.stage_text = ""
        self.last = 0.0
        self.width = 0

    def show(self, detail: str = "", force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < INTERVAL:
            return
        self.last = now
        parts = [p for p in (self.prefix, self.stage_text, detail) if p]
        line = " · ".join(parts) + f" · {now - self.started:.0f} s"
        self.stream.write("\r" + line.ljust(self.width))
        self.stream.flush()
        self.width = len(line)

    def clear(self) -> None:
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0


_CURRENT: contextvars.ContextVar[Reporter | None] = contextvars.ContextVar("sonla_progress", default=None)


@contextmanager
def reporting(prefix: str, enabled: bool = True, stream: TextIO | None = None) -> Iterator[Reporter | None]:
    """Report progress within the block when ``enabled`` and ``stream`` (stderr) is a terminal."""
    stream = stream or sys.stderr
    on = enabled and hasattr(stream, "isatty") and stream.isatty()
    reporter = Reporter(stream, prefix) if on else None
    token = _CURRENT.set(reporter)
    try:
        yield reporter
    finally:
        if reporter:
            reporter.clear()
        _CURRENT.reset(token)


@contextmanager
def stage(name: str, number: int, total: int) -> Iterator[None]:
    """Announce stage ``number`` of ``total`` while the block runs."""
    reporter = _CURRENT.get()
    if reporter:
        reporter.stage_text = f"stage {number}/{total} {name}"
        reporter.show(force=True)
    try:
        yield
    finally:
        if reporter:
            reporter.stage_text = ""


def each(items: Iterable[T], what: str = "source", label: Callable[[T], str] | None = None) -> Iterator[T]:
    """Iterate over ``items``, showing ``what n/total (label)`` while reporting is on.

    >>> list(each([1, 2, 3]))  # nothing turned reporting on: a plain loop
    [1, 2, 3]
    """
    reporter = _CURRENT.get()
    if reporter is None:
        yield from items
        return
    items = list(items)
    for number, item in enumerate(items, start=1):
        name = f" ({label(item)})" if label else ""
        reporter.show(f"{what} {number:,}/{len(items):,}{name}", force=number == 1)
        yield item
