"""The timestamp rules, shared by the live checker (catalog rows) and the static one (migrations).

Both sides describe each column as a ``ColumnInfo`` whose ``default`` is SQL text in the form
PostgreSQL's ``pg_get_expr`` returns it; ``check_column`` judges it the same way for both. What a
column's type and default *are* (``ColumnInfo``, ``classify_default``) is in ``columns.py``; which
rules that breaks, and how hard (``RuleSettings``), is here.
"""

from __future__ import annotations

import fnmatch
from collections import namedtuple

from infractl.findings import Finding, Severity
from infractl.rulebook import Rule
from infractl.verify_db.columns import (  # noqa: F401 (COLUMN_INFO_*: re-exported for the readers)
    COLUMN_INFO_DEFAULTS,
    COLUMN_INFO_FIELDS,
    ColumnInfo,
    DefaultKind,
    classify_default,
    is_naive_timestamp_type,
    is_timestamp_type,
    literal_is_rejected,
)
from infractl.verify_db.examples import SQL_EXAMPLES
from infractl.verify_db.sqlnames import quote_ident, quote_table

COMMAND = "verify-db"

# Fix hints are templates: {table} and {column} name the column the finding is about (fix_hint fills them);
# the rule's own ``fix``, which ``infractl rule ID`` shows, is the template filled for orders.created_at.
_FIX_TEMPLATES: dict[str, str] = {}
# DB004 and DB005 take their severity from the configuration.
_SEVERITY_SETTING = "its severity is {key} in [tool.infractl.db] (warning unless configured)"


# The fixing revision (--fix-migration) writes these; applying it changes what the database does on purpose,
# so the fix counts as unsafe (rulebook.FIX_SAFETIES). It is a command of its own, not a --fix fixer.
_FIXED_BY_REVISION = ("DB001", "DB002", "DB003")


def _rule(id, name, severity, summary, rationale, fix, varies="", bad="", good="", no_cases="") -> Rule:
    from infractl.verify_db.fix import cases as fixcases

    _FIX_TEMPLATES[id] = fix
    examples = SQL_EXAMPLES.get(id)
    if examples is not None:
        bad, good = examples.invalid[0].format(table="orders"), examples.valid[0].format(table="orders")
    return Rule(id=id, name=name, severity=severity, command=COMMAND, summary=summary, rationale=rationale,
                fix=_filled(fix, "orders", "created_at"), bad=bad, good=good, varies=varies, no_cases=no_cases,
                fix_safety="unsafe" if id in _FIXED_BY_REVISION else "",
                # check --fix --unsafe-fixes adds verify-db's fixing revision (treefix.py, a whole-tree fixer)
                fixer="infractl.verify_db.fix.treefix:add_fixing_revision" if id in _FIXED_BY_REVISION else "",
                fix_cases=((getattr(fixcases, f"{id}_BEFORE"), getattr(fixcases, f"{id}_AFTER")),)
                if id in _FIXED_BY_REVISION else ())


def _filled(template: str, table: str, column: str) -> str:
    return template.replace("{table}", table).replace("{column}", column)


_BY_FIX_MIGRATION = " (`infractl verify-db --migrations DIR --fix-migration DIR` writes this as a revision)"
MISSING_DEFAULT = _rule(
    "DB001", "missing-server-default", Severity.ERROR, "timestamp column has no server default",
    "created_at / updated_at filled in by application code alone are wrong or empty for every row written by "
    "another path (psql, a data migration, another service). A server default makes the database the one clock.",
    "ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT now()" + _BY_FIX_MIGRATION)
CONSTANT_DEFAULT = _rule(
    "DB002", "frozen-constant-default", Severity.ERROR,
    "server default is a constant timestamp frozen at migration time",
    "server_default=\"now()\" (a plain string) is a literal: PostgreSQL evaluates it once, at CREATE/ALTER "
    "time, and every row gets that frozen timestamp.",
    'ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT now(); in a migration: '
    'server_default=sa.text("now()") (or sa.func.now()), not the string "now()"' + _BY_FIX_MIGRATION)
NOT_TRANSACTION_TIME = _rule(
    "DB003", "not-transaction-time", Severity.WARNING, "server default is not transaction time",
    "clock_timestamp() and statement_timestamp() differ between rows of one transaction; now() (transaction "
    "start) gives all of them the same time, which ordering and auditing expect.",
    "ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT now(), so every row of a transaction gets the same "
    "time" + _BY_FIX_MIGRATION)
NAIVE_TIMESTAMP = _rule(
    "DB004", "timestamp-without-time-zone", Severity.WARNING, "timestamp without time zone",
    "timestamp without time zone stores wall-clock text: aware datetimes written to it are converted with the "
    "session TimeZone and read back naive.",
    "ALTER TABLE {table} ALTER COLUMN {column} TYPE timestamptz (aware datetimes are shifted by the session "
    "time zone)", varies=_SEVERITY_SETTING.format(key="naive_severity"))
