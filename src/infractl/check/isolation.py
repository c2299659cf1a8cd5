"""One input or one area that fails does not end ``infractl check``: it becomes a finding where it failed.

An ``InfractlError`` (the input cannot be read, parsed or rendered; the area's configuration is wrong) is
CHK001 with the error's own words. Any other exception is a defect in infractl, CHK002, naming the
exception's type and message (masked): never "internal error", and every other input and area still
reports. Ctrl-C (a BaseException) still stops the run.

Both rules are defined here, beside the only code that makes their findings (the module is light).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from infractl.errors import InfractlError
from infractl.findings import Finding, Severity
from infractl.rulebook import Rule

_NO_CASES = "needs an area that fails (a configuration error, an exception inside infractl); " \
            "tests/check/test_isolation.py provokes both"
AREA_FAILED = Rule(
    id="CHK001", name="area-failed", severity=Severity.ERROR, command="check",
    summary="an area, or one of its inputs, could not be checked (bad configuration; an input that cannot be "
            "read, parsed or rendered)",
    rationale="One broken area or input must not hide the others' results, nor pass silently.",
    fix="run the area's own command (lint-ci, verify-db, ...) to see the details", no_cases=_NO_CASES)
INFRACTL_BUG = Rule(
    id="CHK002", name="infractl-bug", severity=Severity.ERROR, command="check",
    summary="infractl itself failed on one input (an unexpected exception: a bug in infractl)",
    rationale="A defect that shows on one file must not end the run, hide the other inputs' and areas' results, "
              "or pass that input silently; the finding names the exception so it can be reported.",
    fix="report it to infractl's maintainers with the message; the area's own command run with INFRACTL_DEBUG=1 "
        "shows the traceback", no_cases=_NO_CASES)
RULES = (AREA_FAILED, INFRACTL_BUG)


def isolated(area: str, where: Path | str, lint: Callable[[], Iterable[Finding]]) -> list[Finding]:
    """``lint()``'s findings, or the one finding that says why it could not give them."""
    try:
        return list(lint())
    except Exception as exc:  # noqa: BLE001 - the point: one failure must not hide every other result
        return [failure(area, where, exc)]


def failure(area: str, where: Path | str, exc: Exception) -> Finding:
    """CHK001 for an InfractlError (its message is for the user), CHK002 for anything else."""
    if isinstance(exc, InfractlError):
        from infractl.config import in_config_file

        return AREA_FAILED.finding(str(where), None, None, f"{area}: {in_config_file(str(exc))}",
                                   "run the area's own command for details")
    from infractl.sanitise.masking import mask_text

    detail = " ".join(str(exc).split()) or "(no message)"  # one line, whatever the exception held
    message = mask_text(f"{area}: infractl failed on this input: {type(exc).__name__}: {detail}")
    return INFRACTL_BUG.finding(str(where), None, None, message,
                               "a bug in infractl: report it with this message; the area's own command run "
                               "with INFRACTL_DEBUG=1 shows the traceback")
