"""Why a rollout did not finish: the workload's pods, the events of what it owns, the pods' last log lines.

Events are chosen by the object they are about (``involvedObject.uid``): the workload itself, the
ReplicaSets it owns at its current revision and their pods (found by owner references, not by a name
prefix), and only events seen since this deploy began. A ResourceQuota's ``FailedCreate`` on the
ReplicaSet is the cause a user needs; a Service or PDB that shares the Deployment's name is not.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from infractl.deploy.targets.kube import _first_line as first_line
from infractl.deploy.targets.kube import pod_ready, pod_summary

REVISION = "deployment.kubernetes.io/revision"
MAX_EVENTS = 10


def _uid(obj: dict[str, Any]) -> str | None:
    return (obj.get("metadata") or {}).get("uid")


def _owned_by(obj: dict[str, Any], owners: set[str]) -> bool:
    return any(ref.get("uid") in owners for ref in (obj.get("metadata") or {}).get("ownerReferences") or [])


def _when(event: dict[str, Any]) -> str:
    series = event.get("series") or {}
    return (series.get("lastObservedTime") or event.get("lastTimestamp") or event.get("eventTime")
            or (event.get("metadata") or {}).get("creationTimestamp") or "")


def _parse(stamp: str) -> datetime | None:
    try:
        return datetime.fromisoformat(stamp)
    except ValueError:
        return None


def current_replicasets(workload: dict[str, Any], replicasets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The workload's ReplicaSets at its current revision (older ones belong to earlier rollouts)."""
    owned = [rs for rs in replicasets if _owned_by(rs, {_uid(workload)})]
    revision = ((workload.get("metadata") or {}).get("annotations") or {}).get(REVISION)
    current = [rs for rs in owned if ((rs.get("metadata") or {}).get("annotations") or {}).get(REVISION) == revision]
    return current if revision and current else owned


def relevant_events(events: list[dict[str, Any]], uids: set[str], since: datetime | None) -> list[dict[str, Any]]:
    chosen = []
    for event in events:
        if (event.get("involvedObject") or {}).get("uid") not in uids:
            continue
        stamp = _parse(_when(event))
        if since is not None and stamp is not None and stamp < since:
            continue  # from an earlier rollout
        chosen.append(event)
    chosen.sort(key=_when)
    return chosen[-MAX_EVENTS:]


def diagnose(dynamic, api_client, workload: dict[str, Any], namespace: str | None,
             since: datetime | None) -> list[str]:
    """The failing pods' status, the events about the workload and what it owns, and the last log lines."""
    from kubernetes import client

    ns = (workload.get("metadata") or {}).get("namespace") or namespace
    selector = ((workload.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
    label_selector = ",".join(f"{k}={v}" for k, v in sorted(selector.items()))

    def listed(api_version: str, kind: str, **query) -> list[dict[str, Any]]:
        found = dynamic.resources.get(api_version=api_version, kind=kind).get(namespace=ns, **query)
        return found.to_dict().get("items") or []

    try:
        owners = {_uid(workload)}
        if workload.get("kind") == "Deployment":
            owners = {_uid(rs) for rs in current_replicasets(
                workload, listed("apps/v1", "ReplicaSet", label_selector=label_selector))}
        pods = [p for p in listed("v1", "Pod", label_selector=label_selector) if _owned_by(p, owners)]
        events = listed("v1", "Event")
    except Exception as exc:  # noqa: BLE001 (diagnostics are best effort)
        return [f"(could not read pods or events: {first_line(exc)})"]
    lines = [f"pod {pod['metadata']['name']}: {pod_summary(pod)}" for pod in pods]
    uids = {_uid(workload)} | owners | {_uid(p) for p in pods}
    for event in relevant_events(events, uids - {None}, since):
        involved = event.get("involvedObject") or {}
        lines.append(f"event {involved.get('kind')}/{involved.get('name')}: {event.get('reason')}: "
                     f"{event.get('message')}")
    core = client.CoreV1Api(api_client)
    for pod in pods[:3]:
        if pod_ready(pod):
            continue
        name = pod["metadata"]["name"]
        try:
            text = core.read_namespaced_pod_log(name, ns, tail_lines=20, _request_timeout=10)
        except Exception as exc:  # noqa: BLE001 (diagnostics are best effort)
            lines.append(f"logs of {name}: unavailable ({first_line(exc)})")
            continue
        if not text:  # the server answers 204 No Content for a pod that has not run
            why = "pod not scheduled to a node" if not (pod.get("spec") or {}).get("nodeName") else "none written"
            lines.append(f"logs of {name}: no logs ({why})")
            continue
        lines.extend(f"log {name}: {line}" for line in str(text).splitlines()[-20:])
    return lines


def utc_now() -> datetime:
    """Now, to the second: event times have one-second precision, so an event of this second is not older."""
    return datetime.now(UTC).replace(microsecond=0)
