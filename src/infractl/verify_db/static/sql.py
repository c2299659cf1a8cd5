"""Literal SQL of ``op.execute`` / ``conn.execute``, read as the schema operations it performs.

Followed: CREATE TABLE with column definitions, ALTER TABLE with any number of comma-separated actions
(ADD/DROP/ALTER COLUMN: SET/DROP DEFAULT, SET/DROP NOT NULL, TYPE; ADD PRIMARY KEY; RENAME), DROP TABLE,
CREATE/DROP TRIGGER. Statements that cannot touch a column's type, nullability, default or an update
trigger (indexes, comments, grants, DML, functions, ...) are passed over. Anything else that may, such as
``CREATE TABLE ... AS SELECT`` or a ``DO`` block altering tables, becomes a ``not_followed`` operation
naming the tables it may touch.
"""

from __future__ import annotations

import re

from infractl.verify_db.static.exprs import ServerDefault
from infractl.verify_db.static.ops import ColumnSpec, Operation
from infractl.verify_db.static.sqltext import (
    parenthesised,
    shorten,
    split_name,
    split_statements,
    split_top,
    split_words,
    unquote,
)

_IDENT = r'(?:"[^"]+"|[\w$]+)'
_QUALIFIED = rf"{_IDENT}(?:\s*\.\s*{_IDENT})?"
_FLAGS = re.IGNORECASE | re.DOTALL
_ALTER_TABLE = re.compile(rf"^ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(?P<table>{_QUALIFIED})\s*\*?\s+(?P<rest>.+)$",
                          _FLAGS)
_CREATE_TABLE = re.compile(
    rf"^CREATE\s+(?:(?:GLOBAL|LOCAL)\s+)?(?:(?:TEMP|TEMPORARY|UNLOGGED)\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?"
    rf"(?P<table>{_QUALIFIED})\s*(?P<rest>.*)$", _FLAGS)
_DROP_TABLE = re.compile(r"^DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?P<tables>.+?)(?:\s+(?:CASCADE|RESTRICT))?$", _FLAGS)
_CREATE_TRIGGER = re.compile(
    rf"^CREATE\s+(?:OR\s+REPLACE\s+)?(?:CONSTRAINT\s+)?TRIGGER\s+(?P<name>{_IDENT})\s+"
    rf"(?:BEFORE|AFTER|INSTEAD\s+OF)\s+(?P<events>.+?)\s+ON\s+(?:ONLY\s+)?(?P<table>{_QUALIFIED})", _FLAGS)
_DROP_TRIGGER = re.compile(
    rf"^DROP\s+TRIGGER\s+(?:IF\s+EXISTS\s+)?(?P<name>{_IDENT})\s+ON\s+(?:ONLY\s+)?(?P<table>{_QUALIFIED})", _FLAGS)
# Statements that cannot change what the rules look at.
_PASSED_OVER = re.compile(
    r"^(?:SELECT|INSERT|UPDATE|DELETE|WITH|COMMENT|GRANT|REVOKE|SET|RESET|ANALYZE|VACUUM|TRUNCATE|LOCK|REFRESH|"
    r"REINDEX|CLUSTER|NOTIFY|BEGIN|COMMIT|CREATE\s+(?:UNIQUE\s+)?INDEX|DROP\s+INDEX|ALTER\s+INDEX|"
    r"CREATE\s+(?:OR\s+REPLACE\s+)?(?:FUNCTION|PROCEDURE|VIEW|RULE|AGGREGATE)|CREATE\s+MATERIALIZED\s+VIEW|"
    r"(?:CREATE|ALTER|DROP)\s+(?:EXTENSION|SEQUENCE|TYPE|DOMAIN|SCHEMA|POLICY|PUBLICATION|ROLE|USER|COLLATION)|"
    r"DROP\s+(?:FUNCTION|PROCEDURE|VIEW|MATERIALIZED\s+VIEW|RULE)|ALTER\s+(?:FUNCTION|VIEW|MATERIALIZED\s+VIEW))\b",
    _FLAGS)
# ALTER TABLE actions that leave types, nullability, defaults and triggers as they are.
_ACTION_PASSED_OVER = re.compile(
    r"^(?:ADD\s+(?:CONSTRAINT|UNIQUE|CHECK|FOREIGN\s+KEY|EXCLUDE)|DROP\s+CONSTRAINT|VALIDATE|OWNER|"
    r"(?:ENABLE|DISABLE|NO\s+FORCE|FORCE)\s+(?:ROW|TRIGGER|RULE|REPLICA|ALWAYS)|SET\s+(?:\(|TABLESPACE|LOGGED|"
    r"UNLOGGED|WITH|WITHOUT|ACCESS)|RESET|INHERIT|NO\s+INHERIT|CLUSTER|REPLICA|ATTACH|DETACH|OF\b|NOT\s+OF)",
    _FLAGS)
