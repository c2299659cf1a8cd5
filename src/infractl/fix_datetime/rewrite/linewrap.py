"""Wrap a rewritten statement that became longer than the project's line length, in black's style.

``utcnow()`` -> ``now(timezone.utc)`` adds 9 characters, ``utcfromtimestamp(t)`` ->
``fromtimestamp(t, tz=timezone.utc)`` 13: a line at the limit goes over it and the project's
formatter check (or ruff's E501) fails after the fix. Only statements that (a) the rewrite changed and
(b) are now over the limit are touched; each is formatted by black itself (quotes and everything else
black might normalise are left alone: ``string_normalization=False``), re-indented, and kept only if
black's lines parse to the very statement they replace, so the module's ``ast`` is exactly what it was
before wrapping (``format_statement`` says why the statement's own check is the module's). Anything
unusual (a statement sharing its line with another, a multi-line string inside it, a one-line compound
statement) is left as it was.

The line length is the project's: ``line-length`` of ``[tool.ruff]`` (or ``ruff.toml``), else of
``[tool.black]``, in the nearest ``pyproject.toml``; 88 (black's and ruff's default) without either.
"""

from __future__ import annotations

import ast
import io
import tokenize
import tomllib
from functools import lru_cache
from pathlib import Path

DEFAULT_LINE_LENGTH = 88


def project_line_length(start: Path) -> int:
    """The configured line length for the project around ``start`` (a file or directory)."""
    here = start.resolve()
    if not here.is_dir():
        here = here.parent
    for directory in (here, *here.parents):
        for name in ("ruff.toml", ".ruff.toml"):
            length = _read(directory / name, ("line-length",))
            if length:
                return length
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file():
            return (_read(pyproject, ("tool", "ruff", "line-length"))
                    or _read(pyproject, ("tool", "black", "line-length")) or DEFAULT_LINE_LENGTH)
    return DEFAULT_LINE_LENGTH


def _read(path: Path, keys: tuple[str, ...]) -> int | None:
    try:
        with open(path, "rb") as handle:
            value = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


class Wrapped:
    """The wrapped text, and where a line of the unwrapped text went."""

    def __init__(self, text: str, edits: list[tuple[int, int, int]]) -> None:
        self.text = text
        self.edits = sorted(edits)  # (first, last) lines of the unwrapped text -> this many lines

    def line(self, number: int) -> tuple[int, bool]:
        """The line of ``number`` in the wrapped text, and whether it is still the very same line."""
        shift = 0
        for first, last, count in self.edits:
            if number < first:
                break
            if number <= last:
                return first + shift, False  # inside a wrapped statement: its first line
            shift += count - (last - first + 1)
        return number + shift, True


def wrap_long_lines(old: str, new: str, line_length: int) -> Wrapped:
    """``new`` with each statement that the rewrite made too long wrapped (or ``new`` as it is)."""
    plan = plan_wraps(old, new, line_length)
    return Wrapped(new, []) if plan is None else plan.apply(lambda request: format_statement(*request))


class WrapPlan:
    """What wrapping ``text`` takes: for each statement over the limit, bottom-up, its lines, indent and
    the request black answers (``format_statement``'s arguments). Planning parses the text; only the
    requests need black, so another process may answer them (secondcore.py) and ``apply`` splices here."""

    __slots__ = ("lines", "newline", "spans", "text")

    def __init__(self, text: str, lines: list[str], newline: str, spans: list) -> None:
        self.text, self.lines, self.newline = text, lines, newline
        self.spans = spans  # (first, last, indent, request), bottom-up

    def requests(self) -> list[tuple[str, bool, int]]:
        return [request for *_, request in self.spans]

    def apply(self, answer) -> Wrapped:
        """The text with each statement replaced by ``answer(request)``'s lines (None: left as it is)."""
        lines, edits = list(self.lines), []
        for first, last, indent, request in self.spans:
            if edits and last >= edits[-1][0]:
                continue  # overlaps a statement already wrapped (a header and a line of its own body)
            out = answer(request)
            if out is not None:
                formatted = [(indent + line if line else line) + self.newline for line in out]
                lines[first - 1:last] = formatted
                edits.append((first, last, len(formatted)))
        return Wrapped("".join(lines), edits) if edits else Wrapped(self.text, [])


def plan_wraps(old: str, new: str, line_length: int) -> WrapPlan | None:
    """The plan for ``new``'s statements that the rewrite made too long, or None (nothing to wrap)."""
    lines = new.splitlines(keepends=True)
    long = made_long(old, lines, line_length)
    if not long:
        return None
    try:
        tree = ast.parse(new)
    except (SyntaxError, ValueError, RecursionError):
        return None
    spans = sorted({span for span in _statement_spans(tree, long, lines).values() if span is not None},
                   reverse=True)  # bottom-up, so earlier line numbers stay valid
    planned = []
    for first, last, header_only in spans:
        first_line = lines[first - 1]
        indent = first_line[: len(first_line) - len(first_line.lstrip(" \t"))]
        source = "".join(lines[first - 1:last])[len(indent):].replace("\r\n", "\n")
        planned.append((first, last, indent, (source, header_only, max(line_length - len(indent), 20))))
    newline = "\r\n" if lines[0].endswith("\r\n") else "\n"
    return WrapPlan(new, lines, newline, planned) if planned else None


