"""kube_diff on its own (no server): what is left out of both sides, and how a Secret's values are masked —
same, changed, added, removed, written as stringData, or copied by kubectl into its last-applied annotation."""

from __future__ import annotations

import base64
import json

from infractl.deploy.targets.kube_diff import LAST_APPLIED, change, summary

OLD, NEW = "old-Zq7-value", "new-Zq7-value"


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def secret(data: dict | None = None, string_data: dict | None = None, annotations: dict | None = None) -> dict:
    obj = {"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
           "metadata": {"name": "s", "namespace": "ns", "uid": "u-1", "resourceVersion": "7",
                        "managedFields": [{"manager": "infractl"}], "creationTimestamp": "2026-01-01T00:00:00Z"}}
    if data is not None:
        obj["data"] = data
    if string_data is not None:
        obj["stringData"] = string_data
    if annotations is not None:
        obj["metadata"]["annotations"] = annotations
    return obj


def changed_lines(diff: str) -> list[str]:
    return [line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]


def assert_no_value(entry: dict) -> None:
    text = json.dumps(entry)
    for value in (OLD, NEW):
        assert value not in text and b64(value) not in text


def test_values_changed_added_and_removed_are_marked_never_shown():
    live = secret(data={"SAME": b64(OLD), "ROTATED": b64(OLD), "GONE": b64(OLD)})
    merged = secret(data={"SAME": b64(OLD), "ROTATED": b64(NEW), "ADDED": b64(NEW)})
    entry = change(merged, "ns", live, merged)
    assert entry["action"] == "update"
    assert changed_lines(entry["diff"]) == ["-  GONE: '***'", "-  ROTATED: '*** (before)'", "+  ADDED: '***'",
                                            "+  ROTATED: '*** (after)'"]
    assert "  SAME: '***'\n" in entry["diff"]
    assert_no_value(entry)


def test_string_data_is_compared_as_the_server_stores_it():
    live = secret(data={"KEY": b64(OLD)})
    assert change(live, "ns", live, secret(string_data={"KEY": OLD}))["action"] == "unchanged"
    rotated = change(live, "ns", live, secret(string_data={"KEY": NEW}))
    assert changed_lines(rotated["diff"]) == ["-  KEY: '*** (before)'", "+  KEY: '*** (after)'"]
    assert_no_value(rotated)


def test_kubectl_last_applied_copy_of_a_secret_is_masked_too():
    copied = json.dumps({"kind": "Secret", "data": {"KEY": b64(OLD)}})
    live = secret(data={"KEY": b64(OLD)}, annotations={LAST_APPLIED: copied, "team": "payments"})
    merged = secret(data={"KEY": b64(OLD)}, annotations={LAST_APPLIED: copied, "team": "billing"})
    entry = change(merged, "ns", live, merged)
    assert changed_lines(entry["diff"]) == ["-    team: payments", "+    team: billing"]
    assert f"    {LAST_APPLIED}: '***'\n" in entry["diff"]
    assert_no_value(entry)


def test_what_the_server_keeps_moving_is_not_a_change_and_a_create_is_from_nothing():
    live = {"apiVersion": "v1", "kind": "ConfigMap", "data": {"A": "1"}, "status": {"x": 1},
            "metadata": {"name": "c", "namespace": "ns", "uid": "u", "resourceVersion": "1", "generation": 1}}
    merged = {**live, "status": {"x": 2},
              "metadata": {**live["metadata"], "resourceVersion": "2", "generation": 2, "managedFields": []}}
    assert change(merged, "ns", live, merged) == {"kind": "ConfigMap", "namespace": "ns", "name": "c",
                                                   "action": "unchanged", "diff": ""}
    created = change(merged, "ns", None, merged)
    assert created["action"] == "create"
    assert created["diff"].startswith("--- /dev/null\n+++ merged/v1.ConfigMap.ns.c\n")
    assert "resourceVersion" not in created["diff"] and "status" not in created["diff"]
    assert summary([created, created, change(merged, "ns", live, merged)]) == "2 to create, 1 unchanged"
