"""The statements (and the few expressions and patterns) of ``scopewalk``'s walk that need more than
ast's field order: what libcst's ScopeVisitor and ExpressionContextProvider make of them, node for node.

A mixin of ``scopewalk._Walker``: it uses the walker's ``scope``, ``visit``, ``bind``, ``access`` and
``scope_of``.
"""

from __future__ import annotations

import ast


class StatementVisits:
    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        self.visit(node.target)
        self.scope.count += 1
        self.visit(node.iter)
        for statement in (*node.body, *node.orelse):
            self.visit(statement)

    def visit_withitem(self, node: ast.withitem) -> None:
        self.visit(node.context_expr)
        if node.optional_vars is not None:
            self.visit(node.optional_vars)
            self.scope.count += 1  # libcst's AsName
        self.scope.count += 1

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.type is not None:
            self.visit(node.type)
        if node.name is not None:
            self.bind(self.scope, node.name, node)  # ast has no node for the name: the handler
            self.scope.count += 1
        for statement in node.body:
            self.visit(statement)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self.visit(node.target)
        self.annotation(node.annotation)
        if node.value is not None:
            self.visit(node.value)

    def visit_Global(self, node: ast.Global) -> None:
        scope = self.scope
        if scope.kind != "global":
            for name in node.names:
                scope.overwrites[name] = scope.globals

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        scope = self.scope
        if scope.kind != "global":  # libcst raises there; CPython refuses it at compile time
            for name in node.names:
                scope.overwrites[name] = scope.parent

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> None:
        """``import a.b.c`` binds ``a.b.c``, ``a.b`` and ``a``; ``import a.b as c`` binds ``c``."""
        scope = self.scope
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("typing") \
                or any(alias.name.startswith("typing") for alias in node.names):
            self.typing_bound = True
        for alias in node.names:
            if alias.name == "*":
                return
            if not self.in_string:
                self.scope_of[alias] = scope
            if alias.asname:
                self.bind(scope, alias.asname, node, imported=True)
                continue
            name = alias.name
            while True:
                self.bind(scope, name, node, imported=True)
                cut = name.rfind(".")
                if cut == -1:
                    break
                name = name[:cut]

    # --- expressions whose source order is not ast's field order; patterns ----------------------------
    def visit_IfExp(self, node: ast.IfExp) -> None:
        self.visit(node.body)
        self.visit(node.test)
        self.visit(node.orelse)

    def visit_Dict(self, node: ast.Dict) -> None:
        for key, value in zip(node.keys, node.values):
            if key is not None:
                self.visit(key)
            self.visit(value)

    def visit_MatchAs(self, node: ast.MatchAs) -> None:
        """libcst reads a capture pattern's name as a load: an access (its node: the pattern)."""
        if node.pattern is not None:
            self.visit(node.pattern)
        if node.name is not None:
            self.access(node.name, node)

    def visit_MatchStar(self, node: ast.MatchStar) -> None:
        if node.name is not None:
            self.access(node.name, node)

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        for key, pattern in zip(node.keys, node.patterns):
            self.visit(key)
            self.visit(pattern)
        if node.rest is not None:
            self.access(node.rest, node)

    def visit_MatchClass(self, node: ast.MatchClass) -> None:
        self.visit(node.cls)
        for pattern in node.patterns:
            self.visit(pattern)
        for name, pattern in zip(node.kwd_attrs, node.kwd_patterns):
            self.access(name, node)
            self.visit(pattern)