def made_long(old: str, lines: list[str], line_length: int) -> list[int]:
    """The numbers of the ``lines`` (the new text's, ends kept) over ``line_length`` that ``old`` does not
    have: what wrapping is for. Cheap, and none means no black at all."""
    old_lines = set(old.splitlines())
    return [number for number, line in enumerate(lines, 1)
            if len(line.rstrip("\r\n")) > line_length and line.rstrip("\r\n") not in old_lines]


def same_tree(one: ast.AST, other: ast.AST) -> bool:
    """``ast.dump(one) == ast.dump(other)``, without building the two strings (they were a third of the
    wrapping's time on a real tree): the same node types, field by field, and the same ``repr`` of every
    other value (what ``dump`` prints); positions are not compared, as ``dump`` does not print them."""
    pending = [(one, other)]
    while pending:
        left, right = pending.pop()
        if isinstance(left, ast.AST):
            if type(left) is not type(right):
                return False
            for name in left._fields:
                pending.append((getattr(left, name, _MISSING), getattr(right, name, _MISSING)))
        elif isinstance(left, list):
            if not isinstance(right, list) or len(left) != len(right):
                return False
            pending.extend(zip(left, right))
        elif left is not right and (isinstance(right, (ast.AST, list)) or repr(left) != repr(right)):
            return False
    return True


_MISSING = object()  # a field a node lacks: equal only to the same field lacking on the other side


def _statement_spans(tree: ast.Module, numbers: list[int],
                     lines: list[str]) -> dict[int, tuple[int, int, bool] | None]:
    """For each of ``numbers``: (first line, last line, is a compound statement's header) of the innermost
    statement on it, or None. One walk of the tree for all of them (a walk per line was quadratic: 3.6 s
    for a 2,000-line test file with 180 long lines)."""
    from bisect import bisect_left, bisect_right

    numbers = sorted(numbers)
    found: dict[int, tuple[int, int, bool]] = {}
    for node in _statements_over(tree, numbers):
        if isinstance(node, ast.Match):
            continue  # a match's cases are not statements: the header is left alone
        end = node.end_lineno or node.lineno
        body = getattr(node, "body", None)
        compound = isinstance(body, list) and body and isinstance(body[0], ast.stmt)
        if compound:  # its header; a line in its body has a more inner statement
            end, candidate = body[0].lineno - 1, (node.lineno, body[0].lineno - 1, True)
        else:
            candidate = (node.lineno, end, False)
        for number in numbers[bisect_left(numbers, node.lineno):bisect_right(numbers, end)]:
            if number not in found or candidate[0] >= found[number][0]:
                found[number] = candidate
    spans: dict[int, tuple[int, int, bool] | None] = {}
    for number in numbers:
        span = found.get(number)
        if span is not None:
            first, last, _ = span
            indent = len(lines[first - 1]) - len(lines[first - 1].lstrip(" \t"))
            span = span if _alone_on_its_lines(lines, first, last, indent) else None
        spans[number] = span
    return spans


def _statements_over(tree: ast.Module, numbers: list[int]):
    """The statements whose lines hold one of ``numbers`` (sorted), in ``ast.walk``'s order (breadth first,
    fields in order), without walking expressions (they hold no statement) or a statement's lines that hold
    none of them (a nested statement lies within its parent's lines): ``ast.walk`` of the whole tree took a
    tenth of the wrapping's time."""
    from bisect import bisect_left
    from collections import deque

    holders = (ast.stmt, ast.excepthandler, ast.match_case)
    todo = deque([tree])
    while todo:
        node = todo.popleft()
        if isinstance(node, ast.stmt):
            at = bisect_left(numbers, node.lineno)
            if at == len(numbers) or numbers[at] > (node.end_lineno or node.lineno):
                continue  # no number on its lines, nor on any statement inside it
            yield node
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, list) and value and isinstance(value[0], holders):
                todo.extend(value)


def _alone_on_its_lines(lines: list[str], first: int, last: int, indent: int) -> bool:
    """No other statement on these lines (``a; b``), no multi-line string (re-indenting would change it)."""
    text = "".join(lines[first - 1:last])
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text[indent:]).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return False
    for token in tokens:
        if token.type == tokenize.OP and token.string == ";":
            return False
        if token.type == tokenize.STRING and token.start[0] != token.end[0]:
            return False
    return True


@lru_cache(maxsize=256)
def format_statement(source: str, header_only: bool, line_length: int) -> tuple[str, ...] | None:
    """black's lines for one statement (or a compound statement's header), or None: black refused it, or
    its lines do not parse to the very statement ``source`` is. That check is what keeps a wrap safe: the
    statement is alone on its lines (``_alone_on_its_lines``) and put back at its own indent, so a module
    whose wrapped statements are each unchanged has the ``ast`` it had. Cached: a test file repeats its
    statements (the same assertion in 180 tests), and black takes ~4 ms for each."""
    import black

    if header_only:
        source = source.rstrip() + "\n    pass\n"
    mode = black.Mode(line_length=line_length, string_normalization=False)
    try:
        formatted = black.format_str(source, mode=mode)
        same = same_tree(ast.parse(formatted), ast.parse(source))
    except Exception:  # noqa: BLE001 - black refuses some inputs; the line then stays long
        return None
    out = formatted.splitlines()
    if header_only:
        if not out or out[-1].strip() != "pass":
            return None
        out = out[:-1]
    return tuple(out) if same else None
