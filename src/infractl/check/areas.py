"""The areas ``infractl check`` covers: each finds its own inputs from config or conventional paths.

An area is a function ``(root, config, scanner) -> AreaResult | None`` (``scanner``: the run's one walk,
read and datetime prefilter, ``infractl.scanner``); None means the repository has nothing
for it (no workflows, no migrations...), which the report says instead of pretending it passed.
Each runs the same code as its own command, with no writes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from infractl.config import Config
from infractl.findings import Finding
from infractl.scanner import Scanner


class AreaResult:
    """An area's findings, and what it looked at, for the report: "3 workflow files, 12 test files".
    A plain class, not a dataclass (findings.py says why)."""

    def __init__(self, findings: list[Finding], checked: str) -> None:
        self.findings = findings
        self.checked = checked


def datetimes(root: Path, config: Config, scanner: Scanner) -> AreaResult | None:
    """fix-datetime --check: each pending rewrite (DT010/DT011) and every hazard, with the project's
    fix_datetime configuration; nothing is written."""
    from infractl.fix_datetime.command import collect

    # jobs as the project configures them for fix-datetime: the byte scan of a big tree on two cores,
    # and a worker process only when there are files to parse
    outcome = collect([root], check=True, config_path=config.source, scanner=scanner)
    if not outcome.scanned and not outcome.results:
        return None  # no Python file, and nothing the walk could not read (an unreadable directory is a finding)
    findings = [finding for result in outcome.results for finding in result.findings]
    candidates = sum(1 for result in outcome.results
                     if not result.skipped and (result.findings or result.new_data is not None))
    return AreaResult(findings, f"{outcome.scanned} Python files, {candidates} with deprecated datetime calls")


def workflows(root: Path, config: Config, scanner: Scanner) -> AreaResult | None:
    from infractl.config import string_list
    from infractl.lint_ci.command import configured_actionlint, lint

    section, where = config.section("lint_ci"), config.where("lint_ci")
    configured = string_list(section, "workflows", where)
    tests = string_list(section, "tests", where)
    exclude = string_list(section, "exclude", where)
    report = lint(root, configured, tests, configured_actionlint(section, where), exclude, scanner)
    if not report.summary["workflows"] and not report.summary["test_files"]:
        return None
    return AreaResult(report.findings, report.headline)


def migrations(root: Path, config: Config, scanner: Scanner) -> AreaResult | None:
    section = config.section("db")
    source = None
    if section:
        from infractl.verify_db.settings import migrations_path

        source = migrations_path(section, config.root)
    if source is None:
        candidates = [p for p in (root / "migrations" / "versions", root / "alembic" / "versions") if p.is_dir()]
        source = candidates[0] if candidates else None
    if source is None or not source.exists():
        return None
    from infractl.verify_db.settings import rule_settings
    from infractl.verify_db.static.chain import check_migrations

    source = shown(source)
    findings, state = check_migrations(source, rule_settings(section))
    return AreaResult(list(findings), f"{len(state.revisions)} Alembic revisions in {source}")


def shown(path: Path) -> Path:
    """Relative to the current directory when below it: what a user types and copies."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def monitoring(root: Path, config: Config, scanner: Scanner) -> AreaResult | None:
    from infractl.monitoring.lint import lint_monitoring

    findings, summary = lint_monitoring(root, config.section("monitoring"), config.root, scanner)
    if not summary["rule_files"] and not summary["dashboards"]:
        return None
    return AreaResult(findings, f"{summary['rule_files']} rule files, {summary['dashboards']} dashboards")


