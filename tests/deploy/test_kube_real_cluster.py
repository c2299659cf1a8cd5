"""The Kubernetes target against a REAL API server (issue 17, item 8): gated, CI cannot build one.

Set INFRACTL_E2E_KUBECONFIG (its current context is deployed to), INFRACTL_E2E_REGISTRY (this machine
pushes there) and, where the default base image cannot be pulled, INFRACTL_E2E_BASE_IMAGE (a local image
with python3, e.g. the tests' own infractl-test/debian:bookworm). INFRACTL_E2E_AUDIT_LOG (the API
server's audit log, Metadata level) adds the proof of what was sent. Seen passing against
kube-apiserver v1.28.0 + kube-controller-manager on etcd 3.4, no kubelet (README "Proof on a real API
server"). Each run deploys into a namespace of its own, so "a fresh cluster" holds for it; the tests run
in file order and build on each other.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from conftest import BASE_IMAGE, KUBE_APP, ROOT, SECRET_VALUES, assert_no_secret

KUBECONFIG = os.environ.get("INFRACTL_E2E_KUBECONFIG")
REGISTRY = os.environ.get("INFRACTL_E2E_REGISTRY")
AUDIT_LOG = os.environ.get("INFRACTL_E2E_AUDIT_LOG")
CLIENT_AGENT = "OpenAPI-Generator"  # the Python client's user agent: infractl's requests in the audit log

pytestmark = [
    pytest.mark.slow,
    pytest.mark.gated,
    pytest.mark.skipif(not (KUBECONFIG and REGISTRY), reason="real-cluster deploy: set INFRACTL_E2E_KUBECONFIG "
                       "and INFRACTL_E2E_REGISTRY to run it (CI cannot build a Kubernetes API server)"),
]


class RealCluster:
    def __init__(self, root: Path) -> None:
        from kubernetes import client, config

        self.root, self.namespace = root, f"e2e-{uuid.uuid4().hex[:8]}"
        _, active = config.list_kube_config_contexts(config_file=KUBECONFIG)
        self.context = active["name"]
        self.api_client = config.new_client_from_config(config_file=KUBECONFIG)
        self.core, self.apps = client.CoreV1Api(self.api_client), client.AppsV1Api(self.api_client)
        self.app = self.app_copy("app")

    def app_copy(self, name: str, **edits) -> Path:
        """kube-app in this run's namespace, with ``{file: [(old, new)]}`` text edits."""
        target = self.root / name
        shutil.copytree(KUBE_APP, target)
        for path in target.glob("*.yaml"):
            text = path.read_text(encoding="utf-8").replace("aos-staging", self.namespace)
            for old, new in edits.get(path.stem, []):
                assert text.count(old) == 1, (path.name, old)
                text = text.replace(old, new)
            path.write_text(text, encoding="utf-8")
        return target

    def config(self, manifests: Path, context: str | None = None, kubeconfig: str = KUBECONFIG) -> Path:
        base = os.environ.get("INFRACTL_E2E_BASE_IMAGE", BASE_IMAGE)
        path = self.root / f"config-{manifests.name}-{context or 'selected'}" / "pyproject.toml"
        path.parent.mkdir(exist_ok=True)
        path.write_text(
            f'[tool.infractl.deploy.staging]\nkind = "kubernetes"\ncontext = "{context or self.context}"\n'
            f'namespace = "{self.namespace}"\nmanifests = "{manifests}"\nimage = "webhook-receiver"\n'
            f'registry = "{REGISTRY}"\npush = true\nrollout_timeout = "5m"\n'
            f'build = {{ context = "{ROOT}/examples/webhook-receiver", dockerfile = "Dockerfile.staging", '
            f'network = "host", args = {{ BASE_IMAGE = "{base}" }} }}\n'
            'secrets = { DATABASE_URL = "env:STAGING_DATABASE_URL", WEBHOOK_SECRET = "env:STAGING_WEBHOOK_SECRET" }\n',
            encoding="utf-8")
        return path

    def deploy(self, *args: str, manifests: Path | None = None, config: Path | None = None,
               kubeconfig: str = KUBECONFIG, secrets: dict[str, str] = SECRET_VALUES) -> tuple[int, dict]:
        config = config or self.config(manifests or self.app)
        env = {**os.environ, **secrets, "KUBECONFIG": kubeconfig, "INFRACTL_ROLLOUT_POLL": "0.5"}
        done = subprocess.run([sys.executable, "-m", "infractl", "deploy", "staging", "--config", str(config),
                               "--tag", "e2e", "--json", *args], capture_output=True, text=True, env=env,
                              timeout=900, check=False)
        assert_no_secret(done.stdout, done.stderr)
        assert done.stdout, done.stderr
        return done.returncode, json.loads(done.stdout)

    def versions(self) -> dict[str, str]:
        """kind/name -> resourceVersion of what the deploy manages in this namespace."""
        ns = self.namespace
        found = {"Namespace": self.core.read_namespace(ns)}
        found["ConfigMap"] = self.core.read_namespaced_config_map("webhook-receiver-config", ns)
        found["Secret"] = self.core.read_namespaced_secret("webhook-receiver-secrets", ns)
        found["Service"] = self.core.read_namespaced_service("webhook-receiver", ns)
        found["Deployment"] = self.apps.read_namespaced_deployment("webhook-receiver", ns)
        return {kind: obj.metadata.resource_version for kind, obj in found.items()}

    def namespace_exists(self) -> bool:
        from kubernetes.client.exceptions import ApiException

        try:
            self.core.read_namespace(self.namespace)
        except ApiException as exc:
            assert exc.status == 404, exc
            return False
        return True


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    cluster = RealCluster(tmp_path_factory.mktemp("real-cluster"))
    yield cluster
    with contextlib.suppress(Exception):  # cleanup of a run that may have created nothing
        cluster.core.delete_namespace(cluster.namespace)
    cluster.api_client.close()


