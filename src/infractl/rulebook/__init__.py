"""Every rule of every command, as one object each: ``infractl rules``, ``infractl rule ID``, SARIF, the
reference page, and the findings themselves.

A ``Rule`` carries its documentation (summary, why, fix), its cases (``bad``/``good`` and any further
``invalid``/``valid`` ones, Fixit-style: each invalid case must trigger the rule, each valid one must not)
and makes its findings: ``RULE.finding(path, line, column, message, fix)`` spells the id and the declared
severity once, so an emit site cannot disagree with the catalogue.

Rule objects live beside the code that emits them, in a light ``rules`` module of the emitting stage
(``fix_datetime/analyse/rules.py`` beside the analyses, ``lint_ci/rules.py`` beside the workflow checks):
light because ``infractl check`` imports them on its speed-tuned path (tests/check/test_entry.py), so
they import nothing but ``findings`` and this module. ``CATALOGS`` names those modules; each defines
``RULES``, and they are imported only when the whole catalogue is asked for (sqlfluff's ``get_rules``).
"""

from __future__ import annotations

import importlib
from functools import cache

from infractl.findings import Finding, Severity

# The modules that define RULES, one or more per command. Add a line here when a stage gains rules.
CATALOGS = (
    "infractl.fix_datetime.rules",
    "infractl.fix_datetime.analyse.rules",
    "infractl.fix_datetime.verify.rules",
    "infractl.verify_db.ruledocs",
    "infractl.lint_ci.rules",
    "infractl.fix_skips.rules",
    "infractl.monitoring.rules",
    "infractl.check.isolation",
    "infractl.fixing.rules",
    "infractl.manifests.checks.rules",
    "infractl.manifests.checks.dockerfile_rules",
    "infractl.manifests.checks.review.envfile_rules",
    "infractl.wiremock.mappings.rules",
    "infractl.wiremock.server.rules",
)

_FIELDS = ("id", "name", "severity", "command", "summary", "rationale", "fix", "bad", "good", "aliases",
           "overlap", "tags", "varies", "invalid", "valid", "no_cases", "fix_safety", "fixer", "fix_cases")

# What applying a rule's automatic fix may do (ruff's model): "safe" cannot change what the file means
# for a correct setup and is applied by ``--fix``; "unsafe" changes behaviour on purpose and needs
# ``--unsafe-fixes``; "" means the rule has no automatic fix (the finding needs a human).
FIX_SAFETIES = ("", "safe", "unsafe")


class Rule:
    """One rule. A plain slotted class, not a dataclass: emitting modules on ``infractl check``'s path
    import their rules, and dataclasses costs that path ~5 ms (findings.py says why)."""

    __slots__ = _FIELDS

    def __init__(self, *, id: str, name: str, severity: Severity, command: str, summary: str, rationale: str,
                 fix: str = "", bad: str = "", good: str = "", aliases: tuple[str, ...] = (), overlap: str = "",
                 tags: tuple[str, ...] = (), varies: str = "", invalid: tuple = (), valid: tuple = (),
                 no_cases: str = "", fix_safety: str = "", fixer: str = "", fix_cases: tuple = ()) -> None:
        if fix_safety not in FIX_SAFETIES:
            raise ValueError(f"{id}: fix_safety must be one of {FIX_SAFETIES}, not {fix_safety!r}")
        if fixer and not fix_safety:
            raise ValueError(f"{id}: a fixer needs a declared fix_safety")
        values = {"id": id,  # stable: "DT101"
                  "name": name,  # kebab-case, for SARIF and humans: "aware-naive-comparison"
                  "severity": severity, "command": command,  # the command that reports it: "fix-datetime"
                  "summary": summary,  # one line: what is wrong
                  "rationale": rationale,  # why it matters
                  "fix": fix,  # how to fix it
                  "bad": bad, "good": good,  # the example `infractl rule ID` shows, and the same fixed
                  "aliases": tuple(aliases),  # other tools' codes for the same defect, honoured by noqa
                  "overlap": overlap,  # what other tools cover of this, or that none does
                  "tags": tuple(tags),
                  "varies": varies,  # why findings may carry another severity ("" = they never do)
                  "invalid": tuple(invalid), "valid": tuple(valid),  # further cases beyond bad and good
                  "no_cases": no_cases,  # why the rule has no case a runner can run ("" = it has cases)
                  "fix_safety": fix_safety,  # "safe", "unsafe" or "" (no automatic fix): FIX_SAFETIES
                  # "module:function" of the automatic fix, imported only when fixing (rules stay light):
                  # ``function(text, finding) -> fixes.Change | None`` (see fixes.py); "" for none, or a
                  # command that fixes by itself (fix-datetime, fix-skips)
                  "fixer": fixer,
                  "fix_cases": tuple(fix_cases)}  # (before, after) pairs: the fix turns before into after
        for key, value in values.items():
            object.__setattr__(self, key, value)

    def __setattr__(self, key, value):
        raise AttributeError(f"Rule {self.id} is immutable")

    def __eq__(self, other) -> bool:
        return isinstance(other, Rule) and all(getattr(self, f) == getattr(other, f) for f in _FIELDS)

    def __hash__(self) -> int:
        return hash(self.id)

    def __repr__(self) -> str:
        return f"Rule({self.id} {self.name}, {self.severity.value})"

    def replace(self, **changes) -> Rule:
        return Rule(**{**{f: getattr(self, f) for f in _FIELDS}, **changes})

    @property
    def invalid_cases(self) -> tuple:
        """Inputs that must trigger the rule: ``bad`` first; none when ``no_cases`` says why ``bad`` and
        ``good`` only illustrate (a live server's answer, a file that cannot be read)."""
        if self.no_cases:
            return ()
        return ((self.bad,) if self.bad else ()) + self.invalid

    @property
    def valid_cases(self) -> tuple:
        """Inputs that must not trigger it: ``good`` first."""
        if self.no_cases:
            return ()
        return ((self.good,) if self.good else ()) + self.valid

    def finding(self, path: str, line: int | None, column: int | None, message: str, fix: str = "",
                severity: Severity | None = None, **place) -> Finding:
        """A finding of this rule. ``severity`` may differ from the declared one only for a rule whose
        ``varies`` says why; ``place`` is Finding's logical location (logical_name, logical_kind)."""
        if severity is None:
            severity = self.severity
        elif severity is not self.severity and not self.varies:
            raise ValueError(f"{self.id} is declared {self.severity.value} and does not vary; got {severity.value}")
        return Finding(path, line, column, self.id, severity, message, fix, **place)

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "severity": self.severity.value, "command": self.command,
                "summary": self.summary, "rationale": self.rationale, "fix": self.fix, "bad": self.bad,
                "good": self.good, "aliases": list(self.aliases), "overlap": self.overlap,
                "fix_safety": self.fix_safety or None, "fixable": bool(self.fixer)}




@cache
def all_rules() -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for module_name in CATALOGS:
        for rule in importlib.import_module(module_name).RULES:
            if rule.id in rules:
                raise RuntimeError(f"rule id {rule.id} is defined twice ({module_name})")
            rules[rule.id] = rule
    return rules


def get_rule(rule_id: str) -> Rule | None:
    return all_rules().get(rule_id.upper())


def rules_for(command: str) -> list[Rule]:
    return [rule for rule in all_rules().values() if rule.command == command]


def aliases_of(rule_id: str) -> tuple[str, ...]:
    rule = get_rule(rule_id)
    return rule.aliases if rule else ()
