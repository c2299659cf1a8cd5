"""What a test puts in place of a module's ``datetime``, resolved inside the project.

The fake is often defined in another file than the one that puts it in: a ``FakeDatetime`` class in
``conftest.py`` or ``tests/helpers.py``, imported; a fixture in ``conftest.py`` that returns it (the test
only names the fixture); a helper function that builds a configured ``MagicMock``. This follows a name
through the installing file (its function's local assignments, its parameters as pytest fixtures, its
module-level definitions, its imports) into the project's other files (projectfiles.py finds modules,
conftest.py files and the fixtures in them).

The verdict (``Replacement``) follows the existing stub logic: a mock follows the rewrite (its
``utcnow`` stubs are renamed, wherever it is configured: ``mocks``), so does a class that overrides none
of ``utcnow``, ``utcfromtimestamp``, ``now``, ``fromtimestamp`` (the rewritten code's ``now(tz)`` is the
real one, as its ``utcnow()`` was), and the real ``datetime``. Anything else cannot follow, with the
reason: a class that overrides one of those, a base class or a value from outside the project (freezegun's
``FakeDatetime`` too: its ``now(tz)`` adds the freeze's ``tz_offset``, its ``utcnow()`` does not), a
parameter of a helper, a fixture that is not found, an expression that is not a name, a class or a call
of a project function.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from infractl.fix_datetime.stubs.projectfiles import (
    ProjectFiles,
    assigned,
    fixture_named,
    is_fixture,
    module_statements,
)
from infractl.fix_datetime.stubs.targets import Function, Installation, ParsedFile
from infractl.load.pyast import dotted_name

MOCK_FACTORIES = frozenset({"Mock", "MagicMock", "NonCallableMock", "NonCallableMagicMock", "AsyncMock",
                            "create_autospec"})
CLOCK_METHODS = {"utcnow": "now", "utcfromtimestamp": "fromtimestamp", "now": "utcnow",
                 "fromtimestamp": "utcfromtimestamp"}
FOLLOWING = frozenset({"datetime", "datetime.datetime"})
# fakes from outside the project whose now(tz) is not utcnow() made aware: held, saying why
NOT_FOLLOWING = {
    "freezegun.api.FakeDatetime": "freezegun's FakeDatetime: its now(tz) adds the freeze's tz_offset (and "
                                  "raises outside a freeze) while its utcnow() does not",
}
MAX_STEPS = 12


@dataclass
class Replacement:
    follows: bool
    reason: str = ""  # why it cannot follow
    at: tuple[str, int] | None = None  # (real path, line) of what cannot follow, when it is a definition
    mocks: dict[str, set[str]] = field(default_factory=dict)  # real path -> mocks of datetime named there
    mock: bool = False  # it is a mock (its uses where it is put in are stubs to rename)
    # what cannot follow only for these kinds of site ("utcnow", "utcfromtimestamp"); empty: for every site
    kinds: frozenset[str] = frozenset()


def _hold(reason: str, at: tuple[str, int] | None = None) -> Replacement:
    return Replacement(False, reason, at)


def _all(results: list[Replacement]) -> Replacement:
    blocked = next((r for r in results if not r.follows), None)
    if blocked is not None:
        return blocked
    merged = Replacement(True, mock=any(r.mock for r in results))
    for result in results:
        for path, names in result.mocks.items():
            merged.mocks.setdefault(path, set()).update(names)
    return merged


class Resolver:
    def __init__(self, files: ProjectFiles, shown) -> None:
        self.files = files
        self.shown = shown  # real path -> the path as reported

    def replacement(self, installation: Installation, parsed: ParsedFile) -> Replacement:
        if installation.replacement is None:
            return Replacement(True, mock=True)  # patch's own MagicMock
        return self._expr(installation.replacement, parsed, installation.scope, 0)

    # --- expressions ------------------------------------------------------------------------------------
    def _expr(self, node: ast.expr, parsed: ParsedFile, scope: Function | None, steps: int) -> Replacement:
        if steps > MAX_STEPS:
            return _hold(f"{ast.unparse(node)} takes too many steps to follow")
        if isinstance(node, ast.Name):
            return self._name(node.id, parsed, scope, steps + 1)
        if isinstance(node, ast.Attribute):
            return self._attribute(node, parsed, scope, steps + 1)
        if isinstance(node, ast.Call):
            return self._call(node, parsed, scope, steps + 1)
        return _hold(f"what is put in ({ast.unparse(node)[:60]}) cannot be followed")

    def _call(self, node: ast.Call, parsed: ParsedFile, scope: Function | None, steps: int) -> Replacement:
        name = dotted_name(node.func)
        kind = "object" if name.endswith("patch.object") else name.rsplit(".", 1)[-1]
        if kind in ("patch", "object"):  # ``with patch(target[, new]) as m``: m is new, else patch's mock
            given = [*node.args[1 if kind == "patch" else 2:][:1], *(k.value for k in node.keywords if k.arg == "new")]
            return self._expr(given[0], parsed, scope, steps) if given else Replacement(True, mock=True)
        if kind in MOCK_FACTORIES:
            return Replacement(True, mock=True)
        found = self._definition(name, parsed, scope, steps)
        if isinstance(found, tuple) and isinstance(found[0], (ast.FunctionDef, ast.AsyncFunctionDef)):
            return self._returns(found[0], found[1], steps + 1)
        if isinstance(found, tuple) and isinstance(found[0], ast.ClassDef):
            return self._class(found[0], found[1], steps + 1)  # an instance has its class's methods
        if found == "real" and name.rsplit(".", 1)[-1] == "datetime":
            return Replacement(True)  # a datetime instance: its classmethods are the real ones
        return _hold(f"{name or ast.unparse(node.func)}() is not a function of the project fix-datetime can follow")

    def _attribute(self, node: ast.Attribute, parsed: ParsedFile, scope: Function | None, steps: int) -> Replacement:
        if isinstance(node.value, ast.Name) and node.value.id == "self" and scope is not None:
            values = _self_values(parsed, scope, node.attr)  # set in setUp() or another method of the class
            if values:
                results = [self._expr(value, parsed, method, steps) for method, value in values]
                return self._named(_all(results), f"self.{node.attr}", parsed)
        found = self._definition(dotted_name(node), parsed, scope, steps)
        if isinstance(found, Replacement):
            return found
        if found == "real":
            return Replacement(True)
        return self._judge(found, steps)

    def _name(self, name: str, parsed: ParsedFile, scope: Function | None, steps: int) -> Replacement:
        if scope is not None:
            local = next((n for n in _own_nodes(scope) if isinstance(n, (ast.ClassDef, ast.FunctionDef,
                                                                         ast.AsyncFunctionDef)) and n.name == name), None)
            if local is not None:  # a class (or function) defined in the fixture or test itself
                return self._judge((local, parsed), steps)
            values = _local_values(scope, name)
            if values:
                results = [self._expr(v, parsed, scope, steps) for v in values]
                return self._named(_all(results), name, parsed)
            if name in _injected(scope):  # a mock a patch decorator passes in
                return self._named(Replacement(True, mock=True), name, parsed)
            if name in _parameters(scope):
                if not _takes_fixtures(scope):
                    return _hold(f"{name} comes in as an argument of {scope.name}()")
                return self._fixture(name, parsed, steps)
        found = self._definition(name, parsed, None, steps)
        if isinstance(found, Replacement):
            return self._named(found, name, parsed)
        return Replacement(True) if found == "real" else self._judge(found, steps)

    def _named(self, result: Replacement, name: str, parsed: ParsedFile) -> Replacement:
        """A mock bound to a name here is configured through that name: its stubs here are renamed."""
        if result.follows and result.mock:
            result.mocks.setdefault(parsed.path, set()).add(name)
        return result

    def _judge(self, found, steps: int) -> Replacement:
        if isinstance(found, str):
            return _hold(found)
        node, parsed = found
        if isinstance(node, ast.ClassDef):
            return self._class(node, parsed, steps)
        where = f"{self.shown(parsed.path)}:{node.lineno}"
        return _hold(f"{getattr(node, 'name', 'it')} ({where}) is not a class or a mock", (parsed.path, node.lineno))

    # --- definitions ------------------------------------------------------------------------------------
    def _definition(self, dotted: str, parsed: ParsedFile, scope: Function | None, steps: int):
        """What a (dotted) name means at module level: (node, file) for a def or class, a Replacement for a
        value assigned, "real" for the standard library's datetime (or a known follower), or the reason."""
        if not dotted:
            return "what is put in is not a name fix-datetime can follow"
        if steps > MAX_STEPS:
            return f"{dotted} takes too many steps to follow"
        head, _, rest = dotted.partition(".")
        for statement in module_statements(parsed.tree):
            if isinstance(statement, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name == head:
                return (statement, parsed) if not rest else f"{dotted} is an attribute fix-datetime cannot follow"
            if isinstance(statement, (ast.Assign, ast.AnnAssign)) and head in assigned(statement) and not rest:
                return self._named(self._expr(statement.value, parsed, None, steps + 1), head, parsed)
        if head not in parsed.imports:
            return f"{dotted} is not defined or imported in {self.shown(parsed.path)}"
        base, anchor = parsed.imports[head]
        full = f"{base}.{rest}" if rest else base
        if not anchor and full in FOLLOWING:
            return "real"
        if not anchor and full in NOT_FOLLOWING:
            return NOT_FOLLOWING[full]
        module, attribute = full, ""
        while module:  # the longest prefix that is a module of the project; the rest is looked up there
            path = self.files.module_file(module, anchor, parsed.path)
            if path is not None:
                target = self.files.parsed(path)
                if target is None:
                    return f"{self.shown(path)} cannot be parsed"
                if not attribute:
                    return f"{dotted} is a module ({self.shown(path)}), not a class or a mock"
                return self._definition(attribute, target, None, steps + 1)
            module, _, last = module.rpartition(".")
            attribute = f"{last}.{attribute}".strip(".")
        return f"{dotted} comes from {full.rsplit('.', 1)[0] or full}, outside the project: what it stubs cannot be told"

    def _class(self, node: ast.ClassDef, parsed: ParsedFile, steps: int) -> Replacement:
        """A class that defines a clock method cannot follow the sites of that pair only: one that defines
        ``fromtimestamp`` changes nothing for ``utcnow()`` sites (``kinds``)."""
        where = f"{self.shown(parsed.path)}:{node.lineno}"
        blocked: Replacement | None = None
        for statement in node.body:
            names = [statement.name] if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) else (
                assigned(statement) if isinstance(statement, (ast.Assign, ast.AnnAssign)) else [])
            for name in (n for n in names if n in CLOCK_METHODS):
                other = CLOCK_METHODS[name]
                why = (f"the rewritten code calls {other}(tz), which it does not stub" if name.startswith("utc")
                       else f"the rewritten code would call it in place of the real {other}()")
                blocked = blocked or _hold(f"{node.name} ({where}) defines {name}(): {why}",
                                           (parsed.path, statement.lineno))
                blocked.kinds |= {"utcfromtimestamp" if "fromtimestamp" in name else "utcnow"}
        if any(k.arg == "metaclass" for k in node.keywords):
            return _hold(f"{node.name} ({where}) has a metaclass fix-datetime cannot see into", (parsed.path, node.lineno))
        for base in node.bases:
            name = dotted_name(base)
            if name == "object":
                continue
            found = self._definition(name, parsed, None, steps + 1)
            if found == "real":
                continue
            if isinstance(found, tuple) and isinstance(found[0], ast.ClassDef):
                result = self._class(found[0], found[1], steps + 1)
                if not result.follows and not result.kinds:
                    return result
                if not result.follows:
                    blocked = blocked or result
                    blocked.kinds |= result.kinds
                continue
            return _hold(f"{node.name} ({where}) derives from {name or ast.unparse(base)}, which fix-datetime "
                         "cannot see into", (parsed.path, node.lineno))
        return blocked or Replacement(True)

    # --- fixtures ---------------------------------------------------------------------------------------
    def _fixture(self, name: str, parsed: ParsedFile, steps: int) -> Replacement:
        for module in self.files.fixture_modules(parsed):
            found = fixture_named(module, name)
            if found is not None:
                return self._named(self._returns(found, module, steps + 1), name, parsed)
        return _hold(f"the fixture {name} is not defined in {self.shown(parsed.path)} or a conftest.py above it")

    def _returns(self, function: Function, parsed: ParsedFile, steps: int) -> Replacement:
        values = [n.value for n in _own_nodes(function) if isinstance(n, (ast.Return, ast.Yield)) and n.value]
        if not values:
            return _hold(f"{function.name}() ({self.shown(parsed.path)}:{function.lineno}) returns nothing "
                         "fix-datetime can follow")
        return _all([self._expr(v, parsed, function, steps) for v in values])


