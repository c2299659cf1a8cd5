""".gitignore files and ``--exclude`` globs: which paths a walk (``files.iter_file_names``) leaves out.

Patterns are matched as git matches them (pathspec's GitIgnoreSpec); a pattern git itself ignores (a lone
"!") is dropped, as git does, and the others still apply.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path


def gitignore_spec(lines: Iterable[str]):
    """The lines of a .gitignore file (or the --exclude globs) as one matcher."""
    import pathspec

    lines = list(lines)
    try:
        return pathspec.GitIgnoreSpec.from_lines(lines)
    except ValueError:  # a pattern git ignores (a lone "!"): drop it, as git does, keep the others
        return pathspec.GitIgnoreSpec.from_lines([line for line in lines if _valid_pattern(line)])


def _valid_pattern(line: str) -> bool:
    import pathspec

    try:
        pathspec.GitIgnoreSpec.from_lines([line])
    except ValueError:
        return False
    return True


def repository_root(start: Path) -> Path | None:
    """The nearest directory at or above ``start`` holding ``.git``: its .gitignore files above ``start`` apply."""
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return None


class GitIgnores:
    """The .gitignore spec of each directory (None when it has none), each read once."""

    def __init__(self) -> None:
        self._cache: dict[str, object | None] = {}

    def spec_for(self, directory: str):
        try:
            return self._cache[directory]
        except KeyError:
            pass
        gitignore = os.path.join(directory, ".gitignore")
        spec = None
        if os.path.isfile(gitignore):
            with open(gitignore, encoding="utf-8", errors="replace") as handle:
                spec = gitignore_spec(handle.read().splitlines())
        self._cache[directory] = spec
        return spec

    def with_own(self, directory: str, active: list) -> list:
        """``active`` plus this directory's own spec: (length of its path prefix, spec) pairs."""
        spec = self.spec_for(directory)
        return active if spec is None else [*active, (len(directory.rstrip(os.sep)) + 1, spec)]


def ignored_by(real: str, is_dir: bool, active: list) -> bool:
    """Whether one of ``active`` (``GitIgnores.with_own`` pairs) ignores the path ``real``."""
    for cut, spec in active:
        # ``real`` was joined onto the spec's directory, so slicing the prefix is the relative path.
        rel = real[cut:] if os.sep == "/" else real[cut:].replace(os.sep, "/")
        if spec.match_file(rel + "/" if is_dir else rel):
            return True
    return False


def target_excluded(link: str, is_excluded) -> bool:
    """A link is followed to its target: an excluded target stays excluded, whatever the link's path."""
    target = os.path.realpath(link)
    return is_excluded(target, target, False)
