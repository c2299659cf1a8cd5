"""Kubernetes target: server-side apply with the official client, then kubectl's rollout-status wait."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Any

from infractl.deploy.plan import Plan, StepFailed
from infractl.deploy.targets.kubeconfig import (
    NOT_A_KUBECONFIG,
    active_context,
    describe,
    kubeconfig_paths,
    load_merged,
)
from infractl.deploy.targets.rollout import WORKLOADS, rollout_status
from infractl.errors import InfractlError
from infractl.sanitise.masking import mask_url

FIELD_MANAGER = "infractl"
FIRST = ("Namespace", "CustomResourceDefinition")
WORKLOAD_KINDS = (*WORKLOADS, "ReplicaSet", "Job", "CronJob", "Pod")


def poll_seconds() -> float:
    return float(os.environ.get("INFRACTL_ROLLOUT_POLL", "1.0"))


def apply_order(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Namespaces and CRDs first, then configuration (and everything else), then workloads; stable."""
    def tier(obj: dict[str, Any]) -> int:
        kind = obj.get("kind")
        return 0 if kind in FIRST else 2 if kind in WORKLOAD_KINDS else 1

    return sorted(objects, key=tier)


def kubeconfig_path() -> str:
    """The kubeconfig files as errors name them: KUBECONFIG's list (merged, as kubectl does)."""
    return describe(kubeconfig_paths())


