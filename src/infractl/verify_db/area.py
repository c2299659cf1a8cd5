"""``check``'s migrations area: ``verify-db --migrations`` over the repository's Alembic versions
(areas.py says what an area is). Static only: no database is reached from ``check``."""

from __future__ import annotations

from pathlib import Path

from infractl.check.protocol import Area, shown


def collect(root: Path, config, scanner):
    """The migrations ``versions_source`` finds, checked by the command's own static check; None when there
    are none. An alembic.ini that points at no versions directory is an error."""
    source = versions_source(root, config, scanner)
    if source is None:
        return None
    section = config.section("db")
    from infractl.verify_db.command import static_report
    from infractl.verify_db.settings import rule_settings

    source = shown(source)
    report = static_report(source, rule_settings(section))
    report.headline = f"{report.summary['revisions']} Alembic revisions in {source}"
    return report


def versions_source(root: Path, config, scanner) -> Path | None:
    """``migrations`` in [tool.infractl.db], else the versions directory of the ``alembic.ini`` in ``root``
    or one directory below (where its ``script_location`` points: ``backend/alembic.ini`` with ``script_location =
    app/alembic`` is ``backend/app/alembic/versions``; ``%(here)s`` is the file's directory), else
    ``migrations/versions`` or ``alembic/versions`` under ``root``; None when there is none."""
    section = config.section("db")
    source = None
    if section:
        from infractl.verify_db.settings import migrations_path

        source = migrations_path(section, config.root)
    if source is None:
        source = _from_alembic_ini(root, scanner)
    if source is None:
        candidates = [p for p in (root / "migrations" / "versions", root / "alembic" / "versions") if p.is_dir()]
        source = candidates[0] if candidates else None
    return source if source is not None and source.exists() else None


def _from_alembic_ini(root: Path, scanner) -> Path | None:
    """The versions directory of the alembic.ini in ``root`` or one directory below it (``backend/``),
    or None when there is none. No deeper: a repository's examples and test fixtures hold alembic.ini
    files of their own (a deeper project names its directory in [tool.infractl.db] migrations)."""
    inis = [ini for pattern in ("alembic.ini", "*/alembic.ini") for ini in sorted(root.glob(pattern))
            if not ini.parent.name.startswith(".") and ini.is_file()]
    if not inis:
        return None
    from infractl.verify_db.replay.migrated import versions_dir

    return versions_dir(inis[0])


AREA = Area("migrations", "db", "infractl.verify_db.settings:KNOWN_KEYS", collect,
            looked_for="alembic.ini here or one directory down (its script_location), migrations/versions "
                       "or alembic/versions ([tool.infractl.db] migrations)")