NULLABLE = _rule(
    "DB005", "nullable-timestamp", Severity.WARNING, "timestamp column is nullable",
    "A creation or update time that may be NULL is one that someone forgot to set.",
    "ALTER TABLE {table} ALTER COLUMN {column} SET NOT NULL", varies=_SEVERITY_SETTING.format(key="nullable_severity"))
NO_UPDATE_HOOK = _rule(
    "DB006", "updated-at-without-hook", Severity.INFO, "updated_at has no trigger and no application-side onupdate",
    "updated_at only means something if every UPDATE sets it: a BEFORE UPDATE trigger, or an application-side "
    "onupdate.",
    "add a BEFORE UPDATE trigger on {table} that sets {column}, or onupdate=func.now() on the model")
UNRECOGNISED_DEFAULT = _rule(
    "DB007", "unrecognised-default", Severity.WARNING, "server default is not a recognised timestamp expression",
    "A default that is not a plain timestamp expression (an interval added, a truncation) is probably deliberate "
    "but deserves a look.",
    "ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT now(), unless the expression is deliberate")
LOCAL_TIME_DEFAULT = _rule(
    "DB008", "localtimestamp-on-timestamptz", Severity.WARNING,
    "LOCALTIMESTAMP default on a timestamptz column goes through the session TimeZone",
    "LOCALTIMESTAMP is transaction start time, like now(), but as timestamp without time zone: the session's "
    "local wall-clock time. Stored into timestamptz it is converted back with the session TimeZone, which gives "
    "the same instant except in the hour a DST change repeats, where it can be an hour off. now() says the same "
    "without the round trip. (On a timestamp column it is exactly now(); DB004 is the problem there.) "
    "--fix-migration leaves it alone: it is not wrong often enough to rewrite without asking.",
    "ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT now() (same instant, without the round trip through "
    "local wall-clock time)")

RULES = (MISSING_DEFAULT, CONSTANT_DEFAULT, NOT_TRANSACTION_TIME, NAIVE_TIMESTAMP, NULLABLE, NO_UPDATE_HOOK,
         UNRECOGNISED_DEFAULT, LOCAL_TIME_DEFAULT)


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
    return [rule.finding(col.path or col.table, col.line, None, message, fix_hint(rule, col.table, col.column),
                         severity)
            for rule, message, severity in found if rule.id not in settings.ignore]


def fix_hint(rule: Rule, table: str, column: str) -> str:
    """The rule's fix for this column, its names quoted where SQL needs it (``ALTER TABLE "user"``)."""
    return _filled(_FIX_TEMPLATES.get(rule.id, rule.fix), quote_table(table), quote_ident(column))


# Rules of the static check only: the migration chain itself, and what the revision files say that no
# database can show. Not column rules of the live check, so not in RULES. Their cases are migration code.
MULTIPLE_HEADS = _rule(
    "DB101", "multiple-heads", Severity.ERROR, "the migration tree has more than one head",
    "Two heads mean `alembic upgrade head` refuses to run and the final schema is ambiguous.",
    "alembic merge heads -m 'merge heads'",
    no_cases="about the revision graph (two heads): tests/verify_db/test_migrations.py builds such trees")
REJECTED_LITERAL = _rule(
    "DB009", "rejected-string-default", Severity.ERROR,
    "server default is a string PostgreSQL rejects as a timestamp: the migration fails",
    "A plain-string server_default is quoted: DEFAULT 'CURRENT_TIMESTAMP'. PostgreSQL casts it to the column "
    "type at DDL time, and 'CURRENT_TIMESTAMP' (or 'clock_timestamp()', 'localtimestamp') is not timestamp "
    "input: `invalid input syntax for type timestamp`, and the migration fails. Static check only: no "
    "database can hold it.",
    'server_default=sa.text("now()") (or sa.func.now()): a plain string is quoted, and '
    "'CURRENT_TIMESTAMP' is not timestamp input (invalid input syntax)",
    bad='sa.Column("created_at", sa.DateTime(timezone=True), server_default="CURRENT_TIMESTAMP")',
    good='sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("CURRENT_TIMESTAMP"))')
NOT_FOLLOWED = _rule(
    "DB010", "not-followed-statically", Severity.INFO,
    "not followed statically: the final state of these tables is unknown",
    "The static reader follows op.* calls, helpers in the revision file, loops over literal sequences, literal "
    "SQL and the PostgreSQL branch of dialect checks. SQL built at run time, helpers from other modules, CREATE "
    "TABLE ... AS and types it cannot resolve are reported here, with the tables they may touch, instead of "
    "being silently skipped.",
    "run `infractl verify-db --migrations DIR --replay` (the migrations on a scratch database), or write the "
    "change as op.* calls / literal SQL; for a project's own column type, list it in timestamp_types",
    bad='op.execute(build_sql("orders"))',
    good='op.execute("ALTER TABLE orders ALTER COLUMN created_at SET DEFAULT now()")')
MIGRATION_RULES = (MULTIPLE_HEADS, REJECTED_LITERAL, NOT_FOLLOWED)
