"""The one result type every checker returns, and how a list of them becomes an exit code."""

from __future__ import annotations

from collections import Counter, namedtuple
from collections.abc import Iterable
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


# Findings are named tuples: a run makes thousands of them (and workers pickle them), and a named tuple is
# the cheapest record to build, compare and pickle. (They were also kept off dataclasses while ``check``
# avoided importing them; since Typer parses every command, dataclasses are allowed again: docs/speed.md.)
_FINDING_FIELDS = "path line column rule severity message fix logical_name logical_kind"


class Finding(namedtuple("Finding", _FINDING_FIELDS, defaults=("", "", ""))):
    """One problem at one place. ``path`` (str) is as the user gave it (relative where possible);
    ``line`` and ``column`` are ints or None; ``rule`` the id; ``severity`` a Severity; ``message`` and
    ``fix`` (the hint, "" for none) are text. ``logical_name``/``logical_kind``: a place that is not a
    file (a database column), its fully qualified name and kind; when set, ``path`` is a display name
    (e.g. "public.orders"), and SARIF/GitHub output claim no file. Immutable and ordered by its fields;
    ``_replace`` gives a changed copy."""

    __slots__ = ()

    def to_dict(self) -> dict:
        # Built by hand: dataclasses.asdict deep-copies and is ~10x slower on thousands of findings.
        data = {"rule": self.rule, "severity": self.severity.value, "path": self.path, "line": self.line,
                "column": self.column, "message": self.message, "fix": self.fix}
        if self.logical_name:
            data["logical_location"] = {"name": self.logical_name, "kind": self.logical_kind}
        return data


def in_order(findings: Iterable[Finding]) -> list[Finding]:
    """By path, line, column, rule; findings without a line (a whole file) come first in their file."""
    return sorted(findings, key=lambda f: (f.path, f.line or 0, f.column or 0, f.rule, f.message))


def count_by_severity(findings: Iterable[Finding]) -> dict[str, int]:
    counts = Counter(f.severity.value for f in findings)
    return {s.value: counts.get(s.value, 0) for s in Severity}


def fails(findings: Iterable[Finding], strict: bool = False) -> bool:
    """Errors always fail; warnings fail only under ``--strict``; info never does."""
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    return any(f.severity in failing for f in findings)
