"""Monitoring rules: Prometheus alert rules and Grafana dashboards (run by ``infractl check``), one object
each, beside alerts.py, dashboards.py and lint.py that make their findings through them."""

from __future__ import annotations

from infractl.findings import Severity
from infractl.rulebook import Rule

COMMAND = "check"

_ALERT = ("groups:\n  - name: receiver\n    rules:\n      - alert: ReceiverDown\n"
          "        expr: up{job=\"webhook-receiver\"} == 0\n")
_ALERT_GOOD = _ALERT + ("        for: 2m\n        labels:\n          severity: critical\n        annotations:\n"
                        "          summary: The receiver is down\n"
                        "          description: No target of job webhook-receiver answered a scrape for 2m.\n")


def _rule(id, name, severity, summary, rationale, fix, bad="", good="", overlap="", no_cases="", valid=(),
          invalid=(), **fixing):
    return Rule(id=id, name=name, severity=severity, command=COMMAND, summary=summary, rationale=rationale,
                fix=fix, bad=bad, good=good, overlap=overlap, tags=("monitoring",), no_cases=no_cases,
                valid=valid, invalid=invalid, **fixing)


_DASHBOARD = "a dashboard file, not a rule file: tests/monitoring/test_monitoring.py and tests/core/test_loaders.py " \
           "run it on dashboards"

PROMTOOL_MISSING = _rule(
    "MON000", "promtool-missing", Severity.INFO, "promtool is not installed: rule files were not checked",
    "Syntax and PromQL errors are promtool's job; without it only infractl's own rules ran.",
    "apt-get install prometheus (Debian), or put promtool on PATH",
    no_cases="needs a machine without promtool (tests/monitoring/test_monitoring.py hides it from PATH)")
_OPERATOR_RULE = ("apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: receiver}\nspec:\n"
                  "  groups:\n  - name: receiver\n    rules:\n    - alert: ReceiverDown\n"
                  "      expr: up{job=\"receiver\"} == 0\n      for: 2m\n      labels: {severity: critical}\n"
                  "      annotations: {summary: s, description: d}\n")
PROMTOOL_REJECTS = _rule(
    "MON001", "promtool-rejects", Severity.ERROR,
    "promtool rejects a rule file or a Prometheus configuration",
    "Prometheus refuses to load a rule file promtool rejects: none of its alerts run; a configuration it "
    "rejects keeps Prometheus from starting. Rule groups are found wherever they are kept: a rule file, "
    "the Prometheus operator's PrometheusRule (spec.groups), a ConfigMap's data; promtool judges them at the "
    "file's own lines, in one call for the whole run (`promtool check rules` over every rule file, "
    "`promtool check config --syntax-only` over every configuration, so a rule file a configuration names "
    "is judged once). VictoriaMetrics' VMRule holds MetricsQL, which promtool does not parse: only infractl's "
    "own rules judge it.",
    "fix what promtool says", bad="groups:\n  - name: x\n    rules:\n      - alert: Broken\n"
                                  "        expr: rate(foo[5m]\n",
    valid=(_OPERATOR_RULE,),
    invalid=(_OPERATOR_RULE.replace("== 0", "== (0"),),
    overlap="This is promtool's own check, folded into the report.")
ALERT_WITHOUT_FOR = _rule(
    "MON002", "alert-without-for", Severity.WARNING, "an alert without 'for:' (or with for: 0m)",
    "Without a pending period one failed scrape or one slow request fires the alert and pages someone; "
    "`for: 0m` (or `0s`) is no pending period either. By convention some alerts fire at once by design and "
    "are not asked for one: a dead-man switch (named Watchdog or DeadMansSwitch, or an expression that is "
    "always true such as `vector(1)`: Alertmanager pages when it stops arriving) and an alert that never "
    "pages (label `severity: none` or `severity: info`, such as kube-prometheus' InfoInhibitor).",
    "add for: 5m (or what the signal needs)", bad=_ALERT, good=_ALERT_GOOD,
    invalid=(_ALERT_GOOD.replace("for: 2m", "for: 0m"),
             _OPERATOR_RULE.replace("      for: 2m\n", "")),
    valid=(("groups:\n  - name: meta\n    rules:\n      - alert: Watchdog\n        expr: vector(1)\n"
           "        labels: {severity: none}\n        annotations: {summary: s, description: d}\n"),
           _ALERT_GOOD.replace("        for: 2m\n", "").replace("critical", "info")),
    overlap="promtool accepts it; pint's rule/for covers it if you use pint.")
