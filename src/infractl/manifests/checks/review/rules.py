"""``manifests lint`` rules a reviewer expects beyond hardening: the Docker socket in a container, Traefik's
API or dashboard open (exposure.py), floating major/minor tags (tags.py). rules.py adds them to its RULES
and RULE, which lint.py makes the findings through. Light: nothing but rulebook here, and no import of
rules.py (which imports this module).

K8S examples are rendered objects, COMPOSE examples compose files (as in rules.py).
"""

from __future__ import annotations

from infractl.findings import Severity
from infractl.rulebook import Rule

COMMAND = "manifests lint"  # rules.py's COMMAND; not imported from there, which imports this module
E, W = Severity.ERROR, Severity.WARNING

_POD = """\
apiVersion: v1
kind: Pod
metadata: {{name: web, labels: {{app: web}}}}
spec:
{volumes}  containers:
  - name: web
    image: {image}
{args}"""
_TRAEFIK_SERVICE = """\
---
apiVersion: v1
kind: Service
metadata: {name: proxy}
spec:
  selector: {app: web}
  ports: [{name: web, port: 80, targetPort: 80}, {name: dashboard, port: 8080, targetPort: 8080}]
"""
_INGRESS_ROUTE = """\
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: {{name: dashboard}}
spec:
  routes:
  - match: Host(`traefik.example.org`)
    kind: Rule
    services: [{{name: api@internal, kind: TraefikService}}]
{middlewares}"""
_COMPOSE = """\
services:
  proxy:
    image: {image}
    command: {command}
    ports: [{ports}]
    volumes: [{volumes}]
{labels}    healthcheck: {{test: ["CMD", "traefik", "healthcheck"]}}
"""


def _pod(image="registry.example/web:1.4.2", volumes="", args="") -> str:
    return _POD.format(image=image, volumes=volumes, args=args)


def _compose(image="traefik:3.1.2", command='["--providers.docker=true", "--ping=true"]', ports='"80:80"',
             volumes='"./traefik.yml:/etc/traefik/traefik.yml:ro"', labels="") -> str:
    return _COMPOSE.format(image=image, command=command, ports=ports, volumes=volumes, labels=labels)


def _rule(id, name, severity, summary, rationale, fix, bad, good, overlap="", invalid=(), valid=()) -> Rule:
    return Rule(id=id, name=name, severity=severity, command=COMMAND, summary=summary, rationale=rationale,
                fix=fix, bad=bad, good=good, overlap=overlap, invalid=invalid, valid=valid)


_SOCKET = "  volumes: [{name: docker, hostPath: {path: %s}}]\n"
_INSECURE = "    args: [--providers.kubernetescrd, --api.insecure=true]\n"
_LABELS = "    labels:\n      - traefik.http.routers.dashboard.rule=Host(`traefik.example.org`)\n" \
          "      - traefik.http.routers.dashboard.service=api@internal\n"
_FLOATING = "{why} Unlike :latest it cannot jump a major version, hence a warning. A digest, a full 1.2.3 tag, " \
            "a date tag, a tag that is no version (bookworm) and PostgreSQL's two-number releases (17.2) pass."
_WHY_FLOATING = "The publisher moves postgres:18 to every 18.x release: two pulls a week apart run different " \
                "code, and a rollback to the same manifest restores nothing."
_SOCKET_WHY = "Whoever can write to the Docker socket starts a privileged container with the host's / mounted: " \
              "the container (and anyone who compromises it) is root on the {host}. {extra}"

