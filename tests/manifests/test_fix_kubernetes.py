"""The Kubernetes securityContext fixers, called directly: each rule's (before, after) cases both as the
rule-case runner meets them (objects without source lines) and through the real kustomize with the
source map (findings on the base file's lines); the fixed files render with ``kubectl kustomize`` and
validate with kubernetes-validate (strict); what needs a human is refused."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml
from support.fixers import fix_until_stable, fixer_of, one_pass

from infractl.fixes import apply_edits
from infractl.manifests.checks.fixers.kubernetes import SETTINGS
from infractl.manifests.checks.rules import RULE, RULES
from infractl.manifests.lint import lint_directory, lint_objects

FIXABLE = [rule for rule in RULES if rule.fixer and rule.id.startswith("K8S")]
CASES = [(rule, index, before, after) for rule in FIXABLE for index, (before, after) in enumerate(rule.fix_cases)]
IDS = [f"{r.id}-{i}" for r, i, _, _ in CASES]


def objects_finder(text: str) -> list:
    """As tests/support/rule_cases.py runs a K8S case: rendered objects, no source lines."""
    return lint_objects([doc for doc in yaml.safe_load_all(text) if doc], "example.yaml")


def kustomize_finder(directory: Path):
    """Through the real kustomize: the text is a resource of a kustomization, findings carry its lines."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "kustomization.yaml").write_text("resources: [workload.yaml]\n")

    def find(text: str) -> list:
        (directory / "workload.yaml").write_text(text, encoding="utf-8", newline="")
        return lint_directory(directory, display_root=directory)

    return find


