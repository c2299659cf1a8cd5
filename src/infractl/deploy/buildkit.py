"""The BuildKit build: the engine's own BuildKit, driven by Docker Compose v2's builder.

The Docker SDK only speaks to the engine's legacy builder, which refuses BuildKit-only Dockerfiles
(``RUN --mount=type=cache``) and turns build-time labels into an extra LABEL step (a layer commit: ~11 s
on vfs). A docker CLI from 23 on builds with BuildKit only through the buildx plugin; Compose v2 carries a
BuildKit client of its own that uses the engine's BuildKit (any engine from 18.09, API 1.39) whether or
not buildx is installed, so the build goes through it: a one-service project fed on stdin, run through
the one tool runner (own process group, whole output kept, exit status checked)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable

from infractl.deploy.plan import StepFailed
from infractl.deploy.settings import BuildSettings
from infractl.errors import InfractlError
from infractl.process import tools

BUILDKIT_API = (1, 39)  # the engine API version from which the daemon has BuildKit built in
PROJECT = "infractl-build"  # compose labels the image with it: a fixed name keeps identical builds identical
SERVICE = "image"


def compose_for_buildkit(client, build: BuildSettings) -> tuple[list[str] | None, str]:
    """(the compose command to build with, "BuildKit"), or (None, why the legacy builder is used)."""
    from infractl.deploy.targets.compose import find_compose

    if os.environ.get("DOCKER_BUILDKIT", "").strip() == "0":
        return None, "legacy builder: DOCKER_BUILDKIT=0"
    api = str(client.version().get("ApiVersion", "0"))
    if tuple(int(part) for part in api.split(".")[:2] if part.isdigit()) < BUILDKIT_API:
        return None, f"legacy builder: the engine's API {api} has no BuildKit"
    if build.network in (None, "default", "bridge") and not _has_bridge(client):
        # an engine run with --bridge=none: BuildKit's RUN steps fail ("network bridge not found")
        return None, "legacy builder: the engine has no bridge network (build network = \"host\" uses BuildKit)"
    try:
        return find_compose(), "BuildKit"
    except InfractlError:
        return None, "legacy builder: no Docker Compose v2 to drive BuildKit"


def _has_bridge(client) -> bool:
    return any(network.name == "bridge" for network in client.networks.list(names=["bridge"]))


def build_definition(build: BuildSettings, reference: str, labels: dict[str, str]) -> dict:
    """The one-service compose project that builds ``reference`` (labels go in the image config: no step)."""
    spec: dict = {"context": str(build.context.resolve()), "dockerfile": build.dockerfile, "labels": labels}
    if build.target:
        spec["target"] = build.target
    if build.args:
        spec["args"] = build.args
    if build.network:
        spec["network"] = build.network
    return {"name": PROJECT, "services": {SERVICE: {"image": reference, "build": spec}}}


def build_with_buildkit(compose: list[str], definition: dict, show: Callable[[str], None]) -> None:
    """Build; each output line goes to ``show``; a failure is StepFailed with compose's last lines."""
    # COMPOSE_BAKE=false: compose's own builder, the same path whether or not buildx is installed
    env = {**os.environ, "COMPOSE_BAKE": "false"}
    command = [*compose, "--progress", "plain", "-p", PROJECT, "-f", "-", "build", SERVICE]
    tail: list[str] = []
    try:
        process = tools.start(command, stdin=tools.PIPE, stdout=tools.PIPE, stderr=tools.STDOUT, text=True,
                              env=env)
    except OSError as exc:
        raise StepFailed(f"docker build (BuildKit) could not start {compose[0]}: {exc}") from None
    try:
        process.stdin.write(json.dumps(definition))
        process.stdin.close()
        for line in process.stdout:
            if line.strip():
                tail.append(line.rstrip())
                del tail[:-40]
                show(line)
        process.wait()
    finally:
        tools.stop(process)
    if process.returncode != 0:
        errors = [line for line in tail if "error" in line.lower() or line.startswith("failed to solve")]
        reason = errors[-1] if errors else tools.status_text(process.returncode)
        raise StepFailed(f"docker build (BuildKit) failed: {reason}", tail[-15:])