class KubernetesTarget:
    def __init__(self) -> None:
        self.rollout_began = None  # UTC time of the real apply: older events belong to earlier rollouts
        self.api_client = None
        self._dynamic = None
        self._cache_dir = None
        self.kubeconfig: dict[str, Any] = {}  # the merged kubeconfig identify() read

    # -- preflight -------------------------------------------------------------------------------
    def identify(self, plan: Plan) -> dict[str, str]:
        """The selected context and its cluster's server, compared with the declared ones (nothing contacted)."""
        if plan.options.dry_run == "client":
            return {}
        settings, wanted = plan.settings, plan.settings.context
        where = kubeconfig_path()
        self.kubeconfig = load_merged()
        active = active_context(self.kubeconfig, where)
        if active.name != wanted:
            raise InfractlError(f"the selected kube context is {active.name!r}, but {settings.env} deploys to "
                                f"{wanted!r}: run 'kubectl config use-context {wanted}' (nothing was changed)")
        server = active.server or ""
        if settings.cluster_server and server.rstrip("/") != settings.cluster_server.rstrip("/"):
            raise InfractlError(f"context {wanted!r} points at cluster {mask_url(server)!r}, but {settings.env} "
                                f"declares cluster_server = {mask_url(settings.cluster_server)!r} (nothing was "
                                "changed)")
        return {"kube context": wanted, **({"cluster server": mask_url(server)} if server else {})}

    def preflight(self, plan: Plan) -> list[str]:
        if plan.options.dry_run == "client":
            return ["no cluster needed (--dry-run=client)"]
        from kubernetes import client, config
        from kubernetes.config.config_exception import ConfigException

        wanted = plan.settings.context
        try:
            self.api_client = config.new_client_from_config_dict(self.kubeconfig, context=wanted)
        except ConfigException as exc:
            # its message may quote a whole entry of the file ("... in <path>/{'name': ..., 'user': {...}}")
            reason = str(exc).split(" in ", 1)[0].rstrip(".")
            raise InfractlError(f"cannot read the kubeconfig {kubeconfig_path()}: {reason}") from None
        except (TypeError, AttributeError, KeyError, ValueError, IndexError):  # YAML, not shaped like one
            raise InfractlError(f"cannot read the kubeconfig {kubeconfig_path()}: {NOT_A_KUBECONFIG}") from None
        try:
            version = client.VersionApi(self.api_client).get_code(_request_timeout=10)
        except Exception as exc:  # noqa: BLE001 (urllib3 errors, ApiException, bad credentials)
            raise InfractlError(f"the cluster of context {wanted!r} is not reachable: {_first_line(exc)}") from None
        return [f"cluster {version.git_version} up"]

    @property
    def dynamic(self):
        if self._dynamic is None:
            from kubernetes.dynamic import DynamicClient

            # Discovery is cached on disk by the client; keep that cache private to this run.
            self._cache_dir = tempfile.TemporaryDirectory(prefix="infractl-discovery-")
            self._dynamic = DynamicClient(self.api_client, cache_file=str(Path(self._cache_dir.name) / "d.json"))
        return self._dynamic

    def close(self) -> None:
        if self._cache_dir is not None:
            self._cache_dir.cleanup()
        if self.api_client is not None:
            self.api_client.close()

    # -- apply -----------------------------------------------------------------------------------
    def apply(self, plan: Plan) -> str:
        """Server-dry-run the whole set, then (unless --dry-run=server) apply it; see kube_apply."""
        from infractl.deploy.targets import kube_apply, kube_diagnose

        entries = kube_apply.resolve(self.dynamic, apply_order(plan.objects), plan.settings.namespace)
        force = plan.options.force_conflicts
        checked = kube_apply.dry_run_all(self.dynamic, entries, force)
        plan.applied = []
        if plan.options.dry_run == "server":
            plan.changes = kube_apply.planned_changes(entries)
            passed = len(checked.unchanged)
            return (f"{passed} of {len(entries)} objects pass the server's dry run (nothing persisted)"
                    + "".join(f"; {note}" for note in checked.notes))
        self.rollout_began = kube_diagnose.utc_now()
        outcome = kube_apply.apply_all(self.dynamic, entries, force, plan.applied)
        return outcome.summary()

    # -- wait ------------------------------------------------------------------------------------
    def wait(self, plan: Plan) -> str:
        pending = [o for o in plan.objects if o.get("kind") in WORKLOADS]
        namespace = plan.settings.namespace
        deadline = time.monotonic() + plan.timeout
        messages: dict[str, str] = {}
        while pending:
            still = []
            for obj in pending:
                live = self._get(obj, namespace)
                done, message, failed = rollout_status(live)
                key = f"{obj['kind']}/{obj['metadata']['name']}"
                messages[key] = message
                if failed:
                    raise StepFailed(message, self.diagnose(live, namespace))
                if done:
                    plan.waited.append(key)
                else:
                    still.append(obj)
            pending = still
            if pending and time.monotonic() >= deadline:
                first = pending[0]
                live = self._get(first, namespace)
                raise StepFailed(f"rollout not finished after {plan.timeout:g}s: "
                                 f"{messages[first['kind'] + '/' + first['metadata']['name']]}",
                                 self.diagnose(live, namespace))
            if pending:
                time.sleep(min(poll_seconds(), max(0.0, deadline - time.monotonic())))
        return f"{len(plan.waited)} workloads rolled out" if plan.waited else "no workloads to wait for"

    def _get(self, obj: dict[str, Any], namespace: str | None) -> dict[str, Any]:
        resource = self.dynamic.resources.get(api_version=obj["apiVersion"], kind=obj["kind"])
        ns = (obj.get("metadata") or {}).get("namespace") or namespace
        return resource.get(name=obj["metadata"]["name"], namespace=ns).to_dict()

    def diagnose(self, workload: dict[str, Any], namespace: str | None) -> list[str]:
        from infractl.deploy.targets.kube_diagnose import diagnose

        return diagnose(self.dynamic, self.api_client, workload, namespace, self.rollout_began)

    def down(self, plan: Plan) -> str:
        raise InfractlError("--down is for kind = \"compose\"; remove Kubernetes objects with kubectl delete -k")

    def endpoint(self, plan: Plan, service: str, port: int) -> str:
        # Never reached: settings require url for Kubernetes smoke checks (Service DNS is in-cluster only).
        raise InfractlError("Kubernetes smoke checks need url")

    def execute(self, plan: Plan, service: str, argv: list[str], timeout: float) -> tuple[int, str]:
        raise InfractlError("exec smoke checks are for kind = \"compose\"")


def pod_ready(pod: dict[str, Any]) -> bool:
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in (pod.get("status") or {}).get("conditions") or [])


def pod_summary(pod: dict[str, Any]) -> str:
    status = pod.get("status") or {}
    parts = [status.get("phase") or "Unknown"]
    for container in status.get("containerStatuses") or []:
        state = container.get("state") or {}
        for phase in ("waiting", "terminated"):
            if state.get(phase):
                detail = state[phase]
                parts.append(f"{container.get('name')} {phase} {detail.get('reason', '')}"
                             f"{': ' + detail['message'] if detail.get('message') else ''}")
        if container.get("restartCount"):
            parts.append(f"{container.get('name')} restarted {container['restartCount']}x")
    for condition in status.get("conditions") or []:
        if condition.get("type") == "PodScheduled" and condition.get("status") == "False":
            parts.append(f"not scheduled: {condition.get('reason')}")
    return ", ".join(parts)


def _api_message(exc: Exception) -> str:
    import json

    body = getattr(exc, "body", None)
    try:
        return json.loads(body).get("message") or _first_line(exc)
    except (TypeError, ValueError, AttributeError):
        return getattr(exc, "summary", lambda: None)() or _first_line(exc)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
