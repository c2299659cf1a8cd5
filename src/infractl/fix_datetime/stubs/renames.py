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
``utcnow``. Stubs are renamed in a pass of their own before the main rewrite (see transform.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from infractl.fix_datetime.analyse.analysis import dotted_name as _dotted

RENAMED = {"utcnow": "now", "utcfromtimestamp": "fromtimestamp"}
ARGUMENT_CHECKS = frozenset({"assert_called_with", "assert_called_once_with", "assert_any_call", "assert_has_calls",
                             "call_args", "call_args_list"})


@dataclass
class StubPlan:
    renames: set[cst.CSTNode] = field(default_factory=set)  # Attribute / SimpleString nodes to rename
    # ``m.utcnow()`` called by the test itself, to get what the code got: in the naive-preserving form the
    # code calls ``m.now(tz).replace(tzinfo=None)``, which for a MagicMock is ``m.now().replace()``'s value
    calls: set[cst.Call] = field(default_factory=set)
    problems: list[tuple[cst.CSTNode, str]] = field(default_factory=list)  # (anchor, reason) for DT107


def _string(node) -> str | None:
    if isinstance(node, cst.SimpleString) and node.value[:1] in "'\"":
        return node.value[1:-1]
    return None


def _patch_kind(call) -> str:
    """"patch", "object" or "" for what a call is."""
    if not isinstance(call, cst.Call):
        return ""
    name = _dotted(call.func)
    if name == "patch" or name.endswith(".patch"):
        return "patch"
    if name.endswith("patch.object"):
        return "object"
    return ""


def _injects(call: cst.Call) -> bool:
    """A patch decorator passes the mock as an argument unless it is given ``new``."""
    positional = [a for a in call.args if a.keyword is None]
    limit = 2 if _patch_kind(call) == "patch" else 3
    return len(positional) < limit and not any(a.keyword is not None and a.keyword.value == "new" for a in call.args)


def _mocks_datetime(call) -> bool:
    """``patch("x.datetime")`` / ``patch.object(x, "datetime")``: the result is a mock of datetime."""
    kind = _patch_kind(call)
    if kind == "patch" and call.args:
        target = _string(call.args[0].value)
        return target is not None and (target == "datetime" or target.endswith(".datetime"))
    if kind == "object" and len(call.args) >= 2:
        return _string(call.args[1].value) == "datetime"
    return False


def _unwrap_start(value):
    """``patch(...).start()`` / ``stack.enter_context(patch(...))`` -> the patch call."""
    if isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute):
        if value.func.attr.value == "start":
            return value.func.value
        if value.func.attr.value == "enter_context" and value.args:
            return value.args[0].value
    return value


def _replacement(call: cst.Call) -> str:
    """The name of what stands in for a module's datetime: ``monkeypatch.setattr(mod, "datetime", fake)``,
    ``monkeypatch.setattr("pkg.mod.datetime", fake)``, ``patch("pkg.mod.datetime", fake)`` / ``new=fake``."""
    positional = [a.value for a in call.args if a.keyword is None]
    new = next((a.value for a in call.args if a.keyword is not None and a.keyword.value == "new"), None)
    if _dotted(call.func).rsplit(".", 1)[-1] == "setattr":
        if len(positional) >= 3 and _string(positional[1]) == "datetime":
            return _dotted(positional[2])
        target = _string(positional[0]) if len(positional) == 2 else None
        return _dotted(positional[1]) if target and target.endswith(".datetime") else ""
    if _mocks_datetime(call):
        limit = 1 if _patch_kind(call) == "patch" else 2
        new = positional[limit] if len(positional) > limit else new
        return _dotted(new) if new is not None else ""
    return ""


class _Finder(cst.CSTVisitor):
    """First walk: the names that hold a datetime mock (flat over the file: mock names are distinctive),
    patch targets to rename, fake datetime classes."""

    def __init__(self) -> None:
        self.plan = StubPlan()
        self.names: set[str] = set()  # "m", "self.m"
        self.put_in: set[str] = set()  # names of what replaces a module's datetime
        self.bound: set[str] = set()  # names bound to a class or an import here: not mocks (stubfakes.py)
        self.started: dict[str, str] = {}  # name -> the patcher whose start() gave it

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            self.bound.add(_dotted(alias.asname.name if alias.asname else alias.name).split(".")[0])

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if not isinstance(node.names, cst.ImportStar):
            self.bound.update(_dotted(a.asname.name if a.asname else a.name) for a in node.names)

    # --- where mocks come from ------------------------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        params = [p.name.value for p in node.params.params]
        injected = [d.decorator for d in node.decorators if _patch_kind(d.decorator) and _injects(d.decorator)]
        # the bottom decorator's mock is the first argument after self
        mocks = params[len(params) - len(injected):] if len(params) >= len(injected) else []
        for decorator, param in zip(reversed(injected), mocks):
            if _mocks_datetime(decorator):
                self.names.add(param)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None and _mocks_datetime(_unwrap_start(node.item)):
            self.names.add(_dotted(node.asname.name))

    def visit_Assign(self, node: cst.Assign) -> None:
        if _mocks_datetime(_unwrap_start(node.value)):
            self.names.update(_dotted(target.target) for target in node.targets)
        value = node.value  # ``m = self.patcher.start()``: m is what a patcher kept elsewhere puts in
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) and value.func.attr.value == "start":
            patcher = _dotted(value.func.value)
            if patcher:
                self.started.update((_dotted(target.target), patcher) for target in node.targets)

    # --- string targets, and what replaces datetime ----------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        kind = _patch_kind(node)
        replacement = _replacement(node)
        if replacement:
            self.put_in.add(replacement)
        if kind == "patch" and node.args:
            target = _string(node.args[0].value)
            if target and target.rsplit(".", 1)[-1] in RENAMED and ".datetime." in f".{target}":
                self.plan.renames.add(node.args[0].value)
        elif kind == "object" and len(node.args) >= 2:
            attr = _string(node.args[1].value)
            if attr in RENAMED and _dotted(node.args[0].value).rsplit(".", 1)[-1] == "datetime":
                self.plan.renames.add(node.args[1].value)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.bound.add(node.name.value)
        if not any(_dotted(base.value).rsplit(".", 1)[-1] == "datetime" for base in node.bases):
            return
        for statement in node.body.body:
            if isinstance(statement, cst.FunctionDef) and statement.name.value in RENAMED:
                self.plan.problems.append((statement.name, (f"a fake datetime class defines {statement.name.value}(); "
                                           "the rewritten code calls now(tz), which it does not stub")))


