"""Monitoring lint for ``infractl check`` (``collect``): Prometheus rule files and Grafana dashboards in a repository.

Found by content, not by name: YAML with ``groups:`` of rules (a rule file, an operator's PrometheusRule, a
ConfigMap holding one: sources.py), YAML with ``scrape_configs:`` or ``rule_files:`` (a Prometheus
configuration, checked on its own), JSON with ``panels``. Helm templates are not YAML until rendered: skipped.
What the service exports is read from its Python source (prometheus_client metric definitions)
plus ``[tool.infractl.monitoring] metrics``; when nothing says, metric references are not judged and
one info finding (MON010) says so.
"""

from __future__ import annotations

from pathlib import Path

from infractl.config import reject_unknown_keys, string_list
from infractl.errors import InfractlError
from infractl.findings import Finding
from infractl.monitoring.rules import EXPORTS_UNKNOWN, RULE_FILE_NOT_LOADED
from infractl.render import Report

CONFIG_KEYS = ("metrics", "sources", "datasources", "exclude", "select", "ignore")
WHERE = "[tool.infractl.monitoring]"
COMPOSE_PREFIXES = ("docker-compose", "compose.")


class MonitoringInputs:
    """The monitoring files found, by kind (lists of Paths). A plain class, not a dataclass: ``check``
    imports this module on every run (findings.py says why)."""

    def __init__(self) -> None:
        self.rule_files: list[Path] = []
        self.dashboards: list[Path] = []
        self.provisioning: list[Path] = []
        self.prometheus_configs: list[Path] = []
        self.python_files: list[Path] = []
        self.service_files: list[Path] = []  # YAML that may hold Kubernetes Services (scrape targets, MON012)
        self.compose_files: list[Path] = []  # compose services are scrape targets too (MON012)
        self.helm_templates: list[Path] = []  # rule files or configs under a chart's templates/: skipped, counted


def discover(root: Path, exclude: tuple[str, ...] = (), scanner=None) -> MonitoringInputs:
    """The monitoring files under ``root``, found by content (``python_files`` stays empty)."""
    from infractl.discover.files import iter_files, read_head

    inputs = MonitoringInputs()
    for path in iter_files([root], (".yml", ".yaml", ".json"), exclude, root, cache=scanner and scanner.walks):
        if ".github" in path.parts:
            continue
        try:
            head = (scanner.head if scanner else read_head)(str(path), 200_000)
        except OSError:
            continue
        if path.suffix == ".json":
            if b'"panels"' in head and b'"title"' in head:
                inputs.dashboards.append(path)
            continue
        if path.name.startswith(COMPOSE_PREFIXES):  # as manifests/kustomize/discover.py finds them
            inputs.compose_files.append(path)
        if b"kind: Service" in head:
            inputs.service_files.append(path)
        rules = b"groups:" in head and (b"alert:" in head or b"record:" in head)
        config = b"scrape_configs:" in head or b"rule_files:" in head or b"kind: ScrapeConfig" in head
        if (rules or config) and _helm_template(path, root):
            inputs.helm_templates.append(path)
            continue
        if rules:
            inputs.rule_files.append(path)
        if config:
            inputs.prometheus_configs.append(path)
        if not rules and not config and b"datasources:" in head and b"uid:" in head:
            inputs.provisioning.append(path)
    return inputs


def discovery_key(root: Path, exclude: tuple[str, ...]) -> list:
    """What makes two ``discover`` calls the same (scanner.walk_key, named for this area)."""
    from infractl.discover.scanner import walk_key

    return ["monitoring", *walk_key([root], exclude, root)]


def _helm_template(path: Path, root: Path) -> bool:
    """Under a chart's ``templates/`` (a Go template: what it holds is known once Helm renders it)."""
    if "templates" not in path.parts[:-1]:  # the common case, without walking path.parents (the head start's)
        return False
    return any(parent.name == "templates" and (parent.parent / "Chart.yaml").is_file()
               for parent in path.parents if parent == root or root in parent.parents)


def metric_modules(root: Path, exclude: tuple[str, ...] = (), scanner=None) -> list[Path]:
    """The Python modules under ``root`` that use prometheus_client (where the service's metrics are)."""
    from infractl.discover.files import iter_files, read_head

    found = []
    for path in iter_files([root], (".py",), exclude, root, cache=scanner and scanner.walks):
        if ".github" in path.parts:
            continue
        try:
            # a module that defines metrics imports prometheus_client at its top: 8 KB is plenty,
            # and reading only that keeps a 3,000-file tree cheap
            if b"prometheus_client" in (scanner.head if scanner else read_head)(str(path), 8192):
                found.append(path)
        except OSError:
            continue
    return found


