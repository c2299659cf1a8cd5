"""The timestamp rules, shared by the live checker (catalog rows) and the static one (migrations).

Both sides describe each column as a ``ColumnInfo`` whose ``default`` is SQL text in the form
PostgreSQL's ``pg_get_expr`` returns it; ``check_column`` judges it the same way for both.
"""

from __future__ import annotations

import fnmatch
import re
from collections import namedtuple
from enum import Enum

from infractl.findings import Finding, Severity


class Rule(namedtuple("Rule", "id severity title fix")):
    """A rule's id, Severity, title and fix hint. Records here are named tuples, not dataclasses:
    ``infractl check`` imports them on every repository with migrations (findings.py says why)."""

    __slots__ = ()


# Fix hints are templates: {table} and {column} name the column the finding is about.
_BY_FIX_MIGRATION = " (`infractl verify-db --migrations DIR --fix-migration DIR` writes this as a revision)"
MISSING_DEFAULT = Rule("DB001", Severity.ERROR, "timestamp column has no server default",
                       "ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT now()" + _BY_FIX_MIGRATION)
CONSTANT_DEFAULT = Rule("DB002", Severity.ERROR, "server default is a constant timestamp frozen at migration time",
                        'ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT now(); in a migration: '
                        'server_default=sa.text("now()") (or sa.func.now()), not the string "now()"'
                        + _BY_FIX_MIGRATION)
NOT_TRANSACTION_TIME = Rule("DB003", Severity.WARNING, "server default is not transaction time",
                            "ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT now(), so every row of a "
                            "transaction gets the same time" + _BY_FIX_MIGRATION)
NAIVE_TIMESTAMP = Rule("DB004", Severity.WARNING, "timestamp without time zone",
                       "ALTER TABLE {table} ALTER COLUMN {column} TYPE timestamptz (aware datetimes are shifted by "
                       "the session time zone)")
NULLABLE = Rule("DB005", Severity.WARNING, "timestamp column is nullable",
                "ALTER TABLE {table} ALTER COLUMN {column} SET NOT NULL")
NO_UPDATE_HOOK = Rule("DB006", Severity.INFO, "updated_at has no trigger and no application-side onupdate",
                      "add a BEFORE UPDATE trigger on {table} that sets {column}, or onupdate=func.now() on the model")
UNRECOGNISED_DEFAULT = Rule("DB007", Severity.WARNING, "server default is not a recognised timestamp expression",
                            "ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT now(), unless the expression "
                            "is deliberate")
LOCAL_TIME_DEFAULT = Rule("DB008", Severity.WARNING,
                          "LOCALTIMESTAMP default on a timestamptz column goes through the session TimeZone",
                          "ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT now() (same instant, without the "
                          "round trip through local wall-clock time)")

RULES = (MISSING_DEFAULT, CONSTANT_DEFAULT, NOT_TRANSACTION_TIME, NAIVE_TIMESTAMP, NULLABLE, NO_UPDATE_HOOK,
         UNRECOGNISED_DEFAULT, LOCAL_TIME_DEFAULT)


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


_RULE_SETTINGS_FIELDS = ("patterns", "columns", "update_patterns", "naive_severity", "nullable_severity", "ignore",
                         "optional_when_nullable", "timestamp_types")


