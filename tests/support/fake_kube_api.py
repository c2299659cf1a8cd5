"""FAKE Kubernetes API server for the fast tests (the gated test runs the same deploy on a real one).

It serves what ``infractl deploy`` uses, on 127.0.0.1: discovery (/version, /api, /apis, group versions,
CRDs once applied), server-side apply (PATCH ``application/apply-patch+yaml``: ``fieldManager``, ``force``,
``dryRun``), a dry-run create (POST), GET of one object and of lists (label selector), and pod logs. Where
kube-apiserver v1.28.0 was seen to behave in a way a deploy depends on, the fake does too: namespaced objects
need their Namespace (a dry run does not create it), ``default`` exists, fake_kube_rules' validations,
ownership conflicts and stored form (a Secret's stringData kept as data), a dry run answered with the object
as it would be (``--dry-run=server`` diffs it against the GET of the live one), resourceVersion unchanged by
an apply that changes nothing, uids, 204 No Content for the log of a pod on no node. Tests drive ``status``."""

from __future__ import annotations

import copy
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self
from urllib.parse import parse_qs, urlparse

import yaml

from support import fake_kube_rules as rules

# group/version -> [(plural, kind, namespaced)]
RESOURCES = {
    "v1": [("namespaces", "Namespace", False), ("configmaps", "ConfigMap", True), ("secrets", "Secret", True),
           ("services", "Service", True), ("pods", "Pod", True), ("events", "Event", True),
           ("serviceaccounts", "ServiceAccount", True), ("persistentvolumeclaims", "PersistentVolumeClaim", True)],
    "apps/v1": [("deployments", "Deployment", True), ("statefulsets", "StatefulSet", True),
                ("daemonsets", "DaemonSet", True), ("replicasets", "ReplicaSet", True)],
    "batch/v1": [("cronjobs", "CronJob", True), ("jobs", "Job", True)],
    "policy/v1": [("poddisruptionbudgets", "PodDisruptionBudget", True)],
    "networking.k8s.io/v1": [("ingresses", "Ingress", True), ("networkpolicies", "NetworkPolicy", True)],
    "apiextensions.k8s.io/v1": [("customresourcedefinitions", "CustomResourceDefinition", False)],
}


BUILT_IN_NAMESPACES = ("default", "kube-system", "kube-public")


