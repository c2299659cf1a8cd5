"""What an automatic fix is: edits by position in a file's text, and optionally its mode.

A rule that can fix its findings names a fixer (``Rule.fixer``, "module:function", imported only when
fixing) with ``function(text, finding) -> Change | None`` (or ``function(text, finding, siblings)`` when
it is marked ``fixes_siblings``: ``Change.covers``): ``text`` is the file's whole decoded text,
``finding`` one finding of that rule on it; ``None`` means this finding cannot be fixed safely here
(it stays a finding for a human). Edits are by offset into ``text`` and replace only what they cover,
so everything else in the file (comments, key order, quoting, indentation, line endings) is kept byte
for byte. The one safe writer (``fsio``) writes the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``text[start:end]`` with ``new`` (``start == end`` inserts)."""

    start: int
    end: int
    new: str


@dataclass(frozen=True, slots=True)
class Change:
    """One finding's fix: its edits (non-overlapping) and, if the file's mode must change, the new mode."""

    edits: tuple[Edit, ...] = ()
    mode: int | None = None
    note: str = ""  # what the fix did, for the report ("id replaced by a UUID derived from it")
    # other findings these edits fix too, each with its note: a fixer marked ``fixes_siblings`` is given the
    # file's other findings of its rules (``siblings=``) and may fix them in the same edit (the four
    # securityContext settings of one container: one insertion, where one each took four passes)
    covers: tuple = ()


class OverlappingEdits(ValueError):
    """Two edits touch the same text: the later finding's fix waits for the next pass."""


def overlaps(a: Edit, b: Edit) -> bool:
    """Whether two edits cannot both apply in one pass: their ranges overlap, or they start at one place
    and one of them inserts there (which text comes first would be a guess)."""
    return a.start < b.end and b.start < a.end or (a.start == b.start and (a.start == a.end or b.start == b.end))


def apply_edits(text: str, edits: tuple[Edit, ...] | list[Edit]) -> str:
    """``text`` with every edit applied. Edits may come in any order; overlapping ones are refused."""
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    for before, after in pairwise(ordered):
        if overlaps(before, after):
            raise OverlappingEdits(f"edits overlap at offset {after.start}")
    for edit in ordered:
        if not 0 <= edit.start <= edit.end <= len(text):
            raise ValueError(f"edit {edit.start}:{edit.end} is outside the text (length {len(text)})")
    parts, position = [], 0
    for edit in ordered:
        parts.append(text[position:edit.start])
        parts.append(edit.new)
        position = edit.end
    parts.append(text[position:])
    return "".join(parts)


def line_offsets(text: str) -> list[int]:
    """Offset of the start of each line (1-based line n starts at ``offsets[n - 1]``); keeps ``\\r\\n``."""
    offsets = [0]
    for index, char in enumerate(text):
        if char == "\n":
            offsets.append(index + 1)
    return offsets
