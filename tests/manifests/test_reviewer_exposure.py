"""Issue 18, item 3: what a human reviewer finds in minutes and manifests lint did not: the Docker socket
mounted into a container, Traefik's insecure API published or its dashboard routed without auth, and
floating major/minor tags (a warning, distinct from :latest)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from infractl.findings import Severity
from infractl.manifests.checks.dockerfile import lint_dockerfile
from infractl.manifests.lint import lint_compose, lint_objects


def compose_findings(tmp_path: Path, text: str, name: str = "compose.yml") -> list[tuple[str, int | None, str]]:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return [(f.rule, f.line, f.severity.value) for f in lint_compose(path)]


def k8s_findings(text: str) -> list[tuple[str, str]]:
    objects = [doc for doc in yaml.safe_load_all(textwrap.dedent(text)) if doc]
    return [(f.rule, f.message) for f in lint_objects(objects, "example.yaml")]


# A trimmed copy of the shapes in fastapi/full-stack-fastapi-template's compose.override.yml.
PROXY = """\
services:
  proxy:
    image: traefik:3.3.5
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
    ports:
      - "80:80"
      - "8090:8080"
    command:
      - --providers.docker
      - --entrypoints.http.address=:80
      - --api
      - --api.insecure=true
    labels:
      - traefik.enable=true
      - traefik.http.routers.dashboard.rule=Host(`traefik.localhost`)
      - traefik.http.routers.dashboard.service=api@internal
    healthcheck: {test: ["CMD", "traefik", "healthcheck"]}
"""


def test_the_templates_proxy_gives_the_socket_the_insecure_api_and_the_open_dashboard(tmp_path):
    found = compose_findings(tmp_path, PROXY, "compose.override.yml")
    assert sorted(found) == [("COMPOSE005", 5, "error"),  # the volumes: entry's line
                             ("COMPOSE006", 9, "error"),  # command:
                             ("COMPOSE007", 14, "warning"),  # labels:
                             ("COMPOSE010", 7, "warning"), ("COMPOSE010", 8, "warning")]  # an override's ports


@pytest.mark.parametrize("volume", [
    "/var/run/docker.sock:/var/run/docker.sock:ro",
    "/run/docker.sock:/var/run/docker.sock",
    "${DOCKER_SOCK:-/var/run/docker.sock}:/tmp/docker.sock",
    "{type: bind, source: /var/run/docker.sock, target: /var/run/docker.sock, read_only: true}",
    "/run/user/1000/docker.sock:/var/run/docker.sock",
])
def test_every_spelling_of_a_socket_mount_is_reported(tmp_path, volume):
    entry = volume if volume.startswith("{") else f'"{volume}"'
    text = f"services:\n  agent:\n    image: portainer/agent:2.21.4\n    volumes: [{entry}]\n" \
           "    healthcheck: {test: [CMD, true]}\n"
    assert [rule for rule, _, _ in compose_findings(tmp_path, text)] == ["COMPOSE005"]


@pytest.mark.parametrize("volume", ["dockerdata:/var/lib/docker", "./docker.socket.md:/docs/x.md",
                                    "{type: volume, source: docker.sock, target: /data}"])
def test_other_volumes_are_not_the_socket(tmp_path, volume):
    entry = volume if volume.startswith("{") else f'"{volume}"'
    text = f"services:\n  agent:\n    image: portainer/agent:2.21.4\n    volumes: [{entry}]\n" \
           "    healthcheck: {test: [CMD, true]}\n"
    assert compose_findings(tmp_path, text) == []


@pytest.mark.parametrize(("command", "ports", "extra", "reported"), [
    ('["--api.insecure=true"]', '["8080:8080"]', "", True),
    ('"--providers.docker --api.insecure"', '["0.0.0.0:9000:8080"]', "", True),  # a string, the bare flag
    ('["--api.insecure=true"]', '["127.0.0.1:8090:8080"]', "", False),  # loopback only: a local tool
    ('["--api.insecure=true"]', '["80:80"]', "", False),  # its port not published
    ('["--api.insecure=false"]', '["8080:8080"]', "", False),
    ('["--api.dashboard=true"]', '["8080:8080"]', "", False),  # the API is not insecure: nothing proven
    ('["--api.insecure=true", "--entrypoints.traefik.address=:9000"]', '["9000:9000"]', "", True),
    ('["--api.insecure=true", "--entrypoints.traefik.address=:9000"]', '["8080:8080"]', "", False),
    ('["--api.insecure=true"]', "[]", "    network_mode: host\n", True),
    ('["--providers.docker"]', '[{target: 8080, published: 8080}]', "    environment: [TRAEFIK_API_INSECURE=true]\n",
     True),
])
def test_the_insecure_api_is_reported_only_where_its_port_is_published(tmp_path, command, ports, extra, reported):
    text = f"services:\n  proxy:\n    image: traefik:3.3.5\n    command: {command}\n    ports: {ports}\n{extra}" \
           "    healthcheck: {test: [CMD, traefik, healthcheck]}\n"
    assert ("COMPOSE006" in {rule for rule, _, _ in compose_findings(tmp_path, text)}) is reported


def test_a_dashboard_router_with_a_middleware_passes_and_a_dict_of_labels_is_read(tmp_path):
    text = """\
    services:
      proxy:
        image: traefik:3.3.5
        labels:
          traefik.http.routers.open.service: api@internal
          traefik.http.routers.guarded.service: api@internal
          traefik.http.routers.guarded.middlewares: admin-auth
        healthcheck: {test: [CMD, traefik, healthcheck]}
    """
    found = lint_compose_messages(tmp_path, text)
    assert found == [("COMPOSE007", ("service proxy: Traefik router open serves the dashboard (api@internal) "
                                    "with no middleware"))]


def lint_compose_messages(tmp_path: Path, text: str) -> list[tuple[str, str]]:
    path = tmp_path / "compose.yml"
    path.write_text(textwrap.dedent(text))
    return [(f.rule, f.message) for f in lint_compose(path)]


POD = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: traefik}}
spec:
  selector: {{matchLabels: {{app: traefik}}}}
  template:
    metadata: {{labels: {{app: traefik}}}}
    spec:
      {spec}
      containers:
      - name: traefik
        image: traefik:v3.3.5
        args: [--providers.kubernetescrd, --api.insecure=true]
        ports: [{{name: admin, containerPort: 8080{host_port}}}]
"""
SERVICE = """\
---
apiVersion: v1
kind: Service
metadata: {{name: traefik}}
spec:
  selector: {{app: {selector}}}
  ports: [{{port: 80, targetPort: {target}}}]
"""


