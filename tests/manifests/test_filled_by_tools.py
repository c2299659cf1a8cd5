"""What a tool fills in before kubectl sees it is not judged as written (issue 18's corpus): K8S103 on an
image the project's skaffold.yaml builds (microservices-demo's kubernetes-manifests, "meant to be used with
skaffold to insert the correct image: tags", ten errors) or on an image placeholder ({IMAGE}) is info saying
so, and a file whose values are ##VAR## placeholders is a template (K8S003 info), not schema errors. An
image no tool fills is still the error."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from infractl import cli

runner = CliRunner()
SKAFFOLD = """\
apiVersion: skaffold/v3
kind: Config
build:
  artifacts:
  - image: adservice
    context: src/adservice
manifests:
  kustomize:
    paths: [kubernetes-manifests]
---
apiVersion: skaffold/v3
kind: Config
profiles:
- name: debug
  build:
    artifacts:
    - image: registry.example:5000/team/cartservice
"""
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}}}
spec:
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
      - name: server
        image: {image}
"""


def image_findings(tmp_path: Path, cwd: Path) -> list[dict]:
    manifests = tmp_path / "kubernetes-manifests"
    manifests.mkdir()
    images = {"ad": "adservice", "cart": "registry.example:5000/team/cartservice:latest", "cache": "redis"}
    for name, image in images.items():
        (manifests / f"{name}.yaml").write_text(DEPLOYMENT.format(name=name, image=image))
    (manifests / "kustomization.yaml").write_text("resources: [ad.yaml, cart.yaml, cache.yaml]\n")
    (tmp_path / "skaffold.yaml").write_text(SKAFFOLD)
    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = runner.invoke(cli.app, ["check", str(tmp_path), "--json", "--select", "K8S103"])
    finally:
        os.chdir(old)
    return sorted(json.loads(result.output)["findings"], key=lambda f: f["path"])


@pytest.mark.parametrize("where", ["in the repository", "elsewhere"])
def test_images_skaffold_builds_are_info_and_others_stay_errors(tmp_path, where):
    """`infractl check REPO` from another directory (the corpus runs) reads REPO's skaffold.yaml too."""
    elsewhere = tmp_path.parent / f"{tmp_path.name}-elsewhere"
    elsewhere.mkdir()
    findings = image_findings(tmp_path, tmp_path if where == "in the repository" else elsewhere)
    assert [(Path(f["path"]).name, f["severity"]) for f in findings] == [
        ("ad.yaml", "info"), ("cache.yaml", "error"), ("cart.yaml", "info")]
    ad = findings[0]
    assert ad["message"].endswith("image adservice has no tag (it means :latest), but skaffold builds it "
                                  "(skaffold.yaml) and deploys it with the tag it gives the build")
    assert findings[1]["message"].endswith("image redis has no tag (it means :latest)")


def test_an_image_placeholder_that_a_tool_fills_is_info_not_an_unpinned_image(tmp_path):
    """cert-manager's make/config/bind/deployment.yaml: `image: "{IMAGE}"`, filled by sed before kubectl."""
    from infractl.manifests.lint import lint_objects

    objects = [{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": p},
                "spec": {"containers": [{"name": "c", "image": image}]}}
               for p, image in (("braces", "{IMAGE}"), ("envsubst", "${REGISTRY}/bind"), ("reader", "<YOUR-IMAGE>"),
                                ("bare", "bind"), ("angle", "registry.example/<team>/app"))]
    found = {f.message.split(" container")[0]: f for f in lint_objects(objects, "pods.yaml") if f.rule == "K8S103"}
    assert {name: f.severity.value for name, f in found.items()} == {
        "Pod/braces": "info", "Pod/envsubst": "info", "Pod/reader": "info", "Pod/bare": "error", "Pod/angle": "error"}
    assert "image {IMAGE} is a placeholder, filled in (by sed, envsubst, make or a reader) before the manifest " \
           "is applied: not judged" in found["Pod/braces"].message


def test_a_file_whose_values_are_hash_placeholders_is_a_template_not_schema_errors(tmp_path):
    """argo-cd's test/remote/argocd-remote-permissions.yaml: `name: ##CRNAME##`, filled by sed. YAML reads
    the placeholder as a comment, so the file loaded with nulls and gave three K8S001 errors."""
    from infractl.manifests.plain import lint_plain_manifests

    path = tmp_path / "binding.yaml"
    path.write_text("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n"
                    "  name: ##CRBNAME##\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n"
                    "  name: ##CRNAME##\nsubjects:\n- kind: ServiceAccount\n  name: ##SANAME##\n  namespace: x\n")
    [finding] = lint_plain_manifests([path], "1.33.0", display_root=tmp_path)
    assert (finding.rule, finding.severity.value, finding.line) == ("K8S003", "info", 4)
    assert "placeholders (##CRBNAME##) that YAML reads as comments" in finding.message
