"""Real third-party Kubernetes manifests: kopf's sdist from PyPI (support.sdists: fetched once, cached).

kopf (the Kubernetes operator framework) ships in its sdist the deployment manifests of its docs
(``docs/deployment-depl.yaml``, ``docs/deployment-rbac.yaml``), its CRDs (``peering.yaml``,
``examples/crd.yaml``) and an example custom resource (``examples/obj.yaml``). kopf ships no
kustomization: ``kopf_kustomization`` writes one that lists those files unchanged.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from support.sdists import sdist_tree

KOPF_VERSION = "1.45.2"
KOPF_FILES = ("docs/deployment-depl.yaml", "docs/deployment-rbac.yaml", "peering.yaml", "examples/crd.yaml",
              "examples/obj.yaml")


def kopf_kustomization(directory: Path) -> Path:
    """Copy kopf's manifests into ``directory`` (their paths kept) and list them in a kustomization."""
    tree = sdist_tree("kopf", KOPF_VERSION)
    for name in KOPF_FILES:
        target = directory / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(tree / name, target)
    listed = "".join(f"  - {name}\n" for name in KOPF_FILES)
    (directory / "kustomization.yaml").write_text(f"resources:\n{listed}", encoding="utf-8")
    return directory
