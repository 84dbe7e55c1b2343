"""The package's shape: dependencies point one way, no import cycle, small modules.

Read from the source with :mod:`ast` (nothing is imported), counting every import wherever it
stands — at the top of a module, inside a function or under ``if TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from sonla import config

PACKAGE = "sonla"
SRC = config.PACKAGE_DIR

# The layers, lowest first. A module may import modules of its own layer and of the layers
# below it, never above; the two top layers (the book's build and the chapters' helpers) do not
# import each other. The foundation is what every stage reads: paths, errors, atomic writes,
# the published schema and the verified sources.
LAYERS: list[tuple[str, ...]] = [
    ("sonla", "sonla.config", "sonla.errors", "sonla.io", "sonla.schema", "sonla.sources", "sonla.console",
     "sonla.progress", "sonla.publish", "sonla.parts"),
    ("sonla.text",),
    ("sonla.extract",),
    ("sonla.fidelity",),
    ("sonla.reconcile",),
    ("sonla.validity",),
    # The Dask engine runs the stages it is given; it imports only the foundation (the pipeline
    # imports it, never the other way).
    ("sonla.engine",),
    ("sonla.datapackage", "sonla.pipeline"),
    ("sonla.build", "sonla.chapters"),
    ("sonla.cli",),  # the `sonla` command: runs the others' modules, imported by nobody
    ("sonla.__main__",),
]
# Modules that import nothing from the package.
LEAVES = ("sonla.schema", "sonla.errors", "sonla.config", "sonla.parts")
MAX_LINES = 700  # none over this
ABOUT_LINES = 550  # "about 500"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(SRC.rglob("*.py"))}


def _is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def _imports(name: str) -> set[str]:
    """Every package module ``name`` imports, wherever the import statement stands."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    package = name if _is_package(name) else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] == PACKAGE)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != PACKAGE:
                continue
            found.add(target)
            for alias in node.names:  # `from . import config`: the submodule itself
                if f"{target}.{alias.name}" in MODULES:
                    found.add(f"{target}.{alias.name}")
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: _imports(name) for name in MODULES}


def _layer(name: str) -> tuple[int, str]:
    """(layer index, the entry of LAYERS the module belongs to: its subpackage or itself)."""
    best = None
    for index, entries in enumerate(LAYERS):
        for entry in entries:
            if name == entry or name.startswith(entry + ".") and entry != "sonla":
                if best is None or len(entry) > len(best[1]):
                    best = (index, entry)
    assert best is not None, f"{name} is in no layer of LAYERS"
    return best


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module, or a module importing itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph[node]:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_checker_sees_imports_inside_functions():
    source = "def f():\n    from .b import x\n    from . import c\n"
    tree = ast.parse(source)
    assert sum(isinstance(n, ast.ImportFrom) for n in ast.walk(tree)) == 2
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle():
    assert _cycles(GRAPH) == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_dependencies_point_one_way(name):
    layer, entry = _layer(name)
    for imported in GRAPH[name]:
        other_layer, other_entry = _layer(imported)
        same_layer_allowed = other_layer == layer and layer != len(LAYERS) - 1  # flat modules of a layer
        assert other_layer < layer or other_entry == entry or same_layer_allowed, (
            f"{name} (layer {layer}) imports {imported} (layer {other_layer}): dependencies point "
            "text → extract → fidelity → reconcile → pipeline → build/chapters, never back")


@pytest.mark.parametrize("name", LEAVES)
def test_leaves_import_nothing_from_the_package(name):
    """A leaf (a module, or a package with its own modules) imports nothing else of the package."""
    family = {n for n in GRAPH if n == name or n.startswith(name + ".")}
    assert set().union(*(GRAPH[n] for n in family)) <= family


def test_every_package_import_is_at_module_level():
    """Dependencies are seen at the top of a module, not hidden in a function."""
    hidden = []
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = {id(n) for n in tree.body}
        top |= {id(n) for n in tree.body if isinstance(n, ast.If) for n in n.body}  # if TYPE_CHECKING:
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith(PACKAGE)) \
                    and id(node) not in top:
                hidden.append(f"{name}:{node.lineno}")
    assert hidden == []


# The stage subpackages (the schema is a leaf package whose __init__ gathers its tables).
SUBPACKAGES = sorted(name for name in MODULES if _is_package(name) and name != PACKAGE and name not in LEAVES)


@pytest.mark.parametrize("name", SUBPACKAGES)
def test_subpackages_say_what_they_read_and_write(name):
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    doc = ast.get_docstring(tree) or ""
    assert "Reads" in doc and ("writes" in doc or "Writes" in doc), name
    assert len(tree.body) == 1, f"{name}/__init__.py holds only its docstring (no imports, no code)"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_are_small(name):
    lines = len(MODULES[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES and lines <= ABOUT_LINES, f"{name}: {lines} lines"
