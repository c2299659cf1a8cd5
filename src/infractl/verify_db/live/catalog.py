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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import quote, unquote

from infractl.errors import InfractlError
from infractl.masking import mask_text, remember_secrets, split_userinfo, url_secrets
from infractl.verify_db.rules import ColumnInfo, RuleSettings

DRIVER = "postgresql+psycopg"
_POSTGRES_SCHEMES = re.compile(r"^(postgres|postgresql)(\+[a-z0-9_]+)?$", re.IGNORECASE)

# Per schema asked for: does it exist, may we use it, how many tables would we check.
SCHEMAS_SQL = """
SELECT wanted.name AS schema_name,
       current_database() AS database,
       n.oid IS NOT NULL AS present,
       CASE WHEN n.oid IS NULL THEN false ELSE has_schema_privilege(n.oid, 'USAGE') END AS usable,
       (SELECT count(*) FROM pg_class c
         WHERE c.relnamespace = n.oid AND c.relkind IN ('r', 'p') AND NOT c.relispartition) AS tables
FROM unnest(CAST(:schemas AS text[])) AS wanted(name)
LEFT JOIN pg_namespace n ON n.nspname = wanted.name
"""

# Every candidate column of every ordinary or partitioned (parent) table, in one round trip.
# Candidates: timestamp columns whose name matches a pattern (:likes; NULL = patterns that LIKE cannot
# express, so Python's fnmatch decides), and any column listed explicitly. No ORDER BY: the report sorts,
# and on 10,000 tables the sort alone was a third of the query. tgtype bit 16 = fires on UPDATE.
COLUMNS_SQL = """
SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull,
       pg_get_expr(d.adbin, d.adrelid),
       c.oid IN (SELECT t.tgrelid FROM pg_trigger t
                  WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND (t.tgtype & 16) <> 0)
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname = ANY(CAST(:schemas AS text[]))
  AND ((a.atttypid IN ('timestamp'::regtype, 'timestamptz'::regtype)
        AND (CAST(:likes AS text[]) IS NULL OR a.attname LIKE ANY(CAST(:likes AS text[]))))
       OR c.relname || '.' || a.attname = ANY(CAST(:explicit AS text[]))
       OR n.nspname || '.' || c.relname || '.' || a.attname = ANY(CAST(:explicit AS text[])))
"""


@dataclass(frozen=True)
class Target:
    """A parsed database URL: the SQLAlchemy URL object, its printable form and its secrets."""

    url: object  # sqlalchemy.engine.URL, kept untyped so this module imports nothing heavy
    display: str  # password masked
    secrets: tuple[str, ...]


@dataclass(frozen=True)
class CatalogSnapshot:
    columns: list[ColumnInfo]
    tables: int  # tables checked, whether or not they have candidate columns
    database: str
    prefiltered: bool = False  # the query applied the name patterns: every column is a candidate


