"""libcst's ScopeProvider, rebuilt on ``ast``: which names a scope sees and what they mean.

The analysis used ``libcst.metadata.ScopeProvider`` and ``Scope.get_qualified_names_for``; this module
keeps their semantics (its quirks included: the outputs must stay byte for byte what they were) so the
analysis can move to ``ast`` unchanged in meaning:

- a scope's assignments and accesses are ordered by an assignment counter, so an access sees only the
  assignments made before it in its own scope (``x = x + 1`` reads the outer ``x``);
- a class scope is invisible from the scopes nested in it; ``global``/``nonlocal`` redirect assignments;
- a dotted import (``import os.path``) binds ``os.path`` and ``os``; an access ``os.path.join`` is the
  access of the longest bound prefix (``os.path``), whose node is then that Attribute;
- names in string annotations are accesses whose node is the string.

``Scopes(tree)`` walks once (``scopewalk.py``) and then resolves the accesses, as ``infer_accesses`` did.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Iterable


class Access:
    """A use of a name: ``node`` is the Name, the bound dotted Attribute (``os.path`` of ``os.path.join``
    after ``import os.path``) or the string annotation holding it; for a match pattern's name (libcst
    reads those as loads) the MatchAs/MatchStar/MatchMapping/MatchClass pattern, as ast has no node for it."""

    __slots__ = ("index", "node", "referents", "scope")

    def __init__(self, node: ast.AST, scope: Scope) -> None:
        self.node = node
        self.scope = scope
        self.index = scope.count
        self.referents: dict[Assignment, None] = {}  # insertion-ordered set

    def record_assignments(self, name: str) -> None:
        scope = self.scope
        assignments = scope.resolve(name, scope)
        previous = [a for a in assignments if a.scope is not scope or a.index < self.index]
        if not previous and assignments and scope.parent is not scope:
            previous = scope.parent.resolve(name, scope)
        self.referents.update(dict.fromkeys(previous))


class Assignment:
    """A binding of ``name`` in ``scope``. ``node``: the Import/ImportFrom statement, the FunctionDef/
    ClassDef, the Name stored to, the ``ast.arg`` of a parameter, the ExceptHandler of ``except E as e``;
    None for a builtin."""

    __slots__ = ("_refs", "_sorted", "imported", "index", "name", "node", "scope")

    def __init__(self, name: str, scope: Scope, node: ast.AST | None, index: int,
                 imported: bool = False) -> None:
        self.name, self.scope, self.node, self.index, self.imported = name, scope, node, index, imported
        self._refs: dict[Access, None] = {}
        self._sorted: list[Access] | None = None

    @property
    def references(self) -> list[Access]:
        """The accesses of this binding, in source order."""
        if self._sorted is None:
            self._sorted = sorted(self._refs, key=_position)
        return self._sorted

    def record_accesses(self, accesses: Iterable[Access]) -> None:
        later, earlier = [], []
        for access in accesses:
            (later if access.scope is not self.scope or self.index < access.index else earlier).append(access)
        if later:
            self._refs.update(dict.fromkeys(later))
            self._sorted = None
        scope = self.scope
        if earlier and scope.parent is not scope:
            # used before this binding: those uses belong to the same name one scope out
            for shadowed in scope.parent.resolve(self.name, scope.parent):
                shadowed.record_accesses(earlier)

    def qualified_names(self, full_name: str) -> set[str]:
        if self.node is None:
            return {f"builtins.{self.name}"}
        if self.imported:
            return _imported_names(self.node, full_name)
        prefix = self.scope.prefix
        return {f"{prefix}.{full_name}" if prefix else full_name}


def _position(access: Access) -> tuple[int, int]:
    node = access.node
    return node.lineno, node.col_offset


def _imported_names(statement: ast.Import | ast.ImportFrom, full_name: str) -> set[str]:
    """libcst's ImportAssignment.get_qualified_names_for: what ``full_name`` means through the import."""
    module = ""
    if isinstance(statement, ast.ImportFrom):
        module = "." * statement.level + (statement.module or "")
    results = set()
    for alias in statement.names:
        parts = alias.name.split(".")
        for i in range(len(parts), 0, -1):
            real_name = as_name = ".".join(parts[:i])
            if module.endswith("."):
                real_name = f"{module}{real_name}"
            elif module:
                real_name = f"{module}.{real_name}"
            if alias.asname:
                as_name = alias.asname
            if full_name.startswith(as_name):
                remaining = full_name[len(as_name):]
                if remaining and not remaining.startswith("."):
                    continue
                remaining = remaining.lstrip(".")
                results.add(f"{real_name}.{remaining}" if remaining else real_name)
                break
    return results


