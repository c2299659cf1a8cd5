"""Bad input for the live check: one clear line on stderr, exit 2, nothing written, no password shown."""

from __future__ import annotations

import uuid

import pytest
from support.pgcluster import free_port
from typer.testing import CliRunner

from infractl import cli

pytestmark = pytest.mark.postgres

PASSWORD = "Vr1fy-Err0r-Secret-77"  # distinctive, so a leak anywhere is found by substring
runner = CliRunner()


def url_for(cluster, user: str, password: str, database: str, port: int | None = None) -> str:
    return f"postgresql://{user}:{password}@{cluster.host}:{port or cluster.port}/{database}"


@pytest.fixture
def role(pg_cluster, pg_database):
    """A LOGIN role with a distinctive password, owning nothing; dropped afterwards."""
    name = f"verify_{uuid.uuid4().hex[:8]}"
    with pg_cluster.admin_connect() as conn:
        conn.execute(f"CREATE ROLE {name} LOGIN PASSWORD '{PASSWORD}'")
    yield name
    database = pg_database.rsplit("/", 1)[1]
    with pg_cluster.admin_connect(database) as conn:
        conn.execute(f"DROP OWNED BY {name}")
    with pg_cluster.admin_connect() as conn:
        conn.execute(f'REVOKE ALL ON DATABASE "{database}" FROM {name}')
        conn.execute(f"DROP ROLE {name}")


def invoke(tmp_path, monkeypatch, *args: str):
    """Run the CLI in an empty directory (no config), so 'nothing written' can be checked there."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return runner.invoke(cli.app, ["verify-db", *args])


def assert_one_clean_error(result, tmp_path, *expected: str) -> str:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    for text in expected:
        assert text in lines[0], lines[0]
    assert result.stdout == ""
    assert PASSWORD not in result.output and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []  # nothing written anywhere we can see
    return lines[0]


def test_unreachable_host(pg_cluster, tmp_path, monkeypatch):
    closed = free_port()  # bound and released: nothing listens there
    result = invoke(tmp_path, monkeypatch, "--url", url_for(pg_cluster, "app", PASSWORD, "app", closed))
    assert_one_clean_error(result, tmp_path, "cannot connect", f"127.0.0.1:{closed}", "refused", "app:***@")


def test_wrong_password(pg_cluster, pg_database, role, tmp_path, monkeypatch):
    database = pg_database.rsplit("/", 1)[1]
    result = invoke(tmp_path, monkeypatch, "--url", url_for(pg_cluster, role, PASSWORD + "x", database))
    assert_one_clean_error(result, tmp_path, "cannot connect", "password authentication failed", role)
    assert PASSWORD + "x" not in result.output


def test_missing_database(pg_cluster, role, tmp_path, monkeypatch):
    result = invoke(tmp_path, monkeypatch, "--url", url_for(pg_cluster, role, PASSWORD, "no_such_db_here"))
    assert_one_clean_error(result, tmp_path, "cannot connect", 'database "no_such_db_here" does not exist')


def test_missing_schema(pg_cluster, pg_database, role, tmp_path, monkeypatch):
    database = pg_database.rsplit("/", 1)[1]
    url = url_for(pg_cluster, role, PASSWORD, database)
    result = invoke(tmp_path, monkeypatch, "--url", url, "--schema", "public", "--schema", "nope")
    assert_one_clean_error(result, tmp_path, "schema 'nope' does not exist", database)


def test_role_without_usage_on_the_schema(pg_cluster, pg_database, role, tmp_path, monkeypatch):
    database = pg_database.rsplit("/", 1)[1]
    with pg_cluster.admin_connect(database) as conn:
        conn.execute("CREATE SCHEMA billing")
        conn.execute("CREATE TABLE billing.invoices (created_at timestamptz)")
    url = url_for(pg_cluster, role, PASSWORD, database)
    result = invoke(tmp_path, monkeypatch, "--url", url, "--schema", "billing")
    assert_one_clean_error(result, tmp_path, f"role '{role}' has no USAGE privilege on schema 'billing'")
    with pg_cluster.admin_connect(database) as conn:
        conn.execute(f"GRANT USAGE ON SCHEMA billing TO {role}")  # USAGE only, still no SELECT on the table
    result = invoke(tmp_path, monkeypatch, "--url", url, "--schema", "billing", "--json")
    assert result.exit_code == 1 and "billing.invoices.created_at has no server default" in result.stdout


def test_role_that_may_not_connect(pg_cluster, pg_database, role, tmp_path, monkeypatch):
    database = pg_database.rsplit("/", 1)[1]
    with pg_cluster.admin_connect() as conn:
        conn.execute(f'REVOKE CONNECT ON DATABASE "{database}" FROM PUBLIC')
    result = invoke(tmp_path, monkeypatch, "--url", url_for(pg_cluster, role, PASSWORD, database))
    assert_one_clean_error(result, tmp_path, "cannot connect", f'permission denied for database "{database}"')


@pytest.mark.parametrize(("url", "expected"), [
    ("not a url at all " + PASSWORD, "invalid database URL"),
    (f"mysql://app:{PASSWORD}@127.0.0.1/app", "PostgreSQL only, not 'mysql'"),
    (f"sqlite:///{PASSWORD}.db", "PostgreSQL only"),
])
def test_urls_that_are_not_postgres(url, expected, tmp_path, monkeypatch):
    result = invoke(tmp_path, monkeypatch, "--url", url)
    assert_one_clean_error(result, tmp_path, expected)


def test_no_url_anywhere(tmp_path, monkeypatch):
    result = invoke(tmp_path, monkeypatch)
    assert_one_clean_error(result, tmp_path, "no database URL", "DATABASE_URL")


def test_bad_config_values_are_one_line(tmp_path, monkeypatch):
    (tmp_path / "infractl.toml").write_text('[db]\nurl = "postgresql://a@127.0.0.1/x"\nnaive_severity = "fatal"\n')
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli.app, ["verify-db"])
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"error: {tmp_path.resolve() / 'infractl.toml'}: [tool.infractl.db] "
                                     "naive_severity must be one of error, warning, info; got 'fatal'")


def test_password_with_url_special_characters_is_masked_in_both_spellings(pg_cluster, tmp_path, monkeypatch):
    from urllib.parse import quote

    secret = "p@ss:w/rd%Sec-" + uuid.uuid4().hex[:6]
    url = url_for(pg_cluster, "nobody_here", quote(secret, safe=""), "postgres")
    result = invoke(tmp_path, monkeypatch, "--url", url)
    assert result.exit_code == 2
    assert secret not in result.output and quote(secret, safe="") not in result.output
    assert "nobody_here:***@" in result.output


def test_connect_timeout_from_config_bounds_a_silent_server(tmp_path, monkeypatch):
    """A port that accepts TCP but never speaks PostgreSQL: give up after connect_timeout (libpq's floor is 2 s)."""
    import socket
    import time

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        monkeypatch.chdir(tmp_path)
        monkeypatch.delenv("DATABASE_URL", raising=False)
        (tmp_path / "infractl.toml").write_text("[db]\nconnect_timeout = 1\n")
        started = time.monotonic()
        result = runner.invoke(cli.app, ["verify-db", "--url", f"postgresql://app:{PASSWORD}@127.0.0.1:{port}/app"])
        elapsed = time.monotonic() - started
    assert result.exit_code == 2 and elapsed < 4.5, (result.output, elapsed)
    expected = f"error: cannot connect to postgresql+psycopg://app:***@127.0.0.1:{port}/app: connection timeout expired"
    assert result.stderr.strip() == expected
