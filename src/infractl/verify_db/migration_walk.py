"""Walk the statements of ``upgrade()`` the way running it would, as far as that can be known statically.

Followed: module-level helper functions (arguments substituted for parameters), ``for`` loops over
literal sequences, local assignments, ``if`` on the dialect name (only the PostgreSQL branch),
``with op.batch_alter_table(...)``, and ``op.execute`` / ``conn.execute`` / ``op.get_bind().execute`` of
literal SQL. What may change a table but cannot be read becomes a ``not_followed`` operation.
"""

from __future__ import annotations

import re

from infractl.verify_db.migration_exprs import UNKNOWN, dotted, is_call_named, split_args
from infractl.verify_db.migration_ops import Operation
from infractl.verify_db.migration_parse import OpCallReader
from infractl.verify_db.migration_sql import passed_over, sql_operations
from infractl.verify_db.migration_subst import bind_arguments, substitute

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

    def __init__(self, module, consts, functions, imports: dict[str, str], line_of, resolve_type=None) -> None:
        super().__init__(module, consts, functions, resolve_type)
        self.imports = imports  # local name -> dotted module path it came from
        self._line_of = line_of
        self.found: list[Operation] = []
        self.closures: dict[str, dict] = {}  # nested helper -> the names of upgrade() it sees

    def read(self, function) -> list[Operation]:
        self.found = []
        self.walk(function.body.body, {}, {}, 0)
        return self.found

    # statements -------------------------------------------------------------------------------------
    def walk(self, statements, env: dict, batches: dict, depth: int) -> bool:
        """Follow statements in order; True when they end in ``return`` (or ``raise``)."""
        import libcst as cst

        for statement in statements:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, (cst.Return, cst.Raise)):
                        if isinstance(small, cst.Return) and small.value is not None:
                            self.scan(substitute(small.value, env), env, batches, depth)
                        return True
                    self.simple(small, env, batches, depth)
            elif isinstance(statement, cst.If):
                if self.branch(statement, env, batches, depth):
                    return True
            elif isinstance(statement, cst.For):
                self.loop(statement, env, batches, depth)
            elif isinstance(statement, cst.With):
                inner = dict(batches)
                for item in statement.items:
                    call = substitute(item.item, env)
                    if (is_call_named(call, "batch_alter_table") and item.asname is not None
                            and isinstance(item.asname.name, cst.Name)):
                        positional, keywords = split_args(call)
                        table = positional[0] if positional else keywords.get("table_name")
                        inner[item.asname.name.value] = (table, keywords.get("schema"))
                    else:
                        self.scan(call, env, batches, depth)
                if self.walk(statement.body.body, env, inner, depth):
                    return True
            elif isinstance(statement, cst.Try):
                if self.walk(statement.body.body, env, batches, depth):
                    return True
                for block in (statement.orelse, statement.finalbody):
                    if block is not None:
                        self.walk(block.body.body, env, batches, depth)
            elif isinstance(statement, cst.While):
                self.walk(statement.body.body, env, batches, depth)
            elif isinstance(statement, cst.FunctionDef):  # a helper defined inside upgrade()
                self.functions[statement.name.value] = statement
                self.closures[statement.name.value] = dict(env)
        return False

    def simple(self, small, env: dict, batches: dict, depth: int) -> None:
        import libcst as cst

        if isinstance(small, cst.Assign):
            value = substitute(small.value, env)
            self.scan(value, env, batches, depth)
            for target in small.targets:
                if isinstance(target.target, cst.Name):
                    env[target.target.value] = value
        elif isinstance(small, cst.AnnAssign) and small.value is not None:
            value = substitute(small.value, env)
            self.scan(value, env, batches, depth)
            if isinstance(small.target, cst.Name):
                env[small.target.value] = value
        elif isinstance(small, cst.Expr):
            self.scan(substitute(small.value, env), env, batches, depth, statement=True)

    def branch(self, statement, env: dict, batches: dict, depth: int) -> bool:
        import libcst as cst

        taken = self.condition(substitute(statement.test, env))
        orelse = statement.orelse
        else_body = None
        if isinstance(orelse, cst.If):
            else_body = [orelse]
        elif orelse is not None:
            else_body = orelse.body.body
        if taken is True:
            return self.walk(statement.body.body, env, batches, depth)
        if taken is False:
            return self.walk(else_body, env, batches, depth) if else_body else False
        # Unknown condition: both branches may run (read in source order, said in a DB010 when they change
        # tables); a return ends what follows only if both branches end in one.
        before = len(self.found)
        ends = self.walk(statement.body.body, dict(env), batches, depth)
        ends = ends and (self.walk(else_body, dict(env), batches, depth) if else_body else False)
        touched = tuple(dict.fromkeys(t for op in self.found[before:] for t in (op.table, *op.tables) if t))
        if touched:
            self.found.append(Operation("not_followed", "", self.line_of(statement), tables=touched,
                                        reason=f"`if {self.code(statement.test)}` is decided at run time "
                                               "(both branches read)"))
        return ends

    def loop(self, statement, env: dict, batches: dict, depth: int) -> None:
        import libcst as cst

        iterable = substitute(statement.iter, env)
        expanded = self.returned(iterable)
        iterable = self.resolve(expanded if expanded is not None else iterable)
        if isinstance(iterable, (cst.List, cst.Tuple, cst.Set)) and not any(
                isinstance(el, cst.StarredElement) for el in iterable.elements):
            for element in iterable.elements:
                inner = dict(env)
                if self.bind_target(statement.target, element.value, inner):
                    self.walk(statement.body.body, inner, batches, depth)
                    continue
                self.walk(statement.body.body, env, batches, depth)
            return
        # The sequence is only known at run time: the body is read once, its unknown names stay unknown.
        self.walk(statement.body.body, env, batches, depth)

    def bind_target(self, target, value, env: dict) -> bool:
        import libcst as cst

        if isinstance(target, cst.Name):
            env[target.value] = value
            return True
        if isinstance(target, (cst.Tuple, cst.List)) and isinstance(value, (cst.Tuple, cst.List)):
            if len(target.elements) != len(value.elements):
                return False
            return all(self.bind_target(t.value, v.value, env) for t, v in zip(target.elements, value.elements))
        return False

    # calls ------------------------------------------------------------------------------------------
    def scan(self, node, env: dict, batches: dict, depth: int, statement: bool = False) -> None:
        """Every call in ``node`` that changes the schema, outermost first."""
        import libcst as cst

        if isinstance(node, cst.Call) and self.call(node, env, batches, depth, statement):
            return
        for child in node.children:
            if isinstance(child, (cst.BaseExpression, cst.Arg, cst.Element, cst.DictElement)):
                self.scan(child, env, batches, depth)

    def call(self, call, env: dict, batches: dict, depth: int, statement: bool) -> bool:
        """Handle one call; True when it was understood (its arguments need no further scan)."""
        import libcst as cst

        func = call.func
        owner = func.value if isinstance(func, cst.Attribute) else None
        method = func.attr.value if isinstance(func, cst.Attribute) else ""
        if isinstance(owner, cst.Name) and owner.value == "op" and method != "execute":
            self.found.extend(self.operation(call, method, None, None))
            return True
        if isinstance(owner, cst.Name) and owner.value in batches:
            table, schema = batches[owner.value]
            self.found.extend(self.operation(call, method, table, schema))
            return True
        if method in ("execute", "exec_driver_sql"):
            self.execute(call)
            return True
        if isinstance(func, cst.Name) and func.value in self.functions and depth < _MAX_DEPTH:
            function = self.functions[func.value]
            inner = {**self.closures.get(func.value, {}), **bind_arguments(function, call)}
            self.walk(function.body.body, inner, batches, depth + 1)
            return True
        if statement and self.unknown_helper(func):
            self.found.append(Operation("not_followed", "", self.line_of(call),
                                        tables=self.mentioned_tables(call),
                                        reason=f"call to {self.code(func)}() " + (
                                            "(not in this file)" if dotted(func) else "(chosen at run time)")))
            return True
        return False

    def unknown_helper(self, func) -> bool:
        import libcst as cst

        name = dotted(func)
        if name is None:  # globals()["upgrade_%s" % engine](), handlers[kind](): a callee known at run time
            return isinstance(func, cst.Subscript)
        root = name.split(".", 1)[0]
        if root in _SAFE_CALLS or root in ("op", "sa", "context", "self"):
            return False
        module = self.imports.get(root)
        return module is not None and module.split(".", 1)[0] not in _SAFE_MODULES

    def execute(self, call) -> None:
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
        import libcst as cst

        node = self.resolve(node)
        expanded = self.returned(node)
        if expanded is not None:
            return self.sql_text(expanded)
        value = self.literal(node)
        if isinstance(value, str):
            return value
        if isinstance(node, cst.Call):
            if isinstance(node.func, cst.Attribute) and node.func.attr.value in ("bindparams", "execution_options",
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
        import libcst as cst

        node = self.resolve(node)
        return isinstance(node, cst.Call) and (dotted(node.func) or getattr(getattr(node.func, "attr", None),
                                                                            "value", "")).rsplit(".", 1)[-1] in \
            _PASSED_OVER_CONSTRUCTS

    def mentioned_tables(self, node) -> tuple[str, ...]:
        """What an opaque call may touch: tables named in its SQL text (unknown parts as placeholders), and
        identifier-like string arguments of helper calls (``build_trigger("posts")``)."""
        import libcst as cst

        names: list[str] = []

        def visit(current) -> None:
            if isinstance(current, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString,
                                    cst.BinaryOperation)):
                text = self.template(current)
                names.extend(m.group(1) for m in _MENTION.finditer(text) if m.group(1).upper() not in _SQL_WORDS)
                return
            if isinstance(current, cst.Call) and isinstance(current.func, cst.Name):
                for arg in current.args:
                    value = self.literal(arg.value)
                    if isinstance(value, str) and _IDENTIFIER.match(value):
                        names.append(value.rsplit(".", 1)[-1])
            for child in current.children:
                visit(child)

        visit(node)
        return tuple(dict.fromkeys(names))

    def template(self, node) -> str:
        """The text of a string expression with each part unknown statically as ``?``."""
        import libcst as cst

        value = self.literal(node)
        if isinstance(value, str):
            return value
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, (cst.Add, cst.Modulo)):
            if isinstance(node.operator, cst.Add):
                return self.template(node.left) + self.template(node.right)
            return self.template(node.left)  # "... %s ..." % args: the placeholders stay in the text
        if isinstance(node, cst.FormattedString):
            return "".join(part.value if isinstance(part, cst.FormattedStringText) else (
                self.literal(part.expression) if isinstance(self.literal(part.expression), str) else "?")
                for part in node.parts)
        return "?"