class _Uses(cst.CSTVisitor):
    """Second walk: ``<mock>.utcnow`` / ``<mock>.datetime.utcnow`` uses, once every mock name is known."""

    def __init__(self, names: set[str], plan: StubPlan) -> None:
        self.names, self.plan = names, plan
        self.parents: dict = {}
        self._path: list = []

    def on_visit(self, node) -> bool:
        if self._path:
            self.parents[node] = self._path[-1]
        self._path.append(node)
        return super().on_visit(node)

    def on_leave(self, original_node) -> None:
        super().on_leave(original_node)
        self._path.pop()

    def leave_Attribute(self, original_node: cst.Attribute) -> None:
        node = original_node
        if node.attr.value not in RENAMED:
            return
        receiver = _dotted(node.value)
        owner = receiver.removesuffix(".datetime")
        if not receiver or not ({owner, receiver} & self.names):
            return
        parent = self.parents.get(node)
        use = parent.attr.value if isinstance(parent, cst.Attribute) and parent.value is node else ""
        if use in ARGUMENT_CHECKS:
            self.plan.problems.append((parent, (f"asserts the arguments of {node.attr.value}(); now() is called "
                                       "with timezone.utc")))
            return
        if use == "side_effect":
            statement = self.parents.get(self.parents.get(parent))
            value = statement.value if isinstance(statement, cst.Assign) else None
            if not isinstance(value, (cst.List, cst.Tuple)):
                self.plan.problems.append((parent, "a callable side_effect would now receive timezone.utc"))
                return
        self.plan.renames.add(node)
        if isinstance(parent, cst.Call) and parent.func is node:
            self.plan.calls.add(parent)


def find_stubs(module: cst.Module, extra: frozenset[str] = frozenset(), drop: frozenset[str] = frozenset()) -> StubPlan:
    """``extra``: mocks of datetime named here that another file puts in; ``drop``: names of what this file
    puts in that are not mocks (stubgroups.py). Without them, what is put in counts as a mock unless it is
    a class or an import of this file (the real datetime class is no stub: its own calls are rewritten)."""
    finder = _Finder()
    module.visit(finder)
    finder.names |= {n for n in finder.put_in - drop if n.split(".")[0] not in finder.bound} | extra
    finder.names |= {name for name, patcher in finder.started.items() if patcher in finder.names}
    if finder.names:
        module.visit(_Uses(finder.names, finder.plan))
    return finder.plan


class _Renamer(cst.CSTTransformer):
    def __init__(self, plan: StubPlan, naive: bool) -> None:
        super().__init__()
        self.renames, self.calls, self.naive = plan.renames, plan.calls, naive

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call):
        if self.naive and original_node in self.calls:
            from infractl.fix_datetime.rewrite.cst import strip_tzinfo

            return strip_tzinfo(updated_node)
        return updated_node

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute):
        if original_node in self.renames:
            return updated_node.with_changes(attr=cst.Name(RENAMED[original_node.attr.value]))
        return updated_node

    def leave_SimpleString(self, original_node: cst.SimpleString, updated_node: cst.SimpleString):
        if original_node in self.renames:
            quote, text = updated_node.value[0], updated_node.value[1:-1]
            head, _, last = text.rpartition(".")
            new = f"{head}.{RENAMED[last]}" if head else RENAMED[last]
            return updated_node.with_changes(value=f"{quote}{new}{quote}")
        return updated_node


def rename_stubs(module: cst.Module, plan: StubPlan, naive: bool) -> cst.Module:
    """``naive``: the stubbed code keeps naive values (auto and naive modes keep modules that tests stub
    naive, see transform.py), so a test's own ``m.utcnow()`` becomes ``m.now().replace(tzinfo=None)``."""
    return module.visit(_Renamer(plan, naive)) if plan.renames else module
