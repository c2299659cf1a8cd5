"""The text between two tokens, as the rewrite sees it: whitespace, comments, line breaks, parentheses.

The rewrite edits text at the places ``ast`` gives, and keeps every other byte. Where it builds new
separators out of old ones (a ``tz=`` argument on its own line, a name added to a one-per-line import)
it follows the model libcst had of the whitespace between tokens, so the output is what the libcst
rewrite wrote: a gap is *simple* (no line break) or *parenthesized*: the rest of its first line (with
a comment, if any, and the line break), whole blank or comment lines, and the whitespace before the
next token, of which the statement's own indentation (``indent``) is kept apart from the rest
(``last``).
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, replace

LINE_BREAK = re.compile(r"\r\n|\r|\n")
_SIMPLE = re.compile(r"(?:[ \t\f]|\\(?:\r\n|\r|\n))*")
_LINE_END = re.compile(r"(#[^\r\n]*)?(\r\n|\r|\n)")
_EMPTY_LINE = re.compile(r"[ \t\f]*(?:#[^\r\n]*)?(?:\r\n|\r|\n)")
_BLANKS = re.compile(r"[ \t\f]*")


def default_newline(code: str) -> str:
    """The file's first line break (``\\n`` when it has none): what new lines are written with."""
    found = LINE_BREAK.search(code)
    return found.group() if found else "\n"


@dataclass(frozen=True)
class Gap:
    first: str | None  # None: simple whitespace; else the first line's whitespace, comment and line break
    empties: str = ""  # whole blank or comment lines after the first
    indent: bool = True  # the last line starts with the statement's indentation
    last: str = ""  # the whitespace before the next token (after that indentation, if ``indent``)

    @property
    def parenthesized(self) -> bool:
        return self.first is not None

    def has_comment(self) -> bool:
        return "#" in (self.first or "") + self.empties

    def render(self, indent: str) -> str:
        if self.first is None:
            return self.last
        return self.first + self.empties + (indent if self.indent else "") + self.last

    def without_comment(self, newline: str) -> Gap:
        """The first line's comment and the blank or comment lines dropped (they belong to their line)."""
        return replace(self, first=newline, empties="") if self.first is not None else self


def parse_gap(text: str, indent: str) -> Gap:
    """``text``: everything between two tokens; ``indent``: the enclosing statement's indentation."""
    simple = _SIMPLE.match(text).end()
    end = _LINE_END.match(text, simple)
    if end is None:
        return Gap(None, last=text)
    position = end.end()
    first = text[:position]
    start = position
    while (line := _EMPTY_LINE.match(text, position)) is not None:
        position = line.end()
    last = text[position:]
    if last.startswith(indent):
        return Gap(first, text[start:position], True, last[len(indent):])
    return Gap(first, text[start:position], False, last)


def skip_gap(code: str, position: int, end: int | None = None) -> int:
    """The offset of the next token at or after ``position``: whitespace, line continuations and
    comments skipped (between tokens there is nothing else, so no string can start a ``#``)."""
    end = len(code) if end is None else end
    while position < end:
        char = code[position]
        if char in " \t\f\r\n":
            position += 1
        elif char == "\\" and code.startswith(("\n", "\r"), position + 1):
            position += 2
        elif char == "#":
            line = LINE_BREAK.search(code, position)
            position = line.start() if line else end
        else:
            break
    return min(position, end)


def count_parens(code: str, start: int, end: int, char: str) -> tuple[int, int]:
    """How many ``char`` (``(`` or ``)``) follow each other from ``start``, separated only by whitespace
    and comments, and the offset right after the last one (``start`` when none)."""
    count, after, position = 0, start, start
    while True:
        position = skip_gap(code, position, end)
        if position >= end or code[position] != char:
            return count, after
        count, position = count + 1, position + 1
        after = position


def code_end_of_line(line: str) -> int:
    """Where a line's code ends: before its comment, quotes followed (a line that starts inside a
    triple-quoted string is not told apart, which only a comment after such a string would need)."""
    index, quote = 0, ""
    while index < len(line):
        char = line[index]
        if quote:
            if char == "\\":
                index += 1
            elif line.startswith(quote, index):
                index += len(quote) - 1
                quote = ""
        elif char in "'\"":
            quote = char * 3 if line.startswith(char * 3, index) else char
            index += len(quote) - 1
        elif char == "#":
            return index
        index += 1
    return index


_KEYWORDS = frozenset(keyword.kwlist) - {"False", "None", "True"}


def _back_to_token(code: str, position: int) -> int:
    """The offset right after the token before ``position`` (0 at the file's start): whitespace, line
    continuations and comments skipped backwards."""
    while position > 0:
        char = code[position - 1]
        if char in " \t\f":
            position -= 1
        elif char in "\r\n":
            position -= 1
            if char == "\n" and position > 0 and code[position - 1] == "\r":
                position -= 1
            line_start = max(code.rfind("\n", 0, position), code.rfind("\r", 0, position)) + 1
            if position > line_start and code[position - 1] == "\\":
                position -= 1
                continue
            position = line_start + code_end_of_line(code[line_start:position])
        else:
            break
    return position


def _is_call_paren(code: str, paren: int) -> bool:
    """Whether the ``(`` at ``paren`` opens a call's arguments (``f(``, ``x)(``), not a parenthesized
    expression (``= (``, ``return (``)."""
    before = _back_to_token(code, paren)
    if before == 0:
        return False
    char = code[before - 1]
    if char in ")]'\"":
        return True
    if not (char.isalnum() or char == "_"):
        return False
    word = re.search(r"\w+$", code[max(0, before - 20):before]).group()
    return word not in _KEYWORDS


def paren_extent(code: str, start: int, end: int) -> tuple[int, int]:
    """The extent of a node at ``[start, end)`` with the parentheses around it that are its own (the
    parentheses of a call it is the only argument of are the call's)."""
    left, positions, position = 0, [], start
    while True:
        before = _back_to_token(code, position)
        if before == 0 or code[before - 1] != "(" or _is_call_paren(code, before - 1):
            break
        left, position = left + 1, before - 1
        positions.append(position)
    if not left:
        return start, end
    right, _ = count_parens(code, end, len(code), ")")
    pairs = min(left, right)
    if not pairs:
        return start, end
    closing = end
    for _ in range(pairs):
        closing = skip_gap(code, closing) + 1
    return positions[pairs - 1], closing
