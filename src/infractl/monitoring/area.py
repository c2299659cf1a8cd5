"""``check``'s monitoring area: alert rules, dashboards and Prometheus configurations (areas.py says what an
area is; monitoring has no command of its own)."""

from __future__ import annotations

from pathlib import Path

from infractl.check.protocol import Area


def collect(root: Path, config, scanner):
    """monitoring.lint's ``collect`` over ``root`` with the [tool.infractl.monitoring] table; None when
    there is no rule file, dashboard or Prometheus configuration."""
    from infractl.monitoring.lint import collect as lint_monitoring

    report = lint_monitoring(root, config.section("monitoring"), config.root, scanner)
    summary = report.summary
    if not summary["rule_files"] and not summary["dashboards"] and not summary["prometheus_configs"] \
            and not report.findings:
        return None
    return report


AREA = Area("monitoring", "monitoring", "infractl.monitoring.lint:CONFIG_KEYS", collect,
            looked_for="Prometheus rule files and Grafana dashboards ([tool.infractl.monitoring])")
