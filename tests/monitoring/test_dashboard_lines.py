"""Dashboard findings (MON007, MON008) at the panel they are about (issue 18's corpus: istio-mixin's
overview has two panels titled 'Bytes Received from Incoming TCP Connection', and an earlier panel's
description quotes that title; both MON008 findings landed twice on that description's line). Now each
is at its own panel's datasource uid, and MON007 at the reusing panel's title."""

from __future__ import annotations

import json

from infractl.monitoring.dashboards import dashboard_findings

TITLE = "Bytes Received"


def panel(panel_id: int, uid: str, description: str = "") -> dict:
    return {"id": panel_id, "type": "timeseries", "description": description, "title": TITLE,
            "datasource": {"type": "prometheus", "uid": "$datasource"},
            "targets": [{"expr": "up", "datasource": {"uid": uid}}]}


def line_numbers(text: str, needle: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines(), 1) if needle in line]


def test_each_finding_is_at_its_own_panel(tmp_path):
    intro = {"id": 1, "type": "text", "title": "Intro", "description": TITLE}
    document = {"title": "d", "templating": {"list": [{"name": "datasource", "type": "datasource"}]},
                "panels": [intro, panel(2, "Prometheus"), panel(2, "Prometheus")]}
    text = json.dumps(document, indent=2) + "\n"
    path = tmp_path / "d.json"
    path.write_text(text)
    found = dashboard_findings(path, None, set())
    undefined = [f.line for f in found if f.rule == "MON008"]
    assert undefined == line_numbers(text, '"uid": "Prometheus"') and len(set(undefined)) == 2
    [reused] = [f for f in found if f.rule == "MON007"]
    assert reused.line == line_numbers(text, f'"title": "{TITLE}"')[1]
