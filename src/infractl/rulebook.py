"""Every rule of every command, with its documentation: ``infractl rules``, ``infractl rule ID``, SARIF.

Each capability package keeps a light ``ruledocs`` module (no heavy imports) that defines
``RULES: tuple[RuleDoc, ...]``; ``CATALOGS`` names those modules. A rule's examples are data the
package's own tests run (Fixit-style): ``bad`` must trigger the rule, ``good`` must not.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from functools import cache

from infractl.findings import Severity

# One module per capability; each defines RULES. Add a line here when a command gains rules.
CATALOGS = (
    "infractl.fix_datetime.ruledocs",
    "infractl.verify_db.ruledocs",
    "infractl.lint_ci.ruledocs",
    "infractl.fix_skips.ruledocs",
    "infractl.monitoring.ruledocs",
    "infractl.check.ruledocs",
    "infractl.manifests.ruledocs",
    "infractl.wiremock.ruledocs",
)


@dataclass(frozen=True)
class RuleDoc:
    id: str  # stable: "DT101"
    name: str  # kebab-case, for SARIF and humans: "aware-naive-comparison"
    severity: Severity
    command: str  # the command that reports it: "fix-datetime"
    summary: str  # one line: what is wrong
    rationale: str  # why it matters
    fix: str = ""  # how to fix it
    bad: str = ""  # an example that triggers the rule
    good: str = ""  # the same example, fixed
    aliases: tuple[str, ...] = ()  # other tools' codes for the same defect, honoured by noqa comments (ruff's DTZ003)
    overlap: str = ""  # what other tools cover of this (actionlint, ruff ...), or that none does
    tags: tuple[str, ...] = field(default=())
    varies: str = ""  # why findings may carry another severity than the declared one ("" = they never do)

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "severity": self.severity.value, "command": self.command,
                "summary": self.summary, "rationale": self.rationale, "fix": self.fix, "bad": self.bad,
                "good": self.good, "aliases": list(self.aliases), "overlap": self.overlap}


@cache
def all_rules() -> dict[str, RuleDoc]:
    rules: dict[str, RuleDoc] = {}
    for module_name in CATALOGS:
        for rule in importlib.import_module(module_name).RULES:
            if rule.id in rules:
                raise RuntimeError(f"rule id {rule.id} is defined twice ({module_name})")
            rules[rule.id] = rule
    return rules


def get_rule(rule_id: str) -> RuleDoc | None:
    return all_rules().get(rule_id.upper())


def rules_for(command: str) -> list[RuleDoc]:
    return [rule for rule in all_rules().values() if rule.command == command]


def aliases_of(rule_id: str) -> tuple[str, ...]:
    rule = get_rule(rule_id)
    return rule.aliases if rule else ()
