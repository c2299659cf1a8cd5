"""Read SQLAlchemy expressions statically (``ast`` nodes): column types and server defaults as SQL.

``sa.text("now()")`` -> ``now()``, ``sa.func.current_timestamp()`` -> ``CURRENT_TIMESTAMP``,
``sa.DateTime(timezone=True)`` -> ``timestamp with time zone``. What cannot be read stays source text.
"""

from __future__ import annotations

import ast
import re
from collections import namedtuple

TYPE_CHECKING = False  # typing costs ~2 ms of start-up (infractl check); only type checkers need Any
if TYPE_CHECKING:
    from typing import Any

from infractl.load.pyast import dotted_name
from infractl.verify_db.static.subst import SourceText, bind_arguments, substitute

UNKNOWN = object()  # an expression we cannot evaluate statically
UNKNOWN_TYPE = "unknown type "  # prefix of the data type of a column whose type we cannot resolve

# SQLAlchemy renders these ANSI functions without parentheses (func.current_timestamp() -> CURRENT_TIMESTAMP).
_BARE_FUNCTIONS = {"current_timestamp", "current_date", "current_time", "localtimestamp", "localtime",
                   "current_user", "session_user", "user"}

# Type names we know are not timestamps (a column of any other unresolved type is "unknown type X").
_OTHER_TYPES = {"enum", "largebinary", "binary", "pickletype", "array", "int", "char", "nchar", "nvarchar", "clob",
                "blob", "real", "double", "double_precision", "decimal", "inet", "cidr", "macaddr", "bytea",
                "tsvector", "hstore", "oid", "money", "bit", "citext", "varbinary", "tinyint", "mediumtext",
                "longtext", "nulltype", "bigint", "smallint", "uuidtype", "jsontype", "int4range", "tstzrange",
                "tsrange", "daterange", "regclass", "mediumint", "time", "unicode", "sequence",
                "foreignkey", "identity", "computed", "ipaddresstype", "emailtype", "urltype", "choicetype"}

_TYPES = {"date": "date", "time": "time without time zone", "interval": "interval", "integer": "integer",
          "biginteger": "bigint", "smallinteger": "smallint", "string": "character varying",
          "varchar": "character varying", "unicode": "character varying", "text": "text",
          "unicodetext": "text", "boolean": "boolean", "uuid": "uuid", "json": "json", "jsonb": "jsonb",
          "numeric": "numeric", "float": "double precision"}


class ServerDefault(namedtuple("ServerDefault", "sql literal", defaults=(None, None))):
    """A ``server_default`` as PostgreSQL will store it.

    A plain Python string becomes ``DEFAULT 'text'``, which PostgreSQL casts to the column type once,
    at DDL time: for a timestamp that is a constant. ``sql`` is None for such a literal because the
    cast depends on the column type, which ``as_sql`` is given. ``literal``: the plain string, kept to
    restore it verbatim in a downgrade. A named tuple, as ``Finding`` (findings.py says why).
    """

    __slots__ = ()

    def as_sql(self, data_type: str) -> str:
        if self.literal is None:
            return self.sql or ""
        quoted = "'" + self.literal.replace("'", "''") + "'"
        return f"{quoted}::{data_type}" if data_type != "unknown" else quoted


