"""Where the pod template lives in each workload kind, and small helpers the rules share."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

# kind -> key path of the pod spec inside the object
POD_SPEC_PATHS: dict[str, tuple[str, ...]] = {
    "Pod": ("spec",),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}
LONG_RUNNING = ("Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController")
REPLICATED = ("Deployment", "StatefulSet")


def dig(obj: Any, keys: tuple) -> Any:
    for key in keys:
        if isinstance(key, int):
            if not isinstance(obj, list) or key >= len(obj):
                return None
        elif not isinstance(obj, dict):
            return None
        obj = obj[key] if isinstance(key, int) else obj.get(key)
    return obj


def pod_spec(obj: dict) -> tuple[tuple[str, ...], dict] | None:
    path = POD_SPEC_PATHS.get(obj.get("kind", ""))
    if path is None:
        return None
    spec = dig(obj, path)
    return (path, spec) if isinstance(spec, dict) else None


def pod_labels(obj: dict) -> dict:
    """The labels of the pods a workload creates (a Pod's own labels)."""
    kind = obj.get("kind")
    if kind == "Pod":
        keys: tuple = ("metadata", "labels")
    elif kind == "CronJob":
        keys = ("spec", "jobTemplate", "spec", "template", "metadata", "labels")
    else:
        keys = ("spec", "template", "metadata", "labels")
    labels = dig(obj, keys)
    return labels if isinstance(labels, dict) else {}


def containers(obj: dict, init: bool = True) -> Iterator[tuple[tuple, dict, dict]]:
    """(key path, container, pod spec) for every container (and init container) of a workload."""
    found = pod_spec(obj)
    if found is None:
        return
    path, spec = found
    groups = ("initContainers", "containers") if init else ("containers",)
    for group in groups:
        for index, container in enumerate(spec.get(group) or []):
            if isinstance(container, dict):
                yield (*path, group, index), container, spec


def namespace_of(obj: dict) -> str:
    return (obj.get("metadata") or {}).get("namespace") or ""


def name_of(obj: dict) -> str:
    return (obj.get("metadata") or {}).get("name") or ""


def replicas(obj: dict) -> int:
    value = dig(obj, ("spec", "replicas"))
    return value if isinstance(value, int) else 1


def selector_matches(selector: dict, labels: dict) -> bool:
    """A LabelSelector (matchLabels + matchExpressions) against a label set; an empty selector matches all."""
    if not isinstance(selector, dict):
        return False
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions") or []:
        key, operator = expression.get("key"), expression.get("operator")
        values = expression.get("values") or []
        if operator == "In" and labels.get(key) not in values:
            return False
        if operator == "NotIn" and key in labels and labels[key] in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
    return True
