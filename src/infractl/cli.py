"""The ``infractl`` command line: wiring only. Each command imports its capability lazily."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from infractl import __version__
from infractl.errors import EXIT_ERROR, EXIT_OK, InfractlError

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
    """Run a command body (``guard.guarded``: errors are one masked line) and exit with its code."""
    raise typer.Exit(_guarded(action))


def _guarded(action: Callable[[], int]) -> int:
    """``guard.guarded``, with click's Abort (Ctrl-C or end of input at a prompt) counted as Ctrl-C."""
    from infractl.guard import guarded

    def body() -> int:
        try:
            return action()
        except typer.Abort:
            raise KeyboardInterrupt from None

    return guarded(body)


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
def fix_datetime(
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
            fmt=output_format(json_flag, fmt),
            strict=strict,
            select=select,
            ignore=ignore,
            config_path=config,
            max_file_size=max_file_size,
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
      infractl verify-db --migrations . --replay --roundtrip --compare-static
    """

    def action() -> int:
        from infractl.verify_db.command import run

        replay_options = None
        if replay:
            from infractl.verify_db.replay.run import ReplayOptions

            replay_options = ReplayOptions(migrations=migrations or Path("."), alembic_config=alembic_config,
                                           scratch_url=scratch_url, keep=keep, roundtrip=roundtrip,
                                           compare_static=compare_static)
        elif scratch_url or alembic_config or keep or roundtrip or compare_static:
            raise InfractlError("--scratch-url, --alembic-config, --keep, --roundtrip and --compare-static "
                                "only apply with --replay")
        return run(
            replay=replay_options,
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


@app.command("lint-ci", short_help="Lint GitHub Actions workflows and test skips.")
def lint_ci(
    path: Annotated[Path, typer.Argument(help="Repository root, workflows directory or one workflow file.")] = Path("."),
    json_flag: JsonOpt = False,
    fmt: FormatOpt = OutputFormat.table,
    strict: StrictOpt = False,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    config: ConfigOpt = None,
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
        from infractl.lint_ci.command import run

        return run(path, output_format(json_flag, fmt), strict, select, ignore, config)

    run_guarded(action)


@app.command("fix-skips", short_help="Gate skipped service tests on an env variable.")
def fix_skips(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or directories (default: .).")] = None,
    check: Annotated[bool, typer.Option("--check", help="Change nothing; exit 1 if anything would change.")] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Change nothing; print a unified diff to stdout.")] = False,
    env: Annotated[
        str | None, typer.Option("--env", help="The variable that enables the tests (default: RUN_E2E_TESTS).")
    ] = None,
    json_flag: JsonOpt = False,
    fmt: FormatOpt = OutputFormat.table,
    strict: StrictOpt = False,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    config: ConfigOpt = None,
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

        return run(paths or [Path(".")], check, diff, env, output_format(json_flag, fmt), strict, select, ignore,
                   config)

    run_guarded(action)


@app.command("check", short_help="Run every static check in one report.")
def check(
    path: Annotated[Path, typer.Argument(help="The repository (default: .).")] = Path("."),
    json_flag: JsonOpt = False,
    fmt: FormatOpt = OutputFormat.table,
    strict: StrictOpt = False,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Run every static check that applies to the repository: one report, one exit code.

    \b
    Examples:
      infractl check
      infractl check --format sarif > infractl.sarif
      infractl check --format github --ignore DB005

    Each area finds its inputs from configuration or the conventional paths and changes nothing:
    CI workflows and test skips, Alembic migrations, Prometheus rules and Grafana dashboards.
    Exit codes: 0 clean, 1 error findings (warnings too with --strict), 2 bad input.
    """

    def action() -> int:
        from infractl.check.command import run

        return run(path, output_format(json_flag, fmt), strict, select, ignore, config)

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


# --- infractl wiremock: validate | up | down | status | verify | ci-snippet ---------------------------------
wiremock_app = typer.Typer(
    name="wiremock",
    no_args_is_help=True,
    rich_markup_mode=None,
    help="Validate WireMock mappings, run WireMock (Docker or Java) and prove every stub is served.",
    short_help="Validate, run and verify WireMock mappings.",
)
app.add_typer(wiremock_app)


class WiremockRuntime(str, Enum):
    auto = "auto"
    docker = "docker"
    java = "java"


WiremockDirArg = Annotated[
    Path | None,
    typer.Argument(metavar="[DIR]", help="The directory holding mappings/ and __files/ (default: dir in "
                   "[tool.infractl.wiremock], else ./wiremock).", show_default=False),
]
WiremockNameOpt = Annotated[
    str | None, typer.Option("--name", help="Instance name (default: infractl-wiremock).", show_default=False)
]
WiremockTemplatingOpt = Annotated[
    bool, typer.Option("--global-response-templating", help="Templating is on for every stub.")
]


@wiremock_app.command("validate", short_help="Check mappings without a server.")
def wiremock_validate(
    dir: WiremockDirArg = None,
    global_templating: WiremockTemplatingOpt = False,
    json_flag: JsonOpt = False,
    fmt: FormatOpt = OutputFormat.table,
    strict: StrictOpt = False,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Check a WireMock root (mappings/, __files/) for what stops or silently breaks WireMock.

    \b
    Examples:
      infractl wiremock validate
      infractl wiremock validate tests/wiremock --json

    Exit codes: 0 clean, 1 error findings (warnings too with --strict), 2 no such directory.
    """

    def action() -> int:
        from infractl.wiremock.command import run_validate

        return run_validate(dir, output_format(json_flag, fmt), strict, config, select, ignore, global_templating)

    run_guarded(action)


@wiremock_app.command("up", short_help="Validate, start WireMock, prove every stub loaded.")
def wiremock_up(
    dir: WiremockDirArg = None,
    runtime: Annotated[
        WiremockRuntime | None,
        typer.Option("--runtime", help="docker, java, or auto (docker when an engine answers, else java).",
                     show_default=False),
    ] = None,
    port: Annotated[int | None, typer.Option("--port", help="Port on 127.0.0.1 (default 8080).",
                                             show_default=False)] = None,
    image: Annotated[str | None, typer.Option("--image", help="Docker image (default wiremock/wiremock:3.13.2).",
                                              show_default=False)] = None,
    jar: Annotated[Path | None, typer.Option("--jar", help="WireMock standalone JAR for --runtime java "
                                             "(default: $WIREMOCK_JAR, then jar in the config).",
                                             show_default=False, dir_okay=False)] = None,
    name: WiremockNameOpt = None,
    global_templating: WiremockTemplatingOpt = False,
    verbose: Annotated[bool, typer.Option("--verbose", help="WireMock logs every request.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Start even when validation finds errors.")] = False,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to wait for WireMock to be ready.")] = 60.0,
    config: ConfigOpt = None,
) -> None:
    """Validate, start WireMock, and check it serves exactly the validated stubs.

    \b
    Examples:
      infractl wiremock up
      infractl wiremock up tests/wiremock --runtime java --port 9090

    Running again with the same instance is a no-op. Exit codes: 0 ready; 1 validation errors
    (without --force), or WireMock did not serve every stub; 2 port in use, missing image or JAR,
    no runtime, or WireMock died at start-up (nothing is left running).
    """

    def action() -> int:
        from infractl.wiremock.server.lifecycle import run_up

        return run_up(dir=dir, runtime=runtime.value if runtime else None, port=port, image=image, jar=jar,
                      name=name, global_templating=global_templating, verbose=verbose, force=force,
                      timeout=timeout, config_path=config)

    run_guarded(action)


@wiremock_app.command("down", short_help="Stop the instance (safe to repeat).")
def wiremock_down(name: WiremockNameOpt = None, config: ConfigOpt = None) -> None:
    """Stop WireMock (POST /__admin/shutdown, then a signal). Never deletes mappings.

    Exit codes: 0 stopped or nothing was running.
    """

    def action() -> int:
        from infractl.wiremock.server.lifecycle import run_down

        return run_down(name, config)

    run_guarded(action)


@wiremock_app.command("status", short_help="What runs, where, how many stubs, uptime.")
def wiremock_status(name: WiremockNameOpt = None, json_flag: JsonOpt = False, config: ConfigOpt = None) -> None:
    """Show the running instance: runtime, process or container, URL, stubs served, uptime.

    Exit codes: 0 running, 1 not running (or serving another number of stubs than it was
    validated with).
    """

    def action() -> int:
        from infractl.wiremock.server.lifecycle import run_status

        return run_status(name, json_flag, config)

    run_guarded(action)


@wiremock_app.command("verify", short_help="Fail on unmatched requests (after tests).")
def wiremock_verify(
    name: WiremockNameOpt = None,
    json_flag: JsonOpt = False,
    fmt: FormatOpt = OutputFormat.table,
    config: ConfigOpt = None,
) -> None:
    """Report requests no stub matched, with the nearest stub, from the admin API.

    Exit codes: 0 every request matched a stub, 1 unmatched requests, 2 nothing running.
    """

    def action() -> int:
        from infractl.wiremock.server.verify import run_verify

        return run_verify(name, output_format(json_flag, fmt), config)

    run_guarded(action)


@wiremock_app.command("ci-snippet", short_help="Print a GitHub Actions step that starts it.")
def wiremock_ci_snippet(
    dir: WiremockDirArg = None,
    port: Annotated[int | None, typer.Option("--port", help="Port (default 8080).", show_default=False)] = None,
    config: ConfigOpt = None,
) -> None:
    """Print GitHub Actions steps that start WireMock exactly like 'up', verify and stop it."""

    def action() -> int:
        from infractl.wiremock.command import ci_snippet

        typer.echo(ci_snippet(dir, config, port), nl=False)
        return 0

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

def main(args: Sequence[str] | None = None) -> NoReturn:
    """Run the whole CLI and exit: the console script, ``python -m infractl`` and any launcher's fallback.

    Typer runs with standalone_mode=False so that click's usage errors come back here instead of being
    printed as a usage block: each becomes one line through guard.guarded, like every other error
    (``error: No such option: --selct ... (see 'infractl check --help')``), exit 2. With
    standalone_mode=False click returns the exit code a command raised (typer.Exit) instead of exiting.
    """
    argv = optional_dry_run_value(list(sys.argv[1:] if args is None else args))
    sys.exit(_guarded(lambda: _invoke(argv)))


def _invoke(args: list[str]) -> int:
    from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError

    try:
        outcome = app(args=args, prog_name="infractl", standalone_mode=False)
    except NoArgsIsHelpError as exc:
        # bare `infractl` / `infractl wiremock`: the group's help on stderr and exit 2, as click 8.2+
        # does (no command ran, so a script that forgot its arguments must not pass)
        exc.show()
        return EXIT_ERROR
    except UsageError as exc:
        raise InfractlError(_usage_line(exc, args)) from None
    except ClickException as exc:  # e.g. a file option that cannot be opened: an input error too
        raise InfractlError(" ".join(exc.format_message().splitlines())) from None
    sys.stdout.flush()  # output still buffered (json, sarif) meets a closed pipe here, inside the guard
    return outcome if isinstance(outcome, int) else EXIT_OK


def _usage_line(exc, args: list[str]) -> str:
    """click's message (with its "Did you mean" hint) and where the help is, on one line."""
    message = " ".join(line.strip() for line in exc.format_message().splitlines() if line.strip())
    ctx = exc.ctx
    if ctx is None:  # click's parser raises "Option '--tag' requires an argument." without one
        return f"{message} (see '{_command_path(args)} --help')"
    if ctx.command.get_help_option(ctx) is not None:
        option = "--help" if "--help" in ctx.help_option_names else ctx.help_option_names[0]
        message += f" (see '{ctx.command_path} {option}')"
    return message


def _command_path(args: list[str]) -> str:
    """The command the arguments name: 'infractl wiremock up' for ``wiremock up --port``."""
    from typer.main import get_command

    command, path = get_command(app), ["infractl"]
    for arg in args:
        sub = getattr(command, "commands", {}).get(arg)
        if sub is not None:
            command, path = sub, [*path, arg]
        elif not arg.startswith("-"):  # groups take only flags (-h, --version): the first word is the command
            break
    return " ".join(path)


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