_COLUMN_ACTION_PASSED_OVER = re.compile(
    r"^(?:SET\s+(?:STATISTICS|STORAGE|COMPRESSION|\()|RESET|ADD\s+GENERATED|SET\s+GENERATED|DROP\s+IDENTITY|"
    r"DROP\s+EXPRESSION|OPTIONS)", _FLAGS)
_CONSTRAINT_WORDS = {"NOT", "NULL", "DEFAULT", "PRIMARY", "UNIQUE", "CHECK", "REFERENCES", "CONSTRAINT", "GENERATED",
                     "COLLATE", "COMPRESSION", "DEFERRABLE", "INITIALLY"}
_TABLE_MENTION = re.compile(rf"\b(?:TABLE(?:\s+IF\s+(?:NOT\s+)?EXISTS)?(?:\s+ONLY)?|\bON|INTO|UPDATE)\s+(?P<table>{_QUALIFIED})",
                            _FLAGS)
_TOUCHES_SCHEMA = re.compile(r"\b(?:ALTER|CREATE|DROP)\s+(?:TABLE|TRIGGER)\b|\bTRIGGER\b", _FLAGS)


def sql_operations(sql: str, line: int) -> list[Operation]:
    operations: list[Operation] = []
    for statement in split_statements(sql):
        operations.extend(_statement(statement, line))
    return operations


def passed_over(template: str) -> bool:
    """SQL with parts known only at run time (``?``) that cannot change anything we track: every
    statement is one of those passed over (``UPDATE t SET x = '?'``), whatever the unknown parts are."""
    statements = split_statements(template)
    return bool(statements) and all(_PASSED_OVER.match(s) for s in statements)


def _statement(text: str, line: int) -> list[Operation]:
    match = _ALTER_TABLE.match(text)
    if match:
        return _alter_table(match.group("table"), match.group("rest"), text, line)
    match = _CREATE_TABLE.match(text)
    if match:
        return _create_table(match.group("table"), match.group("rest").strip(), text, line)
    match = _DROP_TABLE.match(text)
    if match:
        return [_named("drop_table", name, line) for name in split_top(match.group("tables"))]
    match = _CREATE_TRIGGER.match(text)
    if match:
        if not re.search(r"\bUPDATE\b", match.group("events"), re.IGNORECASE):
            return []
        return [_named("create_trigger", match.group("table"), line, new_name=unquote(match.group("name")))]
    match = _DROP_TRIGGER.match(text)
    if match:
        return [_named("drop_trigger", match.group("table"), line, new_name=unquote(match.group("name")))]
    if _PASSED_OVER.match(text) or not _TOUCHES_SCHEMA.search(text):
        return []
    return [_not_followed(text, line)]


def _named(kind: str, qualified: str, line: int, **fields) -> Operation:
    table, schema = split_name(qualified)
    return Operation(kind, table, line, schema, **fields)


def _not_followed(text: str, line: int, tables: tuple[str, ...] | None = None) -> Operation:
    if tables is None:
        tables = tuple(dict.fromkeys(split_name(m.group("table"))[0] for m in _TABLE_MENTION.finditer(text)))
    return Operation("not_followed", "", line, tables=tables, reason=f"SQL `{shorten(text)}`")


def _alter_table(table_text: str, rest: str, text: str, line: int) -> list[Operation]:
    table, schema = split_name(table_text)
    rename = re.match(rf"^RENAME\s+TO\s+(?P<new>{_IDENT})\s*$", rest, _FLAGS)
    if rename:
        return [Operation("rename_table", table, line, schema, new_name=unquote(rename.group("new")))]
    rename = re.match(rf"^RENAME\s+(?:COLUMN\s+)?(?P<old>{_IDENT})\s+TO\s+(?P<new>{_IDENT})\s*$", rest, _FLAGS)
    if rename:
        return [Operation("alter_column", table, line, schema, column=unquote(rename.group("old")),
                          changes={"new_column_name": unquote(rename.group("new"))})]
    operations: list[Operation] = []
    for action in split_top(rest):
        found = _alter_action(table, schema, action, line)
        if found is None:
            return [_not_followed(text, line, (table,))]
        operations.extend(found)
    return operations


