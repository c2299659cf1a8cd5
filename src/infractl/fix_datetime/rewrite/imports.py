"""Add names to ``from datetime import ...`` and place new module-level statements, keeping formatting."""

from __future__ import annotations

import libcst as cst


def _isort_key(name: str) -> tuple[int, str]:
    """ruff/isort ``order-by-type``: CONSTANTS, then Classes, then the rest, case-insensitively."""
    if name.isupper() and len(name) > 1:
        rank = 0
    elif name[:1].isupper():
        rank = 1
    else:
        rank = 2
    return rank, name.lower()


def _alias(imported: str, asname: str | None) -> cst.ImportAlias:
    return cst.ImportAlias(
        name=cst.Name(imported), asname=cst.AsName(name=cst.Name(asname)) if asname else None
    )


def _without_comment(comma: cst.Comma) -> cst.Comma:
    """The same separator, minus a trailing comment / blank lines it may carry (those belong to its line)."""
    after = comma.whitespace_after
    if isinstance(after, cst.ParenthesizedWhitespace):
        after = after.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=())
    return comma.with_changes(whitespace_after=after)


def _separator(node: cst.ImportFrom, names: list[cst.ImportAlias]) -> cst.Comma:
    if len(names) >= 2 and isinstance(names[0].comma, cst.Comma):
        return _without_comment(names[0].comma)
    if node.lpar is not None and isinstance(names[0].comma, cst.Comma):
        return _without_comment(cst.Comma(whitespace_after=node.lpar.whitespace_after))
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def merge_names(node: cst.ImportFrom, additions: list[tuple[str, str | None]]) -> cst.ImportFrom:
    """``from datetime import datetime`` + timezone -> ``from datetime import datetime, timezone``.

    A new name goes where isort would put it when the existing list is sorted, else at the end. Commas
    reuse the statement's own separator, so parenthesised one-per-line imports stay one per line and
    comments stay on the line they were on.
    """
    names = list(node.names)
    keys = [_isort_key(a.name.value) for a in names if isinstance(a.name, cst.Name)]
    is_sorted = len(keys) == len(names) and keys == sorted(keys)
    separator = _separator(node, names)
    for imported, asname in additions:
        alias = _alias(imported, asname)
        index = len(names)
        if is_sorted:
            key = _isort_key(imported)
            index = next((i for i, k in enumerate(keys) if key < k), len(names))
            keys.insert(index, key)
        if index < len(names):
            names.insert(index, alias.with_changes(comma=separator))
            continue
        last = names[-1]
        trailing = last.comma
        if isinstance(trailing, cst.Comma) and isinstance(trailing.whitespace_after, cst.ParenthesizedWhitespace):
            # one name per line with a trailing comma: the old last line keeps its comment, the new
            # name takes the closing line break
            after = trailing.whitespace_after
            indent = separator.whitespace_after
            last_line = indent.last_line if isinstance(indent, cst.ParenthesizedWhitespace) else after.last_line
            names[-1] = last.with_changes(comma=trailing.with_changes(
                whitespace_after=after.with_changes(last_line=last_line)))
            names.append(alias.with_changes(comma=_without_comment(trailing)))
        else:
            names[-1] = last.with_changes(comma=separator)
            names.append(alias.with_changes(comma=trailing))
    return node.with_changes(names=names)


def new_from_import(additions: list[tuple[str, str | None]]) -> cst.SimpleStatementLine:
    aliases = [_alias(imported, asname) for imported, asname in sorted(additions, key=lambda a: _isort_key(a[0]))]
    return cst.SimpleStatementLine(body=[cst.ImportFrom(module=cst.Name("datetime"), names=aliases)])


def _is_import_line(stmt: cst.CSTNode) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and all(
        isinstance(s, (cst.Import, cst.ImportFrom)) for s in stmt.body
    )


def _is_docstring(stmt: cst.CSTNode) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _is_import_block(stmt: cst.CSTNode) -> bool:
    """``if TYPE_CHECKING:`` / ``try: import x except ImportError: ...`` blocks of imports."""
    if not isinstance(stmt, (cst.If, cst.Try)):
        return False
    bodies = [stmt.body]
    if isinstance(stmt, cst.Try):
        bodies += [h.body for h in stmt.handlers]
    elif stmt.orelse is not None:
        bodies.append(stmt.orelse.body)
    for body in bodies:
        for inner in getattr(body, "body", ()):
            if not (_is_import_line(inner) or _is_pass_or_assign(inner)):
                return False
    return True


def _is_pass_or_assign(stmt: cst.CSTNode) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and all(
        isinstance(s, (cst.Pass, cst.Assign)) for s in stmt.body
    )


def header_bounds(module: cst.Module, limit: int) -> tuple[int, int]:
    """(index after the last import line, index after the whole import header) in ``module.body``.

    The header is the docstring, imports and import blocks (``if TYPE_CHECKING:``, try/except ImportError)
    before the first def/class. ``limit`` (the first top-level statement that uses a new name) caps both,
    so the helper is defined before module-level code that needs it.
    """
    import_end = header_end = 0
    for index, stmt in enumerate(module.body[:limit]):
        if index == 0 and _is_docstring(stmt):
            import_end = header_end = 1
        elif _is_import_line(stmt):
            import_end = header_end = index + 1
        elif _is_import_block(stmt):
            header_end = index + 1
        elif isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            break
    return import_end, header_end


def insert_statements(
    module: cst.Module,
    import_index: int,
    imports: list[cst.SimpleStatementLine],
    helper_index: int,
    helpers: list[cst.FunctionDef],
) -> cst.Module:
    """Insert new import lines, and helper functions with two blank lines around them (PEP 8)."""
    body = list(module.body)
    blank = cst.EmptyLine()
    if helpers:
        if helper_index < len(body):
            following = body[helper_index]
            empties = 0
            for line in following.leading_lines:
                if line.comment is not None:
                    break
                empties += 1
            if empties < 2:
                leading = [blank] * (2 - empties) + list(following.leading_lines)
                body[helper_index] = following.with_changes(leading_lines=leading)
        body[helper_index:helper_index] = [h.with_changes(leading_lines=[blank, blank]) for h in helpers]
    body[import_index:import_index] = imports
    return module.with_changes(body=body)
