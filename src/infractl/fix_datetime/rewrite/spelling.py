"""Decide how each rewrite spells UTC, reusing the file's own bindings before adding an import.

Order of preference at a call site (each binding must be visible there and bound at runtime, i.e. not
only under ``if TYPE_CHECKING:``):

1. an existing ``UTC`` binding from datetime (py311+ targets only), then an existing ``timezone`` one;
2. the module binding the call already uses (``dt.datetime.utcnow()`` -> ``dt.timezone.utc`` / ``dt.UTC``),
   or any other ``import datetime [as x]`` binding;
3. a new name merged into the ``from datetime import ...`` that binds the receiver (so a function-local
   import gets it locally), else into a module-level one, else a new ``from datetime import ...`` line.
   The new name must be free everywhere it would be seen; ``timezone`` taken by e.g. django becomes
   ``timezone as dt_timezone``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from infractl.fix_datetime.analyse.analysis import DatetimeImport
from infractl.fix_datetime.syntax.scopes import Scope

MODULE_LEVEL = None  # import target meaning "a new statement at module level"


@dataclass(eq=False)
class ImportPlan:
    """Names to add: per existing ImportFrom node (merge), or under MODULE_LEVEL (new statement)."""

    merges: dict[ast.ImportFrom | None, list[tuple[str, str | None]]] = field(default_factory=dict)
    # (binding scope, bound name) for every planned name, so later sites reuse it
    planned: list[tuple[Scope, str, str]] = field(default_factory=list)


def scope_chain(scope: Scope) -> list[Scope]:
    chain = []
    while scope is not None and scope.kind != "builtin":
        chain.append(scope)
        scope = scope.parent
    return chain


class Speller:
    def __init__(self, imports: list[DatetimeImport], global_scope: Scope, py311: bool) -> None:
        self.imports = imports
        self.by_node = {imp.node: imp for imp in imports}
        self.global_scope = global_scope
        self.py311 = py311
        self.plan = ImportPlan()

    # --- bindings ----------------------------------------------------------------------------------------
    def runtime_binding(self, scope: Scope, name: str) -> str | None:
        """Qualified name ``name`` means at ``scope``, if it is only ever bound by datetime imports, at least
        one of them at runtime (an ``if TYPE_CHECKING:`` import alone binds nothing when the code runs)."""
        if name not in scope:
            return None
        quals, at_runtime = set(), False
        for assignment in scope[name]:
            imp = self.by_node.get(assignment.node)
            if imp is None or name not in imp.bindings:
                return None
            quals.add(imp.bindings[name])
            at_runtime = at_runtime or not imp.type_checking
        return quals.pop() if at_runtime and len(quals) == 1 else None

    def is_free(self, name: str, *scopes: Scope, meaning: str | None = None) -> bool:
        """``name`` can be bound at these scopes: unbound there, or only ever bound to ``meaning`` (say, an
        ``if TYPE_CHECKING: from datetime import timezone`` that a runtime import may join)."""
        for scope in (*scopes, self.global_scope):
            if name not in scope:
                continue
            for assignment in scope[name]:
                imp = self.by_node.get(assignment.node)
                if meaning is None or imp is None or imp.bindings.get(name) != meaning:
                    return False
        return True

    def visible_bound(self, scope: Scope, qual: str) -> str | None:
        """A name the file already binds to ``qual`` that is visible (and unshadowed) at ``scope``."""
        for imp in self.imports:
            for bound, bound_qual in imp.bindings.items():
                if bound_qual == qual and self.runtime_binding(scope, bound) == qual:
                    return bound
        return None

    def visible_planned(self, scope: Scope, qual: str) -> str | None:
        """A name this run already decided to import that is visible at ``scope``."""
        for binding_scope, bound, bound_qual in self.plan.planned:
            if bound_qual == qual and binding_scope in scope_chain(scope) and bound not in scope:
                return bound
        return None

    def module_name_of(self, receiver: ast.expr, scope: Scope) -> str | None:
        """``dt`` for a receiver spelled ``dt.datetime`` where dt is the datetime module."""
        if not (isinstance(receiver, ast.Attribute) and isinstance(receiver.value, ast.Name)):
            return None
        name = receiver.value.id
        return name if self.runtime_binding(scope, name) == "datetime" else None

    def import_binding(self, receiver: ast.expr, scope: Scope) -> ast.ImportFrom | None:
        """The runtime ``from datetime import datetime`` statement that binds a Name receiver."""
        if not isinstance(receiver, ast.Name) or receiver.id not in scope:
            return None
        for assignment in scope[receiver.id]:
            imp = self.by_node.get(assignment.node)
            if imp is not None and not imp.type_checking and isinstance(imp.node, ast.ImportFrom):
                return imp.node
        return None

    # --- spelling ----------------------------------------------------------------------------------------
    def utc_for(self, scope: Scope, receiver: ast.expr | None) -> str | None:
        """Source text for UTC at ``scope`` (e.g. ``timezone.utc``); None when no safe spelling exists."""
        if self.py311 and (bound := self.visible_bound(scope, "datetime.UTC")):
            return bound
        if bound := self.visible_bound(scope, "datetime.timezone"):
            return f"{bound}.utc"
        module = self.module_name_of(receiver, scope) if receiver is not None else None
        if module:
            return f"{module}.UTC" if self.py311 else f"{module}.timezone.utc"
        if self.py311 and (bound := self.visible_planned(scope, "datetime.UTC")):
            return bound
        if bound := self.visible_planned(scope, "datetime.timezone"):
            return f"{bound}.utc"
        if module := self.visible_bound(scope, "datetime"):
            return f"{module}.UTC" if self.py311 else f"{module}.timezone.utc"
        target = self.import_binding(receiver, scope) if receiver is not None else None
        if target is None:
            target = self._module_level_from_import()
        binding_scope = self.by_node[target].scope if target is not None else self.global_scope
        options = [("UTC", None)] if self.py311 else []
        options += [("timezone", None), ("timezone", "dt_timezone")]
        for imported, asname in options:
            bound = asname or imported
            if self.is_free(bound, scope, binding_scope, meaning=f"datetime.{imported}"):
                self.add_name(target, binding_scope, imported, asname)
                return bound if imported == "UTC" else f"{bound}.utc"
        return None

    def add_name(self, target, binding_scope: Scope, imported: str, asname: str | None) -> None:
        self.plan.merges.setdefault(target, []).append((imported, asname))
        self.plan.planned.append((binding_scope, asname or imported, f"datetime.{imported}"))

    def class_for_module_level(self) -> str | None:
        """How module-level code (the helper) names the datetime class, adding an import if needed."""
        if bound := self.visible_bound(self.global_scope, "datetime.datetime"):
            return bound
        if bound := self.visible_planned(self.global_scope, "datetime.datetime"):
            return bound
        if module := self.visible_bound(self.global_scope, "datetime"):
            return f"{module}.datetime"
        if self.is_free("datetime", meaning="datetime.datetime"):
            self.add_name(self._module_level_from_import(), self.global_scope, "datetime", None)
            return "datetime"
        return None

    def _module_level_from_import(self) -> ast.ImportFrom | None:
        for imp in self.imports:
            if isinstance(imp.node, ast.ImportFrom) and imp.scope is self.global_scope and not imp.type_checking:
                return imp.node
        return MODULE_LEVEL