class ExpressionReader:
    """Evaluates what it can of one module's expressions; module-level constants are followed."""

    def __init__(self, source: SourceText | None, consts: dict[str, Any],
                 functions: dict[str, Any] | None = None, resolve_type=None) -> None:
        self.source = source  # for the user's own spelling of what cannot be read
        self.consts = consts
        self.functions = functions or {}  # module-level ``def``s, for helpers that return an expression
        self.resolve_type = resolve_type  # dotted name as written -> data type, or None

    def returned(self, call, depth: int = 0):
        """``helper(args)`` of a module-level ``def helper(...)`` that returns one expression (after plain
        assignments and dialect checks): that expression with the arguments substituted. None otherwise."""
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in self.functions
                and depth < 5):
            return None
        function = self.functions[call.func.id]
        return self._return_of(function.body, bind_arguments(function, call))

    def expand(self, node):
        """``node`` resolved, and a helper call replaced by what it returns."""
        node = self.resolve(node)
        expanded = self.returned(node)
        return node if expanded is None else self.resolve(expanded)

    def _return_of(self, statements, names: dict[str, Any]):
        names = dict(names)
        for statement in statements:
            if isinstance(statement, ast.If):
                taken = self.condition(substitute(statement.test, names))
                if taken is None:
                    return None
                if taken:
                    return self._return_of(statement.body, names)
                if statement.orelse:
                    return self._return_of(statement.orelse, names)
                continue
            if isinstance(statement, ast.Return):
                return substitute(statement.value, names)
            if (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                    and isinstance(statement.targets[0], ast.Name)):
                names[statement.targets[0].id] = substitute(statement.value, names)
            elif not (isinstance(statement, ast.Expr) and _is_string(statement.value)):  # a docstring
                return None
        return None

    def condition(self, test) -> bool | None:
        """The dialect name compared with a string is decided for PostgreSQL; anything else is unknown."""
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            inner = self.condition(test.operand)
            return None if inner is None else not inner
        if isinstance(test, ast.BoolOp):
            result = self.condition(test.values[0])
            for value in test.values[1:]:  # ``a and b and c`` is ``(a and b) and c``
                left, right = result, self.condition(value)
                if isinstance(test.op, ast.And):
                    result = False if False in (left, right) else (True if left and right else None)
                else:
                    result = True if True in (left, right) else (False if left is False and right is False else None)
            return result
        if isinstance(test, ast.Call):
            if dotted_name(test.func).endswith("is_offline_mode"):
                return False
            if dotted_name(test.func).endswith(("get_bind", "get_context")):
                return True  # ``bind = op.get_bind(); if bind and ...``: there is a connection
            expanded = self.returned(test)
            return None if expanded is None else self.condition(expanded)
        if isinstance(test, ast.Compare) and len(test.ops) == 1:
            operator = test.ops[0]
            sides = (test.left, test.comparators[0])
            names = [self.code(side) for side in sides]
            dialect_side = next((i for i, n in enumerate(names) if re.search(r"(dialect|engine)(\(\))?\.name$", n)),
                                None)
            if dialect_side is None:
                return None
            other = self.literal(sides[1 - dialect_side])
            values = (other,) if isinstance(other, str) else other
            if not isinstance(values, tuple) or not all(isinstance(v, str) for v in values):
                return None
            matches = any(v.lower() in ("postgresql", "postgres") for v in values)
            if isinstance(operator, (ast.Eq, ast.In, ast.Is)):
                return matches
            if isinstance(operator, (ast.NotEq, ast.NotIn, ast.IsNot)):
                return not matches
        return None

    def resolve(self, node):
        for _ in range(10):
            if isinstance(node, ast.Name) and node.id in self.consts:
                node = self.consts[node.id]
            elif isinstance(node, ast.IfExp) and isinstance(self.literal(node.test), bool):
                node = node.body if self.literal(node.test) else node.orelse  # after substitution: X if True else Y
            elif isinstance(node, ast.Subscript) and not isinstance(node.slice, (ast.Slice, ast.Tuple, ast.Starred)):
                item = self.item(self.resolve(node.value), self.literal(node.slice))
                if item is None:
                    break
                node = item  # COLUMNS[0], spec["name"] of a literal list or dict (a loop variable, a constant)
            else:
                break
        return node

    def item(self, container, key):
        if isinstance(container, (ast.List, ast.Tuple)) and isinstance(key, int) and not isinstance(key, bool):
            elements = container.elts
            return elements[key] if -len(elements) <= key < len(elements) else None
        if isinstance(container, ast.Dict) and isinstance(key, str):
            for element_key, value in zip(container.keys, container.values):
                if element_key is not None and self.literal(element_key) == key:
                    return value
        return None

    def literal(self, node):
        node = self.resolve(node)
        if isinstance(node, ast.Constant):
            value = node.value  # str, int, True, False and None are literals; bytes, floats and ... are not
            return value if value is None or isinstance(value, (str, int)) else UNKNOWN
        if isinstance(node, (ast.Tuple, ast.List)):
            values = tuple(self.literal(el) for el in node.elts)
            return UNKNOWN if UNKNOWN in values else values
        if isinstance(node, ast.JoinedStr):
            parts = []
            for part in node.values:
                if isinstance(part, ast.Constant):
                    parts.append(part.value)
                    continue
                value = self.literal(part.value)
                if part.format_spec is not None or not isinstance(value, (str, int)) or isinstance(value, bool):
                    return UNKNOWN
                parts.append(_CONVERSIONS.get(part.conversion, str)(value))
            return "".join(parts)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self.literal(node.left), self.literal(node.right)
            return left + right if isinstance(left, str) and isinstance(right, str) else UNKNOWN
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            left, right = self.literal(node.left), self.literal(node.right)
            if isinstance(left, str) and right is not UNKNOWN and not isinstance(right, bool):
                try:
                    return left % right
                except (TypeError, ValueError, KeyError):
                    return UNKNOWN
            return UNKNOWN
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            template = self.literal(node.func.value)
            positional, keywords = split_args(node)
            args = [self.literal(a) for a in positional]
            kwargs = {k: self.literal(v) for k, v in keywords.items()}
            if isinstance(template, str) and UNKNOWN not in args and UNKNOWN not in kwargs.values():
                try:
                    return template.format(*args, **kwargs)
                except (IndexError, KeyError, ValueError):
                    return UNKNOWN
            return UNKNOWN
        expanded = self.returned(node)
        return UNKNOWN if expanded is None else self.literal(expanded)

    def code(self, node) -> str:
        """The expression as the user spelled it (substituted parts as spelled at the call)."""
        return self.source.code(node) if self.source is not None else ast.unparse(node)

    def data_type(self, node) -> str:
        node = self.resolve(node)
        timezone = False
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute) and node.func.attr == "with_variant":
                return self.data_type(node.func.value)
            positional, keywords = split_args(node)
            timezone = self.literal(keywords["timezone"]) if "timezone" in keywords else (
                self.literal(positional[0]) if positional else False)
            node = node.func
        written = dotted_name(node) or "unknown"
        name = written.rsplit(".", 1)[-1].lower()
        if name in ("datetime", "timestamp"):
            return "timestamp with time zone" if timezone is True else "timestamp without time zone"
        if name == "timestamptz":
            return "timestamp with time zone"
        if name in _TYPES or name in _OTHER_TYPES or name == "unknown":
            return _TYPES.get(name, name)
        resolved = self.resolve_type(written) if self.resolve_type else None
        return resolved or f"{UNKNOWN_TYPE}{written}"

    def server_default(self, node) -> ServerDefault | None:
        value = self.literal(node)
        if value is None:
            return None
        if isinstance(value, str):
            return ServerDefault(literal=value)
        return ServerDefault(sql=self.sql_expression(node))

    def sql_expression(self, node) -> str:
        """``sa.text("x")`` -> x, ``sa.func.now()`` -> now(); anything else stays source code."""
        node = self.resolve(node)
        if not isinstance(node, ast.Call):
            return self.code(node)
        name = dotted_name(node.func)
        last = name.rsplit(".", 1)[-1]
        positional, _ = split_args(node)
        if last in ("text", "literal_column") and positional and isinstance(self.literal(positional[0]), str):
            return self.literal(positional[0])
        if last == "DefaultClause" and positional:
            return self.sql_expression(positional[0])
        if name.startswith("func.") or ".func." in name:
            if last.lower() in _BARE_FUNCTIONS and not positional:
                return last.upper()
            return f"{last}({', '.join(self.sql_argument(arg) for arg in positional)})"
        return self.code(node)

    def sql_argument(self, node) -> str:
        value = self.literal(node)
        if isinstance(value, str):
            return "'" + value.replace("'", "''") + "'"
        if isinstance(value, (int, bool)):
            return str(value).lower() if isinstance(value, bool) else str(value)
        return self.sql_expression(node)


def split_args(call: ast.Call) -> tuple[list, dict]:
    """Positional arguments (not ``*args``) and keyword arguments (not ``**kwargs``) of a call."""
    positional = [a for a in call.args if not isinstance(a, ast.Starred)]
    keywords = {k.arg: k.value for k in call.keywords if k.arg is not None}
    return positional, keywords


def is_call_named(node, last: str) -> bool:
    return isinstance(node, ast.Call) and dotted_name(node.func).rsplit(".", 1)[-1] == last


def _is_string(node) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


# f"{x!r}" and f"{x!a}" spell the value as repr() and ascii() do; f"{x}" and f"{x!s}" as str()
_CONVERSIONS = {ord("r"): repr, ord("a"): ascii}
