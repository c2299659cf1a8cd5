"""The compiled schema checks agree with kubernetes-validate (jsonschema over the same strict schemas), and
the fast loader of kustomize's output agrees with PyYAML's SafeLoader, on real manifests and mutations."""

from __future__ import annotations

import copy
import importlib.util
import re
import subprocess
from functools import cache
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from infractl.load.fastyaml import load_documents
from infractl.manifests.checks.schema import schema_errors
from infractl.manifests.kustomize.render import render_kustomize
from infractl.rulebook import rules_for

RULES = rules_for("manifests lint")

ROOT = Path(__file__).resolve().parents[2]


@cache
def _validator(kind_file: str):
    import json

    import jsonschema
    from referencing import Registry, Resource

    from infractl.manifests.checks.schema import schema_dir

    directory = schema_dir("1.33.0")
    path = directory / kind_file
    if not path.is_file():
        return None
    registry = Resource.from_contents(json.loads((directory / "_definitions.json").read_text())) @ Registry()
    return jsonschema.Draft202012Validator(json.loads(path.read_text()), registry=registry)


def reference_errors(obj: dict) -> set[tuple]:
    """Every error path jsonschema reports for ``obj``, with kubernetes-validate's schema file and set-up
    (its validate() stops at the first error and rebuilds the validator on every call)."""
    api_version = obj["apiVersion"]
    group_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    validator = _validator(f"{obj['kind'].lower()}-{group_version}.json")
    if validator is None:
        return {("no schema",)}
    return {tuple(error.absolute_path) for error in validator.iter_errors(obj)}


def library_verdict(obj: dict) -> str:
    try:
        kubernetes_validate.validate(obj, "1.33.0", strict=True)
    except kubernetes_validate.ValidationError as error:
        return "invalid at " + ".".join(map(str, error.absolute_path))
    except kubernetes_validate.SchemaNotFoundError:
        return "no schema"
    return "valid"


def ours(obj: dict) -> set[tuple]:
    errors = schema_errors(obj, "1.33.0")
    return {("no schema",)} if errors is None else {path for path, _ in errors}


def mutations(obj: dict):
    """Typical mistakes: a typo'd field at several depths, a wrong scalar type, a bad enum, a missing name."""
    yield "unknown top-level field", {**obj, "specs": {}}
    meta = copy.deepcopy(obj)
    meta["metadata"]["labelz"] = {"a": "b"}
    yield "unknown metadata field", meta
    spec = obj.get("spec")
    if isinstance(spec, dict):
        typo = copy.deepcopy(obj)
        typo["spec"]["replicaz"] = 1
        yield "unknown spec field", typo
    pod = copy.deepcopy(obj)
    template = (pod.get("spec") or {}).get("template") or ((pod.get("spec") or {}).get("jobTemplate") or {}).get("spec", {}).get("template")
    if template:
        container = template["spec"]["containers"][0]
        container["ports"] = [{"containerPort": "8081"}]
        container["imagePullPolicy"] = "Sometimes"
        container["resources"] = {"limits": {"cpu": ["1"]}}
        container.pop("name")
        yield "container mistakes", pod


def corpus(kopf_dir) -> list[dict]:
    objects = render_kustomize(ROOT / "manifests" / "staging") + render_kustomize(kopf_dir)
    for rule in RULES:
        if rule.id.startswith("K8S") and rule.id not in ("K8S000", "K8S003", "K8S004", "K8S116"):  # not
            # objects: a kustomization.yaml (K8S000, K8S004, K8S116), a file that is not YAML (K8S003)
            for text in (rule.bad, rule.good):
                objects += [doc for doc in yaml.safe_load_all(text) if doc]
    return objects


def test_the_library_itself_agrees_on_the_real_manifests(kopf_dir):
    objects = render_kustomize(ROOT / "manifests" / "staging") + render_kustomize(kopf_dir)
    for obj in objects:
        errors = schema_errors(obj, "1.33.0")
        verdict = library_verdict(obj)
        if errors is None:
            assert verdict == "no schema"
        else:
            assert verdict == ("valid" if not errors else "invalid at " + ".".join(map(str, errors[0][0])))
    broken = copy.deepcopy(objects[0])
    broken["metadata"]["labelz"] = {}
    assert library_verdict(broken) == "invalid at metadata" and schema_errors(broken, "1.33.0")[0][0] == ("metadata",)


