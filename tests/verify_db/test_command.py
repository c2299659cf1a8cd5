"""verify-db as a command: where the URL comes from, exit codes, output, secrets, and the real console script."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner

from infractl import cli
from infractl.verify_db.command import run

pytestmark = pytest.mark.postgres

runner = CliRunner()
SECRET = "Cmd-T3st-Distinctive-Pw-91"
CONSOLE_SCRIPT = Path(sys.executable).with_name("infractl")

GOOD = "CREATE TABLE orders (id int, created_at timestamptz NOT NULL DEFAULT now())"
NAIVE = "CREATE TABLE notes (created_at timestamp NOT NULL DEFAULT now())"  # DB004 only: a warning
FROZEN = "CREATE TABLE payments (paid_at timestamptz NOT NULL DEFAULT 'now()')"  # DB002: an error


def execute(cluster, url: str, *statements: str) -> None:
    with cluster.admin_connect(url.rsplit("/", 1)[1]) as conn:
        for statement in statements:
            conn.execute(statement)


@pytest.fixture
def secret_url(pg_cluster, pg_database):
    """The test database, reached as a role whose password is distinctive; plain postgres:// scheme."""
    role = f"cmd_{uuid.uuid4().hex[:8]}"
    database = pg_database.rsplit("/", 1)[1]
    with pg_cluster.admin_connect() as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{SECRET}'")
    yield f"postgres://{role}:{SECRET}@{pg_cluster.host}:{pg_cluster.port}/{database}"
    with pg_cluster.admin_connect(database) as conn:
        conn.execute(f"DROP OWNED BY {role}")
    with pg_cluster.admin_connect() as conn:
        conn.execute(f"DROP ROLE {role}")


@pytest.fixture
def in_empty_dir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return tmp_path


def run_json(capsys, **kwargs) -> tuple[int, dict, str]:
    args = {"url": None, "schemas": [], "migrations": None, "fix_migration": None, "dry_run": False,
            "fmt": "json", "strict": False, "config_path": None, **kwargs}
    code = run(**args)
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def test_clean_database_exits_0_with_counts(pg_cluster, pg_database, in_empty_dir, capsys):
    execute(pg_cluster, pg_database, GOOD, "CREATE TABLE tags (id int, name text)")
    code, document, _ = run_json(capsys, url=pg_database)
    assert code == 0
    assert document["command"] == "verify-db" and document["findings"] == []
    assert document["summary"]["tables"] == 2 and document["summary"]["columns"] == 1
    assert document["schemas"] == ["public"] and document["source"] == "database"


def test_warnings_pass_unless_strict_and_errors_always_fail(pg_cluster, pg_database, in_empty_dir, capsys):
    execute(pg_cluster, pg_database, NAIVE)
    code, document, _ = run_json(capsys, url=pg_database)
    assert code == 0 and [f["rule"] for f in document["findings"]] == ["DB004"]
    assert run_json(capsys, url=pg_database, strict=True)[0] == 1
    execute(pg_cluster, pg_database, FROZEN)
    code, document, _ = run_json(capsys, url=pg_database)
    assert code == 1
    frozen = [f for f in document["findings"] if f["path"] == "public.payments"]
    assert [(f["rule"], f["severity"]) for f in frozen] == [("DB002", "error")]


def test_severities_schemas_and_ignore_come_from_config(pg_cluster, pg_database, in_empty_dir, capsys):
    execute(pg_cluster, pg_database, NAIVE, "CREATE SCHEMA audit",
            "CREATE TABLE audit.log (created_at timestamptz DEFAULT now())")
    (in_empty_dir / "pyproject.toml").write_text(
        '[tool.infractl.db]\nnaive_severity = "error"\nnullable_severity = "info"\n'
        'schemas = ["public", "audit"]\nignore = ["DB006"]\n')
    code, document, _ = run_json(capsys, url=pg_database)
    assert code == 1
    assert [(f["path"], f["rule"], f["severity"]) for f in document["findings"]] == [
        ("audit.log", "DB005", "info"), ("public.notes", "DB004", "error")]
    code, document, _ = run_json(capsys, url=pg_database, schemas=["audit"])  # the flag wins over the file
    assert code == 0 and document["summary"]["tables"] == 1


