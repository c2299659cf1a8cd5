"""Which files a command looks at: the paths given, less ignored, generated and excluded ones.

Honours ``.gitignore`` files (the repository's, and nested ones), skips virtualenvs, ``build/``,
VCS and cache directories, and any ``--exclude`` glob (matched like a ``.gitignore`` line).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox", "__pycache__", "build", "node_modules",
     ".mypy_cache", ".pytest_cache", ".ruff_cache", "site-packages", ".eggs"}
)

_MARKERS = frozenset({".gitignore", "pyvenv.cfg"})  # files that change how a directory is walked


def _spec(lines: Iterable[str]):
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


def _git_root(start: Path) -> Path | None:
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return None


class _Ignores:
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
                spec = _spec(handle.read().splitlines())
        self._cache[directory] = spec
        return spec

    def with_own(self, directory: str, active: list) -> list:
        """``active`` plus this directory's own spec: (length of its path prefix, spec) pairs."""
        spec = self.spec_for(directory)
        return active if spec is None else [*active, (len(directory.rstrip(os.sep)) + 1, spec)]


def _ignored(real: str, is_dir: bool, active: list) -> bool:
    for cut, spec in active:
        # ``real`` was joined onto the spec's directory, so slicing the prefix is the relative path.
        rel = real[cut:] if os.sep == "/" else real[cut:].replace(os.sep, "/")
        if spec.match_file(rel + "/" if is_dir else rel):
            return True
    return False


def _target_excluded(link: str, is_excluded) -> bool:
    """A link is followed to its target: an excluded target stays excluded, whatever the link's path."""
    target = os.path.realpath(link)
    return is_excluded(target, target, False)


def iter_files(
    paths: Iterable[Path],
    suffixes: tuple[str, ...] = (".py",),
    exclude: Iterable[str] = (),
    root: Path | None = None,
    on_skip: Callable[[Path, str, str], None] | None = None,
) -> Iterator[Path]:
    """Yield matching files under ``paths`` in a stable (sorted) order.

    ``exclude`` globs are matched against paths relative to ``root`` (the project root).
    A file named explicitly is yielded unless an ``exclude`` glob matches it.
    ``on_skip(path, kind, reason)`` hears of what could have mattered but is not yielded, so a command
    can say so: kind "excluded" (a file named explicitly that an exclude glob matches), "loop" (a
    symlink loop), "broken" (a symlink to nothing), "unreadable" (a directory that cannot be listed).
    """
    skip = on_skip or (lambda path, kind, reason: None)
    root_prefix = str((root or Path.cwd()).resolve()).rstrip(os.sep) + os.sep
    excluded = _spec(list(exclude)) if exclude else None
    ignores = _Ignores()

    def is_excluded(real: str, shown: str, is_dir: bool) -> bool:
        if excluded is None:
            return False
        rel = real[len(root_prefix):] if real.startswith(root_prefix) else shown
        return excluded.match_file(rel.replace(os.sep, "/") + ("/" if is_dir else ""))

    seen: set[str] = set()
    for given in paths:
        given = Path(given)
        if given.is_file():
            real = str(given.resolve())
            if is_excluded(real, given.as_posix(), False):
                skip(given, "excluded", "named on the command line, but an exclude glob matches it")
            elif real not in seen:
                seen.add(real)
                yield given
            continue
        if not given.is_dir():
            continue
        absolute = given.resolve()
        git_root = _git_root(absolute)
        # .gitignore files above the starting directory (up to the repository root) apply too.
        active: list = []
        if git_root is not None:
            for directory in reversed(absolute.parents):
                if directory.is_relative_to(git_root):
                    active = ignores.with_own(str(directory), active)
        yield from _walk(str(given), str(absolute), active, suffixes, ignores, is_excluded, seen, skip)


def _walk(given, absolute, active, suffixes, ignores, is_excluded, seen, skip) -> Iterator[Path]:
    # Hot loop on big trees: one cheap pass over the directory entries with plain strings, then
    # the (few) .py files and directories are filtered; Path objects only for what is yielded.
    sep = os.sep
    stack = [(given, absolute, active, True)]
    while stack:
        shown, real, active, is_start = stack.pop()
        dirs, files, markers, odd = [], [], [], []
        try:
            with os.scandir(real) as entries:
                for entry in entries:
                    name = entry.name
                    if entry.is_dir(follow_symlinks=False):
                        if name not in SKIP_DIRS and not name.endswith(".egg-info"):
                            dirs.append(name)
                    elif name in _MARKERS:
                        markers.append(name)
                    elif name.endswith(suffixes):
                        try:
                            if entry.is_file():
                                if entry.is_symlink() and _target_excluded(entry.path, is_excluded):
                                    odd.append((name, "excluded", "a symlink to a file an exclude glob matches"))
                                    continue
                                files.append(name)
                            elif entry.is_symlink() and not os.path.exists(entry.path):
                                odd.append((name, "broken", "a symlink to a file that does not exist"))
                        except OSError as exc:  # ELOOP: a link that leads back to itself
                            odd.append((name, "loop", f"not followed: {(exc.strerror or str(exc)).lower()}"))
        except PermissionError as exc:
            skip(Path(shown), "unreadable", f"directory not read: {(exc.strerror or str(exc)).lower()}")
            continue
        except (FileNotFoundError, NotADirectoryError):
            continue
        if "pyvenv.cfg" in markers and not is_start:  # a virtualenv (unless it is what was asked for)
            continue
        if ".gitignore" in markers:
            active = ignores.with_own(real, active)
        real_prefix = real if real.endswith(sep) else real + sep
        shown_prefix = shown + sep
        for name in sorted(dirs, reverse=True):
            entry_real, entry_shown = real_prefix + name, shown_prefix + name
            if (active and _ignored(entry_real, True, active)) or is_excluded(entry_real, entry_shown, True):
                continue
            stack.append((entry_shown, entry_real, active, False))
        for name in sorted(files):
            entry_real, entry_shown = real_prefix + name, shown_prefix + name
            if (active and _ignored(entry_real, False, active)) or is_excluded(entry_real, entry_shown, False):
                continue
            if entry_real not in seen:
                seen.add(entry_real)
                yield Path(entry_shown)
        for name, kind, reason in odd:
            entry_real, entry_shown = real_prefix + name, shown_prefix + name
            if not (active and _ignored(entry_real, False, active)) and not is_excluded(entry_real, entry_shown, False):
                skip(Path(entry_shown), kind, reason)
