"""The project's files as stub resolution needs them: read and parsed once, modules and fixtures found.

A module is looked for relative to the importing file's directories up to the project root (the nearest
directory with pyproject.toml, setup.py, setup.cfg, tox.ini or .git; without one, the working directory
when the file is below it) and the root's ``src/``: pytest's ``rootdir``/``prepend`` import modes put
those on ``sys.path``. Fixtures are looked for in the file itself, then in each ``conftest.py`` from its
directory up to the root, and in the modules those name in ``pytest_plugins`` or import from.
"""

from __future__ import annotations

import ast
import os

from infractl.fix_datetime.stubs.targets import Function, ParsedFile, parse_file
from infractl.load.pyast import dotted_name

PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", "tox.ini", ".git")


class ProjectFiles:
    """The project's files, read and parsed once (those the walk read are given)."""

    def __init__(self, known: dict[str, bytes]) -> None:
        self.known = known
        self._parsed: dict[str, ParsedFile | None] = {}

    def data(self, path: str) -> bytes | None:
        """A file's bytes: as the run read them, else from disk; None when it cannot be read (the walk
        reported it)."""
        data = self.known.get(path)
        if data is None:
            try:
                with open(path, "rb") as handle:
                    data = handle.read()
            except OSError:
                return None
        return data

    def parsed(self, path: str) -> ParsedFile | None:
        if path not in self._parsed:
            data = self.data(path)
            self._parsed[path] = parse_file(path, data) if data is not None else None
        return self._parsed[path]

    def roots(self, near: str) -> list[str]:
        """Directories a module may be imported from, nearest first: those above ``near`` up to the root."""
        found, directory = [], os.path.dirname(near)
        cwd = os.getcwd()
        while True:
            found.append(directory)
            if any(os.path.exists(os.path.join(directory, m)) for m in PROJECT_MARKERS):
                return [*found, os.path.join(directory, "src")]
            parent = os.path.dirname(directory)
            if parent == directory:  # no project root above: up to the working directory when below it
                upto = found.index(cwd) + 1 if cwd in found else 1
                return [*found[:upto], os.path.join(found[upto - 1], "src")]
            directory = parent

    def module_file(self, dotted: str, anchor: str, near: str) -> str | None:
        from infractl.discover.files import module_file

        path = module_file(dotted, [anchor] if anchor else self.roots(near))
        return os.path.realpath(path) if path else None

    def conftests(self, near: str) -> list[str]:
        roots = self.roots(near)
        return [p for d in roots[:-1] or roots if os.path.isfile(p := os.path.join(d, "conftest.py"))]

    def fixture_modules(self, parsed: ParsedFile):
        """Where a fixture a test of ``parsed`` names may be defined, nearest first."""
        for path in [parsed.path, *self.conftests(parsed.path)]:
            holder = self.parsed(path)
            if holder is not None:
                yield holder
                yield from self.plugins(holder)

    def plugins(self, holder: ParsedFile) -> list[ParsedFile]:
        """The modules a conftest's ``pytest_plugins`` names, and those it imports fixtures from."""
        names = []
        for statement in module_statements(holder.tree):
            if isinstance(statement, ast.Assign) and "pytest_plugins" in assigned(statement):
                value = statement.value
                items = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
                names += [(i.value, "") for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)]
        names += [(base.rpartition(".")[0], anchor) for base, anchor in holder.imports.values()]
        found = []
        for dotted, anchor in names:
            path = self.module_file(dotted, anchor, holder.path) if dotted else None
            module = self.parsed(path) if path else None
            if module is not None and module is not holder:
                found.append(module)
        return found


def fixture_named(module: ParsedFile, name: str) -> Function | None:
    for statement in module_statements(module.tree):
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for decorator in statement.decorator_list:
                call = decorator if isinstance(decorator, ast.Call) else None
                if not dotted_name(call.func if call else decorator).endswith("fixture"):
                    continue
                given = next((k.value.value for k in (call.keywords if call else []) if k.arg == "name"
                              and isinstance(k.value, ast.Constant)), statement.name)
                if given == name:
                    return statement
    return None


def is_fixture(function: Function) -> bool:
    return any(dotted_name(d.func if isinstance(d, ast.Call) else d).endswith("fixture")
               for d in function.decorator_list)


def module_statements(tree: ast.Module):
    """Module-level statements, including those under ``if``/``try`` (a conditional definition counts)."""
    pending = list(tree.body)
    while pending:
        statement = pending.pop(0)
        if isinstance(statement, (ast.If, ast.Try)):
            pending[:0] = [*statement.body, *statement.orelse, *getattr(statement, "finalbody", [])]
        else:
            yield statement


def assigned(statement: ast.Assign | ast.AnnAssign) -> list[str]:
    targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
    return [t.id for t in targets if isinstance(t, ast.Name)]


