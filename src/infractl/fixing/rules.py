"""The fix engine's own findings: a fix that could not be written, was reverted, or crashed. Light (only
rulebook): ``infractl rules`` imports it."""

from __future__ import annotations

from infractl.findings import Severity
from infractl.rulebook import Rule

_NO_CASES = "made by the fix engine around another rule's fix; tests/check/test_fix_engine.py provokes it"

FIX_NOT_WRITTEN = Rule(
    id="FIX001", name="fix-not-written", severity=Severity.ERROR, command="check",
    summary="a fix was made but the safe writer refused to write it (the file changed since it was read, is "
            "read-only, hard-linked, owned by another user, or outside the given path)",
    rationale="A fix that is not on disk must not be reported as done; the findings it would have fixed remain.",
    fix="follow the finding's advice, then run --fix again", no_cases=_NO_CASES)
FIX_REVERTED = Rule(
    id="FIX002", name="fix-reverted", severity=Severity.WARNING, command="check",
    summary="an automatic fix did not remove its finding, or kept changing the file back and forth, and was "
            "reverted",
    rationale="A fix is kept only when the check run again on its result no longer reports what it fixed "
              "(ruff's rule); anything else would be a silent change that fixes nothing.",
    fix="fix the finding by hand, and report the fixer's failure to infractl's maintainers", no_cases=_NO_CASES)
FIXER_FAILED = Rule(
    id="FIX003", name="fixer-failed", severity=Severity.ERROR, command="check",
    summary="a rule's fixer raised an exception (a bug in infractl); the file was left as it was",
    rationale="A crash in one fix must not end the run nor pass silently: the finding it meant to fix remains.",
    fix="fix the finding by hand; report the message to infractl's maintainers", no_cases=_NO_CASES)
RULES = (FIX_NOT_WRITTEN, FIX_REVERTED, FIXER_FAILED)
