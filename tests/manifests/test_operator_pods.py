"""K8S113 and the pods operators make: a Service that selects the pods of an Alertmanager, Prometheus or
ThanosRuler (the labels the Prometheus operator's API reference lists) selects something; beside a custom
resource of a kind infractl does not model, "selects nothing" is a warning that names it, not a claim."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from infractl import cli
from infractl.findings import Severity
from infractl.manifests.lint import lint_objects

OPERATED = """\
apiVersion: monitoring.coreos.com/v1
kind: Alertmanager
metadata: {name: main, namespace: monitoring}
spec: {replicas: 3}
---
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: k8s, namespace: monitoring}
spec:
  replicas: 2
  podMetadata: {labels: {team: observability}}
---
apiVersion: monitoring.coreos.com/v1
kind: ThanosRuler
metadata: {name: rules, namespace: monitoring}
spec: {queryEndpoints: [dnssrv+_http._tcp.thanos-query.monitoring.svc]}
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: main, namespace: monitoring}
spec: {selector: {matchLabels: {app: x}}, endpoints: [{port: web}]}
"""


def service(selector: str, namespace: str = "monitoring") -> str:
    return (f"---\napiVersion: v1\nkind: Service\nmetadata: {{name: svc, namespace: {namespace}}}\n"
            f"spec:\n  selector: {{{selector}}}\n  ports: [{{port: 9093}}]\n")


def selects_nothing(text: str) -> list:
    objects = [doc for doc in yaml.safe_load_all(text) if doc]
    return [f for f in lint_objects(objects, "monitoring.yaml") if f.rule == "K8S113"]


@pytest.mark.parametrize("selector", [
    # kube-prometheus' own Services (current operator labels)
    "app.kubernetes.io/name: alertmanager, alertmanager: main, app.kubernetes.io/instance: main",
    "app.kubernetes.io/name: prometheus, prometheus: k8s, app.kubernetes.io/managed-by: prometheus-operator",
    "operator.prometheus.io/name: k8s, operator.prometheus.io/shard: '0'",
    "team: observability, prometheus: k8s",  # spec.podMetadata.labels reach the pods
    "app.kubernetes.io/name: thanos-ruler, thanos-ruler: rules",
    "app: alertmanager, alertmanager: main",  # older operators' label
])
def test_a_service_selecting_an_operators_pods_selects_something(selector):
    # main: K8S113 error "matches no pod template in these manifests" for each
    assert selects_nothing(OPERATED + service(selector)) == []


@pytest.mark.parametrize(("selector", "namespace"), [
    ("app.kubernetes.io/name: alertmanager, alertmanager: other", "monitoring"),  # no Alertmanager "other"
    ("app.kubernetes.io/name: prometheus, prometheus: k8s, team: web", "monitoring"),  # not one of its labels
    ("app.kubernetes.io/name: alertmanager, alertmanager: main", "default"),  # another namespace
])
def test_a_service_that_selects_none_of_them_is_still_an_error(selector, namespace):
    [finding] = selects_nothing(OPERATED + service(selector, namespace))
    assert finding.severity is Severity.ERROR and "custom resources" not in finding.message


def test_beside_an_unmodelled_custom_resource_it_is_a_warning_naming_it():
    kafka = "apiVersion: kafka.strimzi.io/v1beta2\nkind: Kafka\nmetadata: {name: events, namespace: data}\nspec: {}\n"
    [finding] = selects_nothing(kafka + service("strimzi.io/cluster: events, strimzi.io/kind: Kafka", "data"))
    # main: an error claiming the Service selects nothing
    assert finding.severity is Severity.WARNING
    assert "Kafka (kafka.strimzi.io/v1beta2)" in finding.message and "may make such pods" in finding.message
    # a custom resource known to make no pods (a ServiceMonitor) changes nothing
    [finding] = selects_nothing(OPERATED + service("app: nothing"))
    assert finding.severity is Severity.ERROR


def test_manifests_lint_of_an_operator_stack_reports_no_service_as_empty(tmp_path):
    (tmp_path / "monitoring").mkdir()
    (tmp_path / "monitoring" / "stack.yaml").write_text(
        OPERATED + service("app.kubernetes.io/name: alertmanager, alertmanager: main"))
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        result = CliRunner().invoke(cli.app, ["manifests", "lint", "monitoring", "--json"])
    finally:
        os.chdir(old)
    assert result.exit_code == 0, result.output
    assert "K8S113" not in {f["rule"] for f in json.loads(result.output)["findings"]}


def test_a_service_selecting_one_statefulset_replica_by_its_pod_name_selects_it():
    """redis-ha's announce Services (argo-cd's HA manifests) select one replica each by the label the
    StatefulSet controller adds to every pod."""
    statefulset = """\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis, namespace: monitoring}
spec:
  serviceName: redis
  replicas: 3
  selector: {matchLabels: {app: redis}}
  template:
    metadata: {labels: {app: redis}}
    spec: {containers: [{name: redis, image: "redis:7.2.5"}]}
"""
    # main: K8S113 error for each
    assert selects_nothing(statefulset + service("app: redis, statefulset.kubernetes.io/pod-name: redis-0")) == []
    [finding] = selects_nothing(statefulset + service("app: redis, pod-template-hash: abc"))  # a Deployment's
    assert finding.severity is Severity.ERROR
