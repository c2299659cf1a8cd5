"""The live half of verify-db: read every timestamp column's definition from the PostgreSQL catalog.

One query for all tables of the chosen schemas (plus one for the schemas themselves), in a read-only
session with a statement timeout. Only the catalog is read, which PostgreSQL shows to every role, so a
role without SELECT on a table can still be checked; what it needs is CONNECT on the database and
USAGE on each schema (without USAGE it is almost certainly the wrong role, so that is an error).

Partitioned tables are reported once, on the parent: partitions inherit the parent's defaults and an
INSERT through the parent uses them, so a row per partition would only repeat the same finding.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from infractl.errors import InfractlError
from infractl.sanitise.masking import mask_text
from infractl.verify_db.live.url import DRIVER, Target, normalize_url, parse_url  # noqa: F401 (the module's API)
from infractl.verify_db.rules import ColumnInfo, RuleSettings

# Per schema asked for: does it exist, may we use it, how many tables would we check.
SCHEMAS_SQL = """
SELECT wanted.name AS schema_name,
       current_database() AS database,
       n.oid IS NOT NULL AS present,
       CASE WHEN n.oid IS NULL THEN false ELSE has_schema_privilege(n.oid, 'USAGE') END AS usable,
       (SELECT count(*) FROM pg_class c
         WHERE c.relnamespace = n.oid AND c.relkind IN ('r', 'p') AND NOT c.relispartition) AS tables
FROM unnest(CAST(%(schemas)s AS text[])) AS wanted(name)
LEFT JOIN pg_namespace n ON n.nspname = wanted.name
"""

# Every candidate column of every ordinary or partitioned (parent) table, in one round trip.
# Candidates: timestamp columns whose name matches a pattern (%(likes)s; NULL = patterns that LIKE cannot
# express, so Python's fnmatch decides), and any column listed explicitly. No ORDER BY: the report sorts,
# and on 10,000 tables the sort alone was a third of the query. tgtype bit 16 = fires on UPDATE.
# pg_get_expr(adbin, 0), not (adbin, adrelid): a default cannot refer to a column (generated columns are
# left out), so the relation only costs a lookup per row (a lock per table since PostgreSQL 16), a quarter
# of the query, and prints nothing different.
COLUMNS_SQL = """
SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull,
       pg_get_expr(d.adbin, 0),
       c.oid IN (SELECT t.tgrelid FROM pg_trigger t
                  WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND (t.tgtype & 16) <> 0)
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname = ANY(CAST(%(schemas)s AS text[]))
  AND ((a.atttypid IN ('timestamp'::regtype, 'timestamptz'::regtype)
        AND (CAST(%(likes)s AS text[]) IS NULL OR a.attname LIKE ANY(CAST(%(likes)s AS text[]))))
       OR c.relname || '.' || a.attname = ANY(CAST(%(explicit)s AS text[]))
       OR n.nspname || '.' || c.relname || '.' || a.attname = ANY(CAST(%(explicit)s AS text[])))
"""


@dataclass(frozen=True)
class CatalogSnapshot:
    columns: list[ColumnInfo]
    tables: int  # tables checked, whether or not they have candidate columns
    database: str
    prefiltered: bool = False  # the query applied the name patterns: every column is a candidate


@contextmanager
def open_connection(target: Target, connect_timeout: float, statement_timeout: float) -> Iterator[object]:
    """A psycopg connection inside a READ ONLY transaction whose statements time out.

    Set per transaction (SET TRANSACTION / SET LOCAL), not as startup options: PgBouncer, which often
    sits behind DATABASE_URL, rejects the ``options`` startup parameter, and nothing leaks into a
    pooled server session. The transaction is rolled back at the end; nothing is ever written.
    psycopg directly, not through SQLAlchemy: its import and its first-connect queries were a third of a
    live check on 10,000 tables (url.py).
    """
    with translated_errors(target, statement_timeout, connecting=True):
        import psycopg

        conn = psycopg.connect(**{**target.url.connect_args(), "connect_timeout": max(1, round(connect_timeout)),
                                  "application_name": "infractl verify-db"})
    try:
        with translated_errors(target, statement_timeout, connecting=False):
            conn.execute("SET TRANSACTION READ ONLY")  # the first statement of the implicit transaction
            conn.execute(f"SET LOCAL statement_timeout = {int(statement_timeout * 1000)}")
            yield conn
    finally:
        conn.close()  # not commit(): the read-only transaction ends with the session, rolled back


def read_catalog(target: Target, schemas: tuple[str, ...], settings: RuleSettings,
                 connect_timeout: float, statement_timeout: float) -> CatalogSnapshot:
    """Every candidate column of the schemas' tables, as ColumnInfo rows ready for check_column."""
    from psycopg.rows import namedtuple_row

    with open_connection(target, connect_timeout, statement_timeout) as conn:
        cursor = conn.cursor(row_factory=namedtuple_row)
        schema_rows = cursor.execute(SCHEMAS_SQL, {"schemas": list(schemas)}).fetchall()
        database = schema_rows[0].database
        _require_usable(schema_rows, database, target)
        likes = like_patterns(settings.patterns)
        parameters = {"schemas": list(schemas), "explicit": list(settings.columns), "likes": likes}
        rows = conn.execute(COLUMNS_SQL, parameters).fetchall()
    columns = []
    for schema, table, column, data_type, nullable, default, has_trigger in rows:
        name = f"{schema}.{table}"  # positional, the name made once: 20,000 rows on 10,000 tables
        columns.append(ColumnInfo(name, column, data_type, nullable, default, has_trigger, name))  # path=name
    return CatalogSnapshot(columns, sum(row.tables for row in schema_rows), database, likes is not None)


