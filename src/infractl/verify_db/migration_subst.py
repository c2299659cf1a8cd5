"""Substitution for the static reader (``ast`` nodes): a helper's arguments for its parameters, a loop's
values for its variable, and the source text and line of what substitution builds.

The parsed tree is never changed: substitution copies the nodes on the way down to each replaced name and
marks every copy with the place in the source it stands for (``_AT``). A replaced name stands for the
name's place, so a column passed to a helper is reported on the helper's line, and the text of a copy is
the source of what it was made from with each replaced part spelled as the user wrote it.
"""

from __future__ import annotations

import ast
import copy
import re
from typing import Any

_AT = "_infractl_at"  # (line, column, end line, end column) of the source node a copy stands for
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what ast counts as a line break (not \f or \v)


def bind_arguments(function: ast.FunctionDef, call: ast.Call) -> dict[str, Any]:
    """Parameter name -> argument node for a call of ``function`` (defaults for what is not passed)."""
    from infractl.verify_db.migration_exprs import split_args

    params = function.args
    ordered = [*params.posonlyargs, *params.args]
    defaults = dict(zip([p.arg for p in ordered[len(ordered) - len(params.defaults):]], params.defaults))
    positional, keywords = split_args(call)
    bound: dict[str, Any] = {}
    for index, param in enumerate(ordered):
        if index < len(positional):
            bound[param.arg] = positional[index]
        elif param.arg in keywords:
            bound[param.arg] = keywords[param.arg]
        elif param.arg in defaults:
            bound[param.arg] = defaults[param.arg]
    for param, default in zip(params.kwonlyargs, params.kw_defaults):
        if param.arg in keywords:
            bound[param.arg] = keywords[param.arg]
        elif default is not None:
            bound[param.arg] = default
    return bound


def substitute(node, names: dict[str, Any]):
    """``node`` with every ``Name`` in ``names`` replaced by its node; ``node`` itself when none occurs."""
    if not names or node is None:
        return node
    return _replace(node, names)


def _replace(node: ast.AST, names: dict[str, Any]) -> ast.AST:
    if isinstance(node, ast.Name):
        if node.id not in names:
            return node
        placed = copy.copy(names[node.id])
        setattr(placed, _AT, _place(node))
        return placed
    changes: dict[str, Any] = {}
    for field, value in ast.iter_fields(node):
        if isinstance(value, ast.AST):
            new = _replace(value, names)
            if new is not value:
                changes[field] = new
        elif isinstance(value, list):
            items = [_replace(item, names) if isinstance(item, ast.AST) else item for item in value]
            if any(new is not old for new, old in zip(items, value)):
                changes[field] = items
    if not changes:
        return node
    rebuilt = copy.copy(node)
    for field, value in changes.items():
        setattr(rebuilt, field, value)
    if _place(node) is not None:
        setattr(rebuilt, _AT, _place(node))
    return rebuilt


def _place(node: ast.AST) -> tuple[int, int, int, int] | None:
    at = getattr(node, _AT, None)
    if at is not None or getattr(node, "end_col_offset", None) is None:
        return at
    return node.lineno, node.col_offset, node.end_lineno, node.end_col_offset


def line_of(node) -> int:
    """The source line a node stands for (0 for one without a place, such as an operator)."""
    at = _place(node) if isinstance(node, ast.AST) else None
    return at[0] if at else 0


class SourceText:
    """One module's text, for the user's own spelling of a node, substituted or not."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: list[int] | None = None

    def code(self, node: ast.AST) -> str:
        if getattr(node, "end_col_offset", None) is None:
            return ast.unparse(node)
        return self._code(node, self._offset(node.lineno, node.col_offset),
                          self._offset(node.end_lineno, node.end_col_offset))

    def _code(self, node: ast.AST, start: int, end: int) -> str:
        pieces, cursor = [], start
        spliced = sorted(((self._offset(at[0], at[1]), self._offset(at[2], at[3]), child)
                          for child in ast.iter_child_nodes(node) if (at := getattr(child, _AT, None)) is not None),
                         key=lambda item: item[:2])
        for child_start, child_end, child in spliced:
            if start <= child_start and child_end <= end and cursor <= child_start:
                pieces += [self.text[cursor:child_start], self.code(child)]
                cursor = child_end
        return "".join([*pieces, self.text[cursor:end]])

    def _offset(self, line: int, column: int) -> int:
        """ast's columns count UTF-8 bytes; this is the character offset in the text."""
        if self._starts is None:
            self._starts = [0, *(match.end() for match in _LINE_BREAK.finditer(self.text))]
        start = self._starts[line - 1]
        end = self._starts[line] if line < len(self._starts) else len(self.text)
        return start + len(self.text[start:end].encode("utf-8")[:column].decode("utf-8", "replace"))
