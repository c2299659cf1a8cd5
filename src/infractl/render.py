"""The one place findings become output: a rich table, JSON, SARIF or GitHub annotations."""

from __future__ import annotations

import json
import sys

TYPE_CHECKING = False  # typing itself costs ~2 ms of start-up; only type checkers need Any
if TYPE_CHECKING:
    from typing import Any

from infractl import __version__
from infractl.findings import Finding, Severity, count_by_severity, in_order

FORMATS = ("table", "json", "sarif", "github")

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


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
        from infractl.sanitise import sanitise_finding, sanitise_text, sanitise_value

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


def summary_line(report: Report) -> tuple[str, str]:
    """The closing line, and the colour it deserves."""
    counts = count_by_severity(report.findings)
    tally = ", ".join(f"{n} {name}{'s' if n != 1 and name != 'info' else ''}" for name, n in counts.items())
    line = f"{report.headline}: {tally}" if report.headline else tally
    return line, "red" if counts["error"] else ("yellow" if counts["warning"] else "green")


def plain_text(report: Report) -> str:
    """The human view for logs and pipes, as ruff and flake8 print it: the per-item table, then one line
    per finding (``path:line:col: RULE severity message``) with its fix indented under it, then the
    summary line. No padding: a long message makes its own line long, not every line."""
    out: list[str] = []
    if report.rows:
        out.extend(_aligned([report.columns, *([str(c) for c in row] for row in report.rows)]))
        out.append("")
    findings = in_order(report.findings)
    previous = None
    for finding in findings:
        if report.group_by_path and previous is not None and finding.path != previous:
            out.append("")  # a blank line between groups (verify-db: one group per table)
        previous = finding.path
        out.append(f"{location(finding)}: {finding.rule} {finding.severity.value} {finding.message}".rstrip())
        if finding.fix:
            out.append(f"    fix: {finding.fix}")
    if findings:
        out.append("")
    out.append(summary_line(report)[0])
    return "\n".join(out) + "\n"


# The per-item table's cells are short (file names, counts); one long cell must not pad every row.
MAX_PADDED_WIDTH = 40


def _aligned(rows: list[list[str]]) -> list[str]:
    """A header row, a rule, then the rows: every column but the last padded to its widest cell, up to
    MAX_PADDED_WIDTH (a longer cell only shifts its own row); no trailing spaces."""
    if not rows:
        return []
    widths = [min(MAX_PADDED_WIDTH, max(len(row[i]) for row in rows)) for i in range(len(rows[0]) - 1)]
    lines = []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths)] + [row[-1]]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * w for w in [*widths, len(rows[0][-1])]))
    return lines


def print_rich_table(report: Report, to_stderr: bool) -> None:
    """Nothing is ever cut: paths stay whole (folded only when wider than the screen), prose wraps at
    words, and each finding's message and fix get lines of their own under its location. Finding text
    is never read as markup or emoji codes (shellcheck's ``SC2046:warning:`` printed as ``SC2046⚠``):
    the console has both off, and styles come from Text spans."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(stderr=to_stderr, highlight=False, markup=False, emoji=False)
    if report.rows:
        table = Table(show_edge=False, header_style="bold")
        for name in report.columns:
            table.add_column(Text(name), overflow="fold")
        _keep_whole(table, [str(row[0]) for row in report.rows], console.width)
        for row in report.rows:
            table.add_row(*(Text(str(cell)) for cell in row))
        console.print(table)
    previous = None
    for finding in in_order(report.findings):
        if report.group_by_path and previous is not None and finding.path != previous:
            console.print()
        previous = finding.path
        # The location line is printed whole (soft wrap: the terminal folds it, nothing is cut); the
        # message and the fix wrap at words under it, like ruff's full output.
        console.print(Text.assemble((location(finding), "bold"), "  ",
                                    (finding.severity.value, _STYLE[finding.severity]), "  ", finding.rule),
                      soft_wrap=True)
        for line in _prose_lines(finding.message, console.width):
            console.print(Text(f"    {line}"), soft_wrap=True)
        if finding.fix:
            for index, line in enumerate(_prose_lines(f"fix: {finding.fix}", console.width)):
                text = Text.assemble(("fix:", "dim"), line[4:]) if index == 0 else Text(line)
                console.print(Text.assemble("    ", text), soft_wrap=True)
    if report.findings:
        console.print()
    line, style = summary_line(report)
    console.print(Text(line, style=style))


def _prose_lines(text: str, width: int) -> list[str]:
    """Wrapped at words under a 4-column indent; a word longer than the line (a URL, a path) stays whole
    on its own line, which the terminal soft-wraps: a hard break inside it would break copy and click.
    The text is sanitised: a line break in it is already the two characters ``\\n``."""
    import textwrap

    return textwrap.wrap(text, width=max(20, width - 4), break_long_words=False, break_on_hyphens=False) or [""]


def _keep_whole(table, cells: list[str], width: int) -> None:
    """Paths are what users copy: never wrapped while they fit in 60% of the screen; folded (all
    characters kept) beyond that."""
    column = table.columns[0]
    longest = max(map(len, cells), default=0)
    column.min_width = min(longest, width * 3 // 5)
    column.no_wrap = longest <= width * 3 // 5


def location(finding: Finding) -> str:
    parts = [finding.path]
    if finding.line is not None:
        parts.append(str(finding.line))
        if finding.column is not None:
            parts.append(str(finding.column))
    return ":".join(parts)


def github_annotation(finding: Finding) -> str:
    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}[finding.severity]
    if finding.logical_name:  # not a file: name the place in the title, claim no file or line
        props = [f"title={_github_property(f'{finding.rule} {finding.logical_name}')}"]
    else:
        props = [f"file={_github_property(finding.path)}"]
        if finding.line is not None:
            props.append(f"line={finding.line}")
        if finding.column is not None:
            props.append(f"col={finding.column}")
        props.append(f"title={_github_property(finding.rule)}")
    message = finding.message + (f" Fix: {finding.fix}" if finding.fix else "")
    return f"::{level} {','.join(props)}::{_github_data(message)}"


def _github_data(text: str) -> str:
    """The message, escaped as @actions/core's escapeData: '%' first, then CR and LF."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    """A property value (file=, title=), escaped as escapeProperty: a ',' or ':' would end it early."""
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