RULES = (
    _rule("K8S117", "docker-socket-mounted", E, "a pod mounts the Docker socket (a hostPath to docker.sock)",
          _SOCKET_WHY.format(host="node", extra="Reported besides K8S109 (any hostPath), and distinct from it: "
                                                "no hostPath is worse."),
          "do not mount it; a tool that must see containers reads the Kubernetes API with a narrow Role",
          _pod(volumes=_SOCKET % "/var/run/docker.sock"), _pod(volumes="  volumes: [{name: tmp, emptyDir: {}}]\n"),
          invalid=(_pod(volumes=_SOCKET % "/run/docker.sock"),),
          overlap="checkov CKV_K8S_27; kube-linter docker-sock"),
    _rule("K8S118", "image-tag-floating", W,
          "an image's tag names a major or major.minor line (postgres:18, python:3.14), not a release",
          _FLOATING.format(why=_WHY_FLOATING), "pin the full version (1.2.3) or, better, a digest (image@sha256:...)",
          _pod(image="postgres:18"), _pod(),
          invalid=(_pod(image="python:3.14"), _pod(image="node:20-alpine"), _pod(image="traefik:v3.1")),
          valid=(_pod(image="postgres:17.2"), _pod(image="node@sha256:" + "0" * 64), _pod(image="web:1.2.3-alpine"),
                 _pod(image="ubuntu:jammy-20240911.1")),
          overlap="none: kube-linter and Polaris accept any explicit tag other than latest"),
    _rule("K8S119", "traefik-api-insecure-exposed", E,
          "Traefik runs with --api.insecure and a Service, hostPort or the host network reaches its port",
          "--api.insecure serves the API and dashboard on port 8080 (the traefik entry point) with no "
          "authentication: anyone who reaches it reads every route and backend and, with the API, learns "
          "the whole topology. Only the flag (args, command or TRAEFIK_API_INSECURE) with a Service, "
          "hostPort or hostNetwork that reaches its port is reported; a static config file is not read.",
          "drop --api.insecure; expose the dashboard through an IngressRoute to api@internal with an auth "
          "middleware", _pod(args=_INSECURE) + _TRAEFIK_SERVICE,
          _pod(args="    args: [--providers.kubernetescrd, --api.dashboard=true]\n") + _TRAEFIK_SERVICE,
          valid=(_pod(args=_INSECURE),),  # no Service, hostPort or host network reaches 8080
          overlap="none of checkov, kube-linter, Polaris"),
    _rule("K8S120", "traefik-dashboard-without-auth", W,
          "an IngressRoute serves Traefik's dashboard (api@internal) with no middleware",
          "Without a basicAuth or forwardAuth middleware the dashboard is public on the route's host. A "
          "route with any middleware passes (infractl does not follow what it does).",
          "add middlewares: [{name: <a basicAuth or forwardAuth middleware>}] to the route",
          _INGRESS_ROUTE.format(middlewares=""),
          _INGRESS_ROUTE.format(middlewares="    middlewares: [{name: dashboard-auth}]\n")),
    _rule("COMPOSE005", "compose-docker-socket-mounted", E, "a compose service mounts the Docker socket",
          _SOCKET_WHY.format(host="host", extra="Read-only (:ro) does not help: the API is reached by "
                                                "writing to the socket, which :ro does not prevent."),
          "do not mount it; put a socket proxy that allows only the read endpoints in between "
          "(tecnativa/docker-socket-proxy), or use the proxy's file provider",
          _compose(volumes='"/var/run/docker.sock:/var/run/docker.sock:ro"'), _compose(),
          invalid=(_compose(volumes="{type: bind, source: /run/docker.sock, target: /var/run/docker.sock}"),),
          overlap="none of hadolint, checkov's compose support"),
    _rule("COMPOSE006", "compose-traefik-api-insecure-published", E,
          "Traefik runs with --api.insecure and its API port is published on every interface",
          "--api.insecure serves the API and dashboard on port 8080 with no authentication; published on "
          "every interface, anyone who reaches the host sees every route and backend. Published on "
          "127.0.0.1 it is a local tool and passes.",
          "drop --api.insecure and route the dashboard through an authenticated router, or publish "
          "\"127.0.0.1:8080:8080\"",
          _compose(command='["--providers.docker=true", "--api.insecure=true"]', ports='"80:80", "8090:8080"'),
          _compose(command='["--providers.docker=true", "--api.insecure=true"]', ports='"80:80", "127.0.0.1:8090:8080"'),
          invalid=(_compose(command="--providers.docker --api.insecure", ports='"80:80", "8080:8080"'),)),
    _rule("COMPOSE007", "compose-traefik-dashboard-without-auth", W,
          "a Traefik router label serves the dashboard (service=api@internal) with no middleware",
          "Without a basicauth or forwardauth middleware the dashboard is public on the router's host. A "
          "router with any middleware passes (infractl does not follow what it does).",
          "add traefik.http.routers.<router>.middlewares=<an auth middleware>",
          _compose(labels=_LABELS),
          _compose(labels=_LABELS + "      - traefik.http.routers.dashboard.middlewares=admin-auth\n")),
    _rule("COMPOSE008", "compose-image-tag-floating", W,
          "a compose service's image tag names a major or major.minor line (postgres:18, python:3.14)",
          _FLOATING.format(why=_WHY_FLOATING), "pin the full version (postgres:17.2, python:3.12.7-slim) or a digest",
          _compose(image="traefik:3"), _compose(), invalid=(_compose(image="postgres:18"),),
          valid=(_compose(image="postgres:17.2"), _compose(image="traefik@sha256:" + "0" * 64))),
)
