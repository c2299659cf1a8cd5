"""Identifiers as they must be written in the SQL infractl prints: ``ALTER TABLE user`` is a syntax error,
``ALTER TABLE "user"`` is not. A name is quoted when PostgreSQL would not read it back as written: a
reserved word, upper case, or anything but letters, digits and ``_`` (``$`` after the first)."""

from __future__ import annotations

import re

# PostgreSQL's reserved key words (the "reserved" and "reserved (can be function or type)" columns of
# its key words appendix; SQLAlchemy's postgresql RESERVED_WORDS is the same list): not usable as bare names.
RESERVED = frozenset({
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization", "between",
    "binary", "both", "case", "cast", "check", "collate", "column", "constraint", "create", "cross",
    "current_catalog", "current_date", "current_role", "current_schema", "current_time", "current_timestamp",
    "current_user", "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "false", "fetch",
    "for", "foreign", "freeze", "from", "full", "grant", "group", "having", "ilike", "in", "initially", "inner",
    "intersect", "into", "is", "isnull", "join", "lateral", "leading", "left", "like", "limit", "localtime",
    "localtimestamp", "natural", "new", "not", "notnull", "null", "of", "off", "offset", "old", "on", "only", "or",
    "order", "outer", "over", "overlaps", "placing", "primary", "references", "returning", "right", "select",
    "session_user", "similar", "some", "symmetric", "system_user", "table", "tablesample", "then", "to", "trailing",
    "true", "union", "unique", "user", "using", "variadic", "verbose", "when", "where", "window", "with",
})

_BARE = re.compile(r"^[a-z_][a-z0-9_$]*$")


def quote_ident(name: str) -> str:
    """``name`` as SQL that means exactly this identifier: bare when that is safe, else double-quoted."""
    if _BARE.match(name) and name not in RESERVED:
        return name
    return '"' + name.replace('"', '""') + '"'


def quote_table(qualified: str) -> str:
    """``schema.table`` (as the checkers name a table) or ``table``, each part quoted as it needs."""
    schema, dot, table = qualified.partition(".")
    return f"{quote_ident(schema)}.{quote_ident(table)}" if dot else quote_ident(qualified)