class PodsMadeReady:
    """Stands in for the kubelet that is not there: marks this namespace's pods Running and Ready."""

    def __init__(self, cluster: RealCluster) -> None:
        self.cluster, self.stop = cluster, threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()

    def run(self) -> None:
        from datetime import UTC, datetime

        while not self.stop.wait(0.5):
            now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            for pod in self.cluster.core.list_namespaced_pod(self.cluster.namespace).items:
                if pod.status.phase == "Running":
                    continue
                ready = [{"type": kind, "status": "True", "lastTransitionTime": now}
                         for kind in ("PodScheduled", "Initialized", "ContainersReady", "Ready")]
                self.cluster.core.patch_namespaced_pod_status(pod.metadata.name, self.cluster.namespace, {
                    "status": {"phase": "Running", "conditions": ready, "startTime": now}})


def infractl_requests() -> int:
    with open(AUDIT_LOG, encoding="utf-8") as log:
        return sum(1 for line in log if CLIENT_AGENT in json.loads(line).get("userAgent", ""))


def test_server_dry_run_on_a_fresh_cluster_builds_and_persists_nothing(real):
    assert not real.namespace_exists()
    code, report = real.deploy("--dry-run=server")
    assert code == 0, report
    apply = next(s for s in report["steps"] if s["step"] == "apply")["detail"]
    assert apply.startswith("6 of 6 objects pass the server's dry run (nothing persisted)"), apply
    assert f"namespace {real.namespace} does not exist yet: 5 objects in it were dry-run as creates" in apply
    changes = {f"{c['kind']}/{c['name']}": c for c in report["changes"]}
    assert len(changes) == 6 and {c["action"] for c in changes.values()} == {"create"}, changes
    # the server's answer, defaults filled in, put back in the deploy's own namespace
    deployment = changes["Deployment/webhook-receiver"]["diff"]
    assert f"+  namespace: {real.namespace}\n" in deployment and "+        terminationMessagePath:" in deployment
    assert "+      automountServiceAccountToken: false\n" in deployment  # not masked: it names no secret
    secret = changes["Secret/webhook-receiver-secrets"]["diff"]
    assert "+  DATABASE_URL: '***'\n" in secret and "+  WEBHOOK_SECRET: '***'\n" in secret, secret
    assert not real.namespace_exists()
    if AUDIT_LOG:
        with open(AUDIT_LOG, encoding="utf-8") as log:
            writes = [e for e in map(json.loads, log) if CLIENT_AGENT in e.get("userAgent", "")
                      and e["verb"] in ("create", "patch", "update") and e.get("stage") == "ResponseComplete"
                      and real.namespace in e["requestURI"] + json.dumps(e.get("objectRef", {}))]
        assert writes and all("dryRun=All" in e["requestURI"] for e in writes), writes