def parse_url(raw: str) -> Target:
    """Accept postgres:// and postgresql[+driver]://; connect through psycopg 3 whatever was named.

    Every spelling of the password is remembered for masking before anything can fail, and a password
    pasted without percent-encoding (a raw ``@``, ``:``, ``/``, ``#``, space) is encoded here, so the
    URL both connects and never shows the password as part of a host name.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    raw = raw.strip()
    remember_secrets(url_secrets(raw))
    try:
        url = make_url(normalize_url(raw))
    except (ArgumentError, ValueError):
        # The string did not parse, so we cannot tell its password apart: print none of it.
        raise InfractlError("invalid database URL (expected postgresql://user:password@host:port/database)") from None
    if not _POSTGRES_SCHEMES.match(url.drivername):
        raise InfractlError(f"verify-db supports PostgreSQL only, not {url.drivername!r} "
                            "(use a postgresql:// or postgres:// URL)")
    url = url.set(drivername=DRIVER)
    password = url.password or ""
    secrets = tuple(s for s in {password, quote(password, safe=""), quote(password), *url_secrets(raw)} if s)
    remember_secrets(secrets)
    return Target(url, mask_text(url.render_as_string(hide_password=True), secrets), secrets)


_ENCODED = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*")


def normalize_url(raw: str) -> str:
    """Percent-encode a user name and password that were pasted raw; leave encoded ones as they are."""
    split = split_userinfo(raw)
    if split is None:
        return raw
    scheme, user, password, rest = split
    userinfo = quote(_literal(user), safe="")
    if password is not None:
        userinfo += ":" + quote(_literal(password), safe="")
    return f"{scheme}://{userinfo}@{rest}"


def _literal(text: str) -> str:
    """What the user meant: an already percent-encoded value decoded, anything else taken as typed."""
    return unquote(text) if _ENCODED.fullmatch(text) else text


@contextmanager
def open_connection(target: Target, connect_timeout: float, statement_timeout: float) -> Iterator[object]:
    """A SQLAlchemy connection inside a READ ONLY transaction whose statements time out.

    Set per transaction (SET TRANSACTION / SET LOCAL), not as startup options: PgBouncer, which often
    sits behind DATABASE_URL, rejects the ``options`` startup parameter, and nothing leaks into a
    pooled server session. The transaction is rolled back at the end; nothing is ever written.
    """
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(
        target.url, poolclass=NullPool,
        connect_args={"connect_timeout": max(1, round(connect_timeout)), "application_name": "infractl verify-db"},
    )
    try:
        with translated_errors(target, statement_timeout, connecting=True):
            conn = engine.connect()
        try:
            with translated_errors(target, statement_timeout, connecting=False):
                conn.execute(text("SET TRANSACTION READ ONLY"))  # autobegun: the first statement of it
                conn.execute(text(f"SET LOCAL statement_timeout = {int(statement_timeout * 1000)}"))
                yield conn
        finally:
            conn.close()  # rolls the read-only transaction back
    finally:
        engine.dispose()


def read_catalog(target: Target, schemas: tuple[str, ...], settings: RuleSettings,
                 connect_timeout: float, statement_timeout: float) -> CatalogSnapshot:
    """Every candidate column of the schemas' tables, as ColumnInfo rows ready for check_column."""
    from sqlalchemy import text

    with open_connection(target, connect_timeout, statement_timeout) as conn:
        schema_rows = conn.execute(text(SCHEMAS_SQL), {"schemas": list(schemas)}).all()
        database = schema_rows[0].database
        _require_usable(schema_rows, database, target)
        likes = like_patterns(settings.patterns)
        parameters = {"schemas": list(schemas), "explicit": list(settings.columns), "likes": likes}
        rows = conn.execute(text(COLUMNS_SQL), parameters).all()
    columns = [
        ColumnInfo(table=f"{schema}.{table}", column=column, data_type=data_type, nullable=nullable,
                   default=default, has_update_hook=has_trigger, path=f"{schema}.{table}")
        for schema, table, column, data_type, nullable, default, has_trigger in rows
    ]
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
    but a password can still appear (e.g. echoed in an options string), so mask the literal too."""
    from sqlalchemy.exc import DBAPIError, SQLAlchemyError

    prefix = f"cannot connect to {target.display}" if connecting else f"database error on {target.display}"
    try:
        yield
    except DBAPIError as exc:
        original = exc.orig if exc.orig is not None else exc
        reason = _one_line(str(original))
        if type(original).__name__ == "QueryCanceled":
            reason = (f"a query was cancelled after statement_timeout={statement_timeout:g}s "
                      "(raise [tool.infractl.db] statement_timeout)")
        raise InfractlError(mask_text(f"{prefix}: {reason}", target.secrets)) from None
    except SQLAlchemyError as exc:
        raise InfractlError(mask_text(f"{prefix}: {_one_line(str(exc))}", target.secrets)) from None


def _one_line(message: str) -> str:
    """The useful part of a libpq message: the last 'failed:' reason, without FATAL:, on one line."""
    first = message.strip().splitlines()[0] if message.strip() else "unknown error"
    first = first.split(" failed: ")[-1] if " failed: " in first else first
    first = re.sub(r"^(connection failed:\s*|FATAL:\s*|ERROR:\s*)+", "", first.strip())
    hints = [line.strip() for line in message.strip().splitlines()[1:]
             if line.strip().startswith(("DETAIL:", "HINT:", "Is the server"))]
    return "; ".join([first, *hints]).replace("\t", " ")
