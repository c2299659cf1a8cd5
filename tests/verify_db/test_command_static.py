"""verify-db's static mode as a command: flags dispatch to the migrations checker and the fix writer."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from infractl import cli

runner = CliRunner()


@pytest.fixture
def in_empty_dir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return tmp_path


def test_live_flags_and_static_flags_do_not_mix(in_empty_dir):
    url = "postgresql://app:pw@127.0.0.1:1/app"
    (in_empty_dir / "versions").mkdir()
    result = runner.invoke(cli.app, ["verify-db", "--url", url, "--migrations", "versions"])
    assert result.exit_code == 2 and "cannot be combined" in result.stderr
    result = runner.invoke(cli.app, ["verify-db", "--url", url, "--dry-run"])
    assert result.exit_code == 2 and "--dry-run only applies to --fix-migration" in result.stderr
    result = runner.invoke(cli.app, ["verify-db", "--migrations", "no/such/dir"])
    assert result.exit_code == 2 and "migrations path not found: no/such/dir" in result.stderr


REVISION = '''"""create invoices"""
from alembic import op
import sqlalchemy as sa

revision = "ab12cd34ef56"
down_revision = None


def upgrade():
    op.create_table(
        "invoices",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default="now()", nullable=False),
    )
'''


@pytest.mark.parametrize("fmt", [[], ["--json"]])
def test_migrations_flags_dispatch_to_the_static_checker_and_fixer(in_empty_dir, fmt):
    versions = in_empty_dir / "versions"
    versions.mkdir()
    (versions / "ab12cd34ef56_create_invoices.py").write_text(REVISION)
    result = runner.invoke(cli.app, ["verify-db", "--migrations", "versions", *fmt])
    assert result.exit_code == 1 and "DB002" in result.stdout
    result = runner.invoke(cli.app, ["verify-db", "--fix-migration", "versions", "--dry-run", *fmt])
    assert result.exit_code == 1  # nothing written, so the findings stand
    assert [p.name for p in versions.iterdir()] == ["ab12cd34ef56_create_invoices.py"]
    revision_text = json.loads(result.stdout)["fix_migration"]["content"] if fmt else result.stdout
    assert 'down_revision = "ab12cd34ef56"' in revision_text or "down_revision = 'ab12cd34ef56'" in revision_text
    (in_empty_dir / "pyproject.toml").write_text('[tool.infractl.db]\nmigrations = "versions"\n')
    result = runner.invoke(cli.app, ["verify-db", "--fix-migration", "versions", *fmt])
    assert result.exit_code == 0, result.output  # the new revision fixes DB002; re-checked after writing
    assert len(list(versions.glob("*.py"))) == 2
    result = runner.invoke(cli.app, ["verify-db", "--migrations", "versions", "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["findings"] == []


def test_configured_migrations_are_checked_when_no_database_url_exists(in_empty_dir):
    versions = in_empty_dir / "db" / "versions"
    versions.mkdir(parents=True)
    (versions / "ab12cd34ef56_create_invoices.py").write_text(REVISION)
    (in_empty_dir / "pyproject.toml").write_text('[tool.infractl.db]\nmigrations = "db/versions"\n')
    result = runner.invoke(cli.app, ["verify-db", "--json"])
    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    assert document["source"] == "migrations" and [f["rule"] for f in document["findings"]] == ["DB002"]
    result = runner.invoke(cli.app, ["verify-db", "--url", "postgresql://app:pw@127.0.0.1:1/app"])
    assert result.exit_code == 2 and "cannot connect" in result.stderr  # a URL means the live check


def test_fix_migration_never_overwrites_a_file_in_the_target_directory(in_empty_dir, monkeypatch):
    from infractl.verify_db.fix import migration as fix_migration

    versions, elsewhere = in_empty_dir / "versions", in_empty_dir / "elsewhere"
    versions.mkdir()
    elsewhere.mkdir()
    (versions / "ab12cd34ef56_create_invoices.py").write_text(REVISION)
    monkeypatch.setattr(fix_migration, "_new_revision_id", lambda state: "0123456789ab")
    occupied = elsewhere / f"0123456789ab{fix_migration.FILE_SUFFIX}"
    occupied.write_text("# the user's own file\n")
    result = runner.invoke(cli.app, ["verify-db", "--migrations", "versions", "--fix-migration", "elsewhere"])
    assert result.exit_code == 2 and "refusing to overwrite" in result.stderr
    assert occupied.read_text() == "# the user's own file\n"


UNMATCHED_NAMES = '''"""dagster-style names: create_timestamp / update_timestamp, not *_at"""
from alembic import op
import sqlalchemy as db

revision = "a1"
down_revision = None


def upgrade():
    op.create_table(
        "runs",
        db.Column("id", db.Integer, primary_key=True),
        db.Column("create_timestamp", db.DateTime),
        db.Column("update_timestamp", db.DateTime),
        db.Column("finished_at", db.DateTime(timezone=True), server_default=db.text("now()"), nullable=False),
    )


def downgrade():
    op.drop_table("runs")
'''


def test_timestamp_columns_that_no_pattern_names_are_counted_and_named_not_silent(in_empty_dir):
    """dagster's 88 revisions used to end in "0 errors, 0 warnings" with no word that none of its timestamp
    columns (create_timestamp, ...) had been judged: the default patterns only name *_at."""
    (in_empty_dir / "versions").mkdir()
    (in_empty_dir / "versions" / "a1_runs.py").write_text(UNMATCHED_NAMES)
    result = runner.invoke(cli.app, ["verify-db", "--migrations", "versions"])
    assert result.exit_code == 0, result.output
    assert "checked 1 revisions, 1 timestamp columns" in result.output
    assert ("(2 timestamp columns that no pattern names were not checked: runs.create_timestamp and 1 more, "
            "listed in --json;") in " ".join(result.output.split())
    doc = json.loads(runner.invoke(cli.app, ["verify-db", "--migrations", "versions", "--json"]).output)
    assert doc["summary"]["columns"] == 1
    assert doc["unchecked_timestamp_columns"] == ["runs.create_timestamp", "runs.update_timestamp"]
    (in_empty_dir / "pyproject.toml").write_text('[tool.infractl.db]\ncolumns = ["runs.create_timestamp"]\n')
    result = runner.invoke(cli.app, ["verify-db", "--migrations", "versions"])
    assert result.exit_code == 1 and "DB001" in result.output
    assert "1 timestamp columns that no pattern names were not checked: runs.update_timestamp;" in result.output


def test_the_summary_counts_what_is_reported_after_noqa_and_ignore(in_empty_dir):
    """The headline and JSON summary used to count findings before `# noqa` and --ignore dropped some
    ("7 findings: 1 error, 4 warnings, 1 info")."""
    (in_empty_dir / "versions").mkdir()
    text = UNMATCHED_NAMES.replace('db.Column("create_timestamp", db.DateTime),',
                                   'db.Column("created_at", db.DateTime),  # noqa: DB004')
    (in_empty_dir / "versions" / "a1_runs.py").write_text(text)
    result = runner.invoke(cli.app, ["verify-db", "--migrations", "versions", "--ignore", "DB005"])
    assert result.exit_code == 1
    assert [line.split()[1] for line in result.output.splitlines() if line.startswith("versions/")] == ["DB001"]
    assert "2 timestamp columns, 1 findings (" in result.output and result.output.endswith("1 error, 0 warnings, 0 info\n")
    doc = json.loads(runner.invoke(cli.app, ["verify-db", "--migrations", "versions", "--ignore", "DB005",
                                             "--json"]).output)
    assert doc["summary"]["findings"] == len(doc["findings"]) == 1
