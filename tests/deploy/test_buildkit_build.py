"""The build step uses the engine's BuildKit (through Compose v2's builder) where it is to be had: a
BuildKit-only Dockerfile builds, and the OCI labels are in the image config, not an extra LABEL step; with
DOCKER_BUILDKIT=0 the legacy builder is the fallback, and the step says which one built."""

from __future__ import annotations

import json
import subprocess

import pytest
from conftest import SECRET_VALUES, assert_no_secret, kube_table, needs_docker, write_config
from test_build_push import git
from test_compose_e2e import needs_stack
from typer.testing import CliRunner

from infractl.cli import app

pytestmark = [needs_docker, needs_stack, pytest.mark.slow]
BUILDKIT_ONLY = ("FROM infractl-test/busybox:1\n"
                 "RUN --mount=type=cache,target=/var/cache/app echo cached > /var/cache/app/x && echo built > /marker\n")


def project(tmp_path, dockerfile: str, network: str = "host"):
    """The engine here runs without a bridge network: BuildKit's RUN steps need network = "host"."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Dockerfile").write_text(dockerfile)
    config = write_config(tmp_path / "pyproject.toml", "staging", kube_table() + '[tool.infractl.deploy.staging.build]'
                          f'\ncontext = "app"\nnetwork = "{network}"\n')
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@example", "commit", "-qm", "init")
    return config


def build(config, **env):
    result = CliRunner().invoke(app, ["deploy", "staging", "--config", str(config), "--dry-run=client", "--json"],
                                env={**SECRET_VALUES, **env})
    assert_no_secret(result.output)
    return result.exit_code, json.loads(result.stdout)


def inspect(image_id: str) -> tuple[dict, list[str]]:
    config = json.loads(subprocess.run(["docker", "image", "inspect", image_id], check=True,
                                       capture_output=True, text=True).stdout)[0]["Config"]
    history = subprocess.run(["docker", "image", "history", "--no-trunc", "--format", "{{.CreatedBy}}", image_id],
                             check=True, capture_output=True, text=True).stdout.splitlines()
    return config, history


def remove(report) -> None:
    if report["image"]["tag"]:
        subprocess.run(["docker", "rmi", "-f", f"127.0.0.1:5999/webhook-receiver:{report['image']['tag']}"],
                       capture_output=True, check=False)


def test_a_buildkit_only_dockerfile_builds_with_labels_in_the_config(tmp_path):
    config = project(tmp_path, BUILDKIT_ONLY)
    code, report = build(config)
    try:
        assert code == 0, report["error"]
        step = next(s for s in report["steps"] if s["step"] == "build")
        assert step["detail"].endswith("; BuildKit)"), step
        labels, history = inspect(report["image"]["id"])
        assert labels["Labels"]["org.opencontainers.image.revision"] == report["image"]["tag"]
        assert "org.opencontainers.image.created" in labels["Labels"]
        # passed at build time: the labels cost no LABEL step (a layer commit under the legacy builder)
        assert not [line for line in history if "LABEL" in line], history
        assert any("--mount=type=cache" in line or "echo built" in line for line in history), history
    finally:
        remove(report)


def test_without_buildkit_the_legacy_builder_builds_and_says_so(tmp_path):
    config = project(tmp_path, "FROM infractl-test/busybox:1\nRUN echo legacy > /marker\n")
    code, report = build(config, DOCKER_BUILDKIT="0")
    try:
        assert code == 0, report["error"]
        step = next(s for s in report["steps"] if s["step"] == "build")
        assert step["detail"].endswith("; legacy builder: DOCKER_BUILDKIT=0)"), step
        labels, _ = inspect(report["image"]["id"])
        assert labels["Labels"]["org.opencontainers.image.revision"] == report["image"]["tag"]
    finally:
        remove(report)


def test_a_failing_buildkit_build_is_exit_1_with_its_output(tmp_path):
    config = project(tmp_path, "FROM infractl-test/busybox:1\nRUN echo about-to-fail && exit 3\n")
    code, report = build(config)
    remove(report)
    assert code == 1
    assert report["error"].startswith("docker build (BuildKit) failed: "), report["error"]
    assert "exit code: 3" in report["error"] or any("exit code: 3" in line for line in report["details"]), report
    assert any("about-to-fail" in line for line in report["details"]), report["details"]


def test_without_a_bridge_network_buildkit_is_not_tried_for_a_default_network_build(tmp_path):
    """An engine run with --bridge=none (as here) fails BuildKit's RUN steps on the default network; the
    legacy builder builds them, and the step says why; with a bridge, BuildKit builds."""
    config = project(tmp_path, "FROM infractl-test/busybox:1\nRUN echo default-network > /marker\n", "default")
    bridge = subprocess.run(["docker", "network", "inspect", "bridge"], capture_output=True, check=False)
    code, report = build(config)
    try:
        assert code == 0, report["error"]
        detail = next(s for s in report["steps"] if s["step"] == "build")["detail"]
        if bridge.returncode == 0:
            assert detail.endswith("; BuildKit)"), detail
        else:
            assert detail.endswith('; legacy builder: the engine has no bridge network (build network = "host" '
                                   'uses BuildKit))'), detail
    finally:
        remove(report)
