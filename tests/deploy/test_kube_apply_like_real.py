"""``infractl deploy`` against the FAKE API on the points a real kube-apiserver v1.28.0 revealed (issue 17):
a first server dry run, all-or-nothing apply, "unchanged", field-manager conflicts, events by involved
object, 204 logs, and the final report lines. The fake behaves as the real server did (fake_kube_rules)."""

from __future__ import annotations

import contextlib
import copy
import json
import shutil
import threading

from conftest import KUBE_APP, controller_runs, event_about, kube_table, needs_docker
from support.fake_kube_rules import now
from test_kube_fake_api import deploy

pytestmark = needs_docker
DEPLOYMENT = ("apps/v1", "deployments", "aos-staging", "webhook-receiver")
NAME_LABEL = "app.kubernetes.io/name: webhook-receiver\n"
NEW_SELECTOR = [("    matchLabels:\n      " + NAME_LABEL, "    matchLabels:\n      " + NAME_LABEL + "      track: v2\n"),
                ("      labels:\n        " + NAME_LABEL, "      labels:\n        " + NAME_LABEL + "        track: v2\n")]


@contextlib.contextmanager
def rolled_out(api):
    """Keep the Deployment's status rolled out at whatever generation it has (a controller and kubelet)."""
    stop = threading.Event()

    def run() -> None:
        while not stop.wait(0.05):
            obj = api.get(*DEPLOYMENT)
            if obj is not None:
                gen = obj["metadata"]["generation"]
                replicas = obj["spec"].get("replicas", 1)
                api.set_status(*DEPLOYMENT, {"observedGeneration": gen, "replicas": replicas,
                                             "updatedReplicas": replicas, "readyReplicas": replicas,
                                             "availableReplicas": replicas})

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def app_copy(tmp_path, **edits) -> str:
    """kube-app copied, with ``{file: [(old, new), ...]}`` text edits; returns a config table deploying it."""
    target = tmp_path / "app"
    shutil.copytree(KUBE_APP, target)
    for name, pairs in edits.items():
        path = target / f"{name}.yaml"
        text = path.read_text(encoding="utf-8")
        for old, new in pairs:
            assert text.count(old) == 1, (name, old)
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")
    return kube_table().replace(str(KUBE_APP), str(target))


def step(result, name: str) -> dict:
    return next(s for s in json.loads(result.stdout)["steps"] if s["step"] == name)


def test_first_server_dry_run_checks_everything_and_persists_nothing(tmp_path, fake_api, local_image):
    before = copy.deepcopy(fake_api.objects)
    result = deploy(tmp_path, fake_api, "--dry-run=server", "--json")
    assert result.exit_code == 0, result.output
    assert fake_api.writes() == [] and fake_api.objects == before
    detail = step(result, "apply")["detail"]
    assert detail.startswith("6 of 6 objects pass the server's dry run (nothing persisted)")
    assert "namespace aos-staging does not exist yet: 5 objects in it were dry-run as creates in 'default'" in detail


def test_server_dry_run_of_an_invalid_object_fails_and_names_it(tmp_path, fake_api, local_image):
    table = app_copy(tmp_path, pdb=[("spec:\n", "spec:\n  maxUnavailable: 1\n")])
    result = deploy(tmp_path, fake_api, "--dry-run=server", "--json", table=table)
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report["error"] == "the server's dry run rejected 1 of 6 objects: nothing was applied"
    assert any(line.startswith('PodDisruptionBudget/webhook-receiver: PodDisruptionBudget.policy "webhook-receiver"'
                               " is invalid: spec: Invalid value") and
               "minAvailable and maxUnavailable cannot be both set" in line for line in report["details"])
    assert fake_api.writes() == []


