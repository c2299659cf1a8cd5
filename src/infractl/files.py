"""Which files a command looks at: the paths given, less ignored, generated and excluded ones.

Honours ``.gitignore`` files (the repository's, and nested ones), skips virtualenvs, ``build/``,
VCS and cache directories, and any ``--exclude`` glob (matched like a ``.gitignore`` line).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Iterator

SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox", "__pycache__", "build", "node_modules",
     ".mypy_cache", ".pytest_cache", ".ruff_cache", "site-packages", ".eggs"}
)


def _spec(lines: Iterable[str]):
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(lines)


def _git_root(start: Path) -> Path | None:
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return None


class _Ignores:
    """The .gitignore specs in force for a directory, each with the directory it is relative to."""

    def __init__(self) -> None:
        self._cache: dict[Path, object | None] = {}

    def spec_for(self, directory: Path):
        if directory not in self._cache:
            gitignore = directory / ".gitignore"
            spec = None
            if gitignore.is_file():
                spec = _spec(gitignore.read_text(encoding="utf-8", errors="replace").splitlines())
            self._cache[directory] = spec
        return self._cache[directory]

    def ignored(self, path: Path, is_dir: bool, chain: list[Path]) -> bool:
        for base in chain:
            spec = self.spec_for(base)
            if spec is None:
                continue
            rel = path.relative_to(base).as_posix() + ("/" if is_dir else "")
            if spec.match_file(rel):
                return True
        return False


def _is_virtualenv(directory: Path) -> bool:
    return (directory / "pyvenv.cfg").is_file()


def iter_files(
    paths: Iterable[Path],
    suffixes: tuple[str, ...] = (".py",),
    exclude: Iterable[str] = (),
    root: Path | None = None,
) -> Iterator[Path]:
    """Yield matching files under ``paths`` in a stable (sorted) order.

    ``exclude`` globs are matched against paths relative to ``root`` (the project root).
    A file named explicitly is yielded unless an ``exclude`` glob matches it.
    """
    root = (root or Path.cwd()).resolve()
    excluded = _spec(list(exclude)) if exclude else None
    ignores = _Ignores()

    def is_excluded(path: Path, is_dir: bool) -> bool:
        if excluded is None:
            return False
        try:
            rel = path.resolve().relative_to(root).as_posix()
        except ValueError:
            rel = path.as_posix()
        return excluded.match_file(rel + ("/" if is_dir else ""))

    seen: set[Path] = set()
    for given in paths:
        given = Path(given)
        if given.is_file():
            if not is_excluded(given, False) and given.resolve() not in seen:
                seen.add(given.resolve())
                yield given
            continue
        if not given.is_dir():
            continue
        absolute = given.resolve()
        git_root = _git_root(absolute)
        # .gitignore files above the starting directory (up to the repository root) apply too.
        base_chain = []
        if git_root is not None:
            base_chain = [d for d in reversed([absolute, *absolute.parents]) if d.is_relative_to(git_root)]
            base_chain = base_chain[:-1]  # the start directory is added by the walk itself
        yield from _walk(given, absolute, base_chain, suffixes, ignores, is_excluded, seen)


def _walk(given, absolute, base_chain, suffixes, ignores, is_excluded, seen) -> Iterator[Path]:
    stack = [(given, absolute, base_chain)]
    while stack:
        shown, real, chain = stack.pop()
        chain = [*chain, real]
        try:
            entries = sorted(os.scandir(real), key=lambda e: e.name, reverse=True)
        except (PermissionError, FileNotFoundError):
            continue
        files = []
        for entry in entries:
            entry_real = real / entry.name
            if entry.is_dir(follow_symlinks=False):
                if entry.name in SKIP_DIRS or entry.name.endswith(".egg-info") or _is_virtualenv(entry_real):
                    continue
                if ignores.ignored(entry_real, True, chain) or is_excluded(shown / entry.name, True):
                    continue
                stack.append((shown / entry.name, entry_real, chain))
            elif entry.name.endswith(suffixes) and entry.is_file():
                if ignores.ignored(entry_real, False, chain) or is_excluded(shown / entry.name, False):
                    continue
                if entry_real not in seen:
                    seen.add(entry_real)
                    files.append(shown / entry.name)
        yield from reversed(files)
