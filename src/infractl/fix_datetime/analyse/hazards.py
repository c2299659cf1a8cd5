"""DT106: an aware default on a SQLAlchemy ``DateTime`` column that stores naive values.

The other hazards come from the flow analysis (flow.py): they are where a value meets something naive.
A column default is different: the value goes to the database driver, so the column's type decides.
Forms: ``Column(DateTime, default=...)``, ``Column("created", DateTime, ...)`` (the type is any positional
argument), ``types.DateTime`` / ``sa.DateTime`` / ``TIMESTAMP``, and
``at: Mapped[datetime] = mapped_column(default=...)`` (SQLAlchemy maps that to a naive DateTime).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import libcst as cst

from infractl.fix_datetime.analyse.analysis import FileFacts

COLUMN_FUNCS = {"Column", "mapped_column"}
DATETIME_TYPES = {"DateTime", "TIMESTAMP"}


def column_hazards(facts: FileFacts, names_of: Callable, is_aware_default: Callable) -> Iterator[cst.CSTNode]:
    """The anchor of every DT106: the column type (or the mapped_column call)."""
    for call in facts.calls:
        column_type = _naive_column_type(call, is_aware_default)
        if column_type is not None:
            yield column_type
    for statement in facts.ann_assigns:
        anchor = _untyped_mapped_column(statement, names_of, is_aware_default)
        if anchor is not None:
            yield anchor


def _spelled(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    return node.attr.value if isinstance(node, cst.Attribute) else ""


def column_call(node: cst.CSTNode) -> bool:
    return isinstance(node, cst.Call) and _spelled(node.func) in COLUMN_FUNCS


def _has_aware_default(call: cst.Call, is_aware_default: Callable) -> bool:
    return any(arg.keyword is not None and arg.keyword.value in {"default", "onupdate"}
               and is_aware_default(arg.value) for arg in call.args)


def _naive_column_type(call: cst.Call, is_aware_default: Callable) -> cst.BaseExpression | None:
    """The ``DateTime`` argument of ``Column(..., DateTime, default=<aware>)`` when it lacks timezone=True."""
    if not column_call(call):
        return None
    for arg in call.args:
        if arg.keyword is not None:
            continue
        column_type = arg.value
        base = column_type.func if isinstance(column_type, cst.Call) else column_type
        if _spelled(base) not in DATETIME_TYPES:
            continue
        if not _has_aware_default(call, is_aware_default):
            return None
        if isinstance(column_type, cst.Call):
            for type_arg in column_type.args:
                if type_arg.keyword is not None and type_arg.keyword.value == "timezone" and not _is_false(
                        type_arg.value):
                    return None
            if column_type.args and column_type.args[0].keyword is None and not _is_false(column_type.args[0].value):
                return None  # DateTime(True)
        return column_type
    return None


def _is_false(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "False"


def _untyped_mapped_column(statement: cst.AnnAssign, names_of, is_aware_default: Callable):
    """``at: Mapped[datetime] = mapped_column(default=<aware>)``: SQLAlchemy maps it to a naive DateTime."""
    call = statement.value
    if not isinstance(call, cst.Call) or _spelled(call.func) != "mapped_column":
        return None
    if any(arg.keyword is None for arg in call.args) or not _has_aware_default(call, is_aware_default):
        return None
    for node in _names_and_attributes(statement.annotation):
        if names_of(node) == {"datetime.datetime"}:
            return call
    return None


def _names_and_attributes(root: cst.CSTNode) -> list[cst.CSTNode]:
    """Every Name/Attribute under ``root`` (libcst.matchers.findall would cost its ~150 ms import)."""
    found, stack = [], [root]
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.Name, cst.Attribute)):
            found.append(node)
        stack.extend(node.children)
    return found
