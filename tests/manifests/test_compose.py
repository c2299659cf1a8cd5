"""Compose lint: the bundled staging file is clean; each problem is reported at its line."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from support.cache import CACHE_ROOT

from infractl.manifests.checks.compose import interpolate
from infractl.manifests.lint import lint_compose

STAGING_COMPOSE = Path(__file__).resolve().parents[2] / "manifests" / "staging" / "docker-compose.staging.yml"


@pytest.fixture
def compose(tmp_path: Path) -> Path:
    target = tmp_path / "docker-compose.staging.yml"
    shutil.copy(STAGING_COMPOSE, target)
    return target


def edit(path: Path, old: str, new: str) -> int:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if new.splitlines()[0] in line)


def rules(path: Path) -> list[tuple[str, int | None]]:
    return [(f.rule, f.line) for f in lint_compose(path)]


def test_the_bundled_compose_file_is_clean():
    assert lint_compose(STAGING_COMPOSE) == []


def test_the_bundled_compose_file_is_valid_for_docker_compose_v2(tmp_path):
    binary = shutil.which("docker-compose") or str(CACHE_ROOT / "bin" / "docker-compose")
    if not Path(binary).is_file():
        pytest.skip("no docker-compose v2 binary (the deploy tests install one)")
    env = {"PATH": "/usr/bin:/bin", "RECEIVER_IMAGE": "sha256:" + "0" * 64, "POSTGRES_PASSWORD": "pw",
           "WEBHOOK_SECRET": "whsec"}
    done = subprocess.run([binary, "-f", str(STAGING_COMPOSE), "config", "--quiet"], capture_output=True, text=True, check=False,
                          env=env)
    assert done.returncode == 0, done.stderr
    # and without the deploy's variables compose itself refuses, naming one
    done = subprocess.run([binary, "-f", str(STAGING_COMPOSE), "config", "--quiet"], capture_output=True, text=True, check=False,
                          env={"PATH": "/usr/bin:/bin"})
    assert done.returncode != 0 and "set by infractl deploy" in done.stderr


@pytest.mark.parametrize(("value", "expected"), [
    ("${RECEIVER_IMAGE}", "\x00"),
    ("${RECEIVER_IMAGE:?set by deploy}", "\x00"),
    ("${POSTGRES_IMAGE:-postgres:15.8}", "postgres:15.8"),
    ("${TAG-latest}", "latest"),
    ("repo:$TAG", "repo:\x00"),
    ("cost $$5", "cost 5"),
])
def test_interpolation_with_an_empty_environment(value, expected):
    assert interpolate(value) == expected


def test_an_unpinned_image_and_a_latest_default(compose):
    line = edit(compose, "${POSTGRES_IMAGE:-postgres:15.8}", "${POSTGRES_IMAGE:-postgres:latest}")
    assert rules(compose) == [("COMPOSE001", line)]
    edit(compose, "${POSTGRES_IMAGE:-postgres:latest}", "postgres")
    assert rules(compose) == [("COMPOSE001", line)]


def test_a_missing_healthcheck_is_a_warning_on_demand_services_excepted(compose):
    text = compose.read_text()
    start = text.index("    healthcheck:\n      test: [\"CMD\", \"python\"")
    end = text.index("    restart: unless-stopped", start)
    compose.write_text(text[:start] + text[end:])
    found = lint_compose(compose)
    assert [(f.rule, f.severity.value) for f in found] == [("COMPOSE002", "warning")]
    assert found[0].message == "service receiver: no healthcheck"
    assert found[0].line == next(n for n, line in enumerate(compose.read_text().splitlines(), 1)
                                 if line == "  receiver:")


@pytest.mark.parametrize(("old", "new"), [
    ("POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set by infractl deploy}", "POSTGRES_PASSWORD: webhooks-dev-pw"),
    ("WEBHOOK_SECRET: ${WEBHOOK_SECRET:?set by infractl deploy}", "WEBHOOK_SECRET: ${WEBHOOK_SECRET:-whsec_dev}"),
    ("webhooks:${POSTGRES_PASSWORD:?set by infractl deploy}@127.0.0.1:5433/webhooks\n      WEBHOOK",
     "webhooks:hunter2@127.0.0.1:5433/webhooks\n      WEBHOOK"),
])
def test_secret_literals_in_environment(compose, old, new):
    line = edit(compose, old, new)
    assert rules(compose) == [("COMPOSE003", line)]


def test_list_form_environment(tmp_path):
    path = tmp_path / "compose.yml"
    path.write_text("services:\n  app:\n    image: app:1.0.2\n    healthcheck: {test: [CMD, 'true']}\n"
                    "    environment:\n      - API_TOKEN=abc123\n      - LOG_LEVEL=info\n      - DB_PASSWORD=${DB_PASSWORD}\n")
    assert rules(path) == [("COMPOSE003", 6)]


def test_published_database_ports(compose, tmp_path):
    line = edit(compose, '    command: ["postgres", "-c", "listen_addresses=127.0.0.1", "-p", "5433"]',
                '    command: ["postgres", "-p", "5433"]')
    assert rules(compose) == [("COMPOSE004", line - 1)]  # network_mode: host, the line above
    path = tmp_path / "bridge.yml"
    path.write_text("services:\n  db:\n    image: postgres:15.8\n    healthcheck: {test: [CMD, pg_isready]}\n"
                    "    ports:\n      - \"5433:5432\"\n      - \"127.0.0.1:5434:5432\"\n"
                    "      - {target: 5432, published: 5435}\n"
                    "  cache:\n    image: redis:7.2.4\n    healthcheck: {test: [CMD, redis-cli, ping]}\n"
                    "    ports: [\"6379\"]\n")
    assert rules(path) == [("COMPOSE004", 6), ("COMPOSE004", 8), ("COMPOSE004", 12)]


def test_noqa_in_the_compose_file(compose):
    edit(compose, "POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set by infractl deploy}",
         "POSTGRES_PASSWORD: webhooks-dev-pw  # noqa: COMPOSE003")
    from infractl.rulebook.selection import RuleSelection, keep_wanted

    assert lint_compose(compose) and keep_wanted(lint_compose(compose), RuleSelection()) == []


def test_a_directory_with_only_a_compose_file_through_the_cli(compose, monkeypatch):
    from typer.testing import CliRunner

    from infractl import cli

    monkeypatch.chdir(compose.parent)
    runner = CliRunner()
    result = runner.invoke(cli.app, ["manifests", "lint", "."])
    assert result.exit_code == 0, result.output
    assert "0 objects, 1 compose file checked" in result.output
    edit(compose, "POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set by infractl deploy}", "POSTGRES_PASSWORD: hunter2")
    result = runner.invoke(cli.app, ["manifests", "lint", ".", "--json"])
    assert result.exit_code == 1 and "hunter2" not in result.output
    compose.unlink()
    result = runner.invoke(cli.app, ["manifests", "lint", "."])
    assert result.exit_code == 2 and "no kustomization.yaml and no compose file" in result.output
