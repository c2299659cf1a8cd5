"""The OCI `created` label is the commit's time, not the build's: building the same commit twice gives the
same image ID (so compose does not recreate the container for an unchanged source)."""

from __future__ import annotations

import json
import subprocess
import time
from datetime import UTC, datetime

import pytest
from conftest import SECRET_VALUES, assert_no_secret, kube_table, needs_docker, write_config
from test_build_push import git
from typer.testing import CliRunner

from infractl.cli import app

pytestmark = [needs_docker, pytest.mark.slow]
DOCKERFILE = "FROM infractl-test/busybox:1\nRUN echo reproducible > /marker\n"


def build(config):
    result = CliRunner().invoke(app, ["deploy", "staging", "--config", str(config), "--dry-run=client", "--json"],
                                env=SECRET_VALUES)
    assert_no_secret(result.output)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["image"]


def test_the_same_commit_builds_the_same_image(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Dockerfile").write_text(DOCKERFILE)
    config = write_config(tmp_path / "pyproject.toml", "staging",
                          kube_table() + '[tool.infractl.deploy.staging.build]\ncontext = "app"\n')
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@example", "commit", "-qm", "init",
        "--date", "2026-01-02T03:04:05Z")
    committed = datetime.fromtimestamp(int(git(tmp_path, "log", "-1", "--format=%ct")), UTC)
    first = build(config)
    try:
        time.sleep(1.1)  # a build-time label would differ by now
        second = build(config)
        assert second["id"] == first["id"]
        labels = json.loads(subprocess.run(["docker", "image", "inspect", first["id"]], check=True,
                                           capture_output=True, text=True).stdout)[0]["Config"]["Labels"]
        assert labels["org.opencontainers.image.created"] == committed.strftime("%Y-%m-%dT%H:%M:%SZ")
    finally:
        subprocess.run(["docker", "rmi", "-f", f"127.0.0.1:5999/webhook-receiver:{first['tag']}"],
                       capture_output=True, check=False)
