"""Prometheus rule files: the real ``promtool check rules``, then infractl's own alert rules."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

from infractl import tools
from infractl.findings import Finding
from infractl.load import LoadError
from infractl.load.yamldocs import PosDict, PosList, YamlError, load_file_documents
from infractl.monitoring.metrics import is_known, metrics_in_expression
from infractl.monitoring.rules import (
    ALERT_READS_UNEXPORTED,
    ALERT_WITHOUT_ANNOTATIONS,
    ALERT_WITHOUT_FOR,
    ALERT_WITHOUT_SEVERITY,
    PROMTOOL_MISSING,
    PROMTOOL_REJECTS,
    RULE_FILE_NOT_LOADED,
)

PROMTOOL_TIMEOUT = 60
PROMTOOL_ANSWERS = (0, 1, 3)  # clean, rejected, lint problems made fatal (--lint-fatal)


def promtool_findings(files: list[Path], configs: list[Path] = ()) -> list[Finding]:
    """MON001 for each rule file (``check rules``) or Prometheus configuration (``check config``, which
    also loads the rule files it names) promtool rejects; MON000 once when promtool is missing."""
    files = [*files, *configs]
    if not files:
        return []
    promtool = shutil.which("promtool")
    if promtool is None:
        return [PROMTOOL_MISSING.finding(
            str(files[0]), None, None,
            "promtool is not installed: rule files were not checked by Prometheus itself",
            "apt-get install prometheus (Debian) or put promtool on PATH")]
    findings = []
    for file in files:
        kind = "config" if file in configs else "rules"
        try:
            done = tools.run([promtool, "check", kind, str(file)], timeout=PROMTOOL_TIMEOUT)
        except tools.ToolTimeout as exc:
            findings.append(PROMTOOL_REJECTS.finding(str(file), None, None, f"promtool failed: {exc}", ""))
            continue
        if done.failure(PROMTOOL_ANSWERS) is not None:  # killed, or a status that is no answer on the file
            findings.append(PROMTOOL_REJECTS.finding(
                str(file), None, None,
                f"promtool failed: {done.failure(PROMTOOL_ANSWERS)}", "run promtool on the file"))
        elif done.returncode != 0:
            for line, message in _promtool_errors(done.stdout + done.stderr):
                findings.append(PROMTOOL_REJECTS.finding(
                    str(file), line, None, message,
                    "fix the rule file; 'promtool check rules FILE' shows the same"))
    return findings


def _promtool_errors(output: str) -> list[tuple[int | None, str]]:
    errors = []
    for raw in output.splitlines():
        text = raw.strip()
        if not text or text.startswith(("Checking", "SUCCESS", "WARNING")) or text == "FAILED:":
            continue
        match = re.search(r"\b(\d+):\d+:", text) or re.search(r"line (\d+)", text)
        errors.append((int(match.group(1)) if match else None, text))
    return errors or [(None, "promtool rejected the file")]


def rule_groups(file: Path) -> Iterator[PosDict]:
    """The groups of a rule file; none for a syntax error (promtool reports it, with its position).
    LoadError for what promtool may not report (an alias bomb, a duplicate key, not UTF-8)."""
    try:
        documents = load_file_documents(file)
    except YamlError:
        return
    for document in documents:
        groups = document.get("groups") if isinstance(document, PosDict) else None
        for group in groups if isinstance(groups, PosList) else []:
            if isinstance(group, PosDict):
                yield group


def recorded_metrics(files: list[Path]) -> set[str]:
    recorded = set()
    for file in files:
        try:
            groups = list(rule_groups(file))
        except LoadError:
            continue  # alert_findings reports it
        recorded.update(rule["record"] for group in groups for rule in group.get("rules") or []
                        if isinstance(rule, PosDict) and isinstance(rule.get("record"), str))
    return recorded


def alert_findings(file: Path, exported: set[str] | None) -> list[Finding]:
    """MON002-MON005 for every alerting rule in ``file``; MON005 only when ``exported`` is known."""
    findings = []
    path = str(file)
    try:
        groups = list(rule_groups(file))
    except LoadError as exc:
        return [RULE_FILE_NOT_LOADED.finding(path, exc.line, exc.column, f"not loaded: {exc}",
                                             "fix the file: Prometheus refuses to load it")]
    for group in groups:
        rules = group.get("rules")
        for rule in rules if isinstance(rules, PosList) else []:
            if not isinstance(rule, PosDict) or not isinstance(rule.get("alert"), str):
                continue
            name, line = rule["alert"], rule.key_lines["alert"]
            if "for" not in rule:
                findings.append(ALERT_WITHOUT_FOR.finding(
                    path, line, None,
                    f"alert {name} has no 'for:': one bad scrape pages someone",
                    "add for: 5m (or what the alert's signal needs)"))
            labels = rule.get("labels") if isinstance(rule.get("labels"), dict) else {}
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