def test_failed_apply_leaves_the_cluster_as_it_was(tmp_path, fake_api, local_image):
    with rolled_out(fake_api):
        assert deploy(tmp_path, fake_api).exit_code == 0
    before, writes = copy.deepcopy(fake_api.objects), len(fake_api.writes())
    # A new selector: the Service and the PDB would accept it, the Deployment's is immutable.
    table = app_copy(tmp_path, deployment=NEW_SELECTOR,
                     service=[("  selector:\n    " + NAME_LABEL, "  selector:\n    " + NAME_LABEL + "    track: v2\n")])
    result = deploy(tmp_path, fake_api, "--json", table=table)
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report["error"] == "the server's dry run rejected 1 of 6 objects: nothing was applied"
    assert any("Deployment/webhook-receiver:" in line and "field is immutable" in line for line in report["details"])
    assert len(fake_api.writes()) == writes and fake_api.objects == before
    assert "track" not in fake_api.get("v1", "services", "aos-staging", "webhook-receiver")["spec"]["selector"]


def test_a_deploy_that_changes_nothing_says_so(tmp_path, fake_api, local_image):
    with rolled_out(fake_api):
        first = deploy(tmp_path, fake_api, "--json")
        second = deploy(tmp_path, fake_api, "--json")
    assert first.exit_code == 0 and second.exit_code == 0, second.output
    assert step(first, "apply")["detail"] == "6 created by server-side apply as 'infractl'"
    assert step(second, "apply")["detail"] == "6 objects unchanged"


def test_a_field_another_manager_set_is_a_conflict_unless_forced(tmp_path, fake_api, local_image):
    with rolled_out(fake_api):
        assert deploy(tmp_path, fake_api).exit_code == 0
        fake_api.update_by("kubectl", *DEPLOYMENT, ("spec", "replicas"), 3)  # kubectl scale --replicas=3
        refused = deploy(tmp_path, fake_api, "--json")
        assert refused.exit_code == 1, refused.output
        assert fake_api.get(*DEPLOYMENT)["spec"]["replicas"] == 3
        forced = deploy(tmp_path, fake_api, "--json", "--force-conflicts")
    report = json.loads(refused.stdout)
    assert report["error"] == "the server's dry run rejected 1 of 6 objects: nothing was applied"
    assert report["details"][0] == ('Deployment/webhook-receiver: Apply failed with 1 conflict: conflict with '
                                    '"kubectl" using apps/v1: .spec.replicas (another field manager owns these '
                                    'fields: deploy with --force-conflicts to take them over)')
    assert forced.exit_code == 0, forced.output
    assert fake_api.get(*DEPLOYMENT)["spec"]["replicas"] == 2
    assert all(r["query"].get("force") == ["true"] for r in fake_api.requests[-12:] if r["method"] == "PATCH")


def test_report_lines_of_a_dry_run_and_of_no_push(tmp_path, fake_api, local_image):
    dry = deploy(tmp_path, fake_api, "--dry-run=server")
    assert dry.exit_code == 0, dry.output
    assert dry.output.rstrip().endswith("staging: dry run (server): nothing deployed; 6 to create")
    assert "deployed sha256:" not in dry.output
    with rolled_out(fake_api):
        real = deploy(tmp_path, fake_api, "--no-push", "--json")
    assert step(real, "push") == {"step": "push", "status": "skipped", "seconds": 0.0, "detail": "--no-push"}


