"""Every rule's own cases, for every command (Fixit's VALID/INVALID): each invalid case (``bad`` first)
must trigger the rule, each valid case (``good`` first) must not. Cases come from the rule objects, so a
new rule's examples are run without editing this file. Whether every emitted id is declared, with its
declared severity, is checked session-wide (tests/support/emitted.py, tests/conftest.py)."""

from __future__ import annotations

import pytest
from support.rule_cases import rules_found

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
