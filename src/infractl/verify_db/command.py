"""``infractl verify-db``: check timestamp columns in the live database, or statically in the migrations.

Live (default): URL from --url, else $DATABASE_URL, else [tool.infractl.db] url; one catalog query.
Static: --migrations DIR; [tool.infractl.db] migrations is the default DIR for --fix-migration, and is
checked when no database URL is configured anywhere. --fix-migration DIR writes a new revision there
(--dry-run prints it instead).
Exit: 0 clean, 1 error findings (warnings too with --strict), 2 bad input or unreachable database.
"""

from __future__ import annotations

import sys
from pathlib import Path

from infractl.config import load_config
from infractl.errors import EXIT_FINDINGS, EXIT_OK, InfractlError
from infractl.findings import Finding, fails
from infractl.render import Report, print_report
from infractl.selection import keep_wanted, read_lines, resolve_selection
from infractl.verify_db.rules import RuleSettings, check_column
from infractl.verify_db.settings import live_settings, migrations_path, rule_settings

COMMAND = "verify-db"


def run(url: str | None, schemas: list[str], migrations: Path | None, fix_migration: Path | None,
        dry_run: bool, fmt: str, strict: bool, config_path: Path | None, select=None, ignore=None) -> int:
    config = load_config(explicit=config_path)
    section = config.section("db")
    settings = rule_settings(section)
    selection = resolve_selection(section, config.data, select, ignore, "[tool.infractl.db]")
    if dry_run and fix_migration is None:
        raise InfractlError("--dry-run only applies to --fix-migration")
    configured = migrations_path(section, config.root)
    if migrations is not None or fix_migration is not None:
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
    # A dry run's revision went to stdout; keep stdout pipeable by sending the table to stderr.
    print_report(report, fmt, to_stderr=dry_run and fmt == "table")
    return EXIT_FINDINGS if fails(report.findings, strict) else EXIT_OK


def check_live(section: dict, url: str | None, schemas: list[str], settings: RuleSettings) -> Report:
    from infractl.verify_db.live import parse_url, read_catalog
    from infractl.verify_db.rules import is_judged

    live = live_settings(section, url, schemas)
    if not live.url:
        raise InfractlError("no database URL: pass --url, set DATABASE_URL, or set url in [tool.infractl.db] "
                            "(or use --migrations DIR to check the migrations without a database)")
    target = parse_url(live.url)
    snapshot = read_catalog(target, live.schemas, settings, live.connect_timeout, live.statement_timeout)
    checked = snapshot.columns if snapshot.prefiltered else [c for c in snapshot.columns if is_judged(c, settings)]
    findings: list[Finding] = [finding for col in checked for finding in check_column(col, settings)]
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


def check_static(source: Path, fix_dir: Path | None, dry_run: bool, settings: RuleSettings, fmt: str) -> Report:
    """Dispatch to the static checker (and the fix writer); they live in their own modules."""
    from infractl.verify_db.migrations import check_migrations

    if not source.exists():
        raise InfractlError(f"migrations path not found: {source}")
    findings, state = check_migrations(source, settings)
    extra: dict = {"source": "migrations", "migrations": str(source)}
    headline = f"{source}: checked {len(state.revisions)} revisions, {len(findings)} findings"
    if fix_dir is not None:
        extra["fix_migration"] = fix_revision(source, fix_dir, dry_run, settings, fmt)
        if extra["fix_migration"] and not dry_run:
            # The new revision is now part of the history: report what is left after it.
            findings, state = check_migrations(source, settings)
            headline = (f"{source}: wrote {extra['fix_migration']['path']}; checked {len(state.revisions)} "
                        f"revisions, {len(findings)} findings remain")
    summary = {"findings": len(findings), "revisions": len(state.revisions), "tables": len(state.tables)}
    return Report(command=COMMAND, findings=findings, summary=summary, headline=headline, extra=extra,
                  group_by_path=True)


def fix_revision(source: Path, fix_dir: Path, dry_run: bool, settings: RuleSettings, fmt: str) -> dict | None:
    """Render the fixing revision; write it into ``fix_dir`` (atomically) unless this is a dry run."""
    from infractl.verify_db.fix_migration import render_fix_migration, write_revision

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
    write_revision(target, content)
    return {"path": str(target), "written": True}
