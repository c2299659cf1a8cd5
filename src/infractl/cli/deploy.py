"""deploy ENV: Kubernetes or Compose."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from infractl.cli.app import (
    ConfigOpt,
    JsonOpt,
    app,
    run_guarded,
)


class DryRun(str, Enum):
    client = "client"
    server = "server"


@app.command("deploy", short_help="Build, push, render, check, apply and wait.")
def deploy(
    env: Annotated[str, typer.Argument(metavar="ENV", help="An environment of [tool.infractl.deploy].")],
    dry_run: Annotated[
        DryRun | None,
        typer.Option("--dry-run", help="client: print the objects and stop after check (no cluster needed); server: "
                     "the API's dry run of the whole set, shown as a diff against the live objects (as "
                     "kubectl diff), nothing persisted. Plain --dry-run means client."),
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
    force_conflicts: Annotated[bool, typer.Option(
        "--force-conflicts", help="Kubernetes: take over fields another field manager set (else a conflict fails).")
    ] = False,
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
            down=down, volumes=volumes, push=push, force_conflicts=force_conflicts,
        )
        return run(env, options, config_path=config)

    run_guarded(action)
