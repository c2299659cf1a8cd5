"""Rendering with the real kustomize: the bundled stack, image pinning through an overlay, errors."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from infractl.errors import InfractlError
from infractl.manifests.kustomize import kubectl
from infractl.manifests.kustomize.render import render_kustomize

DIGEST = "sha256:" + "ab" * 32


def tree_digest(directory: Path) -> dict[str, str]:
    return {str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


def kubectl_objects(kustomize, directory: Path) -> list[dict]:
    out = subprocess.run([*kustomize, str(directory)], check=True, capture_output=True, text=True).stdout
    return [doc for doc in yaml.safe_load_all(out) if doc]


def test_staging_renders_every_part_into_the_namespace(staging, kustomize):
    objects = render_kustomize(staging)
    kinds = sorted((o["kind"], o["metadata"]["name"]) for o in objects)
    assert kinds == [
        ("ConfigMap", "webhook-receiver-config"), ("CronJob", "webhook-receiver-retention"),
        ("Deployment", "webhook-receiver"), ("Ingress", "webhook-receiver"), ("Namespace", "aos-staging"),
        ("PodDisruptionBudget", "webhook-receiver"), ("Secret", "webhook-receiver-secrets"),
        ("Service", "webhook-receiver"),
        ("Service", "webhook-receiver-metrics"),
    ]
    assert all(o["metadata"].get("namespace") == "aos-staging" for o in objects if o["kind"] != "Namespace")
    assert objects == kubectl_objects(kustomize, staging)  # the same objects kubectl itself gives
    deployment = next(o for o in objects if o["kind"] == "Deployment")
    assert deployment["spec"]["template"]["spec"]["containers"][0]["image"] == "webhook-receiver:0.4.2"
    # labels: includeSelectors false keeps the selector as written
    assert deployment["spec"]["selector"] == {"matchLabels": {"app.kubernetes.io/name": "webhook-receiver"}}


def test_images_pinned_to_a_digest_like_kubectl_does_and_the_directory_is_untouched(staging, kustomize, tmp_path):
    before = tree_digest(staging)
    reference = f"127.0.0.1:5000/webhook-receiver@{DIGEST}"
    pinned = render_kustomize(staging, {"webhook-receiver": reference})
    assert tree_digest(staging) == before
    images = {c["image"] for o in pinned if o["kind"] in ("Deployment", "CronJob")
              for c in (o["spec"].get("template") or o["spec"]["jobTemplate"]["spec"]["template"])["spec"]["containers"]}
    assert images == {reference}
    # The same override written into a copy's own kustomization, rendered by kubectl directly.
    edited = tmp_path / "edited"
    shutil.copytree(staging, edited)
    document = yaml.safe_load((edited / "kustomization.yaml").read_text())
    document["images"] = [{"name": "webhook-receiver", "newName": "127.0.0.1:5000/webhook-receiver",
                           "digest": DIGEST}]
    (edited / "kustomization.yaml").write_text(yaml.safe_dump(document))
    assert pinned == kubectl_objects(kustomize, edited)


def test_images_pinned_to_a_tag(staging):
    objects = render_kustomize(staging, {"webhook-receiver": "registry.local:5000/team/receiver:3f2a1c9"})
    deployment = next(o for o in objects if o["kind"] == "Deployment")
    assert deployment["spec"]["template"]["spec"]["containers"][0]["image"] == "registry.local:5000/team/receiver:3f2a1c9"


def test_a_kustomize_failure_is_one_line_naming_the_directory(staging):
    (staging / "kustomization.yaml").write_text("resources: [missing.yaml]\n")
    with pytest.raises(InfractlError) as caught:
        render_kustomize(staging)
    message = str(caught.value)
    assert "\n" not in message and str(staging) in message and "missing.yaml" in message
    # kubectl's log prefix ('E1127 11:48:19.169894   10488 run.go:72] "command failed" err=...') is noise
    assert "run.go" not in message and "command failed" not in message and 'err="' not in message


def test_no_kustomization_and_not_a_directory(tmp_path):
    with pytest.raises(InfractlError, match="no kustomization.yaml"):
        render_kustomize(tmp_path)
    with pytest.raises(InfractlError, match="not a directory"):
        render_kustomize(tmp_path / "nope")


def test_neither_kubectl_nor_kustomize_names_both(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("INFRACTL_KUBECTL", raising=False)
    monkeypatch.setattr(kubectl, "CACHE_DIR", tmp_path / "cache")
    kubectl.kustomize_command.cache_clear()
    try:
        with pytest.raises(InfractlError) as caught:
            kubectl.kustomize_command()
    finally:
        kubectl.kustomize_command.cache_clear()
    assert "kubectl" in str(caught.value) and "kustomize build" in str(caught.value)


def test_kustomize_build_is_used_when_there_is_no_kubectl(monkeypatch, tmp_path, kustomize):
    # A stand-in named `kustomize` (a shim around the real kubectl: no standalone kustomize is installed
    # here) proves the `kustomize build DIR` spelling is what runs.
    shim = tmp_path / "kustomize"
    shim.write_text(f'#!/bin/sh\n[ "$1" = build ] || exit 9\nexec {kustomize[0]} kustomize "$2"\n')
    shim.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("INFRACTL_KUBECTL", raising=False)
    monkeypatch.setattr(kubectl, "CACHE_DIR", tmp_path / "cache")
    kubectl.kustomize_command.cache_clear()
    try:
        assert kubectl.kustomize_command() == (str(shim), "build")
        staging = Path(__file__).resolve().parents[2] / "manifests" / "staging"
        assert len(render_kustomize(staging)) == 9  # 8 until the headless webhook-receiver-metrics Service (per-pod scrapes)
    finally:
        kubectl.kustomize_command.cache_clear()
