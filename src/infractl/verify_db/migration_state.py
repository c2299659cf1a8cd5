"""Replay parsed ``upgrade()`` operations, in upgrade order, into the final column state."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from infractl.verify_db.migration_exprs import ServerDefault
from infractl.verify_db.migration_parse import ColumnSpec, Operation, RevisionFile
from infractl.verify_db.rules import ColumnInfo

_IDENT = r'(?:"[^"]+"|[\w$]+)'
_QUALIFIED = rf"{_IDENT}(?:\.{_IDENT})?"
_CREATE_TRIGGER = re.compile(
    rf"CREATE\s+(?:OR\s+REPLACE\s+)?(?:CONSTRAINT\s+)?TRIGGER\s+(?P<name>{_IDENT})\s+"
    rf"(?:BEFORE|AFTER|INSTEAD\s+OF)\s+(?P<events>.+?)\s+ON\s+(?:ONLY\s+)?(?P<table>{_QUALIFIED})",
    re.IGNORECASE | re.DOTALL)
_DROP_TRIGGER = re.compile(
    rf"DROP\s+TRIGGER\s+(?:IF\s+EXISTS\s+)?(?P<name>{_IDENT})\s+ON\s+(?:ONLY\s+)?(?P<table>{_QUALIFIED})", re.IGNORECASE)
_ALTER_DEFAULT = re.compile(
    rf"^\s*ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(?P<table>{_QUALIFIED})\s+ALTER\s+(?:COLUMN\s+)?"
    rf"(?P<column>{_IDENT})\s+(?:SET\s+DEFAULT\s+(?P<expr>.+?)|DROP\s+DEFAULT)\s*$", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class ColumnState(ColumnInfo):
    """A ``ColumnInfo`` (so ``check_column`` takes it as is) plus where and how it was last set."""

    revision: str = ""
    schema: str | None = None
    bare_table: str = ""
    server_default: ServerDefault | None = None
    onupdate: bool = False


def table_key(table: str, schema: str | None) -> str:
    return f"{schema}.{table}" if schema else table


def replay(files: list[RevisionFile]) -> dict[str, dict[str, ColumnState]]:
    """The final state after running every file's ``upgrade()`` in the given order."""
    tables: dict[str, dict[str, ColumnState]] = {}
    triggers: dict[str, set[str]] = {}  # bare table name -> update trigger names
    opaque_sql = False  # an op.execute whose SQL we cannot read might create a trigger
    for file in files:
        for op in file.operations:
            if op.kind == "execute":
                opaque_sql |= op.sql is None
                _apply_sql(op, file, tables, triggers)
            else:
                _apply(op, file, tables)
    for columns in tables.values():
        for name, col in columns.items():
            hooked = col.onupdate or bool(triggers.get(col.bare_table))
            columns[name] = replace(col, has_update_hook=True if hooked else (None if opaque_sql else False))
    return tables


def _state(spec: ColumnSpec, op: Operation, file: RevisionFile) -> ColumnState:
    return ColumnState(
        table=table_key(op.table, op.schema), column=spec.name, data_type=spec.data_type, nullable=spec.nullable,
        default=spec.default.as_sql(spec.data_type) if spec.default else None, path=str(file.path),
        line=spec.line, revision=file.revision, schema=op.schema, bare_table=op.table,
        server_default=spec.default, onupdate=spec.onupdate)


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
        tables[new_key] = {name: replace(col, table=new_key, bare_table=op.new_name)
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
    columns[name] = replace(col, column=name, data_type=data_type, nullable=nullable, default=default,
                            server_default=server_default, note=note, path=str(file.path), line=op.line,
                            revision=file.revision)


def _apply_sql(op: Operation, file: RevisionFile, tables, triggers: dict[str, set[str]]) -> None:
    """What raw SQL in ``op.execute`` does to what we track: update triggers and column defaults."""
    for statement in (op.sql or "").split(";"):
        match = _CREATE_TRIGGER.search(statement)
        if match and re.search(r"\bUPDATE\b", match.group("events"), re.IGNORECASE):
            triggers.setdefault(_bare(match.group("table")), set()).add(_unquote(match.group("name")))
        match = _DROP_TRIGGER.search(statement)
        if match:
            triggers.get(_bare(match.group("table")), set()).discard(_unquote(match.group("name")))
        match = _ALTER_DEFAULT.match(statement)
        if match:
            _alter_default_sql(match, op, file, tables)


def _alter_default_sql(match, op: Operation, file: RevisionFile, tables) -> None:
    table, column = _bare(match.group("table")), _unquote(match.group("column"))
    for key, columns in tables.items():
        if key.rsplit(".", 1)[-1] == table and column in columns:
            col = columns[column]
            expr = match.group("expr")
            default = ServerDefault(sql=expr.strip()) if expr else None
            note = f"default dropped in revision {file.revision}" if default is None and col.default else ""
            columns[column] = replace(col, default=default.sql if default else None, server_default=default,
                                      note=note, path=str(file.path), line=op.line, revision=file.revision)


def _unquote(name: str) -> str:
    return name[1:-1] if name.startswith('"') and name.endswith('"') else name.lower()


def _bare(qualified: str) -> str:
    return _unquote(re.split(r'\.(?=(?:[^"]*"[^"]*")*[^"]*$)', qualified)[-1])
