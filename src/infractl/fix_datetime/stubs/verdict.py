"""What the tests' clock stubs tell one file's rewrite: the record ``groups.stub_verdicts`` hands to the
transform (rewrite/transform.py), one per candidate file."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StubVerdict:
    """What the other files of the project tell one file's rewrite."""

    module: str = ""  # "naive": tests stub this module's datetime and their stubs follow; "keep:<where>": hold
    names: frozenset[str] = frozenset()  # mocks of datetime named here and put in elsewhere: renamed too
    drop: frozenset[str] = frozenset()  # names of what is put in here that are not mocks: never renamed
    hold: str = ""  # this file's stubs stay as they are: where the stub that cannot follow is
    notes: tuple[tuple[int, int, str], ...] = ()  # (line, column, why): DT107 at a stub here
