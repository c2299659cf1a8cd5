"""The timestamp rules, shared by the live checker (catalog rows) and the static one (migrations).

Both sides describe each column as a ``ColumnInfo`` whose ``default`` is SQL text in the form
PostgreSQL's ``pg_get_expr`` returns it; ``check_column`` judges it the same way for both.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from enum import Enum

from infractl.findings import Finding, Severity


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title: str
    fix: str


MISSING_DEFAULT = Rule("DB001", Severity.ERROR, "timestamp column has no server default",
                       "ALTER TABLE ... ALTER COLUMN ... SET DEFAULT now()")
CONSTANT_DEFAULT = Rule("DB002", Severity.ERROR, "server default is a constant timestamp frozen at migration time",
                        'use server_default=sa.text("now()") (or sa.func.now()), not the string "now()"')
NOT_TRANSACTION_TIME = Rule("DB003", Severity.WARNING, "server default is not transaction time",
                            "use now() / CURRENT_TIMESTAMP so every row of a transaction gets the same time")
NAIVE_TIMESTAMP = Rule("DB004", Severity.WARNING, "timestamp without time zone",
                       "ALTER COLUMN ... TYPE timestamptz (aware datetimes are shifted by the session time zone)")
NULLABLE = Rule("DB005", Severity.WARNING, "timestamp column is nullable", "ALTER COLUMN ... SET NOT NULL")
NO_UPDATE_HOOK = Rule("DB006", Severity.INFO, "updated_at has no trigger and no application-side onupdate",
                      "add a BEFORE UPDATE trigger, or onupdate=func.now() on the model")
UNRECOGNISED_DEFAULT = Rule("DB007", Severity.WARNING, "server default is not a recognised timestamp expression",
                            "use now()")

RULES = (MISSING_DEFAULT, CONSTANT_DEFAULT, NOT_TRANSACTION_TIME, NAIVE_TIMESTAMP, NULLABLE, NO_UPDATE_HOOK,
         UNRECOGNISED_DEFAULT)


class DefaultKind(str, Enum):
    MISSING = "missing"
    TRANSACTION_TIME = "transaction_time"  # now(), CURRENT_TIMESTAMP, transaction_timestamp(), UTC-wrapped
    OTHER_TIME = "other_time"  # clock_timestamp(), statement_timestamp(), LOCALTIMESTAMP
    CONSTANT = "constant"  # '2026-...'::timestamp with time zone
    UNRECOGNISED = "unrecognised"


_TRANSACTION_TIME = re.compile(r"^(now\(\)|current_timestamp(\(\d\))?|transaction_timestamp\(\))$", re.IGNORECASE)
_OTHER_TIME = re.compile(r"^(clock_timestamp\(\)|statement_timestamp\(\)|localtimestamp(\(\d\))?)$", re.IGNORECASE)
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


@dataclass(frozen=True)
class ColumnInfo:
    """One timestamp-candidate column, from the catalog or from the migrations' final state."""

    table: str  # schema-qualified for the live check, as written in the migration for the static one
    column: str
    data_type: str  # "timestamp with time zone", "timestamp without time zone", "date", ...
    nullable: bool
    default: str | None  # SQL text as pg_get_expr prints it; None when there is none
    has_update_hook: bool | None = None  # trigger or onupdate; None when unknown
    path: str = ""  # where to point the user: "schema.table" live, a migration file statically
    line: int | None = None
    note: str = ""  # extra context, e.g. "default dropped in revision abc123"


@dataclass(frozen=True)
class RuleSettings:
    patterns: tuple[str, ...] = ("created_at", "updated_at", "*_at")
    columns: tuple[str, ...] = ()  # explicit "table.column" names, checked whatever their name
    update_patterns: tuple[str, ...] = ("updated_at", "modified_at")
    naive_severity: Severity = NAIVE_TIMESTAMP.severity
    nullable_severity: Severity = NULLABLE.severity
    ignore: tuple[str, ...] = field(default_factory=tuple)  # rule ids to skip
    # A nullable timestamp without a default that only a wildcard caught (deleted_at, expires_at,
    # last_login_at) records an event that may never happen: optional by design, not a forgotten now().
    optional_when_nullable: bool = True

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
    elif kind is DefaultKind.CONSTANT:
        found.append((CONSTANT_DEFAULT, f"{where} defaults to the constant {col.default}", None))
    elif kind is DefaultKind.OTHER_TIME:
        found.append((NOT_TRANSACTION_TIME, f"{where} defaults to {col.default}, not transaction time now()", None))
    elif kind is DefaultKind.UNRECOGNISED:
        found.append((UNRECOGNISED_DEFAULT, f"{where} defaults to {col.default}", None))
    if is_naive_timestamp_type(col.data_type):
        found.append((NAIVE_TIMESTAMP, f"{where} is timestamp without time zone", settings.naive_severity))
    if col.nullable:
        found.append((NULLABLE, f"{where} is nullable", settings.nullable_severity))
    if col.has_update_hook is False and any(fnmatch.fnmatchcase(col.column, p) for p in settings.update_patterns):
        found.append((NO_UPDATE_HOOK, f"{where} has no update trigger or onupdate", None))
    return [
        Finding(path=col.path or col.table, line=col.line, column=None, rule=rule.id,
                severity=severity or rule.severity, message=message, fix=rule.fix)
        for rule, message, severity in found
        if rule.id not in settings.ignore
    ]


# Rules about the migration chain itself (the static check); not column rules, so not in RULES.
MULTIPLE_HEADS = Rule("DB101", Severity.ERROR, "the migration tree has more than one head",
                      "alembic merge heads -m 'merge heads'")
MIGRATION_RULES = (MULTIPLE_HEADS,)


# Fixit-style examples, picked up by the tests: DDL creating one table ``{table}`` (in the current
# schema) that must (invalid) or must not (valid) raise the rule when checked live. The defaults are
# written the way people write them; the tests prove what PostgreSQL turns them into.
@dataclass(frozen=True)
class RuleExamples:
    valid: tuple[str, ...]
    invalid: tuple[str, ...]


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
               "CREATE TABLE {table} (created_at timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'))"),
        invalid=("CREATE TABLE {table} (created_at timestamptz NOT NULL DEFAULT clock_timestamp())",
                 "CREATE TABLE {table} (created_at timestamptz NOT NULL DEFAULT statement_timestamp())",
                 "CREATE TABLE {table} (created_at timestamp NOT NULL DEFAULT LOCALTIMESTAMP)"),
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
}
