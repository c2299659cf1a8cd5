"""The static reader's pieces: literal SQL, imported helpers, project types, timestamp_types, and what
--fix-migration leaves alone. The forms of the issue each have a case directory under fixtures."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from infractl import cli
from infractl.errors import InfractlError
from infractl.verify_db.fix.migration import render_fix_migration
from infractl.verify_db.rules import RuleSettings
from infractl.verify_db.settings import rule_settings
from infractl.verify_db.static.chain import check_migrations
from infractl.verify_db.static.sql import passed_over, split_statements, sql_operations

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "migrations"


def revision(directory: Path, body: str, header: str = "") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "r1_create.py"
    head = ["from alembic import op", "import sqlalchemy as sa", *header.splitlines(), "",
            'revision = "r1"', "down_revision = None", "", "", "def upgrade():"]
    path.write_text("\n".join(head) + "\n" + textwrap.indent(textwrap.dedent(body), "    "))
    return directory


def test_statements_split_outside_quotes_dollar_quotes_and_comments():
    sql = ("CREATE FUNCTION f() RETURNS trigger AS $body$ BEGIN x := ';'; END $body$ LANGUAGE plpgsql; "
           "-- a comment; with a semicolon\nUPDATE t SET a = 'x;y'; /* c; */ SELECT 1")
    assert len(split_statements(sql)) == 3


@pytest.mark.parametrize(("sql", "kinds"), [
    ("ALTER TABLE t ALTER COLUMN c SET DEFAULT now(), ALTER COLUMN c SET NOT NULL", ["alter_column"] * 2),
    ("ALTER TABLE ONLY public.t ALTER c DROP DEFAULT", ["alter_column"]),
    ("ALTER TABLE t ADD COLUMN c timestamptz DEFAULT now(), DROP COLUMN d", ["add_column", "drop_column"]),
    ("ALTER TABLE t RENAME COLUMN a TO b", ["alter_column"]),
    ("ALTER TABLE t INHERIT parent, ADD CONSTRAINT u UNIQUE (a)", []),
    ("ALTER TABLE t ALTER COLUMN c SET DEFAULT now(), ATTACH SOMETHING ODD", ["alter_column"]),
    ("ALTER TABLE t FROBNICATE c", ["not_followed"]),
    ("CREATE TABLE t (LIKE other INCLUDING ALL)", ["create_table"]),
    ("CREATE TABLE t PARTITION OF p FOR VALUES IN (1)", ["create_table"]),
    ("CREATE INDEX i ON t (a); COMMENT ON TABLE t IS 'x'; GRANT SELECT ON t TO r", []),
    ("DO $$ BEGIN EXECUTE 'ALTER TABLE t DROP COLUMN c'; END $$", ["not_followed"]),
])
def test_literal_sql_operations(sql, kinds):
    assert [op.kind for op in sql_operations(sql, 1)] == kinds


def test_create_table_like_or_partition_has_unknown_columns():
    (op,) = sql_operations("CREATE TABLE t (LIKE other)", 3)
    assert op.reason and op.columns == ()


def test_sql_with_run_time_parts_is_passed_over_only_when_it_can_only_be_dml():
    assert passed_over("UPDATE datasets SET distribution = '?'")
    assert not passed_over("ALTER TABLE ? ALTER COLUMN c DROP DEFAULT")
    assert not passed_over("? TABLE t")


def test_a_helper_imported_from_elsewhere_is_reported_with_the_tables_it_may_touch(tmp_path):
    versions = revision(tmp_path / "versions", '''\
        op.create_table("orders", sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                                            server_default=sa.func.now()))
        add_audit_columns("orders")
        logging.getLogger(__name__).info("done")
        ''', header="import logging\nfrom myapp.migration_utils import add_audit_columns\n")
    findings, _ = check_migrations(versions, RuleSettings())
    assert [(f.rule, f.line) for f in findings] == [("DB010", 13)]
    assert "add_audit_columns() (not in this file); it may touch orders" in findings[0].message


def test_a_table_name_known_only_at_run_time_is_reported(tmp_path):
    versions = revision(tmp_path / "versions", '''\
        for name in op.get_bind().execute(sa.text("SELECT name FROM t")).scalars():
            op.alter_column(name, "created_at", server_default=None)
        ''')
    findings, _ = check_migrations(versions, RuleSettings())
    assert [f.rule for f in findings] == ["DB010"]
    assert "op.alter_column() on a table named at run time (name)" in findings[0].message


def test_relative_import_of_a_project_type(tmp_path):
    (tmp_path / "pyproject.toml").write_text("")
    package = tmp_path / "app"
    (package / "db").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "db" / "__init__.py").write_text("from .types import Stamp\n")
    (package / "db" / "types.py").write_text(
        "import sqlalchemy as sa\n\n\nclass Stamp(sa.types.TypeDecorator):\n    impl = sa.DateTime(timezone=True)\n")
    versions = revision(package / "migrations" / "versions", '''\
        op.create_table("t", sa.Column("created_at", Stamp(), nullable=False))
        ''', header="from ...db import Stamp\n")
    _, state = check_migrations(versions, RuleSettings())
    assert state.tables["t"]["created_at"].data_type == "timestamp with time zone"


def test_timestamp_types_config(tmp_path):
    settings = rule_settings({"timestamp_types": ["a.b.Utc"]})
    assert settings.timestamp_types == (("a.b.Utc", "timestamp with time zone"),)
    settings = rule_settings({"timestamp_types": {"a.b.Naive": "timestamp"}})
    assert settings.timestamp_types == (("a.b.Naive", "timestamp without time zone"),)
    with pytest.raises(InfractlError, match="timestamp_types: a.b.X must map to"):
        rule_settings({"timestamp_types": {"a.b.X": "text"}})


def test_timestamp_types_through_the_command(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    revision(tmp_path / "versions", '''\
        op.create_table("t", sa.Column("created_at", types.UtcDateTime(), nullable=False))
        ''', header="from myapp.db import types\n")
    result = CliRunner().invoke(cli.app, ["verify-db", "--migrations", "versions", "--json"])
    assert [f["rule"] for f in json.loads(result.stdout)["findings"]] == ["DB010"]
    (tmp_path / "pyproject.toml").write_text(
        '[tool.infractl.db]\ntimestamp_types = ["myapp.db.types.UtcDateTime"]\n')
    result = CliRunner().invoke(cli.app, ["verify-db", "--migrations", "versions", "--json"])
    findings = json.loads(result.stdout)["findings"]
    assert [f["rule"] for f in findings] == ["DB001"], findings
    assert "ALTER TABLE t ALTER COLUMN created_at SET DEFAULT now()" in findings[0]["fix"]
    assert "--fix-migration DIR" in findings[0]["fix"]


def test_fix_migration_leaves_localtimestamp_alone():
    assert render_fix_migration(FIXTURES / "db008_localtimestamp" / "versions", RuleSettings()) is None


@pytest.mark.parametrize("rule_id", ["DB009", "DB010"])
def test_static_rule_examples(tmp_path, rule_id):
    """The bad/good examples ``infractl rule ID`` shows for the static-only rules, run through the reader."""
    from infractl.rulebook import get_rule

    rule = get_rule(rule_id)
    for kind, example in (("bad", rule.bad), ("good", rule.good)):
        column = example if example.startswith("sa.Column") else (
            'sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)')
        statement = "" if example.startswith("sa.Column") else example
        versions = revision(tmp_path / kind / "versions", f'op.create_table("orders", {column})\n{statement}\n')
        rules = {f.rule for f in check_migrations(versions, RuleSettings())[0]}
        assert (rule_id in rules) is (kind == "bad"), (kind, example, rules)


def test_fix_migration_holds_back_tables_it_could_not_follow(tmp_path):
    versions = revision(tmp_path / "versions", '''\
        op.create_table("a", sa.Column("created_at", sa.DateTime(timezone=True), nullable=False))
        op.create_table("b", sa.Column("created_at", sa.DateTime(timezone=True), nullable=False))
        op.execute(build_sql("b"))
        ''')
    _, content = render_fix_migration(versions, RuleSettings())
    upgrade_part = content.split("def upgrade()")[1].split("def downgrade()")[0]
    assert '"a"' in upgrade_part and '"b"' not in upgrade_part
    assert "Not included: the static reader could not follow these tables (DB010)" in content
    assert "- b.created_at" in content
    assert render_fix_migration(FIXTURES / "not_followed_runtime_condition" / "versions", RuleSettings()) is None
