"""One column as both checkers describe it, and what its type and default are, before any rule judges it.

The live checker fills a ``ColumnInfo`` from the catalog, the static one from the migrations' final
state; ``classify_default`` reads the default in the form PostgreSQL's ``pg_get_expr`` prints it, so the
two agree. ``rules.check_column`` turns these answers into findings.
"""

from __future__ import annotations

import re
from collections import namedtuple
from enum import Enum


class DefaultKind(str, Enum):
    MISSING = "missing"
    TRANSACTION_TIME = "transaction_time"  # now(), CURRENT_TIMESTAMP, transaction_timestamp(), UTC-wrapped
    # LOCALTIMESTAMP: transaction start too, but as session-local wall-clock time (timestamp without time zone)
    LOCAL_TIME = "local_time"
    OTHER_TIME = "other_time"  # clock_timestamp(), statement_timestamp()
    CONSTANT = "constant"  # '2026-...'::timestamp with time zone
    UNRECOGNISED = "unrecognised"


_TRANSACTION_TIME = re.compile(r"^(now\(\)|current_timestamp(\(\d\))?|transaction_timestamp\(\))$", re.IGNORECASE)
_LOCAL_TIME = re.compile(r"^localtimestamp(\(\d\))?$", re.IGNORECASE)
_OTHER_TIME = re.compile(r"^(clock_timestamp\(\)|statement_timestamp\(\))$", re.IGNORECASE)
_UTC = r"'(?:utc|etc/utc|z|gmt)'(?:::text)?"
_TIMEZONE_CALL = re.compile(rf"^timezone\(\s*{_UTC}\s*,\s*(?P<inner>.+)\)$", re.IGNORECASE)
_AT_TIME_ZONE = re.compile(rf"^\(?(?P<inner>.+?)\s+at\s+time\s+zone\s+{_UTC}\)?$", re.IGNORECASE)
_CONSTANT = re.compile(r"^'[^']*'(::[a-z ]+(\(\d\))?)?$", re.IGNORECASE)


def classify_default(expr: str | None) -> DefaultKind:
    """Classify a column default as PostgreSQL prints it (``pg_get_expr``)."""
    if expr is None or not expr.strip():
        return DefaultKind.MISSING
    text = expr.strip()
    while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        text = text[1:-1].strip()
    for wrapper in (_TIMEZONE_CALL, _AT_TIME_ZONE):
        match = wrapper.match(text)
        if match:
            return classify_default(match.group("inner"))
    if _TRANSACTION_TIME.match(text):
        return DefaultKind.TRANSACTION_TIME
    if _LOCAL_TIME.match(text):
        return DefaultKind.LOCAL_TIME
    if _OTHER_TIME.match(text):
        return DefaultKind.OTHER_TIME
    if _CONSTANT.match(text):
        return DefaultKind.CONSTANT
    return DefaultKind.UNRECOGNISED


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += char == "("
        depth -= char == ")"
        if depth < 0:
            return False
    return depth == 0


COLUMN_INFO_FIELDS = ("table", "column", "data_type", "nullable", "default", "has_update_hook", "path", "line",
                      "note", "literal_default")
COLUMN_INFO_DEFAULTS = (None, "", None, "", None)


class ColumnInfo(namedtuple("ColumnInfo", COLUMN_INFO_FIELDS, defaults=COLUMN_INFO_DEFAULTS)):
    """One timestamp-candidate column, from the catalog or from the migrations' final state.

    - ``table``: schema-qualified for the live check, as written in the migration for the static one
    - ``data_type``: "timestamp with time zone", "timestamp without time zone", "date", ...
    - ``nullable``: a bool; ``default``: SQL text as pg_get_expr prints it, None when there is none
    - ``has_update_hook``: trigger or onupdate; None when unknown
    - ``path``: where to point the user: "schema.table" live, a migration file statically; ``line``
    - ``note``: extra context, e.g. "default dropped in revision abc123"
    - ``literal_default``: static only: server_default given as a plain string, as written
    """

    __slots__ = ()


def is_timestamp_type(data_type: str) -> bool:
    return data_type.lower().startswith("timestamp")


def is_naive_timestamp_type(data_type: str) -> bool:
    """``timestamp``, ``timestamp(3) without time zone``, ...: format_type prints the precision inside."""
    text = data_type.lower().strip()
    if not text.startswith("timestamp"):
        return False
    return text.endswith("without time zone") or re.fullmatch(r"timestamp(\(\d\))?", text) is not None


# String defaults PostgreSQL accepts as timestamp input (and freezes: DB002); an SQL expression written as
# a string ('CURRENT_TIMESTAMP', 'clock_timestamp()') is rejected (DB009). Checked against a real server.
_TIMESTAMP_WORDS = {"now", "today", "tomorrow", "yesterday", "epoch", "infinity", "-infinity", "allballs"}
_SQL_EXPRESSION = re.compile(r"[a-z_][\w.]*\s*\(|^(current_\w+|localtime\w*|sysdate|systimestamp)$|\bat\s+time\s+zone\b")


def literal_is_rejected(text: str) -> bool:
    """Whether PostgreSQL rejects this plain-string default for a timestamp column (invalid input syntax)."""
    word = text.strip().lower()
    if word in _TIMESTAMP_WORDS or (word.endswith("()") and word[:-2].strip() in _TIMESTAMP_WORDS):
        return False
    return bool(_SQL_EXPRESSION.search(word))
