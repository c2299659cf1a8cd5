"""MON020: a hard-coded datasource uid where the dashboard declares a datasource variable, and its fix.
Only panels and queries with a fixed uid are reported, Grafana's built-in datasources never; the fix
names the variable only when one fits (else a human chooses), and changes that one string."""

from __future__ import annotations

import json

from infractl.fixes import apply_edits
from infractl.monitoring.dashboards import dashboard_findings
from infractl.monitoring.fixers import use_datasource_variable


def dashboard(panels: list, variables: list) -> str:
    return json.dumps({"title": "d", "templating": {"list": variables}, "panels": panels}, indent=2) + "\n"


def variable(name: str, kind: str = "prometheus") -> dict:
    return {"name": name, "type": "datasource", "query": kind}


def mon020(tmp_path, text: str) -> list:
    path = tmp_path / "d.json"
    path.write_text(text)
    return [f for f in dashboard_findings(path, None, set()) if f.rule == "MON020"]


def fixed(text: str, finding) -> str | None:
    change = use_datasource_variable(text, finding)
    return None if change is None else apply_edits(text, change.edits)


def test_a_query_datasource_and_a_plain_string_are_found_and_fixed(tmp_path):
    panel = {"id": 1, "title": "p", "type": "timeseries", "datasource": "prom-main",
             "targets": [{"expr": "up", "datasource": {"type": "prometheus", "uid": "abc"}}]}
    text = dashboard([panel], [variable("ds")])
    found = mon020(tmp_path, text)
    assert [f.message.split("'")[3] for f in found] == ["prom-main", "abc"]
    once = fixed(text, found[0])
    assert once is not None and json.loads(once)["panels"][0]["datasource"] == "${ds}"
    changed = [a for a, b in zip(text.splitlines(), once.splitlines()) if a != b]
    assert changed == ['      "datasource": "prom-main",']  # one line, nothing else


def test_the_variable_of_the_panels_type_is_chosen_and_ambiguity_is_left_to_a_human(tmp_path):
    panel = {"id": 1, "title": "p", "datasource": {"type": "loki", "uid": "L1"}}
    text = dashboard([panel], [variable("prom"), variable("logs", "loki")])
    (finding,) = mon020(tmp_path, text)
    assert finding.fix == "use ${logs}" and '"uid": "${logs}"' in fixed(text, finding)
    text = dashboard([panel], [variable("a", "prometheus"), variable("b", "prometheus")])
    (finding,) = mon020(tmp_path, text)
    assert "${a}" in finding.fix and "${b}" in finding.fix and fixed(text, finding) is None


def test_variables_builtins_and_dashboards_without_a_variable_are_not_reported(tmp_path):
    panels = [{"id": 1, "title": "a", "datasource": {"type": "prometheus", "uid": "${ds}"}},
              {"id": 2, "title": "b", "datasource": {"type": "datasource", "uid": "grafana"}},
              {"id": 3, "title": "c", "datasource": "-- Mixed --", "targets": [{"datasource": "$ds"}]}]
    assert mon020(tmp_path, dashboard(panels, [variable("ds")])) == []
    hard = [{"id": 1, "title": "a", "datasource": {"type": "prometheus", "uid": "abc"}}]
    assert mon020(tmp_path, dashboard(hard, [])) == []  # nothing to replace it with (MON008's business)


def test_panels_inside_collapsed_rows_are_fixed_where_they_are(tmp_path):
    inner = {"id": 2, "title": "inner", "datasource": {"type": "prometheus", "uid": "abc"}}
    text = dashboard([{"id": 1, "type": "row", "title": "r", "panels": [inner]}], [variable("ds")])
    (finding,) = mon020(tmp_path, text)
    assert json.loads(fixed(text, finding))["panels"][0]["panels"][0]["datasource"]["uid"] == "${ds}"


def test_a_datasource_of_another_type_is_not_given_the_only_variable(tmp_path):
    """A Loki panel on a dashboard whose one variable is Prometheus: the finding names ${prom} (the only
    variable), but the safe fix would send the panel's LogQL to Prometheus, so it is left to a human."""
    panel = {"id": 1, "title": "logs", "type": "logs", "datasource": {"type": "loki", "uid": "L1"},
             "targets": [{"expr": "{app=\"web\"}", "datasource": {"type": "loki", "uid": "L1"}}]}
    text = dashboard([panel], [variable("prom")])
    found = mon020(tmp_path, text)
    assert [f.fix for f in found] == ["use ${prom}"] * 2
    assert [fixed(text, f) for f in found] == [None, None]
    untyped = {"id": 2, "title": "up", "datasource": "prom-main"}  # no type given: the variable's is assumed
    text = dashboard([untyped], [variable("prom")])
    (finding,) = mon020(tmp_path, text)
    assert json.loads(fixed(text, finding))["panels"][0]["datasource"] == "${prom}"
