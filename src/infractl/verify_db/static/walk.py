"""Walk the statements of ``upgrade()`` the way running it would, as far as that can be known statically.

Followed: module-level helper functions (arguments substituted for parameters), ``for`` loops over
literal sequences, local assignments, ``if`` on the dialect name (only the PostgreSQL branch),
``with op.batch_alter_table(...)``, and ``op.execute`` / ``conn.execute`` / ``op.get_bind().execute`` of
literal SQL. What may change a table but cannot be read becomes a ``not_followed`` operation.
"""

from __future__ import annotations

import ast
import re

from infractl.load.pyast import children_in_source_order, dotted_name
from infractl.verify_db.static.exprs import UNKNOWN, is_call_named, split_args
from infractl.verify_db.static.ops import Operation
from infractl.verify_db.static.parse import OpCallReader
from infractl.verify_db.static.subst import bind_arguments, substitute

_MAX_DEPTH = 8
# Modules whose functions cannot change the schema behind our back (alembic's op is read, not skipped).
_SAFE_MODULES = {"alembic", "sqlalchemy", "logging", "datetime", "json", "uuid", "os", "sys", "re", "typing",
                 "enum", "textwrap", "collections", "itertools", "functools", "warnings", "time", "hashlib",
                 "decimal", "__future__", "dataclasses", "pathlib", "math", "random", "string", "copy", "pprint",
                 "operator", "contextlib", "base64", "binascii"}
_SAFE_CALLS = {"print", "len", "range", "list", "dict", "set", "tuple", "str", "int", "isinstance", "sorted",
               "getattr", "setattr", "hasattr", "super", "zip", "enumerate", "map", "filter", "any", "all", "next"}
# Statements built with SQLAlchemy constructs that change data, or schema objects we do not track.
_PASSED_OVER_CONSTRUCTS = {
    "insert", "update", "delete", "select", "values", "where", "returning", "filter", "filter_by", "query",
    "order_by", "limit", "join", "outerjoin", "group_by", "bindparams", "params", "table", "from_select",
    "DropSequence", "CreateSequence", "CreateIndex", "DropIndex", "DropConstraint", "AddConstraint", "CreateSchema",
    "DropSchema", "SetTableComment", "SetColumnComment", "DropTableComment", "DropColumnComment"}
_MENTION = re.compile(r'(?=\b(?:TABLE|ON|INTO|UPDATE|ONLY|EXISTS)\s+"?([A-Za-z_][\w$]*)(?![\w$?]))', re.IGNORECASE)
_SQL_WORDS = {"ON", "ONLY", "IF", "NOT", "EXISTS", "SET", "EACH", "ROW", "TABLE", "ALTER", "COLUMN", "ADD"}
_IDENTIFIER = re.compile(r"^[A-Za-z_][\w$]*(\.[A-Za-z_][\w$]*)?$")


