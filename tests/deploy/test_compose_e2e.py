"""End to end, for real: `infractl deploy staging` (kind = "compose") builds examples/webhook-receiver
from Dockerfile.staging, brings up the bundled stack (manifests/staging/docker-compose.staging.yml:
PostgreSQL 15 + the receiver) with Docker Compose v2, passes the bundled smoke checks (health, a signed
webhook accepted, the rate limit's 429s and their counter), then retention deletes exactly the rows
older than the cutoff, and `--down` leaves nothing running. Images come from scripts/test-images.sh
(no registry pulls here)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, docker_ready

from infractl.errors import InfractlError

pytestmark = [pytest.mark.slow]

PROJECT = "webhook-receiver-staging"
SECRETS = {"STAGING_POSTGRES_PASSWORD": "pg-Zq7-leak-canary-e2e", "STAGING_WEBHOOK_SECRET": "whsec_Zq7canary_e2e"}


def compose_available() -> bool:
    from infractl.deploy.targets.compose import find_compose

    try:
        find_compose()
    except InfractlError:
        return False
    return docker_ready() and subprocess.run(["docker", "image", "inspect", "infractl-test/postgres:15"],
                                             capture_output=True, check=False).returncode == 0


needs_stack = pytest.mark.skipif(not compose_available(), reason="needs Docker, Compose v2 and the test images "
                                 "(scripts/test.sh installs and builds them)")


def staging_config(tmp_path: Path) -> Path:
    """The repository's own [tool.infractl.deploy.staging], with the paths made absolute and the base
    image switched to the locally built Debian one (python:3.12-slim cannot be pulled here)."""
    text = (ROOT / "pyproject.toml").read_text()
    block = text[text.index("[tool.infractl.deploy.staging]"):]
    block = re.sub(r'(compose_file|body_file) = "', lambda m: f'{m.group(1)} = "{ROOT}/', block)
    block = block.replace('context = "examples/webhook-receiver",',
                          f'context = "{ROOT}/examples/webhook-receiver", '
                          'args = { BASE_IMAGE = "infractl-test/debian:bookworm" },')
    path = tmp_path / "pyproject.toml"
    path.write_text(block)
    return path


def infractl(config: Path, *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    env = {**os.environ, **SECRETS, "POSTGRES_IMAGE": "infractl-test/postgres:15",
           "PATH": f"{ROOT / '.cache' / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run([sys.executable, "-m", "infractl", "deploy", "staging", "--config", str(config), *args],
                          capture_output=True, text=True, env=env, timeout=timeout, check=False)
    for text in (done.stdout, done.stderr):
        for value in SECRETS.values():
            assert value not in text, "a secret value leaked into deploy's output"
    return done


def running(project: str) -> list[str]:
    done = subprocess.run(["docker", "ps", "-a", "--filter", f"label=com.docker.compose.project={project}",
                           "--format", "{{.Names}}"], capture_output=True, text=True, check=True)
    return done.stdout.split()


def volumes(project: str) -> list[str]:
    done = subprocess.run(["docker", "volume", "ls", "--filter", f"label=com.docker.compose.project={project}",
                           "--format", "{{.Name}}"], capture_output=True, text=True, check=True)
    return done.stdout.split()


@needs_stack
def test_staging_compose_deploy_smoke_retention_down(tmp_path):
    config = staging_config(tmp_path)
    infractl(config, "--down", "--volumes")  # a stack left over by an interrupted run
    try:
        done = infractl(config, "--tag", "e2e-test", "--json")
        assert done.returncode == 0, done.stdout + done.stderr
        report = json.loads(done.stdout)
        assert [s["status"] for s in report["steps"]] == ["ok", "ok", "skipped", "ok", "ok", "ok", "ok", "ok"]
        assert report["image"]["reference"].startswith("sha256:")
        smoke = {check["name"]: check for check in report["smoke"]}
        assert all(check["ok"] for check in smoke.values()), report["smoke"]
        # 1 signed webhook + 101 unsigned ones: the first 100 requests of the minute pass, the rest get 429.
        limited = smoke["rate limit: request 102 within a minute is refused"]
        assert limited["statuses"] == {"400": 99, "429": 2}
        retention = next(check for name, check in smoke.items() if name.startswith("retention deletes exactly"))
        assert retention["exit_code"] == 0 and retention["service"] == "receiver"
        containers = {name.split("-")[-2] for name in running(PROJECT)}
        assert containers == {"db", "receiver"}
        image = subprocess.run(["docker", "inspect", "-f", "{{.Image}}", f"{PROJECT}-receiver-1"],
                               capture_output=True, text=True, check=True).stdout.strip()
        assert image == report["image"]["id"]  # pinned by ID
        check_retention()
        # --down keeps the database volume unless --volumes.
        done = infractl(config, "--down")
        assert done.returncode == 0, done.stderr
        assert running(PROJECT) == [] and volumes(PROJECT) == [f"{PROJECT}_pgdata"]
    finally:
        done = infractl(config, "--down", "--volumes")
    assert done.returncode == 0, done.stderr
    assert running(PROJECT) == [] and volumes(PROJECT) == []


def check_retention() -> None:
    """Rows received 40 and 31 days ago go; 29 days ago, 1 hour ago and the smoke event stay."""
    import psycopg

    url = f"postgresql://webhooks:{SECRETS['STAGING_POSTGRES_PASSWORD']}@127.0.0.1:5433/webhooks"
    ages = {"evt_old_40d": "40 days", "evt_old_31d": "31 days", "evt_keep_29d": "29 days", "evt_keep_1h": "1 hour"}
    with psycopg.connect(url, autocommit=True) as connection:
        for event_id, age in ages.items():
            connection.execute(
                "INSERT INTO webhook_events (provider_event_id, event_type, payload, signature_valid, received_at)"
                " VALUES (%s, 'charge.succeeded', '{}', true, now() - %s::interval)", (event_id, age))
        done = subprocess.run(["docker", "exec", f"{PROJECT}-receiver-1", "python", "-m",
                               "webhook_receiver.retention", "--older-than", "30d"],
                              capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["deleted"] == 2
        left = {row[0] for row in connection.execute("SELECT provider_event_id FROM webhook_events")}
    assert left == {"evt_keep_29d", "evt_keep_1h", "evt_smoke_staging"}
