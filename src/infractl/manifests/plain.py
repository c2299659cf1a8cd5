"""Plain manifest files (Kubernetes YAML that no kustomization renders): loaded with their lines and
linted as one set, so a Service may select the pods of a Deployment in another file, as ``kubectl apply
-f DIR -R`` would create them together.

A file that cannot be loaded is K8S003 on it and the others are still linted. Documents that are not API
objects (kubeconfigs, kind/kubeadm cluster configs, kustomize's transformer configs) are left alone.
"""

from __future__ import annotations

from pathlib import Path

from infractl.findings import Finding
from infractl.manifests.checks.rules import RULE


def is_api_object(document) -> bool:
    """A Kubernetes API object (or List): a string apiVersion that an API server serves, and a kind."""
    from infractl.manifests.kustomize.discover import is_api_version

    if not isinstance(document, dict):
        return False
    api_version, kind = document.get("apiVersion"), document.get("kind")
    return isinstance(api_version, str) and isinstance(kind, str) and bool(kind) and is_api_version(api_version, kind)


def load_plain(path: Path, shown: str) -> tuple[list[dict], list[Finding]]:
    """(the API objects in ``path``, a List's items included; the K8S003 finding when it cannot be loaded)."""
    from infractl.load import LoadError, read_text
    from infractl.load.yamldocs import load_documents

    try:
        documents = load_documents(read_text(path), text_timestamps=True)
    except OSError as exc:
        return [], [RULE["K8S003"].finding(shown, None, None, f"cannot be read: {exc.strerror}",
                                           "make the file readable")]
    except LoadError as exc:
        return [], [RULE["K8S003"].finding(shown, exc.line, exc.column, str(exc),
                                           "fix the line shown: kubectl apply refuses the file")]
    objects = []
    for document in documents:
        if is_api_object(document) and document["kind"] == "List":
            objects += [item for item in document.get("items") or [] if is_api_object(item)]
        elif is_api_object(document):
            objects.append(document)
    return objects, []


def lint_plain_manifests(files: list[Path], kube_version: str, display_root: Path | None = None,
                         stats: dict | None = None) -> list[Finding]:
    """Lint ``files`` as one set of objects, each finding at its object's file and line. (Discovery leaves
    out the files under a kustomization's directory; kustomize reads no file outside it but through
    another kustomization, so no plain file is rendered by a kustomization too.)"""
    from infractl.manifests.kustomize.sourcemap import deepest_line, display_path
    from infractl.manifests.lint import lint_objects

    root = display_root or Path.cwd()
    objects: list[dict] = []
    where: dict[int, str] = {}
    findings: list[Finding] = []
    linted = list(dict.fromkeys(files))
    for path in linted:
        shown = display_path(path, root)
        loaded, problems = load_plain(path, shown)
        findings += problems
        for obj in loaded:
            where[id(obj)] = shown
        objects += loaded
    if stats is not None:
        stats["objects"] = stats.get("objects", 0) + len(objects)
        stats["manifest_files"] = stats.get("manifest_files", 0) + len(linted)
    if not objects:
        return findings

    def locate(obj: dict, keys: tuple) -> tuple[str | None, int | None]:
        return where.get(id(obj)), deepest_line(obj, keys)

    source = display_path(linted[0].parent, root)
    return findings + lint_objects(objects, source, kube_version, locate)
