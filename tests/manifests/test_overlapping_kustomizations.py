"""Kustomizations as real repositories hold them: a base several overlays render (each finding once per
source line), and one that kustomize refuses beside others (one K8S000 with kustomize's message; the
others, the plain manifests and the Dockerfiles below it are still linted), in `manifests lint` and `check`."""

from __future__ import annotations

import json
import os
from pathlib import Path

from typer.testing import CliRunner

from infractl import cli

runner = CliRunner()

BASE_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      securityContext: {runAsNonRoot: true, runAsUser: 10001}
      containers:
      - name: web
        image: registry.example/web:latest
        resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: 500m, memory: 256Mi}}
        readinessProbe: {httpGet: {path: /healthz, port: 8080}}
        livenessProbe: {httpGet: {path: /healthz, port: 8080}}
        securityContext: {readOnlyRootFilesystem: true, allowPrivilegeEscalation: false}
"""
IMAGE_LINE = 12
TREE = {
    "k8s/base/kustomization.yaml": "resources: [deployment.yaml]\n",
    "k8s/base/deployment.yaml": BASE_DEPLOYMENT,
    "k8s/overlays/prod/kustomization.yaml": "namePrefix: prod-\nnamespace: prod\nresources: [../../base]\n",
    "k8s/overlays/staging/kustomization.yaml": "namePrefix: staging-\nnamespace: staging\nresources: [../../base]\n",
}
BROKEN = "resources: [../../base, missing.yaml]\n"
DOCKERFILE = "FROM python:latest\n"


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / ".git").mkdir(exist_ok=True)
    return root


def invoke(cwd: Path, *args: str) -> tuple[int, list[dict]]:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = runner.invoke(cli.app, [*args, "--json"])
    finally:
        os.chdir(old)
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.output)["findings"]


def test_a_base_rendered_by_three_kustomizations_gives_each_finding_once(tmp_path, kustomize):
    write(tmp_path, TREE)
    code, findings = invoke(tmp_path, "check", "--select", "K8S103")
    # main: three K8S103 at the same line (base, prod-web, staging-web)
    assert code == 1
    [finding] = findings
    assert (finding["path"], finding["line"]) == ("k8s/base/deployment.yaml", IMAGE_LINE)
    assert "+2 more at this source line" in finding["message"]


def test_a_repository_checked_from_outside_still_gives_each_finding_once(tmp_path, kustomize):
    """`infractl check /abs/repo` from another directory (issue 18's corpus runs): the overlays reached the
    base as overlays/prod/../../base/deployment.yaml, so dedupe saw three files and kept three findings."""
    repo = write(tmp_path / "repo", TREE)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code, findings = invoke(elsewhere, "check", str(repo), "--select", "K8S103")
    assert code == 1
    [finding] = findings
    assert (finding["path"], finding["line"]) == (str(repo / "k8s/base/deployment.yaml"), IMAGE_LINE)
    assert "+2 more at this source line" in finding["message"]


def test_manifests_lint_of_a_directory_of_overlays_renders_each_and_reports_once(tmp_path, kustomize):
    write(tmp_path, TREE)
    code, findings = invoke(tmp_path, "manifests", "lint", "k8s", "--select", "K8S103")
    # main: exit 2 (k8s/ holds no kustomization.yaml of its own)
    assert code == 1
    assert [(f["rule"], f["path"], f["line"]) for f in findings] == [("K8S103", "k8s/base/deployment.yaml",
                                                                      IMAGE_LINE)]


def test_distinct_findings_on_one_line_without_a_line_are_kept_apart(tmp_path):
    from infractl.findings import Finding, Severity
    from infractl.manifests.command import dedupe

    one = Finding("k8s", None, None, "K8S002", Severity.INFO, "ServiceMonitor/a: no schema")
    two = one._replace(message="ServiceMonitor/b: no schema")
    assert dedupe([one, two, one]) == [one._replace(message=one.message + " (+1 more at this source line: "
                                                     "the kustomizations or compose files that share it)"), two]


def test_a_broken_overlay_is_one_finding_and_hides_nothing_in_check(tmp_path, kustomize):
    write(tmp_path, {**TREE, "k8s/overlays/broken/kustomization.yaml": BROKEN,
                     "k8s/overlays/broken/Dockerfile": DOCKERFILE,
                     "plain/service.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: api}\n"
                                           "spec:\n  selector: {app: api}\n  ports: [{port: 80}]\n"})
    code, findings = invoke(tmp_path, "check")
    assert code == 1
    broken = [f for f in findings if f["rule"] == "K8S000"]
    assert [f["path"] for f in broken] == ["k8s/overlays/broken"]
    assert "missing.yaml" in broken[0]["message"] and "no such file or directory" in broken[0]["message"]
    places = {(f["rule"], f["path"]) for f in findings}
    assert ("K8S103", "k8s/base/deployment.yaml") in places  # the other kustomizations
    assert ("K8S113", "plain/service.yaml") in places  # the plain manifests (main: never linted)
    # the Dockerfile below the broken kustomization (main: lost with its directory's render)
    assert any(f["path"] == "k8s/overlays/broken/Dockerfile" for f in findings), findings


def test_a_broken_kustomization_named_on_the_command_line_still_lints_its_dockerfiles(tmp_path, kustomize):
    write(tmp_path, {**TREE, "k8s/overlays/broken/kustomization.yaml": BROKEN,
                     "k8s/overlays/broken/Dockerfile": DOCKERFILE})
    code, findings = invoke(tmp_path, "manifests", "lint", "k8s/overlays/broken")
    assert code == 1
    assert [f["rule"] for f in findings if f["rule"] == "K8S000"] == ["K8S000"]
    assert any(f["path"] == "k8s/overlays/broken/Dockerfile" for f in findings), findings


def test_quoted_and_flow_style_names_are_located_beside_files_that_only_mention_them(tmp_path, kustomize):
    from infractl.manifests.lint import lint_directory

    quoted = BASE_DEPLOYMENT.replace("kind: Deployment", "kind: 'Deployment'").replace(
        "metadata: {name: web}", 'metadata:\n  name: "web"')
    mentions = ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: notes}\n"
                "data: {about: 'web: the Deployment web, kind: Deployment'}\n")
    write(tmp_path, {"kustomization.yaml": "resources: [notes.yaml, deployment.yaml]\n",
                     "notes.yaml": mentions, "deployment.yaml": quoted})
    found = [(f.path, f.line) for f in lint_directory(tmp_path, display_root=tmp_path) if f.rule == "K8S103"]
    assert found == [("deployment.yaml", IMAGE_LINE + 1)]
