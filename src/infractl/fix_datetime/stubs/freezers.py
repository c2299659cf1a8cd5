"""freezegun with ``tz_offset``: the frozen clock under which ``now(timezone.utc)`` is not ``utcnow()``.

freezegun's ``FakeDatetime.now(tz)`` returns the frozen time *plus* ``tz_offset`` (converted to ``tz``),
while its ``utcnow()`` returns the frozen time (freezegun 1.2.2 and 1.5.5 alike): under
``freeze_time("2024-01-01 12:00", tz_offset=2)``, ``utcnow()`` is 12:00 and even the naive-preserving
rewrite ``now(timezone.utc).replace(tzinfo=None)`` is 14:00. ``utcfromtimestamp(t)`` is the real one and
``fromtimestamp(t, tz=timezone.utc)`` ignores the offset, so that rewrite stays exact.

A freeze with a non-zero or unknown offset (``tz_offset=2``, a name, ``**options``; as a decorator, a
context manager, ``.start()``, ``pytest.mark.freeze_time(...)`` for pytest-freezegun's ``freezer``, whose
``move_to`` keeps the offset) applies to whatever the test runs: the modules the freezing file imports,
and theirs, within the project (a conftest's freeze: every file below it). Their ``utcnow()`` sites are
held (DT107), with DT107 at the freeze too.
"""

from __future__ import annotations

import ast
import os

from infractl.fix_datetime.stubs.projectfiles import ProjectFiles
from infractl.fix_datetime.stubs.targets import ParsedFile
from infractl.load.pyast import dotted_name

MAX_MODULES = 5000  # an import closure bigger than this is cut short (the freeze still holds what it reached)


def offset_freezes(tree: ast.Module) -> list[tuple[int, int, str]]:
    """(line, column, the offset as written) of each ``freeze_time(...)`` with a non-zero or unknown
    ``tz_offset`` (the second positional argument, or the keyword)."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not dotted_name(node.func).endswith("freeze_time"):
            continue
        offset = next((k.value for k in node.keywords if k.arg == "tz_offset"), None)
        offset = node.args[1] if offset is None and len(node.args) > 1 else offset
        if offset is not None and not _zero(offset):
            found.append((node.lineno, node.col_offset + 1, f"tz_offset={ast.unparse(offset)}"))
        elif offset is None and any(k.arg is None for k in node.keywords):
            found.append((node.lineno, node.col_offset + 1, "tz_offset given through **"))
    return found


def _zero(node: ast.expr) -> bool:
    """``0``, ``0.0``, ``timedelta()``, ``timedelta(0)``, ``timedelta(hours=0)``."""
    if isinstance(node, ast.Constant):
        return node.value == 0 and not isinstance(node.value, bool)
    if isinstance(node, ast.Call) and dotted_name(node.func).endswith("timedelta"):
        return all(_zero(a) for a in (*node.args, *(k.value for k in node.keywords)))
    return False


def frozen_modules(files: ProjectFiles, freezing: ParsedFile, below: list[str]) -> set[str]:
    """The real paths of the project's modules a freeze in ``freezing`` applies to: the file itself, those
    ``below`` it when it is a conftest.py, and every project module they import, and theirs."""
    pending = [freezing.path]
    if os.path.basename(freezing.path) == "conftest.py":
        directory = os.path.dirname(freezing.path) + os.sep
        pending += [p for p in below if p.startswith(directory)]
    seen: set[str] = set()
    while pending and len(seen) < MAX_MODULES:
        path = pending.pop()
        if path in seen:
            continue
        seen.add(path)
        parsed = files.parsed(path)
        if parsed is None:
            continue
        for dotted, anchor in set(parsed.imports.values()):
            for name in (dotted, dotted.rpartition(".")[0]):  # ``from pkg import mod``: pkg.mod, else pkg
                found = files.module_file(name, anchor, path) if name else None
                if found is not None:
                    pending.append(found)
                    break
    return seen
