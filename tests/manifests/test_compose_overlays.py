"""Compose overlays linted as Compose reads them: compose.override.yml merged with its base (docker compose
does it on its own), compose.deploy.yml and docker-compose.*.yml with theirs (``-f BASE -f OVERLAY``), by the
real Compose v2, with a pure-Python merge as the fallback when it is absent; one-shot services are not asked
for a healthcheck."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from infractl import cli
from infractl.errors import InfractlError

BASE = """\
services:
  web:
    image: registry.example/web:1.4.2
    healthcheck: {test: ["CMD", "curl", "-f", "http://localhost:8000/health"], interval: 5s}
    environment:
      LOG_LEVEL: info
  db:
    image: postgres:16.4
    healthcheck: {test: ["CMD", "pg_isready"]}
  cache:
    image: redis:latest
"""
OVERRIDE = """\
services:
  web:
    ports: ["127.0.0.1:8000:8000"]
    environment:
      DEBUG: "1"
"""
DEPLOY = """\
services:
  web:
    deploy: {replicas: 2}
  db:
    image: postgres:latest
"""
ONE_SHOT = """\
services:
  api:
    image: registry.example/api:2.0.1
    healthcheck: {test: ["CMD", "true"]}
    depends_on:
      prestart: {condition: service_completed_successfully}
  prestart:
    image: registry.example/api:2.0.1
    command: python -m app.prestart
  migrate:
    image: registry.example/api:2.0.1
    command: alembic upgrade head
    restart: "no"
  shell:
    image: registry.example/api:2.0.1
    profiles: [tools]
  worker:
    image: registry.example/api:2.0.1
    command: celery worker
