"""verify-db's rules and their documentation (light: rules.py imports nothing heavy)."""

from __future__ import annotations

from infractl.rulebook import RuleDoc
from infractl.verify_db import rules as db
from infractl.verify_db.compare import REPLAY_RULES

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


def _doc(rule: db.Rule) -> RuleDoc:
    rationale, name = _RATIONALE[rule.id]
    examples = db.SQL_EXAMPLES.get(rule.id)
    bad = examples.invalid[0].format(table="orders") if examples else ""
    good = examples.valid[0].format(table="orders") if examples else ""
    return RuleDoc(id=rule.id, name=name, severity=rule.severity, command=COMMAND, summary=rule.title,
                   rationale=rationale, fix=rule.fix, bad=bad, good=good)


RULES = tuple(_doc(rule) for rule in (*db.RULES, *db.MIGRATION_RULES, *REPLAY_RULES))
