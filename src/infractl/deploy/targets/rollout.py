"""kubectl's rollout-status logic (pkg/polymorphichelpers/rollout_status.go), as pure functions.

Each returns ``(done, message, failed)`` for one object as read from the API.
"""

from __future__ import annotations

from typing import Any

WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet")
Status = tuple[bool, str, bool]


def rollout_status(obj: dict[str, Any]) -> Status:
    kind = obj.get("kind")
    if kind == "Deployment":
        return deployment_status(obj)
    if kind == "StatefulSet":
        return statefulset_status(obj)
    if kind == "DaemonSet":
        return daemonset_status(obj)
    return True, f"{kind} has no rollout", False


def _parts(obj: dict[str, Any]) -> tuple[str, dict, dict, int, int]:
    meta, spec, status = obj.get("metadata") or {}, obj.get("spec") or {}, obj.get("status") or {}
    return (meta.get("name", "?"), spec, status, int(meta.get("generation") or 0),
            int(status.get("observedGeneration") or 0))


def _rolling_update(spec: dict) -> bool:
    """Whether a StatefulSet's or DaemonSet's update strategy rolls pods itself (OnDelete waits for someone
    to delete them, so there is nothing to wait for)."""
    return (spec.get("updateStrategy") or {}).get("type", "RollingUpdate") == "RollingUpdate"


def deployment_status(obj: dict[str, Any]) -> Status:
    name, spec, status, generation, observed = _parts(obj)
    if generation > observed:
        return False, f"deployment {name}: waiting for the spec update to be observed", False
    for condition in status.get("conditions") or []:
        if condition.get("type") == "Progressing" and condition.get("reason") == "ProgressDeadlineExceeded":
            return False, f"deployment {name} exceeded its progress deadline", True
    wanted = spec.get("replicas", 1)
    updated = int(status.get("updatedReplicas") or 0)
    if wanted is not None and updated < wanted:
        return False, f"deployment {name}: {updated} of {wanted} new replicas updated", False
    replicas = int(status.get("replicas") or 0)
    if replicas > updated:
        return False, f"deployment {name}: {replicas - updated} old replicas pending termination", False
    available = int(status.get("availableReplicas") or 0)
    if available < updated:
        return False, f"deployment {name}: {available} of {updated} updated replicas available", False
    return True, f"deployment {name} rolled out", False


def statefulset_status(obj: dict[str, Any]) -> Status:
    name, spec, status, generation, observed = _parts(obj)
    if not _rolling_update(spec):
        return True, f"statefulset {name}: not a rolling update, nothing to wait for", False
    if observed == 0 or generation > observed:
        return False, f"statefulset {name}: waiting for the spec update to be observed", False
    wanted = spec.get("replicas", 1)
    ready = int(status.get("readyReplicas") or 0)
    if wanted is not None and ready < wanted:
        return False, f"statefulset {name}: {ready} of {wanted} pods ready", False
    partition = ((spec.get("updateStrategy") or {}).get("rollingUpdate") or {}).get("partition")
    if partition and wanted is not None:
        updated = int(status.get("updatedReplicas") or 0)
        if updated < wanted - partition:
            return False, f"statefulset {name}: {updated} of {wanted - partition} partitioned pods updated", False
        return True, f"statefulset {name}: partitioned roll out complete", False
    if status.get("updateRevision") != status.get("currentRevision"):
        return False, f"statefulset {name}: {status.get('updatedReplicas') or 0} pods at the new revision", False
    return True, f"statefulset {name} rolled out", False


def daemonset_status(obj: dict[str, Any]) -> Status:
    name, spec, status, generation, observed = _parts(obj)
    if not _rolling_update(spec):
        return True, f"daemonset {name}: not a rolling update, nothing to wait for", False
    if generation > observed:
        return False, f"daemonset {name}: waiting for the spec update to be observed", False
    desired = int(status.get("desiredNumberScheduled") or 0)
    updated = int(status.get("updatedNumberScheduled") or 0)
    if updated < desired:
        return False, f"daemonset {name}: {updated} of {desired} updated pods scheduled", False
    available = int(status.get("numberAvailable") or 0)
    if available < desired:
        return False, f"daemonset {name}: {available} of {desired} updated pods available", False
    return True, f"daemonset {name} rolled out", False
