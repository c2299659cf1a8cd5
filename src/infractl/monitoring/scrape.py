"""Prometheus scrape targets against the Kubernetes Services and compose services beside them (MON012).

A target ``name.namespace.svc[.cluster.local]:port`` (in ``static_configs``, or an A/AAAA ``dns_sd_configs``
name with its ``port``) that names a Service in the same tree must reach the pods: a port the Service does
not listen on never answers (``up`` stays 0 and the down alert fires for ever), and a Service with a cluster
IP hands each scrape to one replica, so the replicas' counters mix and a dead pod goes unseen. A headless
Service (``clusterIP: None``) resolves to the pods themselves. Services the tree does not hold are not judged.

A target ``name:port`` that names a compose service (its name, ``container_name``, ``hostname`` or a network
alias) on a port compose *publishes* on the host for another container port never answers either: inside the
compose network the container listens on its own port (``"8081:80"``: 80). Other ports are not judged: a
container may listen on ports its compose file never mentions.
"""

from __future__ import annotations

import re
from pathlib import Path

from infractl.findings import Finding
from infractl.load import LoadError
from infractl.load.yamldocs import PosDict, PosList, load_file_documents
from infractl.monitoring.rules import SCRAPE_MISSES_PODS
from infractl.monitoring.sources import ConfigSource

_SERVICE_HOST = re.compile(r"^(?P<name>[a-z0-9]([-a-z0-9]*[a-z0-9])?)\.(?P<namespace>[a-z0-9]([-a-z0-9]*[a-z0-9])?)"
                           r"\.svc(\.cluster\.local)?\.?$")
_FIX = ("scrape each pod: a headless Service (clusterIP: None) on the metrics port with dns_sd_configs, "
        "or kubernetes_sd_configs (role: pod)")


class Service:
    """A Service of the tree: name, namespace (None: set by no file, so any), ports, whether headless."""

    def __init__(self, name: str, namespace: str | None, ports: list[int], headless: bool) -> None:
        self.name, self.namespace, self.ports, self.headless = name, namespace, ports, headless


def _loaded(files: list[Path]):
    """(file, its documents) for each file that loads; one that cannot holds nothing here (the manifests
    area reports it)."""
    for file in files:
        try:
            yield file, load_file_documents(file)
        except LoadError:
            continue


def services_in(files: list[Path], root: Path) -> list[Service]:
    """The Services in ``files``; a file that cannot be loaded holds none (the manifests area reports it)."""
    found = []
    for file, documents in _loaded(files):
        for document in documents:
            if not (isinstance(document, dict) and document.get("kind") == "Service"):
                continue
            metadata = document.get("metadata") if isinstance(document.get("metadata"), dict) else {}
            spec = document.get("spec") if isinstance(document.get("spec"), dict) else {}
            ports = [p.get("port") for p in spec.get("ports") or [] if isinstance(p, dict)]
            if isinstance(metadata.get("name"), str):
                found.append(Service(metadata["name"], metadata.get("namespace") or _kustomize_namespace(file, root),
                                     [p for p in ports if isinstance(p, int)], spec.get("clusterIP") == "None"))
    return found


def _kustomize_namespace(file: Path, root: Path) -> str | None:
    """The ``namespace:`` of the nearest kustomization at or above the file's directory, within ``root``."""
    for directory in (file.parent, *file.parent.parents):
        for name in ("kustomization.yaml", "kustomization.yml", "Kustomization"):
            try:
                documents = load_file_documents(directory / name) if (directory / name).is_file() else []
            except LoadError:
                documents = []
            if documents and isinstance(documents[0], dict) and isinstance(documents[0].get("namespace"), str):
                return documents[0]["namespace"]
        if directory == root or root not in directory.parents:
            return None
    return None


def _targets(job: PosDict):
    """(host, port, line) of each static target and each A/AAAA DNS name of one scrape job."""
    for static in job.get("static_configs") or []:
        targets = static.get("targets") if isinstance(static, dict) else None
        for index, target in enumerate(targets if isinstance(targets, PosList) else []):
            host, _, port = str(target).rpartition(":")
            if host and port.isdigit():
                yield host, int(port), targets.item_lines[index]
    for dns in job.get("dns_sd_configs") or []:
        names = dns.get("names") if isinstance(dns, dict) else None
        if dns.get("type", "SRV") in ("A", "AAAA") and isinstance(dns.get("port"), int):
            for index, name in enumerate(names if isinstance(names, PosList) else []):
                yield str(name), dns["port"], names.item_lines[index]


