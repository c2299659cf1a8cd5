"""Where libcst's tree and ``ast``'s differ in a way the analysis's results show, in one place.

The analysis was written on libcst and its findings (their order, their places) were kept as they were
when it moved to ``ast``. ``ast`` has no node for an argument (libcst's ``Arg``), a list element
(``Element``) or a comparison's right side (``ComparisonTarget``), and orders a call's arguments positional
first; these helpers give the analysis libcst's answer from ``ast``'s nodes. ``holder_words`` says in
plain words what holds a value the analysis does not follow (it printed libcst's type names before).
"""

from __future__ import annotations

import ast
import re


def source_order(node) -> tuple[int, int, int, int]:
    """Sort key: the order libcst's visitor meets nodes in (a node before the nodes inside it)."""
    return (node.lineno, node.col_offset, -(node.end_lineno or 0), -(node.end_col_offset or 0))


def call_args(call: ast.Call) -> list[tuple[str | None, ast.expr]]:
    """A call's arguments as libcst lists them, in source order: (keyword or None, value node). ``*x`` and
    ``**x`` have no keyword (libcst's ``Arg.keyword`` is None for them); ``*x``'s value is the Starred."""
    from infractl.fix_datetime.syntax.scopewalk import ordered_arguments

    if not call.keywords:
        return [(None, a) for a in call.args]
    return [(a.arg, a.value if a.arg is not None else a) if isinstance(a, ast.keyword) else (None, a)
            for a in ordered_arguments(call)]


def positional_args(call: ast.Call) -> int:
    """How many arguments have no keyword (libcst counts ``*x`` and ``**x`` among them)."""
    return len(call.args) + sum(1 for k in call.keywords if k.arg is None)


def keyword_values(call: ast.Call) -> dict[str, ast.expr]:
    return {k.arg: k.value for k in call.keywords if k.arg is not None}


def unstarred(node: ast.expr) -> ast.expr:
    """libcst's ``Arg.value`` of an argument: ``x`` for ``*x``."""
    return node.value if isinstance(node, ast.Starred) else node


_STRING_TOKEN = re.compile(
    r"""(?is)[rbuf]{0,2}(?:'''(?:[^\\]|\\.)*?'''|\"\"\"(?:[^\\]|\\.)*?\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")""")


def simple_string(node: ast.expr, segment: str) -> str | None:
    """The text of a string literal that is one token (libcst's ``SimpleString.value``, quotes and prefix
    included); None for anything else (implicitly joined strings, f-strings, other expressions)."""
    if not isinstance(node, ast.Constant) or not isinstance(node.value, (str, bytes)):
        return None
    return segment if _STRING_TOKEN.fullmatch(segment) else None


# What holds a value the flow analysis does not follow, in words (DT109, DT012): by the ast node around it.
_HOLDERS = {
    ast.BinOp: "an arithmetic operation", ast.BoolOp: "an and/or", ast.Compare: "a comparison",
    ast.UnaryOp: "a unary operation", ast.YieldFrom: "a yield from", ast.arguments: "a parameter's default",
    ast.withitem: "a with statement", ast.List: "a list", ast.Tuple: "a tuple", ast.Set: "a set",
    ast.ListComp: "a comprehension", ast.SetComp: "a comprehension", ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a generator expression", ast.FormattedValue: "an f-string", ast.JoinedStr: "an f-string",
    ast.match_case: "a match case", ast.ExceptHandler: "an except clause", ast.For: "a for loop",
    ast.AsyncFor: "a for loop", ast.keyword: "an argument", ast.Await: "an await", ast.Yield: "a yield",
    ast.Lambda: "a lambda", ast.Assert: "an assert", ast.Delete: "a del", ast.Match: "a match statement",
}


