"""Benchmark: `infractl manifests lint DIR` vs a bare `kubectl kustomize DIR`, on a real kustomization or a
generated one.

Run: .venv/bin/python benchmarks/manifests.py [--dir DIR] [--apps 60] [--runs 9]

--dir names a real kustomization (the issue's target: 100+ objects with CRDs), for instance
kube-prometheus' root kustomization (its manifests/ and manifests/setup/ CRDs, 131 objects), exported
outside the project: `git archive HEAD kustomization.yaml manifests | tar -x -C /work/corpus/kube-prometheus`
in a clone of github.com/prometheus-operator/kube-prometheus. Without --dir it generates a kustomization of APPS apps (default 60) with five objects each (Deployment, Service,
ConfigMap, PodDisruptionBudget, and a CronJob or an Ingress: 300 objects), one file per app, some of them
with findings; then times, interleaved, the real console script `infractl manifests lint DIR --json` and
`kubectl kustomize DIR` (the same kubectl binary for both: INFRACTL_KUBECTL is set to it) as subprocesses,
and prints medians and the median of the per-round ratios (wall time, the issue's target: <= 2.0), and the
same for CPU time (user + sys, kustomize's included), which a busy machine does not distort.
`kubectl` is the static v1.33 in .cache/kubectl/ when `python -m infractl.manifests.kustomize.install_kubectl --cache`
put it there, else the one on PATH.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

APP = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: app-{i}, labels: {{app: app-{i}}}}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: app-{i}}}}}
  template:
    metadata: {{labels: {{app: app-{i}}}}}
    spec:
      securityContext: {{runAsNonRoot: true, runAsUser: 10001}}
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 100
            podAffinityTerm:
              topologyKey: kubernetes.io/hostname
              labelSelector: {{matchLabels: {{app: app-{i}}}}}
      containers:
      - name: app
        image: {image}
        ports: [{{name: http, containerPort: 8080}}]
        envFrom: [{{configMapRef: {{name: app-{i}}}}}]
        resources: {{requests: {{cpu: 100m, memory: 128Mi}}, limits: {{cpu: 500m, memory: 256Mi}}}}
        readinessProbe: {{httpGet: {{path: /healthz, port: http}}}}
        livenessProbe: {{httpGet: {{path: /healthz, port: http}}}}
        securityContext: {{readOnlyRootFilesystem: true, allowPrivilegeEscalation: false}}
---
apiVersion: v1
kind: Service
metadata: {{name: app-{i}}}
spec:
  selector: {{app: app-{i}}}
  ports: [{{port: 80, targetPort: http}}]
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: app-{i}}}
data: {{LOG_LEVEL: info, PORT: "8080"}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {{name: app-{i}}}
spec:
  minAvailable: 1
  selector: {{matchLabels: {{app: app-{i}}}}}
---
{fifth}"""
CRONJOB = """\
apiVersion: batch/v1
kind: CronJob
metadata: {{name: app-{i}-cleanup}}
spec:
  schedule: "{minute} 3 * * *"
  concurrencyPolicy: Forbid
  startingDeadlineSeconds: 600
  successfulJobsHistoryLimit: 3
  failedJobsHistoryLimit: 3
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          securityContext: {{runAsNonRoot: true, runAsUser: 10001}}
          containers:
          - name: cleanup
            image: registry.example/app-{i}:1.0.{i}
            args: [cleanup, --older-than, 30d]
            resources: {{requests: {{cpu: 50m, memory: 64Mi}}, limits: {{cpu: 250m, memory: 128Mi}}}}
            securityContext: {{readOnlyRootFilesystem: true, allowPrivilegeEscalation: false}}
"""
INGRESS = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {{name: app-{i}}}
spec:
{tls}  rules:
  - host: app-{i}.example.org
    http:
      paths:
      - {{path: /, pathType: Prefix, backend: {{service: {{name: app-{i}, port: {{number: 80}}}}}}}}
