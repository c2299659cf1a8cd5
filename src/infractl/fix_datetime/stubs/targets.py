"""Where the project's tests replace a module's ``datetime``: each installation, its target and what is put in.

A test replaces a module's ``datetime`` in several spellings, all meaning the same thing:
``patch("pkg.mod.datetime"[, new])`` (also ``new=``, ``mocker.patch``, as a decorator, a context manager or
``.start()``), ``patch.object(mod, "datetime"[, new])``, ``patch.multiple(mod, datetime=new)``,
``monkeypatch.setattr(mod, "datetime", new)`` and ``monkeypatch.setattr("pkg.mod.datetime", new)``.
The object forms name the module by a local name, so the file's imports map it back (``from pkg import
mod``, ``import pkg.mod [as mod]``, ``from . import mod`` through the file's own path). A target that is
neither a literal nor an imported module (a parameter, ``sys.modules[name]``, an f-string) is named at run
time: ``target`` is None. What is put in is resolved by stubfakes.py, and stubgroups.py decides.
"""

from __future__ import annotations

import ast
import os
import re
from dataclasses import dataclass

from infractl.load.pyast import dotted_name

# ``patch("pkg.mod.datetime")`` / ``monkeypatch.setattr("pkg.mod.datetime", ...)``: found without a parse
_STRING_TARGET = re.compile(rb"""(?:patch|setattr)\(\s*['"]([\w.]+)\.datetime['"]""")
# stubs that cannot follow the rewrite (stubs.py reports them as DT107 in the test itself)
UNFOLLOWABLE_STUB = re.compile(rb"\.utc(?:now|fromtimestamp)\.(?:assert_called_with|assert_called_once_with|"
                               rb"assert_any_call|assert_has_calls|call_args)|"
                               rb"\.utc(?:now|fromtimestamp)\.side_effect\s*=\s*(?![\[(\s])")
# a fake datetime class: ``class FakeDatetime(datetime):`` that defines ``utcnow``
_FAKE_CLASS = re.compile(rb"class \w+\([\w.]*datetime\)").search
_FAKE_METHOD = re.compile(rb"\bdef\s+utc(?:now|fromtimestamp)\s*\(")
# ``utcnow().replace(tzinfo=...)``: rewritten to ``now(tz)``, which a stub renamed onto now() answers with
# its naive value (the replace no longer adds the tzinfo)
_AWARE_FORM = re.compile(rb"\.utcnow\(\s*\)\s*\.replace\(\s*tzinfo\s*=")
_PARSE_ERRORS = (SyntaxError, ValueError, RecursionError, MemoryError, SystemError)

Function = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(frozen=True, eq=False)
class Installation:
    line: int
    column: int  # 1-based
    target: str | None  # dotted module; None: named at run time
    anchor: str  # the directory a relative import of the target starts from ("" for an absolute one)
    target_text: str  # as written (for messages)
    replacement: ast.expr | None  # None: patch puts in a MagicMock of its own
    scope: Function | None  # the function whose body holds it (its parameters may be fixtures)
    handle: str = ""  # ``with patch(...) as m`` / ``m = mocker.patch(...)``: the name given to the stub
    # what names the target as written (the module object, or the string): a helper's parameter here is
    # followed to the helper's callers (passedtargets.py)
    owner: ast.expr | None = None


@dataclass(eq=False)
class ParsedFile:
    path: str  # real path
    data: bytes
    tree: ast.Module
    imports: dict[str, tuple[str, str]]  # local name -> (dotted, directory a relative import starts from, or "")