def test_compiled_checks_find_the_same_errors_as_kubernetes_validate(kopf_dir):
    checked = mutated = 0
    for obj in corpus(kopf_dir):
        assert ours(obj) == reference_errors(obj), obj
        checked += 1
        for label, variant in mutations(obj) if ours(obj) != {("no schema",)} else ():
            assert ours(variant) == reference_errors(variant), (label, obj["kind"])
            assert ours(variant), (label, obj["kind"])  # the mutation is an error
            mutated += 1
    assert checked > 40 and mutated > 60


def test_messages_read_like_jsonschema():
    obj = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
           "spec": {"type": "Cluster", "ports": [{"port": "80"}], "selectr": {}}}
    assert [message for _, message in schema_errors(obj, "1.33")] == [
        "spec: Additional properties are not allowed ('selectr' was unexpected)",
        "spec.ports.0.port: a string is not of type 'integer'",
    ]  # the bundled schemas carry no enum for spec.type: 'Cluster' passes, as with kubernetes-validate


@pytest.mark.parametrize("source", ["staging", "kopf", "bench"])
def test_fast_loader_equals_safe_loader(source, kopf_dir, kustomize, tmp_path):
    if source == "bench":
        spec = importlib.util.spec_from_file_location("bench_manifests", ROOT / "benchmarks" / "manifests.py")
        bench = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(bench)
        bench.generate(tmp_path, 12)
        directory = tmp_path
    else:
        directory = ROOT / "manifests" / "staging" if source == "staging" else kopf_dir
    text = subprocess.run([*kustomize, str(directory)], check=True, capture_output=True, text=True).stdout
    assert load_documents(text) == list(yaml.load_all(text, Loader=yaml.SafeLoader))


def test_fast_loader_types_scalars_like_safe_loader_but_keeps_timestamps_as_text():
    text = ("a: 1\nb: '1'\nc: yes\nd: 0x1F\ne: 1.5\nf: ~\ng: 2024-01-01T00:00:00Z\nh: [1, two, {x: null}]\n"
            "i: |\n  multi\n  line\nj: ''\nk:\nl: 1_000\nm: .inf\n---\n- x\n---\nanchored: &a {x: 1}\nuse: *a\n")
    fast, safe = load_documents(text), list(yaml.load_all(text, Loader=yaml.SafeLoader))
    assert fast[0]["g"] == "2024-01-01T00:00:00Z"  # also in the SafeLoader fallback (the anchor)
    fast[0]["g"] = safe[0]["g"]
    assert fast == safe and fast[-1] == {"anchored": {"x": 1}, "use": {"x": 1}}


@pytest.mark.parametrize("version", ["1.33.0;rm", "1.33.x", "1.33.0.1", "1.33-beta"])
def test_a_kube_version_with_anything_after_it_is_refused_not_half_read(version):
    """`--kube-version '1.33.0;rm'` used to be read as 1.33 and echoed back in the summary as if valid."""
    from infractl.errors import InfractlError
    from infractl.manifests.checks.schema import schema_dir

    with pytest.raises(InfractlError, match="expected a version such as 1.33 or 1.33.0"):
        schema_dir(version)
    assert schema_dir("v1.33.0") == schema_dir("1.33")


CRD_WITH_EQUALS = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: matchers.example.com}
spec:
  group: example.com
  names: {kind: Matcher, plural: matchers}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          matchType:
            type: string
            enum:
            - =
            - '!='
            - =~
            - '!~'
"""


@pytest.mark.parametrize("kustomized", [True, False], ids=["kustomization", "plain directory"])
def test_a_crd_that_lists_a_plain_equals_sign_is_linted_not_refused(tmp_path, kustomized):
    """The Prometheus operator's CRDs (kube-prometheus: every AlertmanagerConfig matcher) list ``- =``, which
    PyYAML alone cannot construct: check lost the whole manifests area (CHK002) and manifests lint exited 2."""
    import json

    from typer.testing import CliRunner

    from infractl import cli

    (tmp_path / "crd.yaml").write_text(CRD_WITH_EQUALS)
    if kustomized:
        (tmp_path / "kustomization.yaml").write_text("resources: [crd.yaml]\n")
    result = CliRunner().invoke(cli.app, ["check", str(tmp_path), "--json"])
    findings = json.loads(result.output)["findings"]
    assert not [f for f in findings if f["rule"] in ("CHK001", "CHK002", "K8S000", "K8S001")], findings
    result = CliRunner().invoke(cli.app, ["manifests", "lint", str(tmp_path), "--json"])
    assert result.exit_code in (0, 1), result.output
    assert json.loads(result.output)["summary"]["objects"] == 1
