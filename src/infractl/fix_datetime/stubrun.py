"""The command's steps for the tests' clock stubs: what they tell each file before the rewrite, and DT107
in the files that are not rewritten after it (stubgroups.py decides)."""

from __future__ import annotations

from infractl.findings import Finding, Severity
from infractl.fix_datetime.workers import FileResult


def stub_verdicts_for(items: list[tuple[str, bytes]], others: list[tuple[str, bytes]]) -> dict:
    """What the tests' clock stubs tell each file; stubgroups.py (and its imports) only when some file may
    put something in place of a module's datetime."""
    from infractl.fix_datetime.prefilter import may_install_stub

    if not any(may_install_stub(data) for _, data in (*items, *others)):
        return {}
    from infractl.fix_datetime.stubgroups import stub_verdicts

    return stub_verdicts(items, others)


def stub_notes(verdicts: dict, items: list[tuple[str, bytes]]) -> list[FileResult]:
    """DT107 in the files that are not rewritten (a test or conftest that puts in a fake that cannot follow,
    the helper that defines it): each stub held back is said where it is."""
    rewritten = {path for path, _ in items}
    noted = [(path, v) for path, v in verdicts.items() if v.notes and path not in rewritten]
    if not noted:
        return []
    from infractl.fix_datetime.ruledocs import RULES

    doc = next(rule for rule in RULES if rule.id == "DT107")
    results = []
    for path, verdict in noted:
        findings = tuple(Finding(path, line, column, "DT107", Severity.WARNING, f"{doc.summary} ({why})", doc.fix)
                         for line, column, why in sorted(verdict.notes))
        results.append(FileResult(path, None, findings=findings, findings_before=findings))
    return results
