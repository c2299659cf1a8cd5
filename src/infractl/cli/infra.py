"""manifests lint, the rule catalogue (rules, rule) and the wiremock group."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from infractl.cli.app import (
    ConfigOpt,
    FixDiffOpt,
    FixOpt,
    FormatOpt,
    JsonOpt,
    OutputFormat,
    ReportFlags,
    UnsafeFixesOpt,
    app,
    output_format,
    reporting,
    run_guarded,
)

manifests_app = typer.Typer(
    name="manifests", no_args_is_help=True, rich_markup_mode=None,
    help="Kubernetes manifests and compose files: render with the real kustomize and check them.",
)
app.add_typer(manifests_app, name="manifests", short_help="Render and lint Kubernetes manifests (no cluster).")


@manifests_app.command("lint", short_help="Render a kustomization and check it (schemas, hardening).")
@reporting
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
    fix: FixOpt = False,
    unsafe_fixes: UnsafeFixesOpt = False,
    diff: FixDiffOpt = False,
    *,
    flags: ReportFlags,
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
        from infractl.fixing import fix_options
        from infractl.manifests.command import run

        return run(directory=directory, kube_version=kube_version, fmt=flags.fmt, strict=flags.strict,
                   select=flags.select, ignore=flags.ignore, config_path=flags.config,
                   fix=fix_options(fix, unsafe_fixes, diff))

    run_guarded(action)


@app.command("rules", short_help="List every rule of every command.")
def rules(
    command: Annotated[str | None, typer.Option("--command", help="Only this command's rules.")] = None,
    json_flag: JsonOpt = False,
) -> None:
    """List every rule of every command: id, severity, command, what it finds."""

    def action() -> int:
        from infractl.rulebook.info import list_rules

        return list_rules(command, json_flag)

    run_guarded(action)


@app.command("rule", short_help="Explain one rule, with an example and its fix.")
def rule(
    rule_id: Annotated[str, typer.Argument(metavar="ID", help="A rule id, such as DT101.")],
    json_flag: JsonOpt = False,
) -> None:
    """Explain one rule: why it matters, an example, and how to fix it."""

    def action() -> int:
        from infractl.rulebook.info import explain_rule

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
@reporting
def wiremock_validate(
    dir: WiremockDirArg = None,
    global_templating: WiremockTemplatingOpt = False,
    fix: FixOpt = False,
    unsafe_fixes: UnsafeFixesOpt = False,
    diff: FixDiffOpt = False,
    *,
    flags: ReportFlags,
) -> None:
    """Check a WireMock root (mappings/, __files/) for what stops or silently breaks WireMock.

    \b
    Examples:
      infractl wiremock validate
      infractl wiremock validate tests/wiremock --json

    Exit codes: 0 clean, 1 error findings (warnings too with --strict), 2 no such directory.
    """

    def action() -> int:
        from infractl.fixing import fix_options
        from infractl.wiremock.command import run_validate

        return run_validate(dir, flags.fmt, flags.strict, flags.config, flags.select, flags.ignore, global_templating,
                            fix_options(fix, unsafe_fixes, diff))

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
