"""``check``'s migrations area: ``verify-db --migrations`` over the repository's Alembic versions
(areas.py says what an area is). Static only: no database is reached from ``check``."""

from __future__ import annotations

from pathlib import Path

from infractl.areas import Area, shown


def collect(root: Path, config, scanner):
    """``migrations`` in [tool.infractl.db], else ``migrations/versions`` or ``alembic/versions`` under
    ``root``, checked by the command's own static check; None when there is none."""
    section = config.section("db")
    source = None
    if section:
        from infractl.verify_db.settings import migrations_path

        source = migrations_path(section, config.root)
    if source is None:
        candidates = [p for p in (root / "migrations" / "versions", root / "alembic" / "versions") if p.is_dir()]
        source = candidates[0] if candidates else None
    if source is None or not source.exists():
        return None
    from infractl.verify_db.command import static_report
    from infractl.verify_db.settings import rule_settings

    source = shown(source)
    report = static_report(source, rule_settings(section))
    report.headline = f"{report.summary['revisions']} Alembic revisions in {source}"
    return report


AREA = Area("migrations", "db", "infractl.verify_db.settings:KNOWN_KEYS", collect)
