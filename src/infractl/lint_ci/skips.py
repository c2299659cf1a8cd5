"""CI007: tests skipped unconditionally, and which of them only opt a subclass out of an inherited test.

``fix_skips.detect`` finds the skips. A skipped method that overrides a test of a base class (the same
name, in the base class in this module, or in one it imports from the test tree) is a deliberate
opt-out: ``class PostgresTests(BackendTests): @skip("no JSON1") def test_json(self): ...`` turns one
inherited test off for one backend; the test itself still runs for the others. Such a skip is info,
and its hint is not "fix the test". An override whose body is empty (``pass``, ``...``, a docstring)
in a class with a base of its own counts too when that base cannot be read (a library's mixin): nobody
writes a new, empty test only to skip it.
"""

from __future__ import annotations

import ast
from pathlib import Path

from infractl.findings import Finding, Severity
from infractl.lint_ci.rules import RULE

# bases that hold no tests of their own: a method of the same name is not an override of a test
FRAMEWORK_BASES = frozenset({"object", "TestCase", "SimpleTestCase", "TransactionTestCase", "LiveServerTestCase",
                             "IsolatedAsyncioTestCase", "AsyncTestCase", "AioHTTPTestCase", "APITestCase"})


def unconditional_skips(files: list[Path], scanner=None) -> tuple[list[Finding], int]:
    from infractl.discover.files import read_bytes
    from infractl.fix_skips.prefilter import may_skip

    findings = []
    for file in files:
        try:
            data = (scanner.read if scanner else read_bytes)(str(file))
        except OSError as exc:  # unreadable: its skips would go unseen, so say so
            findings.append(RULE["CI010"].finding(str(file), None, None,
                                                  f"not read: {(exc.strerror or str(exc)).lower()}"))
            continue
        try:
            if not may_skip(data):
                continue
            from infractl.fix_skips.detect import find_skips

            source = data.decode("utf-8", errors="replace")
            skips = find_skips(source)
        except (SyntaxError, ValueError):
            continue  # not this command's business: ruff and pytest report broken test files
        overrides = _overrides(file, source) if any(s.form == "decorator" for s in skips) else {}
        for skip in skips:
            base = overrides.get(skip.line)
            if base is not None:
                findings.append(RULE["CI007"].finding(
                    str(file), skip.line, skip.column,
                    f"{skip.target} overrides {base}.{skip.target} only to skip it in this subclass "
                    f"({skip.reason or 'no reason'}): a deliberate opt-out, the inherited test still runs elsewhere",
                    "nothing to fix; give the skip a reason if it has none", severity=Severity.INFO))
                continue
            hint = ("infractl fix-skips gates it on RUN_E2E_TESTS" if skip.needs_service
                    else "fix the test and remove the skip")
            findings.append(RULE["CI007"].finding(str(file), skip.line, skip.column,
                                                  f"{skip.target} is skipped unconditionally "
                                                  f"({skip.reason or 'no reason'})", hint))
    return findings, len(files)


def _overrides(file: Path, source: str) -> dict[int, str]:
    """Decorator line -> the base class whose test the decorated method overrides, for each skipped
    method that is an override (a test of the same name in a base class)."""
    tree = ast.parse(source)
    classes = {node.name: node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)}
    imported = {alias.asname or alias.name: (node.module or "", node.level, alias.name)
                for node in tree.body if isinstance(node, ast.ImportFrom) for alias in node.names}
    found = {}
    for cls in classes.values():
        bases = [_last_name(base) for base in cls.bases]
        own_bases = [b for b in bases if b and b not in FRAMEWORK_BASES]
        if not own_bases:
            continue
        for method in cls.body:
            if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)) or not method.decorator_list:
                continue
            owner = next((b for b in own_bases if _defines(b, method.name, classes, imported, file, set())), None)
            if owner is None and _empty(method) and any(_unreadable(b, classes, imported, file) for b in own_bases):
                owner = own_bases[0]
            if owner is not None:
                for decorator in method.decorator_list:
                    found[decorator.lineno] = owner
    return found


def _last_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else None


def _defines(name: str, method: str, classes: dict, imported: dict, file: Path, seen: set) -> bool:
    """Whether class ``name`` (in this module, or imported from a module of the test tree) or one of its
    bases defines ``method``."""
    if name in seen:
        return False
    seen.add(name)
    cls = classes.get(name)
    if cls is None and name in imported:
        module_file = _module_file(file, *imported[name][:2])
        if module_file is not None:
            try:
                other = ast.parse(module_file.read_text(encoding="utf-8", errors="replace"))
            except (OSError, SyntaxError, ValueError):
                return False
            other_classes = {n.name: n for n in ast.walk(other) if isinstance(n, ast.ClassDef)}
            return _defines(imported[name][2], method, other_classes, {}, module_file, set())
    if cls is None:
        return False
    if any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == method for n in cls.body):
        return True
    return any(_defines(b, method, classes, imported, file, seen) for b in map(_last_name, cls.bases) if b)


def _module_file(file: Path, module: str, level: int) -> Path | None:
    """The file of ``from <module> import ...`` seen from ``file``: relative (``from .base``) or from a
    directory above it (``from tests.base``, ``from base``); None when it is not in the tree."""
    parts = module.split(".") if module else []
    starts = [file.parents[level - 1]] if level and level <= len(file.parents) else list(file.parents)[:4]
    for start in starts:
        for candidate in (start.joinpath(*parts).with_suffix(".py"), start.joinpath(*parts, "__init__.py")):
            if parts and candidate.is_file():
                return candidate
    return None


def _unreadable(name: str, classes: dict, imported: dict, file: Path) -> bool:
    """A base whose methods cannot be known here (a library's class)."""
    return name not in classes and (name not in imported or _module_file(file, *imported[name][:2]) is None)


def _empty(method: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    body = [s for s in method.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    return all(isinstance(s, ast.Pass) for s in body)