def _takes_fixtures(function: Function) -> bool:
    return function.name.startswith("test") or is_fixture(function)


def _injected(function: Function) -> list[str]:
    """The parameters a ``@patch(...)`` decorator (without ``new``) fills: mock passes its mocks as the first
    positional arguments after ``self``."""
    count = 0
    for decorator in function.decorator_list:
        name = dotted_name(decorator.func) if isinstance(decorator, ast.Call) else ""
        positional = len(decorator.args) if isinstance(decorator, ast.Call) else 0
        if name == "patch" or name.endswith(".patch"):
            count += positional < 2 and not any(k.arg == "new" for k in decorator.keywords)
        elif name.endswith("patch.object"):
            count += positional < 3 and not any(k.arg == "new" for k in decorator.keywords)
    params = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
    return params[1 if params[:1] in (["self"], ["cls"]) else 0:][:count]


def _self_values(parsed: ParsedFile, function: Function, attribute: str) -> list[tuple[Function, ast.expr]]:
    """What the methods of ``function``'s class assign to ``self.<attribute>``."""
    owner = next((n for n in ast.walk(parsed.tree) if isinstance(n, ast.ClassDef) and function in n.body), None)
    found = []
    for method in owner.body if owner is not None else []:
        if isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found += [(method, n.value) for n in _own_nodes(method) if isinstance(n, ast.Assign) and any(
                dotted_name(t) == f"self.{attribute}" for t in n.targets)]
    return found


def _parameters(function: Function) -> set[str]:
    args = function.args
    return {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}


def _own_nodes(function: Function):
    """The nodes of a function's body, not those of functions or classes nested in it."""
    pending = list(function.body)
    while pending:
        node = pending.pop()
        yield node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            pending.extend(ast.iter_child_nodes(node))


def _local_values(function: Function, name: str) -> list[ast.expr]:
    """What a function binds ``name`` to: assignments and ``with ... as name``."""
    values = []
    for node in _own_nodes(function):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and name in assigned(node) and node.value is not None:
            values.append(node.value)
        elif isinstance(node, ast.withitem) and dotted_name(node.optional_vars) == name:
            values.append(node.context_expr)
    return values
