"""Every wiremock rule's own examples (mappings/rules.py's EXAMPLES): the bad tree triggers exactly that
rule, the good tree is clean; and each rule's documentation is complete."""

from __future__ import annotations

import pytest
from support.wiremock_real import remove_tree, world_readable_tmpdir, write_tree

from infractl.rulebook import rules_for
from infractl.wiremock.mappings.rules import EXAMPLES, RULES
from infractl.wiremock.mappings.validate import collect
from infractl.wiremock.server.rules import RULES as VERIFY_RULES


@pytest.fixture
def root():
    path = world_readable_tmpdir()
    yield path / "wm"
    remove_tree(path)


@pytest.mark.parametrize("rule_id", sorted(EXAMPLES))
def test_bad_example_triggers_only_its_rule(rule_id, root):
    example = EXAMPLES[rule_id]
    write_tree(root, example.bad, example.bad_modes)
    found = collect(root).findings
    assert found, f"{rule_id}: bad example found nothing"
    assert {f.rule for f in found} == {rule_id}, [(f.rule, f.message) for f in found]
    assert len(found) == 1
    assert found[0].severity == next(r for r in RULES if r.id == rule_id).severity


@pytest.mark.parametrize("rule_id", sorted(EXAMPLES))
def test_good_example_is_clean(rule_id, root):
    write_tree(root, EXAMPLES[rule_id].good)
    assert collect(root).findings == []


def test_every_rule_is_documented_with_examples():
    assert [r.id for r in RULES if r.command == "wiremock validate"] == sorted(EXAMPLES)
    assert {r.id for r in rules_for("wiremock validate")} == set(EXAMPLES)
    for rule in (*RULES, *VERIFY_RULES):
        assert rule.bad and rule.good and rule.fix and rule.rationale, rule.id
