"""Server-side apply of the whole set, all or nothing as far as the API allows.

Every object is first sent with ``dryRun=All``: only when the server accepts all of them is anything
applied, so a rejected object (an immutable field, a failed validation, a conflict) leaves the cluster
as it was. On a first deploy the set's own Namespace does not exist yet and the server rejects every
object in it (``namespaces "x" not found``): those are dry-run as creates in the ``default`` namespace,
where the same validation runs, and the report says so. A resource of a kind whose CRD is new in this
set cannot be checked before that CRD is served; it is named as not checked, never counted as passed.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from typing import Any

from infractl.deploy.plan import StepFailed
from infractl.deploy.targets.kube import FIELD_MANAGER
from infractl.deploy.targets.kube import _api_message as api_message

STAND_IN_NAMESPACE = "default"
CRD_SERVED_SECONDS = 30.0


@dataclass
class Entry:
    obj: dict[str, Any]
    resource: Any = None  # the discovered API resource; None: its CRD is new in this set
    namespace: str | None = None
    dry_run: dict[str, Any] | None = None  # the server's answer to its dry run: the object as it would be

    @property
    def key(self) -> str:
        return f"{self.obj.get('kind')}/{(self.obj.get('metadata') or {}).get('name')}"


@dataclass
class Outcome:
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        total = len(self.created) + len(self.changed) + len(self.unchanged)
        if total and len(self.unchanged) == total:
            return f"{total} objects unchanged"
        parts = [f"{len(items)} {word}" for items, word in
                 ((self.created, "created"), (self.changed, "changed"), (self.unchanged, "unchanged")) if items]
        return f"{', '.join(parts)} by server-side apply as '{FIELD_MANAGER}'"


def crd_kinds(objects: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """(group, kind) of every CustomResourceDefinition in the set."""
    kinds = set()
    for obj in objects:
        if obj.get("kind") == "CustomResourceDefinition":
            spec = obj.get("spec") or {}
            kinds.add((spec.get("group", ""), (spec.get("names") or {}).get("kind", "")))
    return kinds


def resolve(dynamic, objects: list[dict[str, Any]], default_namespace: str | None) -> list[Entry]:
    from kubernetes.dynamic.exceptions import ResourceNotFoundError

    new_kinds, entries = crd_kinds(objects), []
    for obj in objects:
        entry, kind = Entry(obj), obj.get("kind")
        try:
            entry.resource = dynamic.resources.get(api_version=obj["apiVersion"], kind=kind)
        except ResourceNotFoundError:
            if (obj["apiVersion"].rpartition("/")[0], kind) not in new_kinds:
                raise StepFailed(f"the cluster does not serve {obj.get('apiVersion')} {kind} "
                                 f"({entry.key.partition('/')[2]}); nothing was applied") from None
        if entry.resource is None or entry.resource.namespaced:
            entry.namespace = (obj.get("metadata") or {}).get("namespace") or default_namespace
        entries.append(entry)
    return entries


def missing_namespaces(dynamic, entries: list[Entry]) -> set[str]:
    from kubernetes.dynamic.exceptions import NotFoundError

    namespaces = dynamic.resources.get(api_version="v1", kind="Namespace")
    missing = set()
    for name in {e.namespace for e in entries if e.resource is not None and e.namespace}:
        try:
            namespaces.get(name=name)
        except NotFoundError:
            missing.add(name)
    return missing


def dry_run_all(dynamic, entries: list[Entry], force: bool) -> Outcome:
    """Send every object with dryRun=All; raise StepFailed naming each one the server rejects."""
    from kubernetes.client.exceptions import ApiException
    from kubernetes.dynamic.exceptions import ConflictError, DynamicApiError

    outcome, rejected = Outcome(), []
    missing = missing_namespaces(dynamic, entries)
    created = {(e.obj.get("metadata") or {}).get("name") for e in entries if e.obj.get("kind") == "Namespace"}
    stood_in: list[str] = []
    for entry in entries:
        if entry.namespace in missing - created:
            rejected.append(f"{entry.key}: namespace {entry.namespace!r} does not exist and this deploy does not "
                            "create it")
            continue
        if entry.resource is None:
            outcome.notes.append(f"{entry.key}: not checked by the server (its CustomResourceDefinition is new "
                                 "in this deploy and is not served yet)")
            continue
        try:
            if entry.namespace in missing:
                stood_in.append(entry.key)
                entry.dry_run = _dry_run_create_elsewhere(entry)
            else:
                entry.dry_run = entry.resource.server_side_apply(
                    body=entry.obj, namespace=entry.namespace, field_manager=FIELD_MANAGER,
                    force_conflicts=force or None, dry_run="All").to_dict()
        except ConflictError as exc:
            rejected.append(f"{entry.key}: {api_message(exc)} (another field manager owns these fields: "
                            "deploy with --force-conflicts to take them over)")
        except (ApiException, DynamicApiError) as exc:
            rejected.append(f"{entry.key}: {api_message(exc)}")
        else:
            outcome.unchanged.append(entry.key)
    if stood_in:
        outcome.notes.append(f"namespace {', '.join(sorted(missing))} does not exist yet: {len(stood_in)} "
                             f"objects in it were dry-run as creates in '{STAND_IN_NAMESPACE}'")
    if rejected:
        raise StepFailed(f"the server's dry run rejected {len(rejected)} of {len(entries)} objects: "
                         "nothing was applied", rejected + outcome.notes)
    return outcome


def _dry_run_create_elsewhere(entry: Entry) -> dict[str, Any] | None:
    """A dry-run create in the stand-in namespace: the same defaulting, admission and validation as in a new
    namespace; its answer, put back in the real namespace. AlreadyExists comes from storage, after
    validation passed: the object is valid (and there is no answer to show)."""
    from kubernetes.dynamic.exceptions import ConflictError

    body = copy.deepcopy(entry.obj)
    body.setdefault("metadata", {})["namespace"] = STAND_IN_NAMESPACE
    try:
        answer = entry.resource.create(body=body, namespace=STAND_IN_NAMESPACE, dry_run="All",
                                       field_manager=FIELD_MANAGER).to_dict()
    except ConflictError as exc:
        if api_reason(exc) != "AlreadyExists":
            raise
        return None
    answer.setdefault("metadata", {})["namespace"] = entry.namespace
    return answer


def planned_changes(entries: list[Entry]) -> list[dict[str, Any]]:
    """After dry_run_all: each object as it is live (absent: a create) against the server's answer to its
    dry run (the object as sent where there is none: a kind not served yet); see kube_diff."""
    from kubernetes.client.exceptions import ApiException
    from kubernetes.dynamic.exceptions import DynamicApiError, NotFoundError

    from infractl.deploy.targets.kube_diff import change

    changes = []
    for entry in entries:
        live = None
        if entry.resource is not None:
            try:
                live = entry.resource.get(name=(entry.obj.get("metadata") or {}).get("name"),
                                          namespace=entry.namespace).to_dict()
            except NotFoundError:
                live = None
            except (ApiException, DynamicApiError) as exc:
                raise StepFailed(f"cannot read {entry.key} to compare with the dry run: {api_message(exc)}") from None
        changes.append(change(entry.obj, entry.namespace, live, entry.dry_run or entry.obj))
    return changes


def apply_all(dynamic, entries: list[Entry], force: bool, applied: list[str]) -> Outcome:
    """Apply for real (after dry_run_all passed); tell created, changed and unchanged apart by the object's
    desired state before and after."""
    from kubernetes.client.exceptions import ApiException
    from kubernetes.dynamic.exceptions import DynamicApiError, NotFoundError

    outcome = Outcome()
    for entry in entries:
        name = (entry.obj.get("metadata") or {}).get("name")
        try:
            resource = entry.resource or _wait_served(dynamic, entry)
            try:
                before = desired_state(resource.get(name=name, namespace=entry.namespace).to_dict())
            except NotFoundError:
                before = None
            after = resource.server_side_apply(body=entry.obj, namespace=entry.namespace,
                                               field_manager=FIELD_MANAGER, force_conflicts=force or None)
        except (ApiException, DynamicApiError) as exc:
            raise StepFailed(f"apply {entry.key} failed: {api_message(exc)}",
                             [f"applied before it: {', '.join(applied) or 'nothing'}"]) from None
        applied.append(entry.key)
        (outcome.created if before is None else outcome.unchanged if desired_state(after.to_dict()) == before
         else outcome.changed).append(entry.key)
    return outcome


def desired_state(obj: dict[str, Any]) -> dict[str, Any]:
    """An object without what controllers keep moving (status, resourceVersion, managedFields): a Deployment
    whose controller writes its status between our read and our apply is not "changed" by the apply."""
    meta = {k: v for k, v in (obj.get("metadata") or {}).items() if k not in ("resourceVersion", "managedFields")}
    return {**{k: v for k, v in obj.items() if k != "status"}, "metadata": meta}


def _wait_served(dynamic, entry: Entry):
    """A resource of a CRD applied moments ago: discovery serves it once the CRD is established."""
    from kubernetes.dynamic.exceptions import ResourceNotFoundError

    deadline = time.monotonic() + CRD_SERVED_SECONDS
    while True:
        try:
            dynamic.resources.invalidate_cache()
            resource = dynamic.resources.get(api_version=entry.obj["apiVersion"], kind=entry.obj["kind"])
            entry.namespace = entry.namespace if resource.namespaced else None
            return resource
        except ResourceNotFoundError:
            if time.monotonic() >= deadline:
                raise StepFailed(f"apply {entry.key} failed: {entry.obj['apiVersion']} {entry.obj['kind']} "
                                 f"is not served {CRD_SERVED_SECONDS:g}s after its CRD was applied") from None
            time.sleep(0.5)


def api_reason(exc: Exception) -> str | None:
    """The reason of the Status object the API server answered with (AlreadyExists, Conflict, ...)."""
    import json

    try:
        status = json.loads(getattr(exc, "body", None))
    except (TypeError, ValueError):
        return None
    return status.get("reason") if isinstance(status, dict) else None
