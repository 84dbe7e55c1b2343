"""Generate environment.yml (conda/mamba users) from requirements.txt, the one place pins live.

    python scripts/sync_environment.py          # rewrite environment.yml
    python scripts/sync_environment.py --check  # exit 1 if it is out of date

tests/test_environment.py runs the check, so the two files cannot drift apart.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON_VERSION = "3.11"


def pinned_requirements(path: Path) -> list[str]:
    """The `name==version` lines of a requirements file, comments and blanks dropped."""
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            if "==" not in line:
                raise SystemExit(f"{path}: '{line}' is not pinned with ==")
            lines.append(line)
    return lines


def render_environment(requirements: list[str]) -> str:
    pins = "\n".join(f"      - {req}" for req in requirements)
    return (
        "# Generated from requirements.txt by scripts/sync_environment.py; do not edit by hand.\n"
        "name: sonla-book\n"
        "channels:\n"
        "  - conda-forge\n"
        "dependencies:\n"
        f"  - python={PYTHON_VERSION}\n"
        "  - pip\n"
        "  - pip:\n"
        f"{pins}\n"
        "      - -e .\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that environment.yml is current")
    args = parser.parse_args(argv)
    expected = render_environment(pinned_requirements(ROOT / "requirements.txt"))
    target = ROOT / "environment.yml"
    if args.check:
        if not target.is_file() or target.read_text(encoding="utf-8") != expected:
            print("environment.yml is out of date: run python scripts/sync_environment.py", file=sys.stderr)
            return 1
        return 0
    target.write_text(expected, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
