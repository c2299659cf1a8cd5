"""Preflight: refuse before anything changes — wrong target, missing secrets, unreachable systems.

The target is identified first (the kube context and its cluster, compared with the declared ones), then
judged by what it is, not by what the environment is called: a name, context, cluster server or registry
that looks like production needs --yes."""

from __future__ import annotations

import re
import urllib.error
import urllib.request

from infractl.deploy.build import docker_client
from infractl.deploy.images import MissingImages, base_images, local, missing_report, pull_problem
from infractl.deploy.plan import Plan
from infractl.deploy.secrets import resolve_secrets
from infractl.deploy.targets.interface import Target
from infractl.errors import InfractlError


def preflight(plan: Plan, target: Target) -> str:
    settings, options = plan.settings, plan.options
    identity = target.identify(plan)  # first: a wrong context is the error to see, whatever else is wrong
    registry = {"registry": settings.registry} if settings.registry else {}
    production_guard(plan, {"environment": settings.env, **identity, **registry})
    checked = [f"{what} {value}" for what, value in identity.items()]
    if not options.down:  # stopping needs no secret values
        plan.secrets = resolve_secrets(settings)
        checked.append(f"{len(plan.secrets)} secrets present")
    needs_docker = not options.down and not (options.dry_run == "client" and options.skip_build)
    missing_bases = None  # named together with the compose file's missing images, below
    if needs_docker or settings.kind == "compose":
        client = docker_client()
        checked.append("docker engine up")
        if settings.build and not options.skip_build and not options.down:
            try:
                checked.append(base_images_available(settings.build, client))
            except MissingImages as exc:
                missing_bases = exc
    if plan.pushes and not options.down:
        registry_reachable(settings.registry)
        checked.append(f"registry {settings.registry} up")
    try:
        checked.extend(target.preflight(plan))
    except MissingImages as exc:
        raise missing_bases.joined(exc) if missing_bases else exc from None
    if missing_bases:
        raise missing_bases
    return ", ".join(checked)


def base_images_available(build, client) -> str:
    """Every base image is local or its registry answers for it; else one error naming each, before the build."""
    needed = base_images(build)
    missing = [(need, f"not local, and not pullable here ({problem})") for need in needed
               if not local(client, need.image) and (problem := pull_problem(need.image))]
    if missing:
        raise missing_report(missing, "; or set a build arg to a local base image")
    return f"{len(needed)} base image(s) available"


def production_guard(plan: Plan, destination: dict[str, str]) -> None:
    """Refuse, without --yes, a destination any part of which matches a production pattern (a dry run
    changes nothing, so it needs no --yes)."""
    if plan.options.yes or plan.options.dry_run:
        return
    matches = [f"{what} {value!r} matches {pattern!r}" for what, value in destination.items()
               for pattern in plan.settings.production_patterns if re.search(pattern, value, re.IGNORECASE)]
    if matches:
        raise InfractlError(f"{plan.settings.env} deploys to what looks like production ({'; '.join(matches)}): "
                            "deploying there needs --yes (nothing was changed)")


def registry_reachable(registry: str | None, timeout: float = 5.0) -> None:
    """The distribution API answers ``/v2/`` (200, or 401 when it wants a login)."""
    if not registry:
        raise InfractlError("pushing needs a registry: set registry in the environment's table")
    host = registry.split("/", 1)[0]
    loopback = host.startswith(("127.", "localhost", "[::1]"))
    url = f"{'http' if loopback else 'https'}://{host}/v2/"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read(0)
    except urllib.error.HTTPError as exc:
        if exc.code == 401:
            return
        raise InfractlError(f"registry {host} answered HTTP {exc.code} at {url}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise InfractlError(f"registry {host} is not reachable ({reason})") from None
