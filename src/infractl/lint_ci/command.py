"""``infractl lint-ci [PATH]``: GitHub Actions workflows and unconditional test skips.

Finds ``.github/workflows/*.yml`` under PATH (or takes workflow files given directly), runs
infractl's own workflow rules and the real actionlint, and reports every unconditional skip in the
test tree (``tests/``, ``test/``). Exit 1 on error findings (warnings with --strict), 2 on bad input.
"""

from __future__ import annotations

import re
from pathlib import Path

from infractl.config import load_config, reject_unknown_keys, string_list
from infractl.errors import EXIT_FINDINGS, EXIT_OK, InfractlError
from infractl.findings import Finding, fails
from infractl.lint_ci.rules import RULE

TYPE_CHECKING = False  # render and selection are imported where used: entry.py's head start imports this
if TYPE_CHECKING:  # module to find the workflows, and starts zizmor and actionlint only after that import
    from infractl.render import Report

CONFIG_KEYS = ("workflows", "tests", "exclude", "actionlint", "zizmor", "select", "ignore")
# zizmor's own suppression comment; it also silences infractl's rule for the same defect (a rule's aliases)
ZIZMOR_IGNORE = re.compile(r"#\s*zizmor:\s*ignore\[([^\]]*)\]")
TEST_DIRS = ("tests", "test")


def run(path: Path, fmt: str, strict: bool, select, ignore, config_path: Path | None, fix=None) -> int:
    """``fix``: ``fixing.FixOptions`` for ``--fix`` (None: report only)."""
    from infractl.render import print_report
    from infractl.rulebook.selection import keep_wanted, resolve_selection

    if not path.exists():
        raise InfractlError(f"path does not exist: {path}")
    config = load_config(path, config_path)
    section, where = config.section("lint_ci"), config.where("lint_ci")
    reject_unknown_keys(section, CONFIG_KEYS, where)
    selection = resolve_selection(section, config.data, select, ignore, where)

    def checked(target: Path) -> Report:
        report = collect(target, string_list(section, "workflows", where), string_list(section, "tests", where),
                         configured_tools(section, where), string_list(section, "exclude", where))
        report.findings = keep_wanted(report.findings, selection)
        return report

    report = checked(path)
    if fix is not None:
        from infractl.fixing.outcome import report_with_fixes

        return report_with_fixes(report, path, lambda copy: checked(copy).findings, fix, fmt, strict)
    print_report(report, fmt)
    return EXIT_FINDINGS if fails(report.findings, strict) else EXIT_OK


def configured_tools(section: dict, where: str) -> dict[str, str]:
    """``actionlint`` and ``zizmor`` in the table: each a path or a name on PATH that exists, else a
    configuration error (a typo must not turn a checker off with only an info finding)."""
    import shutil  # here: a table without them does not pay for shutil

    tools = {}
    for name in ("actionlint", "zizmor"):
        configured = section.get(name)
        if configured is not None and not isinstance(configured, str):
            raise InfractlError(f"{where}: {name} must be a path")
        if configured and not (Path(configured).is_file() or shutil.which(configured)):
            raise InfractlError(f"{where}: {name} {configured!r} not found")
        if configured:
            tools[name] = configured
    return tools


def workflow_files(path: Path, configured: tuple[str, ...] = ()) -> list[Path]:
    if path.is_file():
        return [path]
    if configured:
        return sorted({p for pattern in configured for p in path.glob(pattern) if p.is_file()})
    directory = path / ".github" / "workflows"
    if not directory.is_dir() and path.name == "workflows":
        directory = path
    elif not directory.is_dir() and path.name == ".github":
        directory = path / "workflows"
    return sorted(p for p in directory.glob("*") if p.suffix in (".yml", ".yaml") and p.is_file())


def test_files(path: Path, configured: tuple[str, ...] = (), exclude: tuple[str, ...] = (), scanner=None,
               not_read: list[Finding] | None = None) -> list[Path]:
    """The test files under ``path``; what cannot be walked (an unreadable directory, a loop, a broken
    link) goes to ``not_read`` as CI010, never silently."""
    from infractl.discover.files import iter_files

    if path.is_file():
        return []

    def skipped(where: Path, kind: str, reason: str) -> None:
        if not_read is not None and kind != "excluded":
            not_read.append(RULE["CI010"].finding(str(where), None, None, f"not read: {reason}"))

    roots = [path / d for d in (configured or TEST_DIRS) if (path / d).is_dir()]
    return [f for f in iter_files(roots, (".py",), exclude, path, on_skip=skipped, cache=scanner and scanner.walks)
            if f.name.startswith("test_") or f.name.endswith("_test.py") or f.name == "conftest.py"]


