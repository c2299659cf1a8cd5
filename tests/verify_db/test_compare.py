"""DB201 / DB202 decisions on ColumnInfo rows (the database side is covered in test_replay.py)."""

from __future__ import annotations

from infractl.verify_db.live.compare import roundtrip_findings, static_findings
from infractl.verify_db.rules import ColumnInfo, RuleSettings

SETTINGS = RuleSettings()


def col(column: str, default: str | None, table: str = "public.orders", **kw) -> ColumnInfo:
    base = {"data_type": "timestamp with time zone", "nullable": False, "has_update_hook": False}
    return ColumnInfo(table=table, column=column, default=default, **{**base, **kw})


def test_roundtrip_ignores_a_frozen_constant_whose_timestamp_moved():
    first = [col("created_at", "'2026-11-27 10:00:00+00'::timestamp with time zone")]
    second = [col("created_at", "'2026-11-27 10:00:05+00'::timestamp with time zone")]
    assert roundtrip_findings(first, second, SETTINGS) == []


def test_roundtrip_reports_changed_missing_and_new_columns():
    first = [col("created_at", "now()"), col("updated_at", "now()")]
    second = [col("created_at", None), col("shipped_at", "now()", nullable=True)]
    found = roundtrip_findings(first, second, SETTINGS)
    assert [(f.rule, f.logical_name) for f in found] == [
        ("DB201", "public.orders.created_at"), ("DB201", "public.orders.shipped_at"),
        ("DB201", "public.orders.updated_at")]
    assert "after the round trip absent" in found[2].message
    assert roundtrip_findings(first, second, RuleSettings(ignore=("DB201",))) == []


def test_a_tree_the_static_reader_cannot_read_is_one_finding_not_an_abort(tmp_path):
    (tmp_path / "0001_broken.py").write_text("def upgrade(:\n")
    [finding] = static_findings([str(tmp_path)], [col("created_at", "now()")], SETTINGS)
    assert finding.rule == "DB202" and "cannot read this tree" in finding.message


REVISION = '''"""create orders

Revision ID: 0001
Revises:
"""
from alembic import op
import sqlalchemy as sa

revision = "0001"
down_revision = None


def upgrade():
    op.create_table("orders", sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"),
                                        nullable=False))
'''


def test_a_column_only_the_database_has_is_a_silent_miss_when_static_reading_said_nothing(tmp_path):
    (tmp_path / "0001_create.py").write_text(REVISION)
    replayed = [col("created_at", "now()"), col("created_at", None, table="public.ghost")]
    [finding] = static_findings([str(tmp_path)], replayed, SETTINGS)
    assert finding.rule == "DB202" and finding.logical_name == "public.ghost.created_at"
    assert finding.message.endswith("; a silent miss of the static reader")