"""


def generate(directory: Path, apps: int) -> int:
    names = []
    for i in range(apps):
        image = "registry.example/app-{i}:latest" if i % 20 == 7 else "registry.example/app-{i}:1.0.{i}"
        if i % 2:
            fifth = CRONJOB.format(i=i, minute=i % 60)
        else:
            tls = "" if i % 10 == 4 else f"  tls: [{{hosts: [app-{i}.example.org], secretName: app-{i}-tls}}]\n"
            fifth = INGRESS.format(i=i, tls=tls)
        text = APP.format(i=i, replicas=2 + i % 3, image=image.format(i=i), fifth=fifth)
        name = f"app-{i:03d}.yaml"
        (directory / name).write_text(text, encoding="utf-8")
        names.append(name)
    listed = "".join(f"  - {name}\n" for name in names)
    (directory / "kustomization.yaml").write_text(f"namespace: bench\nresources:\n{listed}", encoding="utf-8")
    return apps * 5


def kubectl_binary() -> str:
    cached = ROOT / ".cache" / "kubectl" / "kubectl"
    if cached.is_file():
        return str(cached)
    found = shutil.which("kubectl")
    if not found:
        sys.exit("no kubectl: run .venv/bin/python -m infractl.manifests.kustomize.install_kubectl --cache")
    return found


def timed(argv: list[str], env: dict) -> tuple[float, float, bytes]:
    """(wall seconds, CPU seconds of the process and its children, stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, env=env, check=False)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--apps", type=int, default=60, help="apps of 5 objects each (default 60: 300 objects)")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--dir", type=Path, help="a real kustomization directory to measure instead")
    args = parser.parse_args()
    kubectl = kubectl_binary()
    env = {**os.environ, "INFRACTL_KUBECTL": kubectl}
    with tempfile.TemporaryDirectory(prefix="infractl-bench-manifests-") as tmp:
        directory = args.dir.resolve() if args.dir else Path(tmp)
        bare = [kubectl, "kustomize", str(directory)]
        if args.dir:
            _, _, rendered = timed(bare, env)
            objects = len(re.findall(rb"^kind: ", rendered, re.MULTILINE))
            crds = len(re.findall(rb"^kind: CustomResourceDefinition$", rendered, re.MULTILINE))
        else:
            objects, crds = generate(directory, args.apps), 0
        lint = [str(BIN / "infractl"), "manifests", "lint", str(directory), "--json"]
        _, _, out = timed(lint, env)  # warm the page cache and check the output once
        report = json.loads(out)
        assert report["summary"]["objects"] == objects, report["summary"]
        timed(bare, env)
        lint_times, bare_times, ratios, cpu_ratios = [], [], [], []
        for _ in range(args.runs):
            b, b_cpu, _ = timed(bare, env)
            t, t_cpu, _ = timed(lint, env)
            bare_times.append(b)
            lint_times.append(t)
            ratios.append(t / b)
            cpu_ratios.append(t_cpu / b_cpu)
    version = subprocess.run([kubectl, "version", "--client"], capture_output=True, text=True, check=False).stdout.split("\n")[0]
    print(f"{directory if args.dir else 'generated kustomization'}: {objects} objects ({crds} CRDs), "
          f"{args.runs} interleaved runs, {version.strip()} ({kubectl})")
    print(f"findings: {report['summary']['findings']} ({report['summary']['error']} errors, "
          f"{report['summary']['warning']} warnings)")
    print(f"kubectl kustomize         median {statistics.median(bare_times) * 1000:7.1f} ms")
    print(f"infractl manifests lint   median {statistics.median(lint_times) * 1000:7.1f} ms")
    print(f"ratio (median of per-run ratios): {statistics.median(ratios):.2f}x  (target <= 2.0x)")
    print(f"CPU time ratio (user+sys, kustomize included; median): {statistics.median(cpu_ratios):.2f}x")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