def provisioned_uids(files: list[Path]) -> set[str]:
    from infractl.load import LoadError
    from infractl.load.yamldocs import load_file_documents

    uids = set()
    for file in files:
        try:
            documents = load_file_documents(file)
        except LoadError:
            continue  # not a provisioning file Grafana loads: its datasources are not defined
        for document in documents:
            for source in (document or {}).get("datasources") or [] if isinstance(document, dict) else []:
                if isinstance(source, dict) and isinstance(source.get("uid"), str):
                    uids.add(source["uid"])
    return uids


def collect(root: Path, section: dict, project_root: Path | None = None, scanner=None) -> Report:
    """The monitoring findings under ``root`` (``section``: its [tool.infractl.monitoring] table), before
    select/ignore (the caller applies them), printing nothing; the summary counts what was found, so a
    caller can tell "nothing here" (no rule files, no dashboards) from "clean". ``sources`` (directories of
    the service's code, relative to the project root) add metric definitions from outside ``root``:
    checking manifests/staging alone still knows what the service exports."""
    reject_unknown_keys(section, CONFIG_KEYS, WHERE)
    exclude = string_list(section, "exclude", WHERE)
    sources_dirs = [(project_root or root) / source for source in string_list(section, "sources", WHERE)]
    for directory in sources_dirs:
        if not directory.is_dir():
            raise InfractlError(f"{WHERE} sources: not a directory: {directory}")
    from infractl.discover.files import read_bytes
    from infractl.monitoring.promtool import Promtool
    from infractl.monitoring.sources import read_sources

    # entry.py's head start may have discovered them already (prestart.py), to start promtool early
    inputs = (scanner and scanner.take_found(discovery_key(root, exclude))) or discover(root, exclude, scanner)
    promtool = Promtool()
    try:
        read = scanner.read if scanner else read_bytes
        promtool.start_early(inputs.rule_files, inputs.prometheus_configs, read)
        sources = read_sources(inputs.rule_files, inputs.prometheus_configs, read)
        return _findings(root, section, inputs, sources, promtool, exclude, sources_dirs, scanner)
    finally:
        promtool.close()


def _findings(root: Path, section: dict, inputs: MonitoringInputs, sources, promtool, exclude, sources_dirs,
              scanner) -> Report:
    """``collect``'s findings once the files are loaded (promtool may be running meanwhile)."""
    from infractl.monitoring.scrape import compose_services, scrape_findings, services_in

    findings = [RULE_FILE_NOT_LOADED.finding(str(path), exc.line, exc.column, f"not loaded: {exc}",
                                             "fix the file: Prometheus refuses to load it")
                for path, exc in sources.unloaded]
    if (sources.configs or sources.operator_scrapes) and (inputs.service_files or inputs.compose_files):
        findings += scrape_findings(sources.configs + sources.operator_scrapes, services_in(inputs.service_files, root),
                                    compose_services(inputs.compose_files))
    summary = {"rule_files": len({source.path for source in sources.rules}), "dashboards": len(inputs.dashboards),
               "prometheus_configs": len({source.path for source in sources.configs}), "exported_metrics": None,
               "templates": len(sources.templates) + len(inputs.helm_templates)}
    if not sources.rules and not inputs.dashboards:  # nothing reads metrics: the service's code is not read
        return _report(findings + promtool.findings(sources.rules, sources.configs), summary)
    from infractl.monitoring.alerts import alert_findings, recorded_metrics
    from infractl.monitoring.dashboards import dashboard_findings
    from infractl.monitoring.metrics import exported_by_source

    inputs.python_files.extend(metric_modules(root, exclude, scanner))
    for directory in sources_dirs:
        inputs.python_files.extend(metric_modules(directory))
    configured = set(string_list(section, "metrics", WHERE))
    exported = exported_by_source(inputs.python_files) | configured | recorded_metrics(sources.rules)
    known: set[str] | None = exported if (inputs.python_files or configured) else None
    for source in sources.rules:
        findings.extend(alert_findings(source, known))
    uids = provisioned_uids(inputs.provisioning) | set(string_list(section, "datasources", WHERE))
    for file in inputs.dashboards:
        findings.extend(dashboard_findings(file, known, uids))
    if known is None:
        first = sources.rules[0].path if sources.rules else inputs.dashboards[0]
        findings.append(EXPORTS_UNKNOWN.finding(
            str(first), None, None,
            "which metrics the service exports is unknown: metric names were not checked",
            "define the metrics with prometheus_client in the service, or list them in "
            f"{WHERE} metrics"))
    summary["exported_metrics"] = len(exported) if known is not None else None
    return _report(promtool.findings(sources.rules, sources.configs) + findings, summary)


def _report(findings: list[Finding], summary: dict) -> Report:
    return Report("monitoring", findings, summary,
                  headline=f"{summary['rule_files']} rule files, {summary['dashboards']} dashboards, "
                           f"{summary['prometheus_configs']} Prometheus configurations"
                           + (f", {summary['templates']} templates skipped (not YAML until rendered)"
                              if summary.get("templates") else ""))
