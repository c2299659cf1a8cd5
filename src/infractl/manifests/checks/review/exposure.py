"""What hands a container, or anyone on the network, the keys to the host: the Docker socket mounted into
a container (K8S117, COMPOSE005) and Traefik's API served without authentication where it is reachable
(K8S119, COMPOSE006), or its dashboard routed without a middleware (K8S120, COMPOSE007).

Only what the file proves is judged: Traefik's static configuration in a separate file, or a NetworkPolicy
that fences a Service, are not read, so a flag without a published port is not reported.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator

from infractl.manifests.checks.workloads import (
    containers,
    dig,
    namespace_of,
    pod_labels,
    pod_spec,
    selector_matches,
)

_INSECURE_FLAG = re.compile(r"^--api\.insecure(?:=(?P<value>\S*))?$", re.IGNORECASE)
_TRAEFIK_ADDRESS = re.compile(r"^--entry[pP]oints\.traefik\.address=\S*:(?P<port>\d+)$", re.IGNORECASE)
TRAEFIK_API_PORT = 8080  # the "traefik" entry point, where --api.insecure serves the API and dashboard
_LOOPBACK = ("127.0.0.1", "::1", "localhost")
_ROUTER_SERVICE = re.compile(r"^traefik\.http\.routers\.(?P<router>[^.]+)\.service$")


def is_docker_socket(path) -> bool:
    """A path naming the Docker daemon's socket (``/var/run/docker.sock``, ``/run/docker.sock``, a rootless
    ``/run/user/1000/docker.sock``): whoever can write to it runs any container as root on the host."""
    return isinstance(path, str) and path.rstrip("/").rsplit("/", 1)[-1] == "docker.sock"


def _words(command) -> list[str]:
    """A command or args value as words: a list as written, a string split as a shell would."""
    if isinstance(command, list):
        return [str(word) for word in command]
    if isinstance(command, str):
        try:
            return shlex.split(command)
        except ValueError:
            return command.split()
    return []


def insecure_api_port(words: list[str], environment: dict[str, str]) -> int | None:
    """The port Traefik serves its unauthenticated API on when these arguments (or TRAEFIK_API_INSECURE)
    switch ``api.insecure`` on; None when they do not."""
    insecure = str(environment.get("TRAEFIK_API_INSECURE", "")).lower() == "true"
    port = TRAEFIK_API_PORT
    for word in words:
        flag = _INSECURE_FLAG.match(word)
        if flag:
            insecure = (flag.group("value") or "true").lower() == "true"
        address = _TRAEFIK_ADDRESS.match(word)
        if address:
            port = int(address.group("port"))
    return port if insecure else None


def _environment(value) -> dict[str, str]:
    """environment: as a mapping (a compose list of NAME=value, a compose mapping, a container's env list)."""
    if isinstance(value, dict):
        return {str(k): "" if v is None else str(v) for k, v in value.items()}
    found = {}
    for entry in value or []:
        if isinstance(entry, dict) and "name" in entry:
            found[str(entry["name"])] = str(entry.get("value", ""))
        elif isinstance(entry, str):
            name, _, text = entry.partition("=")
            found[name] = text
    return found


def _unguarded_routers(labels) -> list[str]:
    """Traefik routers, from labels, that route to the API/dashboard (``api@internal``) with no middleware
    (so no basic/forward auth) in front of it."""
    labels = _environment(labels)
    return [match.group("router") for key, value in labels.items()
            if (match := _ROUTER_SERVICE.match(key)) and value.strip() == "api@internal"
            and not labels.get(f"traefik.http.routers.{match.group('router')}.middlewares", "").strip()]


# ---- compose ----------------------------------------------------------------------------------------


def compose_exposure_hits(name: str, service: dict, keys: tuple) -> Iterator[tuple]:
    """COMPOSE005-007 for one service, as compose.py's hits: (key path, rule, message, fix)."""
    from infractl.manifests.checks.compose import _published as published
    from infractl.manifests.checks.compose import interpolate

    for index, volume in enumerate(service.get("volumes") or []):
        if isinstance(volume, dict):
            source = volume.get("source") if volume.get("type", "bind") == "bind" else None
        else:
            source = interpolate(str(volume)).split(":", 1)[0]
        if is_docker_socket(source):
            yield ((*keys, "volumes", index), "COMPOSE005",
                   f"service {name}: mounts the Docker socket {source}: root on the host",
                   ("do not mount it; if a proxy must watch containers, use a socket proxy that allows "
                   "read-only endpoints (tecnativa/docker-socket-proxy) or the provider's file/API source"))
    port = insecure_api_port([interpolate(w) for w in _words(service.get("command"))],
                             _environment(service.get("environment")))
    if port is not None:
        reach = "on the host network" if service.get("network_mode") == "host" else next(
            (f"on port {entry} of every interface" for entry in service.get("ports") or []
             if published(entry)[1] == port and published(entry)[0] not in _LOOPBACK), None)
        if reach:
            yield ((*keys, "command"), "COMPOSE006",
                   (f"service {name}: Traefik's API and dashboard run with --api.insecure and are published "
                   f"{reach}: anyone who reaches the host reads and changes its routing"),
                   ("drop --api.insecure; route the dashboard (service=api@internal) through a router "
                   "with an auth middleware, or publish the port on 127.0.0.1 only"))
    for router in _unguarded_routers(service.get("labels")):
        yield ((*keys, "labels"), "COMPOSE007",
               f"service {name}: Traefik router {router} serves the dashboard (api@internal) with no middleware",
               f"add traefik.http.routers.{router}.middlewares=<a basicauth or forwardauth middleware>")


# ---- Kubernetes ---------------------------------------------------------------------------------------


def k8s_exposure_hits(objects: list[dict]) -> Iterator:
    """K8S117 (a hostPath to the Docker socket), K8S119 (Traefik's insecure API behind a Service, a
    hostPort or the host network), K8S120 (an IngressRoute to api@internal with no middleware)."""
    from infractl.manifests.checks.hardening import Hit, label

    services = [obj for obj in objects if obj.get("kind") == "Service"]
    for obj in objects:
        found = pod_spec(obj)
        if found is not None:
            path, spec = found
            for index, volume in enumerate(spec.get("volumes") or []):
                socket = dig(volume, ("hostPath", "path")) if isinstance(volume, dict) else None
                if is_docker_socket(socket):
                    yield Hit(obj, (*path, "volumes", index), "K8S117",
                              f"{label(obj)}: volume {volume.get('name', '?')} mounts the Docker socket {socket}: "
                              "root on the node", "do not mount it; use a socket proxy or the node's API instead")
            for keys, container, _spec in containers(obj, init=False):
                reach = _insecure_reach(obj, spec, container, services)
                if reach:
                    yield Hit(obj, keys, "K8S119",
                              f"{label(obj)} container {container.get('name', '?')}: Traefik's API and "
                              f"dashboard run with --api.insecure and are reachable {reach}",
                              "drop --api.insecure; expose the dashboard through an IngressRoute with an auth "
                              "middleware")
        if obj.get("kind") == "IngressRoute":
            for index, route in enumerate(dig(obj, ("spec", "routes")) or []):
                if not isinstance(route, dict) or route.get("middlewares"):
                    continue
                if any(isinstance(s, dict) and s.get("name") == "api@internal" for s in route.get("services") or []):
                    yield Hit(obj, ("spec", "routes", index), "K8S120",
                              f"{label(obj)}: route {index + 1} serves Traefik's dashboard (api@internal) with "
                              "no middleware", "add middlewares: [{name: <a basicAuth or forwardAuth middleware>}]")


def _insecure_reach(obj: dict, spec: dict, container: dict, services: list[dict]) -> str | None:
    words = _words(container.get("command")) + _words(container.get("args"))
    port = insecure_api_port(words, _environment(container.get("env")))
    if port is None:
        return None
    if spec.get("hostNetwork") is True:
        return "on the node's network"
    names = {p.get("name") for p in container.get("ports") or [] if isinstance(p, dict) and p.get("containerPort") == port}
    if any(isinstance(p, dict) and p.get("containerPort") == port and p.get("hostPort")
           for p in container.get("ports") or []):
        return f"on hostPort {port}"
    for service in services:
        selector = dig(service, ("spec", "selector"))
        if not selector or namespace_of(service) != namespace_of(obj) \
                or not selector_matches({"matchLabels": selector}, pod_labels(obj)):
            continue
        for entry in dig(service, ("spec", "ports")) or []:
            target = entry.get("targetPort", entry.get("port")) if isinstance(entry, dict) else None
            if target == port or (target in names and target is not None):
                return f"through Service {service.get('metadata', {}).get('name', '?')} port {entry.get('port')}"
    return None