def rendered_and_validated(directory: Path, kustomize) -> list[dict]:
    done = subprocess.run([*kustomize, str(directory)], capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    objects = [doc for doc in yaml.safe_load_all(done.stdout) if doc]
    for obj in objects:
        kubernetes_validate.validate(obj, "1.33.0", strict=True)
    return objects


def test_the_fixable_rules_declare_their_safety():
    assert {rule.id: rule.fix_safety for rule in FIXABLE} == {"K8S104": "unsafe", "K8S105": "unsafe",
                                                               "K8S106": "unsafe", "K8S140": "unsafe"}


@pytest.mark.parametrize(("rule", "index", "before", "after"), CASES, ids=IDS)
def test_fix_case_without_source_lines(rule, index, before, after):
    assert rule.id in {f.rule for f in objects_finder(before)}
    fixed, passes = fix_until_stable(rule, before, objects_finder)
    assert (fixed, passes) == (after, 1)
    assert rule.id not in {f.rule for f in objects_finder(fixed)}
    assert one_pass(rule, fixed, objects_finder(fixed))[1] == []


@pytest.mark.parametrize(("rule", "index", "before", "after"), CASES, ids=IDS)
def test_fix_case_through_kustomize_renders_and_validates(rule, index, before, after, tmp_path, kustomize):
    find = kustomize_finder(tmp_path / "app")
    findings = [f for f in find(before) if f.rule == rule.id]
    assert findings and all(f.path == "workload.yaml" and f.line for f in findings)
    fixed, passes = fix_until_stable(rule, before, find)
    assert (fixed, passes) == (after, 1)
    assert rule.id not in {f.rule for f in find(fixed)}
    rendered_and_validated(tmp_path / "app", kustomize)


def test_every_setting_on_a_container_without_any(tmp_path, kustomize):
    """The four fixes on one container: the first creates securityContext, the others join it (an
    insertion at the same place waits for the next pass)."""
    before = RULE["K8S106"].fix_cases[1][0]
    find = kustomize_finder(tmp_path / "app")
    text = before
    for rule in FIXABLE:
        text, _ = fix_until_stable(rule, text, find)
    assert not {"K8S104", "K8S105", "K8S106", "K8S140"} & {f.rule for f in find(text)}
    assert text == before.replace("      volumes: []\n", "          securityContext:\n            runAsNonRoot: true\n"
                                  "            readOnlyRootFilesystem: true\n"
                                  "            allowPrivilegeEscalation: false\n"
                                  "            capabilities: {drop: [ALL]}\n      volumes: []\n")
    (obj,) = rendered_and_validated(tmp_path / "app", kustomize)
    context = obj["spec"]["template"]["spec"]["containers"][0]["securityContext"]
    assert context == {"runAsNonRoot": True, "readOnlyRootFilesystem": True, "allowPrivilegeEscalation": False,
                       "capabilities": {"drop": ["ALL"]}}


def test_a_finding_on_a_kustomize_base_edits_the_base_file(tmp_path, kustomize):
    base, overlay = tmp_path / "base", tmp_path / "overlays" / "staging"
    base.mkdir()
    overlay.mkdir(parents=True)
    source = RULE["K8S106"].fix_cases[1][0]
    (base / "deployment.yaml").write_text(source)
    (base / "kustomization.yaml").write_text("resources: [deployment.yaml]\n")
    (overlay / "kustomization.yaml").write_text("resources: [../../base]\nnamePrefix: staging-\n")
    findings = [f for f in lint_directory(overlay, display_root=tmp_path) if f.rule == "K8S106"]
    assert [(f.path, f.line) for f in findings] == [("base/deployment.yaml", 13)]
    target = tmp_path / findings[0].path
    change = fixer_of(RULE["K8S106"])(target.read_text(), findings[0])
    target.write_text(apply_edits(target.read_text(), change.edits))
    assert "K8S106" not in {f.rule for f in lint_directory(overlay, display_root=tmp_path)}
    (obj,) = rendered_and_validated(overlay, kustomize)
    assert obj["metadata"]["name"] == "staging-web"


@pytest.mark.parametrize(("rule_id", "text"), [
    ("K8S105", RULE["K8S105"].bad),  # readOnlyRootFilesystem: false was written by someone: a human decides
    ("K8S104", RULE["K8S104"].fix_cases[1][0].replace("      volumes: []\n",
                                                      "      securityContext: {runAsUser: 0}\n      volumes: []\n")),
    ("K8S106", RULE["K8S106"].fix_cases[1][0].replace("          resources:", "          securityContext: null\n"
                                                                                 "          resources:")),
    ("K8S140", RULE["K8S106"].fix_cases[1][0].replace(  # an add: list is for a human to merge with drop: [ALL]
        "          resources:", "          securityContext:\n            capabilities: {add: [NET_BIND_SERVICE]}\n"
                                "          resources:")),
])
def test_what_needs_a_human_is_refused(rule_id, text, tmp_path, kustomize):
    findings = [f for f in kustomize_finder(tmp_path / "app")(text) if f.rule == rule_id]
    assert findings
    assert [fixer_of(RULE[rule_id])(text, f) for f in findings] == [None] * len(findings)


def test_a_container_a_patch_adds_is_not_found_in_the_base(tmp_path):
    """The finding's line is the object's (the container is not in the file): nothing is inserted."""
    text = RULE["K8S106"].fix_cases[1][0]
    finding = RULE["K8S106"].finding("workload.yaml", 5, None, "Deployment/web container sidecar: allowPrivilegeEscalation is not false")
    assert fixer_of(RULE["K8S106"])(text, finding) is None


def test_crlf_and_a_missing_final_newline(tmp_path, kustomize):
    before = RULE["K8S106"].fix_cases[1][0].replace("      volumes: []\n", "").replace("\n", "\r\n").rstrip()
    fixed, _ = fix_until_stable(RULE["K8S106"], before, kustomize_finder(tmp_path / "app"))
    assert fixed == before + "\r\n          securityContext:\r\n            allowPrivilegeEscalation: false\r\n"
    shutil.rmtree(tmp_path / "app")


PRIVILEGED = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: nfs-server
spec:
  selector: {matchLabels: {role: nfs-server}}
  template:
    metadata:
      labels: {role: nfs-server}
    spec:
      containers:
      - name: nfs-server
        image: registry.k8s.io/volume-nfs:0.8
        securityContext:
          %s
"""


@pytest.mark.parametrize("context", ["privileged: true", "capabilities: {add: [CAP_SYS_ADMIN]}"])
def test_no_allow_privilege_escalation_false_beside_privileged(context, tmp_path, kustomize):
    """kubernetes/examples' nfs-server-deployment.yaml (privileged: true): allowPrivilegeEscalation: false
    beside it makes a pod the API server refuses ("cannot set `allowPrivilegeEscalation` to false and
    `privileged` to true"), so K8S106 is not fixed there; the other settings still are."""
    text = PRIVILEGED % context
    find = kustomize_finder(tmp_path / "app")
    findings = find(text)
    assert [fixer_of(RULE["K8S106"])(text, f) for f in findings if f.rule == "K8S106"] == [None]
    fixed, passes = fix_until_stable(RULE["K8S105"], text, find)
    assert (fixed, passes) == (text + "          readOnlyRootFilesystem: true\n", 1)
    rendered_and_validated(tmp_path / "app", kustomize)


def test_the_comments_that_close_a_list_stay_with_it(tmp_path, kustomize):
    """zalando/postgres-operator's ui/manifests/deployment.yaml: commented-out env items after the last
    one. The new securityContext goes after them, not between env and its commented entries."""
    before = (RULE["K8S106"].fix_cases[1][0].replace("      volumes: []\n", "")
              + "          env:\n            - name: APP_URL\n              value: http://localhost:8081\n"
                "            # - name: AWS_REGION\n            #   value: eu-central-1\n\n")
    fixed, passes = fix_until_stable(RULE["K8S106"], before, kustomize_finder(tmp_path / "app"))
    assert (fixed, passes) == (before[:-1] + "          securityContext:\n            allowPrivilegeEscalation: false\n\n", 1)
    rendered_and_validated(tmp_path / "app", kustomize)


def test_the_engine_sets_a_containers_four_settings_in_one_pass(tmp_path, monkeypatch):
    """``check --fix --unsafe-fixes``: the four findings of one container without a securityContext are one
    insertion (the fixer is given its siblings: Change.covers), so the check runs again once, not four times
    (argo-cd: ~26 s a check), and the text is what four passes made (test_every_setting_on_a_container...)."""
    from infractl.fixing import engine

    before = RULE["K8S106"].fix_cases[1][0]
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "kustomization.yaml").write_text("resources: [workload.yaml]\n")
    (tmp_path / "app" / "workload.yaml").write_text(before)

    def check(root: Path) -> list:  # paths from the working directory, as check's (the copy's lead into it)
        return lint_directory(root / "app", display_root=tmp_path)

    monkeypatch.chdir(tmp_path)
    findings = check(tmp_path)
    assert {"K8S104", "K8S105", "K8S106", "K8S140"} <= {f.rule for f in findings}
    rechecks = []
    result = engine.run_fixes(findings, tmp_path, lambda copy: rechecks.append(copy) or check(copy), unsafe=True)
    assert len(rechecks) == 1
    ((state),) = result.files
    assert state.text == before.replace("      volumes: []\n", "          securityContext:\n            runAsNonRoot: true\n"
                                        "            readOnlyRootFilesystem: true\n"
                                        "            allowPrivilegeEscalation: false\n"
                                        "            capabilities: {drop: [ALL]}\n      volumes: []\n")
    assert sorted(note for _, note in result.fixed) == sorted(
        f"securityContext.{key}: {value}" for key, value in SETTINGS.values())
    assert not {"K8S104", "K8S105", "K8S106", "K8S140"} & {f.rule for f in result.remaining}


def test_a_sibling_that_needs_a_human_is_left_out_of_the_insertion(tmp_path):
    """UID 0: runAsNonRoot is a human's choice; the other settings of that container are still inserted
    together, and the K8S104 finding stays."""
    text = RULE["K8S104"].fix_cases[1][0].replace("      volumes: []\n", "      securityContext: {runAsUser: 0}\n"
                                                                             "      volumes: []\n")
    findings = [f for f in kustomize_finder(tmp_path / "app")(text) if f.rule in SETTINGS]
    by_rule = {f.rule: f for f in findings}
    fixer = fixer_of(RULE["K8S105"])
    change = fixer(text, by_rule["K8S105"], [f for f in findings if f.rule != "K8S105"])
    assert {finding.rule for finding, _ in change.covers} == {"K8S106", "K8S140"}
    fixed = apply_edits(text, change.edits)
    assert "runAsNonRoot" not in fixed and "readOnlyRootFilesystem: true" in fixed
    assert fixer(text, by_rule["K8S104"], findings) is None
