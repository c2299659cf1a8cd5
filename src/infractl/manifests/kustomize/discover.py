"""Where a repository keeps its manifests: kustomizations, plain Kubernetes YAML, compose files and
Dockerfiles, by name and (plain manifests) by a byte test of their content.

Light on purpose (no YAML, no linting): ``infractl check`` asks this first and imports the linters only
when something is found.
"""

from __future__ import annotations

import re
from pathlib import Path

KUSTOMIZATIONS = ("kustomization.yaml", "kustomization.yml", "Kustomization")
# top-level apiVersion and kind at the start of a line: what every Kubernetes object (or List) has
_API_VERSION = re.compile(rb"^apiVersion:[ \t]*[\"']?([^\s\"'#]+)", re.MULTILINE)
_KIND = re.compile(rb"^kind:[ \t]*\S", re.MULTILINE)
_KUBECONFIG = re.compile(rb"^kind:[ \t]*[\"']?Config[\"']?[ \t]*$", re.MULTILINE)
# API groups whose "objects" are a tool's configuration files, never sent to an API server
_TOOL_GROUPS = ("kustomize.config.k8s.io", "config.kubernetes.io", "kind.x-k8s.io", "kubeadm.k8s.io", "k3d.io",
                "ctlptl.dev")
_UNDOTTED_GROUPS = ("apps", "batch", "policy", "autoscaling", "extensions")  # built-in groups without a dot
_TEMPLATE = (b"{{", b"{%")  # Helm, Jinja, gomplate: text that becomes YAML later, not a manifest yet
# Directories whose YAML is never a manifest to apply: CI workflows and actions, and Go's testdata (the
# go tool ignores it; it holds deliberately odd inputs of tests)
_NOT_MANIFEST_DIRS = frozenset({".github", ".gitlab", ".circleci", "testdata"})


def is_dockerfile(name: str) -> bool:
    """Dockerfile, Dockerfile.*, *.Dockerfile (not a per-Dockerfile Dockerfile.dockerignore)."""
    return (name == "Dockerfile" or name.startswith("Dockerfile.") or name.endswith(".Dockerfile")) \
        and not name.endswith(".dockerignore")


def is_compose_file(name: str) -> bool:
    """compose.yml, compose.override.yaml, docker-compose.prod.yml and the like (Compose v2's names)."""
    return name.startswith(("docker-compose", "compose.")) and name.endswith((".yml", ".yaml"))


def is_api_version(api_version: str, kind: str = "") -> bool:
    """An apiVersion (and kind) that an API server serves: ``v1`` (not a kubeconfig's ``Config``), a
    built-in group, or a group with a dot that is not a tool's (kustomize transformers, kind, kubeadm,
    skaffold/v4 and the like)."""
    group = api_version.rpartition("/")[0]
    if api_version == "v1":
        return kind != "Config"
    if group.endswith(".config.k8s.io") or any(group == g or group.endswith("." + g) for g in _TOOL_GROUPS):
        return False
    return "." in group or group in _UNDOTTED_GROUPS


def looks_like_manifest(data: bytes) -> bool:
    """A YAML file with a top-level ``kind`` and an ``apiVersion`` an API server serves, and no template
    syntax."""
    if not _KIND.search(data) or any(mark in data for mark in _TEMPLATE):
        return False
    kubeconfig = _KUBECONFIG.search(data) is not None
    return any(is_api_version(version.decode("utf-8", "replace"), "Config" if kubeconfig else "")
               for version in _API_VERSION.findall(data))


def find_dockerfiles(directory: Path, exclude: tuple[str, ...] | list[str] = (),
                     project_root: Path | None = None, scanner=None) -> list[Path]:
    """Dockerfiles under ``directory`` (the usual walk: .gitignore and virtualenvs skipped, and the
    ``exclude`` globs, relative to ``project_root``, default ``directory``)."""
    from infractl.discover.files import iter_files

    return list(iter_files([directory], (), tuple(exclude), project_root or directory, match=is_dockerfile,
                           cache=scanner and scanner.walks))


def kustomizations_and_composes(root: Path, scanner=None) -> tuple[list[Path], list[Path]]:
    """Every kustomization directory that is not a Component, and every compose file, under ``root``."""
    kustomizations, composes, _ = find_manifests(root, scanner)
    return kustomizations, composes


def find_manifests(root: Path, scanner=None, exclude: tuple[str, ...] = (),
                   project_root: Path | None = None) -> tuple[list[Path], list[Path], list[Path]]:
    """(kustomization directories that are not Components, compose files, plain manifest files) under
    ``root``. A plain manifest is a YAML file that ``looks_like_manifest``, outside every kustomization's
    and Component's directory (kustomize renders those, patches included), outside a Helm chart, CI
    directories and ``testdata``; a file
    that cannot be read is kept, so that linting it reports it."""
    from infractl.discover.files import iter_files, read_bytes

    read = scanner.read if scanner else read_bytes
    kustomizations, composes, candidates, owners = [], [], [], set()
    for path in iter_files([root], (), tuple(exclude), project_root or root, cache=scanner and scanner.walks,
                           match=lambda name: name.endswith((".yaml", ".yml")) or name == "Kustomization"):
        name = path.name
        if name in KUSTOMIZATIONS:
            owners.add(path.parent.resolve())  # a Component's files are kustomize's too, not plain manifests
            if b"kind: Component" not in _read_or_empty(read, path):
                kustomizations.append(path.parent)
        elif is_compose_file(name):
            composes.append(path)
        elif name == "Chart.yaml":
            owners.add(path.parent.resolve())
        elif not _NOT_MANIFEST_DIRS.intersection(path.relative_to(root).parts if path.is_relative_to(root)
                                                 else path.parts):
            candidates.append(path)
    plain = []
    for path in candidates:
        real = path.resolve()
        if owners.intersection(real.parents):
            continue
        try:
            data = read(str(path))
        except OSError:
            plain.append(path)  # unreadable: the lint reports it on this file
            continue
        if looks_like_manifest(data):
            plain.append(path)
    return kustomizations, composes, plain


def _read_or_empty(read, path: Path) -> bytes:
    try:
        return read(str(path))
    except OSError:
        return b""  # rendered all the same: kustomize reports the file it cannot read
