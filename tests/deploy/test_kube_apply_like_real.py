"""``infractl deploy`` against the FAKE API on the points a real kube-apiserver v1.28.0 revealed (issue 17):
a first server dry run, all-or-nothing apply, "unchanged", field-manager conflicts, events by involved
object, 204 logs, and the final report lines. The fake behaves as the real server did (fake_kube_rules)."""

from __future__ import annotations

import contextlib
import copy
import json
import shutil
import threading

from conftest import KUBE_APP, kube_table, needs_docker
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
    assert dry.output.rstrip().endswith("staging: server dry run passed; nothing was deployed")
    assert "deployed sha256:" not in dry.output
    with rolled_out(fake_api):
        real = deploy(tmp_path, fake_api, "--no-push", "--json")
    assert step(real, "push") == {"step": "push", "status": "skipped", "seconds": 0.0, "detail": "--no-push"}
