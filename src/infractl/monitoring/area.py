"""``check``'s monitoring area: alert rules and dashboards (areas.py says what an area is; monitoring has
no command of its own)."""

from __future__ import annotations

from pathlib import Path

from infractl.areas import Area


def collect(root: Path, config, scanner):
    """monitoring.lint's ``collect`` over ``root`` with the [tool.infractl.monitoring] table; None when
    there is neither a rule file nor a dashboard."""
    from infractl.monitoring.lint import collect as lint_monitoring

    report = lint_monitoring(root, config.section("monitoring"), config.root, scanner)
    if not report.summary["rule_files"] and not report.summary["dashboards"] and not report.findings:
        return None  # a Prometheus configuration alone is judged only against the Services beside it
    return report


AREA = Area("monitoring", "monitoring", "infractl.monitoring.lint:CONFIG_KEYS", collect,
            looked_for="Prometheus rule files and Grafana dashboards ([tool.infractl.monitoring])")
