"""Read SQLAlchemy expressions statically (libcst nodes): column types and server defaults as SQL.

``sa.text("now()")`` -> ``now()``, ``sa.func.current_timestamp()`` -> ``CURRENT_TIMESTAMP``,
``sa.DateTime(timezone=True)`` -> ``timestamp with time zone``. What cannot be read stays source text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from infractl.verify_db.migration_subst import bind_arguments, substitute

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


@dataclass(frozen=True)
class ServerDefault:
    """A ``server_default`` as PostgreSQL will store it.

    A plain Python string becomes ``DEFAULT 'text'``, which PostgreSQL casts to the column type once,
    at DDL time: for a timestamp that is a constant. ``sql`` is None for such a literal because the
    cast depends on the column type, which ``as_sql`` is given.
    """

    sql: str | None = None
    literal: str | None = None  # the plain string, kept to restore it verbatim in a downgrade

    def as_sql(self, data_type: str) -> str:
        if self.literal is None:
            return self.sql or ""
        quoted = "'" + self.literal.replace("'", "''") + "'"
        return f"{quoted}::{data_type}" if data_type != "unknown" else quoted


class ExpressionReader:
    """Evaluates what it can of one module's expressions; module-level constants are followed."""

    def __init__(self, module, consts: dict[str, Any], functions: dict[str, Any] | None = None,
                 resolve_type=None) -> None:
        self.module = module
        self.consts = consts
        self.functions = functions or {}  # module-level ``def``s, for helpers that return an expression
        self.resolve_type = resolve_type  # dotted name as written -> data type, or None

    def returned(self, call, depth: int = 0):
        """``helper(args)`` of a module-level ``def helper(...)`` that returns one expression (after plain
        assignments and dialect checks): that expression with the arguments substituted. None otherwise."""
        import libcst as cst

        if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Name) and call.func.value in self.functions
                and depth < 5):
            return None
        function = self.functions[call.func.value]
        if not isinstance(function.body, cst.IndentedBlock):
            return None
        return self._return_of(function.body.body, bind_arguments(function, call))

    def expand(self, node):
        """``node`` resolved, and a helper call replaced by what it returns."""
        node = self.resolve(node)
        expanded = self.returned(node)
        return node if expanded is None else self.resolve(expanded)

    def _return_of(self, statements, names: dict[str, Any]):
        import libcst as cst

        names = dict(names)
        for statement in statements:
            if isinstance(statement, cst.If):
                taken = self.condition(substitute(statement.test, names))
                if taken is None:
                    return None
                if taken:
                    return self._return_of(statement.body.body, names)
                orelse = statement.orelse
                if orelse is not None:
                    return self._return_of([orelse] if isinstance(orelse, cst.If) else orelse.body.body, names)
                continue
            if not isinstance(statement, cst.SimpleStatementLine):
                return None
            for small in statement.body:
                if isinstance(small, cst.Return):
                    return substitute(small.value, names) if small.value is not None else None
                if (isinstance(small, cst.Assign) and len(small.targets) == 1
                        and isinstance(small.targets[0].target, cst.Name)):
                    names[small.targets[0].target.value] = substitute(small.value, names)
                elif not isinstance(small, cst.Expr) or not isinstance(small.value, cst.SimpleString):  # docstring
                    return None
        return None

    def condition(self, test) -> bool | None:
        """The dialect name compared with a string is decided for PostgreSQL; anything else is unknown."""
        import libcst as cst

        if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            inner = self.condition(test.expression)
            return None if inner is None else not inner
        if isinstance(test, cst.BooleanOperation):
            left, right = self.condition(test.left), self.condition(test.right)
            if isinstance(test.operator, cst.And):
                return False if False in (left, right) else (True if left and right else None)
            return True if True in (left, right) else (False if left is False and right is False else None)
        if isinstance(test, cst.Call):
            if (dotted(test.func) or "").endswith("is_offline_mode"):
                return False
            if (dotted(test.func) or "").endswith(("get_bind", "get_context")):
                return True  # ``bind = op.get_bind(); if bind and ...``: there is a connection
            expanded = self.returned(test)
            return None if expanded is None else self.condition(expanded)
        if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
            target = test.comparisons[0]
            sides = (test.left, target.comparator)
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
            if isinstance(target.operator, (cst.Equal, cst.In, cst.Is)):
                return matches
            if isinstance(target.operator, (cst.NotEqual, cst.NotIn, cst.IsNot)):
                return not matches
        return None

    def resolve(self, node):
        import libcst as cst

        for _ in range(10):
            if isinstance(node, cst.Name) and node.value in self.consts:
                node = self.consts[node.value]
            elif isinstance(node, cst.IfExp) and isinstance(self.literal(node.test), bool):
                node = node.body if self.literal(node.test) else node.orelse  # after substitution: X if True else Y
            elif isinstance(node, cst.Subscript) and len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
                item = self.item(self.resolve(node.value), self.literal(node.slice[0].slice.value))
                if item is None:
                    break
                node = item  # COLUMNS[0], spec["name"] of a literal list or dict (a loop variable, a constant)
            else:
                break
        return node

    def item(self, container, key):
        import libcst as cst

        if isinstance(container, (cst.List, cst.Tuple)) and isinstance(key, int) and not isinstance(key, bool):
            elements = container.elements
            return elements[key].value if -len(elements) <= key < len(elements) else None
        if isinstance(container, cst.Dict) and isinstance(key, str):
            for element in container.elements:
                if isinstance(element, cst.DictElement) and self.literal(element.key) == key:
                    return element.value
        return None

    def literal(self, node):
        import libcst as cst

        node = self.resolve(node)
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
            value = node.evaluated_value
            return value if isinstance(value, str) else UNKNOWN
        if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
            return {"True": True, "False": False, "None": None}[node.value]
        if isinstance(node, cst.Integer):
            return int(node.value)
        if isinstance(node, (cst.Tuple, cst.List)):
            values = tuple(self.literal(el.value) for el in node.elements)
            return UNKNOWN if UNKNOWN in values else values
        if isinstance(node, cst.FormattedString):
            parts = []
            for part in node.parts:
                value = part.value if isinstance(part, cst.FormattedStringText) else self.literal(part.expression)
                if part is not None and isinstance(part, cst.FormattedStringExpression) and part.format_spec:
                    return UNKNOWN
                if not isinstance(value, (str, int)) or isinstance(value, bool):
                    return UNKNOWN
                parts.append(str(value))
            return "".join(parts)
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
            left, right = self.literal(node.left), self.literal(node.right)
            return left + right if isinstance(left, str) and isinstance(right, str) else UNKNOWN
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Modulo):
            left, right = self.literal(node.left), self.literal(node.right)
            if isinstance(left, str) and right is not UNKNOWN and not isinstance(right, bool):
                try:
                    return left % right
                except (TypeError, ValueError, KeyError):
                    return UNKNOWN
            return UNKNOWN
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "format":
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
        return self.module.code_for_node(node)

    def data_type(self, node) -> str:
        import libcst as cst

        node = self.resolve(node)
        timezone = False
        if isinstance(node, cst.Call):
            if isinstance(node.func, cst.Attribute) and node.func.attr.value == "with_variant":
                return self.data_type(node.func.value)
            positional, keywords = split_args(node)
            timezone = self.literal(keywords["timezone"]) if "timezone" in keywords else (
                self.literal(positional[0]) if positional else False)
            node = node.func
        written = dotted(node) or "unknown"
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
        import libcst as cst

        node = self.resolve(node)
        if not isinstance(node, cst.Call):
            return self.code(node)
        name = dotted(node.func) or ""
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


def split_args(call) -> tuple[list, dict]:
    positional = [a.value for a in call.args if a.keyword is None and not a.star]
    keywords = {a.keyword.value: a.value for a in call.args if a.keyword is not None}
    return positional, keywords


def dotted(node) -> str | None:
    import libcst as cst

    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr.value}" if base else None
    return None


def is_call_named(node, last: str) -> bool:
    import libcst as cst

    return isinstance(node, cst.Call) and (dotted(node.func) or "").rsplit(".", 1)[-1] == last

