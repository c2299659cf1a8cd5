"""Which findings a user wants: ``select``/``ignore`` (flags and config) and ``# noqa`` on a line.

Rule codes match by prefix, as in ruff: ``DT1`` is every DT1xx rule, ``ALL`` every rule.
``# noqa`` alone suppresses every rule on its line; ``# noqa: DT101, DTZ003`` only those (a rule's
aliases, such as ruff's codes for the same defect, count as the rule).
"""

from __future__ import annotations

import re
from collections import namedtuple
from collections.abc import Callable, Iterable

from infractl.errors import InfractlError
from infractl.findings import Finding

_CODE = re.compile(r"^[A-Z][A-Z0-9]*$")  # a rule id or a prefix of one; ids may hold digits inside (K8S103)
_NOQA_CODE = r"[A-Za-z][A-Za-z0-9]*[0-9]"
_NOQA = re.compile(rf"#\s*noqa(?P<sep>\s*:\s*(?P<codes>{_NOQA_CODE}(?:\s*,?\s*{_NOQA_CODE})*))?", re.IGNORECASE)


class RuleSelection(namedtuple("RuleSelection", "select ignore", defaults=((), ()))):
    """The rule codes (tuples of str) to keep (``select``; empty: every rule) and to drop (``ignore``).
    A named tuple, as ``Finding`` (findings.py says why)."""

    __slots__ = ()

    def enabled(self, rule_id: str) -> bool:
        if self.select and not any(_matches(code, rule_id) for code in self.select):
            return False
        return not any(_matches(code, rule_id) for code in self.ignore)

    def apply(self, findings: Iterable[Finding]) -> list[Finding]:
        return [f for f in findings if self.enabled(f.rule)]


def _matches(code: str, rule_id: str) -> bool:
    """By prefix of the id or of one of its aliases (``DTZ003`` is ruff's code for DT010)."""
    from infractl.rulebook import aliases_of

    return code == "ALL" or rule_id.startswith(code) or any(alias.startswith(code) for alias in aliases_of(rule_id))


def parse_codes(values: Iterable[str], where: str) -> tuple[str, ...]:
    """``["DT1,DB001", "WM"]`` -> ``("DT1", "DB001", "WM")``; a code that names no rule is an error."""
    codes: list[str] = []
    for value in values:
        for part in value.replace(" ", ",").split(","):
            if part:
                codes.append(part.strip().upper())
    if not codes:
        return ()  # nothing to check against the catalogue (and no need to load it)
    from infractl.rulebook import all_rules

    known = all_rules()
    for code in codes:
        if not _CODE.match(code) or (code != "ALL" and not any(_matches(code, rule) for rule in known)):
            raise InfractlError(f"{where}: {code!r} matches no rule (see 'infractl rules')")
    return tuple(codes)


def resolve_selection(section: dict, root: dict, select: Iterable[str] | None, ignore: Iterable[str] | None,
                      where: str) -> RuleSelection:
    """Flags win over the command's config table, which wins over the top-level ``[tool.infractl]``."""
    from infractl.config import string_list

    def pick(key: str, flags: Iterable[str] | None) -> tuple[str, ...]:
        flags = list(flags or ())
        if flags:
            return parse_codes(flags, f"--{key}")
        if key in section:
            return parse_codes(string_list(section, key, where), f"{where} {key}")
        return parse_codes(string_list(root, key, "[tool.infractl]"), f"[tool.infractl] {key}")

    return RuleSelection(pick("select", select), pick("ignore", ignore))


def noqa_codes(line: str) -> frozenset[str] | None:
    """None: no ``# noqa`` on the line; an empty set: a bare ``# noqa`` (every rule)."""
    match = _NOQA.search(line)
    if match is None:
        return None
    if not match.group("codes"):
        return frozenset()
    return frozenset(code.upper() for code in re.findall(_NOQA_CODE, match.group("codes")))


def suppressed_by_noqa(rule_id: str, line: str) -> bool:
    from infractl.rulebook import aliases_of

    codes = noqa_codes(line)
    if codes is None:
        return False
    return not codes or rule_id in codes or any(alias in codes for alias in aliases_of(rule_id))


def drop_noqa(findings: Iterable[Finding], lines_of: Callable[[str], list[str] | None]) -> list[Finding]:
    """Remove findings whose line carries a matching ``# noqa``; ``lines_of(path)`` gives the file's lines
    (or None where the input has no comments, e.g. a database)."""
    kept = []
    cache: dict[str, list[str] | None] = {}
    for finding in findings:
        if finding.line is not None:
            if finding.path not in cache:
                cache[finding.path] = lines_of(finding.path)
            lines = cache[finding.path]
            if lines and 0 < finding.line <= len(lines) and suppressed_by_noqa(finding.rule, lines[finding.line - 1]):
                continue
        kept.append(finding)
    return kept


def read_lines(path: str) -> list[str] | None:
    """The lines of a text file on disk (for ``# noqa``), or None when it is not one."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read().splitlines()
    except OSError:
        return None


def keep_wanted(findings: Iterable[Finding], selection: RuleSelection,
                lines_of: Callable[[str], list[str] | None] | None = read_lines) -> list[Finding]:
    """What a command reports: selected, not ignored, not suppressed by ``# noqa`` on its line."""
    chosen = selection.apply(findings)
    return drop_noqa(chosen, lines_of) if lines_of is not None else chosen
