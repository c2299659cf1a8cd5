"""The command's steps for the tests' clock stubs: what they tell each file before the rewrite, and DT107
in the files that are not rewritten after it (stubgroups.py decides)."""

from __future__ import annotations

import os

from infractl.fix_datetime.analyse.rules import CLOCK_STUB_NOT_REWRITTEN
from infractl.fix_datetime.workers import FileResult

PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", "tox.ini", ".git")


def stub_verdicts_for(items: list[tuple[str, bytes]], others: list[tuple[str, bytes]], walked: list) -> dict:
    """What the tests' clock stubs tell each file; stubgroups.py (and its imports) only when some file may
    put something in place of a module's datetime. The ``conftest.py`` files above the walked files count
    too when they were not walked themselves (``infractl fix-datetime app tests/test_clock.py``): their
    fixtures, autouse ones included, apply to the tests below them."""
    from infractl.fix_datetime.select.prefilter import may_install_stub

    others = [*others, *unwalked_conftests([str(path) for path in walked])]
    freezing = offset_freezing([str(path) for path in walked], items, others)
    if not freezing and not any(may_install_stub(data) for _, data in (*items, *others)):
        return {}
    from infractl.fix_datetime.stubs.groups import stub_verdicts

    return stub_verdicts(items, others, freezing, [str(path) for path in walked])


def offset_freezing(walked: list[str], items: list[tuple[str, bytes]], others: list[tuple[str, bytes]]):
    """The files that may freeze the clock with freezegun's ``tz_offset`` (stubs/freezers.py): those read
    already, and the walked files with "test" in their path (a test that freezes and calls the code need
    not name utcnow or datetime: the walk did not keep it). Runs only when there is something to rewrite;
    a file that cannot be read here was reported by the walk or is not a test of the rewrite."""
    known = {path for path, _ in (*items, *others)}
    found = [(path, data) for path, data in (*items, *others) if b"tz_offset" in data]
    for path in walked:
        if path in known or "test" not in path.lower():
            continue
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            continue
        if b"tz_offset" in data:
            found.append((path, data))
    return found


def unwalked_conftests(paths: list[str]) -> list[tuple[str, bytes]]:
    """``conftest.py`` files in the directories above ``paths`` (up to the project root, else the working
    directory), not among them, that mention datetime."""
    walked = {os.path.abspath(p) for p in paths}  # string work only: a realpath per file would cost ~20 us
    cwd = os.getcwd()
    seen: set[str] = set()
    found = []
    for directory in {os.path.dirname(p) for p in walked}:
        while directory not in seen:
            seen.add(directory)
            conftest = os.path.join(directory, "conftest.py")
            if conftest not in walked and os.path.isfile(conftest):
                try:
                    with open(conftest, "rb") as handle:
                        data = handle.read()
                except OSError:
                    data = b""
                if b"datetime" in data:
                    found.append((conftest.removeprefix(cwd.rstrip(os.sep) + os.sep), data))
            parent = os.path.dirname(directory)
            if directory == cwd or parent == directory or any(
                    os.path.exists(os.path.join(directory, marker)) for marker in PROJECT_MARKERS):
                break
            directory = parent
    return found


def stub_notes(verdicts: dict, items: list[tuple[str, bytes]]) -> list[FileResult]:
    """DT107 in the files that are not rewritten (a test or conftest that puts in a fake that cannot follow,
    the helper that defines it): each stub held back is said where it is."""
    rewritten = {path for path, _ in items}
    noted = [(path, v) for path, v in verdicts.items() if v.notes and path not in rewritten]
    if not noted:
        return []
    rule = CLOCK_STUB_NOT_REWRITTEN
    results = []
    for path, verdict in noted:
        findings = tuple(rule.finding(path, line, column, f"{rule.summary} ({why})", rule.fix)
                         for line, column, why in sorted(verdict.notes))
        results.append(FileResult(path, None, findings=findings, findings_before=findings))
    return results
