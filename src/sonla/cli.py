"""``sonla``: one command for everything the Makefile and a contributor run.

    sonla verify                 check every raw file against data/raw/sources.csv
    sonla data [--force]         build data/processed/ when it is not current (--engine dask: on Dask)
    sonla claims                 claim counts by source and kind
    sonla reader                 the source reader pages book/sources/*.md
    sonla toc [--check]          the per-source entries of _toc.yml
    sonla notebooks [-j N]       execute the chapters whose inputs changed
    sonla html [--force]         the strict HTML build, when a page changed
    sonla htmlstamp check        is the HTML current? (record, forget)
    sonla pdf [--force]          the book as one PDF
    sonla bench [...]            the benchmarks of benchmarks/run_bench.py

Every command runs under one error handler (:func:`sonla.console.run_command`): a problem the
user can fix ends in one ``error: …`` line on standard error naming the file, row or parameter,
and exit status 1; ``sonla <command> --help`` lists a command's options.

A command's module is imported only when the command runs, by its name (as console-script entry
points are), so that a quick command (``sonla verify``, a ``sonla data`` with nothing to do) does
not pay for pandas and frictionless. Nothing in the package imports this module.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from . import config
from .console import ArgumentParser, run_command
from .errors import SonlaError
from .publish import DATA_HELP, add_data_arguments, check_engine_arguments, prepare_run

__all__ = ["COMMANDS", "Command", "main"]


@dataclass(frozen=True)
class Command:
    """One subcommand: its help, the module whose ``main(argv)`` runs it and its options."""

    help: str
    module: str
    arguments: Callable[[argparse.ArgumentParser], None] | None = None


def _no_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def _htmlstamp_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("step", nargs="?", default="check", choices=("check", "record", "forget"),
                        help="check: exit 0 if the HTML is current; record: remember it as built; "
                             "forget: make the next `sonla html` build")


def _bench_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("options", nargs=argparse.REMAINDER,
                        help="options of benchmarks/run_bench.py (--only, --sizes, --repeats, ...)")


def _module_arguments(module: str, name: str = "add_arguments") -> Callable[[argparse.ArgumentParser], None]:
    """The options a module declares, read only when ``sonla <command> --help`` needs them."""
    def add(parser: argparse.ArgumentParser) -> None:
        getattr(importlib.import_module(module), name)(parser)
    return add


COMMANDS: dict[str, Command] = {
    "verify": Command("check every raw file against its sha256 in data/raw/sources.csv", "sonla.sources"),
    "data": Command(DATA_HELP, "sonla.pipeline", add_data_arguments),
    "claims": Command("print the claim counts by source and kind", "sonla.extract.claims"),
    "reader": Command("write the source reader pages book/sources/*.md", "sonla.build.reader",
                      _module_arguments("sonla.build.reader")),
    "toc": Command("write the per-source entries of _toc.yml from the manifest", "sonla.build.toc",
                   _module_arguments("sonla.build.toc")),
    "notebooks": Command("execute the chapters whose inputs changed (papermill) and remove the ones no "
                         "run declares", "sonla.build.runner", _module_arguments("sonla.build.runner")),
    "html": Command("build the HTML into _build/html when a page changed (strict)", "sonla.build.html",
                    _module_arguments("sonla.build.html")),
    "htmlstamp": Command("check, record or forget that the HTML is current", "sonla.build.htmlstamp",
                         _htmlstamp_arguments),
    "pdf": Command("print the book to _build/pdf/sonla-book.pdf", "sonla.build.pdf",
                   _module_arguments("sonla.build.pdf")),
    "bench": Command("run benchmarks/run_bench.py (several minutes; writes data/bench/)", "",
                     _bench_arguments),
}


def _parser(command: str | None = None) -> argparse.ArgumentParser:
    parser = ArgumentParser(
        prog="sonla", description="The Sơn La research book: data pipeline and book build.",
        epilog="Errors end in one `error: …` line naming the file, row or parameter (exit status 1).")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, spec in COMMANDS.items():
        child = sub.add_parser(name, help=spec.help, description=spec.help)
        if name == command:  # a command's own options are read only for that command
            (spec.arguments or _no_arguments)(child)
    return parser


def _run_data(argv: list[str]) -> int:
    """``sonla data``: verify, and import and run the pipeline only when its outputs are not current."""
    parser = ArgumentParser(prog="sonla data", description=DATA_HELP)
    add_data_arguments(parser)
    args = parser.parse_args(argv)
    check_engine_arguments(parser, args)
    sources, needed = prepare_run(args.raw, args.out, verbose=not args.quiet, force=args.force,
                                  keep_texts=args.engine == "serial")
    if needed:
        pipeline = importlib.import_module("sonla.pipeline")
        pipeline.run_pipeline(args.raw, args.out, verbose=not args.quiet, force=True,
                              allow_empty=args.allow_empty, sources=sources, engine=args.engine,
                              scheduler=args.scheduler, workers=args.workers)
    return 0


def _run_bench(argv: list[str]) -> int:
    """``sonla bench``: benchmarks/run_bench.py of the project (not part of the package)."""
    path = config.ROOT / "benchmarks" / "run_bench.py"
    if not path.is_file():
        raise SonlaError(f"{path}: not found (the benchmarks live in the project, not in the package)")
    spec = importlib.util.spec_from_file_location("sonla_run_bench", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main(argv)


def _dispatch(argv: Sequence[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    name = next((a for a in argv if not a.startswith("-")), None)
    args, _ = _parser(name if name in COMMANDS else None).parse_known_args(argv)
    rest = argv[argv.index(args.command) + 1:]
    if args.command == "data":
        return _run_data(rest)
    if args.command == "bench":
        return _run_bench(rest)
    _parser(args.command).parse_args(argv)  # unknown options are named before anything runs
    module = importlib.import_module(COMMANDS[args.command].module)
    return module.main(rest) or 0


def main(argv: Sequence[str] | None = None) -> int:
    """The ``sonla`` console script: run one command under the shared error handler."""
    return run_command(_dispatch, argv)


if __name__ == "__main__":
    raise SystemExit(main())
