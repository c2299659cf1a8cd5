"""The FAKE API refuses what kube-apiserver v1.28.0 refused in the real run (issue 17, item 3 and the
fake's parity), with the server's wording, through the same client infractl uses."""

from __future__ import annotations

import json

import pytest
from kubernetes import config
from kubernetes.client.exceptions import ApiException
from kubernetes.dynamic import DynamicClient

LABELS = {"app": "receiver"}


def workload(selector: dict, labels: dict) -> dict:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "receiver"},
            "spec": {"selector": {"matchLabels": selector}, "template": {
                "metadata": {"labels": labels}, "spec": {"containers": [{"name": "c", "image": "x"}]}}}}


@pytest.fixture
def client(tmp_path, fake_api):
    api_client = config.new_client_from_config(config_file=str(fake_api.kubeconfig(tmp_path / "kubeconfig")))
    yield DynamicClient(api_client, cache_file=str(tmp_path / "discovery.json"))
    api_client.close()


def apply(client, obj: dict, namespace: str | None = "default", dry_run: str | None = None):
    resource = client.resources.get(api_version=obj["apiVersion"], kind=obj["kind"])
    return resource.server_side_apply(body=obj, namespace=namespace, field_manager="test", dry_run=dry_run)


def refusal(client, obj: dict, namespace: str | None = "default") -> tuple[int, str]:
    with pytest.raises(ApiException) as caught:
        apply(client, obj, namespace)
    return caught.value.status, json.loads(caught.value.body)["message"]


@pytest.mark.parametrize(("obj", "message"), [
    (workload({"app": "receiver"}, {"app": "other"}),
     ('Deployment.apps "receiver" is invalid: spec.template.metadata.labels: Invalid value: '
     'map[string]string{"app":"other"}: `selector` does not match template `labels`')),
    ({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "retention"},
      "spec": {"schedule": "0 3 * * *", "timeZone": "Mars/Olympus_Mons", "jobTemplate": {"spec": {}}}},
     ('CronJob.batch "retention" is invalid: spec.timeZone: Invalid value: "Mars/Olympus_Mons": '
     "unknown time zone Mars/Olympus_Mons")),
    ({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "receiver"},
      "spec": {"minAvailable": 1, "maxUnavailable": 1, "selector": {"matchLabels": LABELS}}},
     ('PodDisruptionBudget.policy "receiver" is invalid: spec: Invalid value: policy.PodDisruptionBudgetSpec{...}: '
     "minAvailable and maxUnavailable cannot be both set")),
], ids=["selector-vs-labels", "cronjob-timezone", "pdb-both"])
def test_validation_the_real_server_does(client, obj, message):
    assert refusal(client, obj) == (422, message)


def test_a_workload_selector_is_immutable(client):
    apply(client, workload(LABELS, LABELS))
    changed = workload({**LABELS, "track": "v2"}, {**LABELS, "track": "v2"})
    status, message = refusal(client, changed)
    assert status == 422 and message.endswith("spec.selector: Invalid value: v1.LabelSelector{...}: field is immutable")


def test_a_dry_run_does_not_create_the_namespace_others_need(client, fake_api):
    namespace = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "aos-staging"}}
    apply(client, namespace, namespace=None, dry_run="All")
    assert refusal(client, workload(LABELS, LABELS), "aos-staging") == (404, 'namespaces "aos-staging" not found')
    assert fake_api.get("v1", "namespaces", None, "aos-staging") is None


def test_an_apply_that_changes_nothing_keeps_the_resource_version(client):
    first = apply(client, workload(LABELS, LABELS)).metadata.resourceVersion
    assert apply(client, workload(LABELS, LABELS)).metadata.resourceVersion == first
    assert apply(client, workload(LABELS, {**LABELS, "extra": "x"})).metadata.resourceVersion != first


def test_the_log_of_a_pod_on_no_node_is_204_no_content(tmp_path, fake_api):
    from kubernetes import client as k8s

    fake_api.put({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default"}})
    api_client = config.new_client_from_config(config_file=str(fake_api.kubeconfig(tmp_path / "kc")))
    try:
        response = k8s.CoreV1Api(api_client).read_namespaced_pod_log_with_http_info("p", "default")
    finally:
        api_client.close()
    assert response[1] == 204 and not response[0]
