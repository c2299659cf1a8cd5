"""Every fix-datetime rule's own examples (its rule object's, shown by `infractl rule ID`) are run,
Fixit-style: the bad one must fire the rule, the good one must not."""

from __future__ import annotations

import pytest

from infractl.fix_datetime.workers import fix_source
from infractl.rulebook import rules_for

RULES = rules_for("fix-datetime")
WITH_EXAMPLES = [rule for rule in RULES if rule.bad]


def fired(rule_id: str, code: str) -> set[str]:
    mode = "aware" if rule_id.startswith("DT10") and rule_id not in ("DT107",) else "auto"
    path = "tests/test_example.py" if rule_id == "DT107" else "example.py"
    result = fix_source(path, code.encode(), mode, None)
    return {finding.rule for finding in result.findings_before or result.findings}


def test_every_reported_rule_has_examples():
    # DT001-DT009 are about files (unreadable, too large, links, excluded), DT020-DT024 about runs of the
    # project's tests (--verify): they have no source example, and their rule objects say why (no_cases)
    missing = {rule.id for rule in RULES if not (rule.bad and rule.good) and rule.id >= "DT010" and not rule.no_cases}
    assert not missing
    assert {rule.id for rule in RULES if rule.no_cases and rule.id >= "DT010"} == {
        "DT020", "DT021", "DT022", "DT023", "DT024"}


@pytest.mark.parametrize("rule", WITH_EXAMPLES, ids=[r.id for r in WITH_EXAMPLES])
def test_bad_example_fires_and_good_example_does_not(rule):
    assert rule.id in fired(rule.id, rule.bad), rule.bad
    if rule.good:
        assert rule.id not in fired(rule.id, rule.good), rule.good


def test_dt001_bad_example():
    assert fired("DT001", "def broken(:\n    datetime.utcnow()\n") == {"DT001"}
