"""After a replay, the scratch database must show that the tree was migrated into it: ``alembic_version``
at the tree's heads and the tables the tree creates. An env.py that migrated another database (its own
default SQLite file, a URL from its own variable) leaves the scratch database empty, and an empty database
has no timestamp columns to complain about: without this check that passed as clean."""

from __future__ import annotations

from pathlib import Path

from infractl.errors import InfractlError
from infractl.findings import Finding, Severity
from infractl.rulebook import Rule

NOT_MIGRATED = Rule(
    id="DB203", name="replay-not-migrated", severity=Severity.ERROR, command="verify-db",
    summary="after the replay the scratch database is not at the tree's head",
    rationale="verify-db --replay checks the database the migrations built. When env.py (or "
              "--upgrade-command) migrated some other database, the scratch one is empty: 0 tables, 0 findings, "
              "which reads as clean. So the replay must leave alembic_version at the tree's heads and the tables "
              "the revisions create; otherwise nothing was checked, and that is an error.",
    fix="make env.py use the URL it is given (sqlalchemy.url, -x url or DATABASE_URL), or replay through the "
        "project's own command: --upgrade-command CMD --url-env NAME (NAME: the variable it reads its URL from)",
    no_cases="needs a replay into a real PostgreSQL: tests/verify_db/test_replay_migrated.py")

_VERSIONS_SQL = """
SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relname = 'alembic_version' AND c.relkind = 'r'
"""


def database_state(target, tables: list[str], statement_timeout: float) -> tuple[set[str] | None, list[str]]:
    """The revisions alembic_version holds (None: no such table), and which of ``tables`` are missing."""
    from infractl.verify_db.live.catalog import open_connection
    from infractl.verify_db.sqlnames import quote_table

    with open_connection(target, 10, statement_timeout) as conn:
        version_tables = [row[0] for row in conn.execute(_VERSIONS_SQL).fetchall()]
        versions = None
        for name in version_tables:  # its own identifiers, quoted by format('%I')
            versions = (versions or set()) | {row[0] for row in conn.execute(f"SELECT version_num FROM {name}")}
        missing = [table for table in tables
                   if conn.execute("SELECT to_regclass(%s)", (quote_table(table),)).fetchone()[0] is None]
    return versions, missing


def migrated_findings(path: str, heads: list[str], versions: set[str] | None, missing: list[str],
                      display: str) -> list[Finding]:
    """DB203 when the scratch database does not show the tree's heads, or lacks tables the tree creates."""
    findings = []
    if versions is None:
        findings.append(NOT_MIGRATED.finding(
            path, None, None, f"the replay left no alembic_version table in {display}: the migrations ran "
            "somewhere else, or not at all, and nothing was checked", NOT_MIGRATED.fix))
    elif set(heads) != versions:
        shown = ", ".join(sorted(versions)) or "no revision"
        findings.append(NOT_MIGRATED.finding(
            path, None, None, f"after the replay {display} is at {shown}, not at the tree's head "
            f"{', '.join(sorted(heads))}", NOT_MIGRATED.fix))
    if missing:
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        findings.append(NOT_MIGRATED.finding(
            path, None, None, f"after the replay {display} lacks {len(missing)} tables the revisions create: "
            f"{', '.join(missing[:5])}{more}", NOT_MIGRATED.fix))
    return findings


def expected_tree(versions_dir: str) -> tuple[list[str], list[str]]:
    """The heads and the final tables of the tree, read statically (never imported)."""
    from infractl.verify_db.static.chain import load_state

    state = load_state(versions_dir)
    return list(state.heads), sorted(state.tables)


def tables_created(locations: list[str]) -> list[str]:
    """The tables the tree creates, read statically, to be found in the scratch database; none when the
    static reader cannot read the tree (the heads are still checked) or it has several locations."""
    if len(locations) != 1:
        return []
    try:
        return expected_tree(locations[0])[1]
    except InfractlError:
        return []


def versions_dir(ini: Path) -> Path:
    """The versions directory alembic.ini's script_location names (for --upgrade-command, which runs no
    alembic of ours to ask)."""
    import configparser

    parser = configparser.ConfigParser(defaults={"here": str(ini.resolve().parent)})
    try:
        parser.read(ini, encoding="utf-8")
        location = parser.get("alembic", "script_location")
    except (configparser.Error, UnicodeDecodeError) as exc:
        raise InfractlError(f"{ini}: no script_location in [alembic]: {exc}") from None
    found = Path(location) if Path(location).is_absolute() else ini.resolve().parent / location
    if not (found / "versions").is_dir():
        raise InfractlError(f"{ini}: script_location {location} has no versions directory")
    return found / "versions"