@pytest.mark.parametrize(("spec", "host_port", "service", "reached"), [
    ("", "", SERVICE.format(selector="traefik", target="admin"), "through Service traefik port 80"),  # by name
    ("", "", SERVICE.format(selector="traefik", target="8080"), "through Service traefik port 80"),
    ("", "", SERVICE.format(selector="other", target="8080"), None),  # selects other pods
    ("", "", SERVICE.format(selector="traefik", target="8000"), None),
    ("", ", hostPort: 8080", "", "on hostPort 8080"),
    ("hostNetwork: true", "", "", "on the node's network"),
    ("", "", "", None),
])
def test_kubernetes_traefik_insecure_api_is_reported_where_something_reaches_it(spec, host_port, service, reached):
    found = [message for rule, message in k8s_findings(POD.format(spec=spec, host_port=host_port) + service)
             if rule == "K8S119"]
    assert found == ([(f"Deployment/traefik container traefik: Traefik's API and dashboard run with "
                      f"--api.insecure and are reachable {reached}")] if reached else [])


@pytest.mark.parametrize("path", ["/var/run/docker.sock", "/run/docker.sock", "/var/run/docker.sock/"])
def test_a_hostpath_to_the_socket_is_its_own_error_beside_the_hostpath_finding(path):
    text = f"""\
    apiVersion: v1
    kind: Pod
    metadata: {{name: ci-runner}}
    spec:
      volumes: [{{name: docker, hostPath: {{path: {path}, type: Socket}}}}]
      containers: [{{name: runner, image: "runner:1.2.3"}}]
    """
    rules = [rule for rule, _ in k8s_findings(text)]
    assert rules.count("K8S117") == 1 and rules.count("K8S109") == 1


@pytest.mark.parametrize(("image", "floating"), [
    ("postgres:18", True), ("python:3.14", True), ("node:20-alpine", True), ("python:3.12-slim-bookworm", True),
    ("traefik:v3.1", True), ("ghcr.io/org/app:2", True), ("registry.example:5000/team/web:1.27", True),
    ("postgres:9.6", True),  # before 10, PostgreSQL's releases had three numbers
    ("postgres:17.2", False), ("postgres:17.2-alpine", False), ("python:3.12.7-slim", False),
    ("node:20.18.1-alpine", False), ("nginx:1.27.3", False), ("traefik:v3.3.5", False),
    ("python:3.14@sha256:" + "a" * 64, False), ("python@sha256:" + "a" * 64, False),
    ("ubuntu:jammy-20240911.1", False), ("debian:bookworm", False), ("app:20240911", False),
    ("minio/minio:RELEASE.2024-11-07T00-52-20Z", False), ("registry.example:5000/web", False),
    ("python:latest", False), ("python", False),  # K8S103/COMPOSE001/DOCKER001 say what these are
])
def test_floating_tags_are_a_major_or_major_minor_line(image, floating):
    from infractl.manifests.checks.review.tags import (
        floating_tag,  # new here: the other tests import only what main has
    )

    assert (floating_tag(image) is not None) is floating


def test_floating_tags_are_warnings_in_all_three_and_latest_stays_what_it_was(tmp_path):
    k8s = lint_objects([{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "db"},
                         "spec": {"containers": [{"name": "db", "image": "postgres:18"},
                                                 {"name": "cache", "image": "redis:latest"}]}}], "pod.yaml")
    assert [(f.rule, f.severity) for f in k8s if f.rule in ("K8S103", "K8S118")] == [
        ("K8S103", Severity.ERROR), ("K8S118", Severity.WARNING)]
    compose = compose_findings(tmp_path, "services:\n  db:\n    image: postgres:18\n  cache:\n    image: redis\n")
    assert [(rule, line, severity) for rule, line, severity in compose if rule in ("COMPOSE001", "COMPOSE008")] == [
        ("COMPOSE008", 3, "warning"), ("COMPOSE001", 5, "error")]
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("ARG BASE=python:3.14-slim\nFROM ${BASE} AS build\nFROM node:20-alpine\nFROM build\n"
                          "USER 10001\n")
    assert [(f.rule, f.line, f.severity) for f in lint_dockerfile(dockerfile) if f.rule.startswith("DOCKER00")] == [
        ("DOCKER006", 2, Severity.WARNING), ("DOCKER006", 3, Severity.WARNING)]  # FROM build: a stage, not an image


def test_an_image_the_deploy_sets_is_not_judged(tmp_path):
    text = "services:\n  web:\n    image: ${WEB_IMAGE:?set by the deploy}\n  db:\n    image: ${PG:-postgres:16}\n"
    assert [rule for rule, _, _ in compose_findings(tmp_path, text) if rule == "COMPOSE008"] == ["COMPOSE008"]