"""


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def lint(cwd: Path, *args: str) -> tuple[int, list[tuple[str, str, int | None, str]]]:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(cli.app, ["manifests", "lint", *args, "--json"])
    finally:
        os.chdir(old)
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, sorted((f["rule"], f["path"], f["line"], f["message"])
                                    for f in json.loads(result.output)["findings"])


@pytest.fixture
def real_compose():
    from infractl.deploy.targets.compose import find_compose

    try:
        return find_compose()
    except InfractlError as exc:
        pytest.skip(f"{exc} (scripts/install-compose.sh installs it)")


@pytest.fixture(params=["real compose", "fallback"])
def merger(request, monkeypatch):
    """Each test runs with the real Compose v2 and with the named fallback (compose absent)."""
    if request.param == "real compose":
        request.getfixturevalue("real_compose")
    else:
        def absent():
            raise InfractlError("Docker Compose v2 is not installed")
        monkeypatch.setattr("infractl.deploy.targets.compose.find_compose", absent)
    return request.param


def test_an_override_is_merged_with_its_base(tmp_path, merger):
    override = OVERRIDE + ("  cache:\n    healthcheck: {test: [CMD, redis-cli, ping]}\n"
                           "  db:\n    ports: [\"5432:5432\"]\n")
    write(tmp_path, {"compose.yml": BASE, "compose.override.yml": override})
    code, findings = lint(tmp_path, ".")
    # main: the override was not read: cache "has no healthcheck" (the override gives it one) and the
    # database the override publishes on every interface went unseen
    assert code == 1
    assert [(rule, path, line) for rule, path, line, _ in findings] == [
        ("COMPOSE001", "compose.yml", 11),  # cache's redis:latest, once
        ("COMPOSE004", "compose.override.yml", 9),  # db's port, where the override publishes it
    ]


def test_an_overlay_is_merged_with_its_base_and_reports_only_its_own_lines(tmp_path, merger):
    write(tmp_path, {"compose.yml": BASE, "compose.deploy.yml": DEPLOY, "docker-compose.prod.yml": DEPLOY})
    code, findings = lint(tmp_path, ".")
    # main: COMPOSE002 for web and db in both overlays
    assert code == 1
    assert [(rule, path, line) for rule, path, line, _ in findings] == [
        ("COMPOSE001", "compose.deploy.yml", 5),  # the overlay's own postgres:latest
        ("COMPOSE001", "compose.yml", 11),
        ("COMPOSE001", "docker-compose.prod.yml", 5),
        ("COMPOSE002", "compose.yml", 10),
    ]


def test_check_merges_the_overlays_it_finds(tmp_path, merger):
    (tmp_path / "deploy").mkdir()
    write(tmp_path / "deploy", {"docker-compose.yml": BASE, "docker-compose.override.yml": OVERRIDE,
                                "docker-compose.prod.yml": DEPLOY})
    (tmp_path / ".git").mkdir()
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        result = CliRunner().invoke(cli.app, ["check", "--select", "COMPOSE001,COMPOSE002", "--json"])
    finally:
        os.chdir(old)
    findings = sorted((f["rule"], f["path"], f["line"], f["message"]) for f in json.loads(result.output)["findings"])
    assert findings == [  # each once: the base's, and the overlay's own image
        ("COMPOSE001", "deploy/docker-compose.prod.yml", 5, "service db: image postgres:latest uses :latest"),
        ("COMPOSE001", "deploy/docker-compose.yml", 11, "service cache: image redis:latest uses :latest"),
        ("COMPOSE002", "deploy/docker-compose.yml", 10, "service cache: no healthcheck"),
    ], result.output


def test_one_shot_services_are_not_asked_for_a_healthcheck(tmp_path):
    write(tmp_path, {"compose.yml": ONE_SHOT})
    _, findings = lint(tmp_path, ".", "--select", "COMPOSE002")
    # main: prestart and migrate were asked for one too
    assert [message for *_, message in findings] == ["service worker: no healthcheck"]


def test_compose_refusing_the_merge_is_a_finding_on_the_overlay(tmp_path, real_compose):
    write(tmp_path, {"compose.yml": BASE, "compose.deploy.yml": "services:\n  web:\n    extends: {service: nowhere}\n"})
    code, findings = lint(tmp_path, ".")
    assert code == 1
    refused = [(path, message) for rule, path, _, message in findings if rule == "COMPOSE000"]
    assert len(refused) == 1 and refused[0][0] == "compose.deploy.yml"
    assert "docker compose refuses the merge with compose.yml" in refused[0][1] and "nowhere" in refused[0][1]


def test_the_fallback_merges_as_compose_does_on_these_files(tmp_path, real_compose):
    from infractl.load.yamldocs import load_file_documents
    from infractl.manifests.compose_files import merge_models, merged_model

    write(tmp_path, {"compose.yml": BASE, "compose.override.yml": OVERRIDE, "compose.deploy.yml": DEPLOY})
    for overlay in ("compose.override.yml", "compose.deploy.yml"):
        members = [tmp_path / "compose.yml", tmp_path / overlay]
        documents = [load_file_documents(path)[0] for path in members]
        real, failure = merged_model(members, documents)
        assert failure is None
        fallback = merge_models(documents)
        for name, service in real["services"].items():
            for key in ("image", "healthcheck", "deploy"):
                assert service.get(key) == fallback["services"][name].get(key), (overlay, name, key)
            environment = service.get("environment") or []
            as_mapping = dict(e.split("=", 1) for e in environment) if isinstance(environment, list) else environment
            assert as_mapping == (fallback["services"][name].get("environment") or {}), (overlay, name)


def test_an_overlay_repeats_nothing_the_base_reports_and_reports_a_service_of_its_own(tmp_path, merger):
    overlay = "services:\n  cache:\n    deploy: {replicas: 2}\n  jobs:\n    image: registry.example/jobs:1.0\n"
    write(tmp_path, {"compose.yml": BASE, "compose.prod.yml": overlay})
    _, findings = lint(tmp_path, ".", "--select", "COMPOSE002")
    # cache lacks a healthcheck in both files: the base's finding, once; jobs is the overlay's own service
    assert [(path, line) for _, path, line, _ in findings] == [("compose.prod.yml", 4), ("compose.yml", 10)]
