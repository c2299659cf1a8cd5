"""``check --fix --unsafe-fixes`` for DB001-DB003: verify-db's fixing revision, added to the copy's
versions directory as a new file (a whole-tree fixer, ``fixing/trees.py``).

Unsafe: the revision changes the schema on the next ``alembic upgrade`` (a server default where there was
none, ``now()`` where a constant or ``clock_timestamp()`` was), which is the point, and which the user
reviews before merging it. The engine keeps it only if the static check of the tree with the revision
reports fewer of these findings, and writes it with ``create_new`` (never over an existing file).
"""

from __future__ import annotations

from pathlib import Path


def add_fixing_revision(target: Path, findings) -> dict[Path, str]:
    """{the new revision's path in ``target``'s versions directory: its text}, or {} when nothing needs it."""
    from infractl.config import load_config
    from infractl.verify_db.area import versions_source
    from infractl.verify_db.fix.migration import render_fix_migration
    from infractl.verify_db.settings import rule_settings

    config = load_config(start=target)
    source = versions_source(target, config, None)
    if source is None:
        return {}
    rendered = render_fix_migration(source, rule_settings(config.section("db")), revision_id=_revision_id(source))
    if rendered is None:
        return {}
    path, content = rendered
    return {path: content}


def _revision_id(versions: Path) -> str:
    """Derived from the revisions it follows, so the same tree gets the same fixing revision on every run
    (``--diff`` then ``--fix`` show and write one file, not two ids)."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(versions.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


add_fixing_revision.whole_tree = True
add_fixing_revision.note = "a new Alembic revision sets the column's server default (verify-db's fixing revision)"
