"""End to end against a real PostgreSQL: alembic upgrade, write the fix revision, upgrade, check live.

The fixture tree tests/fixtures/migrations/live_fix is a real Alembic project (alembic.ini, env.py,
versions/ with a merge). It is copied, migrated with alembic's own command API, fixed with
``write_fix_migration`` and migrated again; the database is then read by the live checker
(``infractl.verify_db.live.catalog``) and, independently, with ``pg_get_expr``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from infractl.verify_db.fix.migration import FIXED_RULES, columns_to_fix, write_fix_migration
from infractl.verify_db.live.catalog import parse_url, read_catalog
from infractl.verify_db.rules import DefaultKind, RuleSettings, check_column, classify_default
from infractl.verify_db.static.chain import check_migrations

pytestmark = pytest.mark.postgres

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "migrations" / "live_fix"

DEFAULTS_SQL = """
SELECT c.relname || '.' || a.attname AS name, pg_get_expr(d.adbin, d.adrelid) AS default_expr
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
  AND a.atttypid IN ('timestamp'::regtype, 'timestamptz'::regtype)
"""


def alembic(project: Path, url: str, *args: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config(str(project / "alembic.ini"))
    config.attributes["url"] = url
    getattr(command, args[0])(config, *args[1:])


def database_defaults(url: str) -> dict[str, str | None]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {row.name: row.default_expr for row in conn.execute(text(DEFAULTS_SQL))}
    finally:
        engine.dispose()


def live_columns(url: str, settings: RuleSettings) -> dict[str, object]:
    snapshot = read_catalog(parse_url(url), ("public",), settings, 10, 30)
    return {f"{col.table.rsplit('.', 1)[-1]}.{col.column}": col for col in snapshot.columns}


def test_fix_revision_repairs_a_real_database_and_downgrades(pg_database: str, tmp_path: Path):
    settings = RuleSettings()
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    versions = project / "versions"

    alembic(project, pg_database, "upgrade", "head")
    _, state = check_migrations(versions, settings)
    broken = {f"{col.bare_table}.{col.column}" for col in columns_to_fix(state, settings)}
    assert broken == {"orders.created_at", "orders.updated_at", "orders.shipped_at", "customers.created_at"}

    # The static model agrees with what PostgreSQL really stored (e.g. "now()" frozen to a constant).
    before = database_defaults(pg_database)
    for table, columns in state.tables.items():
        for name, col in columns.items():
            if f"{table}.{name}" in before:
                assert classify_default(col.default) == classify_default(before[f"{table}.{name}"]), name
    assert classify_default(before["orders.created_at"]) is DefaultKind.CONSTANT
    assert before["orders.created_at"] != "'now()'::timestamp with time zone"  # a real frozen timestamp

    written = write_fix_migration(versions, settings)
    assert written is not None
    alembic(project, pg_database, "upgrade", "head")

    after = database_defaults(pg_database)
    live = live_columns(pg_database, settings)
    for name in broken:
        assert after[name] == "now()", name
        assert not [f for f in check_column(live[name], settings) if f.rule in FIXED_RULES], name
    assert after["orders.paid_at"] == before["orders.paid_at"]  # not ours to touch (DB004 only)
    live_rules = sorted(f.rule for col in live.values() for f in check_column(col, settings))
    static_after, _ = check_migrations(versions, settings)
    assert live_rules == sorted(f.rule for f in static_after) == ["DB004", "DB006"]

    alembic(project, pg_database, "downgrade", "-1")
    restored = database_defaults(pg_database)
    for name in broken:
        assert classify_default(restored[name]) == classify_default(before[name]), name
    assert restored["orders.shipped_at"] == "clock_timestamp()"
    assert restored["customers.created_at"] is None and restored["orders.updated_at"] is None

    alembic(project, pg_database, "upgrade", "head")  # and forward again
    assert all(database_defaults(pg_database)[name] == "now()" for name in broken)
