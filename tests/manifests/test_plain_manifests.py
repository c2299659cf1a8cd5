"""Plain manifest directories (Kubernetes YAML without a kustomization), discovered by content: linted by
`manifests lint DIR` (with or without a Dockerfile below) and by `check`; what is not a manifest to apply
(workflows, compose files, Helm templates, kustomize's own files and patches, tool configs) is left alone."""

from __future__ import annotations

import json
import os
from pathlib import Path

from typer.testing import CliRunner

from infractl import cli

runner = CliRunner()

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 1
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
        securityContext: {readOnlyRootFilesystem: true, allowPrivilegeEscalation: false,
                          capabilities: {drop: [ALL]}}
"""
SERVICE = """\
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
"""
IMAGE_LINE = 13  # DEPLOYMENT's image line

NOT_MANIFESTS = {
    # a workflow, a compose file, a Helm template, kustomize's own files, tool configs: none is linted
    ".github/workflows/ci.yml": "name: ci\non: push\njobs: {a: {runs-on: ubuntu-latest, steps: [{run: echo}]}}\n",
    "compose.yaml": "services:\n  web: {image: 'web:1.0', healthcheck: {test: [CMD, 'true']}}\n",
    "chart/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n",
    "chart/templates/deployment.yaml": DEPLOYMENT.replace("name: web,", "name: {{ .Release.Name }},"),
    "chart/templates/plain.yaml": SERVICE.replace("{app: web}", "{app: nothing}"),  # a chart's, not applied alone
    "templated.yaml": DEPLOYMENT.replace("registry.example/web:latest", "{{ image }}"),
    "kind-cluster.yaml": "apiVersion: kind.x-k8s.io/v1alpha4\nkind: Cluster\nnodes: [{role: control-plane}]\n",
    "skaffold.yaml": "apiVersion: skaffold/v4beta6\nkind: Config\nmetadata: {name: web}\n",
    "kubeconfig.yaml": "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n",
    # a kustomization's directory (patches included) is kustomize's to render, not plain manifests
    "overlay/kustomization.yaml": "resources: [../base]\npatches:\n- path: replicas.yaml\n"
                                  "transformers: [names.yaml]\n",
    "overlay/replicas.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 1}\n",
    "overlay/names.yaml": "apiVersion: builtin\nkind: PrefixSuffixTransformer\nmetadata: {name: x}\nprefix: a-\n"
                          "fieldSpecs: [{path: metadata/name}]\n",
    "base/kustomization.yaml": "resources: [deployment.yaml]\n",
    "base/deployment.yaml": DEPLOYMENT.replace("registry.example/web:latest", "registry.example/web:1.0.3"),
    "base/unused.yaml": SERVICE.replace("{app: web}", "{app: nothing}"),
    "components/mesh/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"
                                          "resources: [gateway.yaml]\n",
    "components/mesh/gateway.yaml": SERVICE.replace("{app: web}", "{app: nothing}"),  # a Component's resource
    "tools/transformer.yaml": "apiVersion: builtin\nkind: LabelTransformer\nmetadata: {name: x}\nlabels: {}\n",
    "notes.yaml": "title: not a manifest\nkind: notes\n",
    "pkg/testdata/invalid.yaml": SERVICE.replace("{app: web}", "{app: nothing}"),  # Go tests' deliberate inputs
}


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def invoke(cwd: Path, *args: str) -> tuple[int, dict]:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = runner.invoke(cli.app, [*args, "--json"])
    finally:
        os.chdir(old)
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.output)


def places(report: dict) -> list[tuple[str, str, int | None]]:
    return sorted((f["rule"], f["path"], f["line"]) for f in report["findings"])


def test_a_plain_directory_without_a_dockerfile_is_linted(tmp_path):
    write(tmp_path, {"deploy/deployment.yaml": DEPLOYMENT, "deploy/service.yaml": SERVICE})
    code, report = invoke(tmp_path, "manifests", "lint", "deploy")
    # main: exit 2 ("no kustomization.yaml and no compose file, nor a Dockerfile")
    assert code == 1
    assert places(report) == [("K8S103", "deploy/deployment.yaml", IMAGE_LINE)]
    assert report["summary"]["objects"] == 2  # the Service selects the Deployment's pods in the other file
    assert report["summary"]["manifest_files"] == 2


def test_a_plain_directory_with_a_dockerfile_below_is_linted(tmp_path):
    write(tmp_path, {"deploy/deployment.yaml": DEPLOYMENT, "deploy/service.yaml": SERVICE,
                     "deploy/image/Dockerfile": "FROM python:3.12.4-slim\nUSER 10001\nHEALTHCHECK CMD true\n"})
    code, report = invoke(tmp_path, "manifests", "lint", "deploy")
    # main: "0 objects", exit 0
    assert code == 1 and report["summary"]["objects"] == 2
    assert ("K8S103", "deploy/deployment.yaml", IMAGE_LINE) in places(report)


def test_check_lints_plain_manifests_and_leaves_what_is_not_one(tmp_path, kustomize):
    write(tmp_path, {"deploy/deployment.yaml": DEPLOYMENT, "deploy/service.yaml": SERVICE, **NOT_MANIFESTS})
    (tmp_path / ".git").mkdir()
    code, report = invoke(tmp_path, "check", "--select", "K8S")
    # main: the manifests area found nothing here but the overlay (the plain files were never linted)
    assert code == 1
    assert places(report) == [("K8S103", "deploy/deployment.yaml", IMAGE_LINE)], report["findings"]
    assert "2 manifest files" in report["areas"]["manifests"]


def test_a_manifest_that_does_not_load_is_one_finding_and_the_others_are_linted(tmp_path):
    write(tmp_path, {"deploy/deployment.yaml": DEPLOYMENT, "deploy/service.yaml": SERVICE,
                     "deploy/broken.yaml": "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: 1\n   b: 2\n"})
    code, report = invoke(tmp_path, "manifests", "lint", "deploy")
    assert code == 1
    assert places(report) == [("K8S003", "deploy/broken.yaml", 5),
                              ("K8S103", "deploy/deployment.yaml", IMAGE_LINE)]


def test_a_service_selecting_nothing_among_plain_manifests_is_still_reported(tmp_path):
    write(tmp_path, {"deploy/deployment.yaml": DEPLOYMENT,
                     "deploy/service.yaml": SERVICE.replace("{app: web}", "{app: webb}")})
    _, report = invoke(tmp_path, "manifests", "lint", "deploy")
    assert ("K8S113", "deploy/service.yaml", 5) in places(report)
    [(severity, _)] = severity_of_k8s113(report)
    assert severity == "error"  # a typo of the pod template beside it: the claim holds


def test_a_directory_with_nothing_to_lint_is_still_a_usage_error(tmp_path):
    write(tmp_path, {"empty/notes.yaml": "title: not a manifest\n"})
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        result = runner.invoke(cli.app, ["manifests", "lint", "empty"])
    finally:
        os.chdir(old)
    assert result.exit_code == 2 and "no kustomization.yaml" in result.output


def severity_of_k8s113(report: dict) -> list[tuple[str, str]]:
    return [(f["severity"], f["message"]) for f in report["findings"] if f["rule"] == "K8S113"]


def test_a_service_whose_pods_may_be_made_elsewhere_is_a_warning_with_the_reason(tmp_path):
    unmatched = SERVICE.replace("{app: web}", "{app: exporter}")
    write(tmp_path, {"alone/service.yaml": unmatched,  # no workload beside it: a Helm release makes its pods
                     "templated/service.yaml": unmatched, "templated/deployment.yaml": DEPLOYMENT,
                     "templated/exporter.yaml": DEPLOYMENT.replace("name: web,", "name: {{ name }},"),
                     "other/service.yaml": SERVICE.replace("{app: web}", "{app.kubernetes.io/name: exporter}"),
                     "other/deployment.yaml": DEPLOYMENT,  # someone else's pods: nothing like the selector
                     "broken/service.yaml": unmatched, "broken/deployment.yaml": DEPLOYMENT,
                     "broken/exporter.yaml": "apiVersion: apps/v1\nkind: Deployment\nspec: {a: 1, a: 2}\n"})
    for directory, reason in (("alone", "its pods are made elsewhere"), ("other", "its pods are made elsewhere"),
                              ("templated", "does not load or is a template"),
                              ("broken", "does not load or is a template")):
        _, report = invoke(tmp_path, "manifests", "lint", directory)
        [(severity, message)] = severity_of_k8s113(report)
        # main: exit 2 for the directory, and an error where the pods are merely out of sight
        assert severity == "warning" and reason in message, (directory, message)


def test_a_template_with_placeholders_is_reported_as_not_linted_not_as_broken(tmp_path):
    write(tmp_path, {"deploy/deployment.yaml": DEPLOYMENT,
                     "deploy/service.yaml": SERVICE.replace("spec:\n", "spec:\n  clusterIP: {SERVICE_IP_PREFIX}.16\n")})
    _, report = invoke(tmp_path, "manifests", "lint", "deploy")
    [template] = [f for f in report["findings"] if f["rule"] == "K8S003"]
    # a sed/make template (cert-manager's make/config): not YAML until filled, so info, never an error
    assert template["severity"] == "info" and "{SERVICE_IP_PREFIX}" in template["message"]
