"""The checker protocol: what one capability offers ``infractl check`` (and any other caller that loops).

An area is declared beside its capability's code (``<capability>/area.py``, a light module: its heavy
imports are inside ``collect``) as an ``Area``:

- ``name``: how ``check`` and ``[tool.infractl.check] areas``/``skip`` call it;
- ``table``: its config table (``fix_datetime`` for ``[tool.infractl.fix_datetime]``), which its own
  command reads too; ``check`` validates it and applies its ``select``/``ignore``;
- ``keys``: ``"module:NAME"`` of the keys that table knows, imported only when the table is present
  (the command's module may be heavy; a clean ``check`` must not pay for it);
- ``looked_for``: what the area looks for, as ``check`` says it when the area finds nothing ("nothing
  found: looked for <looked_for> under <path>"), so a user sees where their files should have been;
- ``collect(root, config, scanner) -> Report | None``: pure (prints nothing, writes nothing): it
  discovers the area's inputs under ``root`` (from ``config`` or conventional paths) and calls the
  capability's own ``collect(...) -> Report`` (the one its command prints: lint_ci/command.py,
  manifests/command.py, monitoring/lint.py, wiremock/mappings/validate.py, ...), whose report holds the
  findings and a headline saying what it looked at ("3 workflow files, 12 test files"); None when the
  repository has nothing for it, which the report says instead of pretending it passed. The table's
  select/ignore are not applied here: the caller applies those once, for every area alike.

``check/areas.py`` is the registry of areas, ``check/command.py`` the loop over it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the types only: importing them here would load the config and scanner modules early
    from infractl.config import Config
    from infractl.discover.scanner import Scanner
    from infractl.render import Report

    Collect = Callable[[Path, Config, Scanner], Report | None]


class Area:
    """One area of ``check``: see the module's docstring. A plain class (``check`` imports it on every
    run; findings.py says why the check path keeps to plain classes)."""

    def __init__(self, name: str, table: str, keys: str, collect: Collect, looked_for: str = "") -> None:
        self.name = name
        self.table = table
        self.keys = keys
        self.collect = collect
        self.looked_for = looked_for

    def __repr__(self) -> str:
        return f"Area({self.name!r}, table {self.table!r})"

    def known_keys(self) -> tuple[str, ...]:
        """The keys of ``table`` the capability knows (its command rejects any other)."""
        keys = resolve(self.keys)
        return tuple(sorted(keys)) if isinstance(keys, (set, frozenset)) else tuple(keys)


def resolve(reference: str):
    """The object a ``"module:NAME"`` reference names, importing the module now."""
    import importlib

    module, name = reference.split(":")
    return getattr(importlib.import_module(module), name)


def shown(path: Path) -> Path:
    """An input as an area names it in findings: relative to the current directory when below it (what a
    user types and copies)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path
