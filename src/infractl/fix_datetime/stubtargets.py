"""Which project modules the tests stub the clock of, and whether each stub can follow the rewrite.

A test replaces a module's ``datetime`` in several spellings, all meaning the same thing:
``patch("pkg.mod.datetime")``, ``patch.object(mod, "datetime")`` (also ``mocker.patch.object``),
``monkeypatch.setattr(mod, "datetime", fake)`` and ``monkeypatch.setattr("pkg.mod.datetime", fake)``.
The object forms name the module by a local name, so the test's imports map it back (``from pkg import
mod``, ``import pkg.mod [as mod]``). Auto mode keeps a stubbed module's values naive (the form the
rewritten stubs expect), or leaves its calls as they are when the stub cannot follow the rewrite (its
arguments are asserted, a callable ``side_effect``, a fake ``datetime`` subclass defining ``utcnow``).
"""

from __future__ import annotations

import ast
import re

from infractl.pyast import dotted_name

# a cheap look before parsing: a patch or setattr call and a quoted name ending in ``datetime``
_STUB_CALL = re.compile(rb"patch|setattr").search
_QUOTED_DATETIME = re.compile(rb"""['"](?:[\w.]+\.)?datetime['"]""").search
# ``patch("pkg.mod.datetime")`` / ``monkeypatch.setattr("pkg.mod.datetime", ...)``: found without a parse
_STRING_TARGET = re.compile(rb"""(?:patch|setattr)\(\s*['"]([\w.]+)\.datetime['"]""")
# stubs that cannot follow the rewrite (stubs.py reports them as DT107 in the test itself)
UNFOLLOWABLE_STUB = re.compile(rb"\.utc(?:now|fromtimestamp)\.(?:assert_called_with|assert_called_once_with|"
                               rb"assert_any_call|assert_has_calls|call_args)|"
                               rb"\.utc(?:now|fromtimestamp)\.side_effect\s*=\s*(?![\[(\s])")
# a fake datetime class: ``class FakeDatetime(datetime):`` that defines ``utcnow``
_FAKE_CLASS = re.compile(rb"class \w+\([\w.]*datetime\)").search
_FAKE_METHOD = re.compile(rb"\bdef\s+utc(?:now|fromtimestamp)\s*\(")


def stubbed_modules(items: list[tuple[str, bytes]]) -> dict[str, str]:
    """Candidate files whose ``datetime`` some candidate test patches (matched by dotted path suffix):
    "naive" (auto keeps their values naive, the form the rewritten stubs expect), or "keep:<test>:<line>"
    when that test stubs the clock in a way that cannot follow the rewrite (their calls are left as
    they are, unless --mode aware)."""
    targets: dict[str, str] = {}
    for path, data in items:
        found = stub_targets(data)
        if not found:
            continue
        line = _blocker_line(data)
        for target in found:
            if not targets.get(target, "").startswith("keep"):
                targets[target] = f"keep:{path}:{line}" if line else "naive"
    stubbed = {}
    if targets:
        for path, _ in items:
            dotted = path.removesuffix(".py").replace("\\", "/").replace("/", ".").removesuffix(".__init__")
            for target, verdict in targets.items():
                if dotted == target or dotted.endswith("." + target):
                    stubbed[path] = verdict
    return stubbed


def _blocker_line(data: bytes) -> int:
    """The line of the first stub that cannot follow the rewrite, 0 when there is none."""
    blocker = UNFOLLOWABLE_STUB.search(data)
    if blocker is None and _FAKE_CLASS(data):
        blocker = _FAKE_METHOD.search(data)
    return data.count(b"\n", 0, blocker.start()) + 1 if blocker else 0


def stub_targets(data: bytes) -> list[str]:
    """Dotted names of the modules whose ``datetime`` this file replaces."""
    if not _STUB_CALL(data) or not _QUOTED_DATETIME(data):
        return []
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError, SystemError):
        # SystemError: CPython 3.11's "AST constructor recursion depth mismatch" after an earlier deep
        # parse; fall back to the string targets, which need no parse
        return [m.group(1).decode() for m in _STRING_TARGET.finditer(data)]
    imported: dict[str, str] = {}  # local name -> dotted module (or module.attribute)
    calls: list[ast.Call] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                imported[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else \
                    alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            imported.update({a.asname or a.name: f"{node.module}.{a.name}" for a in node.names})
        elif isinstance(node, ast.Call):
            calls.append(node)
    targets = []
    for call in calls:
        name = dotted_name(call.func)
        kind = "object" if name.endswith("patch.object") else name.rsplit(".", 1)[-1]
        args = call.args
        first = _text(args[0]) if args else None
        if kind in ("patch", "setattr") and first and first.endswith(".datetime"):
            targets.append(first.removesuffix(".datetime"))
        elif kind in ("object", "setattr") and len(args) >= 2 and _text(args[1]) == "datetime":
            module = _resolve(args[0], imported)
            if module:
                targets.append(module)
    return targets


def _resolve(node: ast.expr, imported: dict[str, str]) -> str:
    """``mod`` -> ``pkg.mod`` through the file's imports; ``pkg.mod`` stays as it is."""
    head, _, rest = dotted_name(node).partition(".")
    base = imported.get(head)
    if not base:
        return ""
    return f"{base}.{rest}" if rest else base



def _text(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None
