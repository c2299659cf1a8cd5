"""``infractl verify-db``: check timestamp columns in the live database, or statically in the migrations.

Live (default): URL from --url, else $DATABASE_URL, else [tool.infractl.db] url; one catalog query.
Replay: --migrations DIR --replay runs the project's alembic upgrade into a scratch database, then checks
it live (replay.py).
Static: --migrations DIR; [tool.infractl.db] migrations is the default DIR for --fix-migration, and is
checked when no database URL is configured anywhere. --fix-migration DIR writes a new revision there
(--dry-run prints it instead).
Exit: 0 clean, 1 error findings (warnings too with --strict), 2 bad input or unreachable database.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from infractl.config import load_config
from infractl.errors import EXIT_FINDINGS, EXIT_OK, InfractlError
from infractl.findings import Finding, fails
from infractl.render import Report, print_report
from infractl.rulebook.selection import keep_wanted, read_lines, resolve_selection
from infractl.sanitise.masking import remember_secrets, url_secrets
from infractl.verify_db.rules import RuleSettings, check_column
from infractl.verify_db.settings import live_settings, migrations_path, rule_settings

if TYPE_CHECKING:  # check's migrations area imports this module: the replay machinery stays unloaded
    from infractl.verify_db.replay.run import ReplayOptions

COMMAND = "verify-db"


def run(url: str | None, schemas: list[str], migrations: Path | None, fix_migration: Path | None,
        dry_run: bool, fmt: str, strict: bool, config_path: Path | None, select=None, ignore=None,
        replay: ReplayOptions | None = None) -> int:
    if url:
        remember_secrets(url_secrets(url))  # before anything can fail and print it
    config = load_config(explicit=config_path)
    section = config.section("db")
    settings = rule_settings(section)
    selection = resolve_selection(section, config.data, select, ignore, "[tool.infractl.db]")
    if dry_run and fix_migration is None:
        raise InfractlError("--dry-run only applies to --fix-migration")
    configured = migrations_path(section, config.root)
    if replay is not None:
        report = check_replay(section, url, schemas, migrations, fix_migration, replay, settings)
    elif migrations is not None or fix_migration is not None:
        if url is not None or schemas:
            raise InfractlError("--url/--schema check the live database; they cannot be combined with "
                                "--migrations/--fix-migration")
        source = migrations or configured or fix_migration
        report = check_static(source, fix_migration, dry_run, settings, fmt)
    elif configured is not None and not live_settings(section, url, schemas).url:
        # No database anywhere, but the project names its migrations: check those statically.
        report = check_static(configured, None, False, settings, fmt)
    else:
        report = check_live(section, url, schemas, settings)
    report.findings = keep_wanted(report.findings, selection, read_lines if report.extra.get("source") ==
                                  "migrations" else None)
    _recount(report)
    # A dry run's revision went to stdout; keep stdout pipeable by sending the table to stderr.
    print_report(report, fmt, to_stderr=dry_run and fmt == "table")
    return EXIT_FINDINGS if fails(report.findings, strict) else EXIT_OK


def _recount(report: Report) -> None:
    """The headline and summary count what is reported: after --select/--ignore and noqa."""
    import re

    before = report.summary.get("findings")
    if before is None or before == len(report.findings):
        return
    report.summary["findings"] = len(report.findings)
    report.headline = re.sub(rf"\b{before} findings", f"{len(report.findings)} findings", report.headline, count=1)


def check_live(section: dict, url: str | None, schemas: list[str], settings: RuleSettings) -> Report:
    from infractl.verify_db.live.catalog import parse_url, read_catalog

    live = live_settings(section, url, schemas)
    if not live.url:
        raise InfractlError("no database URL: pass --url, set DATABASE_URL, or set url in [tool.infractl.db] "
                            "(or use --migrations DIR to check the migrations without a database)")
    target = parse_url(live.url)
    snapshot = read_catalog(target, live.schemas, settings, live.connect_timeout, live.statement_timeout)
    checked = judged_columns(snapshot, settings)
    findings = live_findings(snapshot, settings)
    schema_names = ", ".join(live.schemas)
    return Report(
        command=COMMAND,
        findings=findings,
        summary={"tables": snapshot.tables, "columns": len(checked), "findings": len(findings)},
        headline=(f"{snapshot.database} ({schema_names}): checked {snapshot.tables} tables, "
                  f"{len(checked)} timestamp columns, {len(findings)} findings"),
        extra={"source": "database", "database": target.display, "schemas": list(live.schemas)},
        group_by_path=True,
    )


def judged_columns(snapshot, settings: RuleSettings) -> list:
    from infractl.verify_db.rules import is_judged

    return snapshot.columns if snapshot.prefiltered else [c for c in snapshot.columns if is_judged(c, settings)]


def live_findings(snapshot, settings: RuleSettings) -> list[Finding]:
    """The rules on every judged catalog column, each located at its column: not a file (SARIF
    logicalLocations, no file= in GitHub annotations)."""
    return [finding._replace(logical_name=f"{col.table}.{col.column}", logical_kind="column")
            for col in judged_columns(snapshot, settings) for finding in check_column(col, settings)]


def check_replay(section: dict, url: str | None, schemas: list[str], migrations: Path | None,
                 fix_migration: Path | None, options: ReplayOptions, settings: RuleSettings) -> Report:
    from infractl.verify_db.replay.run import run_replay

    if url is not None:
        raise InfractlError("--replay builds its own scratch database: use --scratch-url URL for a server "
                            "of yours, not --url")
    if fix_migration is not None:
        raise InfractlError("--fix-migration works on the revision files: run it without --replay")
    if options.upgrade_command and (options.roundtrip or options.python):
        raise InfractlError("--upgrade-command replays through the project's command: --roundtrip and --python "
                            "need the alembic worker")
    live = live_settings({**section, "url": None}, None, schemas)
    # like alembic itself: the directory of alembic.ini, else the current one
    options.migrations = migrations or (options.alembic_config.parent if options.alembic_config else Path("."))
    options.schemas = live.schemas
    return run_replay(options, settings, live.statement_timeout)


def check_static(source: Path, fix_dir: Path | None, dry_run: bool, settings: RuleSettings, fmt: str) -> Report:
    """The static check (``static_report``), and the fixing revision when ``fix_dir`` is given."""
    if not source.exists():
        raise InfractlError(f"migrations path not found: {source}")
    report = static_report(source, settings)
    if fix_dir is not None:
        report.extra["fix_migration"] = fix_revision(source, fix_dir, dry_run, settings, fmt)
        if report.extra["fix_migration"] and not dry_run:
            # The new revision is now part of the history: report what is left after it.
            after = static_report(source, settings)
            after.extra = report.extra  # the columns as they were judged before the fix, as the summary's
            after.summary["columns"] = report.summary["columns"]
            after.headline = (f"{source}: wrote {report.extra['fix_migration']['path']}; checked "
                              f"{after.summary['revisions']} revisions, {len(after.findings)} findings remain")
            return after
    return report


def static_report(source: Path, settings: RuleSettings) -> Report:
    """The migrations at ``source`` read statically and judged; nothing written. ``verify-db --migrations``
    and ``check``'s migrations area (verify_db/area.py) both collect with it."""
    from infractl.verify_db.static.chain import check_migrations

    findings, state = check_migrations(source, settings)
    judged, unchecked = timestamp_columns(state, settings)
    extra: dict = {"source": "migrations", "migrations": str(source), "unchecked_timestamp_columns": unchecked}
    headline = (f"{source}: checked {len(state.revisions)} revisions, {len(judged)} timestamp columns, "
                f"{len(findings)} findings{unchecked_note(unchecked)}")
    summary = {"findings": len(findings), "revisions": len(state.revisions), "tables": len(state.tables),
               "columns": len(judged)}
    return Report(command=COMMAND, findings=list(findings), summary=summary, headline=headline, extra=extra,
                  group_by_path=True)


