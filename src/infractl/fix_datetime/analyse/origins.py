"""Where a value comes from: the backward half of the flow analysis (flow.py walks forward).

``origins(expr)`` says what an expression can hold: a datetime that is aware, naive, a timedelta, a value
of a rewritten site, or unknown; through names assigned in the same scope, ``self._x`` attributes of the
same class, ``± timedelta``, ``.replace(...)`` and the returns of functions of the same module.
"""

from __future__ import annotations

import libcst as cst

from infractl.fix_datetime.analyse.analysis import UTCFROMTIMESTAMP, UTCNOW

AWARE, NAIVE, TIMEDELTA = "aware", "naive", "timedelta"
NAIVE_PARSERS = frozenset({"datetime.datetime.strptime", "datetime.datetime.fromisoformat", UTCNOW,
                           UTCFROMTIMESTAMP})
LOCAL_FACTORIES = frozenset({"datetime.datetime.now", "datetime.datetime.today", "datetime.datetime.fromtimestamp"})
MAX_DEPTH = 6


def is_none(node) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


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
        if isinstance(node, cst.Call):
            return self._call_origins(node, depth)
        if isinstance(node, cst.Attribute):
            if self.names_of(node) & {"datetime.datetime.min", "datetime.datetime.max"}:
                return [(NAIVE, node)]
            if self._is_self(node.value):
                sources, _ = self._attribute_slot(node)
                return [o for s in sources for o in self.origins(s, depth + 1)] or [(None, node)]
            return [(None, node)]
        if isinstance(node, cst.Name):
            sources = self._name_sources(node)
            return [o for s in sources for o in self.origins(s, depth + 1)] or [(None, node)]
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, (cst.Add, cst.Subtract)):
            left, right = self.origins(node.left, depth + 1), self.origins(node.right, depth + 1)
            if {k for k, _ in right} == {TIMEDELTA}:
                return left
            if isinstance(node.operator, cst.Add) and {k for k, _ in left} == {TIMEDELTA}:
                return right
            if isinstance(node.operator, cst.Subtract):
                return [(TIMEDELTA, node)]
            return [(None, node)]
        if isinstance(node, cst.IfExp):
            return self.origins(node.body, depth + 1) + self.origins(node.orelse, depth + 1)
        return [(None, node)]

    def _call_origins(self, call: cst.Call, depth: int) -> list[tuple]:
        func = call.func
        names = self.names_of(func) if isinstance(func, (cst.Name, cst.Attribute)) else set()
        keywords = {a.keyword.value: a.value for a in call.args if a.keyword is not None}
        if names & {"datetime.timedelta"}:
            return [(TIMEDELTA, call)]
        if names & NAIVE_PARSERS:
            return [(NAIVE, call)]
        if names & {"datetime.datetime"}:
            aware = "tzinfo" in keywords or len([a for a in call.args if a.keyword is None]) >= 8
            return [(AWARE if aware else NAIVE, call)]
        if names & LOCAL_FACTORIES:
            positional = [a for a in call.args if a.keyword is None]
            limit = 0 if names & {"datetime.datetime.now"} else 1
            aware = "tz" in keywords or len(positional) > limit
            return [(AWARE if aware else NAIVE, call)]
        if names & {"datetime.datetime.combine"}:
            return [(AWARE if len(call.args) > 2 or "tzinfo" in keywords else NAIVE, call)]
        if isinstance(func, cst.Attribute) and func.attr.value == "replace":
            if "tzinfo" in keywords:
                return [(NAIVE if is_none(keywords["tzinfo"]) else AWARE, call)]
            return self.origins(func.value, depth + 1)
        if isinstance(func, cst.Attribute) and func.attr.value == "astimezone":
            return [(AWARE, call)]
        function = self._called_function(call)
        if function is not None:
            returns = [r.value for r in self._returns_of.get(function, [])]
            return [o for value in returns for o in self.origins(value, depth + 1)] or [(None, call)]
        return [(None, call)]

    # --- the slots values live in ----------------------------------------------------------------------
    def _name_sources(self, name: cst.Name) -> list:
        """Every value assigned to the name in its scope; None for a binding that is not a plain assignment."""
        scope = self.scopes.get(name)
        if scope is None or name.value not in scope:
            return [None]
        nodes = self._in_order(getattr(a, "node", None) for a in scope[name.value])
        return [self.facts.assigned_values.get(node) for node in nodes]

    def _name_uses(self, name: cst.Name) -> list:
        scope = self.scopes.get(name)
        if scope is None or name.value not in scope:
            return []
        return self._in_order(access.node for assignment in scope[name.value] for access in assignment.references)

    def _in_order(self, nodes) -> list:
        """Nodes in source order: libcst gives sets, and the walk must not depend on their order (the same
        file must give the same findings in every run)."""
        if not hasattr(self, "_order"):
            self._order = {node: index for index, node in enumerate(self.parents)}
        return sorted(nodes, key=lambda node: self._order.get(node, -1))

    def _is_self(self, node) -> bool:
        return isinstance(node, cst.Name) and node.value in ("self", "cls")

    def _attribute_slot(self, attribute: cst.Attribute) -> tuple[list, list]:
        """(values stored, loads) of ``self.<attr>`` within the enclosing class."""
        cls = self._enclosing(attribute, cst.ClassDef)
        sources, uses = [], []
        for node in self.facts.attribute_loads:
            if node.attr.value != attribute.attr.value or not self._is_self(node.value):
                continue
            if self._enclosing(node, cst.ClassDef) is not cls:
                continue
            parent = self.parents.get(node)
            if isinstance(parent, cst.AssignTarget):
                statement = self.parents.get(parent)
                sources.append(statement.value if isinstance(statement, cst.Assign) else None)
            elif isinstance(parent, cst.AnnAssign) and parent.target is node:
                sources.append(parent.value)
            elif isinstance(parent, (cst.AugAssign, cst.Del, cst.Tuple, cst.List)):
                sources.append(None)
            else:
                uses.append(node)
        return sources, uses

    def _called_function(self, call: cst.Call) -> cst.FunctionDef | None:
        func = call.func
        if isinstance(func, cst.Name):
            function = self._functions.get(func.value)
            if function is not None and self._enclosing(function, cst.ClassDef) is None:
                return function
        if isinstance(func, cst.Attribute) and self._is_self(func.value):
            cls = self._enclosing(call, cst.ClassDef)
            for function in self.facts.functions:
                if function.name.value == func.attr.value and self._enclosing(function, cst.ClassDef) is cls:
                    return function
        return None

    def _calls_of(self, function: cst.FunctionDef) -> list[cst.Call]:
        return [call for call in self.facts.calls if self._called_function(call) is function]

    def _enclosing(self, node, kind):
        node = self.parents.get(node)
        while node is not None and not isinstance(node, kind):
            if kind is cst.ClassDef and isinstance(node, cst.ClassDef):
                return node
            node = self.parents.get(node)
        return node

