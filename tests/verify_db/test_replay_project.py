"""verify-db --replay as the application runs its migrations: under its own interpreter (--python, or the
project's .venv found by itself), or through its own command (--upgrade-command, --url-env); and after
any replay the scratch database must show it was migrated (DB203), on real PostgreSQL and real alembic.

The project is written by the test: an env.py that reads its URL only from H_APP_DATABASE_URL (else
it migrates its own SQLite file), as some real projects' env.py does, and imports ``h_app_models``,
which only the application's interpreter has."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from typer.testing import CliRunner

from infractl import cli

pytestmark = pytest.mark.postgres
runner = CliRunner()

ENV_PY = '''import os

from alembic import context
from sqlalchemy import create_engine, pool
{import_line}
url = os.environ.get("H_APP_DATABASE_URL", "sqlite:///" + os.path.join(os.path.dirname(__file__), "other.db"))
engine = create_engine(url, poolclass=pool.NullPool)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
'''
REVISION = '''import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = {down}


def upgrade():
    op.create_table("{table}", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                              server_default=sa.text("CURRENT_TIMESTAMP")))


def downgrade():
    op.drop_table("{table}")
'''


def project(root: Path, import_line: str = "") -> Path:
    (root / "migrations" / "versions").mkdir(parents=True)
    (root / "alembic.ini").write_text("[alembic]\nscript_location = %(here)s/migrations\n")
    (root / "migrations" / "env.py").write_text(ENV_PY.format(import_line=import_line))
    for revision, down, table in (("a1", None, "events"), ("b2", '"a1"', "deliveries")):
        (root / "migrations" / "versions" / f"{revision}.py").write_text(
            REVISION.format(revision=revision, down=down, table=table))
    (root / "pyproject.toml").write_text("[project]\nname = 'h-app'\n")  # the project's root: .venv is looked for up to here
    return root


def application_venv(directory: Path) -> Path:
    """A real virtualenv that sees this test run's packages (alembic, SQLAlchemy, psycopg) and has one of its
    own, h_app_models, that infractl's interpreter lacks."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(directory)], check=True)
    python = directory / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "infractl_test_parent.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    Path(site, "h_app_models.py").write_text("TABLES = ('events', 'deliveries')\n")
    return python


def replay(monkeypatch, root: Path, pg_cluster, *args: str):
    monkeypatch.chdir(root)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("H_APP_DATABASE_URL", raising=False)
    result = runner.invoke(cli.app, ["verify-db", "--migrations", ".", "--replay", "--scratch-url", pg_cluster.url(),
                                     "--json", *args])
    return result, (json.loads(result.stdout) if result.stdout.startswith("{") else None)


def test_env_py_that_migrated_another_database_is_an_error_not_clean(pg_cluster, tmp_path, monkeypatch):
    """Today: "2 revisions replayed, 0 tables, 0 findings", exit 0, while the SQLite file got the schema."""
    result, document = replay(monkeypatch, project(tmp_path), pg_cluster)
    assert (tmp_path / "migrations" / "other.db").is_file()  # where env.py really migrated
    assert result.exit_code == 1, result.output
    assert [f["rule"] for f in document["findings"]] == ["DB203", "DB203"]
    messages = " | ".join(f["message"] for f in document["findings"])
    assert "left no alembic_version table" in messages
    assert "lacks 2 tables the revisions create: deliveries, events" in messages


def test_upgrade_command_with_url_env_builds_the_scratch_database(pg_cluster, tmp_path, monkeypatch):
    command = f"{sys.executable} -m alembic upgrade head"
    result, document = replay(monkeypatch, project(tmp_path), pg_cluster, "--upgrade-command", command,
                              "--url-env", "H_APP_DATABASE_URL")
    assert result.exit_code == 0, result.output
    assert document["findings"] == []
    assert document["summary"]["tables"] == 3  # events, deliveries, alembic_version
    assert not (tmp_path / "migrations" / "other.db").exists()


@pytest.mark.parametrize(("target", "expected"), [
    ("a1", ["is at a1, not at the tree's head b2", "lacks 1 tables the revisions create: deliveries"]),
    (None, ["left no alembic_version table", "lacks 2 tables"])])
def test_upgrade_command_that_leaves_the_database_short_of_head_is_db203(pg_cluster, tmp_path, monkeypatch,
                                                                        target, expected):
    command = f"{sys.executable} -m alembic upgrade {target}" if target else f"{sys.executable} -c pass"
    result, document = replay(monkeypatch, project(tmp_path), pg_cluster, "--upgrade-command", command,
                              "--url-env", "H_APP_DATABASE_URL")
    assert result.exit_code == 1, result.output
    messages = [f["message"] for f in document["findings"] if f["rule"] == "DB203"]
    assert len(messages) == 2 and all(any(e in m for m in messages) for e in expected), messages


def test_failing_upgrade_command_is_one_line_exit_2(pg_cluster, tmp_path, monkeypatch):
    result, _ = replay(monkeypatch, project(tmp_path), pg_cluster, "--upgrade-command",
                       f"{sys.executable} -c \"raise SystemExit('no such revision')\"")
    assert result.exit_code == 2
    assert "error: --upgrade-command failed (exit 1): no such revision" in result.output
    assert "Traceback" not in result.output


def test_replay_runs_under_the_projects_venv_found_by_itself(pg_cluster, tmp_path, monkeypatch):
    """Today: `No module named 'h_app_models'` (the worker is always infractl's interpreter), exit 2."""
    root = project(tmp_path, "import h_app_models  # noqa: F401")
    python = application_venv(root / ".venv")
    result, document = replay(monkeypatch, root, pg_cluster)
    assert "No module named" not in result.output
    # env.py still migrates its SQLite file (it ignores the scratch URL): the worker ran, DB203 says so
    assert result.exit_code == 1, result.output
    assert document["python"] == str(python)
    assert {f["rule"] for f in document["findings"]} == {"DB203"}


def test_replay_with_python_and_an_env_py_that_uses_the_scratch_url(pg_cluster, tmp_path, monkeypatch):
    root = project(tmp_path / "app", "import h_app_models  # noqa: F401")
    env_py = root / "migrations" / "env.py"
    env_py.write_text(env_py.read_text().replace('os.environ.get("H_APP_DATABASE_URL",', 'os.environ.get("DATABASE_URL",'))
    python = application_venv(tmp_path / "elsewhere-venv")
    result, document = replay(monkeypatch, root, pg_cluster, "--python", str(python))
    assert result.exit_code == 0, result.output
    assert document["summary"]["replayed_revisions"] == 2
    assert document["summary"]["tables"] == 3 and document["findings"] == []
    assert document["python"] == str(python)