def timestamp_columns(state, settings: RuleSettings) -> tuple[list, list[str]]:
    """The final state's timestamp columns the rules judge, and the names of those no pattern or
    ``columns`` entry names (``create_timestamp``): said, not silently passed over."""
    from infractl.verify_db.rules import is_timestamp_type

    stamps = [c for columns in state.tables.values() for c in columns.values() if is_timestamp_type(c.data_type)]
    judged = [c for c in stamps if settings.wants(c.table, c.column)]
    unchecked = sorted(f"{c.table}.{c.column}" for c in stamps if not settings.wants(c.table, c.column))
    return judged, unchecked


def unchecked_note(unchecked: list[str]) -> str:
    if not unchecked:
        return ""
    example = unchecked[0] + (f" and {len(unchecked) - 1} more, listed in --json" if len(unchecked) > 1 else "")
    return (f" ({len(unchecked)} timestamp columns that no pattern names were not checked: {example}; "
            "add them to patterns or columns in [tool.infractl.db])")


def fix_revision(source: Path, fix_dir: Path, dry_run: bool, settings: RuleSettings, fmt: str) -> dict | None:
    """Render the fixing revision; write it into ``fix_dir`` (atomically) unless this is a dry run."""
    from infractl.verify_db.fix.migration import FILE_SUFFIX, render_fix_migration, write_fix_migration

    rendered = render_fix_migration(source, settings)
    if rendered is None:
        return None
    target, content = rendered
    if fix_dir.resolve() != target.parent.resolve():
        if not fix_dir.is_dir():
            raise InfractlError(f"--fix-migration: not a directory: {fix_dir}")
        target = fix_dir / target.name
    if dry_run:
        if fmt == "table":  # machine formats carry the content in the document instead
            sys.stdout.write(content if content.endswith("\n") else content + "\n")
        return {"path": str(target), "written": False, "content": content}
    try:  # under a lock, from the head as it is then: another run may have fixed it meanwhile
        written = write_fix_migration(source, settings, revision_id=target.name.removesuffix(FILE_SUFFIX),
                                      into=fix_dir)
    except OSError as exc:
        raise InfractlError(f"cannot write {target}: {exc.strerror or exc}") from None
    return None if written is None else {"path": str(written), "written": True}
