"""The one place findings become output: the human view (``render_text``), JSON (here), SARIF or GitHub
annotations (``render_ci``). ``print_report`` is the one entry point, and it sanitises first."""

from __future__ import annotations

import json
import sys

TYPE_CHECKING = False  # typing itself costs ~2 ms of start-up; only type checkers need Any
if TYPE_CHECKING:
    from typing import Any

from infractl import __version__
from infractl.findings import Finding, count_by_severity, in_order
from infractl.render.ci import github_annotation, sarif_rule, to_sarif  # noqa: F401 (sarif_rule: re-exported)
from infractl.render.text import (  # noqa: F401 (location, summary_line: re-exported)
    location,
    plain_text,
    print_rich_table,
    summary_line,
)
from infractl.sanitise import (  # at import: off a run's last steps
    sanitise_finding,
    sanitise_text,
    sanitise_value,
)

FORMATS = ("table", "json", "sarif", "github")


class Report:
    """What a command found and did, before it is rendered. A plain class, not a dataclass (findings.py
    says why)."""

    def __init__(self, command: str, findings: list[Finding] | None = None, summary: dict[str, Any] | None = None,
                 headline: str = "", columns: list[str] | None = None, rows: list[list[Any]] | None = None,
                 extra: dict[str, Any] | None = None, group_by_path: bool = False) -> None:
        self.command = command
        self.findings = [] if findings is None else findings
        self.summary = {} if summary is None else summary
        self.headline = headline  # one human sentence: what was checked / changed
        # An optional per-item table (e.g. one row per file): column names and rows of cells.
        self.columns = [] if columns is None else columns
        self.rows = [] if rows is None else rows
        self.extra = {} if extra is None else extra  # more top-level keys for JSON
        self.group_by_path = group_by_path

    def __repr__(self) -> str:
        return f"Report({self.command!r}, {len(self.findings)} findings, {self.headline!r})"

    def sanitised(self) -> Report:
        """This report as it may be printed: every text in it escaped and masked (sanitise.py says how).
        ``print_report`` renders nothing else, so no command can forget it."""
        return Report(sanitise_text(self.command), [sanitise_finding(f) for f in self.findings],
                      sanitise_value(self.summary), sanitise_text(self.headline),
                      [sanitise_text(str(name)) for name in self.columns],
                      [[sanitise_text(str(cell)) for cell in row] for row in self.rows],
                      sanitise_value(self.extra), self.group_by_path)

    def to_json(self) -> dict[str, Any]:
        summary = {**count_by_severity(self.findings), **self.summary}
        return {
            "tool": "infractl",
            "version": __version__,
            "command": self.command,
            "findings": [f.to_dict() for f in in_order(self.findings)],
            "summary": summary,
            **self.extra,
        }


# A rich Table costs ~0.4 ms a row; past this many findings even a terminal gets aligned plain lines.
RICH_TABLE_LIMIT = 300


def print_report(report: Report, fmt: str = "table", to_stderr: bool = False) -> None:
    """Render ``report``, sanitised; machine formats always go to stdout, the human view to stdout or
    stderr."""
    report = report.sanitised()
    if fmt == "json":
        sys.stdout.write(json.dumps(report.to_json(), indent=2, default=str) + "\n")
    elif fmt == "sarif":
        sys.stdout.write(json.dumps(to_sarif(report), indent=2) + "\n")
    elif fmt == "github":
        sys.stdout.write("".join(github_annotation(f) + "\n" for f in in_order(report.findings)))
    else:
        stream = sys.stderr if to_stderr else sys.stdout
        if stream.isatty() and len(report.findings) <= RICH_TABLE_LIMIT:
            print_rich_table(report, to_stderr)
        else:
            # CI logs and pipes: one line per finding, never cut or padded, no colour codes, and no rich
            # import at all.
            stream.write(plain_text(report))