def parse_file(path: str, data: bytes) -> ParsedFile | None:
    try:
        tree = ast.parse(data)
    except _PARSE_ERRORS:  # SystemError: CPython 3.11's "AST constructor recursion depth mismatch"
        return None
    imports: dict[str, tuple[str, str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                imports[local] = (alias.name if alias.asname else local, "")
        elif isinstance(node, ast.ImportFrom):
            anchor = ""
            if node.level:
                anchor = os.path.dirname(path)
                for _ in range(node.level - 1):
                    anchor = os.path.dirname(anchor)
            base = f"{node.module}." if node.module else ""
            imports.update({a.asname or a.name: (f"{base}{a.name}", anchor) for a in node.names if a.name != "*"})
    return ParsedFile(path, data, tree, imports)


def string_targets(data: bytes) -> list[str]:
    """The literal targets of a file that does not parse: found without a parse."""
    return [m.group(1).decode() for m in _STRING_TARGET.finditer(data)]


def installations(parsed: ParsedFile) -> list[Installation]:
    found: list[Installation] = []
    _visit(parsed.tree, None, parsed, found, {})
    return found


def _visit(node: ast.AST, scope: Function | None, parsed: ParsedFile, found: list, handles: dict) -> None:
    """Depth first, knowing the function whose body each call is in (decorators belong to the outer one)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        for outer in (*node.decorator_list, node.args, *([node.returns] if node.returns else [])):
            _visit(outer, scope, parsed, found, handles)
        for statement in node.body:
            _visit(statement, node, parsed, found, handles)
        return
    if isinstance(node, ast.withitem) and isinstance(node.optional_vars, ast.Name):
        handles[id(_unwrap_start(node.context_expr))] = node.optional_vars.id
    elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
        handles[id(_unwrap_start(node.value))] = node.targets[0].id
    elif isinstance(node, ast.Call):
        installation = _installation(node, scope, parsed, handles.get(id(node), ""))
        if installation is not None:
            found.append(installation)
    for child in ast.iter_child_nodes(node):
        _visit(child, scope, parsed, found, handles)


def _unwrap_start(value: ast.expr) -> ast.expr:
    """``patch(...).start()`` / ``stack.enter_context(patch(...))`` -> the patch call."""
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
        if value.func.attr == "start":
            return value.func.value
        if value.func.attr == "enter_context" and value.args:
            return value.args[0]
    return value


def _installation(call: ast.Call, scope: Function | None, parsed: ParsedFile, handle: str) -> Installation | None:
    name = dotted_name(call.func)
    last = name.rsplit(".", 1)[-1]
    kind = "object" if name.endswith("patch.object") else "multiple" if name.endswith("patch.multiple") else last
    if kind not in ("patch", "setattr", "object", "multiple") or (kind == "setattr" and name == "setattr"
                                                                  and not _is_module(call.args[:1], parsed)):
        return None  # the builtin setattr(obj, "datetime", x) is a stub only on an imported module
    args = call.args
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    if kind == "multiple":
        if "datetime" not in keywords or not args:
            return None
        replacement = keywords["datetime"]
        replacement = None if dotted_name(replacement).endswith("DEFAULT") else replacement
        return _made(call, args[0], None, replacement, scope, parsed, handle)
    text = _string_end(args[0]) if args else None
    if kind in ("patch", "setattr") and text is not None and text.endswith(".datetime"):
        given = args[1] if len(args) > 1 else keywords.get("new" if kind == "patch" else "value")
        return _made(call, None, args[0], given, scope, parsed, handle)
    if kind in ("object", "setattr") and len(args) >= 2 and _string_end(args[1]) == "datetime":
        given = args[2] if len(args) > 2 else keywords.get("new" if kind == "object" else "value")
        return _made(call, args[0], None, given, scope, parsed, handle)
    return None


def _made(call: ast.Call, owner: ast.expr | None, text: ast.expr | None, replacement: ast.expr | None,
          scope: Function | None, parsed: ParsedFile, handle: str) -> Installation:
    if text is not None:  # a string: a literal names the module, an f-string is named at run time
        value = text.value if isinstance(text, ast.Constant) else None
        target, anchor = (value.removesuffix(".datetime"), "") if isinstance(value, str) else (None, "")
        shown = value if isinstance(value, str) else ast.unparse(text)
    else:
        target, anchor = module_of(owner, parsed)
        shown = ast.unparse(owner)
    return Installation(call.lineno, call.col_offset + 1, target, anchor, shown, replacement, scope, handle,
                        owner if owner is not None else text)


def _string_end(node: ast.expr) -> str | None:
    """A literal's text; the literal tail of an f-string (``f"{pkg}.mod.datetime"``); else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[-1], ast.Constant):
        return str(node.values[-1].value)
    return None


def _is_module(args: list[ast.expr], parsed: ParsedFile) -> bool:
    return bool(args) and module_of(args[0], parsed)[0] is not None


def module_of(node: ast.expr, parsed: ParsedFile) -> tuple[str | None, str]:
    """``mod`` -> (``pkg.mod``, anchor) through the file's imports (anchor: the directory a relative import
    starts from); (None, "") when the name is not imported."""
    return module_named(dotted_name(node), parsed)


def module_named(name: str, parsed: ParsedFile) -> tuple[str | None, str]:
    head, _, rest = name.partition(".")
    if head not in parsed.imports:
        return None, ""
    base, anchor = parsed.imports[head]
    return (f"{base}.{rest}" if rest else base), anchor


def path_dotted(path: str) -> str:
    """``tests/helpers.py`` -> ``tests.helpers`` (a package's ``__init__`` is the package)."""
    dotted = path.removesuffix(".py").replace("\\", "/").replace("/", ".").removesuffix(".__init__")
    return dotted.strip(".")


def blocker_line(data: bytes) -> int:
    """The line of the first stub that cannot follow the rewrite, 0 when there is none."""
    blocker = UNFOLLOWABLE_STUB.search(data)
    if blocker is None and _FAKE_CLASS(data):
        blocker = _FAKE_METHOD.search(data)
    return data.count(b"\n", 0, blocker.start()) + 1 if blocker else 0


def aware_form_line(data: bytes) -> int:
    """The line of the first ``utcnow().replace(tzinfo=...)`` in a stubbed module, 0 when there is none."""
    found = _AWARE_FORM.search(data)
    return data.count(b"\n", 0, found.start()) + 1 if found else 0
