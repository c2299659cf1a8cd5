"""Monitoring lint: each rule's own examples, dashboards, metric extraction, the real promtool."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from support.rule_cases import monitoring_rules

from infractl.monitoring.lint import collect
from infractl.monitoring.metrics import exported_by_source, metrics_in_expression
from infractl.rulebook import rules_for

ROOT = Path(__file__).resolve().parents[2]
SERVICE = '''from prometheus_client import Counter, Histogram
LIMITED = Counter("webhook_rate_limit_exceeded", "429s", ["path"])
RESPONSES = Counter("webhook_http_responses_total", "responses", ["code"])
LATENCY = Histogram("webhook_request_seconds", "latency")
'''
needs_promtool = pytest.mark.skipif(shutil.which("promtool") is None,
                                    reason="promtool is not installed (scripts/test.sh installs Debian's prometheus)")


def _rules(tmp_path: Path, rules_yaml: str, service: str | None = SERVICE) -> set[str]:
    """The rule cases' own runner (a rule file, or a dashboard when the case is JSON)."""
    return monitoring_rules(rules_yaml, tmp_path, service)


@pytest.mark.parametrize("rule", [r for r in rules_for("check") if r.bad and r.id.startswith("MON")],
                         ids=lambda r: r.id)
def test_rule_examples(rule, tmp_path):
    if rule.id == "MON001" and shutil.which("promtool") is None:
        pytest.skip("promtool is not installed")
    (tmp_path / "bad").mkdir()
    assert rule.id in _rules(tmp_path / "bad", rule.bad)
    if rule.good:
        (tmp_path / "good").mkdir()
        assert rule.id not in _rules(tmp_path / "good", rule.good)


def test_metric_names_in_promql():
    expr = ('sum by (code) (rate(webhook_http_responses_total{code=~"5..", job="x"}[5m])) '
            '/ ignoring(code) sum(rate(webhook_http_responses_total[5m])) > 0.05 and on(job) up == 1')
    assert metrics_in_expression(expr) == {"webhook_http_responses_total", "up"}
    assert metrics_in_expression('histogram_quantile(0.99, sum by (le) (rate(a_bucket[1m])))') == {"a_bucket"}
    assert metrics_in_expression('{__name__="b_total", x="y"}') == {"b_total"}


def test_exported_names_follow_the_client_suffixes(tmp_path):
    (tmp_path / "m.py").write_text(SERVICE)
    names = exported_by_source([tmp_path / "m.py"])
    assert {"webhook_rate_limit_exceeded_total", "webhook_http_responses_total", "webhook_request_seconds_bucket",
            "webhook_request_seconds_count"} <= names
    assert "webhook_http_responses_total_total" not in names


def test_unknown_exports_are_said_not_guessed(tmp_path):
    rules = _rules(tmp_path, "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: nothing_total > 1\n"
                             "        for: 1m\n        labels: {severity: info}\n"
                             "        annotations: {summary: s, description: d}\n", service=None)
    assert rules == {"MON010"}


DASHBOARD = {
    "title": "t", "templating": {"list": [{"name": "ds", "type": "datasource", "query": "prometheus"}]},
    "panels": [
        {"id": 1, "title": "ok", "type": "timeseries", "datasource": {"uid": "${ds}"},
         "targets": [{"expr": "rate(webhook_http_responses_total[5m])"}]},
        {"id": 1, "title": "dup", "type": "timeseries", "datasource": {"uid": "${ds}"}, "targets": []},
        {"id": 3, "title": "lost", "type": "timeseries", "datasource": {"uid": "P1809F7CD0C75ACF3"}, "targets": []},
        {"id": 4, "title": "empty", "type": "timeseries", "datasource": {"uid": "${ds}"},
         "targets": [{"expr": "rate(webhook_requests_total[5m])"}]},
    ],
}


