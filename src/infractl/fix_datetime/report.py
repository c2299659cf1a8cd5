"""``fix-datetime``'s report and exit code, from what ``command.collect`` found (command.py has the
pipeline; this part only counts and words it)."""

from __future__ import annotations

from infractl.errors import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK
from infractl.findings import Finding, fails
from infractl.fix_datetime.workers import FileResult
from infractl.render import Report


def build_report(results: list[FileResult], scanned: int, dry_run: bool, settings, diffs: dict) -> Report:
    """The JSON document adds to render's keys: ``files`` (one entry per candidate file: path,
    calls_fixed, refs_fixed, hazards, changed, error, skipped (why it was not processed: "too large",
    "link to PATH", "loop", "broken", "unreadable", "excluded", "not written" (rewritten, but the write was
    refused: DT008/DT009); "" when it was), and ``diff`` with --diff), ``mode``,
    ``target_version``; ``summary`` has files_scanned, files_candidate, files_changed, calls_fixed,
    refs_fixed, rewrites, hazards and written (False with --check/--diff)."""
    findings = [finding for result in results for finding in result.findings]
    changed = [r for r in results if r.new_data is not None]
    rewrites = sum(r.calls_fixed + r.refs_fixed for r in changed)
    hazards = sum(r.hazards for r in results)
    verb = "would change" if dry_run else "changed"
    headline = (f"{_plural(len(changed), 'file')} {verb}, {_plural(rewrites, 'rewrite')}, "
                f"{_plural(hazards, 'hazard')} ({_plural(scanned, 'file')} scanned)")
    rows = [
        [r.path, r.calls_fixed, r.refs_fixed, r.hazards, _result_cell(r, dry_run)]
        for r in results
        if r.new_data is not None or r.findings
    ]
    files = []
    for r in results:
        entry = {"path": r.path, "calls_fixed": r.calls_fixed, "refs_fixed": r.refs_fixed,
                 "hazards": r.hazards, "changed": r.new_data is not None, "error": r.failed,
                 "skipped": r.skipped}
        if r.path in diffs:
            entry["diff"] = diffs[r.path]
        files.append(entry)
    summary = {
        "files_scanned": scanned,
        "files_candidate": sum(1 for r in results if not r.skipped),
        "files_changed": len(changed),
        "calls_fixed": sum(r.calls_fixed for r in changed),
        "refs_fixed": sum(r.refs_fixed for r in changed),
        "rewrites": rewrites,
        "hazards": hazards,
        "written": not dry_run,
    }
    extra = {"files": files, "mode": settings.mode, "target_version": settings.target_version}
    return Report(command="fix-datetime", findings=findings, summary=summary, headline=headline,
                  columns=["File", "Calls fixed", "References fixed", "Hazards", "Result"], rows=rows,
                  extra=extra, group_by_path=True)


def _result_cell(result: FileResult, dry_run: bool) -> str:
    if result.failed:
        return "error, left unchanged"
    if result.skipped:
        return "excluded" if result.skipped == "excluded" else f"skipped: {result.skipped}"
    if result.new_data is None:
        return "unchanged"
    fixed = result.calls_fixed + result.refs_fixed
    return f"{fixed} to fix" if dry_run else f"{fixed} fixed"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def exit_code(results: list[FileResult], findings: list[Finding], check: bool, strict: bool) -> int:
    if results and all(r.failed for r in results):
        return EXIT_ERROR  # there was work to do and none of it could be done
    if check and any(r.new_data is not None for r in results):
        return EXIT_FINDINGS
    return EXIT_FINDINGS if fails(findings, strict) else EXIT_OK
