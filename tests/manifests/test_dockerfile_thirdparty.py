"""The Dockerfile linter on real Dockerfiles that PyPI sdists ship (black, jupyterhub): every finding
asserted, and the ones that must not fire (pinned ARG defaults, JSON CMDs, local ADDs, USER set) not."""

from __future__ import annotations

import pytest
from support.sdists import sdist_tree

from infractl.manifests.checks.dockerfile import lint_dockerfile
from infractl.manifests.kustomize.discover import find_dockerfiles

# path in the sdist -> (line, rule) of every finding
EXPECTED = {
    ("black", "24.10.0"): {
        # multi-stage: both stages' python:3.12-slim float (DOCKER006); the final stage sets no USER
        "Dockerfile": [(1, "DOCKER006"), (16, "DOCKER002"), (16, "DOCKER006")],
        "gallery/Dockerfile": [(1, "DOCKER002")],
    },
    ("jupyterhub", "5.2.1"): {
        # ARG BASE_IMAGE=ubuntu:22.04 before FROM --platform=... $BASE_IMAGE: a tag, but a floating one
        # (DOCKER006 on each of the 3 stages that use it); the last stage rootful
        "Dockerfile": [(35, "DOCKER006"), (83, "DOCKER006"), (109, "DOCKER002"), (109, "DOCKER006")],
        # ARG BASE_IMAGE=quay.io/jupyterhub/jupyterhub-onbuild: no tag; USER demo
        "demo-image/Dockerfile": [(7, "DOCKER001")],
        "examples/postgres/db/Dockerfile": [(1, "DOCKER002"), (1, "DOCKER006")],  # postgres:9.3 floats
        "examples/postgres/hub/Dockerfile": [(1, "DOCKER001")],
        "examples/service-fastapi/Dockerfile": [(1, "DOCKER001"), (1, "DOCKER002")],
        # ARG BASE_IMAGE=quay.io/jupyterhub/jupyterhub:latest
        "onbuild/Dockerfile": [(8, "DOCKER001"), (8, "DOCKER002")],
        # ADD install_jupyterhub (a local file) is fine
        "singleuser/Dockerfile": [(5, "DOCKER001"), (5, "DOCKER002")],
    },
}


@pytest.mark.parametrize("name, version", sorted(EXPECTED), ids=lambda value: value)
def test_real_dockerfiles_from_sdists(name, version):
    tree = sdist_tree(name, version)
    found = {path.relative_to(tree).as_posix(): path for path in find_dockerfiles(tree)}
    assert sorted(found) == sorted(EXPECTED[(name, version)])
    for relative, expected in EXPECTED[(name, version)].items():
        findings = lint_dockerfile(found[relative], relative)
        assert [(f.line, f.rule) for f in findings] == expected, relative
        for finding in findings:
            if finding.rule == "DOCKER001":
                assert "has no tag" in finding.message or "uses :latest" in finding.message
