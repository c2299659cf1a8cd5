"""The truth for the static reader: run the revisions with real ``alembic upgrade`` on a real PostgreSQL
database, read the catalog as ``verify-db --url`` does, and compare column by column.

``upgrade(versions, url, paths)`` runs alembic in-process with a small generic ``env.py`` (the revisions
only need alembic and SQLAlchemy, plus what ``paths`` puts on ``sys.path``). ``compare(...)`` returns
which checked columns the static reader agrees on, which it reports as not followed (DB010 naming the
table or column), and the silent misses: everything else.
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ENV_PY = '''
from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

engine = create_engine(context.config.get_main_option("sqlalchemy.url"), poolclass=NullPool)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=None, transaction_per_migration=True)
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
'''


def upgrade(versions: Path, url: str, paths: tuple[Path, ...] = (), target: str = "heads",
            options: dict[str, str] | None = None) -> None:
    """``alembic upgrade heads`` of the revisions in ``versions`` on ``url`` (a SQLAlchemy URL)."""
    from alembic import command
    from alembic.config import Config

    with tempfile.TemporaryDirectory(prefix="infractl-alembic-") as script:
        Path(script, "env.py").write_text(ENV_PY, encoding="utf-8")
        config = Config()
        config.set_main_option("script_location", script)
        config.set_main_option("path_separator", "os")
        config.set_main_option("version_locations", str(versions))
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
        for key, value in (options or {}).items():
            config.set_main_option(key, value)
        added = [str(p) for p in paths if str(p) not in sys.path]
        sys.path[:0] = added
        try:
            command.upgrade(config, target)
        finally:
            for entry in added:
                sys.path.remove(entry)


@dataclass
class Comparison:
    checked: int = 0  # timestamp columns the live check judges
    agreed: int = 0  # ... on which the static final state gives the same facts
    not_followed: int = 0  # ... that the static reader reports as not followed (DB010)
    misses: list[str] = field(default_factory=list)  # silent misses: neither agreed nor reported

    def summary(self) -> str:
        return (f"{self.checked} columns checked, {self.agreed} agree, {self.not_followed} not followed, "
                f"{len(self.misses)} silent misses")


def compare(versions: Path, url: str, settings, schemas: tuple[str, ...] = ("public",)) -> Comparison:
    from infractl.verify_db.live.catalog import parse_url, read_catalog
    from infractl.verify_db.rules import (
        classify_default,
        is_judged,
        is_naive_timestamp_type,
        is_timestamp_type,
    )
    from infractl.verify_db.static.chain import check_migrations
    from infractl.verify_db.static.exprs import UNKNOWN_TYPE

    snapshot = read_catalog(parse_url(url), schemas, settings, 5, 60)
    live = {(c.table, c.column): c for c in snapshot.columns if is_judged(c, settings)}
    _, state = check_migrations(versions, settings)
    reported = {table for item in state.not_followed for table in item.tables}
    static = {}
    for key, columns in state.tables.items():
        qualified = key if "." in key else f"public.{key}"
        for name, col in columns.items():
            static[(qualified, name)] = col
    result = Comparison(checked=len(live))

    def covered(table: str, column: str) -> bool:
        col = static.get((table, column))
        return table.rsplit(".", 1)[-1] in reported or (col is not None and col.data_type.startswith(UNKNOWN_TYPE))

    for (table, column), truth in sorted(live.items()):
        mine = static.get((table, column))
        if covered(table, column):
            result.not_followed += 1
            continue
        if mine is None:
            result.misses.append(f"{table}.{column}: in the database, not in the static state")
            continue
        facts_live = (is_naive_timestamp_type(truth.data_type), truth.nullable, classify_default(truth.default))
        facts_static = (is_naive_timestamp_type(mine.data_type) if is_timestamp_type(mine.data_type) else None,
                        mine.nullable, classify_default(mine.default))
        hook_differs = not mine.onupdate and bool(mine.has_update_hook) != bool(truth.has_update_hook)
        if facts_live != facts_static or hook_differs:
            result.misses.append(f"{table}.{column}: live (naive, nullable, default) {facts_live} "
                                 f"default={truth.default!r} trigger={truth.has_update_hook}; static {facts_static} "
                                 f"default={mine.default!r} hook={mine.has_update_hook} ({mine.path}:{mine.line})")
            continue
        result.agreed += 1
    for (table, column), mine in sorted(static.items()):
        if (table, column) not in live and is_judged(mine, settings) and not covered(table, column):
            result.misses.append(f"{table}.{column}: in the static state ({mine.path}:{mine.line}), "
                                 "not a checked column of the database")
    return result
