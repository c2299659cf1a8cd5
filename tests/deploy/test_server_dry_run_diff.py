"""``deploy --dry-run=server`` shows what the server would change, as ``kubectl diff`` does (issue 17, item 5):
the live object against the server's answer to the dry-run apply, server-kept fields left out, Secret values
masked on both sides, unchanged objects counted; against the FAKE API, which answers both as the real one
does. A client and a server dry run agree where they overlap, and no format shows a secret value."""

from __future__ import annotations

import base64
import copy
import json
import subprocess

from conftest import SECRET_VALUES, kube_table, needs_docker, write_config
from test_kube_apply_like_real import DEPLOYMENT, app_copy, rolled_out
from typer.testing import CliRunner

from infractl.cli import app

pytestmark = needs_docker
NEW_WEBHOOK_SECRET = "whsec_Zq7rotatedcanary4242"


def run(tmp_path, fake_api, *args, table=None, secrets=None):
    config = write_config(tmp_path / "pyproject.toml", "staging", table or kube_table())
    kubeconfig = fake_api.kubeconfig(tmp_path / "kubeconfig")
    env = {"KUBECONFIG": str(kubeconfig), "INFRACTL_ROLLOUT_POLL": "0.1", **(secrets or SECRET_VALUES)}
    result = CliRunner().invoke(app, ["deploy", "staging", "--config", str(config), "--skip-build",
                                      "--tag", "deploy-test", *args], env=env)
    assert_no_value_in_any_form(result.stdout, result.stderr)
    return result


def assert_no_value_in_any_form(*texts: str) -> None:
    """No secret value, plain or base64 (as a Secret's data holds it), old or new."""
    values = [*SECRET_VALUES.values(), NEW_WEBHOOK_SECRET]
    forms = [*values, *(base64.b64encode(v.encode()).decode() for v in values)]
    for text in texts:
        for form in forms:
            assert form not in text, "a secret value leaked into the output"


def changes(result) -> dict[str, dict]:
    report = json.loads(result.stdout)
    return {f"{c['kind']}/{c['name']}": c for c in report["changes"]}


def changed_lines(diff: str) -> list[str]:
    return [line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]


def deployed(tmp_path, fake_api):
    with rolled_out(fake_api):
        assert run(tmp_path, fake_api).exit_code == 0


def test_a_fresh_cluster_shows_every_object_as_a_create_and_persists_nothing(tmp_path, fake_api, local_image):
    before = copy.deepcopy(fake_api.objects)
    result = run(tmp_path, fake_api, "--dry-run=server", "--json")
    assert result.exit_code == 0, result.output
    found = changes(result)
    assert sorted(found) == ["ConfigMap/webhook-receiver-config", "Deployment/webhook-receiver", "Namespace/aos-staging",
                             "PodDisruptionBudget/webhook-receiver", "Secret/webhook-receiver-secrets",
                             "Service/webhook-receiver"]
    assert {c["action"] for c in found.values()} == {"create"}
    assert found["Namespace/aos-staging"]["namespace"] is None
    assert found["Service/webhook-receiver"]["namespace"] == "aos-staging"
    deployment = found["Deployment/webhook-receiver"]["diff"]
    assert deployment.startswith("--- /dev/null\n+++ merged/apps.v1.Deployment.aos-staging.webhook-receiver\n")
    assert "+  replicas: 2\n" in deployment and "+  namespace: aos-staging\n" in deployment
    assert "+      automountServiceAccountToken: false\n" in deployment  # a field name is not a secret value
    # the server's own fields are not part of what would change
    assert "resourceVersion" not in deployment and "uid:" not in deployment and "managedFields" not in deployment
    assert changed_lines(found["Secret/webhook-receiver-secrets"]["diff"])[:3] == [
        "+apiVersion: v1", "+data:", "+  DATABASE_URL: '***'"]
    assert fake_api.writes() == [] and fake_api.objects == before


def test_after_a_deploy_a_changed_replica_count_is_exactly_that_line(tmp_path, fake_api, local_image):
    deployed(tmp_path, fake_api)
    table = app_copy(tmp_path, deployment=[("  replicas: 2\n", "  replicas: 3\n")])
    result = run(tmp_path, fake_api, "--dry-run=server", "--json", table=table)
    assert result.exit_code == 0, result.output
    found = changes(result)
    assert {key: c["action"] for key, c in found.items() if c["action"] != "unchanged"} == {
        "Deployment/webhook-receiver": "update"}
    assert changed_lines(found["Deployment/webhook-receiver"]["diff"]) == ["-  replicas: 2", "+  replicas: 3"]
    assert all(c["diff"] == "" for c in found.values() if c["action"] == "unchanged")
    assert fake_api.get(*DEPLOYMENT)["spec"]["replicas"] == 2
    text = run(tmp_path, fake_api, "--dry-run=server", table=table)
    assert text.exit_code == 0, text.output
    assert text.stdout.startswith("--- live/apps.v1.Deployment.aos-staging.webhook-receiver\n"
                                  "+++ merged/apps.v1.Deployment.aos-staging.webhook-receiver\n")
    assert text.stdout.count("\n--- ") == 0  # the unchanged objects are counted, not printed
    assert text.stderr.splitlines()[-1] == "staging: dry run (server): nothing deployed; 1 to update, 5 unchanged"