def full_name(node: ast.AST | str) -> str | None:
    """libcst's get_full_name_for_node on ast: ``a.b.c`` for a chain, a call's callee, a subscript's value.
    An Attribute on something unnamed is ``None.attr``, as libcst spells it (and then resolves it)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, str):
        return node
    if isinstance(node, ast.Attribute):
        return f"{full_name(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return full_name(node.func)
    if isinstance(node, ast.Subscript):
        return full_name(node.value)
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return node.name
    return None


class Scope:
    """One scope: ``kind`` is "builtin", "global", "class", "function" (lambdas too) or "comprehension";
    ``node`` the Module, FunctionDef, Lambda, ClassDef or comprehension that makes it (None: builtins)."""

    __slots__ = (
        "accesses_by_node",
        "assignments",
        "count",
        "globals",
        "kind",
        "name",
        "node",
        "overwrites",
        "parent",
        "prefix",
    )

    def __init__(self, kind: str, node: ast.AST | None, parent: Scope | None,
                 name: str | None = None) -> None:
        self.kind, self.node, self.name = kind, node, name
        self.parent = parent if parent is not None else self
        self.globals = self if kind == "global" else (parent.globals if parent is not None else None)
        self.count = 0  # the assignment counter: orders assignments and accesses within the scope
        self.assignments: dict[str, list[Assignment]] = {}
        self.overwrites: dict[str, Scope] = {}  # global/nonlocal declarations
        self.accesses_by_node: dict[ast.AST, list[Access]] = {}
        outer = parent.prefix if parent is not None else ""
        if kind == "function":
            self.prefix = ".".join(filter(None, [outer, name, "<locals>"]))
        elif kind == "class":
            self.prefix = ".".join(filter(None, [outer, name]))
        elif kind == "comprehension":
            self.prefix = ".".join(filter(None, [outer, "<comprehension>"]))
        else:
            self.prefix = ""

    def __repr__(self) -> str:
        return f"<Scope {self.kind} {self.prefix or self.name or ''}>"

    # --- visibility --------------------------------------------------------------------------------------
    def _next_visible_parent(self, first: Scope | None = None) -> Scope:
        """A class's names are not visible from the scopes nested in it: skip class scopes."""
        parent = first if first is not None else self.parent
        while parent.kind == "class":
            parent = parent.parent
        return parent

    def __contains__(self, name: str) -> bool:
        kind = self.kind
        if kind == "builtin":
            return hasattr(builtins, name)
        if kind != "global" and name in self.overwrites:
            return name in self.overwrites[name]
        if self.assignments.get(name):
            return True
        return name in self._next_visible_parent()

    def __getitem__(self, name: str) -> list[Assignment]:
        return self.resolve(name, self)

    def resolve(self, name: str, from_scope: Scope) -> list[Assignment]:
        """The assignments ``name`` may mean, looked up from ``from_scope`` (libcst's
        ``_resolve_scope_for_access``)."""
        own = self.assignments.get(name)
        if self.kind == "builtin":
            if own is None and hasattr(builtins, name):
                own = self.assignments[name] = [Assignment(name, self, None, -1)]
            return own or []
        if self.kind != "global" and name in self.overwrites:
            return self._next_visible_parent(self.overwrites[name]).resolve(name, from_scope)
        if own is not None:
            return own
        return self._next_visible_parent().resolve(name, from_scope)

    # --- recording (the walk) ----------------------------------------------------------------------------
    def target_for(self, name: str) -> Scope:
        """Where an assignment of ``name`` here lands (``global``/``nonlocal`` move it out)."""
        if self.kind != "global" and name in self.overwrites:
            return self._next_visible_parent(self.overwrites[name]).target_for(name)
        return self

    def record_assignment(self, name: str, node: ast.AST, imported: bool = False) -> None:
        target = self.target_for(name)
        target.assignments.setdefault(name, []).append(Assignment(name, target, node, target.count, imported))

    # --- qualified names ---------------------------------------------------------------------------------
    def qualified_names(self, node: ast.AST | str) -> set[str]:
        """libcst's ``get_qualified_names_for`` as plain strings, e.g. {"datetime.datetime.utcnow"}."""
        accesses = self.accesses_by_node.get(node) if not isinstance(node, str) else None
        if accesses:
            return {q for access in accesses for referent in access.referents
                    for q in referent.qualified_names(referent.name)}
        name = full_name(node)
        if name is None:
            return set()
        assignments: list[Assignment] = []
        prefix: str | None = name
        while prefix:
            if prefix in self:
                assignments = self[prefix]
                break
            cut = prefix.rfind(".")
            prefix = None if cut == -1 else prefix[:cut]
        if not isinstance(node, str):
            for assignment in assignments:
                if assignment.node is not None and assignment.node is node:
                    return assignment.qualified_names(name)
        results: set[str] = set()
        for assignment in assignments:
            results |= assignment.qualified_names(name)
        return results


