"""One file's text with its line starts: plan spans to offsets, offsets to places, statements' indentation.

Lines end at ``\\r\\n``, ``\\r`` or ``\\n``, as for ``ast`` (``str.splitlines`` would also split at form
feeds and other separators that Python does not count). Columns are characters.
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_right
from itertools import accumulate

from infractl.fix_datetime.rewrite.gaps import LINE_BREAK

_LEADING = re.compile(r"[ \t\f]*")
_BLOCKS = ("body", "orelse", "finalbody")


class SourceText:
    def __init__(self, code: str, tree: ast.Module | None = None) -> None:
        self.code = code
        if "\r" in code:
            self.starts = [0, *(m.end() for m in LINE_BREAK.finditer(code))]
        else:  # the common case, without a regular expression's match object per line
            self.starts = list(accumulate((len(line) + 1 for line in code.split("\n")[:-1]), initial=0))
        self._tree = tree
        self._ascii = code.isascii()

    @property
    def tree(self) -> ast.Module:
        """The file's ``ast``, parsed only when a rewrite needs statements (imports, indentation)."""
        if self._tree is None:
            self._tree = ast.parse(self.code)
        return self._tree

    def offset(self, line: int, column: int) -> int:
        return self.starts[line - 1] + column

    def at(self, line: int, byte_column: int) -> int:
        """The offset of an ``ast`` place: its columns count UTF-8 bytes."""
        start = self.starts[line - 1]
        if self._ascii:
            return start + byte_column
        return start + len(self.line(line).encode()[:byte_column].decode(errors="replace"))

    def span(self, span: tuple[int, int, int, int]) -> tuple[int, int]:
        return self.offset(span[0], span[1]), self.offset(span[2], span[3])

    def place(self, offset: int) -> tuple[int, int]:
        """(line, column), both 1-based, of ``offset``."""
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def line_start(self, line: int) -> int:
        return self.starts[line - 1] if line <= len(self.starts) else len(self.code)

    def line(self, line: int) -> str:
        """Line ``line`` (1-based) without its line break."""
        start = self.starts[line - 1]
        found = LINE_BREAK.search(self.code, start)
        return self.code[start:found.start() if found else len(self.code)]

    def leading(self, line: int) -> str:
        """The whitespace a line starts with."""
        return _LEADING.match(self.code, self.starts[line - 1]).group()

    def indent_at(self, offset: int) -> str:
        """The indentation of the statement that holds ``offset``: the whitespace its first line starts
        with (a statement after ``;`` or in a one-line suite has its block's, as libcst counted it)."""
        line = self.place(offset)[0]
        statements, holder = self.tree.body, None
        while statements:
            starts = [first_line(s) for s in statements]
            index = bisect_right(starts, line) - 1
            if index < 0 or statements[index].end_lineno < line:
                break
            holder = statements[index]
            statements = sorted(child_statements(holder), key=first_line)
        return self.leading(first_line(holder)) if holder is not None else ""


def first_line(statement: ast.stmt) -> int:
    """The line a statement starts on, decorators included."""
    decorators = getattr(statement, "decorator_list", None)
    return decorators[0].lineno if decorators else statement.lineno


def child_statements(statement: ast.stmt) -> list[ast.stmt]:
    children = [s for block in _BLOCKS for s in getattr(statement, block, ())]
    for handler in getattr(statement, "handlers", ()):
        children.extend(handler.body)
    for case in getattr(statement, "cases", ()):
        children.extend(case.body)
    return children


def statement_groups(statements: list[ast.stmt]) -> list[list[ast.stmt]]:
    """Statements joined by ``;`` on one line as one group: libcst's one ``SimpleStatementLine``."""
    groups: list[list[ast.stmt]] = []
    for statement in statements:
        if groups and statement.lineno == groups[-1][-1].end_lineno:
            groups[-1].append(statement)
        else:
            groups.append([statement])
    return groups
