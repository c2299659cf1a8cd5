"""``--fix``: apply the automatic fixes rules declare (``Rule.fixer``, ``fixes.Change``) to what a check
found, prove each one removed its finding, and write the result through the one safe writer.

``workspace.py`` the private copy the fixes are tried in, ``engine.py`` the passes, ``outcome.py`` what
is written or shown and how the report says it, ``rules.py`` the engine's own findings.
"""

from collections import namedtuple


class FixOptions(namedtuple("FixOptions", "unsafe diff", defaults=(False, False))):
    """``--unsafe-fixes`` (unsafe fixes too) and ``--diff`` (show, write nothing), given ``--fix``."""

    __slots__ = ()


def fix_options(fix: bool, unsafe: bool, diff: bool) -> FixOptions | None:
    """The flags as one value; None when no fix was asked for (``--unsafe-fixes`` and ``--diff`` imply
    ``--fix``, as ruff's do). Light: every command with fixes calls it on its clean path."""
    return FixOptions(unsafe, diff) if fix or unsafe or diff else None
