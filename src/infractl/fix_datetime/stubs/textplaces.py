"""Places of ``ast`` nodes in their text: ``ast`` counts columns in UTF-8 bytes, the text edits and the
findings count characters."""

from __future__ import annotations

import ast
import re

# one string token without a prefix: what a target must be (``"a" ".datetime"`` or ``f"..."`` is not one)
_ONE_STRING = re.compile(r"""'''(?:(?!''')[^\\]|\\.)*'''|\"\"\"(?:(?!\"\"\")[^\\]|\\.)*\"\"\""""
                         r"""|'(?:[^'\\\r\n]|\\(?:\r\n|.))*'|"(?:[^"\\\r\n]|\\(?:\r\n|.))*\"""", re.DOTALL)
_NEWLINE = re.compile(r"\r\n|\r|\n")
_DEF_NAME = re.compile(r"(?:async(?:[ \t\f]|\\\r?\n)+)?def(?:[ \t\f]|\\\r?\n)+")


class SourceText:
    """``ast`` places in one text: its byte columns as character offsets (lines as ``ast`` counts them)."""

    def __init__(self, code: str) -> None:
        self.code = code
        self._starts: list[int] | None = None

    def _line_starts(self) -> list[int]:
        if self._starts is None:
            self._starts = [0, *(m.end() for m in _NEWLINE.finditer(self.code))]
        return self._starts

    def offset(self, line: int, byte_column: int) -> int:
        """The character offset in ``code`` of ``ast``'s (line, UTF-8 byte column)."""
        starts = self._line_starts()
        start = starts[line - 1]
        if self.code[start:start + byte_column].isascii():
            return start + byte_column
        text = self.code[start:starts[line] if line < len(starts) else len(self.code)]
        return start + len(text.encode()[:byte_column].decode(errors="ignore"))

    def start(self, node: ast.AST) -> int:
        return self.offset(node.lineno, node.col_offset)

    def end(self, node: ast.AST) -> int:
        return self.offset(node.end_lineno, node.end_col_offset)

    def place(self, node: ast.AST) -> tuple[int, int]:
        """1-based (line, column in characters) where ``node`` starts; a def's is its name's. Lines are
        counted by line feeds alone (a lone carriage return is no line break here), as libcst's positions,
        and so every finding of fix-datetime, count them."""
        offset = self.start(node)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            offset = _DEF_NAME.match(self.code, offset).end()
        line_start = self.code.rfind("\n", 0, offset) + 1
        return self.code.count("\n", 0, line_start) + 1, offset - line_start + 1

    def string(self, node) -> str | None:
        """The text between the quotes of a plain one-token string literal, else None."""
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            return None
        segment = self.code[self.start(node):self.end(node)]
        if segment[:1] not in ("'", '"') or _ONE_STRING.fullmatch(segment) is None:
            return None
        return segment[1:-1]