class RuleSettings(namedtuple("RuleSettings", _RULE_SETTINGS_FIELDS, defaults=(
        ("created_at", "updated_at", "*_at"), (), ("updated_at", "modified_at"), NAIVE_TIMESTAMP.severity,
        NULLABLE.severity, (), True, ()))):
    """What the rules look at, and how hard they judge it.

    - ``patterns``: column name globs; ``columns``: explicit "table.column" names, checked whatever
      their name; ``update_patterns``: columns that want an update hook
    - ``naive_severity``, ``nullable_severity``: Severity of those rules; ``ignore``: rule ids to skip
    - ``optional_when_nullable``: a nullable timestamp without a default that only a wildcard caught
      (deleted_at, expires_at, last_login_at) records an event that may never happen: optional by design,
      not a forgotten now()
    - ``timestamp_types``: static only: a project's own column types -> the PostgreSQL type they create
      ("timestamp with time zone"), as pairs
    """

    __slots__ = ()

    def wants(self, table: str, column: str) -> bool:
        return self.named(table, column) or any(fnmatch.fnmatchcase(column, p) for p in self.patterns)

    def listed(self, table: str, column: str) -> bool:
        """Named in ``columns`` as ``table.column`` or ``schema.table.column``."""
        bare_table = table.rsplit(".", 1)[-1]
        return f"{table}.{column}" in self.columns or f"{bare_table}.{column}" in self.columns

    def named(self, table: str, column: str) -> bool:
        """Listed explicitly, or matched by a pattern without wildcards (``created_at``)."""
        if self.listed(table, column):
            return True
        return any(column == p for p in self.patterns if not any(ch in p for ch in "*?["))


def is_timestamp_type(data_type: str) -> bool:
    return data_type.lower().startswith("timestamp")


def is_naive_timestamp_type(data_type: str) -> bool:
    """``timestamp``, ``timestamp(3) without time zone``, ...: format_type prints the precision inside."""
    text = data_type.lower().strip()
    if not text.startswith("timestamp"):
        return False
    return text.endswith("without time zone") or re.fullmatch(r"timestamp(\(\d\))?", text) is not None


def is_judged(col: ColumnInfo, settings: RuleSettings) -> bool:
    """Whether the rules look at this column: its name matches, and it is a timestamp or listed explicitly."""
    if not settings.wants(col.table, col.column):
        return False
    return is_timestamp_type(col.data_type) or settings.listed(col.table, col.column)


def check_column(col: ColumnInfo, settings: RuleSettings) -> list[Finding]:
    """Every rule for one column."""
    if not is_judged(col, settings):
        return []
    kind = classify_default(col.default)
    if (settings.optional_when_nullable and col.nullable and kind is DefaultKind.MISSING
            and not settings.named(col.table, col.column)):
        return []
    where = f"{col.table}.{col.column}"
    suffix = f" ({col.note})" if col.note else ""
    found: list[tuple[Rule, str, Severity | None]] = []
    if kind is DefaultKind.MISSING:
        found.append((MISSING_DEFAULT, f"{where} has no server default{suffix}", None))
    elif kind is DefaultKind.CONSTANT and col.literal_default is not None and literal_is_rejected(col.literal_default):
        found.append((REJECTED_LITERAL, (f"{where} has server_default={col.literal_default!r}, a plain string: "
                      "PostgreSQL rejects it (invalid input syntax for type timestamp), so the migration fails"),
                      None))
    elif kind is DefaultKind.CONSTANT:
        found.append((CONSTANT_DEFAULT, f"{where} defaults to the constant {col.default}", None))
    elif kind is DefaultKind.OTHER_TIME:
        found.append((NOT_TRANSACTION_TIME, f"{where} defaults to {col.default}, not transaction time now()", None))
    elif kind is DefaultKind.UNRECOGNISED:
        found.append((UNRECOGNISED_DEFAULT, f"{where} defaults to {col.default}", None))
    elif kind is DefaultKind.LOCAL_TIME and not is_naive_timestamp_type(col.data_type):
        # On a naive column LOCALTIMESTAMP stores exactly what now() would; DB004 covers the type.
        found.append((LOCAL_TIME_DEFAULT, (f"{where} defaults to {col.default}: session-local wall-clock time, "
                      "converted back with the session TimeZone (an hour off while a DST change repeats an hour)"),
                      None))
    if is_naive_timestamp_type(col.data_type):
        found.append((NAIVE_TIMESTAMP, f"{where} is timestamp without time zone", settings.naive_severity))
    if col.nullable:
        found.append((NULLABLE, f"{where} is nullable", settings.nullable_severity))
    if col.has_update_hook is False and any(fnmatch.fnmatchcase(col.column, p) for p in settings.update_patterns):
        found.append((NO_UPDATE_HOOK, f"{where} has no update trigger or onupdate", None))
    return [
        Finding(path=col.path or col.table, line=col.line, column=None, rule=rule.id,
                severity=severity or rule.severity, message=message, fix=fix_hint(rule, col.table, col.column))
        for rule, message, severity in found
        if rule.id not in settings.ignore
    ]


