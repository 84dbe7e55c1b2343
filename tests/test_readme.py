"""The README's contributor's map is true for the tree it ships with.

Checked against the code, not restated: every stage of :data:`sonla.pipeline.STAGES` has its row
in the stage table, in order, naming the function that runs it, what it declares it reads and
the files it writes (the stages are run to see them); every module of every subpackage is named
in the package table of "Layout"; and every path, module, object and ``make`` target the map
names in backticks exists. Bare words in backticks (field names, stage names, placeholders
such as ``check(evidence)``) are not looked up.
"""

from __future__ import annotations

import importlib
import re
from fnmatch import fnmatch
from pathlib import Path

import pytest

from sonla import config, pipeline
from sonla.sources import load_sources

README = (config.ROOT / "README.md").read_text(encoding="utf-8")
TICKED = re.compile(r"`([^`\n]+)`")
PLACEHOLDER = re.compile(r"<[^<>/]+>")
FILE_SUFFIX = re.compile(r"\.(py|js|ya?ml|csv|json|txt|md|cff|cfg|css|ipynb)$")
# Where a path the map names may be: the project root, the rule files, the published data.
PLACES = (config.ROOT, config.RULES_DIR, config.PROCESSED_DIR)


def section(title: str) -> str:
    """The text of the README section ``## title`` (up to the next ``## `` heading)."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, flags=re.M | re.S)
    assert match, f"README.md has no section '## {title}'"
    return match.group(1)


def table(text: str, header: list[str]) -> list[list[str]]:
    """The rows (lists of cells) of the Markdown table in ``text`` whose header is ``header``."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if [c.strip() for c in line.strip().strip("|").split("|")] == header:
            rows = []
            for row in lines[i + 2:]:
                if not row.startswith("|"):
                    break
                rows.append([c.strip() for c in row.strip().strip("|").split(" | ")])
            return rows
    raise AssertionError(f"no table with the header {header}")


MAP = section("Contributor's map")
STAGE_ROWS = table(MAP, ["stage", "function", "reads", "writes"])


def ticked(cell: str) -> list[str]:
    return TICKED.findall(cell)


def resolve_python(name: str) -> object:
    """The module or object a dotted name ``sonla.…`` names (AssertionError if none)."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            assert hasattr(found, attribute), f"{name}: {'.'.join(parts[:cut])} has no {attribute!r}"
            found = getattr(found, attribute)
        return found
    raise AssertionError(f"{name}: no such module")


def output_pattern(token: str) -> str:
    return PLACEHOLDER.sub("*", token)


# ------------------------------------------------------------------------------------- the stages

def test_every_stage_has_its_row_in_order_with_its_function():
    assert [row[0] for row in STAGE_ROWS] == [f"`{stage.name}`" for stage in pipeline.STAGES]
    for row, stage in zip(STAGE_ROWS, pipeline.STAGES, strict=True):
        assert ticked(row[1]) == [f"{stage.run.__module__}.{stage.run.__name__}"], stage.name


def test_every_stage_reads_what_its_row_says():
    for row, stage in zip(STAGE_ROWS, pipeline.STAGES, strict=True):
        if stage.reads is pipeline.ALL:
            assert "every output above" in row[2], stage.name
        else:
            assert set(stage.reads) <= set(ticked(row[2])), f"{stage.name} reads {stage.reads}"


@pytest.fixture(scope="module")
def written_by_stage(monkeypatch_module) -> dict[str, list[str]]:
    """{stage name: the files it returned}, from a run of the real pipeline in memory."""
    seen: dict[str, list[str]] = {}

    def recording(stage: pipeline.Stage) -> pipeline.Stage:
        def run(sources, inputs):
            outputs = stage.run(sources, inputs)
            seen[stage.name] = sorted(outputs)
            return outputs
        return pipeline.Stage(stage.name, run, stage.reads, stage.published)

    monkeypatch_module.setattr(pipeline, "STAGES", [recording(s) for s in pipeline.STAGES])
    pipeline.run_stages(load_sources())
    return seen


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_every_stage_writes_what_its_row_says(written_by_stage):
    for row in STAGE_ROWS:
        name = row[0].strip("`")
        patterns = [output_pattern(t) for t in ticked(row[3])]
        written = written_by_stage[name]
        unnamed = [f for f in written if not any(fnmatch(f, p) for p in patterns)]
        assert not unnamed, f"stage {name} writes {unnamed}, not in its row of the map"
        unwritten = [p for p in patterns if not any(fnmatch(f, p) for f in written)]
        assert not unwritten, f"stage {name}: the map says it writes {unwritten}"


# ------------------------------------------------------------------------------------- the modules

LAYOUT = section("Layout")
PACKAGE_ROWS = table(LAYOUT, ["subpackage", "what it holds", "reads → writes"])
SUBPACKAGES = sorted(p.parent.name for p in config.PACKAGE_DIR.glob("*/__init__.py"))


def test_every_subpackage_has_a_row_naming_each_of_its_modules():
    rows = {row[0].strip("`").strip("/").removeprefix("sonla/"): row for row in PACKAGE_ROWS
            if row[0].endswith("/`")}
    assert sorted(rows) == SUBPACKAGES
    for name, row in rows.items():
        modules = sorted(p.stem for p in (config.PACKAGE_DIR / name).glob("*.py") if p.stem != "__init__")
        named = sorted(t for t in ticked(row[1]) if re.fullmatch(r"\w+", t))
        assert named == modules, f"sonla/{name}/: the map names {named}, the folder holds {modules}"


def test_the_top_of_the_package_is_named_module_by_module():
    (row,) = [row for row in table(LAYOUT, ["path", "what it holds"]) if row[0] == "`src/sonla/`"]
    named = sorted(t for t in ticked(row[1]) if re.fullmatch(r"\w+", t))
    assert named == sorted(p.stem for p in config.PACKAGE_DIR.glob("*.py") if p.stem != "__init__")


# ------------------------------------------------------------------------------------- every name

def _names(text: str) -> list[str]:
    return sorted(set(TICKED.findall(text)))


MAKE_TARGETS = set(re.findall(r"^([\w-]+):", (config.ROOT / "Makefile").read_text(encoding="utf-8"), re.M))


@pytest.mark.parametrize("name", _names(MAP))
def test_every_name_in_the_map_exists(name):
    if name.startswith("make "):
        assert name.split()[1] in MAKE_TARGETS, f"{name}: no such make target"
    elif name.startswith("python -m "):
        resolve_python(name.split()[2])
    elif re.fullmatch(r"sonla(\.\w+)+", name):
        resolve_python(name)
    elif name.startswith("_build/"):
        pass  # made by the build
    elif "/" in name or FILE_SUFFIX.search(name):
        pattern = output_pattern(name).rstrip("/")
        found = [hit for place in PLACES for hit in Path(place).glob(pattern)]
        assert found, f"{name}: nothing of that name in the project, the rules or data/processed"
