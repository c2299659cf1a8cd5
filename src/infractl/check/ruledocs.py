"""``infractl check``'s own rules (the areas' rules belong to their commands); check/isolation.py emits them."""

from __future__ import annotations

from infractl.findings import Severity
from infractl.rulebook import RuleDoc

RULES = (
    RuleDoc(id="CHK001", name="area-failed", severity=Severity.ERROR, command="check",
            summary="an area, or one of its inputs, could not be checked (bad configuration; an input that "
                    "cannot be read, parsed or rendered)",
            rationale="One broken area or input must not hide the others' results, nor pass silently.",
            fix="run the area's own command (lint-ci, verify-db, ...) to see the details"),
    RuleDoc(id="CHK002", name="infractl-bug", severity=Severity.ERROR, command="check",
            summary="infractl itself failed on one input (an unexpected exception: a bug in infractl)",
            rationale="A defect that shows on one file must not end the run, hide the other inputs' and areas' "
                      "results, or pass that input silently; the finding names the exception so it can be "
                      "reported.",
            fix="report it to infractl's maintainers with the message; the area's own command run with "
                "INFRACTL_DEBUG=1 shows the traceback"),
)