def scrape_findings(configs: list[ConfigSource], services: list[Service],
                    composes: list[ComposeService] = ()) -> list[Finding]:
    """MON012 for each scrape target of ``configs`` (loaded by sources.py) that misses the pods or the
    container it names."""
    findings = []
    for config in configs:
        jobs = config.document.get("scrape_configs")
        for job in jobs if isinstance(jobs, list) else []:
            if isinstance(job, PosDict):
                findings.extend(_job_findings(str(config.path), job, services, composes))
    return findings


def _job_findings(path: str, job: PosDict, services: list[Service], composes: list[ComposeService]) -> list[Finding]:
    findings = []
    name = job.get("job_name")
    for host, port, line in _targets(job):
        compose = next((c for c in composes if host in c.names), None) if "." not in host else None
        if compose and port in compose.published and port not in compose.listens:
            findings.append(SCRAPE_MISSES_PODS.finding(
                path, line, None, f"job {name} scrapes {host}:{port}, but compose publishes service {compose.name} "
                f"on {port} on the host only; in the compose network it listens on {compose.published[port]}: "
                "every scrape fails, up stays 0", f"scrape {host}:{compose.published[port]}"))
            continue
        match = _SERVICE_HOST.match(host)
        service = match and next((s for s in services if s.name == match["name"]
                                  and s.namespace in (None, match["namespace"])), None)
        if not service:
            continue
        if port not in service.ports:
            shown = ", ".join(str(p) for p in service.ports) or "none"
            findings.append(SCRAPE_MISSES_PODS.finding(
                path, line, None, f"job {name} scrapes {host}:{port}, but Service {service.name} listens on "
                f"{shown}: every scrape fails, up stays 0", _FIX))
        elif not service.headless:
            findings.append(SCRAPE_MISSES_PODS.finding(
                path, line, None, f"job {name} scrapes Service {service.name} through its cluster IP: each "
                "scrape reaches one replica, so their counters mix and a dead pod goes unseen", _FIX))
    return findings


class ComposeService:
    """A compose service: the names it answers to in its network, the container ports it declares
    (``listens``), and host port -> container port of what it publishes."""

    def __init__(self, name: str, names: set[str], listens: set[int], published: dict[int, int]) -> None:
        self.name, self.names, self.listens, self.published = name, names, listens, published


def compose_services(files: list[Path]) -> list[ComposeService]:
    """The services of the compose files (one on the host's network publishes nothing: not judged); a file
    that cannot be loaded holds none (the manifests area reports it)."""
    found = []
    for _file, documents in _loaded(files):
        services = documents[0].get("services") if documents and isinstance(documents[0], dict) else None
        for name, service in services.items() if isinstance(services, dict) else ():
            if not isinstance(service, dict) or service.get("network_mode") == "host":
                continue
            names = {str(name)} | {str(service[key]) for key in ("container_name", "hostname") if service.get(key)}
            networks = service.get("networks")
            for network in networks.values() if isinstance(networks, dict) else ():
                aliases = network.get("aliases") if isinstance(network, dict) else None
                names.update(str(alias) for alias in aliases or [] if isinstance(aliases, list))
            listens, published = set(), {}
            for port in service.get("ports") or []:
                host, container = _compose_port(port)
                if container is not None:
                    listens.add(container)
                    if host is not None:
                        published[host] = container
            listens.update(int(str(p).split("/")[0]) for p in service.get("expose") or []
                           if str(p).split("/")[0].isdigit())
            found.append(ComposeService(str(name), names, listens, published))
    return found


def _compose_port(port) -> tuple[int | None, int | None]:
    """(published host port, container port) of one ``ports`` entry; None where absent or a range."""
    if isinstance(port, dict):
        host, container = port.get("published"), port.get("target")
    else:
        parts = str(port).split("/")[0].split(":")
        host, container = (parts[-2] if len(parts) > 1 else None), parts[-1]
    host = int(host) if str(host).isdigit() else None
    return host, (int(container) if str(container).isdigit() else None)
