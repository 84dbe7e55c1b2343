"""The one error handler of every command (sonla.console; issue 12 item 6, issue 17 case 10)."""

from __future__ import annotations

import pytest

from sonla import config
from sonla.console import ArgumentParser, error_line, run_command
from sonla.errors import ManifestError, SonlaError


def _run(raised: BaseException, capsys) -> tuple[int, str, str]:
    def main(argv):
        print("some output first")
        raise raised

    status = run_command(main, [])
    out, err = capsys.readouterr()
    return status, out, err


CASES_USER_ERRORS = [
    ("manifest-row", ManifestError("data/raw/sources.csv, row 3: kind 'blog' not one of report, news"),
     "error: data/raw/sources.csv, row 3: kind 'blog' not one of report, news"),
    ("read-only-folder", PermissionError(13, "Permission denied", "data/processed/claims.csv"),
     "error: data/processed/claims.csv: Permission denied"),
    ("disk-full", OSError(28, "No space left on device", "data/processed/.staging/claims.csv"),
     "error: data/processed/.staging/claims.csv: No space left on device"),
    ("several-lines", SonlaError("notebook execution failed (2 of 3):\n  a.ipynb: cell 1\n  b.ipynb: cell 2"),
     "error: notebook execution failed (2 of 3): a.ipynb: cell 1; b.ipynb: cell 2"),
    ("project-root", config.ProjectRootError("/x is a checkout of the project, but …"),
     "error: /x is a checkout of the project, but …"),
]


@pytest.mark.parametrize(("raised", "line"), [c[1:] for c in CASES_USER_ERRORS],
                         ids=[c[0] for c in CASES_USER_ERRORS])
def test_a_user_error_is_one_line_and_status_1(capsys, raised, line):
    status, out, err = _run(raised, capsys)
    assert status == 1
    assert err == line + "\n"  # no traceback
    assert out == "some output first\n"


def test_an_unexpected_exception_shows_its_traceback_and_ends_on_one_clear_line(capsys):
    status, _, err = _run(KeyError("missing_column"), capsys)
    assert status == 1
    assert "Traceback (most recent call last)" in err
    assert err.strip().splitlines()[-1] == ("error: unexpected KeyError: 'missing_column' (a bug in sonla; "
                                            "the traceback above shows where)")


def test_an_interrupt_is_one_line_and_status_130(capsys):
    status, _, err = _run(KeyboardInterrupt(), capsys)
    assert (status, err) == (130, "error: interrupted\n")


def test_an_unknown_option_is_one_line_and_status_1(capsys):
    def main(argv):
        parser = ArgumentParser(prog="sonla thing")
        parser.add_argument("--known", action="store_true")
        parser.parse_args(argv)

    assert run_command(main, ["--unknown"]) == 1
    assert capsys.readouterr().err == ("error: sonla thing: unrecognized arguments: --unknown "
                                       "(see `sonla thing --help`)\n")


def test_the_handler_refuses_to_run_with_another_checkouts_package(monkeypatch, capsys):
    monkeypatch.setattr(config, "_FOUND", None)
    ran = []
    assert run_command(lambda argv: ran.append(argv), []) == 1
    assert ran == [] and capsys.readouterr().err.startswith("error: no project root")


def test_error_line_names_both_files_of_a_rename():
    err = OSError(18, "Invalid cross-device link", "a.tmp", None, "b.csv")
    assert error_line(err) == "error: a.tmp → b.csv: Invalid cross-device link"


def test_a_command_exits_without_scanning_its_objects_for_cycles(tmp_path):
    """`python -m sonla.pipeline` freezes what is alive before it exits, whatever its status, so the
    interpreter's last collection does not scan pandas' modules and the rules (~0.1 s a run)."""
    import subprocess
    import sys

    probe = ("import atexit, gc, runpy, sys\n"
             "atexit.register(lambda: sys.stderr.write(f'frozen={gc.get_freeze_count() > 0}\\n'))\n"
             f"sys.argv = ['sonla.pipeline', '--quiet', '--raw', {str(tmp_path / 'missing')!r}, "
             f"'--out', {str(tmp_path / 'out')!r}]\n"
             "runpy.run_module('sonla.pipeline', run_name='__main__', alter_sys=True)\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "error:" in done.stderr and "frozen=True" in done.stderr, done.stderr
    assert not (tmp_path / "out").exists()
