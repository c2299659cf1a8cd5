"""Plain manifest files (Kubernetes YAML that no kustomization renders): loaded with their lines and
linted as one set, so a Service may select the pods of a Deployment in another file, as ``kubectl apply
-f DIR -R`` would create them together.

A file that cannot be loaded is K8S003 on it and the others are still linted. Documents that are not API
objects (kubeconfigs, kind/kubeadm cluster configs, kustomize's transformer configs) are left alone.
"""

from __future__ import annotations

import re
from pathlib import Path

from infractl.findings import Finding
from infractl.manifests.checks.rules import RULE

# a value that is a ``##NAME##`` placeholder (argo-cd's test/remote manifests, filled by sed): YAML loads
# it as a comment, so the file parses, with nulls where the names will be
COMMENT_PLACEHOLDER = re.compile(r"^[ \t-]*[\w.-]+:[ \t]+(##[A-Z][A-Z0-9_]*##)", re.MULTILINE)
# placeholders a tool fills before the file is YAML: {VAR} (sed, make), ${VAR} and $(VAR) (envsubst, make),
# __VAR__, <%= erb %>
TOOL_PLACEHOLDER = re.compile(r"\{[A-Z_][A-Z0-9_]*\}|\$\{[A-Za-z_]\w*\}|\$\([A-Z_]\w*\)|__[A-Z][A-Z0-9_]*__|<%")


def is_api_object(document) -> bool:
    """A Kubernetes API object (or List): a string apiVersion that an API server serves, and a kind."""
    from infractl.manifests.kustomize.discover import is_api_version

    if not isinstance(document, dict):
        return False
    api_version, kind = document.get("apiVersion"), document.get("kind")
    return isinstance(api_version, str) and isinstance(kind, str) and bool(kind) and is_api_version(api_version, kind)


def load_plain(path: Path, shown: str) -> tuple[list[dict], list[Finding]]:
    """(the API objects in ``path``, a List's items included; the K8S003 finding when it cannot be loaded)."""
    from infractl.findings import Severity
    from infractl.load import LoadError, read_text
    from infractl.load.yamldocs import YamlError, load_documents

    try:
        text = read_text(path)
        documents = load_documents(text, text_timestamps=True)
    except OSError as exc:
        return [], [RULE["K8S003"].finding(shown, None, None, f"cannot be read: {exc.strerror}",
                                           "make the file readable")]
    except LoadError as exc:
        placeholder = TOOL_PLACEHOLDER.search(text) if isinstance(exc, YamlError) else None
        if placeholder:  # envsubst, sed or make fill it in before kubectl sees it
            return [], [RULE["K8S003"].finding(
                shown, exc.line, exc.column, f"not YAML until its placeholders ({placeholder.group(0)}) are "
                f"filled: a template, not linted ({exc})", "lint the file its placeholders are filled into",
                Severity.INFO)]
        return [], [RULE["K8S003"].finding(shown, exc.line, exc.column, str(exc),
                                           "fix the line shown: kubectl apply refuses the file")]
    hidden = COMMENT_PLACEHOLDER.search(text)
    if hidden:  # YAML read `name: ##NAME##` as an empty value: the objects are not what sed will make
        line = text.count("\n", 0, hidden.start(1)) + 1
        return [], [RULE["K8S003"].finding(
            shown, line, None, f"holds placeholders ({hidden.group(1)}) that YAML reads as comments until a tool "
            "fills them: a template, not linted", "lint the file its placeholders are filled into", Severity.INFO)]
    objects = []
    for document in documents:
        if is_api_object(document) and document["kind"] == "List":
            objects += [item for item in document.get("items") or [] if is_api_object(item)]
        elif is_api_object(document):
            objects.append(document)
    return objects, []


def lint_plain_manifests(files: list[Path], kube_version: str, display_root: Path | None = None,
                         stats: dict | None = None, built_images: frozenset[str] = frozenset()) -> list[Finding]:
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
    found = lint_objects(objects, source, kube_version, locate, built_images=built_images)
    doubts = _pod_doubts(objects, where, {f.path for f in findings}, set(linted))
    return findings + [_doubted(f, doubts) for f in found]


def _pod_doubts(objects: list[dict], where: dict[int, str], unloaded: set[str],
                linted: set[Path]) -> dict[tuple[str, int | None], str]:
    """(file, line of spec.selector) of each Service -> why it may select pods these files do not show.
    Plain manifests are no deployable unit like a kustomization: a Service whose selector is no typo of
    a pod template beside it (same directory and namespace, the same keys, at most one value differing)
    has its pods made elsewhere (a Helm release, an operator, another repository); one beside YAML that did
    not load or is a template (``{{``) may have them there."""
    from infractl.manifests.checks.workloads import dig, namespace_of, pod_labels, pod_spec
    from infractl.manifests.kustomize.sourcemap import deepest_line

    def directory(obj: dict) -> str:
        return str(Path(where[id(obj)]).parent)

    workloads = [obj for obj in objects if pod_spec(obj) is not None]
    unread = {str(Path(name).parent) for name in unloaded}
    doubts = {}
    for service in objects:
        selector = dig(service, ("spec", "selector"))
        if service.get("kind") != "Service" or not isinstance(selector, dict):
            continue
        here = directory(service)
        if here in unread or _templates_beside(Path(where[id(service)]).parent, linted):
            reason = "YAML beside it that does not load or is a template may hold its pods"
        elif not any(directory(w) == here and namespace_of(w) == namespace_of(service)
                     and _nearly(selector, pod_labels(w)) for w in workloads):
            reason = "no pod template beside it is labelled like that: its pods are made elsewhere (a Helm " \
                     "release, an operator, another repository)"
        else:
            continue
        doubts[(where[id(service)], deepest_line(service, ("spec", "selector")))] = reason
    return doubts


def _nearly(selector: dict, labels: dict) -> bool:
    """The selector's keys all on the pods, at most one value differing: a typo, not someone else's pods."""
    return all(key in labels for key in selector) and sum(labels[k] != v for k, v in selector.items()) <= 1


def _templates_beside(directory: Path, linted: set[Path]) -> bool:
    """Whether ``directory`` holds YAML that is not linted and is a template (or cannot be read)."""
    try:
        others = [p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p not in linted]
    except OSError:
        return True
    for other in others:
        try:
            data = other.read_bytes()
        except OSError:
            return True  # unreadable: it may hold the pods as well
        if b"{{" in data or b"{%" in data:
            return True
    return False


def _doubted(finding: Finding, doubts: dict[tuple[str, int | None], str]) -> Finding:
    """K8S113 as a warning with the reason when the Service's pods may be made elsewhere."""
    from infractl.findings import Severity

    reason = doubts.get((finding.path, finding.line)) if finding.rule == "K8S113" else None
    if reason is None or finding.severity is not Severity.ERROR:
        return finding
    return RULE["K8S113"].finding(finding.path, finding.line, finding.column, f"{finding.message}; but {reason}",
                                  finding.fix, Severity.WARNING)
