"""Clock stubs in tests: make what stubbed ``utcnow`` stub ``now`` once the code calls ``now(timezone.utc)``.

Recognised (``patch`` is ``patch``, ``mock.patch``, ``unittest.mock.patch`` or ``mocker.patch``):

- a mock of a ``datetime`` class or module: ``@patch("pkg.mod.datetime")`` (the injected argument),
  ``with patch("pkg.mod.datetime") as m:``, ``m = mocker.patch("pkg.mod.datetime")``,
  ``self.m = patch(...).start()``, ``patch.object(mod, "datetime")``, and a ``fake`` put in with
  ``monkeypatch.setattr(mod, "datetime", fake)`` / ``setattr("pkg.mod.datetime", fake)`` / ``new=fake``;
  then ``m.utcnow`` / ``m.datetime.utcnow`` becomes ``m.now`` (``utcfromtimestamp`` -> ``fromtimestamp``);
- ``patch("pkg.mod.datetime.utcnow")`` targets and ``patch.object(mod.datetime, "utcnow")``.

The code keeps calling the stub: ``now(timezone.utc)`` returns the stub's value, and the naive-preserving
form's ``.replace(tzinfo=None)`` of a fixed naive datetime is that same datetime. What cannot be carried
over is reported (DT107): assertions on the call's arguments (``now`` is called with ``timezone.utc``), a
callable ``side_effect`` (it now receives an argument), or a fake ``datetime`` subclass defining
``utcnow``. Stubs are renamed in a pass of their own before the main rewrite (see phase.py), on ``ast``
and text edits at its places: every byte but the renamed names is kept.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from infractl.fix_datetime.stubs.textplaces import SourceText
from infractl.load.pyast import dotted_name as _dotted

RENAMED = {"utcnow": "now", "utcfromtimestamp": "fromtimestamp"}
ARGUMENT_CHECKS = frozenset({"assert_called_with", "assert_called_once_with", "assert_any_call", "assert_has_calls",
                             "call_args", "call_args_list"})


@dataclass
class StubPlan:
    renames: set[ast.AST] = field(default_factory=set)  # Attribute / Constant (string) nodes to rename
    # ``m.utcnow()`` called by the test itself, to get what the code got: in the naive-preserving form the
    # code calls ``m.now(tz).replace(tzinfo=None)``, which for a MagicMock is ``m.now().replace()``'s value
    calls: set[ast.Call] = field(default_factory=set)
    # (anchor, reason) for DT107; a def as anchor stands for its name
    problems: list[tuple[ast.AST, str]] = field(default_factory=list)


def _arguments(call: ast.Call) -> list[tuple[str | None, ast.expr]]:
    """(keyword, value) of each argument in source order; ``*a`` and ``**k`` have no keyword."""
    args = [(None, a.value if isinstance(a, ast.Starred) else a) for a in call.args]
    keywords = [(k.arg, k.value) for k in call.keywords]
    if keywords and any(isinstance(a, ast.Starred) for a in call.args):  # ``f(k=1, *rest)``: interleaved
        order = [(a.lineno, a.col_offset) for a in call.args] + [(k.lineno, k.col_offset) for k in call.keywords]
        return [arg for _, arg in sorted(zip(order, args + keywords), key=lambda pair: pair[0])]
    return args + keywords


def _patch_kind(call) -> str:
    """"patch", "object" or "" for what a call is."""
    if not isinstance(call, ast.Call):
        return ""
    name = _dotted(call.func)
    if name == "patch" or name.endswith(".patch"):
        return "patch"
    if name.endswith("patch.object"):
        return "object"
    return ""


def _injects(call: ast.Call) -> bool:
    """A patch decorator passes the mock as an argument unless it is given ``new``."""
    arguments = _arguments(call)
    positional = [a for a in arguments if a[0] is None]
    limit = 2 if _patch_kind(call) == "patch" else 3
    return len(positional) < limit and not any(keyword == "new" for keyword, _ in arguments)


def _mocks_datetime(call, text: SourceText) -> bool:
    """``patch("x.datetime")`` / ``patch.object(x, "datetime")``: the result is a mock of datetime."""
    kind = _patch_kind(call)
    arguments = _arguments(call) if kind else []
    if kind == "patch" and arguments:
        target = text.string(arguments[0][1])
        return target is not None and (target == "datetime" or target.endswith(".datetime"))
    if kind == "object" and len(arguments) >= 2:
        return text.string(arguments[1][1]) == "datetime"
    return False


def _unwrap_start(value):
    """``patch(...).start()`` / ``stack.enter_context(patch(...))`` -> the patch call."""
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
        if value.func.attr == "start":
            return value.func.value
        if value.func.attr == "enter_context" and (value.args or value.keywords):
            return _arguments(value)[0][1]
    return value


def _replacement(call: ast.Call, text: SourceText) -> str:
    """The name of what stands in for a module's datetime: ``monkeypatch.setattr(mod, "datetime", fake)``,
    ``monkeypatch.setattr("pkg.mod.datetime", fake)``, ``patch("pkg.mod.datetime", fake)`` / ``new=fake``."""
    setattr_call = _dotted(call.func).rsplit(".", 1)[-1] == "setattr"
    if not setattr_call and not _patch_kind(call):
        return ""
    arguments = _arguments(call)
    positional = [value for keyword, value in arguments if keyword is None]
    new = next((value for keyword, value in arguments if keyword == "new"), None)
    if setattr_call:
        if len(positional) >= 3 and text.string(positional[1]) == "datetime":
            return _dotted(positional[2])
        target = text.string(positional[0]) if len(positional) == 2 else None
        return _dotted(positional[1]) if target and target.endswith(".datetime") else ""
    if _mocks_datetime(call, text):
        limit = 1 if _patch_kind(call) == "patch" else 2
        new = positional[limit] if len(positional) > limit else new
        return _dotted(new) if new is not None else ""
    return ""


# the last name of every call that may install a stub or name a target (``mock.patch``, ``patch.object``,
# ``monkeypatch.setattr``): the other calls of a file need no closer look
_STUBBING_CALLS = frozenset({"patch", "object", "setattr"})
_AST = ast.AST


def _nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node of ``tree`` but the field-less leaves (``Load``, operators): ``ast.walk`` without its
    generator and per-node field iteration, in no particular order."""
    todo, out = [tree], []
    while todo:
        node = todo.pop()
        out.append(node)
        for name in node._fields:
            value = getattr(node, name, None)
            if type(value) is list:
                todo.extend([v for v in value if isinstance(v, _AST) and v._fields])
            elif isinstance(value, _AST) and value._fields:
                todo.append(value)
    return out


