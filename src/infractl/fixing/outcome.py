"""What ``--fix`` does with the engine's result: write it through the one safe writer (``--fix``) or show
it as a unified diff and write nothing (``--diff``), and say in the report what was fixed, what remains and
how many more ``--unsafe-fixes`` would fix (ruff's "N fixed, M remaining").

Every command with fixes calls ``report_with_fixes``: its own report, the path it checked and how to check
a copy of it again; the exit code then comes from what remains.
"""

from __future__ import annotations

import contextlib
import difflib
import sys
from collections.abc import Callable
from pathlib import Path

from infractl.errors import EXIT_FINDINGS, EXIT_OK
from infractl.findings import Finding, fails
from infractl.fixing import FixOptions
from infractl.fixing.engine import FileState, run_fixes
from infractl.fixing.rules import FIX_NOT_WRITTEN
from infractl.fixing.workspace import shown
from infractl.render import Report, print_report


def report_with_fixes(report: Report, target: Path, recheck: Callable[[Path], list[Finding]], options: FixOptions,
                      fmt: str, strict: bool) -> int:
    """Fix ``report``'s findings on ``target``, write or show the result, print the report; the exit code."""
    result = run_fixes(report.findings, target, recheck, options.unsafe)
    refused: list[Finding] = []
    if options.diff:
        sys.stdout.write("".join(unified_diff(state) for state in result.files))
    else:
        refused = write(result.files, target)
    not_written = {finding.path for finding in refused}
    fixed = [(f, note) for f, note in result.fixed if f.path not in not_written]
    remaining = [f for f in result.remaining if f.path not in not_written] + refused
    remaining += [f for f in report.findings if f.path in not_written]  # as they were: nothing was written
    describe(report, fixed, remaining, result.unsafe_available, options)
    if options.diff:  # stdout is the patch alone; the report, in any format, goes to stderr
        with contextlib.redirect_stdout(sys.stderr):
            print_report(report, fmt, to_stderr=True)
    else:
        print_report(report, fmt)
    if options.diff and result.files:
        return EXIT_FINDINGS  # something would change
    return EXIT_FINDINGS if fails(remaining, strict) else EXIT_OK


def write(files: list[FileState], target: Path) -> list[Finding]:
    """Each changed file through the safe writer (modes first: a write beside a directory changes the
    directory's mtime); Ctrl-C is taken between files, so every file is whole. What was refused, as findings."""
    from infractl.fsio import (
        ADVICE,
        chmod_if_unchanged,
        create_new,
        interrupt_between_files,
        write_if_unchanged,
    )

    within = [target]
    refused = []
    ordered = sorted(files, key=lambda state: (state.text is not None, str(state.real)))
    with interrupt_between_files() as check:
        for state in ordered:
            check()
            outcome = None
            if state.created:
                if state.text is not None:
                    outcome = create_new(state.real, state.text.encode("utf-8"))
            elif state.mode != state.original_mode:
                outcome = chmod_if_unchanged(state.real, state.snapshot, state.mode, within)
            if not state.created and (outcome is None or not outcome.skipped) and state.text != state.original:
                snapshot = state.snapshot
                if outcome is not None and outcome.status == "written":  # its mode is ours now, bytes the same
                    from infractl.fsio import snapshot_after_read

                    snapshot = snapshot_after_read(state.real, state.snapshot.data)
                outcome = write_if_unchanged(state.real, snapshot, state.text.encode("utf-8"), within)
            if outcome is not None and outcome.skipped:
                refused.append(FIX_NOT_WRITTEN.finding(shown(state.real), None, None,
                                                       f"fix not written: {outcome.reason}",
                                                       ADVICE.get(outcome.kind, "")))
    return refused


def unified_diff(state: FileState) -> str:
    """The change to one file as ``git diff`` shows it (a mode change as its old/new mode lines)."""
    name = shown(state.real)
    out = [f"diff --git a/{name} b/{name}\n"]
    if state.created:
        out.append(f"new file mode 100{state.mode:o}\n")
    elif state.mode != state.original_mode:
        out.append(f"old mode {state.original_mode:o}\nnew mode {state.mode:o}\n")
    if state.text != state.original:
        out.append(f"--- {'/dev/null' if state.created else 'a/' + name}\n+++ b/{name}\n")
        lines = difflib.unified_diff((state.original or "").splitlines(keepends=True),
                                     (state.text or "").splitlines(keepends=True), n=3)
        for line in list(lines)[2:]:  # difflib's own ---/+++ header: ours is above
            out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def describe(report: Report, fixed: list[tuple[Finding, str]], remaining: list[Finding], unsafe_available: int,
             options: FixOptions) -> None:
    """The report says what was fixed (a row each, and ``"fixed": true`` in JSON) and what remains."""
    verb = "would be fixed" if options.diff else "fixed"
    report.findings = remaining
    if fixed:  # what was fixed is the table to show (check's per-area table stays in JSON's "areas")
        report.columns = ["Fixed" if not options.diff else "Would fix", "Rule", "Change"]
        report.rows = [[_where(f), f.rule, note or f.message] for f, note in fixed]
    report.summary = {**report.summary, "fixed": len(fixed), "remaining": len(remaining),
                      "unsafe_fixes_available": unsafe_available}
    report.extra = {**report.extra, "fixed": [{**f.to_dict(), "fixed": True, "change": note} for f, note in fixed]}
    tally = f"{len(fixed)} {verb}, {len(remaining)} remaining"
    if unsafe_available:
        tally += f" ({unsafe_available} more with --unsafe-fixes)"
    report.headline = f"{report.headline}; {tally}" if report.headline else tally


def _where(finding: Finding) -> str:
    from infractl.render import location

    return location(finding)
