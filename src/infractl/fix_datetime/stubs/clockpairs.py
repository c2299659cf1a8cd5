"""Stubs that give ``utcnow`` and ``now`` different meanings: the rewrite cannot follow them.

The rewrite renames a stub of ``utcnow`` into a stub of ``now`` (renames.py) and the code's ``utcnow()``
into ``now(timezone.utc)``. That keeps every test only while the stub means the same by both names. A
test of a local-offset computation (``datetime.now() - datetime.utcnow()``) that stubs ``utcnow`` at
12:00 and ``now`` at 14:00 sees a 2 h offset before the rewrite and 0 after it: both calls reach the
``now`` stub. So a group with such a stub is held (DT107), wherever the two are told apart:

- by attribute: ``m.now.return_value = B`` (or ``side_effect``, or ``m.now = B``) where ``m.utcnow`` is
  given another value or none, in the same function (a fixture and a test are judged apart: held);
- by keyword: ``Mock(utcnow=A, now=B)``, ``patch.multiple(cls, utcnow=A, now=B)``, ``configure_mock``,
  ``**{"now.return_value": B}``;
- by patch target or name: ``patch.object(m, "now", B)``, ``patch("pkg.mod.datetime.now", B)``,
  ``monkeypatch.setattr(m, "now", B)``;
- ``utcnow`` by name: ``setattr(m, "utcnow", ...)`` / ``getattr(m, "utcnow")``, or a name computed in a
  file that spells ``utcnow`` (``for name in ("utcnow", "now")``): renames.py renames attributes and patch
  targets, never a name passed as a string, so such a stub cannot follow even when it gives one value.

Only a receiver given ``utcnow`` (or ``utcfromtimestamp``) somewhere in the file is a clock stub here: a
test that stubs ``django.utils.timezone.now`` beside a datetime stub holds nothing.
A fake class that defines ``now`` or ``utcnow`` is judged by fakes.py (held whatever its bodies say).
Giving both the same value (the same expression) is no difference: such stubs follow.
"""

from __future__ import annotations

import ast

from infractl.load.pyast import dotted_name

PAIRS = {"utcnow": "now", "utcfromtimestamp": "fromtimestamp"}
CLOCK_NAMES = frozenset({*PAIRS, *PAIRS.values()})
_CONFIGURED = frozenset({"return_value", "side_effect"})
# calls whose keywords configure a mock's attributes (``now=`` passed to any other call is an argument)
_CONFIGURING_CALLS = frozenset({"Mock", "MagicMock", "NonCallableMock", "NonCallableMagicMock", "AsyncMock",
                                "create_autospec", "multiple", "configure_mock"})

Where = tuple[int, int, str]  # (line, 1-based column, why)
_AST = ast.AST
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_OWN_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def split_meanings(tree: ast.Module) -> list[Where]:
    """Where a stub in ``tree`` gives ``utcnow`` and ``now`` (``utcfromtimestamp`` and ``fromtimestamp``)
    different meanings, or sets or reads ``utcnow`` by name; empty for nearly every file. Only a receiver
    given ``utcnow`` or ``utcfromtimestamp`` somewhere in the file counts as a clock stub: a stub of
    ``django.utils.timezone.now`` alone is none."""
    spelled, functions = _spelled_and_functions(tree)
    found: list[Where] = []
    scopes = []
    for scope in (tree, *functions):  # the module, then every function: its own statements (_own_nodes)
        values: dict[tuple[str, str], set[str]] = {}  # (receiver, method) -> the values given
        anchors: dict[tuple[str, str], ast.AST] = {}
        for node in _own_nodes(scope):
            for receiver, method, value, anchor in _configurations(node):
                values.setdefault((receiver, method), set()).add(value)
                anchors.setdefault((receiver, method), anchor)
            by_name = _by_name(node, spelled)
            if by_name:
                found.append((node.lineno, node.col_offset + 1, by_name))
        scopes.append((values, anchors))
    clocks = {receiver for values, _ in scopes for receiver, method in values if method in PAIRS}
    for values, anchors in scopes:
        for (receiver, method), given in values.items():
            utc = next((u for u, local in PAIRS.items() if local == method), None)
            if utc is not None and receiver in clocks and values.get((receiver, utc)) != given:
                anchor = anchors[receiver, method]
                shown = f" ({receiver}.{utc}, {receiver}.{method})" if not receiver.startswith("<") else ""
                why = (f"the stub gives {utc} and {method} different values{shown}: renamed onto {method}, "
                       f"the code's {utc}() would change")
                found.append((anchor.lineno, anchor.col_offset + 1, why))
    return sorted(set(found))


