"""Every finding any test makes in this process is checked against the rule catalogue: its id must be
declared (``infractl rules`` lists it) and its severity must be the declared one, unless the rule says
its severity varies. Findings made in subprocesses (CLI end-to-end tests) are not seen here; the
in-process tests reach every checker."""

from __future__ import annotations

import sys
from collections import defaultdict

from infractl.findings import Finding

EMITTED: dict[tuple[str, str], set[str]] = defaultdict(set)  # (rule, severity) -> test ids
_current = ["(collection)"]
_original_new = Finding.__new__


def _recording_new(cls, *args, **kwargs):
    finding = _original_new(cls, *args, **kwargs)
    if "/tests/" in sys._getframe(1).f_code.co_filename:
        return finding  # a finding a test builds by hand (render tests use made-up ids)
    severity = getattr(finding.severity, "value", str(finding.severity))
    EMITTED[(finding.rule, severity)].add(_current[0])
    return finding


def install() -> None:
    Finding.__new__ = _recording_new


def set_current(test_id: str) -> None:
    _current[0] = test_id


def undeclared() -> list[str]:
    """One line per (rule, severity) pair that the catalogue does not declare."""
    from infractl.rulebook import all_rules

    rules = all_rules()
    problems = []
    for (rule_id, severity), tests in sorted(EMITTED.items()):
        declared = rules.get(rule_id)
        where = min(tests)
        if declared is None:
            problems.append(f"{rule_id} ({severity}) is emitted (first by {where}) but no catalogue declares it")
        elif declared.severity.value != severity and not declared.varies:
            problems.append(f"{rule_id} is emitted as {severity} (first by {where}); the catalogue declares "
                            f"{declared.severity.value}")
    return problems