def collect(path: Path, workflows: tuple[str, ...] = (), tests: tuple[str, ...] = (),
            tools: dict[str, str] | None = None, exclude: tuple[str, ...] = (), scanner=None) -> Report:
    """Every lint-ci finding for the repository (or workflow file) at ``path``, before select/ignore (the
    caller applies them), printing nothing: what ``lint-ci`` prints and ``check``'s workflows area reports.
    ``scanner``: check's, which walks and reads each file once for every area; ``tools``: configured
    paths of actionlint and zizmor (configured_tools)."""
    files = workflow_files(path, workflows)
    findings = workflow_findings(files, tools or {}) if files else []
    not_read: list[Finding] = []
    from infractl.lint_ci.skips import unconditional_skips

    skip_findings, test_count = unconditional_skips(test_files(path, tests, exclude, scanner, not_read), scanner)
    findings.extend(not_read)
    findings.extend(skip_findings)
    from infractl.render import Report

    summary = {"workflows": len(files), "test_files": test_count}
    headline = f"{len(files)} workflow file{'s' * (len(files) != 1)}, {test_count} test files"
    return Report(command="lint-ci", findings=findings, summary=summary, headline=headline, group_by_path=True)


def workflow_findings(files: list[Path], tools: dict[str, str]) -> list[Finding]:
    """infractl's workflow rules, then actionlint's and zizmor's findings, for each workflow file that is
    valid YAML."""
    from infractl.lint_ci.tools.actionlint import ABOUT_ACTIONLINT, ActionlintRun
    from infractl.lint_ci.tools.zizmor import ABOUT_ZIZMOR, ZizmorRun

    # the tools start first and run in their own processes (on the second core) while PyYAML is imported
    # and the files parsed here (~20 ms on a small repository); what they say of a file that is not YAML is
    # dropped (CI009 says it), but not that a tool itself is missing or failed
    names = [str(file) for file in files]
    with ActionlintRun(names, tools.get("actionlint")) as actionlint, ZizmorRun(names, tools.get("zizmor")) as zizmor:
        from infractl.lint_ci.credentials import literal_credentials
        from infractl.lint_ci.health_checks import unfailing_health_checks
        from infractl.lint_ci.workflow_rules import CHECKS
        from infractl.load import LoadError
        from infractl.load.yamldocs import load_file_documents

        findings: list[Finding] = []
        invalid = set()
        for file in files:
            try:
                documents = load_file_documents(file)
            except LoadError as exc:  # not YAML, not UTF-8, an alias bomb, a duplicate key: GitHub rejects it
                findings.append(RULE["CI009"].finding(str(file), exc.line, exc.column, str(exc),
                                                      "fix the YAML"))
                invalid.add(str(file))
                continue
            own = [finding for document in documents for check in (*CHECKS, unfailing_health_checks, literal_credentials)
                   for finding in check(str(file), document)]
            findings.extend(_not_zizmor_ignored(str(file), own))
        about_tools = ABOUT_ACTIONLINT | ABOUT_ZIZMOR
        for run in (actionlint, zizmor):
            findings.extend(f for f in run.findings() if f.path not in invalid or f.rule in about_tools)
    return _once(findings)


def _once(findings: list[Finding]) -> list[Finding]:
    """Each defect once: a zizmor finding on a line where infractl's rule for the same defect (the zizmor
    audit among its aliases: CI005 is unpinned-images) already reports is dropped; infractl's stays, as it
    is there with or without zizmor."""
    from infractl.lint_ci.tools.zizmor_rules import AUDIT_IDS

    own = {(AUDIT_IDS[alias], f.path, f.line) for f in findings if f.rule.startswith("CI")
           for alias in _aliases(f.rule) if alias in AUDIT_IDS}
    return [f for f in findings if (f.rule, f.path, f.line) not in own] if own else findings


def _not_zizmor_ignored(path: str, findings: list[Finding]) -> list[Finding]:
    """``findings`` less those whose line says ``# zizmor: ignore[...]`` naming one of the rule's aliases
    (CI005 is zizmor's unpinned-images: a user who accepted it for zizmor accepted it here too)."""
    if not findings:
        return findings
    from infractl.rulebook.selection import read_lines

    lines = read_lines(path) or []
    kept = []
    for finding in findings:
        text = lines[finding.line - 1] if finding.line and 0 < finding.line <= len(lines) else ""
        match = ZIZMOR_IGNORE.search(text)
        audits = {audit.strip() for audit in match.group(1).split(",")} if match else set()
        if not audits & set(_aliases(finding.rule)):
            kept.append(finding)
    return kept


def _aliases(rule_id: str) -> tuple[str, ...]:
    """A lint-ci rule's aliases, from its own catalogue: rulebook.aliases_of imports every command's rules
    (~4 ms of lint-ci's run) to find one of these."""
    rule = RULE.get(rule_id)
    return rule.aliases if rule else ()
