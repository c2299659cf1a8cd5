"""One input or one area that fails does not end ``infractl check``: it becomes a finding where it failed.

An ``InfractlError`` (the input cannot be read, parsed or rendered; the area's configuration is wrong) is
CHK001 with the error's own words. Any other exception is a defect in infractl, CHK002, naming the
exception's type and message (masked): never "internal error", and every other input and area still
reports. Ctrl-C (a BaseException) still stops the run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from infractl.errors import InfractlError
from infractl.findings import Finding, Severity

AREA_FAILED, INFRACTL_BUG = "CHK001", "CHK002"


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

        return Finding(str(where), None, None, AREA_FAILED, Severity.ERROR, f"{area}: {in_config_file(str(exc))}",
                       "run the area's own command for details")
    from infractl.masking import mask_text

    detail = " ".join(str(exc).split()) or "(no message)"  # one line, whatever the exception held
    message = mask_text(f"{area}: infractl failed on this input: {type(exc).__name__}: {detail}")
    return Finding(str(where), None, None, INFRACTL_BUG, Severity.ERROR, message,
                   "a bug in infractl: report it with this message; the area's own command run with "
                   "INFRACTL_DEBUG=1 shows the traceback")
