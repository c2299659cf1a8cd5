"""A dry run shows the exact objects it would apply (stdout as YAML; `--json` as `objects`), Secret values
masked, and never ends "deployed <image>"."""

from __future__ import annotations

import copy
import json

import yaml
from conftest import SECRET_VALUES, assert_no_secret, kube_table, needs_docker, write_config
from typer.testing import CliRunner

from infractl.cli import app

pytestmark = needs_docker
PINNED = "127.0.0.1:5999/webhook-receiver:deploy-test"


def dry_run(tmp_path, fake_api, *args):
    config = write_config(tmp_path / "pyproject.toml", "staging", kube_table())
    kubeconfig = fake_api.kubeconfig(tmp_path / "kubeconfig")
    result = CliRunner().invoke(app, ["deploy", "staging", "--config", str(config), "--skip-build", "--tag",
                                      "deploy-test", *args], env={"KUBECONFIG": str(kubeconfig), **SECRET_VALUES})
    assert_no_secret(result.output, result.stdout)
    return result


def by_kind(objects):
    return {(obj["kind"], obj["metadata"]["name"]): obj for obj in objects}


def assert_the_planned_objects(objects):
    planned = by_kind(objects)
    assert len(objects) == 6 and ("Namespace", "aos-staging") in planned
    container = planned[("Deployment", "webhook-receiver")]["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == PINNED
    secret = planned[("Secret", "webhook-receiver-secrets")]
    assert secret["stringData"] == {"DATABASE_URL": "***", "WEBHOOK_SECRET": "***"}


def test_client_dry_run_prints_the_objects_and_says_nothing_was_deployed(tmp_path, fake_api, local_image):
    result = dry_run(tmp_path, fake_api, "--dry-run=client")
    assert result.exit_code == 0, result.output
    assert_the_planned_objects([doc for doc in yaml.safe_load_all(result.stdout) if doc])
    assert result.stderr.splitlines()[-1] == "staging: dry run (client): nothing deployed; 6 objects would be applied"
    assert "deployed sha256" not in result.output and "deployed 127" not in result.output


def test_json_carries_the_objects(tmp_path, fake_api, local_image):
    before = copy.deepcopy(fake_api.objects)  # a fresh cluster: the built-in namespaces only
    result = dry_run(tmp_path, fake_api, "--dry-run=server", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert_the_planned_objects(report["objects"])
    # the server accepted every object, and persisted none: nothing is listed as applied
    [apply] = [step for step in report["steps"] if step["step"] == "apply"]
    assert apply["detail"].startswith("6 of 6 objects pass the server's dry run (nothing persisted)"), apply
    assert report["applied"] == [] and fake_api.objects == before
