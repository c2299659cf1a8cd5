"""Real third-party manifests: kopf's deployment, RBAC, CRDs and example objects (from its PyPI sdist)."""

from __future__ import annotations

import json
import os
import subprocess

import yaml
from typer.testing import CliRunner

from infractl import cli
from infractl.manifests.lint import lint_directory
from infractl.manifests.render import render_kustomize

runner = CliRunner()


def test_kopf_renders_as_kubectl_does(kopf_dir, kustomize):
    objects = render_kustomize(kopf_dir)
    text = subprocess.run([*kustomize, str(kopf_dir)], check=True, capture_output=True, text=True).stdout
    assert objects == [doc for doc in yaml.safe_load_all(text) if doc]
    assert sorted(o["kind"] for o in objects) == [
        "ClusterKopfPeering", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
        "CustomResourceDefinition", "CustomResourceDefinition", "Deployment", "KopfExample", "KopfPeering",
        "Role", "RoleBinding", "ServiceAccount"]


def test_kopf_findings(kopf_dir):
    findings = lint_directory(kopf_dir, display_root=kopf_dir)
    got = sorted((f.rule, f.severity.value, f.path, f.line) for f in findings)
    assert got == [
        ("K8S002", "info", "examples/obj.yaml", 2),  # KopfExample: a custom resource, no bundled schema
        ("K8S002", "info", "peering.yaml", 48),  # ClusterKopfPeering
        ("K8S002", "info", "peering.yaml", 53),  # KopfPeering
        ("K8S101", "warning", "docs/deployment-depl.yaml", 19),  # the container: no resources
        ("K8S102", "warning", "docs/deployment-depl.yaml", 19),  # no probes
        ("K8S103", "error", "docs/deployment-depl.yaml", 20),  # image: nolar/kopf-operator (no tag)
        ("K8S104", "warning", "docs/deployment-depl.yaml", 19),
        ("K8S105", "warning", "docs/deployment-depl.yaml", 19),
        ("K8S106", "warning", "docs/deployment-depl.yaml", 19),
    ]
    lines = (kopf_dir / "docs" / "deployment-depl.yaml").read_text().splitlines()
    assert lines[19 - 1].strip() == "- name: the-only-one" and lines[20 - 1].strip() == "image: nolar/kopf-operator"
    image = next(f for f in findings if f.rule == "K8S103")
    assert image.message == ("Deployment/kopfexample-operator container the-only-one: image nolar/kopf-operator "
                             "has no tag (it means :latest)")


def test_kopf_through_the_cli(kopf_dir):
    old = os.getcwd()
    os.chdir(kopf_dir)
    try:
        result = runner.invoke(cli.app, ["manifests", "lint", ".", "--json"])
        strict = runner.invoke(cli.app, ["manifests", "lint", ".", "--ignore", "K8S103", "--strict"])
        relaxed = runner.invoke(cli.app, ["manifests", "lint", ".", "--ignore", "K8S1"])
    finally:
        os.chdir(old)
    assert result.exit_code == 1
    summary = json.loads(result.output)["summary"]
    assert (summary["objects"], summary["error"], summary["warning"], summary["info"]) == (12, 1, 5, 3)
    assert strict.exit_code == 1 and relaxed.exit_code == 0
