"""Import a script of scripts/ as a module, for the tests that check it."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from sonla import config


def load(name: str) -> ModuleType:
    """``scripts/<name>.py`` as a module (loaded once per test session)."""
    key = f"sonla_script_{name}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, config.ROOT / "scripts" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module
        spec.loader.exec_module(module)
    return sys.modules[key]
