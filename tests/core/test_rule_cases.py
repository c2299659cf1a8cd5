"""Every rule's own cases, for every command (Fixit's VALID/INVALID): each invalid case (``bad`` first)
must trigger the rule, each valid case (``good`` first) must not. Cases come from the rule objects, so a
new rule's examples are run without editing this file. Whether every emitted id is declared, with its
declared severity, is checked session-wide (tests/support/emitted.py, tests/conftest.py)."""

from __future__ import annotations

import pytest
from support.rule_cases import fix_case_target, rules_found

from infractl.check.protocol import resolve
from infractl.fixing.engine import run_fixes
from infractl.fixing.outcome import write
from infractl.rulebook import all_rules

RULES = sorted(all_rules().values(), key=lambda rule: rule.id)
CASES = [(rule, kind, index, case) for rule in RULES
         for kind, cases in (("invalid", rule.invalid_cases), ("valid", rule.valid_cases))
         for index, case in enumerate(cases)]


@pytest.mark.parametrize(("rule", "kind", "index", "case"), CASES,
                         ids=[f"{rule.id}-{kind}-{index}" for rule, kind, index, _ in CASES])
def test_rule_case(rule, kind, index, case, tmp_path):
    found = rules_found(rule, case, tmp_path)
    if kind == "invalid":
        assert rule.id in found, (case, found)
    else:
        assert rule.id not in found, (case, found)


def test_every_rule_has_a_case_or_says_why_not():
    missing = [rule.id for rule in RULES if not rule.invalid_cases and not rule.no_cases]
    assert not missing, "rules without an invalid case nor a no_cases reason: " + ", ".join(missing)


FIX_CASES = [(rule, index, before, after) for rule in RULES for index, (before, after) in enumerate(rule.fix_cases)]


@pytest.mark.parametrize(("rule", "index", "before", "after"), FIX_CASES,
                         ids=[f"{rule.id}-fix-{index}" for rule, index, _, _ in FIX_CASES])
def test_fix_case(rule, index, before, after, tmp_path):
    """Fixit's expected_replacement, through the engine --fix uses: before triggers the rule, fixing it
    (its own fix alone) gives exactly after, after no longer triggers it, and a second fix changes nothing."""
    target, recheck, read = fix_case_target(rule, before, tmp_path)

    def own(path):
        return [f for f in recheck(path) if f.rule == rule.id]

    assert own(target), f"{rule.id}: the fix case's before does not trigger it"
    result = run_fixes(own(target), target, own, unsafe=True)
    assert [f for f in result.remaining if f.rule.startswith("FIX")] == []
    assert write(result.files, target) == []
    assert read(target) == after
    assert rule.id not in {f.rule for f in recheck(target)}
    assert run_fixes(own(target), target, own, unsafe=True).files == []  # idempotent: nothing left to change


def test_every_fixer_has_cases_and_loads():
    for rule in RULES:
        assert bool(rule.fixer) == bool(rule.fix_cases), f"{rule.id}: a fixer needs fix_cases, and cases a fixer"
        if rule.fixer:
            assert callable(resolve(rule.fixer)), rule.id