def _sarif_uri(path: str) -> str:
    """A URI reference, as SARIF requires: relative paths percent-encoded, absolute ones as file: URIs."""
    from pathlib import PurePosixPath
    from urllib.parse import quote

    if path.startswith("/"):
        return PurePosixPath(path).as_uri()
    return quote(path, safe="/")


def to_sarif(report: Report) -> dict[str, Any]:
    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
    rule_ids = sorted({f.rule for f in report.findings})
    results = []
    for finding in in_order(report.findings):
        region = {}
        if finding.line is not None:
            region["startLine"] = finding.line
            if finding.column is not None:
                region["startColumn"] = finding.column
        physical: dict[str, Any] = {"artifactLocation": {"uri": _sarif_uri(finding.path)}}
        if region:
            physical["region"] = region
        place: dict[str, Any] = {"physicalLocation": physical}
        if finding.logical_name:
            name = finding.logical_name.rsplit(".", 1)[-1] if finding.logical_kind == "column" else finding.logical_name
            place = {"logicalLocations": [{"fullyQualifiedName": finding.logical_name, "name": name,
                                           "kind": finding.logical_kind}]}
        results.append(
            {
                "ruleId": finding.rule,
                "ruleIndex": rule_ids.index(finding.rule),
                "level": level[finding.severity],
                "message": {"text": finding.message + (f" Fix: {finding.fix}" if finding.fix else "")},
                "locations": [place],
            }
        )
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "infractl", "version": __version__,
                                    "informationUri": "https://pypi.org/project/infractl/",
                                    "rules": [sarif_rule(rule_id) for rule_id in rule_ids]}},
                "results": results,
            }
        ],
    }


def sarif_rule(rule_id: str) -> dict[str, Any]:
    """A SARIF reportingDescriptor with the rule's documentation (what code scanning shows)."""
    from infractl.rulebook import get_rule

    rule = get_rule(rule_id)
    if rule is None:
        return {"id": rule_id}
    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}[rule.severity]
    help_text = f"{rule.rationale}\n\nFix: {rule.fix}" if rule.fix else rule.rationale
    markdown = [rule.rationale]
    if rule.bad:
        markdown.append(f"Example that triggers it:\n\n```\n{rule.bad.rstrip()}\n```")
    if rule.good:
        markdown.append(f"Fixed:\n\n```\n{rule.good.rstrip()}\n```")
    if rule.fix:
        markdown.append(f"**Fix:** {rule.fix}")
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.rationale},
        "help": {"text": help_text, "markdown": "\n\n".join(markdown)},
        "defaultConfiguration": {"level": level},
        "properties": {"command": rule.command, "tags": [rule.command, *rule.tags]},
    }

