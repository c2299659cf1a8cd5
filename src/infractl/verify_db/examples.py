"""verify-db's rule cases (Fixit-style), picked up by the tests and shown by ``infractl rule ID``: DDL the
live check must or must not flag, and the plain-string defaults PostgreSQL rejects. Data only."""

from __future__ import annotations

from collections import namedtuple


# DDL creating one table ``{table}`` (in the current schema) that must (invalid) or must not (valid) raise
# the rule when checked live. The defaults are written the way people write them; the tests prove what
# PostgreSQL turns them into.
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
