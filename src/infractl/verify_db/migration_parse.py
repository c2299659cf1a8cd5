"""Read one Alembic revision file with libcst: its ids and the schema operations of ``upgrade()``.

The file is never imported or run. Expressions are understood as far as they can be read
statically; anything else is kept as source text so the rules can call it unrecognised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infractl.errors import InfractlError
from infractl.verify_db.migration_exprs import (
    UNKNOWN,
    ExpressionReader,
    ServerDefault,
    is_call_named,
    split_args,
)


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    data_type: str
    nullable: bool
    default: ServerDefault | None
    onupdate: bool
    line: int


@dataclass(frozen=True)
class Operation:
    """One ``op.*`` call of ``upgrade()``, in source order. ``changes`` only holds what alter_column sets."""

    kind: str  # create_table, add_column, alter_column, drop_column, drop_table, rename_table, execute
    table: str
    line: int
    schema: str | None = None
    columns: tuple[ColumnSpec, ...] = ()
    column: str = ""
    new_name: str = ""
    sql: str | None = None  # execute(): the SQL text, None when it is not a literal
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RevisionFile:
    path: Path
    revision: str
    down_revisions: tuple[str, ...]
    operations: tuple[Operation, ...]


def parse_revision_file(path: Path) -> RevisionFile:
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    try:
        source = path.read_text(encoding="utf-8")
        # unsafe_skip_copy: we never mutate the tree, and the copy costs a third of the run time
        wrapper = MetadataWrapper(cst.parse_module(source), unsafe_skip_copy=True)
    except (OSError, UnicodeDecodeError) as exc:
        raise InfractlError(f"cannot read migration {path}: {exc}") from None
    except cst.ParserSyntaxError as exc:
        raise InfractlError(f"cannot parse migration {_syntax_error(path, source, exc)}") from None
    module = wrapper.module
    positions = wrapper.resolve(PositionProvider)
    reader = _OperationReader(module, _module_assignments(module), lambda node: positions[node].start.line)
    revision = reader.literal(reader.consts.get("revision"))
    if not isinstance(revision, str) or not revision:
        raise InfractlError(f"migration {path} has no literal `revision = \"...\"`")
    down = reader.literal(reader.consts.get("down_revision"))
    if isinstance(down, str):
        downs: tuple = (down,)
    elif down is None:
        downs = ()
    elif isinstance(down, tuple) and all(isinstance(d, str) for d in down):
        downs = down
    else:
        raise InfractlError(f"migration {path}: cannot read down_revision statically")
    upgrade = next((s for s in module.body if isinstance(s, cst.FunctionDef) and s.name.value == "upgrade"), None)
    operations = tuple(reader.operations(upgrade)) if upgrade is not None else ()
    return RevisionFile(path=path, revision=revision, down_revisions=downs, operations=operations)


def _syntax_error(path: Path, source: str, exc) -> str:
    """Python's own message says it best (line and what is wrong); libcst's is the fallback."""
    import ast

    try:
        ast.parse(source, filename=str(path))
    except SyntaxError as syntax:
        return f"{path}:{syntax.lineno}: {syntax.msg}"
    return f"{path}:{exc.raw_line}: {exc.message}"


def _module_assignments(module) -> dict[str, Any]:
    """Module-level ``NAME = value`` (and annotated) assignments, so constants can be resolved."""
    import libcst as cst

    consts: dict[str, Any] = {}
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Assign) and len(small.targets) == 1:
                target = small.targets[0].target
                if isinstance(target, cst.Name):
                    consts[target.value] = small.value
            elif isinstance(small, cst.AnnAssign) and small.value is not None and isinstance(small.target, cst.Name):
                consts[small.target.value] = small.value
    return consts


class _OperationReader(ExpressionReader):
    """The ``op.*`` calls of ``upgrade()`` as Operations, with the line each starts on."""

    def __init__(self, module, consts: dict[str, Any], line_of) -> None:
        super().__init__(module, consts)
        self.line_of = line_of

    def column(self, call) -> ColumnSpec | None:
        positional, keywords = split_args(call)
        name = self.literal(positional[0]) if positional else self.literal(keywords.get("name"))
        if not isinstance(name, str):
            return None
        type_node = positional[1] if len(positional) > 1 else keywords.get("type_")
        nullable = True  # SQLAlchemy's default; a nullable= we cannot read counts as the default too
        if "nullable" in keywords:
            nullable = self.literal(keywords["nullable"]) is not False
        if self.literal(keywords.get("primary_key")) is True:
            nullable = False
        default = self.server_default(keywords["server_default"]) if "server_default" in keywords else None
        return ColumnSpec(name=name, data_type=self.data_type(type_node) if type_node is not None else "unknown",
                          nullable=nullable, default=default, onupdate="onupdate" in keywords,
                          line=self.line_of(call))

    def operations(self, function) -> list[Operation]:
        collector = _make_op_calls_visitor()
        function.body.visit(collector)
        found = []
        for call, method, table_node, schema_node in collector.calls:
            op = self.operation(call, method, table_node, schema_node)
            if op is not None:
                found.append(op)
        return found

    def operation(self, call, method: str, batch_table, batch_schema) -> Operation | None:
        positional, keywords = split_args(call)
        if batch_table is not None:  # batch_op.add_column(col) == op.add_column(table, col)
            positional = [batch_table, *positional]
            if batch_schema is not None:
                keywords.setdefault("schema", batch_schema)
        table_node = positional[0] if positional else keywords.get("table_name", keywords.get("old_table_name"))
        table = self.literal(table_node) if table_node is not None else None
        schema = self.literal(keywords["schema"]) if "schema" in keywords else None
        if not isinstance(table, str) and method != "execute":
            return None
        schema = schema if isinstance(schema, str) else None
        line = self.line_of(call)
        if method == "create_table":
            columns = tuple(c for c in (self.column(a) for a in positional[1:] if _is_column(a)) if c)
            return Operation("create_table", table, line, schema, columns=columns)
        if method == "add_column" and len(positional) > 1 and _is_column(positional[1]):
            column = self.column(positional[1])
            return Operation("add_column", table, line, schema, columns=(column,)) if column else None
        if method in ("drop_table", "drop_column", "rename_table", "alter_column"):
            second = positional[1] if len(positional) > 1 else keywords.get(
                "column_name", keywords.get("new_table_name"))
            name = self.literal(second) if second is not None else ""
            if method == "drop_table":
                return Operation("drop_table", table, line, schema)
            if not isinstance(name, str):
                return None
            if method == "rename_table":
                return Operation("rename_table", table, line, schema, new_name=name)
            if method == "drop_column":
                return Operation("drop_column", table, line, schema, column=name)
            return Operation("alter_column", table, line, schema, column=name, changes=self.alter_changes(keywords))
        if method == "execute" and (positional or "sqltext" in keywords):
            sql_node = self.resolve(positional[0] if positional else keywords["sqltext"])
            sql = self.literal(sql_node)
            if not isinstance(sql, str) and (is_call_named(sql_node, "text") or is_call_named(sql_node, "DDL")):
                inner = split_args(sql_node)[0]
                sql = self.literal(inner[0]) if inner else UNKNOWN
            return Operation("execute", "", line, sql=sql if isinstance(sql, str) else None)
        return None

    def alter_changes(self, keywords: dict) -> dict[str, Any]:
        changes: dict[str, Any] = {}
        for key in ("server_default", "existing_server_default"):
            # alembic uses server_default=False as "leave unchanged"
            if key in keywords and self.literal(keywords[key]) is not False:
                changes[key] = self.server_default(keywords[key])
        for key in ("nullable", "existing_nullable"):
            if key in keywords and isinstance(self.literal(keywords[key]), bool):
                changes[key] = self.literal(keywords[key])
        for key in ("type_", "existing_type"):
            if key in keywords:
                changes[key] = self.data_type(keywords[key])
        if isinstance(self.literal(keywords.get("new_column_name")), str):
            changes["new_column_name"] = self.literal(keywords["new_column_name"])
        return changes


def _is_column(node) -> bool:
    return is_call_named(node, "Column")


def _make_op_calls_visitor():
    import libcst as cst

    class OpCalls(cst.CSTVisitor):
        """``op.<method>(...)`` calls in source order, and ``batch_op.<method>`` inside batch_alter_table."""

        def __init__(self) -> None:
            self.calls: list[tuple] = []
            self.batches: dict[str, tuple] = {}

        def visit_With(self, node) -> None:
            for item in node.items:
                call = item.item
                if (is_call_named(call, "batch_alter_table") and item.asname is not None
                        and isinstance(item.asname.name, cst.Name)):
                    positional, keywords = split_args(call)
                    table = positional[0] if positional else keywords.get("table_name")
                    self.batches[item.asname.name.value] = (table, keywords.get("schema"))

        def visit_Call(self, node) -> bool:
            func = node.func
            if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
                owner = func.value.value
                if owner == "op":
                    self.calls.append((node, func.attr.value, None, None))
                    return False
                if owner in self.batches and self.batches[owner][0] is not None:
                    table, schema = self.batches[owner]
                    self.calls.append((node, func.attr.value, table, schema))
                    return False
            return True

    return OpCalls()
