"""Build with the Docker SDK (target, build args, git tag, OCI labels) and push to a real registry
(Debian's docker-registry on 127.0.0.1); the digest deploy pins is the one the registry reports."""

from __future__ import annotations

import json
import subprocess

import pytest
from conftest import SECRET_VALUES, assert_no_secret, drive_rollout, kube_table, needs_docker
from support.registry import free_port, start_registry
from typer.testing import CliRunner

from infractl.cli import app

pytestmark = [needs_docker, pytest.mark.slow]
BASE_IMAGE = "infractl-test/busybox:1"  # 2 MB: building and pushing it takes seconds, not minutes

DOCKERFILE = """\
ARG BASE_IMAGE
FROM ${BASE_IMAGE} AS app
ARG GREETING=unset
RUN echo "$GREETING" > /greeting
FROM app AS never-built
RUN false
"""


@pytest.fixture(scope="module")
def registry():
    started = start_registry()
    yield started
    started.stop()


def git(cwd, *args):
    return subprocess.run(["git", "-C", str(cwd), *args], check=True, capture_output=True, text=True).stdout.strip()


def project(tmp_path, registry_host: str) -> str:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Dockerfile").write_text(DOCKERFILE)
    build = (f'[tool.infractl.deploy.staging.build]\ncontext = "app"\ntarget = "app"\n'
             f'args = {{ BASE_IMAGE = "{BASE_IMAGE}", GREETING = "hello-from-args" }}\n')
    (tmp_path / "pyproject.toml").write_text("[tool.infractl.deploy.staging]\n"
                                             + kube_table(registry=registry_host, push=True) + build)
    git(tmp_path, "init", "-q")
    git(tmp_path, "remote", "add", "origin", "https://user:hunter2pw@git.example/team/app.git")
    git(tmp_path, "add", "-A")
    git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@example", "commit", "-qm", "init")
    return git(tmp_path, "rev-parse", "--short=12", "HEAD")


def run_deploy(tmp_path, fake_api, *args):
    kubeconfig = fake_api.kubeconfig(tmp_path / "kubeconfig")
    env = {"KUBECONFIG": str(kubeconfig), "INFRACTL_ROLLOUT_POLL": "0.1", **SECRET_VALUES}
    result = CliRunner().invoke(app, ["deploy", "staging", "--config", str(tmp_path / "pyproject.toml"),
                                      "--json", *args], env=env)
    assert_no_secret(result.output)
    return result


def test_build_push_pins_the_registry_digest(tmp_path, fake_api, registry):
    commit = project(tmp_path, registry.host)
    (tmp_path / "app" / "Dockerfile").write_text(DOCKERFILE + "# an uncommitted change\n")
    drive_rollout(fake_api, lambda gen: {"observedGeneration": gen, "replicas": 2, "updatedReplicas": 2,
                                         "availableReplicas": 2})
    result = run_deploy(tmp_path, fake_api)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    tag = f"{commit}-dirty"
    repository = f"{registry.host}/webhook-receiver"
    try:
        assert report["image"]["tag"] == tag
        assert report["image"]["digest"] == registry.manifest_digest("webhook-receiver", tag)
        assert report["image"]["reference"] == f"{repository}@{report['image']['digest']}"
        live = fake_api.get("apps/v1", "deployments", "aos-staging", "webhook-receiver")
        assert live["spec"]["template"]["spec"]["containers"][0]["image"] == report["image"]["reference"]
        inspect = json.loads(subprocess.run(["docker", "image", "inspect", f"{repository}:{tag}"], check=True,
                                            capture_output=True, text=True).stdout)[0]
        labels = inspect["Config"]["Labels"]
        assert labels["org.opencontainers.image.revision"] == commit
        assert labels["org.opencontainers.image.source"] == "https://user:***@git.example/team/app.git"
        assert labels["org.opencontainers.image.created"].endswith("Z")
        greeting = subprocess.run(["docker", "run", "--rm", "--network", "host", f"{repository}:{tag}",
                                   "cat", "/greeting"], check=True, capture_output=True, text=True).stdout
        assert greeting.strip() == "hello-from-args"  # build args reached the build; target stopped early
    finally:
        subprocess.run(["docker", "rmi", f"{repository}:{tag}"], capture_output=True, check=False)


def test_registry_down_exits_2_before_building(tmp_path, fake_api):
    project(tmp_path, f"127.0.0.1:{free_port()}")
    result = run_deploy(tmp_path, fake_api)
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert report["error"].startswith("registry 127.0.0.1:") and "is not reachable" in report["error"]
    assert [s["step"] for s in report["steps"]] == ["preflight"]
    assert fake_api.applies() == []