def like_patterns(patterns: tuple[str, ...]) -> list[str] | None:
    """fnmatch globs as SQL LIKE patterns; None when one uses [...], which LIKE cannot express."""
    if any("[" in pattern for pattern in patterns):
        return None
    escaped = (p.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for p in patterns)
    return [p.replace("*", "%").replace("?", "_") for p in escaped]


def _require_usable(schema_rows, database: str, target: Target) -> None:
    for row in schema_rows:
        if not row.present:
            raise InfractlError(f"schema {row.schema_name!r} does not exist in database {database!r}")
        if not row.usable:
            user = target.url.username or "the connecting role"
            raise InfractlError(f"role {user!r} has no USAGE privilege on schema {row.schema_name!r} "
                                f"in database {database!r}: GRANT USAGE ON SCHEMA {row.schema_name} TO {user}, "
                                "or check as the application's role")


@contextmanager
def translated_errors(target: Target, statement_timeout: float, connecting: bool) -> Iterator[None]:
    """Driver errors -> one masked line. psycopg messages span lines and name the host, not the password,
    but a password can still appear (e.g. echoed in an options string), so mask the literal too.
    psycopg's own errors (the live check), and SQLAlchemy's wrapping of them (replay's scratch database)."""
    prefix = f"cannot connect to {target.display}" if connecting else f"database error on {target.display}"
    try:
        yield
    except Exception as exc:
        reason = _driver_error(exc, statement_timeout)
        if reason is None:
            raise
        raise InfractlError(mask_text(f"{prefix}: {reason}", target.secrets)) from None


def _driver_error(exc: Exception, statement_timeout: float) -> str | None:
    """The one-line reason of a psycopg or SQLAlchemy error; None for anything else. Looked up in
    sys.modules: a library that was never imported raised nothing."""
    sqlalchemy_errors = sys.modules.get("sqlalchemy.exc")
    psycopg = sys.modules.get("psycopg")
    if sqlalchemy_errors is not None and isinstance(exc, sqlalchemy_errors.DBAPIError):
        original = exc.orig if exc.orig is not None else exc
    elif psycopg is not None and isinstance(exc, psycopg.Error):
        original = exc
    elif sqlalchemy_errors is not None and isinstance(exc, sqlalchemy_errors.SQLAlchemyError):
        return _one_line(str(exc))
    else:
        return None
    if type(original).__name__ == "QueryCanceled":
        return (f"a query was cancelled after statement_timeout={statement_timeout:g}s "
                "(raise [tool.infractl.db] statement_timeout)")
    return _one_line(str(original))


def _one_line(message: str) -> str:
    """The useful part of a libpq message: the last 'failed:' reason, without FATAL:, on one line."""
    first = message.strip().splitlines()[0] if message.strip() else "unknown error"
    first = first.split(" failed: ")[-1] if " failed: " in first else first
    first = re.sub(r"^(connection failed:\s*|FATAL:\s*|ERROR:\s*)+", "", first.strip())
    hints = [line.strip() for line in message.strip().splitlines()[1:]
             if line.strip().startswith(("DETAIL:", "HINT:", "Is the server"))]
    return "; ".join([first, *hints]).replace("\t", " ")