def fix_hint(rule: Rule, table: str, column: str) -> str:
    return rule.fix.replace("{table}", table).replace("{column}", column)


# Rules of the static check only: the migration chain itself, and what the revision files say that no
# database can show. Not column rules of the live check, so not in RULES.
MULTIPLE_HEADS = Rule("DB101", Severity.ERROR, "the migration tree has more than one head",
                      "alembic merge heads -m 'merge heads'")
REJECTED_LITERAL = Rule("DB009", Severity.ERROR,
                        "server default is a string PostgreSQL rejects as a timestamp: the migration fails",
                        'server_default=sa.text("now()") (or sa.func.now()): a plain string is quoted, and '
                        "'CURRENT_TIMESTAMP' is not timestamp input (invalid input syntax)")
NOT_FOLLOWED = Rule("DB010", Severity.INFO, "not followed statically: the final state of these tables is unknown",
                    "run `infractl verify-db --migrations DIR --replay` (the migrations on a scratch database), "
                    "or write the change as op.* calls / literal SQL; for a project's own column type, list it "
                    "in timestamp_types")
MIGRATION_RULES = (MULTIPLE_HEADS, REJECTED_LITERAL, NOT_FOLLOWED)

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


# Fixit-style examples, picked up by the tests: DDL creating one table ``{table}`` (in the current
# schema) that must (invalid) or must not (valid) raise the rule when checked live. The defaults are
# written the way people write them; the tests prove what PostgreSQL turns them into.
class RuleExamples(namedtuple("RuleExamples", "valid invalid")):
    """Two tuples of DDL statements."""

    __slots__ = ()


_TOUCH_TRIGGER = (
    "CREATE FUNCTION {table}_touch() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$; "
    "CREATE TRIGGER {table}_touch BEFORE {event} ON {table} FOR EACH ROW EXECUTE FUNCTION {table}_touch()"
)

