"""Read SQLAlchemy expressions statically (libcst nodes): column types and server defaults as SQL.

``sa.text("now()")`` -> ``now()``, ``sa.func.current_timestamp()`` -> ``CURRENT_TIMESTAMP``,
``sa.DateTime(timezone=True)`` -> ``timestamp with time zone``. What cannot be read stays source text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

UNKNOWN = object()  # an expression we cannot evaluate statically

# SQLAlchemy renders these ANSI functions without parentheses (func.current_timestamp() -> CURRENT_TIMESTAMP).
_BARE_FUNCTIONS = {"current_timestamp", "current_date", "current_time", "localtimestamp", "localtime",
                   "current_user", "session_user", "user"}

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

    def __init__(self, module, consts: dict[str, Any]) -> None:
        self.module = module
        self.consts = consts

    def resolve(self, node):
        import libcst as cst

        seen = 0
        while isinstance(node, cst.Name) and node.value in self.consts and seen < 10:
            node, seen = self.consts[node.value], seen + 1
        return node

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
        return UNKNOWN

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
        name = (dotted(node) or "unknown").rsplit(".", 1)[-1].lower()
        if name in ("datetime", "timestamp"):
            return "timestamp with time zone" if timezone is True else "timestamp without time zone"
        if name == "timestamptz":
            return "timestamp with time zone"
        return _TYPES.get(name, name)

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
