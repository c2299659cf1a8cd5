"""Grafana dashboard JSON: valid, unique panel ids, defined datasources, no hard-coded datasource where the
dashboard has a datasource variable (MON020, with its fix), exported metrics only."""

from __future__ import annotations

import re
from pathlib import Path

from infractl.findings import Finding
from infractl.monitoring.metrics import is_known, metrics_in_expression
from infractl.monitoring.rules import (
    DASHBOARD_NOT_JSON,
    DASHBOARD_READS_UNEXPORTED,
    DUPLICATE_PANEL_ID,
    HARD_CODED_DATASOURCE,
    UNDEFINED_DATASOURCE,
)
from infractl.wiremock.mappings.positions import locate

# Grafana's own datasources (``__expr__``: server-side expressions), defined on every Grafana.
BUILT_IN_DATASOURCES = frozenset({"-- Grafana --", "-- Mixed --", "-- Dashboard --", "grafana", "__expr__"})
# Panels that query nothing: a datasource left on them (grafonnet sets one on an alert list) is never used.
PANELS_WITHOUT_QUERIES = frozenset({"row", "text", "alertlist", "dashlist", "news", "annolist"})


def is_dashboard(document) -> bool:
    return isinstance(document, dict) and ("panels" in document or "rows" in document) and "title" in document


def _panels(panels: list, path: tuple = ("panels",)) -> list[tuple[dict, tuple]]:
    """Every panel with its JSON path (for the position of a finding a fix must edit)."""
    found = []
    for index, panel in enumerate(panels or []):
        if isinstance(panel, dict):
            found.append((panel, (*path, index)))
            found.extend(_panels(panel.get("panels") or [], (*path, index, "panels")))  # collapsed rows
    return found


def _datasource_variables(document: dict) -> list[tuple[str, str]]:
    """(name, plugin type) of each datasource template variable."""
    return [(variable["name"], str(variable.get("query") or "")) for variable in
            (document.get("templating") or {}).get("list") or []
            if isinstance(variable, dict) and variable.get("type") == "datasource"
            and isinstance(variable.get("name"), str)]


def _hard_coded(file: str, text: str, document: dict, panel: dict, path: tuple, title: str) -> list[Finding]:
    """MON020: the panel's and its targets' datasources given as a fixed uid while a variable exists."""
    variables = _datasource_variables(document)
    if not variables:
        return []
    found = []
    for where, source in _datasources(panel, path):
        uid = source.get("uid") if isinstance(source, dict) else source
        if not isinstance(uid, str) or uid.startswith("$") or uid in BUILT_IN_DATASOURCES:
            continue
        kind = source.get("type") if isinstance(source, dict) else None
        candidates = [n for n, query in variables if query == kind] or [n for n, _ in variables]
        name = candidates[0] if len(candidates) == 1 else None  # else a human chooses
        line, column = locate(text, (*where, "uid") if isinstance(source, dict) else where)
        hint = (f"use ${{{name}}}" if name else
                "use one of the datasource variables: " + ", ".join(f"${{{n}}}" for n, _ in variables))
        found.append(HARD_CODED_DATASOURCE.finding(
            file, line, column,
            f"panel '{title}' names datasource '{uid}' although the dashboard has a datasource variable: "
            "imported elsewhere it shows 'datasource not found'", hint))
    return found


def _datasources(panel: dict, path: tuple) -> list[tuple[tuple, object]]:
    """(JSON path, value) of the panel's datasource and of each of its targets'."""
    return [((*path, "datasource"), panel.get("datasource"))] + [
        ((*path, "targets", i, "datasource"), t.get("datasource"))
        for i, t in enumerate(panel.get("targets") or []) if isinstance(t, dict)]


def _defined_datasources(document: dict) -> set[str]:
    names: set[str] = set()
    for variable in (document.get("templating") or {}).get("list") or []:
        if isinstance(variable, dict) and variable.get("type") == "datasource":
            names.update({f"${variable.get('name')}", f"${{{variable.get('name')}}}"})
    for item in document.get("__inputs") or []:
        if isinstance(item, dict) and item.get("type") == "datasource":
            names.add(f"${{{item.get('name')}}}")
    return names


def dashboard_findings(file: Path, exported: set[str] | None, datasource_uids: set[str]) -> list[Finding]:
    path = str(file)
    from infractl.load import LoadError, read_text
    from infractl.load.data import load_json

    try:
        text = read_text(file)
        document = load_json(text)
    except (OSError, LoadError) as exc:  # Grafana skips a file it cannot load: the dashboard disappears
        message = f"cannot be read: {exc.strerror}" if isinstance(exc, OSError) else str(exc)
        return [DASHBOARD_NOT_JSON.finding(path, getattr(exc, "line", None), getattr(exc, "column", None),
                                           f"not valid JSON: {message}", "fix the JSON")]
    if not is_dashboard(document):
        return []
    findings: list[Finding] = []
    defined = _defined_datasources(document) | datasource_uids
    seen: dict[int, str] = {}
    for panel, panel_path in _panels(document.get("panels") or []):
        title = panel.get("title") or "(untitled)"
        # the panel's own title (or the panel): a search for the title's text found the first panel of that
        # title, or a description quoting it, for every panel so named
        line = locate(text, (*panel_path, "title") if panel.get("title") else panel_path)[0]
        panel_id = panel.get("id")
        if isinstance(panel_id, int):
            if panel_id in seen:
                findings.append(DUPLICATE_PANEL_ID.finding(
                    path, line, None,
                    f"panel '{title}' reuses id {panel_id} of panel '{seen[panel_id]}'",
                    "give every panel a unique id"))
            seen.setdefault(panel_id, title)
        if panel.get("type") in PANELS_WITHOUT_QUERIES:
            continue
        findings.extend(_hard_coded(path, text, document, panel, panel_path, title))
        for where, source in _datasources(panel, panel_path):
            uid = source.get("uid") if isinstance(source, dict) else source
            if isinstance(uid, str) and uid not in defined and uid not in BUILT_IN_DATASOURCES:
                findings.append(UNDEFINED_DATASOURCE.finding(
                    path, locate(text, (*where, "uid") if isinstance(source, dict) else where)[0], None,
                    f"panel '{title}' uses datasource '{uid}', which is not defined",
                    "use a datasource variable (${datasource}) or a provisioned uid"))
                break
        if exported is None:
            continue
        for target in panel.get("targets") or []:
            expr = target.get("expr") if isinstance(target, dict) else None
            for metric in sorted(metrics_in_expression(expr)) if isinstance(expr, str) else []:
                if not is_known(metric, exported) and not re.match(r"^\$", metric):
                    findings.append(DASHBOARD_READS_UNEXPORTED.finding(
                        path, line, None,
                        f"panel '{title}' queries {metric}, which the service does not "
                        "export: the panel stays empty", "query an exported metric"))
    return findings
