"""kubectl's rollout-status logic, case by case (pkg/polymorphichelpers/rollout_status.go)."""

from __future__ import annotations

import pytest

from infractl.deploy.targets.kube import apply_order
from infractl.deploy.targets.rollout import rollout_status


def deployment(generation=2, observed=2, wanted=3, **status):
    return {"kind": "Deployment", "metadata": {"name": "web", "generation": generation},
            "spec": {"replicas": wanted}, "status": {"observedGeneration": observed, **status}}


@pytest.mark.parametrize(("obj", "expected"), [
    (deployment(observed=1), (False, "deployment web: waiting for the spec update to be observed", False)),
    (deployment(updatedReplicas=1, replicas=3), (False, "deployment web: 1 of 3 new replicas updated", False)),
    (deployment(updatedReplicas=3, replicas=4), (False, "deployment web: 1 old replicas pending termination", False)),
    (deployment(updatedReplicas=3, availableReplicas=2),
     (False, "deployment web: 2 of 3 updated replicas available", False)),
    (deployment(updatedReplicas=3, availableReplicas=3), (True, "deployment web rolled out", False)),
    (deployment(conditions=[{"type": "Progressing", "reason": "ProgressDeadlineExceeded"}]),
     (False, "deployment web exceeded its progress deadline", True)),
])
def test_deployment(obj, expected):
    assert rollout_status(obj) == expected


def test_statefulset_and_daemonset():
    sts = {"kind": "StatefulSet", "metadata": {"name": "db", "generation": 1},
           "spec": {"replicas": 2}, "status": {"observedGeneration": 1, "readyReplicas": 1}}
    assert rollout_status(sts) == (False, "statefulset db: 1 of 2 pods ready", False)
    sts["status"].update(readyReplicas=2, updateRevision="b", currentRevision="a", updatedReplicas=1)
    assert rollout_status(sts)[0] is False
    sts["status"]["currentRevision"] = "b"
    assert rollout_status(sts) == (True, "statefulset db rolled out", False)
    ds = {"kind": "DaemonSet", "metadata": {"name": "agent", "generation": 3},
          "status": {"observedGeneration": 3, "desiredNumberScheduled": 4, "updatedNumberScheduled": 4,
                     "numberAvailable": 3}}
    assert rollout_status(ds) == (False, "daemonset agent: 3 of 4 updated pods available", False)
    ds["spec"] = {"updateStrategy": {"type": "OnDelete"}}
    assert rollout_status(ds)[0] is True


def test_apply_order_namespaces_and_crds_then_config_then_workloads():
    kinds = ["Deployment", "Service", "CustomResourceDefinition", "CronJob", "Secret", "Namespace", "ConfigMap"]
    ordered = [o["kind"] for o in apply_order([{"kind": k} for k in kinds])]
    assert ordered == ["CustomResourceDefinition", "Namespace", "Service", "Secret", "ConfigMap", "Deployment",
                       "CronJob"]
