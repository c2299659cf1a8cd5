"""The ``infractl`` command line: wiring only. Each command imports its capability lazily."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from infractl import __version__
from infractl.errors import EXIT_ERROR, EXIT_INTERRUPTED, InfractlError

app = typer.Typer(
    name="infractl",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,  # rich tracebacks print locals, and locals can hold secrets
    rich_markup_mode=None,  # click's plain help wraps cleanly at 80 columns; rich boxes cut option help
    context_settings={"help_option_names": ["-h", "--help"]},
)


class OutputFormat(str, Enum):
    table = "table"
    json = "json"
    sarif = "sarif"
    github = "github"


JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document (same as --format json).")]
FormatOpt = Annotated[
    OutputFormat,
    typer.Option("--format", help="Output: rich table, JSON, SARIF 2.1.0 or GitHub annotations."),
]
StrictOpt = Annotated[bool, typer.Option("--strict", help="Warnings fail the run too (exit 1).")]
SelectOpt = Annotated[
    list[str] | None,
    typer.Option("--select", help="Report only these rules (ids or prefixes, comma-separated; repeatable)."),
]
IgnoreOpt = Annotated[
    list[str] | None,
    typer.Option("--ignore", help="Do not report these rules (ids or prefixes, comma-separated; repeatable)."),
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", help="Read this pyproject.toml / infractl.toml instead of the nearest one.",
                 dir_okay=False),
]


def output_format(json_flag: bool, fmt: OutputFormat) -> str:
    return "json" if json_flag else fmt.value


def run_guarded(action: Callable[[], int]) -> None:
    """Run a command body; map its outcome and every exception to an exit code.

    InfractlError -> one red line, exit 2. Ctrl-C -> exit 130. Anything unexpected -> one line,
    exit 2, and the traceback only with ``INFRACTL_DEBUG=1``. Messages are masked for passwords.
    """
    from infractl.masking import mask_text

    try:
        code = action()
    except InfractlError as exc:
        _error_line(mask_text(str(exc)))
        raise typer.Exit(EXIT_ERROR) from None
    except KeyboardInterrupt:
        _error_line("interrupted")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except typer.Exit:
        raise
    except Exception as exc:
        if os.environ.get("INFRACTL_DEBUG") == "1":
            raise
        _error_line(mask_text(f"internal error: {type(exc).__name__}: {exc} (INFRACTL_DEBUG=1 shows the traceback)"))
        raise typer.Exit(EXIT_ERROR) from None
    raise typer.Exit(code)


def _error_line(message: str) -> None:
    from rich.console import Console
    from rich.markup import escape

    Console(stderr=True, highlight=False, soft_wrap=True).print(f"[bold red]error:[/] {escape(message)}")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"infractl {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool | None,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = None,
) -> None:
    """Harden a Python service repository and its staging infrastructure.

    Exit codes: 0 clean, 1 findings or a failed check, 2 usage, configuration or environment error,
    130 interrupted. 'infractl rules' lists every rule; 'infractl rule ID' explains one.
    """


class DatetimeMode(str, Enum):
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
def fix_datetime(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or directories (default: .).")] = None,
    check: Annotated[bool, typer.Option("--check", help="Change nothing; exit 1 if anything would change.")] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Change nothing; print a unified diff to stdout.")] = False,
    mode: Annotated[
        DatetimeMode | None,
        typer.Option("--mode", help="aware: return aware datetimes (default). naive: keep naive values "
                     "with .now(timezone.utc).replace(tzinfo=None)."),
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
    json_flag: JsonOpt = False,
    fmt: FormatOpt = OutputFormat.table,
    strict: StrictOpt = False,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Rewrite datetime.utcnow() / utcfromtimestamp() and references to them.

    \b
    Examples:
      infractl fix-datetime --diff src/
      infractl fix-datetime --check

    Honours .gitignore, skips virtualenvs and build/, reads [tool.infractl.fix_datetime] (exclude,
    mode, target_version, jobs). A file that does not parse is reported (error) and left untouched.
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
            fmt=output_format(json_flag, fmt),
            strict=strict,
            select=select,
            ignore=ignore,
            config_path=config,
        )

    run_guarded(action)


@app.command("verify-db", short_help="Check timestamp server defaults (live or migrations).")
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
    json_flag: JsonOpt = False,
    fmt: FormatOpt = OutputFormat.table,
    strict: StrictOpt = False,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Check that timestamp columns default to now(), live or in the migrations.

    \b
    Examples:
      infractl verify-db --url postgresql+psycopg://app@db/app
      infractl verify-db --migrations alembic/versions
    """

    def action() -> int:
        from infractl.verify_db.command import run

        return run(
            url=url,
            schemas=schema or [],
            migrations=migrations,
            fix_migration=fix_migration,
            dry_run=dry_run,
            fmt=output_format(json_flag, fmt),
            strict=strict,
            select=select,
            ignore=ignore,
            config_path=config,
        )

    run_guarded(action)


manifests_app = typer.Typer(
    name="manifests", no_args_is_help=True, rich_markup_mode=None,
    help="Kubernetes manifests and compose files: render with the real kustomize and check them.",
)
app.add_typer(manifests_app, name="manifests", short_help="Render and lint Kubernetes manifests (no cluster).")


