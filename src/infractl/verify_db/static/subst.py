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

TYPE_CHECKING = False  # typing costs ~2 ms of start-up (infractl check); only type checkers need Any
if TYPE_CHECKING:
    from typing import Any

_AT = "_infractl_at"  # (line, column, end line, end column) of the source node a copy stands for
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what ast counts as a line break (not \f or \v)


def bind_arguments(function: ast.FunctionDef, call: ast.Call) -> dict[str, Any]:
    """Parameter name -> argument node for a call of ``function`` (defaults for what is not passed)."""
    from infractl.verify_db.static.exprs import split_args

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

    def __init__(self, text: str, module: ast.Module | None = None) -> None:
        self.text = text
        self.module = module
        self._starts: list[int] | None = None
        self._statements: list[tuple[int, int, int]] | None = None  # (first line, last line, column)

    def code(self, node: ast.AST) -> str:
        """The node's source; a substituted part as spelled where it came from. Continuation lines lose
        the indentation of the statement the node is in (its blocks'), as the libcst reader's text did."""
        if getattr(node, "end_col_offset", None) is None:
            return ast.unparse(node)
        start, end = self._offset(node.lineno, node.col_offset), self._offset(node.end_lineno, node.end_col_offset)
        pieces, cursor = [], start
        for part_start, part_end, part in sorted(self._replaced(node), key=lambda item: item[:2]):
            if start <= part_start and part_end <= end and cursor <= part_start:
                pieces += [self.text[cursor:part_start], self.code(part)]
                cursor = part_end
        text = "".join([*pieces, self.text[cursor:end]])
        if "\n" not in text and "\r" not in text:
            return text
        first, *rest = text.splitlines(keepends=True)
        indent = self._block_indent(node.lineno)
        strings = [(n.lineno, n.end_lineno) for n in ast.walk(node) if isinstance(n, (ast.Constant, ast.JoinedStr))]
        return "".join([first, *(line if any(a < number <= b for a, b in strings) else line.removeprefix(indent)
                                 for number, line in enumerate(rest, node.lineno + 1))])

    def _block_indent(self, line: int) -> str:
        """The indentation of the innermost statement that holds ``line``."""
        if self._statements is None:
            self._statements = sorted((s.lineno, s.end_lineno, s.col_offset) for s in ast.walk(self.module)
                                      if isinstance(s, ast.stmt)) if self.module is not None else []
        holding = [s for s in self._statements if s[0] <= line <= s[1]]
        if not holding:
            return ""
        first = self._offset(holding[-1][0], 0)
        return self.text[first:self._offset(holding[-1][0], holding[-1][2])]

    def _replaced(self, node: ast.AST):
        """(start, end, node) of each replaced name below ``node``, through the copies above it. On Python
        3.11 the parts of an f-string all carry the whole string's place, so only a name's own place counts."""
        for child in ast.iter_child_nodes(node):
            at = getattr(child, _AT, None)
            if at is None:
                continue
            if at == (child.lineno, child.col_offset, child.end_lineno, child.end_col_offset):
                yield from self._replaced(child)  # a copy on the way down: its own text, parts replaced below
                continue
            start, end = self._offset(at[0], at[1]), self._offset(at[2], at[3])
            if self.text[start:end].isidentifier():  # the name it replaced is really there
                yield start, end, child

    def _offset(self, line: int, column: int) -> int:
        """ast's columns count UTF-8 bytes; this is the character offset in the text."""
        if self._starts is None:
            self._starts = [0, *(match.end() for match in _LINE_BREAK.finditer(self.text))]
        start = self._starts[line - 1]
        end = self._starts[line] if line < len(self._starts) else len(self.text)
        return start + len(self.text[start:end].encode("utf-8")[:column].decode("utf-8", "replace"))
