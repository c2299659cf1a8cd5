"""What a codemod run with ``--diff`` prints: fix-datetime and fix-skips share it."""

from __future__ import annotations

from pathlib import Path


def unified_diffs(texts: dict[str, tuple[str, str]]) -> dict[str, str]:
    """One unified diff per changed file, in the file's own newlines (``patch -p1`` applies it)."""
    import difflib

    diffs = {}
    for path, (old_text, new_text) in texts.items():
        shown = Path(path).as_posix()
        a, b = (shown, shown) if Path(shown).is_absolute() else (f"a/{shown}", f"b/{shown}")
        old, new = old_text.splitlines(keepends=True), new_text.splitlines(keepends=True)
        lines = difflib.unified_diff(old, new, a, b, lineterm="\n")
        # A last line without a newline needs git's marker, or the diff would not apply.
        diffs[path] = "".join(
            line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n" for line in lines
        )
    return diffs
