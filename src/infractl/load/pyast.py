"""Small helpers over the standard library's ``ast`` (cheap to import, unlike libcst)."""

from __future__ import annotations

import ast
import warnings


def parse_module(text: str) -> ast.Module:
    """``ast.parse`` of a file's text, quietly: an invalid escape in a string is the project's business
    (Python warns about it at import), not ours to print mid-report. A NUL byte, which Python's parser
    refuses before it reads anything (with no place), is a SyntaxError at the NUL."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ast.parse(text)
        except (SyntaxError, ValueError) as exc:
            at = text.find("\0")
            if isinstance(exc, SyntaxError) and (exc.lineno or at < 0):
                raise
            error = SyntaxError(str(exc) if isinstance(exc, ValueError) else exc.msg)
            if at >= 0:  # placed at the NUL, as a tokenizer error would be
                error.lineno = text.count("\n", 0, at) + 1
                error.offset = at - text.rfind("\n", 0, at)
            raise error from exc


def dotted_name(node: ast.AST) -> str:
    """``pkg.mod.name`` for a Name or a chain of Attributes; "" for anything else (a call, a subscript)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = dotted_name(node.value)
        return f"{inner}.{node.attr}" if inner else ""
    return ""


def children_in_source_order(node: ast.AST) -> list[ast.AST]:
    """``ast.iter_child_nodes`` in the order the source spells them: a dict's keys and values
    interleaved, a conditional expression's ``body`` before its ``test``."""
    if isinstance(node, ast.Dict):
        return [child for pair in zip(node.keys, node.values) for child in pair if child is not None]
    if isinstance(node, ast.IfExp):
        return [node.body, node.test, node.orelse]
    return list(ast.iter_child_nodes(node))