def test_dashboard_rules(tmp_path):
    (tmp_path / "metrics.py").write_text(SERVICE)
    (tmp_path / "d.json").write_text(json.dumps(DASHBOARD, indent=1))
    (tmp_path / "broken.json").write_text('{"title": "x", "panels": [\n')
    findings = collect(tmp_path, {}).findings
    got = sorted((Path(f.path).name, f.rule, f.message.split("'")[1] if "'" in f.message else "") for f in findings)
    assert ("d.json", "MON007", "dup") in got
    assert ("d.json", "MON008", "lost") in got
    assert ("d.json", "MON009", "empty") in got
    assert next(g for g in got if g[0] == "broken.json")[1] == "MON006"
    assert not [g for g in got if g[2] == "ok"]


@needs_promtool
def test_bundled_staging_monitoring_is_clean_and_really_checked():
    report = collect(ROOT / "manifests" / "staging", {"sources": ["examples/webhook-receiver/webhook_receiver"]}, ROOT)
    findings, summary = report.findings, report.summary
    assert summary["rule_files"] == 1 and summary["dashboards"] == 1 and summary["prometheus_configs"] == 1
    assert findings == []
    alerts = (ROOT / "manifests" / "staging" / "monitoring" / "alerts.yml").read_text()
    assert alerts.count("- alert:") >= 3


@needs_promtool
def test_promtool_rejection_is_a_finding_with_its_message(tmp_path):
    (tmp_path / "alerts.yml").write_text("groups:\n  - name: g\n    rules:\n      - alert: A\n"
                                          "        expr: rate(x[5m]\n")
    findings = collect(tmp_path, {"metrics": ["x"]}).findings
    rejected = [f for f in findings if f.rule == "MON001"]
    assert rejected and "parse error" in rejected[0].message.lower()


def test_promtool_starts_before_loading_only_when_every_file_of_a_kind_is_plain():
    """plain_calls (also the head start's): a kind's call starts early when each of its files has the
    top-level key at the start of a line and no Kubernetes object (an apiVersion or kind line)."""
    from infractl.monitoring.promtool import plain_calls

    files = {"a.yml": b"groups:\n  - name: a\n", "b.yml": b"# rules\ngroups: []\n",
             "indented.yml": b"spec:\n  groups:\n  - name: x\n", "object.yml": b"groups: []\nkind: PrometheusRule\n",
             "nested kind.yml": b"groups:\n  - name: x\n    labels: {kind: k}\n    rules:\n      - alert: A\n",
             "config.yml": b"global: {}\r\nrule_files: [a.yml]\n"}
    read = files.__getitem__
    assert [(kind, list(arguments)) for kind, arguments in plain_calls(
        [Path("a.yml"), Path("b.yml"), Path("nested kind.yml")], [Path("config.yml")], read)] == \
        [("rules", ["a.yml", "b.yml", "nested kind.yml"]), ("config", ["config.yml"])]
    for odd in ("indented.yml", "object.yml"):
        assert [kind for kind, _ in plain_calls([Path("a.yml"), Path(odd)], [], read)] == []


@needs_promtool
def test_promtool_runs_with_go_collecting_half_as_often_unless_gogc_is_set(tmp_path, monkeypatch):
    """GOGC=200 (~10% of promtool's CPU over many files, the same output); a GOGC the user set wins."""
    real, log = shutil.which("promtool"), tmp_path / "gogc.log"
    shim = tmp_path / "bin" / "promtool"
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\necho "$GOGC" >> {log}\nexec {real} "$@"\n')
    shim.chmod(0o755)
    monkeypatch.setenv("PATH", f"{shim.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.delenv("GOGC", raising=False)
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "rules.yml").write_text("groups:\n  - name: g\n    rules:\n      - record: a:b\n        expr: sum(up)\n")
    assert collect(tree, {"metrics": ["up"]}).findings == []
    monkeypatch.setenv("GOGC", "50")
    assert collect(tree, {"metrics": ["up"]}).findings == []
    assert log.read_text().split() == ["200", "50"]
