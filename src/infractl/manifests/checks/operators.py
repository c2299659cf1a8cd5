"""Pods that operators make from custom resources, so that a Service selecting them is not "selects
nothing" (K8S113).

The Prometheus operator (monitoring.coreos.com) runs a StatefulSet for each Alertmanager, Prometheus and
ThanosRuler. Its API reference (``spec.podMetadata``) lists the pod labels it reserves: ``<kind label>:
<name>``, ``app.kubernetes.io/name: <kind label>``, ``app.kubernetes.io/instance: <name>``,
``app.kubernetes.io/managed-by: prometheus-operator``, ``app.kubernetes.io/version: <its version>``;
Prometheus adds ``operator.prometheus.io/name: <name>`` and ``operator.prometheus.io/shard: <n>``. The
user's ``spec.podMetadata.labels`` are there too. Operators before the app.kubernetes.io labels set
``app: <kind label>`` instead; the manifests do not say which operator runs, so either set counts.
"""

from __future__ import annotations

from infractl.manifests.checks.workloads import dig, name_of, namespace_of

ANY = None  # a label whose value the operator decides at run time (a version, a shard number)
_GROUP = "monitoring.coreos.com"
_KIND_LABELS = {"Alertmanager": "alertmanager", "Prometheus": "prometheus", "ThanosRuler": "thanos-ruler"}
# custom resources known not to make pods (the operator's configuration kinds, cert-manager's)
_NO_PODS = {_GROUP: ("ServiceMonitor", "PodMonitor", "PrometheusRule", "Probe", "AlertmanagerConfig",
                     "ScrapeConfig"),
            "cert-manager.io": ("Certificate", "Issuer", "ClusterIssuer", "CertificateRequest")}


def _group(obj: dict) -> str:
    api_version = obj.get("apiVersion")
    return api_version.rpartition("/")[0] if isinstance(api_version, str) else ""


def operator_pod_labels(obj: dict) -> list[dict]:
    """The label sets (a value ANY: any value) of the pods an operator makes for ``obj``; [] for any
    other object."""
    label = _KIND_LABELS.get(obj.get("kind", "")) if _group(obj) == _GROUP else None
    if label is None:
        return []
    name = name_of(obj)
    user = dig(obj, ("spec", "podMetadata", "labels"))
    user = user if isinstance(user, dict) else {}
    current = {**user, label: name, "app.kubernetes.io/name": label, "app.kubernetes.io/instance": name,
               "app.kubernetes.io/managed-by": "prometheus-operator", "app.kubernetes.io/version": ANY}
    if label == "prometheus":
        current.update({"operator.prometheus.io/name": name, "operator.prometheus.io/shard": ANY})
    return [current, {**user, "app": label, label: name}]


def controller_pod_labels(workload: dict, template_labels: dict) -> dict:
    """A workload's pod labels with those its controller adds to every pod (values decided at run time):
    a StatefulSet's ``statefulset.kubernetes.io/pod-name`` (``<name>-<ordinal>``, so a Service may select
    one replica), ``apps.kubernetes.io/pod-index`` and ``controller-revision-hash``; a Deployment's
    ``pod-template-hash``; a DaemonSet's ``controller-revision-hash`` and ``pod-template-generation``."""
    added = {"StatefulSet": ("statefulset.kubernetes.io/pod-name", "apps.kubernetes.io/pod-index",
                             "controller-revision-hash"),
             "Deployment": ("pod-template-hash",),
             "DaemonSet": ("controller-revision-hash", "pod-template-generation")}.get(workload.get("kind"), ())
    return {**{key: ANY for key in added}, **template_labels}


def may_make_pods(obj: dict) -> bool:
    """A custom resource infractl does not model: its operator may make pods with any labels. Built-in
    kinds (the core group, groups without a dot, *.k8s.io) and the kinds above are known."""
    group = _group(obj)
    if not group or "." not in group or group.endswith(".k8s.io") or operator_pod_labels(obj):
        return False
    return obj.get("kind") not in _NO_PODS.get(group, ())


def selector_matches_labels(selector: dict, labels: dict) -> bool:
    """A Service's selector (equality only) against a label set whose ANY values match every value."""
    return all(key in labels and (labels[key] is ANY or labels[key] == value) for key, value in selector.items())


def operator_pods(objects: list[dict]) -> list[tuple[str, dict]]:
    """(namespace, label set) of every pod the known operators make for ``objects``."""
    return [(namespace_of(obj), labels) for obj in objects for labels in operator_pod_labels(obj)]
