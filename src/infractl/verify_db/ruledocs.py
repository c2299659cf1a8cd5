"""verify-db's rules and their documentation (light: rules.py imports nothing heavy)."""

from __future__ import annotations

from infractl.rulebook import RuleDoc
from infractl.verify_db import rules as db
from infractl.verify_db.live.compare import REPLAY_RULES

COMMAND = "verify-db"

_RATIONALE = {
    "DB001": (("created_at / updated_at filled in by application code alone are wrong or empty for every row "
              "written by another path (psql, a data migration, another service). A server default makes the "
              "database the one clock."), "missing-server-default"),
    "DB002": (("server_default=\"now()\" (a plain string) is a literal: PostgreSQL evaluates it once, at "
              "CREATE/ALTER time, and every row gets that frozen timestamp."), "frozen-constant-default"),
    "DB003": (("clock_timestamp() and statement_timestamp() differ between rows of one transaction; now() "
              "(transaction start) gives all of them the same time, which ordering and auditing expect."),
              "not-transaction-time"),
    "DB004": (("timestamp without time zone stores wall-clock text: aware datetimes written to it are converted "
              "with the session TimeZone and read back naive."), "timestamp-without-time-zone"),
    "DB005": ("A creation or update time that may be NULL is one that someone forgot to set.",
              "nullable-timestamp"),
    "DB006": (("updated_at only means something if every UPDATE sets it: a BEFORE UPDATE trigger, or an "
              "application-side onupdate."), "updated-at-without-hook"),
    "DB007": (("A default that is not a plain timestamp expression (an interval added, a truncation) is "
              "probably deliberate but deserves a look."), "unrecognised-default"),
    "DB008": (("LOCALTIMESTAMP is transaction start time, like now(), but as timestamp without time zone: the "
              "session's local wall-clock time. Stored into timestamptz it is converted back with the session "
              "TimeZone, which gives the same instant except in the hour a DST change repeats, where it can be an "
              "hour off. now() says the same without the round trip. (On a timestamp column it is exactly now(); "
              "DB004 is the problem there.) --fix-migration leaves it alone: it is not wrong often enough to "
              "rewrite without asking."), "localtimestamp-on-timestamptz"),
    "DB009": (("A plain-string server_default is quoted: DEFAULT 'CURRENT_TIMESTAMP'. PostgreSQL casts it to the "
              "column type at DDL time, and 'CURRENT_TIMESTAMP' (or 'clock_timestamp()', 'localtimestamp') is "
              "not timestamp input: `invalid input syntax for type timestamp`, and the migration fails. "
              "Static check only: no database can hold it."), "rejected-string-default"),
    "DB010": (("The static reader follows op.* calls, helpers in the revision file, loops over literal "
              "sequences, literal SQL and the PostgreSQL branch of dialect checks. SQL built at run time, helpers "
              "from other modules, CREATE TABLE ... AS and types it cannot resolve are reported here, with the "
              "tables they may touch, instead of being silently skipped."), "not-followed-statically"),
    "DB201": (("verify-db --replay --roundtrip ran downgrade base and upgrade head again, and a checked column "
              "came out different: a downgrade() leaves something behind that the next upgrade() does not "
              "redo (an idempotent CREATE ... IF NOT EXISTS, a default it drops), so rolling back and forward "
              "changes the schema."), "roundtrip-mismatch"),
    "DB202": (("verify-db --replay --compare-static: the static reading of the revision files and the database "
              "that `alembic upgrade head` built disagree on this column, so static checks of this tree cannot "
              "be trusted for it."), "static-replay-disagree"),
    "DB101": ("Two heads mean `alembic upgrade head` refuses to run and the final schema is ambiguous.",
              "multiple-heads"),
}


# Static-only rules show their examples as migration code (the tests run them through the static reader).
STATIC_EXAMPLES = {
    "DB009": ('sa.Column("created_at", sa.DateTime(timezone=True), server_default="CURRENT_TIMESTAMP")',
              'sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("CURRENT_TIMESTAMP"))'),
    "DB010": ('op.execute(build_sql("orders"))', 'op.execute("ALTER TABLE orders ALTER COLUMN created_at SET DEFAULT now()")'),
}


# [tool.infractl.db] may raise or lower these two (settings.py): their default severity is the declared one.
_CONFIGURABLE = {"DB004": "set by [tool.infractl.db] naive_severity; the default is declared",
                 "DB005": "set by [tool.infractl.db] nullable_severity; the default is declared"}


def _doc(rule: db.Rule) -> RuleDoc:
    rationale, name = _RATIONALE[rule.id]
    examples = db.SQL_EXAMPLES.get(rule.id)
    bad = examples.invalid[0].format(table="orders") if examples else STATIC_EXAMPLES.get(rule.id, ("", ""))[0]
    good = examples.valid[0].format(table="orders") if examples else STATIC_EXAMPLES.get(rule.id, ("", ""))[1]
    return RuleDoc(id=rule.id, name=name, severity=rule.severity, command=COMMAND, summary=rule.title,
                   rationale=rationale, fix=db.fix_hint(rule, "orders", "created_at"), bad=bad, good=good,
                   varies=_CONFIGURABLE.get(rule.id, ""), no_cases=_NO_CASES.get(rule.id, ""))


# The live rules' SQL cases run through the static reader too (op.execute parses them as PostgreSQL would);
# these need a migration tree's shape or a live replay.
_NO_CASES = {
    "DB101": "about the revision graph (two heads): tests/verify_db/test_migrations.py builds such trees",
    "DB201": "needs a live replay (--replay --roundtrip against PostgreSQL): tests/verify_db/test_replay.py",
    "DB202": "needs a live replay (--replay --compare-static against PostgreSQL): tests/verify_db/test_compare.py",
}


RULES = tuple(_doc(rule) for rule in (*db.RULES, *db.MIGRATION_RULES, *REPLAY_RULES))
