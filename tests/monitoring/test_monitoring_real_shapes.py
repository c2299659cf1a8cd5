"""Monitoring in the shapes real repositories use (issue 18): the operator's PrometheusRule and VMRule, rule
files and configurations held in a ConfigMap, one promtool call per kind per run, configurations checked on
their own, ``for: 0m``, dead-man switches and inhibitors, and scrape targets that miss a compose service.
Minimal reproductions written here, not copies of the repositories where the defects were seen."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from infractl.check.command import collect as check
from infractl.monitoring.lint import collect

needs_promtool = pytest.mark.skipif(shutil.which("promtool") is None,
                                    reason="promtool is not installed (scripts/test.sh installs Debian's prometheus)")
GOOD = "      labels: {severity: critical}\n      annotations: {summary: s, description: d}\n"
OPERATOR_STACK = """apiVersion: v1
kind: Namespace
metadata: {name: monitoring}
---
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: receiver
  namespace: monitoring
spec:
  groups:
  - name: receiver
    partial_response_strategy: warn
    rules:
    - alert: ReceiverDown
      expr: up{job="receiver"} == 0
      for: 0m
""" + GOOD + """    - alert: Broken
      expr: rate(x[5m]
      for: 5m
""" + GOOD + """    # kube-prometheus' dead-man switch and inhibitor: they fire at once by design
    - alert: Watchdog
      expr: vector(1)
      labels: {severity: none}
      annotations: {summary: s, description: d}
    - alert: InfoInhibitor
      expr: ALERTS{severity="info"} == 1 unless on(namespace) ALERTS{severity=~"warning|critical"} == 1
      labels: {severity: none}
      annotations: {summary: s, description: d}
"""


def _found(findings) -> list[tuple[str, str, int | None, int | None]]:
    return sorted(((Path(f.path).name, f.rule, f.line, f.column) for f in findings if f.rule != "MON010"),
                  key=lambda found: (found[0], found[1], found[2] or 0, found[3] or 0))


@needs_promtool
def test_prometheus_rule_is_linted_through_its_spec_groups_at_the_files_lines(tmp_path):
    (tmp_path / "stack.yaml").write_text(OPERATOR_STACK)
    report = collect(tmp_path, {"metrics": ["x"]})
    assert _found(report.findings) == [("stack.yaml", "MON001", 21, 13), ("stack.yaml", "MON002", 17, None)]
    broken = next(f for f in report.findings if f.rule == "MON001")
    assert broken.message.startswith('group "receiver", rule 2, "Broken": could not parse expression')
    assert "apiVersion" not in " ".join(f.message for f in report.findings)
    assert report.summary["rule_files"] == 1


def test_vmrule_gets_infractls_rules_and_is_not_given_to_promtool(tmp_path):
    # MetricsQL (WITH templates) is not PromQL: promtool would reject a valid rule
    (tmp_path / "vmrule.yaml").write_text(
        "apiVersion: operator.victoriametrics.com/v1beta1\nkind: VMRule\nmetadata: {name: r}\nspec:\n"
        "  groups:\n    - name: g\n      rules:\n        - alert: Down\n"
        "          expr: WITH (u = up{job=\"r\"}) u == 0\n" + GOOD.replace("      ", "          "))
    assert _found(collect(tmp_path, {"metrics": ["u"]}).findings) == [("vmrule.yaml", "MON002", 8, None)]


@needs_promtool
def test_a_configmap_holding_a_config_and_rules_is_linted_at_its_lines(tmp_path):
    (tmp_path / "prometheus.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: prometheus}\ndata:\n  prometheus.yml: |\n"
        "    scrape_configs:\n      - job_name: x\n        scrape_interval: 5x\n  alerts.yml: |\n"
        "    groups:\n      - name: g\n        rules:\n          - alert: A\n            expr: rate(x[5m]\n"
        "            for: 5m\n            labels: {severity: critical}\n"
        "            annotations: {summary: s, description: d}\n")
    findings = collect(tmp_path, {"metrics": ["x"]}).findings
    assert _found(findings) == [("prometheus.yaml", "MON001", None, None), ("prometheus.yaml", "MON001", 14, 19)]
    assert sorted(f.message for f in findings if f.rule == "MON001")[1] == 'not a valid duration string: "5x"'


def _counting_promtool(tmp_path: Path, monkeypatch) -> Path:
    """promtool behind a shim that logs each call's arguments, one call a line."""
    real = shutil.which("promtool")
    shim = tmp_path / "bin" / "promtool"
    shim.parent.mkdir()
    log = tmp_path / "calls.log"
    shim.write_text(f'#!/bin/sh\necho "$*" >> {log}\nexec {real} "$@"\n')
    shim.chmod(0o755)
    monkeypatch.setenv("PATH", f"{shim.parent}{os.pathsep}{os.environ['PATH']}")
    return log


@needs_promtool
def test_promtool_runs_once_per_kind_and_each_failure_is_reported_once(tmp_path, monkeypatch):
    log = _counting_promtool(tmp_path, monkeypatch)
    tree = tmp_path / "tree"
    tree.mkdir()
    for index in range(5):
        (tree / f"ok{index}.yml").write_text("groups:\n  - name: g\n    rules:\n      - record: a:b\n"
                                             "        expr: sum(up)\n")
    (tree / "broken.yml").write_text("groups:\n  - name: g\n    rules:\n      - record: a:c\n"
                                     "        expr: rate(x[5m]\n")
    (tree / "prometheus.yml").write_text("rule_files: [broken.yml, ok0.yml]\nscrape_configs: []\n")
    findings = collect(tree, {"metrics": ["x"]}).findings
    calls = log.read_text().splitlines()
    assert [call.split()[:2] for call in calls] == [["check", "rules"], ["check", "config"]]
    assert len(calls[0].split()) == 2 + 2 + 6  # check rules --lint=none --, the six rule files
    assert [(Path(f.path).name, f.rule, f.line) for f in findings if f.rule == "MON001"] == [("broken.yml", "MON001", 5)]


@needs_promtool
def test_a_prometheus_configuration_alone_is_checked_by_check(tmp_path):
    (tmp_path / "prometheus.yml").write_text("global:\n  scrape_interval: 5x\nscrape_configs: []\n")
    report = check(tmp_path)
    assert [(Path(f.path).name, f.rule) for f in report.findings] == [("prometheus.yml", "MON001")]
    assert "1 Prometheus configurations" in report.extra["areas"]["monitoring"]


def _mon002(tmp_path: Path, rule: str) -> list[str]:
    (tmp_path / "alerts.yml").write_text("groups:\n  - name: g\n    rules:\n" + rule)
    return [f.message for f in collect(tmp_path, {"metrics": ["x"]}).findings if f.rule == "MON002"]


@pytest.mark.parametrize("pending", ["0m", "0s", "0", "00m0s"])
def test_for_zero_is_no_for(tmp_path, pending):
    assert _mon002(tmp_path, f"      - alert: A\n        expr: x > 1\n        for: {pending}\n"
                             "        labels: {severity: critical}\n") == [
        f"alert A has for: {pending}, no pending period: one bad scrape pages someone"]


@pytest.mark.parametrize("rule", [
    "      - alert: Watchdog\n        expr: vector(1)\n        labels: {severity: none}\n",
    "      - alert: DeadMansSwitch\n        expr: vector(1)\n        labels: {severity: critical}\n",
    "      - alert: Heartbeat\n        expr: vector(1) > 0\n        labels: {severity: critical}\n",
    "      - alert: InfoInhibitor\n        expr: ALERTS{severity=\"info\"} == 1\n        labels: {severity: none}\n",
    "      - alert: NewVersion\n        expr: x > 1\n        labels: {severity: info}\n",
], ids=["watchdog", "deadmansswitch", "always-true", "inhibitor", "info"])
def test_alerts_that_fire_at_once_by_design_need_no_for(tmp_path, rule):
    assert _mon002(tmp_path, rule) == []


def test_a_paging_alert_named_like_nothing_special_still_needs_for(tmp_path):
    assert _mon002(tmp_path, "      - alert: Down\n        expr: x == 0\n        labels: {severity: critical}\n")


def test_a_broken_rule_resource_is_mon011_and_a_broken_crd_is_not_monitorings(tmp_path):
    broken = "  groups:\n  - name: g\n    rules:\n    - alert: A\n      expr: up == 0\n      for: [5m\n"
    (tmp_path / "rule.yaml").write_text("apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\n"
                                        "metadata: {name: r}\nspec:\n" + broken)
    (tmp_path / "crd.yaml").write_text("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
                                       "metadata: {name: r}\nspec:\n" + broken)
    assert [(Path(f.path).name, f.rule) for f in collect(tmp_path, {}).findings] == [("rule.yaml", "MON011")]


@needs_promtool
def test_a_syntax_error_promtool_prints_twice_is_one_finding_and_a_template_is_skipped_not_judged(tmp_path):
    (tmp_path / "broken.yml").write_text("groups:\n  - name: g\n    rules:\n      - alert: A\n    expr: [x\n")
    (tmp_path / "template.yml").write_text(  # awesome-prometheus-alerts' dist/template.yml, in short
        "groups:\n{% for group in groups %}\n- name: {{ group.name }}\n  rules:\n    - alert: A\n{% endfor %}\n")
    report = collect(tmp_path, {"metrics": ["x"]})
    assert [(Path(f.path).name, f.rule, f.line) for f in report.findings if f.rule != "MON010"] == [
        ("broken.yml", "MON001", 4)]
    assert report.headline.endswith(", 1 templates skipped (not YAML until rendered)")


@needs_promtool
def test_a_promtool_unit_test_file_is_not_a_prometheus_configuration(tmp_path):
    # kube-state-metrics' tests/rules/alerts-test.yaml: `promtool test rules` input, not `check config` input
    (tmp_path / "alerts.yml").write_text("groups:\n  - name: g\n    rules:\n      - record: a:b\n        expr: sum(up)\n")
    (tmp_path / "alerts-test.yaml").write_text(
        "rule_files: [alerts.yml]\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n"
        "    input_series: [{series: 'up', values: '1x5'}]\n")
    report = collect(tmp_path, {"metrics": ["x"]})
    assert _found(report.findings) == [] and report.summary["prometheus_configs"] == 0


def test_grafana_expressions_and_panels_that_query_nothing_need_no_defined_datasource(tmp_path):
    import json

    dashboard = {"title": "t", "panels": [
        {"id": 1, "title": "alerts", "type": "alertlist", "datasource": {"uid": "prometheus"}},
        {"id": 2, "title": "ratio", "type": "stat", "datasource": {"uid": "__expr__"},
         "targets": [{"datasource": {"uid": "__expr__"}, "expression": "$A / $B"}]},
        {"id": 3, "title": "lost", "type": "stat", "datasource": {"uid": "P1809F7CD0C75ACF3"}, "targets": []}]}
    (tmp_path / "d.json").write_text(json.dumps(dashboard, indent=1))
    findings = collect(tmp_path, {"metrics": ["x"]}).findings
    assert [(f.rule, f.message.split("'")[1]) for f in findings if f.rule == "MON008"] == [("MON008", "lost")]


def test_a_promtool_that_cannot_be_run_is_an_error_not_a_pass(tmp_path, monkeypatch):
    shim = tmp_path / "bin" / "promtool"
    shim.parent.mkdir()
    shim.write_text("#!/nonexistent/interpreter\n")
    shim.chmod(0o755)
    monkeypatch.setenv("PATH", f"{shim.parent}{os.pathsep}{os.environ['PATH']}")
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "alerts.yml").write_text("groups:\n  - name: g\n    rules:\n      - record: a:b\n        expr: sum(up)\n")
    [finding] = [f for f in collect(tree, {"metrics": ["x"]}).findings if f.rule == "MON001"]
    assert finding.message.startswith("promtool cannot be run: ")


def test_a_helm_charts_templates_are_counted_and_skipped_not_judged(tmp_path):
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 0.1.0\n")
    (chart / "templates" / "rules.yaml").write_text(
        "{{- if .Values.rules }}\napiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\n"
        "metadata: {name: {{ .Release.Name }}}\nspec:\n  groups:\n  - name: g\n    rules:\n    - alert: A\n"
        "      expr: up == 0\n{{- end }}\n")
    report = collect(tmp_path, {"metrics": ["x"]})
    assert report.findings == [] and report.summary["templates"] == 1 and report.summary["rule_files"] == 0


@needs_promtool
def test_a_flow_style_prometheus_rule_is_still_given_to_promtool(tmp_path):
    (tmp_path / "flow.yaml").write_text(
        "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: r}\n"
        "spec: {groups: [{name: g, partial_response_strategy: warn, rules: [{alert: A, expr: 'rate(x[5m]', for: 5m,"
        " labels: {severity: critical}, annotations: {summary: s, description: d}}]}]}\n")
    assert _found(collect(tmp_path, {"metrics": ["x"]}).findings) == [("flow.yaml", "MON001", 4, None)]
