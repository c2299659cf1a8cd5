"""``verify-db --fix-migration``: write a new Alembic revision that sets ``now()`` server defaults.

It only renders a file from the static final state (no database access) and only touches the
columns that DB001 (missing), DB002 (constant) or DB003 (not transaction time) report.
``downgrade()`` restores each previous default exactly as the migrations had it.

Writing holds an exclusive lock (``fsio.locked_directory``, an flock on the directories themselves, so no
lock file is left) and reads the head again under it: two runs at once take turns, and the second finds
the first one's revision as the head with nothing left to fix. One head, always.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

from infractl.errors import InfractlError
from infractl.fsio import create_new, locked_directory
from infractl.verify_db.rules import RuleSettings, check_column, is_timestamp_type
from infractl.verify_db.static.chain import MigrationState, load_state
from infractl.verify_db.static.state import ColumnState

FIXED_RULES = frozenset({"DB001", "DB002", "DB003"})
FILE_SUFFIX = "_infractl_fix_timestamp_defaults.py"


def columns_to_fix(state: MigrationState, settings: RuleSettings) -> list[ColumnState]:
    return [col for col in _needing_fix(state, settings) if col.bare_table not in _not_followed_tables(state)]


def held_back(state: MigrationState, settings: RuleSettings) -> list[ColumnState]:
    """Columns that need a fix but whose table the static reader could not follow (DB010): their real
    state is unknown, so a fix written from the static state may be wrong; they are listed, not fixed."""
    return [col for col in _needing_fix(state, settings) if col.bare_table in _not_followed_tables(state)]


def _needing_fix(state: MigrationState, settings: RuleSettings) -> list[ColumnState]:
    return [
        col
        for table in sorted(state.tables)
        for _, col in sorted(state.tables[table].items())
        if is_timestamp_type(col.data_type) and any(f.rule in FIXED_RULES for f in check_column(col, settings))
    ]


def _not_followed_tables(state: MigrationState) -> set[str]:
    return {table for item in state.not_followed for table in item.tables}


def render_fix_migration(path: Path, settings: RuleSettings, *, revision_id: str | None = None,
                         create_date: datetime | None = None) -> tuple[Path, str] | None:
    """The new revision file's path and content, or None when no column needs a fix."""
    state = load_state(Path(path), settings.timestamp_types)
    columns = columns_to_fix(state, settings)
    if not columns:
        return None
    if len(state.heads) != 1:
        raise InfractlError(f"cannot write a fix migration: multiple heads ({', '.join(state.heads)}); "
                            "run `alembic merge heads` first")
    revision = revision_id or _new_revision_id(state)
    if revision in state.revisions:
        raise InfractlError(f"revision id {revision} already exists in {path}")
    head = state.heads[0]
    when = create_date or datetime.now(UTC)
    listing = "\n".join(f"- {col.table}.{col.column}" for col in columns)
    unsure = held_back(state, settings)
    if unsure:
        listing += ("\n\nNot included: the static reader could not follow these tables (DB010), check them with "
                    "--replay:\n" + "\n".join(f"- {col.table}.{col.column}" for col in unsure))
    upgrades = "\n".join(_alter(col, 'sa.text("now()")') for col in columns)
    downgrades = "\n".join(_alter(col, _previous_default(col)) for col in reversed(columns))
    content = f'''"""infractl: fix timestamp server defaults

Sets server_default now() (transaction time) on:
{listing}

Revision ID: {revision}
Revises: {head}
Create Date: {when}

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = {_py(revision)}
down_revision = {_py(head)}
branch_labels = None
depends_on = None


def upgrade() -> None:
{upgrades}


def downgrade() -> None:
{downgrades}
'''
    return Path(path) / f"{revision}{FILE_SUFFIX}", content


def write_fix_migration(path: Path, settings: RuleSettings, *, revision_id: str | None = None,
                        into: Path | None = None) -> Path | None:
    """Write the fix revision next to the others (or ``into`` that directory); None when nothing needs
    fixing. Never overwrites. Rendered and written under the lock, from the head as it is then."""
    into = Path(into) if into is not None else Path(path)
    with ExitStack() as locks:
        for directory in sorted({os.path.realpath(path), os.path.realpath(into)}):  # one order: no deadlock
            locks.enter_context(locked_directory(directory))
        rendered = render_fix_migration(path, settings, revision_id=revision_id)
        if rendered is None:
            return None
        target, content = rendered
        if into.resolve() != target.parent.resolve():
            target = into / target.name
        return write_revision(target, content)


def write_revision(target: Path, content: str) -> Path:
    """Write a rendered revision atomically; an existing file is never overwritten."""
    if target.exists():
        raise InfractlError(f"refusing to overwrite existing file {target}")
    outcome = create_new(target, content.encode("utf-8"), stale_names=r".+" + re.escape(FILE_SUFFIX))
    if outcome.skipped:
        raise InfractlError(f"refusing to overwrite existing file {target}")
    return target


def _alter(col: ColumnState, server_default: str) -> str:
    timezone_aware = col.data_type.lower() == "timestamp with time zone"
    schema = f"\n        schema={_py(col.schema)}," if col.schema else ""
    return (f"    op.alter_column(\n"
            f"        {_py(col.bare_table or col.table)},\n"
            f"        {_py(col.column)},\n"
            f"        server_default={server_default},\n"
            f"        existing_type=sa.DateTime(timezone={timezone_aware}),\n"
            f"        existing_nullable={col.nullable},{schema}\n"
            f"    )")


def _previous_default(col: ColumnState) -> str:
    previous = col.server_default
    if previous is None:
        return "None"
    if previous.literal is not None:  # the plain string it was, so PostgreSQL freezes it again as before
        return _py(previous.literal)
    return f"sa.text({_py(previous.sql or '')})"


def _new_revision_id(state: MigrationState) -> str:
    while True:
        revision = uuid.uuid4().hex[-12:]
        if revision not in state.revisions:
            return revision


def _py(text: str) -> str:
    """A double-quoted Python string literal (JSON escapes are valid Python escapes)."""
    return json.dumps(text, ensure_ascii=False)