def holder_words(node: ast.AST, parent: ast.AST | None, grandparent: ast.AST | None = None) -> str:
    """What holds ``node`` where ``ast``'s ``parent`` does, in words: "the value is used in <words> the
    analysis does not follow" ("a dict", "a subscript", "a decorator", ...)."""
    if parent is None:
        return "the module"
    kind = type(parent)
    if kind is ast.Starred:
        return "an unpacking (*)" if isinstance(grandparent, (ast.List, ast.Tuple, ast.Set)) else "an argument (*)"
    if kind is ast.Dict:
        return "an unpacking (**)" if _double_starred(parent, node) else "a dict"
    if kind is ast.Tuple and isinstance(grandparent, ast.Subscript) and grandparent.slice is parent:
        return "a subscript"
    if kind is ast.Subscript:
        return "a subscript"
    if kind is ast.Slice:
        return "a slice"
    if kind is ast.comprehension:
        return "a comprehension"
    if kind in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
        return "a decorator" if any(d is node for d in parent.decorator_list) else (
            "a base class" if kind is ast.ClassDef else "an annotation")
    if kind is ast.AnnAssign and parent.annotation is node:
        return "an annotation"
    if kind is ast.Raise:
        return "a raise"
    return _HOLDERS.get(kind) or f"a {kind.__name__} expression"


def _double_starred(parent: ast.Dict, node: ast.AST) -> bool:
    """``{**x}``: ast gives x a key of None."""
    return any(k is None and v is node for k, v in zip(parent.keys, parent.values))


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class Positions:
    """Spans of nodes of one text as libcst's PositionProvider gives them: syntax.source.Source's, but
    Python 3.11's ``ast`` gives an f-string's ``{...}`` (FormattedValue) the whole string's extent, so that
    one is found from its value."""

    def __init__(self, source, code: str) -> None:
        self.source, self.code = source, code
        self._lines: list[str] | None = None

    def span(self, node: ast.AST) -> tuple[int, int, int, int]:
        if isinstance(node, ast.FormattedValue):
            return self._braces(node) or self.source.span(node)
        span = self.source.span(node)
        if isinstance(node, ast.Tuple) and node.elts:
            return self._inside_parentheses(span)
        return span

    def place(self, node: ast.AST) -> tuple[int, int]:
        """(line, column), both 1-based, where a finding at ``node`` is reported."""
        line, column, _, _ = self.span(node)
        return line, column + 1

    @property
    def lines(self) -> list[str]:
        """The text's lines as Python counts them (``str.splitlines`` also breaks at form feeds)."""
        if self._lines is None:
            self._lines = _LINE_BREAK.split(self.code)
        return self._lines

    def _inside_parentheses(self, span: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
        """A parenthesized tuple's span without its parentheses (``ast`` counts them in, libcst does not)."""
        source = self.source
        start, end = source.offset(span[0], span[1]), source.offset(span[2], span[3])
        text = source.text[start:end]
        if not (text.startswith("(") and text.endswith(")")) or not _closes_at_end(text):
            return span
        inner = text[1:-1]
        lead, trail = len(inner) - len(inner.lstrip()), len(inner) - len(inner.rstrip())
        if "\n" in inner[:lead] or "\n" in inner[len(inner) - trail:]:
            return span  # whitespace over lines: not worth the arithmetic for so rare an anchor
        return span[0], span[1] + 1 + lead, span[2], span[3] - 1 - trail

    def _braces(self, node: ast.FormattedValue):
        lines = self.lines
        line, column, end_line, end_column = self.source.span(node.value)
        text = lines[line - 1]
        while column > 0 and text[column - 1] != "{":  # whitespace or parentheses between ``{`` and the value
            column -= 1
        column -= 1
        depth = 0
        while end_line <= len(lines):
            text = lines[end_line - 1]
            while end_column < len(text):
                char = text[end_column]
                end_column += 1
                if char == "{":
                    depth += 1
                elif char == "}":
                    if depth == 0:
                        return line, column, end_line, end_column
                    depth -= 1
            end_line, end_column = end_line + 1, 0
        return None


def _closes_at_end(text: str) -> bool:
    """Whether the ``(`` that starts ``text`` is closed by the ``)`` that ends it (tokens, not characters:
    a string inside may hold parentheses)."""
    import io
    import tokenize

    depth = 0
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return False
    operators = [t for t in tokens if t.type == tokenize.OP and t.string in "()"]
    for index, token in enumerate(operators):
        depth += 1 if token.string == "(" else -1
        if depth == 0:
            return index == len(operators) - 1
    return False
