"""The Markdown reference page generated from the rule objects covers every rule, under its command."""

from __future__ import annotations

import re

from infractl.rulebook import all_rules
from infractl.rulebook.info import reference_markdown


def test_the_reference_page_has_a_section_per_command_and_per_rule():
    page = reference_markdown()
    rules = all_rules()
    headings = re.findall(r"^### (\S+): (\S+)$", page, re.MULTILINE)
    assert sorted(rule_id for rule_id, _ in headings) == sorted(rules)
    assert all(rules[rule_id].name == name for rule_id, name in headings)
    commands = re.findall(r"^## (.+)$", page, re.MULTILINE)
    assert commands == sorted({rule.command for rule in rules.values()})
    for command in commands:  # each rule under its own command's section
        section = page.split(f"\n## {command}\n", 1)[1].split("\n## ", 1)[0]
        assert {i for i, _ in re.findall(r"^### (\S+): (\S+)$", section, re.MULTILINE)} == \
            {rule.id for rule in rules.values() if rule.command == command}


def test_each_rule_section_shows_its_documentation():
    page = reference_markdown()
    for rule in all_rules().values():
        section = page.split(f"\n### {rule.id}: ", 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
        assert f"- Severity: {rule.severity.value}" in section
        expected = ("no automatic fix" if not rule.fix_safety else
                    f"{rule.fix_safety}: `--fix" if rule.fixer else
                    f"{rule.fix_safety}: `infractl {rule.command}` makes the change itself")
        assert f"- Fix safety: {expected}" in section, rule.id
        assert rule.summary in section and rule.rationale in section
        for text in (rule.bad, rule.good):
            if text:
                assert text.rstrip("\n") in section, rule.id
        if rule.fix:
            assert rule.fix in section, rule.id
