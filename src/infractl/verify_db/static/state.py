"""Replay parsed ``upgrade()`` operations, in upgrade order, into the final column state."""

from __future__ import annotations

from collections import namedtuple

from infractl.verify_db.rules import COLUMN_INFO_DEFAULTS, COLUMN_INFO_FIELDS, ColumnInfo
from infractl.verify_db.static.parse import ColumnSpec, Operation, RevisionFile

_COLUMN_STATE_FIELDS = (*COLUMN_INFO_FIELDS, "revision", "schema", "bare_table", "server_default", "onupdate")


# ColumnInfo's fields first, then its own: the named tuple base gives the fields their places, ColumnInfo
# (second in the bases) makes it one for isinstance and gives its methods.
class ColumnState(namedtuple("ColumnState", _COLUMN_STATE_FIELDS, defaults=(*COLUMN_INFO_DEFAULTS, "", None, "",
                                                                             None, False)), ColumnInfo):
    """A ``ColumnInfo`` (so ``check_column`` takes it as is) plus where and how it was last set: the
    ``revision``, the table's ``schema`` (or None) and ``bare_table`` name, the ``server_default`` (a
    migration_exprs.ServerDefault or None) and ``onupdate``. A named tuple (migration_ops.py says why)."""

    __slots__ = ()


def table_key(table: str, schema: str | None) -> str:
    return f"{schema}.{table}" if schema else table


class NotFollowed(namedtuple("NotFollowed", "path line revision reason tables")):
    """Something a revision does that may change ``tables`` (a tuple; empty: we cannot tell which)."""

    __slots__ = ()


class ReplayResult(namedtuple("ReplayResult", "tables not_followed")):
    """``tables``: table -> column -> ColumnState; ``not_followed``: a list of NotFollowed."""

    __slots__ = ()


def replay(files: list[RevisionFile]) -> ReplayResult:
    """The final state after running every file's ``upgrade()`` in the given order."""
    tables: dict[str, dict[str, ColumnState]] = {}
    triggers: dict[str, set[str]] = {}  # bare table name -> update trigger names
    unknown: list[NotFollowed] = []
    opaque: set[str] = set()  # bare table names something unreadable may have given a trigger
    for file in files:
        for op in file.operations:
            if op.kind == "not_followed":
                item = NotFollowed(str(file.path), op.line, file.revision, op.reason, op.tables)
                if item not in unknown[-20:]:  # a loop repeats the same thing: say it once
                    unknown.append(item)
                opaque.update(op.tables)
            elif op.kind == "create_trigger":
                triggers.setdefault(op.table, set()).add(op.new_name)
            elif op.kind == "drop_trigger":
                triggers.get(op.table, set()).discard(op.new_name)
            elif op.kind == "alter_column" and op.column not in tables.get(table_key(op.table, op.schema), {}) \
                    and _bare_match(tables, op):
                _apply(_bare_match(tables, op), file, tables)  # raw SQL named the table without its schema
            else:
                if op.kind == "create_table" and op.reason:
                    unknown.append(NotFollowed(str(file.path), op.line, file.revision, op.reason, (op.table,)))
                _apply(op, file, tables)
                if op.kind == "rename_table" and op.table in triggers:
                    triggers[op.new_name] = triggers.pop(op.table)
    for columns in tables.values():
        for name, col in columns.items():
            hooked = col.onupdate or bool(triggers.get(col.bare_table))
            columns[name] = col._replace(has_update_hook=True if hooked else (
                None if col.bare_table in opaque else False))
    return ReplayResult(tables, unknown)


def _bare_match(tables, op: Operation) -> Operation | None:
    """An alter from SQL names ``orders``; the table may be tracked under a schema: use that key."""
    if op.schema is not None:
        return None
    for key, columns in tables.items():
        if key.rsplit(".", 1)[-1] == op.table and op.column in columns and "." in key:
            return op._replace(schema=key.rsplit(".", 1)[0])
    return None


def _state(spec: ColumnSpec, op: Operation, file: RevisionFile) -> ColumnState:
    return ColumnState(
        table=table_key(op.table, op.schema), column=spec.name, data_type=spec.data_type, nullable=spec.nullable,
        default=spec.default.as_sql(spec.data_type) if spec.default else None, path=str(file.path),
        line=spec.line, revision=file.revision, schema=op.schema, bare_table=op.table,
        server_default=spec.default, onupdate=spec.onupdate,
        literal_default=spec.default.literal if spec.default else None)


def _apply(op: Operation, file: RevisionFile, tables: dict[str, dict[str, ColumnState]]) -> None:
    key = table_key(op.table, op.schema)
    if op.kind == "create_table":
        tables[key] = {spec.name: _state(spec, op, file) for spec in op.columns}
    elif op.kind == "add_column":
        tables.setdefault(key, {})[op.columns[0].name] = _state(op.columns[0], op, file)
    elif op.kind == "drop_table":
        tables.pop(key, None)
    elif op.kind == "drop_column":
        tables.get(key, {}).pop(op.column, None)
    elif op.kind == "rename_table":
        new_key = table_key(op.new_name, op.schema)
        tables[new_key] = {name: col._replace(table=new_key, bare_table=op.new_name)
                           for name, col in tables.pop(key, {}).items()}
    elif op.kind == "alter_column":
        _alter(op, file, tables.setdefault(key, {}))


def _alter(op: Operation, file: RevisionFile, columns: dict[str, ColumnState]) -> None:
    changes = op.changes
    col = columns.get(op.column)
    if col is None:  # created outside what we can read: start from alembic's existing_* hints
        existing = changes.get("existing_server_default")
        data_type = changes.get("existing_type", "unknown")
        col = ColumnState(table=table_key(op.table, op.schema), column=op.column, data_type=data_type,
                          nullable=changes.get("existing_nullable", False),
                          default=existing.as_sql(data_type) if existing else None,
                          schema=op.schema, bare_table=op.table, server_default=existing)
    data_type = changes.get("type_", col.data_type)
    nullable = changes.get("nullable", col.nullable)
    server_default, note = col.server_default, col.note
    if "server_default" in changes:
        server_default = changes["server_default"]
        note = f"default dropped in revision {file.revision}" if server_default is None and col.default else ""
    default = server_default.as_sql(data_type) if server_default else None
    if server_default is not None and server_default.literal is not None and server_default is col.server_default:
        default = col.default  # a literal was cast (frozen) under the old type; a type change keeps the value
    name = changes.get("new_column_name", op.column)
    columns.pop(op.column, None)
    columns[name] = col._replace(column=name, data_type=data_type, nullable=nullable, default=default,
                                 server_default=server_default, note=note, path=str(file.path), line=op.line,
                                 revision=file.revision,
                                 literal_default=server_default.literal if server_default else None)
