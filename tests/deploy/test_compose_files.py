"""Several compose files (``compose_files``, as ``docker compose -f a -f b``), checked as rendered: the
service the deploy pins by image ID is no COMPOSE001 even where the file names the image without a tag,
a finding in the second file points at that file; and identical source deployed twice is the same image,
so compose does not recreate the container. Real Docker, real Compose v2, BuildKit."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from conftest import ROOT, assert_no_secret
from test_compose_e2e import needs_stack
from typer.testing import CliRunner

from infractl.cli import app

pytestmark = [needs_stack, pytest.mark.slow]
PROJECT = "infractl-test-files"
IMAGE = "infractl-test/compose-files"
SECRET = "tok-Zq7-leak-canary-files"
BASE = f"""\
name: {PROJECT}
services:
  app:
    image: {IMAGE}
    network_mode: none
    command: ["sh", "-c", "sleep 300"]
    environment:
      TOKEN: ${{APP_TOKEN:?}}
    healthcheck:
      test: ["CMD", "true"]
      interval: 1s
      retries: 5
"""
DEPLOY = """\
services:
  app:
    environment:
      DEPLOYED_WITH: compose.deploy.yml
"""
DOCKERFILE = ("FROM infractl-test/busybox:1\n"
              "RUN --mount=type=cache,target=/var/cache/app echo files > /marker\nUSER 65534\n")


def project(tmp_path, deploy: str = DEPLOY, dockerfile: str = DOCKERFILE):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Dockerfile").write_text(dockerfile)
    (tmp_path / "compose.yml").write_text(BASE)
    (tmp_path / "compose.deploy.yml").write_text(deploy)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.infractl.deploy.staging]\nkind = "compose"\ncompose_files = ["compose.yml", "compose.deploy.yml"]\n'
        f'image = "{IMAGE}"\ntimeout = 30\nsecrets = {{ APP_TOKEN = "env:TEST_APP_TOKEN" }}\n'
        'build = { context = "app", network = "host" }\n')
    return tmp_path / "pyproject.toml"


def deploy(config, *args):
    env = {"TEST_APP_TOKEN": SECRET, "PATH": f"{ROOT / '.cache' / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    result = CliRunner().invoke(app, ["deploy", "staging", "--config", str(config), *args], env=env)
    assert_no_secret(result.output)
    assert SECRET not in result.output
    return result


def container() -> dict:
    done = subprocess.run(["docker", "inspect", f"{PROJECT}-app-1"], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)[0]


def test_two_compose_files_deployed_twice_run_the_same_container(tmp_path):
    config = project(tmp_path)
    try:
        first = deploy(config, "--tag", "files-1", "--json")
        assert first.exit_code == 0, first.output
        report = json.loads(first.stdout)
        check = next(s for s in report["steps"] if s["step"] == "check")
        assert check["status"] == "ok", check
        assert not [f for f in report["findings"] if f["rule"].startswith("COMPOSE")], report["findings"]
        assert report["applied"] == ["app"]
        running = container()
        assert running["Image"] == report["image"]["id"]  # pinned by ID
        assert "DEPLOYED_WITH=compose.deploy.yml" in running["Config"]["Env"]  # the second file counts

        second = deploy(config, "--tag", "files-1", "--json")
        assert second.exit_code == 0, second.output
        assert json.loads(second.stdout)["image"]["id"] == report["image"]["id"]
        assert container()["Id"] == running["Id"]  # same source, same image: not recreated
    finally:
        down = deploy(config, "--down")
        subprocess.run(["docker", "rmi", "-f", f"{IMAGE}:files-1"], capture_output=True, check=False)
    assert down.exit_code == 0, down.output


def test_a_finding_in_the_second_compose_file_points_at_it(tmp_path):
    config = project(tmp_path, DEPLOY + "      API_TOKEN: literal-not-from-the-deploy\n")
    try:
        result = deploy(config, "--tag", "files-2", "--dry-run=client", "--json")
        assert result.exit_code == 1, result.output
        report = json.loads(result.stdout)
        assert [(f["rule"], f["path"], f["line"]) for f in report["findings"] if f["rule"].startswith("COMPOSE")] \
            == [("COMPOSE003", str(tmp_path / "compose.deploy.yml"), 5)]
        assert report["steps"][-1]["step"] == "check"
    finally:
        subprocess.run(["docker", "rmi", "-f", f"{IMAGE}:files-2"], capture_output=True, check=False)


def test_the_pinned_service_is_no_compose001_where_the_file_names_the_image_without_a_tag(tmp_path):
    """One file, as written `image: infractl-test/compose-files` (it would mean :latest); the deploy runs
    the built image by ID, and that is what the check step judges (a plain Dockerfile: only the check counts)."""
    config = project(tmp_path, dockerfile="FROM infractl-test/busybox:1\nUSER 65534\n")
    config.write_text(config.read_text().replace(
        'compose_files = ["compose.yml", "compose.deploy.yml"]', 'compose_file = "compose.yml"'))
    try:
        result = deploy(config, "--tag", "files-3", "--dry-run=client", "--json")
        assert result.exit_code == 0, result.output
        report = json.loads(result.stdout)
        assert [f["rule"] for f in report["findings"] if f["rule"].startswith("COMPOSE")] == []
        assert next(s for s in report["steps"] if s["step"] == "check")["status"] == "ok"
        assert report["objects"] == [{"services": {"app": {"image": report["image"]["id"]}}}]
    finally:
        subprocess.run(["docker", "rmi", "-f", f"{IMAGE}:files-3"], capture_output=True, check=False)