ALERT_WITHOUT_SEVERITY = _rule(
    "MON003", "alert-without-severity", Severity.WARNING, "an alert without a severity label",
    "Alertmanager routes on labels: without severity a page and a ticket look the same.",
    "add labels: {severity: critical|warning|info}", bad=_ALERT, good=_ALERT_GOOD)
ALERT_WITHOUT_ANNOTATIONS = _rule(
    "MON004", "alert-without-annotations", Severity.WARNING, "an alert without summary and description",
    "The person paged at night reads the annotations first; without them they start from the expression.",
    "add annotations: summary and description", bad=_ALERT, good=_ALERT_GOOD)
ALERT_READS_UNEXPORTED = _rule(
    "MON005", "alert-reads-unexported-metric", Severity.ERROR,
    "an alert reads a metric the service does not export: it can never fire",
    "A renamed or never-created metric makes `rate(x[5m]) > 1` an empty vector: the alert is silently "
    "dead. promtool cannot know what the service exports.",
    "use an exported metric, or list it in [tool.infractl.monitoring] metrics",
    bad="groups:\n  - name: receiver\n    rules:\n      - alert: TooMany429\n"
        "        expr: rate(webhook_ratelimited_total[5m]) > 1\n        for: 5m\n"
        "        labels: {severity: warning}\n        annotations: {summary: s, description: d}\n",
    good="groups:\n  - name: receiver\n    rules:\n      - alert: TooMany429\n"
         "        expr: rate(webhook_rate_limit_exceeded_total[5m]) > 1\n        for: 5m\n"
         "        labels: {severity: warning}\n        annotations: {summary: s, description: d}\n")
DASHBOARD_NOT_JSON = _rule(
    "MON006", "dashboard-not-json", Severity.ERROR, "a Grafana dashboard file is not valid JSON",
    "Grafana's provisioning skips a file it cannot parse: the dashboard disappears.", "fix the JSON",
    no_cases=_DASHBOARD)
DUPLICATE_PANEL_ID = _rule(
    "MON007", "dashboard-duplicate-panel-id", Severity.ERROR, "two panels of a dashboard share an id",
    "Grafana links, alerts and panel JSON address panels by id: duplicates make one of them unreachable.",
    "give every panel a unique id",
    no_cases=_DASHBOARD)
UNDEFINED_DATASOURCE = _rule(
    "MON008", "dashboard-undefined-datasource", Severity.ERROR,
    "a panel uses a datasource that is neither a dashboard variable nor provisioned",
    "The panel shows 'datasource not found' on every Grafana that lacks that exact uid.",
    "use a datasource variable (${datasource}) or a provisioned uid",
    no_cases=_DASHBOARD)
DASHBOARD_READS_UNEXPORTED = _rule(
    "MON009", "dashboard-queries-unexported-metric", Severity.ERROR,
    "a panel queries a metric the service does not export", "The panel stays empty and nobody notices.",
    "query an exported metric",
    no_cases=_DASHBOARD)
EXPORTS_UNKNOWN = _rule(
    "MON010", "exported-metrics-unknown", Severity.INFO,
    "what the service exports is unknown, so metric names were not checked",
    "infractl reads prometheus_client definitions in the repository; a service in another language, or "
    "one whose metrics come from a library, needs the list in configuration.",
    "list the metrics in [tool.infractl.monitoring] metrics",
    no_cases="needs a repository that defines no metric (test_unknown_exports_are_said_not_guessed)")
RULE_FILE_NOT_LOADED = _rule(
    "MON011", "rule-file-not-loaded", Severity.ERROR,
    "a rule file is YAML infractl will not load: a duplicate key, an alias bomb, not UTF-8, too deep",
    "Prometheus refuses a duplicate key; of two `for:` a reader keeps one, so what the alert does depends "
    "on the reader. A billion-laughs document expands without bound; it is reported, never expanded.",
    "fix the line shown", bad=_ALERT_GOOD + "        for: 10m\n", good=_ALERT_GOOD,
    overlap="promtool rejects most of these too (MON001); infractl's own rules need the file loaded.")
