"""The one error handler of every command: ``sonla <command>`` and ``python -m sonla.<module>``.

:func:`run_command` checks that the project root and the running package belong together
(:func:`sonla.config.check_install`), runs a command's ``main(argv)`` and turns what it raises
into an exit status and one line on standard error:

* a problem the user can fix — :class:`~sonla.errors.SonlaError` (a bad manifest row, a changed
  raw file, a failed notebook, an unknown option: :class:`ArgumentParser` raises it),
  :class:`~sonla.config.ProjectRootError` or an
  :class:`OSError` (a read-only or full disk, a missing folder) — prints ``error: <message>``
  naming the file, row or parameter, without a traceback, and exits with status 1;
* an interrupt (Ctrl-C) prints ``error: interrupted`` and exits with status 130;
* anything else is a bug: the traceback is printed, then a last line
  ``error: unexpected <Type>: <message> …``, and the status is 1.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import traceback
from collections.abc import Callable, Sequence

from . import config
from .errors import SonlaError

__all__ = ["run_command", "exit_status", "error_line", "ArgumentParser"]


class ArgumentParser(argparse.ArgumentParser):
    """argparse, whose usage errors end like every other error: one line, exit status 1."""

    def error(self, message: str):  # type: ignore[override]
        raise SonlaError(f"{self.prog}: {message} (see `{self.prog} --help`)")


def error_line(err: BaseException) -> str:
    """The one line that reports ``err`` (several lines of a message joined with ``; ``).

    >>> error_line(SonlaError("sources.csv, row 3: kind 'blog' not one of report, news"))
    "error: sources.csv, row 3: kind 'blog' not one of report, news"
    >>> error_line(PermissionError(13, "Permission denied", "data/processed/claims.csv"))
    'error: data/processed/claims.csv: Permission denied'
    >>> error_line(SonlaError("2 notebooks failed:\\n  a.ipynb: cell 3\\n  b.ipynb: cell 1"))
    'error: 2 notebooks failed: a.ipynb: cell 3; b.ipynb: cell 1'
    """
    if isinstance(err, OSError) and not isinstance(err, SonlaError):
        names = " → ".join(str(n) for n in (err.filename, err.filename2) if n is not None)
        reason = err.strerror or str(err)
        message = f"{names}: {reason}" if names else reason
    else:
        message = str(err) or type(err).__name__
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    head, rest = (lines[0], lines[1:]) if lines else (type(err).__name__, [])
    joined = head + (" " if head.endswith(":") else "; ") + "; ".join(rest) if rest else head
    return f"error: {joined}"


def run_command(main: Callable[[Sequence[str] | None], int | None],
                argv: Sequence[str] | None = None) -> int:
    """Run ``main(argv)`` under the shared error handler; return the exit status (see the module doc)."""
    try:
        config.check_install()
        return main(argv) or 0
    except (SonlaError, config.ProjectRootError) as err:
        _report(error_line(err))
        return 1
    except BrokenPipeError:  # `sonla notebooks --dry-run | head`: the reader left; not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except OSError as err:
        _report(error_line(err))
        return 1
    except KeyboardInterrupt:
        _report("error: interrupted")
        return 130
    except Exception as err:  # a bug: show where, then still end on one clear line
        sys.stdout.flush()
        traceback.print_exc()
        detail = error_line(err).removeprefix("error: ")
        _report(f"error: unexpected {type(err).__name__}: {detail} (a bug in sonla; "
                "the traceback above shows where)")
        return 1


def exit_status(status: int) -> int:
    """``status``, after freezing every object still alive: for a command that exits now.

    The interpreter's last garbage collection at exit would otherwise scan every object left
    (pandas' modules, the compiled rules, the caches) only to free them as the process ends:
    0.05-0.1 s of ``python -m sonla.pipeline`` on the five sources (measured). Objects are still
    freed as the modules are cleared and ``atexit`` handlers still run; only the scan for
    reference cycles is skipped, whose memory the operating system takes back with the process.
    Every output is written, flushed and closed before. Call it only where the process ends
    (``raise SystemExit(exit_status(run_command(main)))``), never in a caller that goes on (a
    test, a notebook): garbage frozen there would never be collected.
    """
    gc.freeze()
    return status


def _report(line: str) -> None:
    sys.stdout.flush()
    print(line, file=sys.stderr, flush=True)
