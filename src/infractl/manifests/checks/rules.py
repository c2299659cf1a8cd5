"""``manifests lint``'s Kubernetes rules, one object each, beside the checks that find them:
kustomize/render.py (K8S000, K8S004), schema.py and crds.py (K8S001, K8S002), plain.py (K8S003),
hardening.py (K8S101-K8S115, K8S140). ``RULES`` and ``RULE`` gather every manifests rule: these, compose_rules.py's
(compose.py: COMPOSE000-COMPOSE004, COMPOSE010) and review/rules.py's (K8S117-K8S120, COMPOSE005-COMPOSE008);
lint.py makes every finding through ``RULE[id]`` (K8S116 and the COMPOSE000 loader finding too). The
Dockerfile rules live in dockerfile_rules.py. Light: no YAML or schema import here.

Each rule's ``bad`` example must trigger it and its ``good`` example must not (tests/manifests run them):
K8S examples are rendered objects (K8S116: a kustomization.yaml), COMPOSE examples compose files.
"""

from __future__ import annotations

from infractl.findings import Severity
from infractl.manifests.checks.compose_rules import RULES as COMPOSE_RULES
from infractl.manifests.checks.fixers.examples import deployment as _deployment
from infractl.manifests.checks.review.rules import RULES as REVIEW_RULES
from infractl.rulebook import Rule

COMMAND = "manifests lint"
E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO

_POD = """\
apiVersion: v1
kind: Pod
metadata: {{name: web}}
spec:
  securityContext: {{runAsNonRoot: true}}
  containers:
  - name: web
    image: registry.example/web:1.4.2
    securityContext: {{readOnlyRootFilesystem: true, allowPrivilegeEscalation: false{extra}}}
    resources: {{requests: {{cpu: 100m, memory: 128Mi}}, limits: {{cpu: 500m, memory: 256Mi}}}}
    livenessProbe: {{httpGet: {{path: /health, port: 8081}}}}
    readinessProbe: {{httpGet: {{path: /health, port: 8081}}}}
"""


def _pod(extra: str = "") -> str:
    return _POD.format(extra=extra)


_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
{affinity}      containers: [{{name: web, image: "web:1.0"}}]
"""
_ANTI_AFFINITY = """\
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 100
            podAffinityTerm:
              labelSelector: {matchLabels: {app: web}}
              topologyKey: kubernetes.io/hostname
"""
_PDB = """\
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  maxUnavailable: 1
  selector: {matchLabels: {app: web}}
"""
_CRONJOB = """\
apiVersion: batch/v1
kind: CronJob
metadata: {{name: retention}}
spec:
  schedule: "17 3 * * *"
{extra}  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{{name: retention, image: "web:1.0"}}]
"""
_SERVICE = """\
apiVersion: v1
kind: Service
metadata: {{name: web}}
spec:
  selector: {{app: {selector}}}
  ports: [{{port: 80, targetPort: 8081}}]
---
apiVersion: v1
kind: Pod
metadata: {{name: web, labels: {{app: web}}}}
spec:
  containers: [{{name: web, image: "web:1.0"}}]
"""
_OPERATOR_SERVICE = """\
apiVersion: monitoring.coreos.com/v1
kind: Alertmanager
metadata: {{name: main}}
spec: {{replicas: 2}}
---
apiVersion: v1
kind: Service
metadata: {{name: alertmanager-main}}
spec:
  selector: {{{selector}}}
  ports: [{{port: 9093, targetPort: web}}]
"""
_INGRESS = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {{name: web}}
spec:
{tls}  rules:
  - host: hooks.example.org
    http:
      paths:
      - {{path: /, pathType: Prefix, backend: {{service: {{name: web, port: {{number: 80}}}}}}}}
"""
_SECRET = """\
apiVersion: v1
kind: Secret
metadata:
  name: web
{annotations}stringData:
  WEBHOOK_SECRET: "{value}"
"""
_SECURE = "infractl.manifests.checks.fixers.kubernetes:secure_container"


def manifests_rule(id, name, severity, summary, rationale, fix, bad, good, overlap="", **fixing) -> Rule:
    """``fixing``: the rule's automatic fix, if any (fix_safety, fixer, fix_cases), and extra cases (invalid, valid)."""
    return Rule(id=id, name=name, severity=severity, command=COMMAND, summary=summary, rationale=rationale,
                fix=fix, bad=bad, good=good, overlap=overlap, **fixing)