def test_failure_details_are_the_events_of_what_the_workload_owns(tmp_path, fake_api, local_image):
    """Issue 17 (4, 5): the quota event on the ReplicaSet is the cause; a Service that shares the
    Deployment's name and an earlier rollout's event are not; a pod on no node has no logs (204)."""
    def events(api, deployment, replicaset, pod):
        service = api.get("v1", "services", "aos-staging", "webhook-receiver")
        api.put(event_about(replicaset, "FailedCreate", 'pods "webhook-receiver-7d9f-x" is forbidden: exceeded '
                            "quota: pods-quota, requested: pods=1, used: pods=1, limited: pods=1", now(), "e1"))
        api.put(event_about(service, "Type", "ClusterIP -> LoadBalancer (same name, another object)", now(), "e2"))
        api.put(event_about(deployment, "ScalingReplicaSet", "an earlier rollout", "2026-01-02T03:04:05Z", "e3"))
        api.put(event_about(deployment, "ScalingReplicaSet", "Scaled up replica set webhook-receiver-7d9f to 2",
                            now(), "e4"))

    controller_runs(fake_api, {"phase": "Pending", "conditions": [
        {"type": "PodScheduled", "status": "False", "reason": "Unschedulable"}]},
        lambda gen: {"observedGeneration": gen, "replicas": 1, "updatedReplicas": 1}, events, node=None)
    result = deploy(tmp_path, fake_api, "--timeout", "2", "--json")
    assert result.exit_code == 1, result.output
    details = json.loads(result.stdout)["details"]
    assert details == [
        "pod webhook-receiver-7d9f-abcde: Pending, not scheduled: Unschedulable",
        ('event ReplicaSet/webhook-receiver-7d9f: FailedCreate: pods "webhook-receiver-7d9f-x" is forbidden: '
        "exceeded quota: pods-quota, requested: pods=1, used: pods=1, limited: pods=1"),
        "event Deployment/webhook-receiver: ScalingReplicaSet: Scaled up replica set webhook-receiver-7d9f to 2",
        "logs of webhook-receiver-7d9f-abcde: no logs (pod not scheduled to a node)",
    ], details


def test_new_crd_and_a_resource_of_it_in_one_server_dry_run(tmp_path, fake_api, local_image):
    crd = ("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n"
           "  name: widgets.example.com\nspec:\n  group: example.com\n  scope: Namespaced\n  names:\n"
           "    plural: widgets\n    singular: widget\n    kind: Widget\n  versions:\n    - name: v1\n"
           "      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n"
           "          type: object\n          x-kubernetes-preserve-unknown-fields: true\n")
    table = app_copy(tmp_path, kustomization=[("  - namespace.yaml\n", ("  - namespace.yaml\n  - crd.yaml\n"
                                                                       "  - widget.yaml\n"))])
    (tmp_path / "app" / "crd.yaml").write_text(crd, encoding="utf-8")
    (tmp_path / "app" / "widget.yaml").write_text(
        "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: first\nspec:\n  size: 3\n", encoding="utf-8")
    before = copy.deepcopy(fake_api.objects)
    result = deploy(tmp_path, fake_api, "--dry-run=server", "--json", table=table)
    assert result.exit_code == 0, result.output
    detail = step(result, "apply")["detail"]
    assert detail.startswith("7 of 8 objects pass the server's dry run (nothing persisted)")
    assert ("Widget/first: not checked by the server (its CustomResourceDefinition is new in this deploy and "
            "is not served yet)") in detail
    assert fake_api.writes() == [] and fake_api.objects == before
    with rolled_out(fake_api):  # for real: the CRD first, then its resource once discovery serves it
        applied = deploy(tmp_path, fake_api, "--json", table=table)
    assert applied.exit_code == 0, applied.output
    assert step(applied, "apply")["detail"] == "8 created by server-side apply as 'infractl'"
    assert fake_api.get("example.com/v1", "widgets", "aos-staging", "first")["spec"] == {"size": 3}


def test_a_namespace_neither_there_nor_in_the_set_fails_the_dry_run(tmp_path, fake_api, local_image):
    table = app_copy(tmp_path, kustomization=[("  - namespace.yaml\n", "")])
    result = deploy(tmp_path, fake_api, "--json", table=table)
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report["error"] == "the server's dry run rejected 5 of 5 objects: nothing was applied"
    assert report["details"][0] == ("ConfigMap/webhook-receiver-config: namespace 'aos-staging' does not exist and "
                                    "this deploy does not create it")
    assert fake_api.writes() == []
