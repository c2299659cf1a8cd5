"""Prometheus scrape targets against the Kubernetes Services beside them (MON012).

A target ``name.namespace.svc[.cluster.local]:port`` (in ``static_configs``, or an A/AAAA ``dns_sd_configs``
name with its ``port``) that names a Service in the same tree must reach the pods: a port the Service does
not listen on never answers (``up`` stays 0 and the down alert fires for ever), and a Service with a cluster
IP hands each scrape to one replica, so the replicas' counters mix and a dead pod goes unseen. A headless
Service (``clusterIP: None``) resolves to the pods themselves. Services the tree does not hold are not judged.
"""

from __future__ import annotations

import re
from pathlib import Path

from infractl.findings import Finding
from infractl.load import LoadError
from infractl.load.yamldocs import PosDict, PosList, load_file_documents
from infractl.monitoring.rules import SCRAPE_MISSES_PODS

_SERVICE_HOST = re.compile(r"^(?P<name>[a-z0-9]([-a-z0-9]*[a-z0-9])?)\.(?P<namespace>[a-z0-9]([-a-z0-9]*[a-z0-9])?)"
                           r"\.svc(\.cluster\.local)?\.?$")
_FIX = ("scrape each pod: a headless Service (clusterIP: None) on the metrics port with dns_sd_configs, "
        "or kubernetes_sd_configs (role: pod)")


class Service:
    """A Service of the tree: name, namespace (None: set by no file, so any), ports, whether headless."""

    def __init__(self, name: str, namespace: str | None, ports: list[int], headless: bool) -> None:
        self.name, self.namespace, self.ports, self.headless = name, namespace, ports, headless


def services_in(files: list[Path], root: Path) -> list[Service]:
    """The Services in ``files``; a file that cannot be loaded holds none (the manifests area reports it)."""
    found = []
    for file in files:
        try:
            documents = load_file_documents(file)
        except LoadError:
            continue
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


def scrape_findings(configs: list[Path], services: list[Service]) -> list[Finding]:
    findings = []
    for config in configs:
        try:
            documents = load_file_documents(config)
        except LoadError:
            continue  # promtool check config reports it (MON001)
        for document in documents:
            jobs = document.get("scrape_configs") if isinstance(document, dict) else None
            for job in jobs if isinstance(jobs, list) else []:
                if isinstance(job, PosDict):
                    findings.extend(_job_findings(str(config), job, services))
    return findings


def _job_findings(path: str, job: PosDict, services: list[Service]) -> list[Finding]:
    findings = []
    name = job.get("job_name")
    for host, port, line in _targets(job):
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
