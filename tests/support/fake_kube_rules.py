"""What the FAKE Kubernetes API refuses, as kube-apiserver v1.28.0 does (seen on a real one built here).

Validation (``pkg/apis/*/validation``): a workload whose selector does not match its template's labels,
a CronJob ``timeZone`` that is not a known zone, a PodDisruptionBudget with both ``minAvailable`` and
``maxUnavailable``, a changed workload selector (immutable). Server-side apply ownership: a field another
manager set to a different value is a conflict unless ``force``. Each answer is ``(code, reason,
message)`` with the server's wording.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

SELECTOR_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet")
IMMUTABLE_SELECTOR = (*SELECTOR_KINDS, "Job")
# Bookkeeping the server keeps itself: never a field anyone "owns".
NOT_OWNED = {("metadata", "managedFields"), ("metadata", "resourceVersion"), ("metadata", "uid"),
             ("metadata", "generation"), ("metadata", "creationTimestamp"), ("status",)}

Refusal = tuple[int, str, str]


def qualified(obj: dict[str, Any]) -> str:
    group = obj.get("apiVersion", "").rpartition("/")[0]
    kind = obj.get("kind", "")
    return f'{kind}.{group} "{obj["metadata"]["name"]}"' if group else f'{kind} "{obj["metadata"]["name"]}"'


def _go_map(labels: dict[str, str]) -> str:
    return "map[string]string{" + ", ".join(f"{json.dumps(k)}:{json.dumps(v)}" for k, v in sorted(labels.items())) + "}"


def invalid(obj: dict[str, Any], existing: dict[str, Any] | None) -> Refusal | None:
    """The first validation error the real server reports for this object, or None."""
    spec, kind = obj.get("spec") or {}, obj.get("kind")
    errors = []
    if kind in SELECTOR_KINDS:
        selector = (spec.get("selector") or {}).get("matchLabels") or {}
        labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
        if not selector.items() <= labels.items():
            errors.append(f"spec.template.metadata.labels: Invalid value: {_go_map(labels)}: "
                          "`selector` does not match template `labels`")
    if kind in IMMUTABLE_SELECTOR and existing is not None and (
            (existing.get("spec") or {}).get("selector") != spec.get("selector")):
        errors.append("spec.selector: Invalid value: v1.LabelSelector{...}: field is immutable")
    if kind == "CronJob" and spec.get("timeZone") is not None:
        try:
            ZoneInfo(spec["timeZone"])
        except (ValueError, KeyError, OSError):
            errors.append(f'spec.timeZone: Invalid value: "{spec["timeZone"]}": unknown time zone {spec["timeZone"]}')
    if kind == "PodDisruptionBudget" and "minAvailable" in spec and "maxUnavailable" in spec:
        errors.append("spec: Invalid value: policy.PodDisruptionBudgetSpec{...}: "
                      "minAvailable and maxUnavailable cannot be both set")
    if not errors:
        return None
    detail = errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]"
    return 422, "Invalid", f"{qualified(obj)} is invalid: {detail}"


def leaves(obj: Any, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    """Field path -> value; a list is one field (the fake does not model associative lists)."""
    if path in NOT_OWNED:
        return {}
    if isinstance(obj, dict) and obj:
        found: dict[tuple[str, ...], Any] = {}
        for key, value in obj.items():
            found.update(leaves(value, (*path, key)))
        return found
    return {path: obj} if path else {}


def dotted(path: tuple[str, ...]) -> str:
    return "." + ".".join(path)


def conflicts(owners: dict[str, dict], manager: str, applied: dict[tuple[str, ...], Any],
              api_version: str) -> Refusal | None:
    """Fields of ``applied`` that another manager set to another value (what ``force`` would take over)."""
    found = [(other, path) for other, fields in owners.items() if other != manager
             for path, value in fields["fields"].items() if path in applied and applied[path] != value]
    if not found:
        return None
    if len(found) == 1:
        other, path = found[0]
        text = f'Apply failed with 1 conflict: conflict with "{other}" using {api_version}: {dotted(path)}'
    else:
        text = f"Apply failed with {len(found)} conflicts: " + "\n".join(
            f'conflict with "{other}" using {api_version}: {dotted(path)}' for other, path in found)
    return 409, "Conflict", text


def set_path(obj: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        obj = obj.setdefault(key, {})
    obj[path[-1]] = value


def managed_fields(owners: dict[str, dict], api_version: str) -> list[dict[str, Any]]:
    return [{"manager": manager, "operation": entry["operation"], "apiVersion": api_version,
             "fieldsType": "FieldsV1", "fieldsV1": {dotted(p): {} for p in sorted(entry["fields"])}}
            for manager, entry in owners.items() if entry["fields"]]


def take_over(owners: dict[str, dict], manager: str, applied: dict[tuple[str, ...], Any], obj: dict[str, Any],
              operation: str) -> None:
    """After an accepted write: fields it set to another value are the writer's now (a forced apply), the
    other managers' remaining fields stay in ``obj``, and the writer owns what it sent."""
    for other, entry in owners.items():
        if other == manager:
            continue
        for path in [p for p in entry["fields"] if p in applied and entry["fields"][p] != applied[p]]:
            del entry["fields"][path]
        for path, value in entry["fields"].items():
            if path not in applied:
                set_path(obj, path, value)
    owners[manager] = {"operation": operation, "fields": applied}


def content(obj: dict[str, Any]) -> dict[str, Any]:
    """What a write can change: everything but the server's bookkeeping and the status."""
    meta = {k: v for k, v in (obj.get("metadata") or {}).items()
            if k not in ("managedFields", "resourceVersion", "uid", "creationTimestamp", "generation")}
    return {**{k: v for k, v in obj.items() if k not in ("metadata", "status")}, "metadata": meta}


def failure(code: int, reason: str, message: str) -> dict[str, Any]:
    return {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": reason, "message": message,
            "code": code}


def now() -> str:
    """A timestamp as the server writes one (seconds)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def stored_form(obj: dict[str, Any]) -> None:
    """In place, what the real server stores of a write: a Secret's stringData merged into data (base64)
    and dropped (it is write-only); a Namespace labelled with its name and given the kubernetes finalizer."""
    if obj.get("kind") == "Secret" and isinstance(obj.get("stringData"), dict):
        data = obj.setdefault("data", {})
        for key, value in obj.pop("stringData").items():
            data[key] = base64.b64encode(str(value).encode()).decode()
    if obj.get("kind") == "Namespace":
        meta = obj.setdefault("metadata", {})
        meta.setdefault("labels", {})["kubernetes.io/metadata.name"] = meta.get("name")
        obj.setdefault("spec", {}).setdefault("finalizers", ["kubernetes"])
