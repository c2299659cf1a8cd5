"""No password in any output, however the URL is malformed: a property test over passwords made of every
URL-reserved character, spaces and unicode, pasted raw into the URL as people do, against a reachable
server (a real role with that password), a closed port and a host name that does not resolve."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.pgcluster import free_port
from support.unprivileged import without_dac_override
from typer.testing import CliRunner

from infractl import cli
from infractl.sanitise.masking import mask_text, split_userinfo, url_secrets

pytestmark = pytest.mark.postgres
runner = CliRunner()

RESERVED = ":/?#[]@!$&'()*+,;=%"  # RFC 3986 gen-delims and sub-delims, and the escape character
OTHER = " \"\\<>^`{|}~-._"
UNICODE = "éß€漢字ü🙂"
PLAIN = "abcXYZ0129"
ISSUE_URL_PASSWORD = "p@ss%40word!Zq9"

passwords = st.text(alphabet=st.sampled_from(RESERVED + OTHER + UNICODE + PLAIN), min_size=8, max_size=24).filter(
    # A realistic password: several kinds of character, at least one that needs escaping in a URL.
    lambda p: len(set(p)) >= 4 and any(c in RESERVED + " " + UNICODE for c in p) and p.strip() == p)


def outputs(monkeypatch, url: str) -> list[tuple[str, str]]:
    """Every format, with the URL as --url and as DATABASE_URL, with INFRACTL_DEBUG=1 (tracebacks on)."""
    monkeypatch.setenv("INFRACTL_DEBUG", "1")
    seen = []
    for fmt in ("table", "json", "sarif", "github"):
        monkeypatch.delenv("DATABASE_URL", raising=False)
        result = runner.invoke(cli.app, ["verify-db", "--url", url, "--format", fmt])
        seen.append((result.stdout, result.stderr))
    monkeypatch.setenv("DATABASE_URL", url)
    result = runner.invoke(cli.app, ["verify-db", "--json"])
    seen.append((result.stdout, result.stderr))
    monkeypatch.delenv("DATABASE_URL")
    return seen


def assert_never_shown(password: str, seen: list[tuple[str, str]]) -> None:
    for stdout, stderr in seen:
        for text in (stdout, stderr):
            assert password not in text, (password, text)


@pytest.fixture(scope="module")
def role_database(pg_cluster):
    name = f"infractl_secrets_{uuid.uuid4().hex[:8]}"
    pg_cluster.create_database(name)
    yield name
    pg_cluster.drop_database(name)


@settings(max_examples=10, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(password=passwords)
def test_password_never_appears_reachable_or_not(pg_cluster, role_database, monkeypatch, tmp_path, password):
    import psycopg.sql

    from infractl.verify_db.live.url import _literal

    monkeypatch.chdir(tmp_path)
    role = f"pw_{uuid.uuid4().hex[:8]}"
    # Pasted raw, a password is taken as typed; one that is entirely valid percent-encoding is decoded.
    meant = _literal(password)
    with pg_cluster.admin_connect() as conn:
        conn.execute(psycopg.sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
            psycopg.sql.Identifier(role), psycopg.sql.Literal(meant)))
    try:
        reachable = f"postgresql://{role}:{password}@{pg_cluster.host}:{pg_cluster.port}/{role_database}"
        seen = outputs(monkeypatch, reachable)
        assert_never_shown(password, seen)
        if len(meant) >= 4:  # (a shorter decoded password could match ordinary text)
            assert_never_shown(meant, seen)
        # pasted raw, the password still reaches the server intact: the run checks (0 = clean database)
        assert json.loads(seen[1][0])["summary"]["tables"] == 0, seen[1]
    finally:
        with pg_cluster.admin_connect() as conn:
            conn.execute(psycopg.sql.SQL("DROP ROLE {}").format(psycopg.sql.Identifier(role)))
    for host in (f"127.0.0.1:{free_port()}", "nonexistent.invalid"):
        seen = outputs(monkeypatch, f"postgresql://app:{password}@{host}/app")
        assert_never_shown(password, seen)
        assert all(stdout == "" and "error: cannot connect to" in stderr for stdout, stderr in seen), seen


@given(password=passwords)
@settings(max_examples=200, deadline=None, database=None)
def test_every_spelling_of_the_password_is_found(password):
    url = f"postgresql+psycopg://app:{password}@db.example:5432/app?sslmode=require"
    assert split_userinfo(url)[2] == password
    secrets = url_secrets(url)
    assert password in secrets
    # a message quoting any spelling, or the URL itself, comes out masked
    from urllib.parse import quote

    for spelling in (password, quote(password, safe=""), url):
        assert password not in mask_text(f"failed: {spelling} and postgresql://x:{password}@h/d", secrets)


def test_the_issue_url_connects_and_is_masked_everywhere(pg_cluster, role_database, monkeypatch, tmp_path):
    """The URL from the issue, with a raw @ in the password, against a real role with that password."""
    import psycopg.sql

    monkeypatch.chdir(tmp_path)
    role = f"pw_{uuid.uuid4().hex[:8]}"
    with pg_cluster.admin_connect() as conn:
        conn.execute(psycopg.sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
            psycopg.sql.Identifier(role), psycopg.sql.Literal(ISSUE_URL_PASSWORD)))
    try:
        url = f"postgresql://{role}:{ISSUE_URL_PASSWORD}@{pg_cluster.host}:{pg_cluster.port}/{role_database}"
        seen = outputs(monkeypatch, url)
        assert_never_shown(ISSUE_URL_PASSWORD, seen)
        assert_never_shown("ss%40word", seen)
        assert json.loads(seen[1][0])["database"] == (f"postgresql+psycopg://{role}:***@{pg_cluster.host}:"
                                                      f"{pg_cluster.port}/{role_database}")
    finally:
        with pg_cluster.admin_connect() as conn:
            conn.execute(psycopg.sql.SQL("DROP ROLE {}").format(psycopg.sql.Identifier(role)))


def test_unexpected_error_carrying_the_url_is_masked_with_and_without_debug(monkeypatch, tmp_path):
    from infractl.verify_db.live import catalog as live

    url = f"postgresql://user:{ISSUE_URL_PASSWORD}@nonexistent.invalid/db"

    def explode(*args, **kwargs):  # stands in for any bug that puts the raw URL in an exception
        raise RuntimeError(f"unexpected: {url} / {ISSUE_URL_PASSWORD}")

    monkeypatch.setattr(live, "read_catalog", explode)
    monkeypatch.chdir(tmp_path)
    for debug in ("0", "1"):
        monkeypatch.setenv("INFRACTL_DEBUG", debug)
        result = runner.invoke(cli.app, ["verify-db", "--url", url])
        assert result.exit_code == 2
        assert ("Traceback" in result.stderr) == (debug == "1")
        assert "RuntimeError" in result.stderr and ISSUE_URL_PASSWORD not in result.output


def test_fix_migration_into_a_read_only_directory_is_one_line(tmp_path):
    """Where we may not write (root without DAC override, support.unprivileged): one line naming the file."""
    import shutil
    import tempfile
    from pathlib import Path

    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "migrations" / "live_fix" / "versions"
    base = Path(tempfile.mkdtemp(prefix="infractl-ro-", dir="/tmp"))
    try:
        versions = base / "versions"
        shutil.copytree(fixture, versions)
        base.chmod(0o755)
        versions.chmod(0o555)
        command = [sys.executable, "-m", "infractl", "verify-db", "--migrations", str(versions),
                   "--fix-migration", str(versions)]
        result = subprocess.run(without_dac_override(command), check=False, capture_output=True, text=True,
                                cwd=base, timeout=60,
                                env={**os.environ, "HOME": str(base)})
        assert result.returncode == 2, result.stderr
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith(f"error: cannot write {versions}/") and "Permission denied" in lines[0]
        assert "_infractl_fix_timestamp_defaults.py" in lines[0]
        assert sorted(p.name for p in versions.iterdir()) == sorted(p.name for p in fixture.iterdir())
    finally:
        versions.chmod(0o755)
        shutil.rmtree(base, ignore_errors=True)


def test_scratch_url_errors_are_masked_too(monkeypatch, tmp_path):
    from pathlib import Path

    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "migrations" / "live_fix"
    monkeypatch.chdir(tmp_path)
    for host in (f"127.0.0.1:{free_port()}", "nonexistent.invalid"):
        url = f"postgresql://app:{ISSUE_URL_PASSWORD}@{host}/postgres"
        for debug in ("0", "1"):
            monkeypatch.setenv("INFRACTL_DEBUG", debug)
            result = runner.invoke(cli.app, ["verify-db", "--migrations", str(fixture), "--replay",
                                             "--scratch-url", url])
            assert result.exit_code == 2 and "cannot connect to postgresql+psycopg://app:***@" in result.stderr
            assert ISSUE_URL_PASSWORD not in result.output and "ss%40word" not in result.output
