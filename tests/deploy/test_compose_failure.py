"""Compose target failures, for real (Compose v2 + Docker): an unhealthy service fails the deploy with
its last log lines and exit 1; Compose missing is one clear line and exit 2."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from conftest import ROOT, assert_no_secret
from test_compose_e2e import needs_stack
from typer.testing import CliRunner

from infractl.cli import app

COMPOSE = """\
name: infractl-test-unhealthy
services:
  app:
    image: ${APP_IMAGE:?}
    network_mode: none
    command: ["sh", "-c", "echo booting; echo 'cannot reach the database at db:5432'; sleep 300"]
    environment:
      TOKEN: ${APP_TOKEN:?}
    healthcheck:
      test: ["CMD", "false"]
      interval: 1s
      retries: 1
"""
SECRET = "tok-Zq7-leak-canary-compose"


def project(tmp_path):
    (tmp_path / "compose.yml").write_text(COMPOSE)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.infractl.deploy.staging]\nkind = "compose"\ncompose_file = "compose.yml"\n'
        'image = "infractl-test/busybox"\nimage_variable = "APP_IMAGE"\ntimeout = 6\n'
        'secrets = { APP_TOKEN = "env:TEST_APP_TOKEN" }\n')
    return tmp_path / "pyproject.toml"


def invoke(config, *args, path=None):
    env = {"TEST_APP_TOKEN": SECRET, "PATH": path or f"{ROOT / '.cache' / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    result = CliRunner().invoke(app, ["deploy", "staging", "--config", str(config), *args], env=env)
    assert_no_secret(result.output)
    assert SECRET not in result.output
    return result


@needs_stack
@pytest.mark.slow
def test_unhealthy_service_fails_with_its_logs(tmp_path):
    config = project(tmp_path)
    try:
        result = invoke(config, "--skip-build", "--tag", "1", "--json")
        assert result.exit_code == 1, result.output
        report = json.loads(result.stdout)
        assert report["error"] == "not healthy after 6s: app (unhealthy)"
        assert "log app: app-1  | cannot reach the database at db:5432" in report["details"]
        assert report["steps"][-1]["step"] == "wait"
    finally:
        result = invoke(config, "--down")
    assert result.exit_code == 0, result.output
    label = "label=com.docker.compose.project=infractl-test-unhealthy"
    listed = subprocess.run(["docker", "ps", "-aq", "--filter", label], capture_output=True, text=True, check=True)
    assert listed.stdout.strip() == ""


def test_no_compose_v2_is_one_line_exit_2(tmp_path):
    config = project(tmp_path)
    empty = tmp_path / "bin"
    empty.mkdir()
    result = invoke(config, "--skip-build", "--tag", "1", path=str(empty))
    assert result.exit_code == 2
    assert ("error: Docker Compose v2 is not installed: neither the 'docker compose' plugin nor a v2 "
            "'docker-compose' binary was found") in result.output