def manifests(root: Path, config: Config, scanner: Scanner) -> AreaResult | None:
    """Kustomize directories (``dirs`` in [tool.infractl.manifests], else every kustomization that is not a
    Component) rendered with the real kustomize and linted, plus the compose files found beside them, and
    every Dockerfile in the repository (less the section's ``exclude`` globs) and the configured ones."""
    from infractl.config import string_list
    from infractl.manifests.kustomize.discover import find_dockerfiles, kustomizations_and_composes

    section = config.section("manifests")
    where = "[tool.infractl.manifests]"
    directories = [config.root / d for d in string_list(section, "dirs", where)]
    composes = [config.root / f for f in string_list(section, "compose_files", where)]
    exclude = tuple(string_list(section, "exclude", where))
    dockerfiles = [config.root / f for f in string_list(section, "dockerfiles", where)]
    if not directories and not composes:
        directories, composes = kustomizations_and_composes(root, scanner)
    dockerfiles += find_dockerfiles(root, exclude, config.root, scanner)
    if not directories and not composes and not dockerfiles:
        return None
    from infractl.check.isolation import isolated
    from infractl.manifests.command import collect
    from infractl.manifests.lint import DEFAULT_KUBE_VERSION
    from infractl.selection import RuleSelection

    version = section.get("kube_version") or DEFAULT_KUBE_VERSION
    stats: dict = {}
    # check applies the table's select/ignore and its own (flags first) to every area's findings
    findings = collect([shown(d) for d in directories], [shown(c) for c in composes], dockerfiles, version,
                       RuleSelection(), exclude=exclude, project_root=config.root, stats=stats,
                       each_input=lambda path, lint: isolated("manifests", shown(path), lint))
    return AreaResult(findings, f"{stats.get('objects', 0)} Kubernetes objects in {len(directories)} "
                                f"kustomizations, {stats.get('compose_files', 0)} compose files, "
                                f"{stats.get('dockerfiles', 0)} Dockerfiles")


def wiremock(root: Path, config: Config, scanner: Scanner) -> AreaResult | None:
    """Every WireMock root (a directory holding mappings/): ``dir`` in [tool.infractl.wiremock], else each
    one found below ``root``; validated like ``infractl wiremock validate``."""
    section = config.section("wiremock")
    chosen = None
    if section:  # validated whenever it is there; without it the defaults need no import
        from infractl.wiremock.settings import settings

        chosen = settings(config)
    if chosen is not None and section.get("dir"):
        roots = [chosen.dir]
    else:
        found = set()
        for path in map(Path, scanner.files([root], (".json",), (), root)):
            mappings = next((parent for parent in path.parents if parent.name == "mappings"), None)
            if mappings is not None:
                found.add(mappings.parent)
        roots = sorted(found)
    if not roots:
        return None
    from functools import partial

    from infractl.check.isolation import isolated
    from infractl.wiremock.mappings.validate import validate

    templating = chosen.global_response_templating if chosen is not None else False
    stubs: list[int] = []

    def validated(directory: Path) -> list[Finding]:
        result = validate(directory, templating)
        stubs.append(result.stubs)
        return result.findings

    findings: list[Finding] = []
    for directory in map(shown, roots):  # one mappings directory that fails is a finding on it
        findings += isolated("wiremock", directory, partial(validated, directory))
    label = "directory" if len(roots) == 1 else "directories"
    return AreaResult(findings, f"{sum(stubs)} WireMock stubs in {len(roots)} mappings {label}")


# Each area's own config table, as its command reads it: (section, "module:KEYS" of the keys it knows);
# messages name it as the file spells it (Config.where). ``check`` validates every one that is present (a
# misspelled key must not make an area find nothing) and applies their ``select``/``ignore`` as the
# area's own command does.
AREA_TABLES: dict[str, tuple[str, str]] = {
    "datetime": ("fix_datetime", "infractl.fix_datetime.command:CONFIG_KEYS"),
    "workflows": ("lint_ci", "infractl.lint_ci.command:CONFIG_KEYS"),
    "migrations": ("db", "infractl.verify_db.settings:KNOWN_KEYS"),
    "monitoring": ("monitoring", "infractl.monitoring.lint:CONFIG_KEYS"),
    "manifests": ("manifests", "infractl.manifests.command:KEYS"),
    "wiremock": ("wiremock", "infractl.wiremock.settings:KEYS"),
}


def table_keys(area: str) -> tuple[str, ...]:
    """The keys the area's command knows, imported only for a table that is present."""
    import importlib

    module, name = AREA_TABLES[area][1].split(":")
    keys = getattr(importlib.import_module(module), name)
    return tuple(sorted(keys)) if isinstance(keys, (set, frozenset)) else tuple(keys)


AREAS: dict[str, Callable[[Path, Config, Scanner], AreaResult | None]] = {
    "datetime": datetimes,
    "workflows": workflows,
    "migrations": migrations,
    "monitoring": monitoring,
    "manifests": manifests,
    "wiremock": wiremock,
}
