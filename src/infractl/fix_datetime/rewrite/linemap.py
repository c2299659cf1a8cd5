"""Where a line of one version of a file came from in another (findings follow the text they point at)."""

from __future__ import annotations


def line_mapper(old: str, new: str):
    """A function from a 1-based line of ``new`` to the line of ``old`` it came from (or stands before)."""
    from difflib import SequenceMatcher

    blocks = SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False).get_opcodes()

    def to_old(line: int | None) -> int | None:
        if line is None:
            return None
        index = line - 1
        for tag, i1, i2, j1, j2 in blocks:
            if j1 <= index < j2:
                if tag == "equal":
                    return i1 + (index - j1) + 1
                # Align from the block's end: the rewrite inserts (imports, the helper) above the lines
                # it rewrites, so a block's last lines are the rewritten counterparts of the old ones.
                return max(i1, i2 - (j2 - index)) + 1
        return line

    return to_old
