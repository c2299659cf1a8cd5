"""Which groups can be aware: delta debugging over groups, with the suite as the judge.

``decide(candidates, trial)`` starts from "every candidate aware" and, when that changes an outcome,
splits the set in halves, keeping each half that the suite accepts *together with everything accepted
before it* and splitting the others down to single groups. Every accepted set was run as a whole, so the
final set is one the suite has seen pass as it is (two groups that only fail together are caught: the
second is tried with the first already in). A single group that fails on its own is a culprit and stays
naive, with the tests it changed. What the budget leaves untried stays as auto left it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Sequence
from typing import NamedTuple


class Trial(NamedTuple):
    """One run of the suite over the tree with some groups made aware: whether every outcome stayed as
    it was, and which tests changed when not."""

    same: bool
    changed: tuple[str, ...] = ()


class OutOfBudget(Exception):
    """No run may start any more (``Budget``)."""


class Budget:
    """At most ``runs`` runs of the suite and ``seconds`` of wall time, whichever ends first."""

    def __init__(self, runs: int = 30, seconds: float = 1800.0) -> None:
        self.runs, self.seconds = runs, seconds
        self.used = 0
        self.started = time.monotonic()

    @classmethod
    def parse(cls, text: str) -> Budget:
        """``"40"`` runs, ``"15m"``/``"90s"``/``"1h"`` of time, or both: ``"40,15m"``."""
        runs, seconds = 30, 1800.0
        for part in filter(None, (p.strip() for p in text.split(","))):
            unit = part[-1].lower()
            try:
                if unit in "smh" and not part[-1].isdigit():
                    seconds = float(part[:-1]) * {"s": 1, "m": 60, "h": 3600}[unit]
                else:
                    runs = int(part)
            except ValueError:
                raise ValueError(f"--verify-budget: {part!r} is neither a number of runs nor a time "
                                 "such as 15m") from None
            if runs < 1 or seconds <= 0:
                raise ValueError(f"--verify-budget: {part!r} must be positive")
        return cls(runs, seconds)

    def spend(self) -> None:
        """Take one run, or raise OutOfBudget."""
        if self.used >= self.runs or time.monotonic() - self.started >= self.seconds:
            raise OutOfBudget
        self.used += 1

    def left(self) -> float:
        return max(0.0, self.seconds - (time.monotonic() - self.started))


class Decision(NamedTuple):
    aware: frozenset  # groups the suite accepted aware, all together
    culprits: dict  # group -> the tests that changed when it alone was made aware (with ``aware``)
    undecided: frozenset  # groups the budget left untried: as auto left them
    runs: int  # suite runs the search used


def decide(candidates: Sequence[Hashable], trial: Callable[[frozenset], Trial]) -> Decision:
    """``trial(aware_set)`` runs the suite with exactly those candidates aware; it raises OutOfBudget
    when no run may start (``Budget.spend``), which ends the search."""
    accepted: set = set()
    culprits: dict = {}
    pending: list[list] = [list(candidates)] if candidates else []
    used = 0
    while pending:
        part = pending[0]
        try:
            result = trial(frozenset(accepted | set(part)))
        except OutOfBudget:
            break  # ``part`` stays pending: undecided
        pending.pop(0)
        used += 1
        if result.same:
            accepted |= set(part)
        elif len(part) == 1:
            culprits[part[0]] = result.changed
        else:
            middle = len(part) // 2
            pending[:0] = [part[:middle], part[middle:]]
    undecided = frozenset(group for part in pending for group in part)
    return Decision(frozenset(accepted), culprits, undecided, used)