class FakeKubeAPI:
    """``with FakeKubeAPI() as api:`` starts it; ``api.kubeconfig(path)`` writes a kubeconfig for it."""

    def __init__(self) -> None:
        self.objects: dict[tuple[str, str, str | None, str], dict] = {}
        self.owners: dict[tuple[str, str, str | None, str], dict[str, dict]] = {}  # key -> manager -> fields
        self.resources = {gv: list(entries) for gv, entries in RESOURCES.items()}
        self.requests: list[dict] = []
        self.logs: dict[str, str] = {}
        self.lock = threading.Lock()
        self.version = 100
        for name in BUILT_IN_NAMESPACES:
            self.put({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def kubeconfig(self, path: Path, context: str = "staging", current: str | None = None) -> Path:
        document = {
            "apiVersion": "v1", "kind": "Config", "current-context": current or context,
            "clusters": [{"name": "fake", "cluster": {"server": self.url}}],
            "users": [{"name": "tester", "user": {"token": "fake-token"}}],
            "contexts": [{"name": name, "context": {"cluster": "fake", "user": "tester"}}
                         for name in {context, current or context}],
        }
        path.write_text(yaml.safe_dump(document), encoding="utf-8")
        return path

    # -- what tests drive ------------------------------------------------------------------------
    def get(self, group_version: str, plural: str, namespace: str | None, name: str) -> dict | None:
        return self.objects.get((group_version, plural, namespace, name))

    def put(self, obj: dict) -> dict:
        """Store ``obj`` as the cluster would hold it (uid, resourceVersion, creationTimestamp added)."""
        gv, plural, namespaced = self.locate(obj["apiVersion"], obj["kind"])
        namespace = obj["metadata"].get("namespace") if namespaced else None
        rules.stored_form(obj)
        with self.lock:
            self._stamp(obj, None, changed=True)
            self.objects[(gv, plural, namespace, obj["metadata"]["name"])] = obj
        return obj

    def set_status(self, group_version: str, plural: str, namespace: str, name: str, status: dict) -> None:
        """A controller's status write: a new resourceVersion, as on the real server (between a client's
        read and its apply, too)."""
        with self.lock:
            obj = self.objects[(group_version, plural, namespace, name)]
            obj["status"] = status
            self._stamp(obj, obj, changed=True)

    def update_by(self, manager: str, group_version: str, plural: str, namespace: str | None, name: str,
                  path: tuple[str, ...], value) -> None:
        """Another client's update (e.g. ``kubectl scale``): ``manager`` now owns ``path``."""
        key = (group_version, plural, namespace, name)
        with self.lock:
            obj = self.objects[key]
            rules.set_path(obj, path, value)
            owners = self.owners.setdefault(key, {})
            for entry in owners.values():
                entry["fields"].pop(path, None)
            owners.setdefault(manager, {"operation": "Update", "fields": {}})["fields"][path] = value
            self._stamp(obj, obj, changed=True)

    def applies(self) -> list[dict]:
        return [r for r in self.requests if r["method"] == "PATCH"]

    def writes(self) -> list[dict]:
        """Requests that could have changed something (not dry runs)."""
        return [r for r in self.requests if r["method"] in ("PATCH", "POST") and r["query"].get("dryRun") != ["All"]]

    def locate(self, api_version: str, kind: str) -> tuple[str, str, bool]:
        for plural, k, namespaced in self.resources.get(api_version, []):
            if k == kind:
                return api_version, plural, namespaced
        raise KeyError(f"{api_version} {kind}")

    def _stamp(self, obj: dict, existing: dict | None, changed: bool) -> None:
        meta = obj.setdefault("metadata", {})
        old = (existing or {}).get("metadata") or {}
        meta["uid"] = old.get("uid") or meta.get("uid") or str(uuid.uuid4())
        meta["creationTimestamp"] = old.get("creationTimestamp") or meta.get("creationTimestamp") or rules.now()
        if changed:
            self.version += 1
        meta["resourceVersion"] = str(self.version) if changed else old["resourceVersion"]

    def serve_crd(self, crd: dict) -> None:
        spec = crd.get("spec") or {}
        for version in spec.get("versions") or []:
            gv = f"{spec['group']}/{version['name']}"
            entry = (spec["names"]["plural"], spec["names"]["kind"], spec.get("scope") == "Namespaced")
            if entry not in self.resources.setdefault(gv, []):
                self.resources[gv].append(entry)

    def write(self, gv: str, plural: str, namespace: str | None, name: str, body: dict, query: dict,
              apply: bool) -> tuple[int, dict]:
        """A server-side apply (``apply``) or a create, as the real server answers it."""
        dry_run = query.get("dryRun") == ["All"]
        manager = query.get("fieldManager", ["unknown"])[0]
        key = (gv, plural, namespace, name)
        with self.lock:
            if namespace is not None and self.get("v1", "namespaces", None, namespace) is None:
                return 404, rules.failure(404, "NotFound", f'namespaces "{namespace}" not found')
            existing = self.get(*key)
            if existing is not None and not apply:
                return 409, rules.failure(409, "AlreadyExists", f'{plural}.{gv.rpartition("/")[0]}'.rstrip(".")
                                          + f' "{name}" already exists')
            obj = json.loads(json.dumps(body))
            meta = obj.setdefault("metadata", {})
            if namespace:
                meta["namespace"] = namespace
            refused = rules.invalid(obj, existing)
            owners = copy.deepcopy(self.owners.get(key, {}))
            applied = rules.leaves(obj)
            if refused is None and apply and query.get("force") not in (["true"], ["True"]):
                refused = rules.conflicts(owners, manager, applied, gv)
            if refused is not None:
                return refused[0], rules.failure(*refused)
            rules.take_over(owners, manager, applied, obj, "Apply" if apply else "Update")
            rules.stored_form(obj)
            same = existing is not None and rules.content(existing) == rules.content(obj)
            spec_changed = existing is None or existing.get("spec") != obj.get("spec")
            meta["generation"] = ((existing or {}).get("metadata", {}).get("generation", 0)
                                  + (1 if spec_changed else 0))
            self._stamp(obj, existing, changed=not same)
            meta["managedFields"] = rules.managed_fields(owners, gv)
            if existing is not None and "status" in existing:
                obj["status"] = existing["status"]
            if not dry_run:
                self.objects[key] = obj
                self.owners[key] = owners
                if obj.get("kind") == "CustomResourceDefinition":
                    self.serve_crd(obj)
            return (200 if existing else 201), obj


def _handler(api: FakeKubeAPI):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # keep pytest output clean
            pass

        def _send(self, code: int, body, content_type: str = "application/json") -> None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _status(self, code: int, reason: str, message: str) -> None:
            self._send(code, rules.failure(code, reason, message))

        def _route(self):
            """(group_version, plural, namespace, name, subresource) or None for discovery paths."""
            parts = [p for p in urlparse(self.path).path.split("/") if p]
            if parts[:1] == ["api"] and len(parts) >= 2:
                gv, rest = parts[1], parts[2:]
            elif parts[:1] == ["apis"] and len(parts) >= 3:
                gv, rest = f"{parts[1]}/{parts[2]}", parts[3:]
            else:
                return None
            namespace = None
            if len(rest) >= 2 and rest[0] == "namespaces" and len(rest) != 2:
                namespace, rest = rest[1], rest[2:]
            if not rest:
                return gv, None, None, None, None
            return gv, rest[0], namespace, rest[1] if len(rest) > 1 else None, rest[2] if len(rest) > 2 else None

        def do_GET(self) -> None:
            query = parse_qs(urlparse(self.path).query)
            api.requests.append({"method": "GET", "path": self.path})
            path = urlparse(self.path).path.rstrip("/")
            if path == "/version":
                return self._send(200, {"major": "1", "minor": "33", "gitVersion": "v1.33.0-fake",
                                        "gitCommit": "0" * 40, "gitTreeState": "clean",
                                        "buildDate": "2026-01-01T00:00:00Z", "goVersion": "go1.24",
                                        "compiler": "gc", "platform": "linux/amd64"})
            if path == "/api":
                return self._send(200, {"kind": "APIVersions", "versions": ["v1"]})
            if path == "/apis":
                groups = []
                for gv in api.resources:
                    if "/" in gv:
                        group, version = gv.split("/")
                        entry = {"groupVersion": gv, "version": version}
                        groups.append({"name": group, "versions": [entry], "preferredVersion": entry})
                return self._send(200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
            route = self._route()
            if route is None:
                return self._status(404, "NotFound", f"no route {path}")
            gv, plural, namespace, name, sub = route
            if plural is None:
                resources = [{"name": p, "singularName": k.lower(), "namespaced": ns, "kind": k,
                              "verbs": ["get", "list", "patch", "create", "update", "delete"]}
                             for p, k, ns in api.resources.get(gv, [])]
                return self._send(200, {"kind": "APIResourceList", "groupVersion": gv, "resources": resources})
            if name and sub == "log":
                pod = api.get(gv, plural, namespace, name)
                text = api.logs.get(name)
                if pod is None:
                    return self._status(404, "NotFound", f'pods "{name}" not found')
                if text is None:  # the real server: 204 No Content for a pod that has not run on a node
                    self.send_response(204)
                    self.end_headers()
                    return None
                lines = text.splitlines()[-int(query.get("tailLines", ["100000"])[0]):]
                return self._send(200, ("\n".join(lines) + "\n").encode(), "text/plain")
            if name:
                obj = api.get(gv, plural, namespace, name)
                if obj is None:
                    return self._status(404, "NotFound", f'{plural} "{name}" not found')
                return self._send(200, obj)
            items = [o for (g, p, ns, _), o in sorted(api.objects.items(), key=lambda kv: str(kv[0]))
                     if g == gv and p == plural and (namespace is None or ns == namespace)]
            selector = query.get("labelSelector", [""])[0]
            if selector:
                wanted = dict(pair.split("=", 1) for pair in selector.split(","))
                items = [o for o in items
                         if wanted.items() <= ((o.get("metadata") or {}).get("labels") or {}).items()]
            kind = next((k for p, k, _ in api.resources.get(gv, []) if p == plural), None)
            if kind is None:
                return self._status(404, "NotFound", "the server could not find the requested resource")
            return self._send(200, {"kind": f"{kind}List", "apiVersion": gv, "metadata": {}, "items": items})

        def _write(self, apply: bool) -> None:
            query = parse_qs(urlparse(self.path).query)
            length = int(self.headers.get("Content-Length") or 0)
            body = yaml.safe_load(self.rfile.read(length))
            record = {"method": self.command, "path": urlparse(self.path).path, "query": query,
                      "content_type": self.headers.get("Content-Type"),
                      "kind": body.get("kind"), "name": (body.get("metadata") or {}).get("name")}
            api.requests.append(record)
            if apply and self.headers.get("Content-Type") != "application/apply-patch+yaml":
                return self._status(415, "UnsupportedMediaType", "only server-side apply is faked")
            if apply and "fieldManager" not in query:
                return self._status(422, "Invalid", "fieldManager is required for apply patch")
            gv, plural, namespace, name, _ = self._route()
            code, answer = api.write(gv, plural, namespace, name or record["name"], body, query, apply)
            return self._send(code, answer)

        def do_PATCH(self) -> None:
            self._write(apply=True)

        def do_POST(self) -> None:
            self._write(apply=False)

    return Handler
