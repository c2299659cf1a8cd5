"""A helper that replaces the ``datetime`` of a module it is given: followed to the calls that give it one.

botocore's tests freeze the clock through ``FreezeTime(module=botocore.auth.datetime, date=...)``, whose
``__init__`` does ``mock.patch.object(module, "datetime", ...)``. The target is named at run time, so on
its own the installation may concern any module (groups.py holds every one). But the module is whatever
the callers pass, and the callers are in the project: each call of the helper names its module (a
module imported there). Followed, the installation becomes one per module passed, and the helper's
stub is renamed with the calls of those modules, as for a literal ``patch("pkg.mod.datetime")``.

Only where that is provably the whole story: the target is the helper's own parameter, unchanged in its
body; the helper is a module-level function, or the ``__init__`` of a module-level class (called as the
class); every use of its name in the walked files is a call whose argument for that parameter is a module
imported there, with no ``*args``/``**kwargs``, and whose result is not kept (a stub
the helper hands back could be configured where fix-datetime does not rename it). Anything else gives the
reason, and the installation stays named at run time (held).
"""

from __future__ import annotations

import ast
import dataclasses

from infractl.fix_datetime.stubs.projectfiles import ProjectFiles, module_statements
from infractl.fix_datetime.stubs.targets import Function, Installation, ParsedFile, module_of
from infractl.load.pyast import dotted_name

MAX_CALLERS = 1000  # more calls than this of one helper: not followed (held), rather than slow


def passed_targets(installation: Installation, parsed: ParsedFile, files: ProjectFiles, walked: list[str],
                   shown) -> list[Installation] | str:
    """One installation per module the helper's callers pass (target set), or why it cannot be followed.
    ``walked``: real paths of the files the run walked (the callers are looked for there)."""
    scope, owner = installation.scope, installation.owner
    parameter = _parameter(owner, scope)
    if not parameter:
        return ""  # not a parameter: the run-time reason stands as it is
    callee, index = _callee(scope, parameter, parsed)
    if not callee:
        return f"{scope.name}() is not a function or class __init__ fix-datetime can find the callers of"
    if any(isinstance(n, (ast.Assign, ast.AugAssign, ast.AnnAssign)) and parameter in _bound(n)
           for n in ast.walk(scope)):
        return f"{scope.name}() assigns {parameter} in its body"
    found: list[Installation] = []
    needle = callee.encode()
    for path in walked:
        data = files.data(path)
        if data is None or needle not in data:  # unreadable: the walk reported it
            continue
        caller = files.parsed(path)
        if caller is None:
            return f"{shown(path)} uses {callee} and cannot be parsed"
        calls = _calls(caller, callee, parsed, files, shown)
        if isinstance(calls, str):
            return calls
        for call in calls:
            given = _argument(call, parameter, index)
            where = f"{shown(path)}:{call.lineno}"
            if isinstance(given, str):
                return f"{callee}() at {where}: {given}"
            target, anchor = module_of(given, caller) if isinstance(given, (ast.Name, ast.Attribute)) else (None, "")
            if target is None:
                return f"{callee}() at {where} is given {ast.unparse(given)[:60]}, not a module imported there"
            found.append(dataclasses.replace(installation, target=target, anchor=anchor,
                                             target_text=f"{ast.unparse(given)}, passed at {where}"))
            if len(found) > MAX_CALLERS:
                return f"{callee}() has more than {MAX_CALLERS} calls"
    return found


def _parameter(owner: ast.expr | None, scope: Function | None) -> str:
    """The helper's parameter that is the module whose datetime is replaced, or ""."""
    if owner is None or scope is None:
        return ""
    params = {a.arg for a in (*scope.args.posonlyargs, *scope.args.args, *scope.args.kwonlyargs)}
    return owner.id if isinstance(owner, ast.Name) and owner.id in params else ""


def _callee(scope: Function, parameter: str, parsed: ParsedFile) -> tuple[str, int]:
    """(the name the helper is called by, the parameter's position in a call), or ("", 0)."""
    positional = [a.arg for a in (*scope.args.posonlyargs, *scope.args.args)]
    index = positional.index(parameter) if parameter in positional else -1
    for statement in module_statements(parsed.tree):
        if statement is scope:
            return scope.name, index
        if isinstance(statement, ast.ClassDef) and scope in statement.body and scope.name == "__init__" \
                and not statement.decorator_list:
            return statement.name, index - 1 if index > 0 else -1  # ``self`` is not passed
    return "", 0


def _bound(node: ast.AST) -> set[str]:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}


def _calls(caller: ParsedFile, callee: str, helper: ParsedFile, files: ProjectFiles, shown) -> list[ast.Call] | str:
    """The calls of the helper in ``caller``; the reason when a use of its name is not a plain call."""
    here = caller.path == helper.path
    if not here:
        imported = caller.imports.get(callee)
        module = _module_path(imported[0].rpartition(".")[0], imported[1], caller, files) if imported else None
        defined = any(isinstance(s, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == callee
                      for s in module_statements(caller.tree))
        if module != helper.path and (imported or defined):
            return []  # another object of the same name
        helper_modules = {n for n, (base, anchor) in caller.imports.items()
                          if _module_path(base, anchor, caller, files) == helper.path}
    else:
        helper_modules = set()
    parents = {child: node for node in ast.walk(caller.tree) for child in ast.iter_child_nodes(node)}
    calls = []
    for node in ast.walk(caller.tree):
        named = isinstance(node, ast.Name) and node.id == callee
        through = isinstance(node, ast.Attribute) and node.attr == callee and dotted_name(node.value) in helper_modules
        if not (named or through):
            continue
        if not here and named and callee not in caller.imports:
            return f"{shown(caller.path)}:{node.lineno} uses {callee} without importing it"
        call = parents.get(node)
        if not isinstance(call, ast.Call) or call.func is not node:
            return f"{callee} is used at {shown(caller.path)}:{node.lineno} other than by a call"
        kept = parents.get(call)
        if isinstance(kept, (ast.Assign, ast.AnnAssign, ast.NamedExpr)) or (
                isinstance(kept, ast.withitem) and kept.optional_vars is not None):
            return f"what {callee}() returns is kept at {shown(caller.path)}:{call.lineno}"
        calls.append(call)
    return calls


def _module_path(dotted: str, anchor: str, near: ParsedFile, files: ProjectFiles) -> str | None:
    return files.module_file(dotted, anchor, near.path) if dotted else None


def _argument(call: ast.Call, parameter: str, index: int) -> ast.expr | str:
    if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return "its arguments are unpacked (*args, **kwargs)"
    given = next((k.value for k in call.keywords if k.arg == parameter), None)
    if given is None and 0 <= index < len(call.args):
        given = call.args[index]
    return given if given is not None else f"{parameter} is not given (its default)"
