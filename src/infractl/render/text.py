"""The human view of a report: aligned plain lines for logs and pipes, or a rich view on a terminal.

Both print a finding the same way (``location``, severity, rule, message, the fix under it) and end with
``summary_line``; ``render.print_report`` chooses between them and sanitises first.
"""

from __future__ import annotations

from infractl.findings import Finding, Severity, count_by_severity, in_order

TYPE_CHECKING = False  # only type checkers need Report: render.py imports this module, not the reverse
if TYPE_CHECKING:
    from infractl.render import Report

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


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
