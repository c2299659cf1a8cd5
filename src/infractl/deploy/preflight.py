"""Preflight: refuse before anything changes — wrong target, missing secrets, unreachable systems."""

from __future__ import annotations

import urllib.error
import urllib.request

from infractl.deploy.build import docker_client
from infractl.deploy.plan import Plan
from infractl.deploy.secrets import resolve_secrets
from infractl.deploy.targets.interface import Target
from infractl.errors import InfractlError

SAFE_ENVIRONMENT = "staging"


def preflight(plan: Plan, target: Target) -> str:
    settings, options = plan.settings, plan.options
    if settings.env != SAFE_ENVIRONMENT and not options.yes and not options.dry_run:
        raise InfractlError(f"'{settings.env}' is not staging: deploying there needs --yes")
    checked = []
    if not options.down:  # stopping needs no secret values
        plan.secrets = resolve_secrets(settings)
        checked.append(f"{len(plan.secrets)} secrets present")
    needs_docker = not options.down and not (options.dry_run == "client" and options.skip_build)
    if needs_docker or settings.kind == "compose":
        docker_client()
        checked.append("docker engine up")
    if plan.pushes and not options.down:
        registry_reachable(settings.registry)
        checked.append(f"registry {settings.registry} up")
    checked.extend(target.preflight(plan))
    return ", ".join(checked)


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