class _Finder:
    """One walk: the names that hold a datetime mock (flat over the file: mock names are distinctive),
    patch targets to rename, fake datetime classes, and where each ``x.utcnow`` stands (for ``uses``)."""

    def __init__(self, text: SourceText) -> None:
        self.text = text
        self.plan = StubPlan()
        self.names: set[str] = set()  # "m", "self.m"
        self.put_in: set[str] = set()  # names of what replaces a module's datetime
        self.bound: set[str] = set()  # names bound to a class or an import here: not mocks (fakes.py)
        self.started: list[tuple[tuple[int, int], str, str]] = []  # (place, name, the patcher whose start() gave it)
        self.clock_attrs: list[ast.Attribute] = []  # ``<x>.utcnow`` / ``<x>.utcfromtimestamp``
        self.outer: dict[ast.Attribute, ast.Attribute] = {}  # ``x.utcnow`` -> ``x.utcnow.<use>``
        self.called: dict[ast.Attribute, ast.Call] = {}  # ``x.utcnow`` -> ``x.utcnow(...)``
        self.assigned: dict[ast.Attribute, ast.Assign] = {}  # ``x.utcnow.side_effect`` -> ``... = value``

    def walk(self, tree: ast.Module) -> None:
        for node in _nodes(tree):
            kind = type(node)
            if kind is ast.Attribute:
                if node.attr in RENAMED:
                    self.clock_attrs.append(node)
                if type(node.value) is ast.Attribute and node.value.attr in RENAMED:
                    self.outer[node.value] = node
            elif kind is ast.Call:
                self.call(node)
            elif kind is ast.Assign:
                self.assign(node)
            elif kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
                self.function(node)
            elif kind is ast.withitem:
                if node.optional_vars is not None and _mocks_datetime(_unwrap_start(node.context_expr), self.text):
                    self.names.add(_dotted(node.optional_vars))
            elif kind is ast.ClassDef:
                self.class_def(node)
            elif kind is ast.Import:
                self.bound.update((a.asname or a.name).split(".")[0] for a in node.names)
            elif kind is ast.ImportFrom:
                self.bound.update(a.asname or a.name for a in node.names if a.name != "*")

    # --- where mocks come from ------------------------------------------------------------------------
    def function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        params = [p.arg for p in node.args.args]
        injected = [d for d in node.decorator_list if _patch_kind(d) and _injects(d)]
        # the bottom decorator's mock is the first argument after self
        mocks = params[len(params) - len(injected):] if len(params) >= len(injected) else []
        for decorator, param in zip(reversed(injected), mocks):
            if _mocks_datetime(decorator, self.text):
                self.names.add(param)

    def assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            if type(target) is ast.Attribute:
                self.assigned[target] = node
        if _mocks_datetime(_unwrap_start(node.value), self.text):
            self.names.update(_dotted(target) for target in node.targets)
        value = node.value  # ``m = self.patcher.start()``: m is what a patcher kept elsewhere puts in
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "start":
            patcher = _dotted(value.func.value)
            if patcher:
                place = (node.lineno, node.col_offset)
                self.started.extend((place, _dotted(target), patcher) for target in node.targets)

    # --- string targets, and what replaces datetime ----------------------------------------------------
    def call(self, node: ast.Call) -> None:
        func = node.func
        last = func.attr if type(func) is ast.Attribute else func.id if type(func) is ast.Name else ""
        if last in RENAMED:
            self.called[func] = node
        if last not in _STUBBING_CALLS:
            return
        kind = _patch_kind(node)
        replacement = _replacement(node, self.text)
        if replacement:
            self.put_in.add(replacement)
        if not kind:
            return
        arguments = _arguments(node)
        if kind == "patch" and arguments:
            target = self.text.string(arguments[0][1])
            if target and target.rsplit(".", 1)[-1] in RENAMED and ".datetime." in f".{target}":
                self.plan.renames.add(arguments[0][1])
        elif kind == "object" and len(arguments) >= 2:
            attr = self.text.string(arguments[1][1])
            if attr in RENAMED and _dotted(arguments[0][1]).rsplit(".", 1)[-1] == "datetime":
                self.plan.renames.add(arguments[1][1])

    def class_def(self, node: ast.ClassDef) -> None:
        self.bound.add(node.name)
        bases = (base.value if isinstance(base, ast.Starred) else base for base in node.bases)  # as libcst's Args
        if not any(_dotted(base).rsplit(".", 1)[-1] == "datetime" for base in bases):
            return
        for statement in node.body:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name in RENAMED:
                self.plan.problems.append((statement, (f"a fake datetime class defines {statement.name}(); "
                                           "the rewritten code calls now(tz), which it does not stub")))

    # --- second step: ``<mock>.utcnow`` / ``<mock>.datetime.utcnow`` uses, once every mock name is known ---
    def uses(self) -> None:
        names, plan = self.names, self.plan
        for node in self.clock_attrs:
            receiver = _dotted(node.value)
            owner = receiver.removesuffix(".datetime")
            if not receiver or not ({owner, receiver} & names):
                continue
            parent = self.outer.get(node)
            use = parent.attr if parent is not None else ""
            if use in ARGUMENT_CHECKS:
                plan.problems.append((parent, (f"asserts the arguments of {node.attr}(); now() is called "
                                      "with timezone.utc")))
                continue
            if use == "side_effect":
                statement = self.assigned.get(parent)
                if statement is None or not isinstance(statement.value, (ast.List, ast.Tuple)):
                    plan.problems.append((parent, "a callable side_effect would now receive timezone.utc"))
                    continue
            plan.renames.add(node)
            if node in self.called:
                plan.calls.add(self.called[node])


