"""Deploy test fixtures: an environment config, the FAKE Kubernetes API, a local image to deploy."""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest
from support.fake_kube_api import FakeKubeAPI

ROOT = Path(__file__).resolve().parents[2]
KUBE_APP = ROOT / "tests" / "fixtures" / "deploy" / "kube-app"
BASE_IMAGE = "infractl-test/debian:bookworm"
# Distinctive, so a leak anywhere is found by a plain substring search.
SECRET_VALUES = {"STAGING_DATABASE_URL": "postgresql+psycopg://app:Zq7-leak-canary-db@db/app",
                 "STAGING_WEBHOOK_SECRET": "whsec_Zq7leakcanary9000"}


def docker_ready() -> bool:
    return shutil.which("docker") is not None and subprocess.run(
        ["docker", "image", "inspect", BASE_IMAGE], capture_output=True, check=False).returncode == 0


needs_docker = pytest.mark.skipif(not docker_ready(), reason=f"needs a Docker engine and {BASE_IMAGE} "
                                  "(scripts/start-docker.sh, scripts/test-images.sh; scripts/test.sh runs both)")


def write_config(path: Path, env: str, table: str) -> Path:
    path.write_text(f"[tool.infractl.deploy.{env}]\n{table}", encoding="utf-8")
    return path


def kube_table(registry: str = "127.0.0.1:5999", push: bool = False, extra: str = "") -> str:
    return (f'kind = "kubernetes"\ncontext = "staging"\nnamespace = "aos-staging"\n'
            f'manifests = "{KUBE_APP}"\nimage = "webhook-receiver"\nregistry = "{registry}"\n'
            f'push = {"true" if push else "false"}\nrollout_timeout = 20\n{extra}'
            '[tool.infractl.deploy.staging.secrets]\n'
            'DATABASE_URL = "env:STAGING_DATABASE_URL"\nWEBHOOK_SECRET = "env:STAGING_WEBHOOK_SECRET"\n')


@pytest.fixture
def fake_api():
    with FakeKubeAPI() as api:
        yield api


@pytest.fixture
def local_image():
    """``127.0.0.1:5999/webhook-receiver:deploy-test`` tagged on the base image (for --skip-build)."""
    reference = "127.0.0.1:5999/webhook-receiver:deploy-test"
    subprocess.run(["docker", "tag", BASE_IMAGE, reference], check=True)
    yield reference
    subprocess.run(["docker", "rmi", reference], capture_output=True, check=False)


def drive_rollout(api: FakeKubeAPI, status_for, delay: float = 0.5, timeout: float = 600.0) -> threading.Thread:
    """After the Deployment is applied, wait ``delay`` and set ``status_for(generation)`` as its status."""
    def run() -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            obj = api.get("apps/v1", "deployments", "aos-staging", "webhook-receiver")
            if obj is not None:
                time.sleep(delay)
                api.set_status("apps/v1", "deployments", "aos-staging", "webhook-receiver",
                               status_for(obj["metadata"]["generation"]))
                return
            time.sleep(0.05)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        for value in SECRET_VALUES.values():
            assert value not in (text or ""), "a secret value leaked into the output"


def owned_by(obj: dict) -> list[dict]:
    meta = obj["metadata"]
    return [{"apiVersion": obj["apiVersion"], "kind": obj["kind"], "name": meta["name"], "uid": meta["uid"],
             "controller": True}]


def event_about(obj: dict, reason: str, message: str, when: str, name: str) -> dict:
    """An Event as the cluster records it: about one object, by uid."""
    meta = obj["metadata"]
    return {"apiVersion": "v1", "kind": "Event", "metadata": {"name": name, "namespace": "aos-staging"},
            "involvedObject": {"kind": obj["kind"], "name": meta["name"], "uid": meta["uid"],
                               "namespace": "aos-staging"},
            "reason": reason, "message": message, "lastTimestamp": when}


def controller_runs(api: FakeKubeAPI, pod_status: dict, status_for, more=None,
                    node: str | None = "node-1") -> threading.Thread:
    """What the Deployment controller would do once the Deployment is applied: revision 1, its ReplicaSet,
    one pod of it with ``pod_status`` (on ``node``; None: not scheduled); then ``status_for(generation)`` as the Deployment's status and
    ``more(api, deployment, replicaset, pod)`` for the test's own events."""
    def run() -> None:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            deployment = api.get("apps/v1", "deployments", "aos-staging", "webhook-receiver")
            if deployment is not None:
                break
            time.sleep(0.05)
        else:
            return
        deployment["metadata"].setdefault("annotations", {})["deployment.kubernetes.io/revision"] = "1"
        labels = {"app.kubernetes.io/name": "webhook-receiver"}
        replicaset = api.put({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {
            "name": "webhook-receiver-7d9f", "namespace": "aos-staging", "labels": labels,
            "annotations": {"deployment.kubernetes.io/revision": "1"}, "ownerReferences": owned_by(deployment)}})
        pod = api.put({"apiVersion": "v1", "kind": "Pod", "metadata": {
            "name": "webhook-receiver-7d9f-abcde", "namespace": "aos-staging", "labels": labels,
            "ownerReferences": owned_by(replicaset)}, "spec": {"nodeName": node} if node else {}, "status": pod_status})
        if more:
            more(api, deployment, replicaset, pod)
        time.sleep(0.3)
        api.set_status("apps/v1", "deployments", "aos-staging", "webhook-receiver",
                       status_for(deployment["metadata"]["generation"]))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread
