"""Add names to ``from datetime import ...`` and place new module-level statements, keeping formatting.

Both as text edits: a merge rewrites only the statement's list of names, a new statement is inserted
where the import header ends (``header_bounds``), with the blank lines PEP 8 wants around a function.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass, replace

from infractl.fix_datetime.plan import ImportMerge
from infractl.fix_datetime.rewrite.gaps import Gap, parse_gap, skip_gap
from infractl.fix_datetime.rewrite.places import SourceText, child_statements, first_line, statement_groups

_NAME = re.compile(r"\w+")
_MODULE = re.compile(r"\w+(?:[ \t\f]*\.[ \t\f]*\w+)*")  # dotted; a line continuation in one is not read


def isort_key(name: str) -> tuple[int, str]:
    """ruff/isort ``order-by-type``: CONSTANTS, then Classes, then the rest, case-insensitively."""
    if name.isupper() and len(name) > 1:
        rank = 0
    elif name[:1].isupper():
        rank = 1
    else:
        rank = 2
    return rank, name.lower()


def _alias(imported: str, asname: str | None) -> str:
    return f"{imported} as {asname}" if asname else imported


@dataclass(frozen=True)
class Comma:
    before: str  # whitespace between the name and the comma
    after: Gap  # what follows the comma, up to the next name or ``)``

    def render(self, indent: str) -> str:
        return f"{self.before},{self.after.render(indent)}"

    def without_comment(self, newline: str) -> Comma:
        """The same separator, minus a trailing comment / blank lines it may carry (those belong to its line)."""
        return replace(self, after=self.after.without_comment(newline))


def parse_names(code: str, start: int, end: int, indent: str):
    """The names of ``from datetime import ...`` or ``import ...`` at ``[start, end)``: (the offset of the
    first name, the offset the names' text ends at, the whitespace after ``(`` or None, [(name, its comma
    or None)]). A name is its whole alias (``datetime as dt``)."""
    position = start
    if code.startswith("from", start):
        position = skip_gap(code, start + len("from"), end)
        position = skip_gap(code, _MODULE.match(code, position).end(), end)
    position = skip_gap(code, position + len("import"), end)
    lpar = None
    if code[position] == "(":
        first = skip_gap(code, position + 1, end)
        lpar = parse_gap(code[position + 1:first], indent)
        position = first
    names, names_start = [], position
    while position < end and code[position] not in "()":
        alias_end = _MODULE.match(code, position).end()
        after = skip_gap(code, alias_end, end)
        if code.startswith("as", after) and not code[after + 2:after + 3].isidentifier():
            alias_end = _NAME.match(code, skip_gap(code, after + 2, end)).end()
            after = skip_gap(code, alias_end, end)
        if after < end and code[after] == ",":
            following = skip_gap(code, after + 1, end)
            comma = Comma(code[alias_end:after], parse_gap(code[after + 1:following], indent))
            names.append((code[position:alias_end], comma))
            position, names_end = following, following
        else:
            names.append((code[position:alias_end], None))
            position = names_end = alias_end
            break
    return names_start, names_end, lpar, names


def merge_edit(src: SourceText, merge: ImportMerge, newline: str) -> tuple[int, int, str]:
    """``from datetime import datetime`` + timezone -> ``from datetime import datetime, timezone``.

    A new name goes where isort would put it when the existing list is sorted, else at the end. Commas
    reuse the statement's own separator, so parenthesised one-per-line imports stay one per line and
    comments stay on the line they were on.
    """
    start, end = src.span(merge.node)
    indent = src.leading(merge.node[0])
    names_start, names_end, lpar, names = parse_names(src.code, start, end, indent)
    keys = [isort_key(text.split()[0]) for text, _ in names]
    is_sorted = keys == sorted(keys)
    separator = _separator(lpar, names, newline)
    for imported, asname in merge.additions:
        alias = _alias(imported, asname)
        index = len(names)
        if is_sorted:
            key = isort_key(imported)
            index = next((i for i, k in enumerate(keys) if key < k), len(names))
            keys.insert(index, key)
        if index < len(names):
            names.insert(index, (alias, separator))
            continue
        last, trailing = names[-1]
        if trailing is not None and trailing.after.parenthesized:
            # one name per line with a trailing comma: the old last line keeps its comment, the new
            # name takes the closing line break
            line_from = separator.after if separator.after.parenthesized else trailing.after
            names[-1] = (last, replace(trailing, after=replace(trailing.after, last=line_from.last)))
            names.append((alias, trailing.without_comment(newline)))
        else:
            names[-1] = (last, separator)
            names.append((alias, trailing))
    text = "".join(alias + (comma.render(indent) if comma is not None else "") for alias, comma in names)
    return names_start, names_end, text


def _separator(lpar: Gap | None, names: list, newline: str) -> Comma:
    if len(names) >= 2 and names[0][1] is not None:
        return names[0][1].without_comment(newline)
    if lpar is not None and names[0][1] is not None:
        return Comma("", lpar).without_comment(newline)
    return Comma("", Gap(None, last=" "))


def new_from_import(additions, newline: str) -> str:
    aliases = [_alias(imported, asname) for imported, asname in sorted(additions, key=lambda a: isort_key(a[0]))]
    return f"from datetime import {', '.join(aliases)}{newline}"


def _is_import_line(group: list[ast.stmt]) -> bool:
    return all(isinstance(s, (ast.Import, ast.ImportFrom)) for s in group)


def _is_pass_or_assign(group: list[ast.stmt]) -> bool:
    return all(isinstance(s, (ast.Pass, ast.Assign)) for s in group)


def _is_docstring(src: SourceText, group: list[ast.stmt]) -> bool:
    """A lone string statement: plain, bytes, or strings written one after another (an f-string alone is
    not one: libcst told ``FormattedString`` from ``SimpleString``)."""
    if len(group) != 1 or not isinstance(group[0], ast.Expr):
        return False
    value = group[0].value
    if isinstance(value, ast.Constant):
        return isinstance(value.value, (str, bytes))
    if not isinstance(value, ast.JoinedStr):
        return False
    text = ast.get_source_segment(src.code, value) or ""
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    return sum(token.type == tokenize.STRING for token in tokens) > 1


def starts_its_line(src: SourceText, statement: ast.stmt) -> bool:
    return len(src.leading(statement.lineno)) == statement.col_offset


def _is_elif(src: SourceText, statement: ast.If) -> bool:
    orelse = statement.orelse
    return len(orelse) == 1 and isinstance(orelse[0], ast.If) and \
        src.code.startswith("elif", src.offset(orelse[0].lineno, orelse[0].col_offset))


def _is_import_block(src: SourceText, group: list[ast.stmt]) -> bool:
    """``if TYPE_CHECKING:`` / ``try: import x except ImportError: ...`` blocks of imports."""
    if len(group) != 1 or not isinstance(group[0], (ast.If, ast.Try)):
        return False
    statement = group[0]
    bodies = [statement.body]
    if isinstance(statement, ast.Try):
        bodies += [h.body for h in statement.handlers]
    elif statement.orelse:
        bodies.append(statement.orelse[0].body if _is_elif(src, statement) else statement.orelse)
    for body in bodies:
        if not starts_its_line(src, body[0]):
            return False  # a one-line suite: libcst's small statements, neither of the two
        if not all(_is_import_line(g) or _is_pass_or_assign(g) for g in statement_groups(body)):
            return False
    return True


def header_bounds(src: SourceText, groups: list[list[ast.stmt]], limit: int) -> tuple[int, int]:
    """(index after the last import line, index after the whole import header) in ``groups``.

    The header is the docstring, imports and import blocks (``if TYPE_CHECKING:``, try/except ImportError)
    before the first def/class. ``limit`` (the first top-level statement that uses a new name) caps both,
    so the helper is defined before module-level code that needs it.
    """
    import_end = header_end = 0
    for index, group in enumerate(groups[:limit]):
        if index == 0 and _is_docstring(src, group):
            import_end = header_end = 1
        elif _is_import_line(group):
            import_end = header_end = index + 1
        elif _is_import_block(src, group):
            header_end = index + 1
        elif isinstance(group[0], (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            break
    return import_end, header_end


def _last_block(src: SourceText, statement: ast.stmt) -> list[ast.stmt]:
    """The statements of a compound statement's last clause (``else:``, ``finally:``, the last ``except``)."""
    if isinstance(statement, ast.If) and _is_elif(src, statement):
        return _last_block(src, statement.orelse[0])
    if isinstance(statement, (ast.Try, ast.TryStar)):
        return statement.finalbody or statement.orelse or statement.handlers[-1].body
    if isinstance(statement, ast.Match):
        return statement.cases[-1].body
    return getattr(statement, "orelse", None) or getattr(statement, "body", None) or []


