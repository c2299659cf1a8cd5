"""What the rules claim about PostgreSQL, checked on a real server: LOCALTIMESTAMP and string defaults."""

from __future__ import annotations

import pytest
from verify_db.test_live import execute

from infractl.verify_db.examples import REJECTED_LITERAL_EXAMPLES
from infractl.verify_db.rules import RuleSettings, check_column, literal_is_rejected

pytestmark = pytest.mark.postgres


def _connect(url: str):
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return psycopg.connect(host=parsed.host, port=parsed.port, user=parsed.username, password=parsed.password,
                           dbname=parsed.database)


def test_localtimestamp_is_transaction_start_time(pg_database):
    """Two rows inserted a moment apart in one transaction get the same LOCALTIMESTAMP, equal to now()."""
    execute(pg_database, "CREATE TABLE t (n int, at timestamp NOT NULL DEFAULT LOCALTIMESTAMP)")
    with _connect(pg_database) as conn:
        conn.execute("SET TimeZone = 'Europe/Berlin'")
        conn.execute("INSERT INTO t (n) VALUES (1)")
        conn.execute("SELECT pg_sleep(0.05)")
        conn.execute("INSERT INTO t (n) VALUES (2)")
        same = conn.execute("SELECT count(DISTINCT at) = 1 AND bool_and(at = now() AT TIME ZONE 'Europe/Berlin')"
                            " FROM t").fetchone()[0]
        assert same is True
        assert conn.execute("SELECT pg_typeof(LOCALTIMESTAMP)::text").fetchone()[0] == "timestamp without time zone"


def test_localtimestamp_into_timestamptz_is_an_hour_off_in_the_repeated_dst_hour(pg_database):
    """What DB008 says: the wall-clock value is converted back with the session TimeZone."""
    with _connect(pg_database) as conn:
        conn.execute("SET TimeZone = 'Europe/Berlin'")
        # 00:30 UTC on the night clocks go back reads 02:30 on the wall, which converts back to 01:30 UTC
        back = conn.execute("SELECT (('2026-10-25 00:30:00+00'::timestamptz AT TIME ZONE 'Europe/Berlin')"
                            "::timestamptz - '2026-10-25 00:30:00+00'::timestamptz)::text").fetchone()[0]
        assert back == "01:00:00"


@pytest.mark.parametrize(("literal", "rejected"), sorted(REJECTED_LITERAL_EXAMPLES.items()))
def test_string_defaults_postgres_rejects_are_db009(pg_database, literal, rejected):
    import psycopg

    quoted = literal.replace("'", "''")
    try:
        execute(pg_database, f"CREATE TABLE t (created_at timestamptz NOT NULL DEFAULT '{quoted}')")
        refused = False
    except psycopg.errors.InvalidDatetimeFormat:
        refused = True
    assert refused is rejected
    assert literal_is_rejected(literal) is rejected


def test_db009_replaces_db002_for_a_rejected_string():
    from infractl.verify_db.rules import ColumnInfo

    col = ColumnInfo(table="t", column="created_at", data_type="timestamp with time zone", nullable=False,
                     default="'CURRENT_TIMESTAMP'::timestamp with time zone", literal_default="CURRENT_TIMESTAMP")
    assert [f.rule for f in check_column(col, RuleSettings())] == ["DB009"]
    frozen = ColumnInfo(table="t", column="created_at", data_type="timestamp with time zone", nullable=False,
                        default="'now()'::timestamp with time zone", literal_default="now()")
    assert [f.rule for f in check_column(frozen, RuleSettings())] == ["DB002"]
