"""What the static reader takes from a revision file: columns and schema operations, in upgrade order."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from infractl.verify_db.migration_exprs import ServerDefault


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    data_type: str  # as PostgreSQL's format_type prints it; "unknown type X" for a type we cannot resolve
    nullable: bool
    default: ServerDefault | None
    onupdate: bool
    line: int


@dataclass(frozen=True)
class Operation:
    """One schema change of ``upgrade()``, in order. ``changes`` only holds what alter_column sets.

    kinds: create_table, add_column, alter_column, drop_column, drop_table, rename_table (from ``op.*``
    calls and from literal SQL alike), create_trigger / drop_trigger (``new_name`` is the trigger's name,
    from SQL), and not_followed: something that may change ``tables`` (empty: unknown which) that the
    static reader cannot follow; ``reason`` says what. ``create_table`` with ``reason`` set created the
    table with columns we cannot know (``CREATE TABLE ... AS SELECT``).
    """

    kind: str
    table: str
    line: int
    schema: str | None = None
    columns: tuple[ColumnSpec, ...] = ()
    column: str = ""
    new_name: str = ""
    changes: dict[str, Any] = field(default_factory=dict)
    tables: tuple[str, ...] = ()
    reason: str = ""
