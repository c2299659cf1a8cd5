"""FAKE Kubernetes API server for tests: no real API server can run on these machines.

It serves just what ``infractl deploy`` uses, on 127.0.0.1: discovery (/version, /api, /apis and the
group versions), server-side apply (PATCH ``application/apply-patch+yaml``, with ``fieldManager``,
``force`` and ``dryRun``), GET of one object and of lists (pods by label selector, events), and pod
logs. Objects do nothing by themselves: the test drives their ``status`` (a rollout that completes,
one that is stuck, one whose progress deadline is exceeded). Every request is recorded so tests can
assert the order of applies and the field manager. The real-cluster path is tested by the gated
end-to-end test (INFRACTL_E2E_KUBECONFIG).
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self
from urllib.parse import parse_qs, urlparse

import yaml

# group/version -> [(plural, kind, namespaced)]
RESOURCES = {
    "v1": [("namespaces", "Namespace", False), ("configmaps", "ConfigMap", True), ("secrets", "Secret", True),
           ("services", "Service", True), ("pods", "Pod", True), ("events", "Event", True),
           ("serviceaccounts", "ServiceAccount", True), ("persistentvolumeclaims", "PersistentVolumeClaim", True)],
    "apps/v1": [("deployments", "Deployment", True), ("statefulsets", "StatefulSet", True),
                ("daemonsets", "DaemonSet", True)],
    "batch/v1": [("cronjobs", "CronJob", True), ("jobs", "Job", True)],
    "policy/v1": [("poddisruptionbudgets", "PodDisruptionBudget", True)],
    "networking.k8s.io/v1": [("ingresses", "Ingress", True), ("networkpolicies", "NetworkPolicy", True)],
    "apiextensions.k8s.io/v1": [("customresourcedefinitions", "CustomResourceDefinition", False)],
}


class FakeKubeAPI:
    """``with FakeKubeAPI() as api:`` starts it; ``api.kubeconfig(path)`` writes a kubeconfig for it."""

    def __init__(self) -> None:
        self.objects: dict[tuple[str, str, str | None, str], dict] = {}
        self.requests: list[dict] = []
        self.logs: dict[str, str] = {}
        self.lock = threading.Lock()
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

    def put(self, obj: dict) -> None:
        gv, plural, namespaced = _locate(obj["apiVersion"], obj["kind"])
        namespace = obj["metadata"].get("namespace") if namespaced else None
        with self.lock:
            self.objects[(gv, plural, namespace, obj["metadata"]["name"])] = obj

    def set_status(self, group_version: str, plural: str, namespace: str, name: str, status: dict) -> None:
        with self.lock:
            self.objects[(group_version, plural, namespace, name)]["status"] = status

    def applies(self) -> list[dict]:
        return [r for r in self.requests if r["method"] == "PATCH"]


def _locate(api_version: str, kind: str) -> tuple[str, str, bool]:
    for plural, k, namespaced in RESOURCES.get(api_version, []):
        if k == kind:
            return api_version, plural, namespaced
    raise KeyError(f"{api_version} {kind}")


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
            self._send(code, {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": reason,
                              "message": message, "code": code})

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
                for gv in RESOURCES:
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
                             for p, k, ns in RESOURCES.get(gv, [])]
                return self._send(200, {"kind": "APIResourceList", "groupVersion": gv, "resources": resources})
            if name and sub == "log":
                text = api.logs.get(name)
                if text is None:
                    return self._status(404, "NotFound", f"no logs for {name}")
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
            kind = next(k for p, k, _ in RESOURCES[gv] if p == plural)
            return self._send(200, {"kind": f"{kind}List", "apiVersion": gv, "metadata": {}, "items": items})

        def do_PATCH(self) -> None:
            query = parse_qs(urlparse(self.path).query)
            length = int(self.headers.get("Content-Length") or 0)
            body = yaml.safe_load(self.rfile.read(length))
            record = {"method": "PATCH", "path": urlparse(self.path).path, "query": query,
                      "content_type": self.headers.get("Content-Type"),
                      "kind": body.get("kind"), "name": (body.get("metadata") or {}).get("name")}
            api.requests.append(record)
            if self.headers.get("Content-Type") != "application/apply-patch+yaml":
                return self._status(415, "UnsupportedMediaType", "only server-side apply is faked")
            if "fieldManager" not in query:
                return self._status(422, "Invalid", "fieldManager is required for apply patch")
            route = self._route()
            gv, plural, namespace, name, _ = route
            existing = api.get(gv, plural, namespace, name)
            obj = json.loads(json.dumps(body))
            meta = obj.setdefault("metadata", {})
            if namespace:
                meta["namespace"] = namespace
            generation = (existing or {}).get("metadata", {}).get("generation", 0)
            changed = existing is None or existing.get("spec") != obj.get("spec")
            meta["generation"] = generation + 1 if changed else generation
            meta["managedFields"] = [{"manager": query["fieldManager"][0], "operation": "Apply"}]
            if existing is not None and "status" in existing:
                obj["status"] = existing["status"]
            if query.get("dryRun") != ["All"]:
                with api.lock:
                    api.objects[(gv, plural, namespace, name)] = obj
            return self._send(200 if existing else 201, obj)

    return Handler