SQL_EXAMPLES: dict[str, RuleExamples] = {
    "DB001": RuleExamples(
        valid=("CREATE TABLE {table} (id int, created_at timestamptz NOT NULL DEFAULT now())",
               # optional event time: nullable, no default, caught only by the *_at wildcard
               "CREATE TABLE {table} (id int, deleted_at timestamptz)"),
        invalid=("CREATE TABLE {table} (id int, created_at timestamptz NOT NULL)",
                 "CREATE TABLE {table} (id int, updated_at timestamptz)",
                 "CREATE TABLE {table} (id int, received_at timestamptz NOT NULL)"),
    ),
    "DB002": RuleExamples(
        valid=("CREATE TABLE {table} (created_at timestamptz NOT NULL DEFAULT now())",
               "CREATE TABLE {table} (created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP)"),
        invalid=("CREATE TABLE {table} (created_at timestamptz NOT NULL DEFAULT 'now()')",  # frozen at CREATE
                 "CREATE TABLE {table} (created_at timestamptz NOT NULL DEFAULT 'now')",
                 "CREATE TABLE {table} (created_at timestamptz NOT NULL DEFAULT '2026-01-01 00:00:00+00')",
                 "CREATE TABLE {table} (created_at timestamp NOT NULL DEFAULT '2026-01-01')"),
    ),
    "DB003": RuleExamples(
        valid=("CREATE TABLE {table} (created_at timestamptz NOT NULL DEFAULT now())",
               "CREATE TABLE {table} (created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP)",
               "CREATE TABLE {table} (created_at timestamptz NOT NULL DEFAULT transaction_timestamp())",
               "CREATE TABLE {table} (created_at timestamp NOT NULL DEFAULT timezone('utc', now()))",
               "CREATE TABLE {table} (created_at timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'))",
               # transaction start time, as local wall-clock time (DB008 on timestamptz, DB004 on timestamp)
               "CREATE TABLE {table} (created_at timestamptz NOT NULL DEFAULT LOCALTIMESTAMP)",
               "CREATE TABLE {table} (created_at timestamp NOT NULL DEFAULT LOCALTIMESTAMP)"),
        invalid=("CREATE TABLE {table} (created_at timestamptz NOT NULL DEFAULT clock_timestamp())",
                 "CREATE TABLE {table} (created_at timestamptz NOT NULL DEFAULT statement_timestamp())"),
    ),
    "DB004": RuleExamples(
        valid=("CREATE TABLE {table} (created_at timestamptz NOT NULL DEFAULT now())",
               "CREATE TABLE {table} (created_at timestamp with time zone NOT NULL DEFAULT now())"),
        invalid=("CREATE TABLE {table} (created_at timestamp NOT NULL DEFAULT now())",
                 "CREATE TABLE {table} (created_at timestamp(3) without time zone NOT NULL DEFAULT now())"),
    ),
    "DB005": RuleExamples(
        valid=("CREATE TABLE {table} (created_at timestamptz NOT NULL DEFAULT now())",),
        invalid=("CREATE TABLE {table} (created_at timestamptz DEFAULT now())",
                 "CREATE TABLE {table} (deleted_at timestamptz DEFAULT now())",
                 "CREATE TABLE {table} (updated_at timestamptz)"),
    ),
    "DB006": RuleExamples(
        valid=("CREATE TABLE {table} (updated_at timestamptz NOT NULL DEFAULT now()); "
               + _TOUCH_TRIGGER.replace("{event}", "UPDATE"),
               "CREATE TABLE {table} (updated_at timestamptz NOT NULL DEFAULT now()); "
               + _TOUCH_TRIGGER.replace("{event}", "INSERT OR UPDATE"),
               "CREATE TABLE {table} (created_at timestamptz NOT NULL DEFAULT now())"),
        invalid=("CREATE TABLE {table} (updated_at timestamptz NOT NULL DEFAULT now())",
                 "CREATE TABLE {table} (updated_at timestamptz NOT NULL DEFAULT now()); "
                 + _TOUCH_TRIGGER.replace("{event}", "INSERT")),
    ),
    "DB007": RuleExamples(
        valid=("CREATE TABLE {table} (created_at timestamptz NOT NULL DEFAULT now())",),
        invalid=("CREATE TABLE {table} (expires_at timestamptz NOT NULL DEFAULT now() + interval '1 day')",
                 "CREATE TABLE {table} (created_at timestamptz NOT NULL DEFAULT date_trunc('day', now()))"),
    ),
    "DB008": RuleExamples(
        valid=("CREATE TABLE {table} (created_at timestamptz NOT NULL DEFAULT now())",
               # on a naive column LOCALTIMESTAMP is exactly now()'s wall-clock value (DB004 is the problem)
               "CREATE TABLE {table} (created_at timestamp NOT NULL DEFAULT LOCALTIMESTAMP)"),
        invalid=("CREATE TABLE {table} (created_at timestamptz NOT NULL DEFAULT LOCALTIMESTAMP)",
                 "CREATE TABLE {table} (created_at timestamptz NOT NULL DEFAULT LOCALTIMESTAMP(3))"),
    ),
}

# DB009 cannot be shown live (the DDL fails): plain-string server defaults, each with whether PostgreSQL
# rejects it for a timestamptz column. The tests run every one against a real server.
REJECTED_LITERAL_EXAMPLES: dict[str, bool] = {
    "CURRENT_TIMESTAMP": True, "current_timestamp()": True, "clock_timestamp()": True, "localtimestamp": True,
    "transaction_timestamp()": True, "timezone('utc', now())": True, "now() at time zone 'utc'": True,
    "getdate()": True, "now()": False, "now": False, "NOW()": False, "today": False, "epoch": False,
    "2026-01-01 00:00:00+00": False,
}