def test_a_changed_secret_shows_as_changed_never_its_value(tmp_path, fake_api, local_image):
    deployed(tmp_path, fake_api)
    rotated = {**SECRET_VALUES, "STAGING_WEBHOOK_SECRET": NEW_WEBHOOK_SECRET}
    result = run(tmp_path, fake_api, "--dry-run=server", "--json", secrets=rotated)
    assert result.exit_code == 0, result.output
    secret = changes(result)["Secret/webhook-receiver-secrets"]
    assert secret["action"] == "update"
    assert changed_lines(secret["diff"]) == ["-  WEBHOOK_SECRET: '*** (before)'", "+  WEBHOOK_SECRET: '*** (after)'"]
    assert "  DATABASE_URL: '***'\n" in secret["diff"]
    text = run(tmp_path, fake_api, "--dry-run=server", secrets=rotated)
    assert "+  WEBHOOK_SECRET: '*** (after)'" in text.stdout
    assert text.stderr.splitlines()[-1] == "staging: dry run (server): nothing deployed; 1 to update, 5 unchanged"


def test_a_field_manager_conflict_is_shown_as_such_and_forcing_it_is_a_diff(tmp_path, fake_api, local_image):
    deployed(tmp_path, fake_api)
    fake_api.update_by("kubectl", *DEPLOYMENT, ("spec", "replicas"), 3)  # kubectl scale --replicas=3
    refused = run(tmp_path, fake_api, "--dry-run=server", "--json")
    assert refused.exit_code == 1, refused.output
    report = json.loads(refused.stdout)
    assert report["error"] == "the server's dry run rejected 1 of 6 objects: nothing was applied"
    assert report["details"][0].startswith('Deployment/webhook-receiver: Apply failed with 1 conflict: conflict '
                                           'with "kubectl" using apps/v1: .spec.replicas (another field manager')
    assert "changes" not in report
    forced = run(tmp_path, fake_api, "--dry-run=server", "--json", "--force-conflicts")
    assert forced.exit_code == 0, forced.output
    assert changed_lines(changes(forced)["Deployment/webhook-receiver"]["diff"]) == [
        "-  replicas: 3", "+  replicas: 2"]
    assert fake_api.get(*DEPLOYMENT)["spec"]["replicas"] == 3 and fake_api.writes()[-1]["method"] == "PATCH"


def test_client_and_server_dry_runs_agree_and_no_format_shows_a_secret(tmp_path, fake_api, local_image):
    import yaml

    client_text = run(tmp_path, fake_api, "--dry-run=client")
    client_json = run(tmp_path, fake_api, "--dry-run=client", "--json")
    server_text = run(tmp_path, fake_api, "--dry-run=server")
    server_json = run(tmp_path, fake_api, "--dry-run=server", "--json")
    for result in (client_text, client_json, server_text, server_json):
        assert result.exit_code == 0, result.output
    client, server = json.loads(client_json.stdout), json.loads(server_json.stdout)
    assert client["objects"] == server["objects"] == [doc for doc in yaml.safe_load_all(client_text.stdout) if doc]
    assert "changes" not in client
    planned = {(o["kind"], o["metadata"]["name"], o["metadata"].get("namespace")) for o in client["objects"]}
    assert {(c["kind"], c["name"], c["namespace"]) for c in server["changes"]} == planned
    assert "".join(c["diff"] for c in server["changes"]) == server_text.stdout
    assert client_text.stderr.splitlines()[-1] == "staging: dry run (client): nothing deployed; 6 objects would be applied"
    assert server_text.stderr.splitlines()[-1] == "staging: dry run (server): nothing deployed; 6 to create"


def test_a_dry_run_of_a_pushing_environment_pins_the_digest_a_push_would(tmp_path, fake_api):
    """Seen on the real server: a dry run pushes nothing, so it pinned ``repository:tag`` where the deploy had
    pinned ``repository@digest``, and every server dry run showed the image as changed."""
    from support.registry import start_registry

    registry = start_registry()
    reference = f"{registry.host}/webhook-receiver:deploy-test"
    subprocess.run(["docker", "tag", "infractl-test/busybox:1", reference], check=True)
    try:
        table = kube_table(registry=registry.host, push=True)
        with rolled_out(fake_api):
            first = run(tmp_path, fake_api, "--json", table=table)
        assert first.exit_code == 0, first.output
        pinned = json.loads(first.stdout)["image"]["reference"]
        assert "@sha256:" in pinned
        result = run(tmp_path, fake_api, "--dry-run=server", "--json", table=table)
    finally:
        subprocess.run(["docker", "rmi", reference], capture_output=True, check=False)
        registry.stop()
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["image"]["reference"] == pinned
    assert next(s for s in report["steps"] if s["step"] == "push") == {
        "step": "push", "status": "skipped", "seconds": 0.0,
        "detail": f"dry run: pinned to {pinned.partition('@')[2][:19]}, the digest of this image's last push"}
    assert {c["action"] for c in report["changes"]} == {"unchanged"}, report["changes"]
