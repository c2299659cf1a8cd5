"""deploy's check step runs the manifests pipeline as `manifests lint` and `check` do: the project's
select/ignore and `# noqa` count there too, so a rule the project ignores cannot stop a deploy."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import KUBE_APP, SECRET_VALUES, assert_no_secret, kube_table, needs_docker, write_config
from typer.testing import CliRunner

from infractl.cli import app

pytestmark = needs_docker
SECURE = "            allowPrivilegeEscalation: false\n"


def privileged_app(tmp_path, comment: str = "") -> str:
    """The deploy fixture with its container made privileged: K8S107, an error that stops a deploy."""
    manifests = tmp_path / "kube-app"
    shutil.copytree(KUBE_APP, manifests)
    deployment = manifests / "deployment.yaml"
    text = deployment.read_text(encoding="utf-8")
    assert SECURE in text
    deployment.write_text(text.replace(SECURE, f"{SECURE}            privileged: true{comment}\n"), encoding="utf-8")
    return kube_table().replace(str(KUBE_APP), str(manifests))


def dry_run(tmp_path, fake_api, table: str, project: str = ""):
    config = write_config(tmp_path / "pyproject.toml", "staging", table + project)
    kubeconfig = fake_api.kubeconfig(tmp_path / "kubeconfig", context="staging", current="staging")
    result = CliRunner().invoke(app, ["deploy", "staging", "--config", str(config), "--skip-build", "--tag",
                                      "deploy-test", "--dry-run=client", "--json"],
                                env={"KUBECONFIG": str(kubeconfig), **SECRET_VALUES})
    assert_no_secret(result.output)
    return result, json.loads(result.stdout)


def test_the_privileged_container_stops_the_deploy_at_its_source_line(tmp_path, fake_api, local_image):
    result, report = dry_run(tmp_path, fake_api, privileged_app(tmp_path))
    assert result.exit_code == 1, result.output
    assert report["error"] == "1 error finding(s) stop the deploy"
    [finding] = [f for f in report["findings"] if f["rule"] == "K8S107"]
    assert finding["path"].endswith("kube-app/deployment.yaml") and finding["line"] == 61  # the privileged: line
    assert report["steps"][-1] == {"step": "check", "status": "failed", "seconds": report["steps"][-1]["seconds"],
                                   "detail": "failed"}


@pytest.mark.parametrize("project", ['[tool.infractl.manifests]\nignore = ["K8S107"]\n',
                                     '[tool.infractl]\nignore = ["K8S10"]\n'])
def test_a_rule_the_project_ignores_does_not_stop_the_deploy(tmp_path, fake_api, local_image, project):
    result, report = dry_run(tmp_path, fake_api, privileged_app(tmp_path), project)
    assert result.exit_code == 0, result.output
    assert [f["rule"] for f in report["findings"] if f["rule"].startswith("K8S10")] == []
    assert [s["step"] for s in report["steps"]][-2:] == ["check", "apply"]
    assert report["steps"][-1]["status"] == "skipped"


def test_a_noqa_on_the_line_does_not_stop_the_deploy(tmp_path, fake_api, local_image):
    result, report = dry_run(tmp_path, fake_api, privileged_app(tmp_path, "  # noqa: K8S107"))
    assert result.exit_code == 0, result.output
    assert "K8S107" not in [f["rule"] for f in report["findings"]]