def test_a_rollout_that_can_never_be_ready_times_out_with_exit_1(real):
    code, report = real.deploy("--timeout", "15")
    assert code == 1, report
    assert report["error"].startswith("rollout not finished after 15s: deployment webhook-receiver: "), report
    assert next(s for s in report["steps"] if s["step"] == "apply")["detail"] == (
        "6 created by server-side apply as 'infractl'")
    assert any(line.startswith("pod webhook-receiver-") and ": Pending" in line for line in report["details"])
    assert any(line.endswith(": no logs (pod not scheduled to a node)") for line in report["details"]), report
    assert not any(line.endswith(": None") for line in report["details"])
    live = real.apps.read_namespaced_deployment("webhook-receiver", real.namespace)
    assert live.spec.template.spec.containers[0].image == report["image"]["reference"]
    assert "@sha256:" in report["image"]["reference"] and live.spec.replicas == 2
    secret = real.core.read_namespaced_secret("webhook-receiver-secrets", real.namespace)
    assert set(secret.data) >= {"DATABASE_URL", "WEBHOOK_SECRET"}


def test_a_second_deploy_that_changes_nothing_says_so(real):
    with PodsMadeReady(real):
        code, report = real.deploy("--skip-build", "--timeout", "60")
    assert code == 0, report
    assert next(s for s in report["steps"] if s["step"] == "apply")["detail"] == "6 objects unchanged"
    assert report["rolled_out"] == ["Deployment/webhook-receiver"]


def test_after_a_deploy_a_changed_replica_count_is_exactly_that_diff(real):
    changed = real.app_copy("three-replicas", deployment=[("  replicas: 2\n", "  replicas: 3\n")])
    before = real.versions()
    code, report = real.deploy("--skip-build", "--dry-run=server", manifests=changed)
    assert code == 0, report
    actions = {f"{c['kind']}/{c['name']}": c["action"] for c in report["changes"]}
    assert actions == {"Namespace/" + real.namespace: "unchanged", "ConfigMap/webhook-receiver-config": "unchanged",
                       "Secret/webhook-receiver-secrets": "unchanged", "Service/webhook-receiver": "unchanged",
                       "PodDisruptionBudget/webhook-receiver": "unchanged", "Deployment/webhook-receiver": "update"}
    [diff] = [c["diff"] for c in report["changes"] if c["action"] == "update"]
    assert [line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")] == [
        "-  replicas: 2", "+  replicas: 3"], diff
    assert real.versions() == before
    assert real.apps.read_namespaced_deployment("webhook-receiver", real.namespace).spec.replicas == 2


