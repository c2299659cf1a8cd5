"""Fixtures for the manifests tests: a copy of the bundled staging stack, kopf's real manifests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from infractl.errors import InfractlError
from infractl.manifests.kustomize.kubectl import kustomize_command

ROOT = Path(__file__).resolve().parents[2]
STAGING = ROOT / "manifests" / "staging"


@pytest.fixture(scope="session")
def kustomize() -> tuple[str, ...]:
    """The real kustomize command; scripts/test.sh installs kubectl when the machine has none."""
    try:
        return kustomize_command()
    except InfractlError as exc:
        pytest.fail(f"{exc} (scripts/test.sh installs it)")


@pytest.fixture
def staging(tmp_path: Path, kustomize) -> Path:
    """A private copy of manifests/staging that a test may break."""
    target = tmp_path / "staging"
    shutil.copytree(STAGING, target)
    return target


@pytest.fixture(scope="session")
def kopf_dir(tmp_path_factory, kustomize) -> Path:
    from support.thirdparty_manifests import kopf_kustomization

    return kopf_kustomization(tmp_path_factory.mktemp("kopf"))
