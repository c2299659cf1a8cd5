"""Real third-party manifests: kopf's deployment, RBAC, CRDs and example objects (from its PyPI sdist)."""

from __future__ import annotations

import json
import os
import subprocess

import yaml
from typer.testing import CliRunner

from infractl import cli
from infractl.manifests.kustomize.render import render_kustomize
from infractl.manifests.lint import lint_directory, lint_objects

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
    # KopfExample, KopfPeering and ClusterKopfPeering are validated against kopf's own CRDs: valid
    assert got == [
        ("K8S101", "warning", "docs/deployment-depl.yaml", 19),  # the container: no resources
        ("K8S102", "warning", "docs/deployment-depl.yaml", 19),  # no probes
        ("K8S103", "error", "docs/deployment-depl.yaml", 20),  # image: nolar/kopf-operator (no tag)
        ("K8S104", "warning", "docs/deployment-depl.yaml", 19),
        ("K8S105", "warning", "docs/deployment-depl.yaml", 19),
        ("K8S106", "warning", "docs/deployment-depl.yaml", 19),
        ("K8S140", "warning", "docs/deployment-depl.yaml", 19),  # no capabilities: {drop: [ALL]}
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
    assert (summary["objects"], summary["error"], summary["warning"], summary["info"]) == (12, 1, 6, 0)
    assert strict.exit_code == 1 and relaxed.exit_code == 0


def test_kopf_custom_resources_are_checked_against_kopfs_crds(kopf_dir):
    objects = render_kustomize(kopf_dir)
    example = next(o for o in objects if o["kind"] == "KopfExample")
    example["specs"] = {}  # a typo beside spec (spec itself preserves unknown fields)
    peering = next(o for o in objects if o["kind"] == "KopfPeering")
    peering["status"] = "busy"  # the CRD says: an object
    crd_less = [o for o in objects if o["kind"] != "CustomResourceDefinition"]
    found = sorted((f.rule, f.message) for f in lint_objects(objects, "kopf") if f.rule in ("K8S001", "K8S002"))
    assert found == [
        ("K8S001", ("KopfExample/kopf-example-1: (top level): Additional properties are not allowed "
                    "('specs' was unexpected)")),
        ("K8S001", "KopfPeering/default/default: status: a string is not of type 'object'"),
    ]
    assert sorted(f.rule for f in lint_objects(crd_less, "kopf") if f.rule.startswith("K8S00")) == ["K8S002"] * 3
