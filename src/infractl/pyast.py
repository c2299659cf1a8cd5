"""Small helpers over the standard library's ``ast`` (cheap to import, unlike libcst)."""

from __future__ import annotations

import ast


def dotted_name(node: ast.AST) -> str:
    """``pkg.mod.name`` for a Name or a chain of Attributes; "" for anything else (a call, a subscript)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = dotted_name(node.value)
        return f"{inner}.{node.attr}" if inner else ""
    return ""
