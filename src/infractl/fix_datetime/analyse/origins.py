"""Where a value comes from: the backward half of the flow analysis (flow.py walks forward).

``origins(expr)`` says what an expression can hold: a datetime that is aware, naive, a timedelta, a value
of a rewritten site, or unknown; through names assigned in the same scope, ``self._x`` attributes of the
same class, ``± timedelta``, ``.replace(...)`` and the returns of functions of the same module.
"""

from __future__ import annotations

import ast

from infractl.fix_datetime.analyse.analysis import LOCAL_FACTORIES, UTCFROMTIMESTAMP, UTCNOW
from infractl.fix_datetime.analyse.cstshape import call_args, keyword_values, positional_args, source_order

AWARE, NAIVE, TIMEDELTA = "aware", "naive", "timedelta"
NAIVE_PARSERS = frozenset({"datetime.datetime.strptime", "datetime.datetime.fromisoformat", UTCNOW,
                           UTCFROMTIMESTAMP})
MAX_DEPTH = 6


def is_none(node) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


class ValueOrigins:
    """Mixed into Flow: needs ``facts``, ``names_of``, ``scopes``, ``parents``, ``site_by_value``,
    ``_functions`` and ``_returns_of``."""

    def origins(self, node, depth: int) -> list[tuple]:
        """[(kind, origin node)]: kind is AWARE, NAIVE, TIMEDELTA, None (unknown) or the Site it comes from."""
        if node is None or depth > MAX_DEPTH:
            return [(None, node)]
        site = self.site_by_value.get(node)
        if site is not None:
            return [(site, node)]
        if isinstance(node, ast.Call):
            return self._call_origins(node, depth)
        if isinstance(node, ast.Attribute):
            if self.names_of(node) & {"datetime.datetime.min", "datetime.datetime.max"}:
                return [(NAIVE, node)]
            if self._is_self(node.value):
                sources, _ = self._attribute_slot(node)
                return [o for s in sources for o in self.origins(s, depth + 1)] or [(None, node)]
            return [(None, node)]
        if isinstance(node, ast.Constant) and (node.value is None or node.value is True or node.value is False):
            return [(None, None)]  # a Name in libcst: a builtin, which no assignment of the file sets
        if isinstance(node, ast.Name):
            sources = self._name_sources(node)
            return [o for s in sources for o in self.origins(s, depth + 1)] or [(None, node)]
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
            left, right = self.origins(node.left, depth + 1), self.origins(node.right, depth + 1)
            if {k for k, _ in right} == {TIMEDELTA}:
                return left
            if isinstance(node.op, ast.Add) and {k for k, _ in left} == {TIMEDELTA}:
                return right
            if isinstance(node.op, ast.Sub):
                return [(TIMEDELTA, node)]
            return [(None, node)]
        if isinstance(node, ast.IfExp):
            return self.origins(node.body, depth + 1) + self.origins(node.orelse, depth + 1)
        return [(None, node)]

    def _call_origins(self, call: ast.Call, depth: int) -> list[tuple]:
        func = call.func
        names = self.names_of(func) if isinstance(func, (ast.Name, ast.Attribute)) else set()
        keywords = keyword_values(call)
        if names & {"datetime.timedelta"}:
            return [(TIMEDELTA, call)]
        if names & NAIVE_PARSERS:
            return [(NAIVE, call)]
        if names & {"datetime.datetime"}:
            aware = "tzinfo" in keywords or positional_args(call) >= 8
            return [(AWARE if aware else NAIVE, call)]
        if names & LOCAL_FACTORIES:
            limit = 0 if names & {"datetime.datetime.now"} else 1
            aware = "tz" in keywords or positional_args(call) > limit
            return [(AWARE if aware else NAIVE, call)]
        if names & {"datetime.datetime.combine"}:
            return [(AWARE if len(call_args(call)) > 2 or "tzinfo" in keywords else NAIVE, call)]
        if isinstance(func, ast.Attribute) and func.attr == "replace":
            if "tzinfo" in keywords:
                return [(NAIVE if is_none(keywords["tzinfo"]) else AWARE, call)]
            return self.origins(func.value, depth + 1)
        if isinstance(func, ast.Attribute) and func.attr == "astimezone":
            return [(AWARE, call)]
        function = self._called_function(call)
        if function is not None:
            returns = [r.value for r in self._returns_of.get(function, [])]
            return [o for value in returns for o in self.origins(value, depth + 1)] or [(None, call)]
        return [(None, call)]

    # --- the slots values live in ----------------------------------------------------------------------
    def _name_sources(self, name: ast.Name) -> list:
        """Every value assigned to the name in its scope; None for a binding that is not a plain assignment."""
        scope = self.scopes.of(name)
        if scope is None or name.id not in scope:
            return [None]
        nodes = self._in_order(a.node for a in scope[name.id])
        return [self.facts.assigned_values.get(node) for node in nodes]

    def _name_uses(self, name: ast.Name) -> list:
        scope = self.scopes.of(name)
        if scope is None or name.id not in scope:
            return []
        return self._in_order(access.node for assignment in scope[name.id] for access in assignment.references)

    def _in_order(self, nodes) -> list:
        """Nodes in source order (None, a builtin's node, first): the walk must not depend on the order the
        scopes keep them in (the same file must give the same findings in every run)."""
        return sorted(nodes, key=lambda node: (-1, 0, 0, 0) if node is None else source_order(node))

    def _is_self(self, node) -> bool:
        return isinstance(node, ast.Name) and node.id in ("self", "cls")

    def _attribute_slot(self, attribute: ast.Attribute) -> tuple[list, list]:
        """(values stored, loads) of ``self.<attr>`` within the enclosing class."""
        cls = self._enclosing(attribute, ast.ClassDef)
        sources, uses = [], []
        for node in self.facts.attribute_loads:
            if node.attr != attribute.attr or not self._is_self(node.value):
                continue
            if self._enclosing(node, ast.ClassDef) is not cls:
                continue
            parent = self.parents.get(node)
            if isinstance(parent, ast.Assign) and any(t is node for t in parent.targets) or isinstance(parent, ast.AnnAssign) and parent.target is node:
                sources.append(parent.value)
            elif isinstance(parent, ast.AugAssign) or (isinstance(parent, ast.Delete) and len(parent.targets) == 1):
                sources.append(None)  # (in a tuple, libcst's parent is an Element: a use, as it was)
            else:
                uses.append(node)
        return sources, uses

    def _called_function(self, call: ast.Call) -> ast.FunctionDef | None:
        func = call.func
        if isinstance(func, ast.Name):
            function = self._functions.get(func.id)
            if function is not None and self._enclosing(function, ast.ClassDef) is None:
                return function
        if isinstance(func, ast.Attribute) and self._is_self(func.value):
            if not hasattr(self, "_functions_named"):
                self._functions_named: dict[str, list[ast.FunctionDef]] = {}
                for function in self.facts.functions:
                    self._functions_named.setdefault(function.name, []).append(function)
            cls = self._enclosing(call, ast.ClassDef)
            for function in self._functions_named.get(func.attr, ()):
                if self._enclosing(function, ast.ClassDef) is cls:
                    return function
        return None

    def _calls_of(self, function: ast.FunctionDef) -> list[ast.Call]:
        if not hasattr(self, "_calls_by_name"):  # calls by the name they call: f(...) or self.f(...)
            self._calls_by_name: dict[str, list[ast.Call]] = {}
            for call in self.facts.calls:
                func = call.func
                name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
                if name is not None:
                    self._calls_by_name.setdefault(name, []).append(call)
        return [call for call in self._calls_by_name.get(function.name, ()) if self._called_function(call) is function]

    def _enclosing(self, node, kind):
        node = self.parents.get(node)
        while node is not None and not isinstance(node, kind):
            node = self.parents.get(node)
        return node

