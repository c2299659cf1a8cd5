"""``infractl check``'s own rule (the areas' rules belong to their commands)."""

from __future__ import annotations

from infractl.findings import Severity
from infractl.rulebook import RuleDoc

RULES = (
    RuleDoc(id="CHK001", name="area-failed", severity=Severity.ERROR, command="check",
            summary="an area of the check could not run (bad configuration or input)",
            rationale="One broken area must not hide the others' results, nor pass silently.",
            fix="run the area's own command (lint-ci, verify-db, ...) to see the details"),
)