class UpgradeReader(OpCallReader):
    """The schema operations of one revision's ``upgrade()``, in the order running it performs them."""

    def __init__(self, source, consts, functions, imports: dict[str, str], resolve_type=None) -> None:
        super().__init__(source, consts, functions, resolve_type)
        self.imports = imports  # local name -> dotted module path it came from
        self.found: list[Operation] = []
        self.closures: dict[str, dict] = {}  # nested helper -> the names of upgrade() it sees

    def read(self, function) -> list[Operation]:
        self.found = []
        self.walk(function.body, {}, {}, 0)
        return self.found

    # statements -------------------------------------------------------------------------------------
    def walk(self, statements, env: dict, batches: dict, depth: int) -> bool:
        """Follow statements in order; True when they end in ``return`` (or ``raise``)."""
        for statement in statements:
            if isinstance(statement, (ast.Return, ast.Raise)):
                if isinstance(statement, ast.Return) and statement.value is not None:
                    self.scan(substitute(statement.value, env), env, batches, depth)
                return True
            if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.Expr)):
                self.simple(statement, env, batches, depth)
            elif isinstance(statement, ast.If):
                if self.branch(statement, env, batches, depth):
                    return True
            elif isinstance(statement, (ast.For, ast.AsyncFor)):
                self.loop(statement, env, batches, depth)
            elif isinstance(statement, (ast.With, ast.AsyncWith)):
                inner = dict(batches)
                for item in statement.items:
                    call = substitute(item.context_expr, env)
                    if is_call_named(call, "batch_alter_table") and isinstance(item.optional_vars, ast.Name):
                        positional, keywords = split_args(call)
                        table = positional[0] if positional else keywords.get("table_name")
                        inner[item.optional_vars.id] = (table, keywords.get("schema"))
                    else:
                        self.scan(call, env, batches, depth)
                if self.walk(statement.body, env, inner, depth):
                    return True
            elif isinstance(statement, ast.Try):
                if self.walk(statement.body, env, batches, depth):
                    return True
                for block in (statement.orelse, statement.finalbody):
                    self.walk(block, env, batches, depth)
            elif isinstance(statement, ast.While):
                self.walk(statement.body, env, batches, depth)
            elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):  # a helper defined in upgrade()
                self.functions[statement.name] = statement
                self.closures[statement.name] = dict(env)
        return False

    def simple(self, statement, env: dict, batches: dict, depth: int) -> None:
        if isinstance(statement, ast.Expr):
            self.scan(substitute(statement.value, env), env, batches, depth, statement=True)
            return
        if statement.value is None:  # ``name: int`` declares, assigns nothing
            return
        value = substitute(statement.value, env)
        self.scan(value, env, batches, depth)
        for target in statement.targets if isinstance(statement, ast.Assign) else [statement.target]:
            if isinstance(target, ast.Name):
                env[target.id] = value

    def branch(self, statement, env: dict, batches: dict, depth: int) -> bool:
        taken = self.condition(substitute(statement.test, env))
        else_body = statement.orelse  # an ``elif`` is an ``if`` alone in it
        if taken is True:
            return self.walk(statement.body, env, batches, depth)
        if taken is False:
            return self.walk(else_body, env, batches, depth) if else_body else False
        # Unknown condition: both branches may run (read in source order, said in a DB010 when they change
        # tables); a return ends what follows only if both branches end in one.
        before = len(self.found)
        ends = self.walk(statement.body, dict(env), batches, depth)
        ends = ends and (self.walk(else_body, dict(env), batches, depth) if else_body else False)
        touched = tuple(dict.fromkeys(t for op in self.found[before:] for t in (op.table, *op.tables) if t))
        if touched:
            self.found.append(Operation("not_followed", "", self.line_of(statement), tables=touched,
                                        reason=f"`if {self.code(statement.test)}` is decided at run time "
                                               "(both branches read)"))
        return ends

    def loop(self, statement, env: dict, batches: dict, depth: int) -> None:
        iterable = substitute(statement.iter, env)
        expanded = self.returned(iterable)
        iterable = self.resolve(expanded if expanded is not None else iterable)
        if isinstance(iterable, (ast.List, ast.Tuple, ast.Set)) and not any(
                isinstance(el, ast.Starred) for el in iterable.elts):
            for element in iterable.elts:
                inner = dict(env)
                if self.bind_target(statement.target, element, inner):
                    self.walk(statement.body, inner, batches, depth)
                    continue
                self.walk(statement.body, env, batches, depth)
            return
        # The sequence is only known at run time: the body is read once, its unknown names stay unknown.
        self.walk(statement.body, env, batches, depth)

    def bind_target(self, target, value, env: dict) -> bool:
        if isinstance(target, ast.Name):
            env[target.id] = value
            return True
        if isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, (ast.Tuple, ast.List)):
            if len(target.elts) != len(value.elts):
                return False
            return all(self.bind_target(t, v, env) for t, v in zip(target.elts, value.elts))
        return False

    # calls ------------------------------------------------------------------------------------------
    def scan(self, node, env: dict, batches: dict, depth: int, statement: bool = False) -> None:
        """Every call in ``node`` that changes the schema, outermost first."""
        if isinstance(node, ast.Call) and self.call(node, env, batches, depth, statement):
            return
        for child in children_in_source_order(node):
            if isinstance(child, (ast.expr, ast.keyword)):
                self.scan(child, env, batches, depth)

    def call(self, call, env: dict, batches: dict, depth: int, statement: bool) -> bool:
        """Handle one call; True when it was understood (its arguments need no further scan)."""
        func = call.func
        owner = func.value if isinstance(func, ast.Attribute) else None
        method = func.attr if isinstance(func, ast.Attribute) else ""
        if isinstance(owner, ast.Name) and owner.id == "op" and method != "execute":
            self.found.extend(self.operation(call, method, None, None))
            return True
        if isinstance(owner, ast.Name) and owner.id in batches:
            table, schema = batches[owner.id]
            self.found.extend(self.operation(call, method, table, schema))
            return True
        if method in ("execute", "exec_driver_sql"):
            self.execute(call)
            return True
        if isinstance(func, ast.Name) and func.id in self.functions and depth < _MAX_DEPTH:
            function = self.functions[func.id]
            inner = {**self.closures.get(func.id, {}), **bind_arguments(function, call)}
            self.walk(function.body, inner, batches, depth + 1)
            return True
        if statement and self.unknown_helper(func):
            self.found.append(Operation("not_followed", "", self.line_of(call),
                                        tables=self.mentioned_tables(call),
                                        reason=f"call to {self.code(func)}() " + (
                                            "(not in this file)" if dotted_name(func) else "(chosen at run time)")))
            return True
        return False

    def unknown_helper(self, func) -> bool:
        name = dotted_name(func)
        if not name:  # globals()["upgrade_%s" % engine](), handlers[kind](): a callee known at run time
            return isinstance(func, ast.Subscript)
        root = name.split(".", 1)[0]
        if root in _SAFE_CALLS or root in ("op", "sa", "context", "self"):
            return False
        module = self.imports.get(root)
        return module is not None and module.split(".", 1)[0] not in _SAFE_MODULES

    def execute(self, call) -> None:
        # here: its dozen SQL patterns cost ~3 ms to compile, and most revisions execute no SQL
        from infractl.verify_db.static.sql import passed_over, sql_operations

        line = self.line_of(call)
        positional, keywords = split_args(call)
        argument = positional[0] if positional else keywords.get("sqltext", keywords.get("statement"))
        if argument is None:
            return
        sql = self.sql_text(argument)
        if isinstance(sql, str):
            self.found.extend(sql_operations(sql, line))
        elif not self.is_dml(argument) and not passed_over(self.template(self.sql_node(argument))):
            self.found.append(Operation("not_followed", "", line, tables=self.mentioned_tables(argument),
                                        reason=f"{self.code(call.func)}() of SQL built at run time"))

    def sql_text(self, node):
        node = self.resolve(node)
        expanded = self.returned(node)
        if expanded is not None:
            return self.sql_text(expanded)
        value = self.literal(node)
        if isinstance(value, str):
            return value
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute) and node.func.attr in ("bindparams", "execution_options",
                                                                           "columns"):
                return self.sql_text(node.func.value)
            if any(is_call_named(node, name) for name in ("text", "DDL", "literal_column")):
                positional, _ = split_args(node)
                return self.literal(positional[0]) if positional else UNKNOWN
        return UNKNOWN

    def sql_node(self, node):
        """The string expression inside ``text(...)`` / a helper's return, for its template."""
        node = self.resolve(node)
        expanded = self.returned(node)
        if expanded is not None:
            return self.sql_node(expanded)
        if any(is_call_named(node, name) for name in ("text", "DDL", "literal_column")):
            positional, _ = split_args(node)
            return self.resolve(positional[0]) if positional else node
        return node

    def is_dml(self, node) -> bool:
        node = self.resolve(node)
        return isinstance(node, ast.Call) and (dotted_name(node.func) or getattr(node.func, "attr", "")).rsplit(
            ".", 1)[-1] in _PASSED_OVER_CONSTRUCTS

    def mentioned_tables(self, node) -> tuple[str, ...]:
        """What an opaque call may touch: tables named in its SQL text (unknown parts as placeholders), and
        identifier-like string arguments of helper calls (``build_trigger("posts")``)."""
        names: list[str] = []

        def visit(current) -> None:
            if isinstance(current, (ast.Constant, ast.JoinedStr, ast.BinOp)):
                text = self.template(current)
                names.extend(m.group(1) for m in _MENTION.finditer(text) if m.group(1).upper() not in _SQL_WORDS)
                return
            if isinstance(current, ast.Call) and isinstance(current.func, ast.Name):
                for arg in [*current.args, *(keyword.value for keyword in current.keywords)]:
                    value = self.literal(arg.value if isinstance(arg, ast.Starred) else arg)
                    if isinstance(value, str) and _IDENTIFIER.match(value):
                        names.append(value.rsplit(".", 1)[-1])
            for child in children_in_source_order(current):
                visit(child)

        visit(node)
        return tuple(dict.fromkeys(names))

    def template(self, node) -> str:
        """The text of a string expression with each part unknown statically as ``?``."""
        value = self.literal(node)
        if isinstance(value, str):
            return value
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
            if isinstance(node.op, ast.Add):
                return self.template(node.left) + self.template(node.right)
            return self.template(node.left)  # "... %s ..." % args: the placeholders stay in the text
        if isinstance(node, ast.JoinedStr):
            return "".join(part.value if isinstance(part, ast.Constant) else (
                self.literal(part.value) if isinstance(self.literal(part.value), str) else "?")
                for part in node.values)
        return "?"