def _alter_action(table: str, schema: str | None, action: str, line: int) -> list[Operation] | None:
    """One ALTER TABLE action; None when it may change what we track in a way we cannot read."""
    if _ACTION_PASSED_OVER.match(action):
        return []
    match = re.match(rf"^ALTER\s+(?:COLUMN\s+)?(?P<column>{_IDENT})\s+(?P<what>.+)$", action, _FLAGS)
    if match:
        column, what = unquote(match.group("column")), match.group("what").strip()
        if _COLUMN_ACTION_PASSED_OVER.match(what):
            return []
        changes: dict = {}
        default = re.match(r"^SET\s+DEFAULT\s+(?P<expr>.+)$", what, _FLAGS)
        if default:
            changes["server_default"] = sql_default(default.group("expr"))
        elif re.match(r"^DROP\s+DEFAULT$", what, _FLAGS):
            changes["server_default"] = None
        elif re.match(r"^SET\s+NOT\s+NULL$", what, _FLAGS):
            changes["nullable"] = False
        elif re.match(r"^DROP\s+NOT\s+NULL$", what, _FLAGS):
            changes["nullable"] = True
        else:
            new_type = re.match(r"^(?:SET\s+DATA\s+)?TYPE\s+(?P<type>.+?)(?:\s+COLLATE\s+.+?)?(?:\s+USING\s+.+)?$",
                                what, _FLAGS)
            if not new_type:
                return None
            changes["type_"] = sql_type(new_type.group("type"))
        return [Operation("alter_column", table, line, schema, column=column, changes=changes)]
    match = re.match(r"^ADD\s+PRIMARY\s+KEY\s*\((?P<columns>[^)]*)\)", action, _FLAGS)
    if match:
        return [Operation("alter_column", table, line, schema, column=unquote(name.strip()),
                          changes={"nullable": False}) for name in match.group("columns").split(",")]
    match = re.match(r"^ADD\s+(?:COLUMN\s+)?(?:IF\s+NOT\s+EXISTS\s+)?(?P<definition>.+)$", action, _FLAGS)
    if match:
        column = _column_definition(match.group("definition"), line)
        return None if column is None else [Operation("add_column", table, line, schema, columns=(column,))]
    match = re.match(rf"^DROP\s+(?:COLUMN\s+)?(?:IF\s+EXISTS\s+)?(?P<column>{_IDENT})(?:\s+(?:CASCADE|RESTRICT))?$",
                     action, _FLAGS)
    if match:
        return [Operation("drop_column", table, line, schema, column=unquote(match.group("column")))]
    return None


def _create_table(table_text: str, rest: str, text: str, line: int) -> list[Operation]:
    table, schema = split_name(table_text)
    unknown = Operation("create_table", table, line, schema, reason=f"SQL `{shorten(text)}`")
    if not rest.startswith("("):  # AS SELECT, PARTITION OF, OF type: the columns come from elsewhere
        return [unknown]
    body, tail = parenthesised(rest)
    if re.match(r"^\s*AS\b", tail, _FLAGS):  # CREATE TABLE t (a, b) AS SELECT ...
        return [unknown]
    columns: list[ColumnSpec] = []
    primary: list[str] = []
    for element in split_top(body):
        head = element.split(None, 1)[0].upper() if element.split() else ""
        if head in ("CONSTRAINT", "UNIQUE", "CHECK", "FOREIGN", "EXCLUDE", "PRIMARY"):
            key = re.search(r"PRIMARY\s+KEY\s*\((?P<columns>[^)]*)\)", element, _FLAGS)
            primary.extend(unquote(name.strip()) for name in key.group("columns").split(",")) if key else None
            continue
        if head == "LIKE":
            return [unknown]
        column = _column_definition(element, line)
        if column is None:
            return [unknown]
        columns.append(column)
    columns = [ColumnSpec(c.name, c.data_type, False, c.default, c.onupdate, c.line) if c.name in primary else c
               for c in columns]
    return [Operation("create_table", table, line, schema, columns=tuple(columns))]


def _column_definition(text: str, line: int) -> ColumnSpec | None:
    words = split_words(text)
    if len(words) < 2:
        return None
    name = unquote(words[0])
    index = 1
    while index < len(words) and words[index].upper() not in _CONSTRAINT_WORDS:
        index += 1
    data_type = sql_type(" ".join(words[1:index]))
    nullable, default = True, None
    while index < len(words):
        word = words[index].upper()
        if word == "NOT" and index + 1 < len(words) and words[index + 1].upper() == "NULL":
            nullable, index = False, index + 2
            continue
        if word == "PRIMARY":
            nullable = False
        if word == "DEFAULT":
            end = index + 1
            while end < len(words) and words[end].upper() not in _CONSTRAINT_WORDS:
                end += 1
            default, index = sql_default(" ".join(words[index + 1:end])), end
            continue
        index += 1
    return ColumnSpec(name=name, data_type=data_type, nullable=nullable, default=default, onupdate=False, line=line)


def sql_default(expr: str) -> ServerDefault:
    """``'now()'`` (a quoted literal, cast once at DDL time) or an expression evaluated per row."""
    text = expr.strip()
    literal = re.fullmatch(r"'((?:[^']|'')*)'(?:\s*::\s*[\w ]+)?", text)
    if literal:
        return ServerDefault(literal=literal.group(1).replace("''", "'"))
    return ServerDefault(sql=text)


def sql_type(text: str) -> str:
    """A type as written in DDL, in the form format_type prints it (precision dropped for timestamps)."""
    lowered = " ".join(text.lower().split())
    plain = re.sub(r"\s*\(\s*\d+\s*\)", "", lowered)
    if plain in ("timestamptz", "timestamp with time zone"):
        return "timestamp with time zone"
    if plain in ("timestamp", "timestamp without time zone"):
        return "timestamp without time zone"
    return lowered
