"""The hardening rules over rendered Kubernetes objects. Each yields ``Hit``s; lint.py makes them findings.

Rule ids and texts live in rules.py; the examples there are what the tests run.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from dataclasses import dataclass

from infractl.findings import Severity
from infractl.manifests.checks.operators import (
    controller_pod_labels,
    may_make_pods,
    operator_pods,
    selector_matches_labels,
)
from infractl.manifests.checks.workloads import (
    LONG_RUNNING,
    REPLICATED,
    containers,
    dig,
    name_of,
    namespace_of,
    pod_labels,
    pod_spec,
    replicas,
    selector_matches,
)

# A Secret key listed in this annotation (comma-separated) gets its value from `infractl deploy` at deploy
# time (the deploy config's `secrets`): it is empty in the repository on purpose and not a placeholder.
FILLED_AT_DEPLOY = "infractl.dev/filled-at-deploy"

_PLACEHOLDER = re.compile(r"^\s*(?:change[-_ .]?me|replace[-_ .]?me|todo|fixme|placeholder|<[^>]*>|\$\{[^}]*\}"
                          r"|x{3,}|dummy|your[-_ ]?\w*[-_ ]?here)\s*$", re.IGNORECASE)
_HOST_NAMESPACES = ("hostNetwork", "hostPID", "hostIPC")


@dataclass(frozen=True)
class Hit:
    obj: dict
    keys: tuple  # where inside the object (for the source line)
    rule: str
    message: str
    fix: str = ""
    severity: Severity | None = None  # another than the rule's declared one (a rule whose ``varies`` says why)


def label(obj: dict) -> str:
    namespace = namespace_of(obj)
    return f"{obj.get('kind')}/{(namespace + '/') if namespace else ''}{name_of(obj)}"


# an image the reader is to fill in: <YOUR-CONTAINER>, <image_url> (kubernetes/examples' docs)
_FILL_IN = re.compile(r"^<[^<>\s]+>$")


def image_unpinned(image: str) -> str | None:
    """Why ``image`` is not pinned, or None when it names a tag other than latest, or a digest."""
    if "@" in image:
        return None
    last = image.rsplit("/", 1)[-1]
    if ":" not in last:
        return "has no tag (it means :latest)"
    if last.rsplit(":", 1)[1] == "latest":
        return "uses :latest"
    return None


def check_containers(obj: dict, built: frozenset[str] = frozenset()) -> Iterator[Hit]:
    """``built``: the images skaffold builds and tags at deploy (skaffold.py): K8S103 is info for them."""
    from infractl.manifests.plain import TOOL_PLACEHOLDER
    from infractl.manifests.skaffold import image_name

    kind = obj.get("kind")
    for keys, container, spec in containers(obj):
        name = container.get("name", "?")
        where = f"{label(obj)} container {name}"
        is_init = keys[-2] == "initContainers"
        image = container.get("image")
        if isinstance(image, str):
            reason = image_unpinned(image)
            if reason and (TOOL_PLACEHOLDER.search(image) or _FILL_IN.match(image)):
                yield Hit(obj, (*keys, "image"), "K8S103", f"{where}: image {image} is a placeholder, filled in "
                          "(by sed, envsubst, make or a reader) before the manifest is applied: not judged", "",
                          Severity.INFO)
            elif reason and image_name(image) in built:
                yield Hit(obj, (*keys, "image"), "K8S103", f"{where}: image {image} {reason}, but skaffold "
                          "builds it (skaffold.yaml) and deploys it with the tag it gives the build", "",
                          Severity.INFO)
            elif reason:
                yield Hit(obj, (*keys, "image"), "K8S103", f"{where}: image {image} {reason}",
                          "pin a version tag or a digest (image@sha256:...)")
        resources = container.get("resources") or {}
        missing = [f"{part}.{res}" for part in ("requests", "limits") for res in ("cpu", "memory")
                   if not (resources.get(part) or {}).get(res)]
        if missing:
            yield Hit(obj, keys, "K8S101", f"{where}: no resources {', '.join(missing)}",
                      "set resources.requests and resources.limits for cpu and memory")
        if kind in LONG_RUNNING and not is_init:
            absent = [probe for probe in ("livenessProbe", "readinessProbe") if not container.get(probe)]
            if absent:
                yield Hit(obj, keys, "K8S102", f"{where}: no {' and no '.join(absent)}",
                          "add an httpGet/tcpSocket/exec probe for each")
        yield from _security(obj, keys, container, spec, where)


def _security(obj: dict, keys: tuple, container: dict, spec: dict, where: str) -> Iterator[Hit]:
    context = container.get("securityContext") or {}
    pod_context = spec.get("securityContext") or {}
    non_root = context.get("runAsNonRoot", pod_context.get("runAsNonRoot"))
    user = context.get("runAsUser", pod_context.get("runAsUser"))
    if user == 0:
        yield Hit(obj, keys, "K8S104", f"{where}: runs as root (runAsUser: 0)",
                  "run as a non-zero UID and set runAsNonRoot: true")
    elif non_root is not True:
        yield Hit(obj, keys, "K8S104", f"{where}: runAsNonRoot is not true",
                  "set securityContext.runAsNonRoot: true (pod or container)")
    if context.get("readOnlyRootFilesystem") is not True:
        yield Hit(obj, keys, "K8S105", f"{where}: readOnlyRootFilesystem is not true",
                  "set securityContext.readOnlyRootFilesystem: true; mount an emptyDir where it must write")
    if context.get("allowPrivilegeEscalation") is not False:
        yield Hit(obj, keys, "K8S106", f"{where}: allowPrivilegeEscalation is not false",
                  "set securityContext.allowPrivilegeEscalation: false")
    capabilities = context.get("capabilities")
    dropped = capabilities.get("drop") if isinstance(capabilities, dict) else None
    if not (isinstance(dropped, list) and any(str(c).upper() == "ALL" for c in dropped)):
        yield Hit(obj, keys, "K8S140", f"{where}: capabilities are not dropped (drop: [ALL])",
                  "set securityContext.capabilities.drop: [ALL]; add back only what it needs")
    if context.get("privileged") is True:
        yield Hit(obj, (*keys, "securityContext", "privileged"), "K8S107", f"{where}: runs privileged",
                  "remove privileged: true; grant only the capabilities it needs")


def check_pod(obj: dict) -> Iterator[Hit]:
    found = pod_spec(obj)
    if found is None:
        return
    path, spec = found
    for field in _HOST_NAMESPACES:
        if spec.get(field) is True:
            yield Hit(obj, (*path, field), "K8S108", f"{label(obj)}: {field}: true shares the node's namespace",
                      f"remove {field}")
    for index, volume in enumerate(spec.get("volumes") or []):
        if isinstance(volume, dict) and "hostPath" in volume:
            yield Hit(obj, (*path, "volumes", index), "K8S109",
                      f"{label(obj)}: volume {volume.get('name', '?')} mounts hostPath {dig(volume, ('hostPath', 'path'))}",
                      "use a PersistentVolumeClaim, configMap, secret or emptyDir")
    if obj.get("kind") in REPLICATED and replicas(obj) > 1:
        anti = dig(spec, ("affinity", "podAntiAffinity"))
        if not anti and not spec.get("topologySpreadConstraints"):
            yield Hit(obj, (*path,), "K8S110",
                      f"{label(obj)}: {replicas(obj)} replicas without pod anti-affinity or topology spread",
                      "add affinity.podAntiAffinity (preferred, topologyKey kubernetes.io/hostname)")


def check_cronjob(obj: dict) -> Iterator[Hit]:
    if obj.get("kind") != "CronJob":
        return
    spec = obj.get("spec") or {}
    missing = [key for key in ("concurrencyPolicy", "startingDeadlineSeconds", "successfulJobsHistoryLimit",
                               "failedJobsHistoryLimit") if key not in spec]
    if spec.get("concurrencyPolicy") == "Allow":
        missing.insert(0, "concurrencyPolicy other than Allow")
    if missing:
        yield Hit(obj, ("spec",), "K8S112", f"{label(obj)}: no {', '.join(missing)}",
                  "set concurrencyPolicy: Forbid, startingDeadlineSeconds and both history limits")


def check_ingress(obj: dict) -> Iterator[Hit]:
    if obj.get("kind") == "Ingress" and not dig(obj, ("spec", "tls")):
        yield Hit(obj, ("spec",), "K8S114", f"{label(obj)}: no TLS", "add spec.tls with a certificate secret")


def check_secret(obj: dict, secrets_filled: bool = False) -> Iterator[Hit]:
    """Placeholder values. Keys listed in FILLED_AT_DEPLOY are exempt, unless ``secrets_filled`` says the
    deploy has already injected the values (then an empty one is a value it failed to fill)."""
    if obj.get("kind") != "Secret":
        return
    listed = str(dig(obj, ("metadata", "annotations", FILLED_AT_DEPLOY)) or "")
    filled = set() if secrets_filled else {key.strip() for key in listed.split(",")}
    for field in ("stringData", "data"):
        values = obj.get(field)
        if not isinstance(values, dict):
            continue
        for key, value in values.items():
            if key in filled:
                continue
            text = _decoded(value) if field == "data" else ("" if value is None else str(value))
            if text is None:
                continue
            if not text.strip() or _PLACEHOLDER.match(text):
                shown = "empty" if not text.strip() else "a placeholder"
                yield Hit(obj, (field, key), "K8S115", f"{label(obj)}: {field}.{key} is {shown}",
                          f"inject the value at deploy time (list the key in the {FILLED_AT_DEPLOY} "
                          "annotation) or generate it from a file outside the repository")


def _decoded(value) -> str | None:
    if value is None:
        return ""
    try:
        return base64.b64decode(str(value), validate=True).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return None


def check_relations(objects: list[dict]) -> Iterator[Hit]:
    """Rules across objects: Services that select no pod, replicated workloads without a PDB."""
    workloads = [obj for obj in objects if pod_spec(obj) is not None]
    budgets = [obj for obj in objects if obj.get("kind") == "PodDisruptionBudget"]
    made_by_operators = operator_pods(objects)
    unknown = [obj for obj in objects if may_make_pods(obj)]
    for obj in objects:
        if obj.get("kind") == "Service":
            yield from _service_selects_nothing(obj, workloads, made_by_operators, unknown)
        elif obj.get("kind") in REPLICATED and replicas(obj) > 1:
            labels = pod_labels(obj)
            if not any(namespace_of(b) == namespace_of(obj) and selector_matches(dig(b, ("spec", "selector")), labels)
                       for b in budgets):
                yield Hit(obj, ("spec", "replicas"), "K8S111",
                          f"{label(obj)}: {replicas(obj)} replicas and no PodDisruptionBudget selects its pods",
                          "add a PodDisruptionBudget (minAvailable: 1 or maxUnavailable: 1) with the pod labels")


def _service_selects_nothing(service: dict, workloads: list[dict], made_by_operators: list[tuple[str, dict]],
                             unknown: list[dict]) -> Iterator[Hit]:
    """K8S113 when the selector matches no pod template nor a pod a known operator makes; a warning
    naming the custom resource when one infractl does not model (its operator may make the pods) is in the
    Service's namespace."""
    selector = dig(service, ("spec", "selector"))
    namespace = namespace_of(service)
    if (not isinstance(selector, dict) or not selector or dig(service, ("spec", "type")) == "ExternalName"
            or any(namespace_of(w) == namespace and selector_matches_labels(selector, controller_pod_labels(
                       w, pod_labels(w))) for w in workloads)
            or any(where == namespace and selector_matches_labels(selector, labels)
                   for where, labels in made_by_operators)):
        return
    shown = ", ".join(f"{k}={v}" for k, v in selector.items())
    message = f"{label(service)}: selector {shown} matches no pod template in these manifests"
    fix = "make spec.selector equal to the workload's pod template labels"
    makers = [obj for obj in unknown if namespace_of(obj) == namespace]
    if makers:
        kinds = ", ".join(dict.fromkeys(f"{m.get('kind')} ({m.get('apiVersion')})" for m in makers))
        yield Hit(service, ("spec", "selector"), "K8S113",
                  f"{message}, but custom resources beside it may make such pods (their operator's labels are "
                  f"not known here): {kinds}", fix, Severity.WARNING)
    else:
        yield Hit(service, ("spec", "selector"), "K8S113", message, fix)


PER_OBJECT = (check_pod, check_cronjob, check_ingress)


def hardening_hits(objects: list[dict], secrets_filled: bool = False,
                   built: frozenset[str] = frozenset()) -> Iterator[Hit]:
    from infractl.manifests.checks.review.exposure import k8s_exposure_hits
    from infractl.manifests.checks.review.tags import k8s_floating_hits

    for obj in objects:
        yield from check_containers(obj, built)
        for check in PER_OBJECT:
            yield from check(obj)
        yield from check_secret(obj, secrets_filled)
    yield from check_relations(objects)
    yield from k8s_exposure_hits(objects)  # docker.sock, Traefik's API (review/exposure.py)
    yield from k8s_floating_hits(objects)  # major/minor-only tags (review/tags.py)
