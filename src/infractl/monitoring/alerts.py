"""infractl's own alert rules (MON002-MON005) over the rule groups sources.py found, at the file's lines.

Alerts that must fire at once by design are not asked for a ``for:`` (MON002): a dead-man switch (the
Watchdog of kube-prometheus, an expression that is always true such as ``vector(1)``: Alertmanager pages
when it *stops* arriving) and an inhibitor or informational alert (``severity: none`` or ``info``, such as
kube-prometheus' InfoInhibitor: it silences, or is shown, and never pages).
"""

from __future__ import annotations

import re

from infractl.findings import Finding
from infractl.load.yamldocs import PosDict, PosList
from infractl.monitoring.metrics import is_known, metrics_in_expression
from infractl.monitoring.rules import (
    ALERT_READS_UNEXPORTED,
    ALERT_WITHOUT_ANNOTATIONS,
    ALERT_WITHOUT_FOR,
    ALERT_WITHOUT_SEVERITY,
)
from infractl.monitoring.sources import RuleSource

DEAD_MAN_NAMES = frozenset({"watchdog", "deadmansswitch", "deadmanswitch", "deadmanssnitch", "infoinhibitor"})
NON_PAGING_SEVERITIES = frozenset({"none", "info"})
_ALWAYS_TRUE = re.compile(r"^\(*\s*vector\s*\(\s*\d+(\.\d*)?\s*\)\s*\)*(\s*(>|>=|==|!=)\s*0)?$"
                          r"|^\(*\s*\d+(\.\d*)?\s*\)*$")
_ZERO_DURATION = re.compile(r"(0+(ms|s|m|h|d|w|y)?)+")


def recorded_metrics(sources: list[RuleSource]) -> set[str]:
    return {rule["record"] for source in sources for group in source.groups for rule in _rules(group)
            if isinstance(rule.get("record"), str)}


def fires_at_once_by_design(rule: PosDict, labels: dict) -> bool:
    """A dead-man switch (by name, or an expression that is always true) or an alert that never pages."""
    expr = rule.get("expr")
    return str(rule["alert"]).lower() in DEAD_MAN_NAMES \
        or (isinstance(expr, str) and _ALWAYS_TRUE.match(expr.strip()) is not None) \
        or str(labels.get("severity", "")).strip().lower() in NON_PAGING_SEVERITIES


def alert_findings(source: RuleSource, exported: set[str] | None) -> list[Finding]:
    """MON002-MON005 for every alerting rule of ``source``; MON005 only when ``exported`` is known."""
    findings = []
    path = str(source.path)
    for group in source.groups:
        for rule in _rules(group):
            if not isinstance(rule.get("alert"), str):
                continue
            name, line = rule["alert"], rule.key_lines["alert"]
            labels = rule.get("labels") if isinstance(rule.get("labels"), dict) else {}
            pending = rule.get("for")
            if (pending is None or _ZERO_DURATION.fullmatch(str(pending).strip())) \
                    and not fires_at_once_by_design(rule, labels):
                said = "no 'for:'" if pending is None else f"for: {pending}, no pending period"
                findings.append(ALERT_WITHOUT_FOR.finding(
                    path, rule.key_lines.get("for", line), None,
                    f"alert {name} has {said}: one bad scrape pages someone",
                    "add for: 5m (or what the alert's signal needs)"))
            if "severity" not in labels:
                findings.append(ALERT_WITHOUT_SEVERITY.finding(
                    path, line, None,
                    f"alert {name} has no severity label: routing cannot tell a page from a "
                    "ticket", "add labels: {severity: critical|warning|info}"))
            annotations = rule.get("annotations") if isinstance(rule.get("annotations"), dict) else {}
            missing = [key for key in ("summary", "description") if key not in annotations]
            if missing:
                findings.append(ALERT_WITHOUT_ANNOTATIONS.finding(
                    path, line, None,
                    f"alert {name} has no {' or '.join(missing)} annotation",
                    "add annotations: summary (one line) and description (what to do)"))
            expr = rule.get("expr")
            if exported is not None and isinstance(expr, str):
                for metric in sorted(metrics_in_expression(expr)):
                    if not is_known(metric, exported):
                        findings.append(ALERT_READS_UNEXPORTED.finding(
                            path, rule.value_lines["expr"], None,
                            f"alert {name} reads {metric}, which the service does not export: "
                            "the alert can never fire", "use an exported metric (see /metrics), "
                            "or list it in [tool.infractl.monitoring] metrics"))
    return findings


def _rules(group: PosDict) -> list[PosDict]:
    rules = group.get("rules")
    return [rule for rule in rules if isinstance(rule, PosDict)] if isinstance(rules, PosList) else []
