"""Fix hints name their table and column as SQL must: ``ALTER TABLE user`` and ``ALTER COLUMN end`` are
syntax errors, so every hint made for reserved, upper-case and odd names is run on a real PostgreSQL."""

from __future__ import annotations

import re

import pytest
from verify_db.test_live import execute

from infractl.verify_db.live.catalog import parse_url, read_catalog
from infractl.verify_db.rules import RuleSettings, check_column
from infractl.verify_db.sqlnames import quote_ident, quote_table

# The statement at the head of a hint, without the prose after it.
_STATEMENT = re.compile(r"^ALTER TABLE .+?(?:SET DEFAULT now\(\)|TYPE timestamptz|SET NOT NULL)")


@pytest.mark.parametrize(("name", "quoted"), [
    ("orders", "orders"), ("user", '"user"'), ("end", '"end"'), ("Created", '"Created"'),
    ("created at", '"created at"'), ('say"hi', '"say""hi"'), ("_x$1", "_x$1"), ("1st", '"1st"')])
def test_quote_ident(name, quoted):
    assert quote_ident(name) == quoted


def test_quote_table_quotes_each_part():
    assert quote_table("public.user") == 'public."user"'
    assert quote_table("Audit.events") == '"Audit".events'


def test_plain_names_stay_as_they_were():
    col = _column("public.orders", "created_at")
    assert check_column(col, RuleSettings())[0].fix.startswith(
        "ALTER TABLE public.orders ALTER COLUMN created_at SET DEFAULT now()")


def _column(table, column, default=None, data_type="timestamp with time zone", nullable=False):
    from infractl.verify_db.rules import ColumnInfo

    return ColumnInfo(table=table, column=column, data_type=data_type, nullable=nullable, default=default)


@pytest.mark.postgres
def test_every_hint_for_reserved_and_odd_names_runs_on_postgres(pg_database):
    execute(pg_database,
            'CREATE SCHEMA "Audit"',
            'CREATE TABLE "user" ("end" timestamp, "Created" timestamptz DEFAULT clock_timestamp(), '
            '"order" timestamptz DEFAULT \'2020-01-01 00:00:00+00\', "select" timestamptz DEFAULT now() + '
            "interval '1 day')",
            'CREATE TABLE "Audit"."Table" ("when" timestamp)')
    settings = RuleSettings(patterns=("end", "Created", "order", "select", "when"))
    snapshot = read_catalog(parse_url(pg_database), ("public", "Audit"), settings, 10, 30)
    statements = [match.group(0) for col in snapshot.columns for finding in check_column(col, settings)
                  if (match := _STATEMENT.match(finding.fix))]
    # DB001 (end, when), DB002 (order), DB003 (Created), DB004 (end, when), DB005 (all five), DB007 (select)
    assert len(statements) == 12, statements
    assert 'ALTER TABLE public."user" ALTER COLUMN "end" SET DEFAULT now()' in statements
    assert 'ALTER TABLE "Audit"."Table" ALTER COLUMN "when" TYPE timestamptz' in statements
    execute(pg_database, *statements)  # each one a statement PostgreSQL accepts
    again = read_catalog(parse_url(pg_database), ("public", "Audit"), settings, 10, 30)
    assert [f.rule for col in again.columns for f in check_column(col, settings)] == []
