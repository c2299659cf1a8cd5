"""Read one Alembic revision file with the standard library's ``ast``: its ids and the schema operations of
``upgrade()``.

The file is never imported or run. Expressions are understood as far as they can be read
statically; anything else is kept as source text so the rules can call it unrecognised.
"""

from __future__ import annotations

import ast
from collections import namedtuple
from pathlib import Path

TYPE_CHECKING = False  # typing costs ~2 ms of start-up (infractl check); only type checkers need Any
if TYPE_CHECKING:
    from typing import Any

from infractl.errors import InfractlError
from infractl.verify_db.static.exprs import ExpressionReader, ServerDefault, is_call_named, split_args
from infractl.verify_db.static.ops import ColumnSpec, Operation
from infractl.verify_db.static.subst import SourceText, line_of

__all__ = ["ColumnSpec", "Operation", "RevisionFile", "ServerDefault", "alter_changes", "parse_module",
           "parse_revision_file"]

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


class RevisionFile(namedtuple("RevisionFile", "path revision down_revisions operations depends_on branch_labels",
                              defaults=((), ()))):
    """One revision file read statically: its ``path``, ``revision`` id, ``down_revisions`` (a tuple),
    ``operations`` (Operations, in upgrade order), ``depends_on`` (revisions or branch labels that must be
    applied first) and ``branch_labels``. A named tuple (migration_ops.py says why)."""

    __slots__ = ()


def parse_revision_file(path: Path, types=None) -> RevisionFile:
    """``types``: a ``migration_types.TypeResolver`` for a project's own column types (optional)."""
    from infractl.load import LoadError
    from infractl.load.pysource import read_python

    try:
        source = read_python(path)  # as Python reads it: a latin-1 file with its coding line is latin-1
    except OSError as exc:
        raise InfractlError(f"cannot read migration {path}: {exc.strerror}") from None
    except LoadError as exc:
        line = f":{exc.line}" if exc.line else ""
        raise InfractlError(f"cannot read migration {path}{line}: {exc}") from None
    try:
        module, source = parse_module(source, path)
    except (SyntaxError, ValueError) as exc:  # ValueError: a null byte, before Python 3.11.4
        line = f":{exc.lineno}" if getattr(exc, "lineno", None) else ""
        raise InfractlError(f"cannot parse migration {path}{line}: {getattr(exc, 'msg', exc)}") from None
    from infractl.verify_db.static.walk import UpgradeReader

    imports = module_imports(module)
    resolve_type = types.for_module(module, path, imports) if types is not None else None
    functions = {s.name: s for s in module.body
                 if isinstance(s, _FUNCTIONS) and s.name not in ("upgrade", "downgrade")}
    reader = UpgradeReader(SourceText(source, module), _module_assignments(module), functions, imports, resolve_type)
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
    upgrade = next((s for s in module.body if isinstance(s, _FUNCTIONS) and s.name == "upgrade"), None)
    operations = tuple(reader.read(upgrade)) if upgrade is not None else ()
    return RevisionFile(path=path, revision=revision, down_revisions=downs, operations=operations,
                        depends_on=_names(reader.literal(reader.consts.get("depends_on"))),
                        branch_labels=_names(reader.literal(reader.consts.get("branch_labels"))))


def parse_module(source: str, path: Path) -> tuple[ast.Module, str]:
    """The module and its text (a leading byte order mark dropped, as Python does); SyntaxError or
    ValueError (a null byte) when it does not parse."""
    source = source.removeprefix("\ufeff")
    return ast.parse(source, filename=str(path)), source


