"""`infractl manifests lint` end to end: the bundled stack is clean; broken copies point at file:line."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from infractl import cli
from infractl.manifests.kustomize.render import render_kustomize
from infractl.manifests.lint import lint_directory, lint_objects

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def lint(*args: str, cwd: Path | None = None):
    old = Path.cwd()
    os.chdir(cwd or ROOT)
    try:
        return runner.invoke(cli.app, ["manifests", "lint", *args])
    finally:
        os.chdir(old)


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1)
                if text in line and not line.lstrip().startswith("#"))


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_the_bundled_staging_stack_is_clean(kustomize):
    result = lint("manifests/staging")
    assert result.exit_code == 0, result.output
    assert "9 objects, 1 compose file checked" in result.output and "0 errors, 0 warnings, 0 info" in result.output
    result = lint("manifests/staging", "--json")
    report = json.loads(result.output)
    assert report["findings"] == [] and report["summary"]["objects"] == 9
    assert report["summary"]["compose_files"] == 1


def test_an_unpinned_image_is_an_error_at_its_line_and_noqa_suppresses_it(staging):
    deployment = staging / "deployment.yaml"
    replace(staging / "kustomization.yaml", 'newTag: "0.4.2"', "newTag: latest")
    result = lint(str(staging), "--json")
    assert result.exit_code == 1
    findings = json.loads(result.output)["findings"]
    assert [(f["rule"], f["path"], f["line"]) for f in findings] == [
        ("K8S103", str(deployment), line_of(deployment, "image: webhook-receiver")),
        ("K8S103", str(staging / "retention-cronjob.yaml"),
         line_of(staging / "retention-cronjob.yaml", "image: webhook-receiver")),
    ]
    replace(deployment, "image: webhook-receiver", "image: webhook-receiver  # noqa: K8S103")
    replace(staging / "retention-cronjob.yaml", "image: webhook-receiver", "image: webhook-receiver  # noqa")
    result = lint(str(staging), "--json")
    assert result.exit_code == 0 and json.loads(result.output)["findings"] == []


def test_warnings_pass_unless_strict_and_select_ignore_filter(staging):
    deployment = staging / "deployment.yaml"
    text = deployment.read_text()
    start = text.index("          livenessProbe:")
    end = text.index("          securityContext:\n            readOnly")
    deployment.write_text(text[:start] + text[end:])
    result = lint(str(staging))
    assert result.exit_code == 0, result.output
    assert f"{deployment}:{line_of(deployment, '- name: receiver')}" in result.output
    assert "K8S102" in result.output and "no livenessProbe" in result.output
    assert lint(str(staging), "--strict").exit_code == 1
    assert lint(str(staging), "--strict", "--ignore", "K8S102").exit_code == 0
    assert lint(str(staging), "--strict", "--select", "K8S1", "--ignore", "K8S10").exit_code == 0
    result = lint(str(staging), "--select", "XX1")
    assert result.exit_code == 2 and "matches no rule" in result.output


def test_a_placeholder_secret_is_an_error_unless_deploy_fills_it(staging):
    secret = staging / "secret.yaml"
    replace(secret, '  WEBHOOK_SECRET: ""', "  WEBHOOK_SECRET: changeme")
    replace(secret, "DATABASE_URL,WEBHOOK_SECRET", "DATABASE_URL")
    findings = lint_directory(staging)
    assert [(f.rule, f.line) for f in findings] == [("K8S115", line_of(secret, "WEBHOOK_SECRET: changeme"))]
    assert "stringData.WEBHOOK_SECRET is a placeholder" in findings[0].message


def test_after_deploy_filled_the_secret_an_empty_listed_key_is_reported():
    objects = render_kustomize(ROOT / "manifests" / "staging")
    assert lint_objects(objects, "staging") == []
    secret = next(o for o in objects if o["kind"] == "Secret")
    secret["stringData"]["DATABASE_URL"] = "postgresql+psycopg://webhooks:s3cr3t-from-env@db/webhooks"
    found = lint_objects(objects, "staging", secrets_filled=True)
    assert [(f.rule, f.message.split(": ", 1)[1]) for f in found] == [("K8S115", "stringData.WEBHOOK_SECRET is empty")]
    assert "s3cr3t" not in repr(found)


def test_common_labels_and_a_service_that_selects_nothing(staging):
    kustomization = staging / "kustomization.yaml"
    replace(kustomization, "labels:\n", "commonLabels:\n  team: payments\nlabels:\n")
    replace(staging / "service.yaml", "    app.kubernetes.io/name: webhook-receiver\n  ports",
            "    app.kubernetes.io/name: webhook-reciever\n  ports")
    findings = {f.rule: f for f in lint_directory(staging)}
    assert findings["K8S116"].path == str(kustomization)
    assert findings["K8S116"].line == line_of(kustomization, "commonLabels:")
    assert findings["K8S113"].line == line_of(staging / "service.yaml", "  selector:")
    assert "webhook-reciever" in findings["K8S113"].message


def test_schema_errors_name_the_field_and_line(staging):
    replace(staging / "deployment.yaml", "  replicas: 2", '  replicas: "2"')
    replace(staging / "deployment.yaml", "          ports:", "          portz:")
    findings = [f for f in lint_directory(staging) if f.rule == "K8S001"]
    deployment = staging / "deployment.yaml"
    assert [(f.line, f.message.split(": ", 1)[1]) for f in findings] == [
        (line_of(deployment, 'replicas: "2"'), "spec.replicas: a string is not of type 'integer', 'null'"),
        (line_of(deployment, "- name: receiver"),
         "spec.template.spec.containers.0: Additional properties are not allowed ('portz' was unexpected)"),
    ]


def test_kube_version_and_config(staging, tmp_path):
    assert lint(str(staging), "--kube-version", "1.29").exit_code == 0
    result = lint(str(staging), "--kube-version", "1.99")
    assert result.exit_code == 2 and "newer than the newest bundled schemas" in result.output
    config = tmp_path / "infractl.toml"
    config.write_text('[manifests]\ndirs = ["staging"]\nkube_version = "1.31.0"\nignore = ["K8S116"]\n')
    replace(staging / "kustomization.yaml", "labels:\n", "commonLabels:\n  team: payments\nlabels:\n")
    result = lint("--json", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["kube_version"] == "1.31.0" and report["summary"]["objects"] == 9 and report["findings"] == []
    config.write_text('[manifests]\ndirz = ["staging"]\n')
    result = lint(cwd=tmp_path)
    assert result.exit_code == 2 and "unknown key 'dirz'" in result.output


@pytest.mark.parametrize("fmt", ["sarif", "github"])
def test_machine_formats_carry_every_finding(staging, fmt):
    replace(staging / "kustomization.yaml", 'newTag: "0.4.2"', "newTag: latest")
    result = lint(str(staging), "--format", fmt)
    assert result.exit_code == 1
    assert result.output.count("K8S103") >= 2


def test_a_broken_kustomization_is_a_finding_with_kustomizes_whole_message(staging):
    (staging / "kustomization.yaml").write_text("resources: [nowhere.yaml]\n")
    result = lint(str(staging), "--json")
    assert result.exit_code == 1, result.output
    [finding] = json.loads(result.output)["findings"]
    assert finding["rule"] == "K8S000" and finding["severity"] == "error" and finding["line"] is None
    assert "kustomize" in finding["message"] and "nowhere.yaml" in finding["message"]
    assert "no such file or directory" in finding["message"]


def test_a_broken_kustomization_beside_good_ones_hides_none_of_their_findings(staging, tmp_path, monkeypatch):
    """One overlay kustomize refuses is K8S000 on it; the other directory is still rendered and linted."""
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "kustomization.yaml").write_text("resources: [nowhere.yaml]\n")
    replace(staging / "kustomization.yaml", 'newTag: "0.4.2"', "newTag: latest")
    (tmp_path / "pyproject.toml").write_text(f'[tool.infractl.manifests]\ndirs = ["{broken}", "{staging}"]\n')
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli.app, ["manifests", "lint", "--json"])
    assert result.exit_code == 1, result.output
    rules = [f["rule"] for f in json.loads(result.output)["findings"]]
    assert rules.count("K8S000") == 1 and "K8S103" in rules


def test_lint_rendered_traces_deploys_objects_to_the_source_lines_without_showing_secret_values(staging):
    from infractl.manifests.lint import lint_rendered

    objects = render_kustomize(staging, {"webhook-receiver": "127.0.0.1:5000/webhook-receiver@sha256:" + "0" * 64})
    secret = next(o for o in objects if o["kind"] == "Secret")
    secret["stringData"] = {"DATABASE_URL": "postgresql://app:pw-from-env@db/app", "WEBHOOK_SECRET": 12345}
    deployment = next(o for o in objects if o["kind"] == "Deployment")
    del deployment["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]
    findings = lint_rendered(staging, objects, secrets_filled=True, display_root=staging)
    assert [(f.rule, f.path, f.line) for f in findings] == [
        ("K8S001", "secret.yaml", line_of(staging / "secret.yaml", "WEBHOOK_SECRET:")),
        ("K8S102", "deployment.yaml", line_of(staging / "deployment.yaml", "- name: receiver")),
    ]
    assert "12345" not in repr(findings) and "pw-from-env" not in repr(findings)


def test_generated_and_prefixed_objects_point_at_their_source(tmp_path, kustomize):
    (tmp_path / "kustomization.yaml").write_text(
        "namePrefix: staging-\nresources: [service.yaml]\nsecretGenerator:\n- name: api\n"
        "  literals: [TOKEN=changeme]\n")
    (tmp_path / "service.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: api\nspec:\n  selector: {app: api}\n"
        "  ports: [{port: 80}]\n")
    findings = lint_directory(tmp_path, display_root=tmp_path)
    assert sorted((f.rule, f.path, f.line) for f in findings) == [
        ("K8S113", "service.yaml", 6),  # staging-api selects nothing
        ("K8S115", "kustomization.yaml", 4),  # the generated staging-api-<hash> Secret: its generator entry
    ]
