"""The live catalog check against a real PostgreSQL: every rule's examples, and what the query covers."""

from __future__ import annotations

import uuid

import pytest

from infractl.errors import InfractlError
from infractl.verify_db.examples import SQL_EXAMPLES
from infractl.verify_db.live.catalog import open_connection, parse_url, read_catalog
from infractl.verify_db.rules import RuleSettings, check_column, is_judged

pytestmark = pytest.mark.postgres

EXAMPLES = [
    (rule_id, kind, index, sql)
    for rule_id, examples in SQL_EXAMPLES.items()
    for kind, scripts in (("valid", examples.valid), ("invalid", examples.invalid))
    for index, sql in enumerate(scripts)
]


def example_table(rule_id: str, kind: str, index: int) -> str:
    return f"{rule_id.lower()}_{kind}_{index}"


def check(url: str, schemas=("public",), settings: RuleSettings | None = None, statement_timeout: float = 30):
    """Run the live check as the command does; returns (findings, snapshot)."""
    settings = settings or RuleSettings()
    snapshot = read_catalog(parse_url(url), tuple(schemas), settings, 5, statement_timeout)
    findings = [f for col in snapshot.columns if is_judged(col, settings) for f in check_column(col, settings)]
    return findings, snapshot


def execute(url: str, *statements: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    with psycopg.connect(host=parsed.host, port=parsed.port, user=parsed.username, password=parsed.password,
                         dbname=parsed.database, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def as_role(url: str, user: str, password: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(username=user, password=password).render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def examples_db(pg_cluster):
    """One database holding every rule example as its own table (one CREATE DATABASE for all of them)."""
    name = f"infractl_examples_{uuid.uuid4().hex[:10]}"
    url = pg_cluster.create_database(name)
    execute(url, *(sql.replace("{table}", example_table(r, k, i)) for r, k, i, sql in EXAMPLES))
    try:
        yield url
    finally:
        pg_cluster.drop_database(name)


@pytest.fixture(scope="module")
def rules_by_table(examples_db) -> dict[str, set[str]]:
    findings, _ = check(examples_db)
    found: dict[str, set[str]] = {}
    for finding in findings:
        found.setdefault(finding.path, set()).add(finding.rule)
    return found


@pytest.mark.parametrize(("rule_id", "kind", "index", "sql"), EXAMPLES,
                         ids=[f"{r}-{k}-{i}" for r, k, i, _ in EXAMPLES])
def test_rule_examples(rules_by_table, rule_id, kind, index, sql):
    rules = rules_by_table.get(f"public.{example_table(rule_id, kind, index)}", set())
    if kind == "invalid":
        assert rule_id in rules, f"{rule_id} did not fire for: {sql}"
    else:
        assert rule_id not in rules, f"{rule_id} fired for valid: {sql}"


def test_every_rule_has_a_valid_and_an_invalid_example():
    from infractl.verify_db.rules import RULES

    for rule in RULES:
        assert SQL_EXAMPLES[rule.id].valid and SQL_EXAMPLES[rule.id].invalid, rule.id


def test_defaults_are_read_in_the_text_postgres_prints(examples_db):
    _, snapshot = check(examples_db)
    default = {col.table.split(".")[1]: col.default for col in snapshot.columns}
    assert default["db001_valid_0"] == "now()"
    assert default["db001_invalid_0"] is None
    # DEFAULT 'now()' is a string cast once, at CREATE TABLE: a frozen timestamp, not a function call.
    assert default["db002_invalid_0"].endswith("'::timestamp with time zone")
    assert default["db002_invalid_0"].startswith("'20")
    assert default["db002_valid_1"] == "CURRENT_TIMESTAMP"
    assert default["db003_valid_3"] == "timezone('utc'::text, now())"
    assert default["db003_valid_4"] == "(now() AT TIME ZONE 'utc'::text)"
    assert default["db003_valid_5"] == "LOCALTIMESTAMP"


def test_summary_counts_tables_and_checked_columns(examples_db):
    _findings, snapshot = check(examples_db)
    assert snapshot.tables == len(EXAMPLES)
    assert snapshot.database.startswith("infractl_examples_")
    assert sum(is_judged(col, RuleSettings()) for col in snapshot.columns) == len(EXAMPLES)  # one column each


def test_partitioned_table_is_reported_once_on_the_parent(pg_database):
    execute(pg_database,
            "CREATE TABLE events (id int, created_at timestamptz, happened_at timestamptz NOT NULL DEFAULT now())"
            " PARTITION BY RANGE (happened_at)",
            "CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
            "CREATE TABLE events_2027 PARTITION OF events FOR VALUES FROM ('2027-01-01') TO ('2028-01-01')")
    findings, snapshot = check(pg_database)
    assert snapshot.tables == 1
    assert {f.path for f in findings} == {"public.events"}
    assert {f.rule for f in findings} == {"DB001", "DB005"}  # created_at: no default, nullable


def test_second_schema_is_checked_only_when_asked(pg_database):
    execute(pg_database,
            "CREATE SCHEMA audit",
            "CREATE TABLE public.orders (created_at timestamptz NOT NULL DEFAULT now())",
            "CREATE TABLE audit.log (created_at timestamptz NOT NULL DEFAULT clock_timestamp())")
    findings, snapshot = check(pg_database)
    assert findings == [] and snapshot.tables == 1
    findings, snapshot = check(pg_database, schemas=("public", "audit"))
    assert snapshot.tables == 2
    assert [(f.path, f.rule) for f in findings] == [("audit.log", "DB003")]
    assert findings[0].message.startswith("audit.log.created_at defaults to clock_timestamp()")


def test_explicit_columns_are_checked_whatever_their_name(pg_database):
    execute(pg_database, "CREATE TABLE shipments (id int, shipped timestamptz NOT NULL, eta date)")
    assert check(pg_database)[0] == []  # neither name matches the default patterns
    settings = RuleSettings(columns=("shipments.shipped", "public.shipments.eta"))
    findings, _ = check(pg_database, settings=settings)
    assert sorted((f.message.split(" ")[0], f.rule) for f in findings) == [
        ("public.shipments.eta", "DB001"), ("public.shipments.eta", "DB005"), ("public.shipments.shipped", "DB001")]


def test_name_patterns_and_ignore_come_from_settings(pg_database):
    execute(pg_database, "CREATE TABLE t (created_at timestamptz, stamp timestamptz)")
    findings, _ = check(pg_database, settings=RuleSettings(patterns=("stamp",), ignore=("DB005",)))
    assert [(f.message.split(" ")[0], f.rule) for f in findings] == [("public.t.stamp", "DB001")]


def test_catalog_is_read_in_a_constant_number_of_statements(pg_database, monkeypatch):
    import psycopg

    statements: list[str] = []
    execute_statement = psycopg.Cursor.execute

    def counted(cursor, query, *args, **kwargs):
        statements.append(query)
        return execute_statement(cursor, query, *args, **kwargs)

    def check_counted() -> object:
        with monkeypatch.context() as patch:
            patch.setattr(psycopg.Cursor, "execute", counted)
            return check(pg_database)[1]

    execute(pg_database, *(f"CREATE TABLE t{i} (created_at timestamptz)" for i in range(3)))
    check_counted()
    few = len(statements)
    statements.clear()
    execute(pg_database, *(f"CREATE TABLE u{i} (created_at timestamptz)" for i in range(60)))
    snapshot = check_counted()
    assert snapshot.tables == 63
    # SET TRANSACTION READ ONLY, SET LOCAL statement_timeout, the schemas, the columns: no driver's own queries
    assert len(statements) == few == 4


def test_session_is_read_only_with_a_statement_timeout(pg_database):
    target = parse_url(pg_database)
    with open_connection(target, 5, 1.5) as conn:
        assert conn.execute("SHOW transaction_read_only").fetchone()[0] == "on"
        assert conn.execute("SHOW statement_timeout").fetchone()[0] == "1500ms"
    with pytest.raises(InfractlError, match="read-only transaction"), open_connection(target, 5, 5) as conn:
        conn.execute("CREATE TABLE should_not_exist (id int)")
    with pytest.raises(InfractlError, match=r"statement_timeout=0\.2s"), open_connection(target, 5, 0.2) as conn:
        conn.execute("SELECT pg_sleep(3)")


def test_role_without_select_on_tables_is_still_checked(pg_database):
    """Only the catalog is read, and PostgreSQL shows it to every role: no SELECT needed."""
    role = f"reader_{uuid.uuid4().hex[:8]}"
    execute(pg_database,
            f"CREATE ROLE {role} LOGIN PASSWORD 'Reader-pw-123'",
            "CREATE TABLE private (created_at timestamptz)",
            f"REVOKE ALL ON private FROM {role}")
    url = as_role(pg_database, role, "Reader-pw-123")
    try:
        findings, _ = check(url)
        assert {f.rule for f in findings} == {"DB001", "DB005"}
    finally:
        execute(pg_database, f"DROP OWNED BY {role}", f"DROP ROLE {role}")


@pytest.mark.parametrize("patterns", [("created_at", "stamp?"), ("[c]reated_at", "stamp[0-9]")])
def test_patterns_filter_the_same_in_sql_and_in_python(pg_database, patterns):
    """LIKE-expressible patterns are applied in the query, others by fnmatch: same result either way.
    'createdXat' guards the escaping: '_' is a literal in a glob but a wildcard in LIKE."""
    execute(pg_database, "CREATE TABLE t (created_at timestamptz, \"createdXat\" timestamptz, stamp1 timestamptz, "
                         "stamps timestamptz, stamp timestamptz)")
    findings, snapshot = check(pg_database, settings=RuleSettings(patterns=patterns, ignore=("DB005",),
                                                                   optional_when_nullable=False))
    assert snapshot.prefiltered is ("[" not in "".join(patterns))
    expected = {"public.t.created_at", "public.t.stamp1"} | ({"public.t.stamps"} if "stamp?" in patterns else set())
    assert {f.message.split(" ")[0] for f in findings} == expected
