"""Fixit-style: every manifests rule's own bad example triggers it, its good example does not."""

from __future__ import annotations

import pytest
from support.rule_cases import manifests_findings

from infractl.rulebook import rules_for

RULES = rules_for("manifests lint")


def findings_for(rule, text: str, tmp_path):
    return manifests_findings(rule.id, text, tmp_path)  # the runner tests/core/test_rule_cases.py uses too


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_bad_example_triggers_the_rule(rule, tmp_path):
    found = findings_for(rule, rule.bad, tmp_path)
    assert rule.id in {f.rule for f in found}
    assert all(f.severity is rule.severity for f in found if f.rule == rule.id)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_good_example_does_not(rule, tmp_path):
    assert rule.id not in {f.rule for f in findings_for(rule, rule.good, tmp_path)}


def test_rule_ids_are_unique_and_documented():
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))
    for rule in RULES:
        assert rule.bad and rule.good and rule.fix, rule.id


def test_crd_schemas_are_made_strict_like_the_api_server():
    from infractl.manifests.checks.crds import strict_schema

    schema = strict_schema({"type": "object", "properties": {
        "spec": {"type": "object", "properties": {
            "port": {"x-kubernetes-int-or-string": True},
            "note": {"type": "string", "nullable": True},
            "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": True, "properties": {"a": {}}},
        }}}})
    spec = schema["properties"]["spec"]
    assert spec["additionalProperties"] is False and schema["additionalProperties"] is False
    assert spec["properties"]["port"]["type"] == ["integer", "string"]
    assert spec["properties"]["note"]["type"] == ["string", "null"]
    assert "additionalProperties" not in spec["properties"]["extra"]
    assert set(schema["properties"]) == {"apiVersion", "kind", "metadata", "spec"}
