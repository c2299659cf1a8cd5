"""The commands over a repository's code and CI: fix-datetime, verify-db, lint-ci, fix-skips."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from infractl.cli.app import FixDiffOpt, FixOpt, ReportFlags, UnsafeFixesOpt, app, reporting, run_guarded
from infractl.errors import InfractlError


class DatetimeMode(str, Enum):
    auto = "auto"
    aware = "aware"
    naive = "naive"


class TargetVersion(str, Enum):
    py38 = "py38"
    py39 = "py39"
    py310 = "py310"
    py311 = "py311"
    py312 = "py312"
    py313 = "py313"
    py314 = "py314"


@app.command("fix-datetime", short_help="Rewrite utcnow()/utcfromtimestamp() safely.")
@reporting
def fix_datetime(
    ctx: typer.Context,
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or directories (default: .).")] = None,
    check: Annotated[bool, typer.Option("--check", help="Change nothing; exit 1 if anything would change.")] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Change nothing; print a unified diff to stdout.")] = False,
    mode: Annotated[
        DatetimeMode | None,
        typer.Option("--mode", help="auto (default): aware where the value provably meets nothing "
                     "naive, else the form that keeps it naive, "
                     ".now(timezone.utc).replace(tzinfo=None). aware: always aware, risks reported as "
                     "hazards. naive: always the naive form."),
    ] = None,
    target_version: Annotated[
        TargetVersion | None,
        typer.Option("--target-version", help="Oldest Python the code must run on; py311+ may use datetime.UTC."),
    ] = None,
    exclude: Annotated[
        list[str] | None, typer.Option("--exclude", help="Skip paths matching this glob (repeatable).")
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=1, help="Most worker processes (default: CPUs; small runs stay "
                     "in-process, -j 1 always does)."),
    ] = None,
    max_file_size: Annotated[
        str | None,
        typer.Option("--max-file-size", metavar="SIZE", help="Skip (and report) files larger than this, "
                     "e.g. 2MB (the default); 0 = no limit."),
    ] = None,
    verify: Annotated[
        str | None,
        typer.Option("--verify", metavar="CMD", help="Let the project's tests decide: run CMD (e.g. 'pytest -q "
                     "tests') on a private copy, make aware what auto keeps naive only because it cannot "
                     "follow it, and keep naive (naming the test) what changes an outcome."),
    ] = None,
    verify_budget: Annotated[
        str | None,
        typer.Option("--verify-budget", metavar="RUNS,TIME", help="At most this many runs of CMD and this "
                     "much time (default 30,30m); what is left undecided stays naive."),
    ] = None,
    *,
    flags: ReportFlags,
) -> None:
    """Rewrite datetime.utcnow() / utcfromtimestamp() and references to them.

    \b
    Examples:
      infractl fix-datetime --diff src/
      infractl fix-datetime --check
      infractl fix-datetime --verify "pytest -q tests"

    Honours .gitignore, skips virtualenvs and build/, reads [tool.infractl.fix_datetime] (exclude,
    mode, target_version, jobs, max_file_size, helper, naive_helper). A file that does not parse is
    reported (error) and left untouched.
    Exit codes: 0 all rewrites written (or nothing to do); 1 --check with changes pending, a file
    left untouched, or hazards with --strict; 2 bad input, or no candidate file could be processed.
    """

    def action() -> int:
        from infractl.fix_datetime.command import run

        return run(
            paths=paths or [Path(".")],
            check=check,
            diff=diff,
            mode=mode.value if mode else None,
            target_version=target_version.value if target_version else None,
            exclude=exclude or [],
            jobs=jobs,
            fmt=flags.fmt,
            strict=flags.strict,
            select=flags.select,
            ignore=flags.ignore,
            config_path=flags.config,
            max_file_size=max_file_size,
            scanner=ctx.obj,
            verify=verify,
            verify_budget=verify_budget,
        )

    run_guarded(action)


@app.command("verify-db", short_help="Check timestamp server defaults (live or migrations).")
@reporting
def verify_db(
    url: Annotated[
        str | None,
        typer.Option("--url", help="SQLAlchemy URL (default: $DATABASE_URL, then url in [tool.infractl.db]).",
                     show_default=False),
    ] = None,
    schema: Annotated[
        list[str] | None, typer.Option("--schema", help="Schema to check (repeatable; default: public).")
    ] = None,
    migrations: Annotated[
        Path | None,
        typer.Option("--migrations", help="Check Alembic revision files statically instead (no database)."),
    ] = None,
    fix_migration: Annotated[
        Path | None,
        typer.Option("--fix-migration", help="Write a new Alembic revision fixing server defaults into this "
                     "directory (use with --migrations)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="With --fix-migration: print the revision, write nothing.")
    ] = False,
    replay: Annotated[
        bool, typer.Option("--replay", help="Run the project's alembic upgrade head (its own env.py) into a "
                           "scratch database and check that; --migrations names the directory of alembic.ini.")
    ] = False,
    scratch_url: Annotated[
        str | None, typer.Option("--scratch-url", help="With --replay: create (and drop) a new "
                                 "infractl_scratch_* database on this server instead of a local throwaway "
                                 "cluster.", show_default=False)
    ] = None,
    alembic_config: Annotated[
        Path | None, typer.Option("--alembic-config", help="With --replay: the alembic.ini to use.", dir_okay=False)
    ] = None,
    keep: Annotated[
        bool, typer.Option("--keep", help="With --replay: keep the scratch database and say how to reach it.")
    ] = False,
    roundtrip: Annotated[
        bool, typer.Option("--roundtrip", help="With --replay: downgrade to base, upgrade again, report "
                           "columns that differ (DB201).")
    ] = False,
    compare_static: Annotated[
        bool, typer.Option("--compare-static", help="With --replay: report columns where the static reader "
                           "disagrees with the replay (DB202).")
    ] = False,
    python: Annotated[
        Path | None, typer.Option("--python", help="With --replay: run alembic under this interpreter (the "
                                  "application's; default: the project's .venv if there is one).", dir_okay=False)
    ] = None,
    upgrade_command: Annotated[
        str | None, typer.Option("--upgrade-command", help="With --replay: build the scratch database with the "
                                 "project's own migration command instead of alembic upgrade head.")
    ] = None,
    url_env: Annotated[
        str, typer.Option("--url-env", help="With --upgrade-command: the variable the command reads its "
                          "database URL from (the scratch URL goes there).")
    ] = "DATABASE_URL",
    *,
    flags: ReportFlags,
) -> None:
    """Check that timestamp columns default to now(), live or in the migrations.

    \b
    Examples:
      infractl verify-db --url postgresql+psycopg://app@db/app
      infractl verify-db --migrations alembic/versions
      infractl verify-db --migrations . --replay --roundtrip --compare-static
    """

    def action() -> int:
        from infractl.verify_db.command import run

        replay_options = None
        if replay:
            from infractl.verify_db.replay.run import ReplayOptions

            replay_options = ReplayOptions(migrations=migrations or Path("."), alembic_config=alembic_config,
                                           scratch_url=scratch_url, keep=keep, roundtrip=roundtrip,
                                           compare_static=compare_static, python=python,
                                           upgrade_command=upgrade_command, url_env=url_env)
        elif scratch_url or alembic_config or keep or roundtrip or compare_static or python or upgrade_command:
            raise InfractlError("--scratch-url, --alembic-config, --keep, --roundtrip, --compare-static, --python "
                                "and --upgrade-command only apply with --replay")
        return run(
            replay=replay_options,
            url=url,
            schemas=schema or [],
            migrations=migrations,
            fix_migration=fix_migration,
            dry_run=dry_run,
            fmt=flags.fmt,
            strict=flags.strict,
            select=flags.select,
            ignore=flags.ignore,
            config_path=flags.config,
        )

    run_guarded(action)


@app.command("lint-ci", short_help="Lint GitHub Actions workflows and test skips.")
@reporting
def lint_ci(
    path: Annotated[Path, typer.Argument(help="Repository root, workflows directory or one workflow file.")] = Path("."),
    fix: FixOpt = False,
    unsafe_fixes: UnsafeFixesOpt = False,
    diff: FixDiffOpt = False,
    *,
    flags: ReportFlags,
) -> None:
    """Find CI pitfalls that silently turn checks off, and run actionlint.

    \b
    Examples:
      infractl lint-ci
      infractl lint-ci .github/workflows/ci.yml --format github

    Reads .github/workflows/*.yml (infractl's CI0xx rules plus actionlint's, folded in as AL0xx) and
    reports unconditional skips in tests/. Exit codes: 0 clean, 1 error findings (warnings too with
    --strict), 2 bad input.
    """

    def action() -> int:
        from infractl.fixing import fix_options
        from infractl.lint_ci.command import run

        return run(path, flags.fmt, flags.strict, flags.select, flags.ignore, flags.config,
                   fix_options(fix, unsafe_fixes, diff))

    run_guarded(action)


@app.command("fix-skips", short_help="Gate skipped service tests on an env variable.")
@reporting
def fix_skips(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or directories (default: .).")] = None,
    check: Annotated[bool, typer.Option("--check", help="Change nothing; exit 1 if anything would change.")] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Change nothing; print a unified diff to stdout.")] = False,
    env: Annotated[
        str | None, typer.Option("--env", help="The variable that enables the tests (default: RUN_E2E_TESTS).")
    ] = None,
    *,
    flags: ReportFlags,
) -> None:
    """Turn unconditional skips of tests that need a service into environment-gated skips.

    \b
    Examples:
      infractl fix-skips --diff tests/
      infractl fix-skips --env RUN_INTEGRATION tests/

    @pytest.mark.skip(reason="needs PostgreSQL") becomes
    @pytest.mark.skipif(not os.environ.get("RUN_E2E_TESTS"), reason=...); skips whose reason names no
    service ("flaky") are reported and left alone.
    """

    def action() -> int:
        from infractl.fix_skips.command import run

        return run(paths or [Path(".")], check, diff, env, flags.fmt, flags.strict, flags.select, flags.ignore,
                   flags.config)

    run_guarded(action)
