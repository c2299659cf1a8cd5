"""--fix-migration, statically: the written revision parses, chains onto the head and clears DB001-DB003.

Every fixture case is used: each one that has something to fix gets a fix revision written into a
copy of its tree, which is then checked again with the same checker.
"""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from test_migrations_cases import CASES, load_case

from infractl.errors import InfractlError
from infractl.verify_db.fix.migration import FIXED_RULES, held_back, render_fix_migration, write_fix_migration
from infractl.verify_db.rules import RuleSettings
from infractl.verify_db.static.chain import check_migrations

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "migrations"
FIXABLE = [c for c in CASES if "error" not in load_case(c)[0] and len(load_case(c)[0].get("heads", [1])) == 1]


def copy_versions(case: str | Path, tmp_path: Path) -> Path:
    target = tmp_path / "versions"
    shutil.copytree(FIXTURES / case / "versions", target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def unfixed(findings) -> list[tuple[str, str]]:
    return sorted((f.rule, f.message) for f in findings if f.rule not in FIXED_RULES)


@pytest.mark.parametrize("case", FIXABLE, ids=[c.name for c in FIXABLE])
def test_fix_revision_clears_db001_to_db003_and_nothing_else(case: Path, tmp_path: Path):
    _, _, settings = load_case(case)
    versions = copy_versions(case.name, tmp_path)
    before_files = snapshot(versions)
    before, state = check_migrations(versions, settings)
    held = {f"{col.table}.{col.column} " for col in held_back(state, settings)}  # tables it could not follow

    def to_fix(findings):
        return [f for f in findings if f.rule in FIXED_RULES and not any(f.message.startswith(h) for h in held)]

    written = write_fix_migration(versions, settings)
    if not to_fix(before):
        assert written is None
        assert snapshot(versions) == before_files
        return
    assert written is not None and written.parent == versions
    assert re.fullmatch(r"[0-9a-f]{12}_infractl_fix_timestamp_defaults\.py", written.name)
    after_files = snapshot(versions)
    assert {k: v for k, v in after_files.items() if k != written.name} == before_files  # nothing else touched
    source = written.read_text(encoding="utf-8")
    compile(source, str(written), "exec")  # valid Python, as alembic will import it
    after, new_state = check_migrations(versions, settings)
    assert not to_fix(after), after
    assert unfixed(after) == unfixed(before)
    revision = written.name[:12]
    assert new_state.heads == [revision]
    assert new_state.revisions[revision].down_revision == (state.heads[0],)
    assert write_fix_migration(versions, settings) is None  # idempotent: nothing left to fix


def test_rendered_file_looks_like_an_alembic_revision():
    when = datetime(2026, 11, 27, 4, 30, tzinfo=UTC)
    path, content = render_fix_migration(FIXTURES / "db001_default_dropped" / "versions", RuleSettings(),
                                         revision_id="0123456789ab", create_date=when)
    assert path.name == "0123456789ab_infractl_fix_timestamp_defaults.py"
    assert "Revision ID: 0123456789ab\nRevises: 0002\nCreate Date: 2026-11-27 04:30:00+00:00\n" in content
    assert 'revision = "0123456789ab"\ndown_revision = "0002"\n' in content
    assert "from alembic import op\nimport sqlalchemy as sa\n" in content
    upgrade, downgrade = content.split("def downgrade() -> None:")
    assert ('op.alter_column(\n        "users",\n        "created_at",\n        server_default=sa.text("now()"),\n'
            '        existing_type=sa.DateTime(timezone=True),\n        existing_nullable=False,\n    )') in upgrade
    assert "server_default=None," in downgrade  # it had no default before the fix


def test_downgrade_restores_each_previous_default_as_written():
    _, content = render_fix_migration(FIXTURES / "merge_revision" / "versions", RuleSettings())
    downgrade = content.split("def downgrade() -> None:")[1]
    assert 'server_default="now()",' in downgrade  # the plain string, frozen again exactly as before
    assert 'server_default=sa.text("clock_timestamp()"),' in downgrade


def test_schema_qualified_table_gets_schema_argument(tmp_path: Path):
    _, content = render_fix_migration(FIXTURES / "batch_and_schema" / "versions", RuleSettings())
    assert content.count('schema="billing",') == 4  # paid_at and settled_at, upgrade and downgrade
    assert '"billing.payments"' not in content


def test_multiple_heads_are_refused(tmp_path: Path):
    versions = copy_versions("multiple_heads", tmp_path)
    with pytest.raises(InfractlError, match=r"multiple heads \(bb, cc\).*alembic merge heads"):
        write_fix_migration(versions, RuleSettings())
    assert len(list(versions.iterdir())) == 3


def test_never_overwrites_an_existing_file(tmp_path: Path):
    versions = copy_versions("db002_plain_string_now", tmp_path)
    existing = versions / "0123456789ab_infractl_fix_timestamp_defaults.py"
    mine = 'revision = "mine"\ndown_revision = "ab12cd34ef56"\n\n\ndef upgrade():\n    pass\n'
    existing.write_text(mine, encoding="utf-8")
    with pytest.raises(InfractlError, match="refusing to overwrite"):
        write_fix_migration(versions, RuleSettings(), revision_id="0123456789ab")
    assert existing.read_text(encoding="utf-8") == mine


def test_ignored_rules_are_not_fixed(tmp_path: Path):
    versions = copy_versions("db002_plain_string_now", tmp_path)
    assert write_fix_migration(versions, RuleSettings(ignore=("DB002",))) is None
    assert [p.name for p in versions.iterdir()] == ["ab12cd34ef56_create_invoices.py"]


def test_bad_input_is_one_line_error(tmp_path: Path):
    with pytest.raises(InfractlError, match="migrations directory not found"):
        render_fix_migration(tmp_path / "nope", RuleSettings())