class Scopes:
    """The scopes of one module: ``of(node)`` for every statement and expression, ``names_of(node)``."""

    def __init__(self, tree: ast.Module) -> None:
        from infractl.fix_datetime.syntax.scopewalk import walk

        self.global_scope = Scope("global", tree, None)
        self.global_scope.parent = Scope("builtin", None, None)
        self.global_scope.parent.globals = self.global_scope
        self._scope_of: dict[ast.AST, Scope] = {}
        accesses, dotted = walk(tree, self.global_scope, self._scope_of)
        _infer_accesses(accesses, dotted)

    def of(self, node: ast.AST) -> Scope | None:
        """The scope ``node`` is evaluated in (a decorator, a default, a base class: the enclosing one)."""
        return self._scope_of.get(node)

    def names_of(self, node: ast.AST) -> set[str]:
        """Qualified names of a Name/Attribute, e.g. {"datetime.datetime.utcnow"}; empty if unknown."""
        scope = self._scope_of.get(node)
        return scope.qualified_names(node) if scope is not None else set()


def _dotted(node: ast.AST) -> list[tuple[str, ast.AST]]:
    """libcst's ``_gen_dotted_names``: ``a.b.c`` -> [("a.b.c", <a.b.c>), ("a.b", <a.b>), ("a", <a>)]."""
    if isinstance(node, ast.Name):
        return [(node.id, node)]
    value = node.value
    if isinstance(value, ast.Call):
        func = value.func
        return _dotted(func) if isinstance(func, (ast.Attribute, ast.Name)) else []
    if isinstance(value, (ast.Attribute, ast.Name)):
        inner = _dotted(value)
        if not inner:
            return []
        return [(f"{inner[0][0]}.{node.attr}", node), *inner]
    return []


def _infer_accesses(deferred: list[tuple[str, Access, ast.AST | None, ast.AST | None]],
                    bound: set[str]) -> None:
    """libcst's ``infer_accesses``: each access finds its name (the longest bound dotted prefix) and its
    assignments; then each assignment takes the accesses of its name from every scope that sees it.
    Only a dotted name some import bound can be in a scope (and the plain name, last, changes nothing), so
    chains are looked at only when the module has dotted imports."""
    by_scope_name: dict[tuple[Scope, str], list[Access]] = {}
    for name, access, attribute, string in deferred:
        scope = access.scope
        if attribute is not None and bound:
            for dotted, node in _dotted(attribute):
                if dotted in bound and dotted in scope:
                    access.node, name = node, dotted
                    break
        if string is not None:
            access.node = string
        by_scope_name.setdefault((scope, name), []).append(access)
        access.record_assignments(name)
        scope.accesses_by_node.setdefault(access.node, []).append(access)
    for (scope, name), accesses in by_scope_name.items():
        for assignment in list(scope.resolve(name, scope)):
            assignment.record_accesses(accesses)
