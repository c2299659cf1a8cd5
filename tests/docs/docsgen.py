"""docs/gen.py, imported once for the docs tests (it is a script and an mkdocs hook, not a package)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def load_gen():
    spec = importlib.util.spec_from_file_location("infractl_docs_gen", REPO / "docs" / "gen.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