_SCRAPE = ("scrape_configs:\n  - job_name: receiver\n    static_configs:\n"
           "      - targets: [\"receiver.staging.svc:8081\"]\n---\napiVersion: v1\nkind: Service\n"
           "metadata: {name: receiver, namespace: staging}\nspec:\n"
           "  selector: {app: receiver}\n  ports: [{port: 80, targetPort: 8081}]\n")
SCRAPE_MISSES_PODS = _rule(
    "MON012", "scrape-target-misses-the-pods", Severity.ERROR,
    "a scrape target names a Service of the tree on a port it does not listen on, or scrapes it through its "
    "cluster IP; or names a compose service on the port compose publishes on the host",
    "A Service listening on 80 (targetPort 8081) does not answer on 8081: every scrape fails, up stays 0 and "
    "the down alert fires for ever. On its right port a Service with a cluster IP hands each scrape to one "
    "replica chosen at random: the replicas' counters mix, rates jump, and a dead pod goes unseen. Each pod "
    "must be its own target. Likewise a compose service published as \"8081:80\" listens on 80 in the "
    "compose network: 8081 exists on the host only. promtool cannot know, it does not read the manifests.",
    "scrape each pod: a headless Service (clusterIP: None) on the metrics port with dns_sd_configs (type A), "
    "or kubernetes_sd_configs (role: pod)",
    bad=_SCRAPE,
    good=_SCRAPE.replace("static_configs:\n      - targets: [\"receiver.staging.svc:8081\"]",
                         "dns_sd_configs:\n      - names: [receiver-pods.staging.svc.cluster.local]\n"
                         "        type: A\n        port: 8081").replace(
        "metadata: {name: receiver, namespace: staging}\nspec:\n",
        "metadata: {name: receiver-pods, namespace: staging}\nspec:\n  clusterIP: None\n").replace(
        "ports: [{port: 80, targetPort: 8081}]", "ports: [{port: 8081}]"),
    overlap="Cross-file: the Prometheus configuration (or a ConfigMap holding one, or the operator's "
            "ScrapeConfig) against the Services and compose services in the same tree; promtool checks the "
            "configuration alone.")

_DASHBOARD_WITH_VARIABLE = (
    '{{\n  "title": "Receiver",\n  "templating": {{ "list": [\n'
    '    {{ "name": "ds", "type": "datasource", "query": "prometheus" }}\n  ] }},\n'
    '  "panels": [\n    {{ "id": 1, "title": "Requests", "type": "timeseries",\n'
    '      "datasource": {{ "type": "prometheus", "uid": {uid} }},\n'
    '      "targets": [ {{ "expr": "up" }} ] }}\n  ]\n}}\n')
HARD_CODED_DATASOURCE = _rule(
    "MON020", "dashboard-hard-coded-datasource", Severity.WARNING,
    "a panel or query names a fixed datasource uid although the dashboard has a datasource variable",
    "The uid exists only on the Grafana the dashboard was exported from: imported anywhere else the panel "
    "shows 'datasource not found', while the variable the dashboard already declares would pick the right one.",
    "use the variable: \"uid\": \"${ds}\" (the dashboard's own datasource variable). --fix does this when the "
    "dashboard has one datasource variable of the panel's type (safe: on the Grafana the dashboard was made "
    "for, the variable resolves to the same datasource)",
    bad=_DASHBOARD_WITH_VARIABLE.format(uid='"P1809F7CD0C75ACF3"'),
    good=_DASHBOARD_WITH_VARIABLE.format(uid='"${ds}"'),
    overlap="Grafana's own linter (grafana-dashboard-linter: template-datasource-rule) reports it; none fixes it.",
    fix_safety="safe", fixer="infractl.monitoring.fixers:use_datasource_variable",
    fix_cases=((_DASHBOARD_WITH_VARIABLE.format(uid='"P1809F7CD0C75ACF3"'),
                _DASHBOARD_WITH_VARIABLE.format(uid='"${ds}"')),))

RULES = (PROMTOOL_MISSING, PROMTOOL_REJECTS, ALERT_WITHOUT_FOR, ALERT_WITHOUT_SEVERITY, ALERT_WITHOUT_ANNOTATIONS,
         ALERT_READS_UNEXPORTED, DASHBOARD_NOT_JSON, DUPLICATE_PANEL_ID, UNDEFINED_DATASOURCE,
         DASHBOARD_READS_UNEXPORTED, EXPORTS_UNKNOWN, RULE_FILE_NOT_LOADED, SCRAPE_MISSES_PODS, HARD_CODED_DATASOURCE)
