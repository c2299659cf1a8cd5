"""The lines ``# noqa`` is read from, for ``rulebook.selection.keep_wanted``: a file's own lines, and in a
Dockerfile a comment line above an instruction too. A module of its own, so that a command whose inputs
hold no Dockerfile does not import the Dockerfile checks (~4 ms) to drop its suppressed findings."""

from __future__ import annotations

import re
from pathlib import Path

from infractl.manifests.kustomize.discover import is_dockerfile
from infractl.rulebook.selection import read_lines

_NOQA = re.compile(r"#\s*noqa\b", re.IGNORECASE)


def noqa_lines(path: str) -> list[str] | None:
    """The file's lines for ``keep_wanted``; in a Dockerfile, a ``# noqa`` comment line directly above an
    instruction counts for its first line too (a trailing ``# noqa`` would be part of FROM's or ENV's
    arguments; a comment must be a line of its own)."""
    lines = read_lines(path)
    if lines is None or not is_dockerfile(Path(path).name):
        return lines
    merged = list(lines)
    for number in range(1, len(lines)):
        above, here = lines[number - 1].strip(), lines[number].strip()
        if above.startswith("#") and _NOQA.search(above) and here and not here.startswith("#"):
            merged[number] = f"{lines[number]}  {above}"
    return merged
