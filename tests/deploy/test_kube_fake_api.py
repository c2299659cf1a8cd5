"""``infractl deploy`` against the FAKE Kubernetes API (no real API server can run here): server-side
apply order and field manager, server dry run, client dry run, rollout success, stuck rollout, progress
deadline exceeded, wrong context — through the real CLI."""

from __future__ import annotations

import base64
import copy
import json

import pytest
from conftest import (
    SECRET_VALUES,
    assert_no_secret,
    controller_runs,
    drive_rollout,
    event_about,
    kube_table,
    needs_docker,
    write_config,
)
from support.fake_kube_rules import now
from typer.testing import CliRunner

from infractl.cli import app

pytestmark = needs_docker

DONE = lambda gen: {"observedGeneration": gen, "replicas": 2, "updatedReplicas": 2,
                    "readyReplicas": 2, "availableReplicas": 2}


def deploy(tmp_path, fake_api, *args, context="staging", table=None):
    config = write_config(tmp_path / "pyproject.toml", "staging", table or kube_table())
    kubeconfig = fake_api.kubeconfig(tmp_path / "kubeconfig", context="staging", current=context)
    env = {"KUBECONFIG": str(kubeconfig), "INFRACTL_ROLLOUT_POLL": "0.1", **SECRET_VALUES}
    result = CliRunner().invoke(app, ["deploy", "staging", "--config", str(config), "--skip-build",
                                      "--tag", "deploy-test", *args], env=env)
    assert_no_secret(result.output, result.stderr if result.stderr_bytes is not None else "")
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert_no_secret(path.read_text(errors="replace"))
    return result


def test_rollout_success_applies_in_order_with_field_manager(tmp_path, fake_api, local_image):
    drive_rollout(fake_api, DONE)
    result = deploy(tmp_path, fake_api, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["ok"] and report["rolled_out"] == ["Deployment/webhook-receiver"]
    kinds = [r["kind"] for r in fake_api.applies()]
    assert kinds[0] == "Namespace" and kinds[-1] == "Deployment"
    assert kinds.index("Secret") < kinds.index("Deployment") and kinds.index("ConfigMap") < kinds.index("Deployment")
    assert all(r["query"]["fieldManager"] == ["infractl"] and r["content_type"] == "application/apply-patch+yaml"
               for r in fake_api.applies())
    live = fake_api.get("apps/v1", "deployments", "aos-staging", "webhook-receiver")
    assert live["spec"]["template"]["spec"]["containers"][0]["image"] == "127.0.0.1:5999/webhook-receiver:deploy-test"
    secret = fake_api.get("v1", "secrets", "aos-staging", "webhook-receiver-secrets")
    # The cluster got the real value (in memory only); the report shows none of it.
    # (stored as the real server stores it: stringData merged into data, base64)
    assert base64.b64decode(secret["data"]["WEBHOOK_SECRET"]).decode() == SECRET_VALUES["STAGING_WEBHOOK_SECRET"]
    assert "stringData" not in secret
    assert [s["step"] for s in report["steps"]] == ["preflight", "build", "push", "render", "check", "apply",
                                                    "wait", "smoke"]


def test_server_dry_run_persists_nothing(tmp_path, fake_api, local_image):
    before = copy.deepcopy(fake_api.objects)  # a fresh cluster: the built-in namespaces only
    result = deploy(tmp_path, fake_api, "--dry-run=server", "--json")
    assert result.exit_code == 0, result.output
    writes = [r for r in fake_api.requests if r["method"] in ("PATCH", "POST")]
    assert writes and all(r["query"].get("dryRun") == ["All"] for r in writes)
    assert fake_api.objects == before
    assert json.loads(result.stdout)["steps"][-1] == {"step": "wait", "status": "skipped", "seconds": 0.0,
                                                       "detail": "server dry run: nothing rolled out"}


def test_client_dry_run_needs_no_cluster(tmp_path, fake_api, local_image):
    fake_api.server.shutdown()  # nothing answers: a client dry run must not need it
    result = deploy(tmp_path, fake_api, "--dry-run=client", "--json")
    assert result.exit_code == 0, result.output
    assert [s["status"] for s in json.loads(result.stdout)["steps"]][-1] == "skipped"


def test_stuck_rollout_times_out_with_pod_status_events_and_logs(tmp_path, fake_api, local_image):
    fake_api.logs["webhook-receiver-7d9f-abcde"] = "starting\nsqlalchemy.exc.OperationalError: connection refused\n"
    pod_status = {"phase": "Running", "conditions": [{"type": "Ready", "status": "False"}],
                  "containerStatuses": [{"name": "receiver", "restartCount": 4, "state": {
                      "waiting": {"reason": "CrashLoopBackOff", "message": "back-off 40s"}}}]}
    controller_runs(fake_api, pod_status,
                    lambda gen: {"observedGeneration": gen, "replicas": 2, "updatedReplicas": 2,
                                 "availableReplicas": 1},
                    lambda api, deployment, rs, pod: api.put(event_about(
                        pod, "BackOff", "Back-off restarting failed container", now(), "e1")))
    result = deploy(tmp_path, fake_api, "--timeout", "2")
    assert result.exit_code == 1, result.output
    text = result.output
    assert "rollout not finished after 2s: deployment webhook-receiver: 1 of 2 updated replicas available" in text
    assert "CrashLoopBackOff: back-off 40s" in text and "restarted 4x" in text
    assert "BackOff: Back-off restarting failed container" in text
    assert "OperationalError: connection refused" in text
    assert text.count("error:") == 1


def test_progress_deadline_exceeded_fails_at_once(tmp_path, fake_api, local_image):
    drive_rollout(fake_api, lambda gen: {"observedGeneration": gen, "replicas": 2, "updatedReplicas": 1,
                                         "conditions": [{"type": "Progressing", "status": "False",
                                                         "reason": "ProgressDeadlineExceeded"}]})
    result = deploy(tmp_path, fake_api, "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["error"] == "deployment webhook-receiver exceeded its progress deadline"
    assert report["steps"][-1]["step"] == "wait" and report["steps"][-1]["status"] == "failed"
    assert report["steps"][-1]["seconds"] < 10


def test_wrong_context_is_refused_before_anything_changes(tmp_path, fake_api, local_image):
    result = deploy(tmp_path, fake_api, context="production")
    assert result.exit_code == 2
    assert ("the selected kube context is 'production', but staging deploys to 'staging': run "
            "'kubectl config use-context staging' (nothing was changed)") in result.output
    assert fake_api.applies() == []


@pytest.mark.parametrize("missing", ["STAGING_WEBHOOK_SECRET"])
def test_missing_secret_exits_2(tmp_path, fake_api, local_image, missing, monkeypatch):
    config = write_config(tmp_path / "pyproject.toml", "staging", kube_table())
    kubeconfig = fake_api.kubeconfig(tmp_path / "kubeconfig")
    env = {"KUBECONFIG": str(kubeconfig), **SECRET_VALUES, missing: None}
    result = CliRunner().invoke(app, ["deploy", "staging", "--config", str(config), "--skip-build",
                                      "--tag", "deploy-test"], env=env)
    assert result.exit_code == 2
    assert "error: secret WEBHOOK_SECRET: environment variable STAGING_WEBHOOK_SECRET is not set" in result.output
    assert fake_api.applies() == []
