"""DT106: an aware default on a SQLAlchemy ``DateTime`` column that stores naive values.

The other hazards come from the flow analysis (flow.py): they are where a value meets something naive.
A column default is different: the value goes to the database driver, so the column's type decides.
Forms: ``Column(DateTime, default=...)``, ``Column("created", DateTime, ...)`` (the type is any positional
argument), ``types.DateTime`` / ``sa.DateTime`` / ``TIMESTAMP``, and
``at: Mapped[datetime] = mapped_column(default=...)`` (SQLAlchemy maps that to a naive DateTime).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator

from infractl.fix_datetime.analyse.analysis import FileFacts
from infractl.fix_datetime.analyse.cstshape import call_args, positional_args, unstarred

COLUMN_FUNCS = {"Column", "mapped_column"}
DATETIME_TYPES = {"DateTime", "TIMESTAMP"}


def column_hazards(facts: FileFacts, names_of: Callable, is_aware_default: Callable) -> Iterator[ast.AST]:
    """The anchor of every DT106: the column type (or the mapped_column call)."""
    for call in facts.calls:
        column_type = _naive_column_type(call, is_aware_default)
        if column_type is not None:
            yield column_type
    for statement in facts.ann_assigns:
        anchor = _untyped_mapped_column(statement, names_of, is_aware_default)
        if anchor is not None:
            yield anchor


def _spelled(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else ""


def column_call(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Call) and _spelled(node.func) in COLUMN_FUNCS


def _has_aware_default(call: ast.Call, is_aware_default: Callable) -> bool:
    return any(k.arg in {"default", "onupdate"} and is_aware_default(k.value) for k in call.keywords)


def _naive_column_type(call: ast.Call, is_aware_default: Callable) -> ast.expr | None:
    """The ``DateTime`` argument of ``Column(..., DateTime, default=<aware>)`` when it lacks timezone=True."""
    if not column_call(call):
        return None
    for keyword, value in call_args(call):
        if keyword is not None:
            continue
        column_type = unstarred(value.value if isinstance(value, ast.keyword) else value)
        base = column_type.func if isinstance(column_type, ast.Call) else column_type
        if _spelled(base) not in DATETIME_TYPES:
            continue
        if not _has_aware_default(call, is_aware_default):
            return None
        if isinstance(column_type, ast.Call):
            for type_arg in column_type.keywords:
                if type_arg.arg == "timezone" and not _is_false(type_arg.value):
                    return None
            first = call_args(column_type)[:1]
            if first and first[0][0] is None and not _is_false(unstarred(first[0][1])):
                return None  # DateTime(True)
        return column_type
    return None


def _is_false(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is False


def _untyped_mapped_column(statement: ast.AnnAssign, names_of, is_aware_default: Callable):
    """``at: Mapped[datetime] = mapped_column(default=<aware>)``: SQLAlchemy maps it to a naive DateTime."""
    call = statement.value
    if not isinstance(call, ast.Call) or _spelled(call.func) != "mapped_column":
        return None
    if positional_args(call) or not _has_aware_default(call, is_aware_default):
        return None
    for node in ast.walk(statement.annotation):
        if isinstance(node, (ast.Name, ast.Attribute)) and names_of(node) == {"datetime.datetime"}:
            return call
    return None