@manifests_app.command("lint", short_help="Render a kustomization and check it (schemas, hardening).")
def manifests_lint(
    directory: Annotated[
        Path | None,
        typer.Argument(metavar="[DIR]", help="A kustomize directory (default: dirs in [tool.infractl.manifests], "
                       "else .).", show_default=False),
    ] = None,
    kube_version: Annotated[
        str | None,
        typer.Option("--kube-version", help="Kubernetes version of the schemas (default: 1.33.0).",
                     show_default=False),
    ] = None,
    json_flag: JsonOpt = False,
    fmt: FormatOpt = OutputFormat.table,
    strict: StrictOpt = False,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Render DIR with kubectl kustomize (or kustomize build) and check every object.

    \b
    Examples:
      infractl manifests lint manifests/staging
      infractl manifests lint --kube-version 1.31 --json deploy/k8s

    Validates each object against the Kubernetes OpenAPI schemas offline (strict: unknown fields
    too), then the hardening rules (K8S1xx); a compose file in DIR is linted too (COMPOSE00x).
    No cluster and no image build are needed. '# noqa: ID' on a YAML line suppresses a finding.
    Exit codes: 0 clean (warnings alone do not fail), 1 error findings (or warnings with
    --strict), 2 no kustomize installed, a kustomize failure, or bad input.
    """

    def action() -> int:
        from infractl.manifests.command import run

        return run(directory=directory, kube_version=kube_version, fmt=output_format(json_flag, fmt),
                   strict=strict, select=select, ignore=ignore, config_path=config)

    run_guarded(action)


@app.command("rules", short_help="List every rule of every command.")
def rules(
    command: Annotated[str | None, typer.Option("--command", help="Only this command's rules.")] = None,
    json_flag: JsonOpt = False,
) -> None:
    """List every rule of every command: id, severity, command, what it finds."""

    def action() -> int:
        from infractl.ruleinfo import list_rules

        return list_rules(command, json_flag)

    run_guarded(action)


@app.command("rule", short_help="Explain one rule, with an example and its fix.")
def rule(
    rule_id: Annotated[str, typer.Argument(metavar="ID", help="A rule id, such as DT101.")],
    json_flag: JsonOpt = False,
) -> None:
    """Explain one rule: why it matters, an example, and how to fix it."""

    def action() -> int:
        from infractl.ruleinfo import explain_rule

        return explain_rule(rule_id, json_flag)

    run_guarded(action)


class DryRun(str, Enum):
    client = "client"
    server = "server"


@app.command("deploy", short_help="Build, push, render, check, apply and wait.")
def deploy(
    env: Annotated[str, typer.Argument(metavar="ENV", help="An environment of [tool.infractl.deploy].")],
    dry_run: Annotated[
        DryRun | None,
        typer.Option("--dry-run", help="client: stop after check (no cluster needed); server: the API's dry run. "
                     "Plain --dry-run means client."),
    ] = None,
    skip_build: Annotated[bool, typer.Option("--skip-build", help="Use the existing image (with --tag).")] = False,
    tag: Annotated[str | None, typer.Option("--tag", help="Image tag (default: git commit, +-dirty).")] = None,
    timeout: Annotated[
        str | None, typer.Option("--timeout", help="Rollout / health timeout, e.g. 90, 90s, 5m.")
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Confirm an environment other than staging.")] = False,
    push: Annotated[
        bool | None, typer.Option("--push/--no-push", help="Push the image (default: the env's push setting).")
    ] = None,
    down: Annotated[bool, typer.Option("--down", help="Compose: stop the environment.")] = False,
    volumes: Annotated[bool, typer.Option("--volumes", help="With --down: remove its volumes too.")] = False,
    json_flag: JsonOpt = False,
    config: ConfigOpt = None,
) -> None:
    """Deploy ENV: preflight, build, push, render, check, apply, wait, smoke.

    \b
    Examples:
      infractl deploy staging
      infractl deploy staging --dry-run=server
      infractl deploy staging --down

    Reads [tool.infractl.deploy.ENV] (kind = "kubernetes" or "compose"). Secret values come from
    environment variables or files and are never written to disk or printed. Exit codes: 0 deployed;
    1 a step failed (build, check errors, rollout, health, smoke); 2 configuration or environment
    error (wrong kube context, missing secret, unreachable engine, registry or cluster).
    """

    def action() -> int:
        from infractl.deploy.command import run
        from infractl.deploy.plan import DeployOptions
        from infractl.deploy.settings import parse_duration

        options = DeployOptions(
            dry_run=dry_run.value if dry_run else None, skip_build=skip_build, tag=tag,
            timeout=parse_duration(timeout, "--timeout") if timeout else None, yes=yes, json=json_flag,
            down=down, volumes=volumes, push=push,
        )
        return run(env, options, config_path=config)

    run_guarded(action)


def main() -> None:
    app(args=optional_dry_run_value(sys.argv[1:]), prog_name="infractl")


def optional_dry_run_value(args: list[str]) -> list[str]:
    """``deploy --dry-run`` alone means ``--dry-run=client`` (typer has no options with optional values)."""
    if "deploy" not in args:
        return args
    out = list(args)
    for index, arg in enumerate(out):
        if arg == "--dry-run" and (index + 1 == len(out) or out[index + 1] not in ("client", "server")):
            out[index] = "--dry-run=client"
    return out


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
