"""One wrapper gives every step its status line and its timing (skaffold's timings.go, in small)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from infractl.deploy.plan import Plan
from infractl.sanitise.masking import mask_text


@dataclass
class StepRecord:
    name: str
    status: str  # ok | failed | error | skipped
    seconds: float
    detail: str = ""

    def to_dict(self) -> dict:
        return {"step": self.name, "status": self.status, "seconds": round(self.seconds, 3),
                "detail": self.detail}


@dataclass
class StepRunner:
    plan: Plan
    quiet: bool = False  # --json: the status lines stay off the terminal, the records go in the JSON
    records: list[StepRecord] = field(default_factory=list)

    def mask(self, text: str) -> str:
        return mask_text(text, self.plan.secrets.values_to_mask())

    def run(self, name: str, step: Callable[[Plan], str]) -> None:
        """Run one step; its return value is the one-line detail of its status line."""
        started = time.monotonic()
        self._status(f"… {name}", transient=True)
        try:
            detail = step(self.plan) or ""
        except BaseException as exc:
            # The error itself is printed once, by the report; the status line only says where.
            status = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
            self._record(name, status, started, status)
            raise
        self._record(name, "ok", started, detail)

    def skip(self, name: str, reason: str) -> None:
        self.records.append(StepRecord(name, "skipped", 0.0, reason))
        self._status(f"- {name:<9} skipped  {reason}")

    def _record(self, name: str, status: str, started: float, detail: str) -> None:
        record = StepRecord(name, status, time.monotonic() - started, self.mask(detail))
        self.records.append(record)
        mark = "✓" if status == "ok" else "✗"
        self._status(f"{mark} {name:<9} {record.seconds:6.1f}s  {record.detail}")

    def _status(self, line: str, transient: bool = False) -> None:
        if self.quiet:
            return
        if transient:
            if sys.stderr.isatty():
                sys.stderr.write(self.mask(line) + "\r")
                sys.stderr.flush()
            return
        if sys.stderr.isatty():
            sys.stderr.write("\x1b[2K")
        sys.stderr.write(self.mask(line) + "\n")
        sys.stderr.flush()