def leading_start(src: SourceText, groups: list[list[ast.stmt]], index: int) -> int:
    """Where the blank and comment lines before statement ``index`` start (what libcst gave it as
    ``leading_lines``): the lines that follow the previous statement, except those up to its block's last
    line indented as that block (libcst's block footer). The first statement's go to the module header."""
    start_line = first_line(groups[index][0])
    if index == 0:
        return src.line_start(start_line)
    previous = groups[index - 1][-1]
    end_line = previous.end_lineno
    block = _last_block(src, previous) if child_statements(previous) else []
    if block and starts_its_line(src, block[0]):
        block_indent = src.leading(first_line(block[0]))
        for line in range(start_line - 1, end_line, -1):
            if src.line(line).startswith(block_indent):
                end_line = line
                break
    return src.line_start(end_line + 1)


def _blank_lines_before(src: SourceText, start: int, statement_line: int) -> int:
    """Blank lines among a statement's leading lines, counted until the first comment line."""
    blanks = 0
    for line in range(src.place(start)[0], statement_line):
        if src.line(line).strip():
            break
        blanks += 1
    return blanks


def header_edits(src: SourceText, limit: int, imports: list[str], helpers: list[str],
                 newline: str) -> list[tuple[int, str]]:
    """(offset, text) insertions: new import lines, and helper functions with two blank lines around them
    (PEP 8). ``limit``: index into ``Module.body`` of the first statement rewritten."""
    body = src.tree.body
    groups = statement_groups(body)
    limit_group = len(groups)
    if limit < len(body):
        limit_group = next(i for i, g in enumerate(groups) if any(s is body[limit] for s in g))
    import_index, helper_index = header_bounds(src, groups, limit_group)
    inserts: dict[int, str] = {}
    if helpers:
        at = leading_start(src, groups, helper_index) if helper_index < len(groups) else len(src.code)
        text = "".join(newline * 2 + helper for helper in helpers)
        if helper_index < len(groups):
            blanks = _blank_lines_before(src, at, first_line(groups[helper_index][0])) if helper_index else 0
            text += newline * max(0, 2 - blanks)
        inserts[at] = text
    if imports:
        at = leading_start(src, groups, import_index) if import_index < len(groups) else len(src.code)
        inserts[at] = "".join(imports) + inserts.get(at, "")
    return sorted(inserts.items())
