"""``check``'s monitoring area: alert rules and dashboards (areas.py says what an area is; monitoring has
no command of its own)."""

from __future__ import annotations

from pathlib import Path

from infractl.areas import Area


def collect(root: Path, config, scanner):
    from infractl.monitoring.lint import lint_monitoring
    from infractl.render import Report

    findings, summary = lint_monitoring(root, config.section("monitoring"), config.root, scanner)
    if not summary["rule_files"] and not summary["dashboards"] and not findings:
        return None  # a Prometheus configuration alone is judged only against the Services beside it
    return Report("monitoring", findings, summary,
                  headline=f"{summary['rule_files']} rule files, {summary['dashboards']} dashboards")


AREA = Area("monitoring", "monitoring", "infractl.monitoring.lint:CONFIG_KEYS", collect)