def _spelled_and_functions(tree: ast.Module) -> tuple[bool, list]:
    """Whether a string anywhere is ``"utcnow"``/``"utcfromtimestamp"``, and every function: one walk of
    the whole tree for both (they were two ``ast.walk`` passes; with the scopes' own walks, a third)."""
    spelled, functions = False, []
    pending: list = [tree]
    pop, extend, push = pending.pop, pending.extend, pending.append
    while pending:
        node = pop()
        if node.__class__ is ast.Constant:
            spelled = spelled or node.value in PAIRS
            continue
        if isinstance(node, _FUNCTIONS):
            functions.append(node)
        for name in node._fields:
            value = getattr(node, name, None)
            if value.__class__ is list:
                extend([item for item in value if isinstance(item, _AST)])
            elif isinstance(value, _AST):
                push(value)
    return spelled, functions


def _own_nodes(scope):
    """A scope's own nodes, last statement first (the order decides which anchor a stub is reported at): a
    nested function or lambda is not gone into. Children in ``ast.iter_child_nodes``'s order."""
    pending = list(scope.body)
    while pending:
        node = pending.pop()
        yield node
        if isinstance(node, _OWN_SCOPES):
            continue
        for name in node._fields:
            value = getattr(node, name, None)
            if value.__class__ is list:
                pending.extend([item for item in value if isinstance(item, _AST)])
            elif isinstance(value, _AST):
                pending.append(value)


def _configurations(node: ast.AST):
    """(receiver, clock method, value as written, anchor) for each clock method a statement or call gives."""
    if isinstance(node, ast.Assign):
        for target in node.targets:
            if not isinstance(target, ast.Attribute):
                continue
            value = ast.unparse(node.value)
            if target.attr in _CONFIGURED and isinstance(target.value, ast.Attribute) \
                    and target.value.attr in CLOCK_NAMES:
                yield dotted_name(target.value.value), target.value.attr, f"{target.attr}={value}", target
            elif target.attr in CLOCK_NAMES and dotted_name(target.value) not in ("self", "cls", ""):
                yield dotted_name(target.value), target.attr, f"return_value={value}(...)", target
    if not isinstance(node, ast.Call):
        return
    name = dotted_name(node.func)
    own = f"<call {node.lineno}:{node.col_offset}>"  # keywords configure the one object the call makes
    for keyword in node.keywords if name.rsplit(".", 1)[-1] in _CONFIGURING_CALLS else ():
        if keyword.arg in CLOCK_NAMES:
            yield own, keyword.arg, ast.unparse(keyword.value), keyword.value
        elif keyword.arg is None and isinstance(keyword.value, ast.Dict):
            for key, value in zip(keyword.value.keys, keyword.value.values):
                head, _, rest = key.value.partition(".") if isinstance(key, ast.Constant) and isinstance(
                    key.value, str) else ("", "", "")
                if head in CLOCK_NAMES:
                    yield own, head, f"{rest}={ast.unparse(value)}", key
    args = node.args
    given = next((k.value for k in node.keywords if k.arg == "new"), None)
    if name.endswith("patch.object") and len(args) >= 2 and _literal(args[1]) in CLOCK_NAMES:
        new = args[2] if len(args) > 2 else given
        value = ast.unparse(new) if new is not None else own  # patch's own mock: one of its own
        yield dotted_name(args[0]), _literal(args[1]), value, node
    elif name.endswith("setattr") and len(args) >= 3 and _literal(args[1]) in CLOCK_NAMES:
        yield dotted_name(args[0]), _literal(args[1]), ast.unparse(args[2]), node
    elif (name == "patch" or name.endswith(".patch")) and args and isinstance(_literal(args[0]), str):
        receiver, _, method = _literal(args[0]).rpartition(".")
        if method in CLOCK_NAMES and receiver:
            new = args[1] if len(args) > 1 else given
            yield receiver, method, ast.unparse(new) if new is not None else own, node


def _by_name(node: ast.AST, spelled: bool) -> str:
    """Why a ``setattr``/``getattr`` call names a clock method by a string (renames.py renames neither)."""
    if not isinstance(node, ast.Call):
        return ""
    name = dotted_name(node.func).rsplit(".", 1)[-1]
    if name not in ("setattr", "getattr") or not node.args:
        return ""
    if len(node.args) == 2 and name == "setattr":  # monkeypatch.setattr("pkg.mod.datetime.utcnow", fake)
        method = (_literal(node.args[0]) or "").rpartition(".")[2]
        return _named(name, method) if method in PAIRS else ""
    if len(node.args) < 2:
        return ""
    method = _literal(node.args[1])
    if method in PAIRS:  # ``now`` set by name is a configuration (_configurations), judged with utcnow's
        return _named(name, method)
    if method is None and spelled and not isinstance(node.args[1], ast.JoinedStr):
        return (f"it {'sets' if name == 'setattr' else 'reads'} a clock method by a name computed at run time "
                f"({ast.unparse(node.args[1])}), which fix-datetime cannot rename: the stub may give utcnow "
                "and now different values")
    return ""


def _named(call: str, method: str) -> str:
    return (f"it {'sets' if call == 'setattr' else 'reads'} {method} by name ({call}), which fix-datetime "
            "does not rename: the stub may give utcnow and now different values")


def _literal(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None