def _names(value) -> tuple[str, ...]:
    """depends_on / branch_labels: a string, a tuple or list of strings, or None."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, tuple):
        return tuple(v for v in value if isinstance(v, str))
    return ()


def module_imports(module: ast.Module) -> dict[str, str]:
    """Local name -> what it names: ``from a.b import C as D`` gives D -> a.b.C, ``import a.b as m`` m -> a.b."""
    found: dict[str, str] = {}
    for statement in module.body:
        if isinstance(statement, ast.ImportFrom):
            base = "." * statement.level + (statement.module or "")
            for alias in statement.names:
                if alias.name == "*":
                    continue
                local = alias.asname or alias.name
                found[local] = f"{base}.{alias.name}" if not base.endswith(".") else f"{base}{alias.name}"
        elif isinstance(statement, ast.Import):
            for alias in statement.names:
                found[alias.asname or alias.name.split(".", 1)[0]] = (
                    alias.name if alias.asname else alias.name.split(".", 1)[0])
    return found


def _module_assignments(module: ast.Module) -> dict[str, Any]:
    """Module-level ``NAME = value`` (and annotated) assignments, so constants can be resolved."""
    consts: dict[str, Any] = {}
    for statement in module.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            if isinstance(statement.targets[0], ast.Name):
                consts[statement.targets[0].id] = statement.value
        elif (isinstance(statement, ast.AnnAssign) and statement.value is not None
              and isinstance(statement.target, ast.Name)):
            consts[statement.target.id] = statement.value
    return consts


class OpCallReader(ExpressionReader):
    """One ``op.*`` (or ``batch_op.*``) call as Operations, each on its node's source line."""

    def line_of(self, node) -> int:
        return line_of(node)

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

    def table_elements(self, call) -> tuple[list, bool]:
        """create_table's column arguments (``*cols`` and helper calls expanded); False if some are unknown."""
        elements, complete = [], True
        for arg in call.args[1:] if _first_is_positional(call) else call.args:
            starred = isinstance(arg, ast.Starred)
            value = self.expand(arg.value if starred else arg)
            if isinstance(value, (ast.List, ast.Tuple)):
                elements.extend(self.expand(el) for el in value.elts)
            elif starred:
                complete = False
            else:
                elements.append(value)
        return elements, complete

    def operation(self, call, method: str, batch_table, batch_schema) -> list[Operation]:
        positional, keywords = split_args(call)
        if batch_table is not None:  # batch_op.add_column(col) == op.add_column(table, col)
            positional = [batch_table, *positional]
            if batch_schema is not None:
                keywords.setdefault("schema", batch_schema)
        if method == "create_primary_key" and batch_table is None and len(positional) > 1:
            positional = [positional[1], positional[0], *positional[2:]]  # op: (name, table, columns)
        table_node = positional[0] if positional else keywords.get("table_name", keywords.get("old_table_name"))
        table = self.literal(table_node) if table_node is not None else None
        schema = self.literal(keywords["schema"]) if "schema" in keywords else None
        schema = schema if isinstance(schema, str) and schema != "public" else None
        line = self.line_of(call)
        if method not in ("create_table", "add_column", "alter_column", "drop_column", "drop_table",
                          "rename_table", "create_primary_key"):
            return []
        if not isinstance(table, str):
            return [Operation("not_followed", "", line,
                              reason=f"op.{method}() on a table named at run time ({self.code(table_node)})"
                              if table_node is not None else f"op.{method}() without a table name")]
        if method == "create_table":
            elements, complete = self.table_elements(call)
            columns = [self.column(a) for a in elements if is_call_named(a, "Column")]
            found = [Operation("create_table", table, line, schema, columns=tuple(c for c in columns if c))]
            if not complete or None in columns:
                found.append(Operation("not_followed", "", line, tables=(table,),
                                       reason=f"op.create_table({table!r}) with columns built at run time"))
            return found
        if method == "add_column":
            added = self.expand(positional[1]) if len(positional) > 1 else keywords.get("column")
            column = self.column(added) if added is not None and is_call_named(added, "Column") else None
            if column is None:
                return [Operation("not_followed", "", line, tables=(table,),
                                  reason=f"op.add_column({table!r}) of a column built at run time")]
            return [Operation("add_column", table, line, schema, columns=(column,))]
        if method == "create_primary_key":
            names = self.literal(positional[2]) if len(positional) > 2 else self.literal(keywords.get("columns"))
            if not isinstance(names, tuple):
                return []
            return [Operation("alter_column", table, line, schema, column=name, changes={"nullable": False})
                    for name in names if isinstance(name, str)]
        if method == "drop_table":
            return [Operation("drop_table", table, line, schema)]
        second = positional[1] if len(positional) > 1 else keywords.get("column_name", keywords.get("new_table_name"))
        name = self.literal(second) if second is not None else None
        if not isinstance(name, str):
            return [Operation("not_followed", "", line, tables=(table,),
                              reason=f"op.{method}({table!r}) of a name known only at run time")]
        if method == "rename_table":
            return [Operation("rename_table", table, line, schema, new_name=name)]
        if method == "drop_column":
            return [Operation("drop_column", table, line, schema, column=name)]
        return [Operation("alter_column", table, line, schema, column=name, changes=alter_changes(self, keywords))]


def _first_is_positional(call: ast.Call) -> bool:
    """The call's first argument as written is positional (``*cols`` included), not ``name=...``."""
    if not call.args:
        return False
    first, keyword = call.args[0], call.keywords[0] if call.keywords else None
    return keyword is None or (first.lineno, first.col_offset) < (keyword.lineno, keyword.col_offset)


def alter_changes(reader, keywords: dict) -> dict[str, Any]:
    """What one ``op.alter_column(...)`` sets, and the ``existing_*`` hints alembic was given."""
    changes: dict[str, Any] = {}
    for key in ("server_default", "existing_server_default"):
        # alembic uses server_default=False as "leave unchanged"
        if key in keywords and reader.literal(keywords[key]) is not False:
            changes[key] = reader.server_default(keywords[key])
    for key in ("nullable", "existing_nullable"):
        if key in keywords and isinstance(reader.literal(keywords[key]), bool):
            changes[key] = reader.literal(keywords[key])
    for key in ("type_", "existing_type"):
        if key in keywords:
            changes[key] = reader.data_type(keywords[key])
    if isinstance(reader.literal(keywords.get("new_column_name")), str):
        changes["new_column_name"] = reader.literal(keywords["new_column_name"])
    return changes