_rule = manifests_rule


RULES = (
    _rule("K8S000", "kustomization-does-not-render", E,
          "kustomize refuses the directory (a missing resource, a broken patch): nothing in it was checked",
          "kubectl apply -k would fail the same way. One broken overlay must not hide the findings of the "
          "others, so it is reported on its directory with kustomize's whole message and the run goes on.",
          "fix what kustomize's message names", "resources:\n- missing.yaml\n", "resources: []\n"),
    _rule("K8S004", "kustomization-not-rendered-here", W,
          "a kustomization that needs the network (a remote base), Helm or an external plugin to render: "
          "nothing in it was checked",
          "A remote base that cannot be fetched from here, a Helm chart (kustomize --enable-helm runs helm, which "
          "may download it) or an external plugin (a program the repository names) is not a defect of the "
          "directory, so it is not K8S000's error; but nothing in it was checked, and the run says so.",
          "render it where its base can be fetched, or vendor the remote base into the repository",
          "resources:\n- https://127.0.0.1:9/example/base.yaml\n", "resources: []\n",
          invalid=("helmCharts:\n- name: web\n  repo: https://127.0.0.1:9/charts\n  version: 1.0.0\n",
                   "generators:\n- |-\n  apiVersion: example.com/v1\n  kind: TShirt\n  metadata: {name: t}\n"),
          valid=("resources:\n- missing.yaml\n",)),
    _rule("K8S001", "schema-invalid", E, "the object does not validate against the Kubernetes OpenAPI schema",
          "The API server rejects it (strict: unknown fields too, which kubectl would silently drop), so the "
          "deploy fails half-way.", "fix the field named in the message; --kube-version picks the schema",
          _pod().replace("containers:", "containerz:"), _pod(),
          "kubeconform / kubernetes-validate do this alone; infractl runs kubernetes-validate's schemas"),
    _rule("K8S002", "no-schema", I,
          "a custom resource whose CustomResourceDefinition is not in the manifests: not validated",
          "A custom resource is validated against its CRD's openAPIV3Schema when the CRD is rendered with it "
          "(unknown fields are errors, as with kubectl's --validate=strict); otherwise only the server can.",
          "nothing to do; it is informational (render the CRD with it to have it checked)",
          "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: web}\nspec: {}\n", _pod()),
    Rule(id="K8S003", name="manifest-not-loaded", severity=E, command=COMMAND,
         summary="a plain manifest file (Kubernetes YAML outside any kustomization) cannot be read or is not YAML",
         rationale="kubectl apply refuses the file, and none of its objects was checked. It is reported on the "
                   "file and the other manifests are still linted.",
         fix="fix the line shown", bad="apiVersion: v1\nkind: ConfigMap\ndata:\n  a: 1\n   b: 2\n",
         good="apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\n",
         varies="info when the file holds placeholders a tool fills before kubectl sees it ({VAR}, ${VAR}, "
                "$(VAR), __VAR__, or a value ##VAR## that YAML reads as a comment): a template, reported as "
                "not linted"),
    _rule("K8S101", "missing-resources", W, "a container has no cpu/memory requests and limits",
          "Without requests the scheduler packs pods blindly; without limits one pod can starve the node.",
          "set resources.requests and resources.limits for cpu and memory",
          _pod().replace("    resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: 500m, memory: 256Mi}}\n",
                         ""), _pod(), "kube-score, Polaris, kube-linter"),
    _rule("K8S102", "missing-probes", W, "a long-running container has no liveness or readiness probe",
          "Without readiness traffic reaches pods that are not ready; without liveness a hung process stays.",
          "add livenessProbe and readinessProbe",
          _pod().replace("    livenessProbe: {httpGet: {path: /health, port: 8081}}\n", ""), _pod(),
          "kube-score, Polaris"),
    _rule("K8S103", "image-not-pinned", E, "an image uses :latest or no tag",
          "The same manifest deploys different code on every pull, and a rollback restores nothing.",
          "pin a version tag or, better, a digest", _pod().replace("web:1.4.2", "web:latest"),
          _pod().replace("web:1.4.2", "web@sha256:" + "0" * 64), "kube-linter latest-tag, Polaris",
          varies="info for an image that the project's skaffold.yaml builds (skaffold tags the build and "
                 "deploys the manifests with that tag), and for a placeholder filled in before the apply ({IMAGE}, "
                 "${IMAGE}, __IMAGE__, <your-image>)"),
    _rule("K8S104", "run-as-root", W, "a container may run as root (runAsNonRoot not true, or runAsUser 0)",
          "A process that escapes its container as root owns the node's files it can reach.",
          "securityContext.runAsNonRoot: true and a non-zero runAsUser",
          _pod().replace("  securityContext: {runAsNonRoot: true}\n", ""), _pod(),
          fix_safety="unsafe", fixer=_SECURE,
          fix_cases=((_pod().replace("  securityContext: {runAsNonRoot: true}\n", ""),
                      _pod(", runAsNonRoot: true").replace("  securityContext: {runAsNonRoot: true}\n", "")),
                     (_deployment(), _deployment("runAsNonRoot: true")),
                     (_deployment("readOnlyRootFilesystem: true  # /tmp is an emptyDir"),
                      _deployment("readOnlyRootFilesystem: true  # /tmp is an emptyDir", "runAsNonRoot: true")))),
    _rule("K8S105", "writable-root-filesystem", W, "a container's root filesystem is writable",
          "A read-only root stops an intruder from dropping tools and the app from writing where it should not.",
          "readOnlyRootFilesystem: true, with an emptyDir for /tmp",
          _pod().replace("readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false"), _pod(),
          fix_safety="unsafe", fixer=_SECURE,
          fix_cases=((_pod().replace("readOnlyRootFilesystem: true, ", ""),
                      _pod(", readOnlyRootFilesystem: true").replace("readOnlyRootFilesystem: true, ", "")),
                     (_deployment("runAsNonRoot: true"), _deployment("runAsNonRoot: true", "readOnlyRootFilesystem: true")))),
    _rule("K8S106", "privilege-escalation", W, "allowPrivilegeEscalation is not false",
          "setuid binaries can gain privileges unless no_new_privs is set.", "allowPrivilegeEscalation: false",
          _pod().replace(", allowPrivilegeEscalation: false", ""), _pod(),
          fix_safety="unsafe", fixer=_SECURE,
          fix_cases=((_pod().replace(", allowPrivilegeEscalation: false", ""), _pod()),
                     (_deployment(), _deployment("allowPrivilegeEscalation: false")))),
    _rule("K8S107", "privileged-container", E, "a container runs privileged",
          "A privileged container is root on the node.", "remove privileged: true",
          _pod(extra=", privileged: true"), _pod()),
    _rule("K8S108", "host-namespace", E, "the pod shares the node's network, PID or IPC namespace",
          "hostNetwork/hostPID/hostIPC expose the node's traffic and processes to the pod.",
          "remove hostNetwork/hostPID/hostIPC", _pod().replace("spec:\n", "spec:\n  hostNetwork: true\n", 1),
          _pod()),
    _rule("K8S109", "host-path-volume", E, "the pod mounts a hostPath volume",
          "A hostPath gives the pod the node's files (and a way out of the container).",
          "use a PersistentVolumeClaim, configMap, secret or emptyDir",
          _pod().replace("spec:\n", "spec:\n  volumes: [{name: logs, hostPath: {path: /var/log}}]\n", 1),
          _pod().replace("spec:\n", "spec:\n  volumes: [{name: logs, emptyDir: {}}]\n", 1)),
    _rule("K8S110", "replicas-without-anti-affinity", W, "several replicas may land on one node",
          "Without anti-affinity or a topology spread, one node failure can take all replicas down.",
          "add preferred podAntiAffinity on kubernetes.io/hostname (or topologySpreadConstraints)",
          _DEPLOYMENT.format(affinity=""), _DEPLOYMENT.format(affinity=_ANTI_AFFINITY)),
    _rule("K8S111", "replicas-without-pdb", W, "a Deployment/StatefulSet with replicas > 1 has no PodDisruptionBudget",
          "A node drain may evict every replica at once.", "add a PodDisruptionBudget selecting the pods",
          _DEPLOYMENT.format(affinity=_ANTI_AFFINITY), _DEPLOYMENT.format(affinity=_ANTI_AFFINITY) + _PDB),
    _rule("K8S112", "cronjob-unbounded", W,
          "a CronJob lacks concurrencyPolicy, startingDeadlineSeconds or history limits",
          "Overlapping runs corrupt work, a controller outage replays missed runs, finished jobs pile up.",
          "concurrencyPolicy: Forbid, startingDeadlineSeconds, successfulJobsHistoryLimit, failedJobsHistoryLimit",
          _CRONJOB.format(extra=""),
          _CRONJOB.format(extra="  concurrencyPolicy: Forbid\n  startingDeadlineSeconds: 600\n"
                                "  successfulJobsHistoryLimit: 3\n  failedJobsHistoryLimit: 3\n")),
    _rule("K8S113", "service-selects-nothing", E, "a Service's selector matches no pod template in the manifests",
          "The Service has no endpoints: every request to it fails. Pods that the Prometheus operator makes "
          "for an Alertmanager, Prometheus or ThanosRuler carry the labels its API reference lists, and count.",
          "use the pod template's labels",
          _SERVICE.format(selector="webb"), _SERVICE.format(selector="web")).replace(
        varies="a warning with the reason when the pods may be made where infractl cannot see: beside custom "
               "resources of kinds it does not model (named), or, in plain manifests (no kustomization), when no "
               "pod template beside the Service is labelled nearly like its selector, or YAML beside it is a "
               "template or does not load",
        invalid=(_OPERATOR_SERVICE.format(selector="alertmanager: other"),),
        valid=(_OPERATOR_SERVICE.format(selector="app.kubernetes.io/name: alertmanager, alertmanager: main"),
               _OPERATOR_SERVICE.format(selector="app: alertmanager, alertmanager: main"))),
    _rule("K8S114", "ingress-without-tls", W, "an Ingress serves plain HTTP (no spec.tls)",
          "Webhook bodies and signatures cross the network in clear text.", "add spec.tls",
          _INGRESS.format(tls=""),
          _INGRESS.format(tls="  tls: [{hosts: [hooks.example.org], secretName: web-tls}]\n")),
    _rule("K8S115", "placeholder-secret", E, "a Secret holds an empty or placeholder value (changeme, <...>)",
          "The deploy succeeds and the service runs with a known or empty secret.",
          "fill the value at deploy time: list the key in the infractl.dev/filled-at-deploy annotation",
          _SECRET.format(annotations="", value="changeme"),
          _SECRET.format(annotations="  annotations: {infractl.dev/filled-at-deploy: WEBHOOK_SECRET}\n", value="")),
    _rule("K8S116", "common-labels", W, "the kustomization uses commonLabels",
          "commonLabels is also written into selectors, which are immutable: changing a label later makes "
          "the apply fail (and the field is deprecated).",
          "use labels: [{pairs: {...}, includeSelectors: false}]",
          "resources: [deployment.yaml]\ncommonLabels: {app: web}\n",
          "resources: [deployment.yaml]\nlabels:\n- pairs: {app: web}\n  includeSelectors: false\n"),
    _rule("K8S140", "capabilities-not-dropped", W, "a container keeps Linux capabilities (no drop: [ALL])",
          "The default set (CHOWN, DAC_OVERRIDE, NET_RAW, SETUID, ...) lets a compromised process spoof packets, "
          "change file ownership and switch users; the restricted Pod Security Standard requires dropping all.",
          "securityContext.capabilities.drop: [ALL], adding back only what the process needs (NET_BIND_SERVICE)",
          _pod(), _pod(", capabilities: {drop: [ALL]}"),
          "kube-score container-security-context, Polaris, the restricted Pod Security Standard",
          fix_safety="unsafe", fixer=_SECURE,
          fix_cases=((_pod(), _pod(", capabilities: {drop: [ALL]}")),
                     (_deployment("runAsNonRoot: true"), _deployment("runAsNonRoot: true", "capabilities: {drop: [ALL]}")),
                     (_deployment(), _deployment("capabilities: {drop: [ALL]}")))),
)
RULES = (*RULES, *COMPOSE_RULES, *REVIEW_RULES)  # compose_rules.py; Docker socket, Traefik, floating tags: review/rules.py
RULE = {rule.id: rule for rule in RULES}  # emitters name their rule by id (hits are plain tuples)
