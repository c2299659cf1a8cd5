"""Positions of ``ast`` nodes in the text they were parsed from, as characters.

``ast`` gives lines 1-based and columns as UTF-8 byte offsets into the line; the plan (``plan.py``) and
the text edits want character columns and indices into the text. ``Source`` parses nothing itself: it
converts. Most lines are ASCII, where a byte is a character, so only the other lines are converted (once
each, cached).
"""

from __future__ import annotations

import ast
import re

Span = tuple[int, int, int, int]

_BREAK = re.compile(r"\r\n|\r|\n")  # what Python's tokenizer takes for a line break, and nothing more
# Shared singletons in every tree (``ast.Load()``, ``ast.Add()``...): they have no place and no one parent.
_SHARED = (ast.expr_context, ast.boolop, ast.operator, ast.unaryop, ast.cmpop)


def parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    """Every node's parent, in one walk (the shared context/operator singletons left out)."""
    found: dict[ast.AST, ast.AST] = {}
    pending = [tree]
    pop, push = pending.pop, pending.append
    while pending:
        node = pop()
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST) and not isinstance(item, _SHARED):
                        found[item] = node
                        push(item)
            elif isinstance(value, ast.AST) and not isinstance(value, _SHARED):
                found[value] = node
                push(value)
    return found


class Source:
    def __init__(self, text: str) -> None:
        self.text = text
        self.ascii = text.isascii()
        if "\r" in text:
            self.line_starts = [0] + [m.end() for m in _BREAK.finditer(text)]
        else:
            starts, at = [0], text.find("\n")
            while at != -1:
                starts.append(at + 1)
                at = text.find("\n", at + 1)
            self.line_starts = starts
        self._columns: dict[int, bytes | None] = {}  # line -> its UTF-8 bytes (None: an ASCII line)

    def _line_bytes(self, line: int) -> bytes | None:
        try:
            return self._columns[line]
        except KeyError:
            pass
        starts = self.line_starts
        text = self.text[starts[line - 1]:starts[line] if line < len(starts) else len(self.text)]
        encoded = None if text.isascii() else text.encode("utf-8")
        self._columns[line] = encoded
        return encoded

    def column(self, line: int, byte_col: int) -> int:
        """The character column of ``ast``'s byte column ``byte_col`` on ``line``."""
        if self.ascii:
            return byte_col
        encoded = self._line_bytes(line)
        if encoded is None:
            return byte_col
        return len(encoded[:byte_col].decode("utf-8", errors="replace"))

    def span(self, node: ast.AST) -> Span:
        """``(line, column, end_line, end_column)``: lines 1-based, columns 0-based characters."""
        if self.ascii:
            return node.lineno, node.col_offset, node.end_lineno, node.end_col_offset
        return (node.lineno, self.column(node.lineno, node.col_offset),
                node.end_lineno, self.column(node.end_lineno, node.end_col_offset))

    def offset(self, line: int, col: int) -> int:
        """Index into the text of (line 1-based, character column 0-based)."""
        return self.line_starts[line - 1] + col

    def start(self, node: ast.AST) -> int:
        return self.line_starts[node.lineno - 1] + self.column(node.lineno, node.col_offset)

    def end(self, node: ast.AST) -> int:
        return self.line_starts[node.end_lineno - 1] + self.column(node.end_lineno, node.end_col_offset)

    def segment(self, node: ast.AST) -> str:
        """The node's own text (parentheses around it excluded, as ``ast`` places it)."""
        return self.text[self.start(node):self.end(node)]

    parents = staticmethod(parents)  # ``Source.parents(tree)`` or ``parents(tree)``: the same walk
