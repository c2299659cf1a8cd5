"""Run the real zizmor (workflow security audits) and fold its findings into infractl's report (ZZ ids).

Where it comes from, first found wins: ``zizmor`` in [tool.infractl.lint_ci] (a path), else the
``zizmor`` binary on PATH, or next to this Python (PyPI's ``zizmor`` wheel installs the binary itself
there; infractl's ``actionlint`` extra brings it). It runs once per run over all the workflow files,
``--offline`` (no network, ever: the online audits are skipped), with ``--format json`` and
``--no-exit-codes`` (0 is an answer, whatever it found). zizmor applies its own suppressions itself: a
``# zizmor: ignore[audit]`` comment on a finding's line and the ignores of a ``zizmor.yml``.

Exit statuses: 0 is its JSON list; 3 with "no inputs collected" means that no file was a workflow it
could parse (such a file is reported by CI009 and actionlint, so that is no finding). Anything else, a
signal, a time-out or output that is not its JSON, is ZZ098 with its whole message (fail closed); a
missing zizmor is one ZZ000 (info), as a missing actionlint is AL000.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from infractl.findings import Finding, Severity
from infractl.lint_ci.rules import RULE
from infractl.lint_ci.tools.toolrun import ToolRun
from infractl.lint_ci.tools.zizmor_rules import AUDIT_IDS, FAILED, OTHER, UNAVAILABLE

ABOUT_ZIZMOR = frozenset({UNAVAILABLE, FAILED})
NO_INPUTS = 3  # zizmor: "no inputs collected" (every file failed to parse as a workflow)
SEVERITIES = {"high": Severity.ERROR, "medium": Severity.WARNING, "low": Severity.INFO,
              "informational": Severity.INFO}
ARGUMENTS = ("--offline", "--format", "json", "--no-exit-codes", "--no-progress", "--color", "never")


def find_zizmor(configured: str | None) -> list[str] | None:
    """The command line prefix that runs zizmor on files, or None."""
    beside_python = Path(sys.executable).with_name("zizmor")
    binary = configured or shutil.which("zizmor") or (str(beside_python) if beside_python.is_file() else None)
    return [binary, *ARGUMENTS] if binary else None


class ZizmorRun(ToolRun):
    """zizmor started on the workflow files (toolrun.py says how it runs and fails)."""

    name = "zizmor"
    timeout = 60.0
    meaningful = (0, NO_INPUTS)
    unavailable = RULE[UNAVAILABLE]
    failed = RULE[FAILED]
    skipped = "workflow security audits (unpinned actions, template injection, dangerous triggers, ...)"
    missing_fix = "pip install zizmor into infractl's environment (its 'actionlint' extra), or put zizmor on PATH"

    @staticmethod
    def command(configured: str | None) -> list[str] | None:
        return find_zizmor(configured)

    def parse(self, finished) -> list[Finding]:
        if finished.returncode == NO_INPUTS:
            if "no inputs collected" not in finished.stderr:
                raise ValueError("exit 3 without 'no inputs collected'")
            return []
        import json  # here: the head start imports this module before it starts the tool

        results = json.loads(finished.stdout)
        if not isinstance(results, list):
            raise TypeError("not a list")
        given = {str(Path(f).resolve()): f for f in self.files}
        return [_to_finding(result, given) for result in results if not result.get("ignored")]


def _to_finding(result: dict, given: dict[str, str]) -> Finding:
    audit = result["ident"]
    rule = RULE[AUDIT_IDS.get(audit, OTHER)]
    level = str(result["determinations"]["severity"]).lower()
    severity = SEVERITIES.get(level, Severity.ERROR)  # a level zizmor did not have when this was written
    locations = result.get("locations") or []
    primary = next((loc for loc in locations if loc["symbolic"]["kind"] == "Primary"), None)
    line = column = None
    path = ""
    annotation = ""
    if primary is not None:
        point = primary["concrete"]["location"]["start_point"]
        line, column = point["row"] + 1, point["column"] + 1
        key = primary["symbolic"]["key"]
        path = key["Local"]["verbatim_path"] if isinstance(key, dict) and "Local" in key else str(key)
        annotation = primary["symbolic"].get("annotation") or ""
    path = given.get(str(Path(path).resolve()), path) if path else next(iter(given.values()), "")
    confidence = str(result["determinations"].get("confidence", "")).lower()
    message = result.get("desc", audit) + (f": {annotation}" if annotation else "")
    message += f" [zizmor {audit}, {level}" + (f", confidence {confidence}]" if confidence else "]")
    return rule.finding(path, line, column, message,
                        f"see {result.get('url') or 'https://docs.zizmor.sh/audits/'}; to accept it, "
                        f"`# zizmor: ignore[{audit}]` on the line", severity=severity)
