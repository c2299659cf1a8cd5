"""What the static reader takes from a revision file: columns and schema operations, in upgrade order."""

from __future__ import annotations

from collections import namedtuple
from types import MappingProxyType


class ColumnSpec(namedtuple("ColumnSpec", "name data_type nullable default onupdate line")):
    """A column as a revision declares it. ``data_type``: as PostgreSQL's format_type prints it, "unknown
    type X" for a type we cannot resolve; ``default``: a ServerDefault or None; ``onupdate``: a bool.
    Records here are named tuples, not dataclasses: ``infractl check`` imports them on every repository
    with migrations (findings.py says why)."""

    __slots__ = ()


_OPERATION_FIELDS = "kind table line schema columns column new_name changes tables reason"


class Operation(namedtuple("Operation", _OPERATION_FIELDS,
                           defaults=(None, (), "", "", MappingProxyType({}), (), ""))):
    """One schema change of ``upgrade()``, in order. ``changes`` only holds what alter_column sets.

    kinds: create_table, add_column, alter_column, drop_column, drop_table, rename_table (from ``op.*``
    calls and from literal SQL alike), create_trigger / drop_trigger (``new_name`` is the trigger's name,
    from SQL), and not_followed: something that may change ``tables`` (empty: unknown which) that the
    static reader cannot follow; ``reason`` says what. ``create_table`` with ``reason`` set created the
    table with columns we cannot know (``CREATE TABLE ... AS SELECT``). ``columns``: ColumnSpecs;
    ``changes``: a dict (read-only when not given); ``tables``: a tuple of names.
    """

    __slots__ = ()