def test_url_precedence_flag_then_env_then_config(pg_cluster, pg_database, in_empty_dir, capsys, monkeypatch):
    execute(pg_cluster, pg_database, FROZEN)
    dead = f"postgresql://nobody:{SECRET}@127.0.0.1:1/none"
    config = in_empty_dir / "infractl.toml"
    config.write_text(f'[db]\nurl = "{pg_database}"\nconnect_timeout = 3\n')
    assert run_json(capsys)[0] == 1  # from the config file
    monkeypatch.setenv("DATABASE_URL", dead)
    result = runner.invoke(cli.app, ["verify-db"])  # env beats the file: the dead URL is used
    assert result.exit_code == 2 and "127.0.0.1:1" in result.stderr and SECRET not in result.output
    result = runner.invoke(cli.app, ["verify-db", "--url", pg_database, "--json"])  # flag beats env
    assert result.exit_code == 1 and "public.payments" in result.stdout
    monkeypatch.setenv("DATABASE_URL", pg_database)
    config.write_text(f'[db]\nurl = "{dead}"\n')
    result = runner.invoke(cli.app, ["verify-db", "--json"])
    assert result.exit_code == 1, result.output


def test_explicit_config_file_and_columns_list(pg_cluster, pg_database, in_empty_dir, capsys):
    execute(pg_cluster, pg_database, "CREATE TABLE shipments (shipped timestamptz NOT NULL)")
    elsewhere = in_empty_dir / "conf" / "verify.toml"
    elsewhere.parent.mkdir()
    elsewhere.write_text(f'[db]\nurl = "{pg_database}"\ncolumns = ["shipments.shipped"]\n')
    code, document, _ = run_json(capsys, config_path=elsewhere)
    assert code == 1 and [f["rule"] for f in document["findings"]] == ["DB001"]


def test_password_never_printed_in_json_table_or_errors(pg_cluster, secret_url, in_empty_dir):
    execute(pg_cluster, secret_url, FROZEN, NAIVE)
    for args in (["--json"], ["--format", "sarif"], ["--format", "github"], []):
        result = runner.invoke(cli.app, ["verify-db", "--url", secret_url, *args])
        assert result.exit_code == 1, result.output
        assert SECRET not in result.output
    document = json.loads(runner.invoke(cli.app, ["verify-db", "--url", secret_url, "--json"]).stdout)
    assert document["database"].startswith("postgresql+psycopg://cmd_") and ":***@" in document["database"]
    wrong_db = secret_url.rsplit("/", 1)[0] + "/missing_db"
    for args in (["--json"], []):
        result = runner.invoke(cli.app, ["verify-db", "--url", wrong_db, *args])
        assert result.exit_code == 2 and SECRET not in result.output and ":***@" in result.stderr


def test_table_output_is_grouped_by_table_with_a_summary_line(pg_cluster, pg_database, in_empty_dir):
    execute(pg_cluster, pg_database, FROZEN, NAIVE, GOOD)
    result = CliRunner().invoke(cli.app, ["verify-db", "--url", pg_database], env={"COLUMNS": "200"})
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert any("public.notes" in line and "DB004" in line for line in lines)
    assert any("public.payments" in line and "DB002" in line for line in lines)
    notes = next(i for i, line in enumerate(lines) if "public.notes" in line)
    payments = next(i for i, line in enumerate(lines) if "public.payments" in line)
    # the fix under its finding, then a blank line between the tables' groups
    assert lines[notes + 1].startswith("    fix: ALTER TABLE public.notes ALTER COLUMN created_at TYPE timestamptz")
    assert payments == notes + 3 and lines[notes + 2] == ""
    database = pg_database.rsplit("/", 1)[1]
    assert lines[-1] == f"{database} (public): checked 3 tables, 3 timestamp columns, 2 findings: 1 error, 1 warning, 0 info"


def console(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([str(CONSOLE_SCRIPT), *args], capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=60, check=False)


def test_real_console_script(pg_cluster, pg_database, tmp_path):
    execute(pg_cluster, pg_database, FROZEN)
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": pg_database, "HOME": str(tmp_path)}
    done = console("verify-db", "--json", cwd=tmp_path, env=env)
    assert done.returncode == 1, done.stderr
    document = json.loads(done.stdout)
    assert [f["rule"] for f in document["findings"]] == ["DB002"]
    password = pg_database.split(":")[2].split("@")[0]
    assert password not in done.stdout + done.stderr
    done = console("verify-db", "--schema", "ghost", cwd=tmp_path, env=env)
    assert done.returncode == 2 and done.stdout == ""
    database = pg_database.rsplit("/", 1)[1]
    assert done.stderr.strip().splitlines() == [f"error: schema 'ghost' does not exist in database '{database}'"]


def test_live_check_imports_neither_libcst_nor_alembic(pg_database, tmp_path):
    probe = (
        "import sys\n"
        "from infractl.verify_db.command import run\n"
        f"code = run({pg_database!r}, [], None, None, False, 'json', False, None)\n"
        "heavy = sorted(m for m in ('libcst', 'alembic', 'sqlalchemy', 'psycopg') if m in sys.modules)\n"
        "print(code, heavy, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, timeout=60,
                          check=False)
    assert done.stderr.strip() == "0 ['psycopg']"  # nor SQLAlchemy: ~0.3 s of import (live/url.py)

