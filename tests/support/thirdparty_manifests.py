"""Real third-party Kubernetes manifests, fetched once with pip and cached in the machine-wide test cache (support.cache).

kopf (the Kubernetes operator framework) ships in its sdist the deployment manifests of its docs
(``docs/deployment-depl.yaml``, ``docs/deployment-rbac.yaml``), its CRDs (``peering.yaml``,
``examples/crd.yaml``) and an example custom resource (``examples/obj.yaml``). kopf ships no
kustomization: ``kopf_kustomization`` writes one that lists those files unchanged.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

from support.cache import cache_dir

ROOT = Path(__file__).resolve().parents[2]
CACHE = cache_dir("thirdparty")
KOPF_VERSION = "1.45.2"
KOPF_FILES = ("docs/deployment-depl.yaml", "docs/deployment-rbac.yaml", "peering.yaml", "examples/crd.yaml",
              "examples/obj.yaml")


def kopf_sdist() -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    found = sorted(CACHE.glob(f"kopf-{KOPF_VERSION}.tar.gz"))
    if found:
        return found[0]
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-deps",
                    "--no-binary", ":all:", "-d", str(CACHE), f"kopf=={KOPF_VERSION}"], check=True)
    return CACHE / f"kopf-{KOPF_VERSION}.tar.gz"


def kopf_kustomization(directory: Path) -> Path:
    """Unpack kopf's manifests into ``directory`` (their paths kept) and list them in a kustomization."""
    prefix = f"kopf-{KOPF_VERSION}/"
    with tarfile.open(kopf_sdist()) as tar:
        for name in KOPF_FILES:
            member = tar.getmember(prefix + name)
            target = directory / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(tar.extractfile(member).read())
    listed = "".join(f"  - {name}\n" for name in KOPF_FILES)
    (directory / "kustomization.yaml").write_text(f"resources:\n{listed}", encoding="utf-8")
    return directory
