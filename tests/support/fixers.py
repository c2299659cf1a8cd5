"""Run a rule's fixer directly (no engine): call it on each finding of the rule, apply what does not
overlap (``fixes.overlaps``, as the engine decides), check again, until nothing is left to fix (as ruff's
loop does, bounded). The fixer tests of each family give their own ``find(text) -> findings`` (the
family's real check on the text)."""

from __future__ import annotations

from collections.abc import Callable

from infractl.fixes import Change, apply_edits, overlaps
from infractl.fixing.engine import fixer_of

MAX_PASSES = 10


def one_pass(rule, text: str, findings) -> tuple[str, list[Change]]:
    """Every finding of ``rule`` fixed once; a change that overlaps an earlier one waits for the next pass."""
    fixer, taken, changes = fixer_of(rule), [], []
    for finding in findings:
        if finding.rule != rule.id:
            continue
        change = fixer(text, finding)
        if change is None or not change.edits:
            continue
        if any(overlaps(edit, other) for edit in change.edits for other in taken):
            continue
        taken.extend(change.edits)
        changes.append(change)
    return (apply_edits(text, taken) if taken else text), changes


def fix_until_stable(rule, text: str, find: Callable[[str], list]) -> tuple[str, int]:
    """The text once no finding of ``rule`` can be fixed any more, and the number of passes that changed it."""
    for passes in range(MAX_PASSES):
        fixed, changes = one_pass(rule, text, find(text))
        if not changes:
            return text, passes
        assert fixed != text, f"{rule.id}: a change that changes nothing"
        text = fixed
    raise AssertionError(f"{rule.id}: still fixing after {MAX_PASSES} passes")


def changed_lines(before: str, after: str) -> set[int]:
    """1-based numbers of the lines of ``before`` that the fix removed or replaced (difflib's opcodes)."""
    import difflib

    lines = set()
    matcher = difflib.SequenceMatcher(None, before.splitlines(True), after.splitlines(True), autojunk=False)
    for tag, low, high, _, _ in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            lines.update(range(low + 1, high + 1))
    return lines