def test_a_rotated_secret_shows_as_changed_never_its_value(real):
    rotated = {**SECRET_VALUES, "STAGING_WEBHOOK_SECRET": "whsec_Zq7rotatedcanary4242"}
    code, report = real.deploy("--skip-build", "--dry-run=server", secrets=rotated)
    assert code == 0, report
    [secret] = [c for c in report["changes"] if c["action"] != "unchanged"]
    assert secret["kind"] == "Secret", report["changes"]
    assert [line for line in secret["diff"].splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")] == [
        "-  WEBHOOK_SECRET: '*** (before)'", "+  WEBHOOK_SECRET: '*** (after)'"], secret["diff"]
    text = json.dumps(report)
    assert "rotatedcanary" not in text and base64.b64encode(b"whsec_Zq7rotatedcanary4242").decode() not in text


def test_a_conflict_with_another_manager_is_reported_then_taken_over_when_forced(real):
    real.apps.patch_namespaced_deployment("webhook-receiver", real.namespace, {"spec": {"replicas": 3}},
                                          field_manager="kubectl")  # what `kubectl scale` sets
    code, report = real.deploy("--skip-build", "--timeout", "60")
    assert code == 1, report
    assert report["error"] == "the server's dry run rejected 1 of 6 objects: nothing was applied"
    assert report["details"][0].startswith('Deployment/webhook-receiver: Apply failed with 1 conflict: conflict '
                                           'with "kubectl"'), report["details"]
    assert ".spec.replicas" in report["details"][0] and "--force-conflicts" in report["details"][0]
    assert real.apps.read_namespaced_deployment("webhook-receiver", real.namespace).spec.replicas == 3
    with PodsMadeReady(real):
        code, report = real.deploy("--skip-build", "--timeout", "60", "--force-conflicts")
    assert code == 0, report
    assert real.apps.read_namespaced_deployment("webhook-receiver", real.namespace).spec.replicas == 2


def test_a_failed_apply_leaves_the_cluster_as_it_was(real):
    name = "app.kubernetes.io/name: webhook-receiver\n"
    changed = real.app_copy("new-selector", deployment=[
        ("    matchLabels:\n      " + name, "    matchLabels:\n      " + name + "      track: v2\n"),
        ("      labels:\n        " + name, "      labels:\n        " + name + "        track: v2\n")],
        service=[("  selector:\n    " + name, "  selector:\n    " + name + "    track: v2\n")])
    before = real.versions()
    code, report = real.deploy("--skip-build", manifests=changed)
    assert code == 1, report
    assert report["error"] == "the server's dry run rejected 1 of 6 objects: nothing was applied"
    assert any(line.startswith("Deployment/webhook-receiver:") and "field is immutable" in line
               for line in report["details"]), report["details"]
    assert real.versions() == before
    assert "track" not in real.core.read_namespaced_service("webhook-receiver", real.namespace).spec.selector


def test_the_real_server_refuses_what_the_fake_refuses(real):
    both = real.app_copy("pdb-both", pdb=[("spec:\n", "spec:\n  maxUnavailable: 1\n")])
    code, report = real.deploy("--skip-build", "--dry-run=server", manifests=both)
    assert code == 1, report
    assert any(line.startswith('PodDisruptionBudget/webhook-receiver: PodDisruptionBudget.policy "webhook-receiver" '
                               "is invalid: spec: Invalid value:") and
               line.endswith("minAvailable and maxUnavailable cannot be both set") for line in report["details"])


def test_a_context_that_looks_like_production_is_refused_before_any_request(real):
    import yaml

    document = yaml.safe_load(Path(KUBECONFIG).read_text(encoding="utf-8"))
    for context in document["contexts"]:
        context["name"] = "prod-local"
    document["current-context"] = "prod-local"
    kubeconfig = real.root / "prod.kubeconfig"
    kubeconfig.write_text(yaml.safe_dump(document), encoding="utf-8")
    sent = infractl_requests() if AUDIT_LOG else None
    code, report = real.deploy("--skip-build", "--timeout", "5", config=real.config(real.app, context="prod-local"),
                               kubeconfig=str(kubeconfig))
    assert code == 2, report
    assert "looks like production" in report["error"], report
    if AUDIT_LOG:
        assert infractl_requests() == sent