def find_stubs(tree: ast.Module, text: SourceText, extra: frozenset[str] = frozenset(),
               drop: frozenset[str] = frozenset()) -> StubPlan:
    """``extra``: mocks of datetime named here that another file puts in; ``drop``: names of what this file
    puts in that are not mocks (groups.py). Without them, what is put in counts as a mock unless it is
    a class or an import of this file (the real datetime class is no stub: its own calls are rewritten)."""
    finder = _Finder(text)
    finder.walk(tree)
    finder.names |= {n for n in finder.put_in - drop if n.split(".")[0] not in finder.bound} | extra
    started = {name: patcher for _, name, patcher in sorted(finder.started, key=lambda s: s[0])}  # last wins
    finder.names |= {name for name, patcher in started.items() if patcher in finder.names}
    if finder.names:
        finder.uses()
    return finder.plan


def rename_stubs(text: SourceText, plan: StubPlan, naive: bool) -> str:
    """The code with ``plan``'s stubs renamed. ``naive``: the stubbed code keeps naive values (auto and naive
    modes keep modules that tests stub naive, see transform.py), so a test's own ``m.utcnow()`` becomes
    ``m.now().replace(tzinfo=None)``."""
    if not plan.renames:
        return text.code
    edits: list[tuple[int, int, str]] = []
    for node in plan.renames:
        end = text.end(node)
        if isinstance(node, ast.Attribute):
            edits.append((end - len(node.attr), end, RENAMED[node.attr]))
        else:  # a string target: its last dotted part, before the closing quote
            last = text.string(node).rpartition(".")[2]
            edits.append((end - 1 - len(last), end - 1, RENAMED[last]))
    if naive:
        edits.extend((text.end(call), text.end(call), ".replace(tzinfo=None)") for call in plan.calls)
    code = text.code
    pieces, at = [], 0
    for start, end, new in sorted(edits):
        pieces += [code[at:start], new]
        at = end
    return "".join(pieces) + code[at:]
