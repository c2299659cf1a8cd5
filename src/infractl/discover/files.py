"""Which files a command looks at: the paths given, less ignored, generated and excluded ones.

Honours ``.gitignore`` files (the repository's, and nested ones), skips virtualenvs, ``build/``,
VCS and cache directories, and any ``--exclude`` glob (matched like a ``.gitignore`` line; ``ignores.py``
holds the matching). Also the run's directory listings (``WalkCache``) and the raw reads of a file.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from infractl.rulebook.ignores import GitIgnores, gitignore_spec, ignored_by, repository_root, target_excluded

SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox", "__pycache__", "build", "node_modules",
     ".mypy_cache", ".pytest_cache", ".ruff_cache", "site-packages", ".eggs"}
)

_MARKERS = frozenset({".gitignore", "pyvenv.cfg"})  # files that change how a directory is walked


def named_directory(path: Path) -> Path:
    """``path``, a directory named on the command line or in the configuration; else an InfractlError (exit 2,
    one line) that says what it is instead: missing, a symlink loop, unreadable, a file."""
    import stat

    from infractl.errors import InfractlError

    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise InfractlError(f"path does not exist: {path}") from None
    except OSError as exc:
        reason = "a symlink loop" if exc.errno == errno.ELOOP else (exc.strerror or str(exc)).lower()
        raise InfractlError(f"cannot read {path}: {reason}") from None
    if not stat.S_ISDIR(mode):
        raise InfractlError(f"not a directory: {path}")
    return path


def iter_files(paths: Iterable[Path], *args, **kwargs) -> Iterator[Path]:
    """``iter_file_names`` (same arguments), as Path objects."""
    return map(Path, iter_file_names(paths, *args, **kwargs))


def iter_file_names(
    paths: Iterable[Path],
    suffixes: tuple[str, ...] = (".py",),
    exclude: Iterable[str] = (),
    root: Path | None = None,
    on_skip: Callable[[Path, str, str], None] | None = None,
    match: Callable[[str], bool] | None = None,
    cache: WalkCache | None = None,
) -> Iterator[str]:
    """Yield matching files under ``paths`` in a stable (sorted) order, as the paths to open (plain
    strings: a big tree's hot loop builds no Path objects).

    ``exclude`` globs are matched against paths relative to ``root`` (the project root).
    A file named explicitly is yielded unless an ``exclude`` glob matches it.
    ``on_skip(path, kind, reason)`` hears of what could have mattered but is not yielded, so a command
    can say so: kind "excluded" (a file named explicitly that an exclude glob matches), "loop" (a
    symlink loop), "broken" (a symlink to nothing), "unreadable" (a directory that cannot be listed).
    ``match(name)``, when given, chooses the files by name instead of ``suffixes``. ``cache``: the run's
    ``WalkCache`` (``scanner.Scanner`` holds one), so several walks of one tree list each directory once.
    """
    skip = on_skip or (lambda path, kind, reason: None)
    root_prefix = str((root or Path.cwd()).resolve()).rstrip(os.sep) + os.sep
    excluded = gitignore_spec(list(exclude)) if exclude else None
    ignores = GitIgnores()

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
                yield str(given)
            continue
        if not given.is_dir():
            continue
        absolute = given.resolve()
        git_root = repository_root(absolute)
        # .gitignore files above the starting directory (up to the repository root) apply too.
        active: list = []
        if git_root is not None:
            for directory in reversed(absolute.parents):
                if directory.is_relative_to(git_root):
                    active = ignores.with_own(str(directory), active)
        wanted = match or (lambda name: name.endswith(suffixes))
        yield from _walk(str(given), str(absolute), active, wanted, ignores, is_excluded, seen, skip,
                         cache or _UNCACHED)


def _walk(given, absolute, active, wanted, ignores, is_excluded, seen, skip, cache) -> Iterator[str]:
    # Hot loop on big trees: plain strings, and the directory listing from ``_list`` (one scandir, or
    # the run's cached listing).
    sep = os.sep
    listed, ignored = cache.listing, cache.ignored
    stack = [(given, absolute, active, True)]
    while stack:
        shown, real, active, is_start = stack.pop()
        listing = listed(real)
        if isinstance(listing, PermissionError):
            skip(Path(shown), "unreadable", f"directory not read: {(listing.strerror or str(listing)).lower()}")
            continue
        if listing is None:
            continue
        dirs, entries, markers = listing
        files, odd = [], []
        for name, kind, is_link in entries:
            if not wanted(name):
                continue
            if kind == "file":
                if is_link and target_excluded(real + sep + name, is_excluded):
                    odd.append((name, "excluded", "a symlink to a file an exclude glob matches"))
                else:
                    files.append(name)
            elif kind == "broken":
                odd.append((name, "broken", "a symlink to a file that does not exist"))
            elif kind != "other":
                odd.append((name, "loop", kind))
        if "pyvenv.cfg" in markers and not is_start:  # a virtualenv (unless it is what was asked for)
            continue
        if ".gitignore" in markers:
            active = ignores.with_own(real, active)
        real_prefix = real if real.endswith(sep) else real + sep
        shown_prefix = "" if shown == "." else shown + sep  # as Path shows them: "app/x.py", not "./app/x.py"
        for name in reversed(dirs):
            entry_real, entry_shown = real_prefix + name, shown_prefix + name
            if (active and ignored(entry_real, True, active)) or is_excluded(entry_real, entry_shown, True):
                continue
            stack.append((entry_shown, entry_real, active, False))
        for name in files:
            entry_real, entry_shown = real_prefix + name, shown_prefix + name
            if (active and ignored(entry_real, False, active)) or is_excluded(entry_real, entry_shown, False):
                continue
            if entry_real not in seen:
                seen.add(entry_real)
                yield entry_shown
        for name, kind, reason in odd:
            entry_real, entry_shown = real_prefix + name, shown_prefix + name
            if not (active and ignored(entry_real, False, active)) and not is_excluded(entry_real, entry_shown, False):
                skip(Path(entry_shown), kind, reason)


def _list(real: str):
    """One directory: (sorted subdirectory names, sorted (name, kind, is_link) of the other entries,
    marker names); a PermissionError when it cannot be listed; None when it is gone. ``kind`` is
    "file", "broken" (a link to nothing), "other" (a FIFO, a socket...) or, for a link loop, the reason."""
    dirs, entries, markers = [], [], []
    try:
        with os.scandir(real) as scan:
            for entry in scan:
                name = entry.name
                if entry.is_dir(follow_symlinks=False):
                    if name not in SKIP_DIRS and not name.endswith(".egg-info"):
                        dirs.append(name)
                    continue
                if name in _MARKERS:
                    markers.append(name)
                    continue
                is_link = entry.is_symlink()
                try:
                    if entry.is_file():
                        kind = "file"
                    elif is_link and not os.path.exists(entry.path):
                        kind = "broken"
                    else:
                        kind = "other"
                except OSError as exc:  # ELOOP: a link that leads back to itself
                    kind = f"not followed: {(exc.strerror or str(exc)).lower()}"
                entries.append((name, kind, is_link))
    except PermissionError as exc:
        return exc
    except (FileNotFoundError, NotADirectoryError):
        return None
    dirs.sort()
    entries.sort()
    return dirs, entries, markers


class WalkCache:
    """Directory listings and ignore decisions kept for one run (``scanner.Scanner``): ``infractl check``
    runs six areas over one tree, and each would otherwise list it again. The tree is assumed unchanged
    meanwhile."""

    def __init__(self) -> None:
        self._listings: dict[str, object] = {}
        self._ignored: dict[tuple[str, bool], bool] = {}

    def listing(self, real: str):
        try:
            return self._listings[real]
        except KeyError:
            found = self._listings[real] = _list(real)
            return found

    def ignored(self, real: str, is_dir: bool, active: list) -> bool:
        # the same real path always has the same .gitignore files above it within one repository
        key = (real, is_dir)
        try:
            return self._ignored[key]
        except KeyError:
            found = self._ignored[key] = ignored_by(real, is_dir, active)
            return found


class _Uncached:
    """A walk on its own: every listing and decision made afresh."""

    listing = staticmethod(_list)
    ignored = staticmethod(ignored_by)


_UNCACHED = _Uncached()


def read_bytes(path: str) -> bytes:
    """The whole file (``scanner.Scanner.read`` keeps it for the rest of the run)."""
    return _read_whole(path)


def read_head(path: str, size: int) -> bytes:
    """At most the first ``size`` bytes."""
    with open(path, "rb") as handle:
        return handle.read(size)


def module_file(dotted: str, roots) -> str | None:
    """The file of module ``dotted`` below the first of ``roots`` that has it: ``<root>/a/b.py``, else the
    package ``<root>/a/b/__init__.py`` ("" is the root's own package). Static module look-up for code
    that is read, never imported (fix-datetime's clock stubs, verify-db's project column types)."""
    relative = os.path.join(*dotted.split(".")) if dotted else ""
    for root in roots:
        candidates = (f"{relative}.py", os.path.join(relative, "__init__.py")) if relative else ("__init__.py",)
        for candidate in candidates:
            path = os.path.join(root, candidate)
            if os.path.isfile(path):
                return path
    return None


READ_CHUNK = 1 << 20


def _read_whole(name: str) -> bytes:
    """Raw os.read is ~25% faster than open() per file, which shows on big trees."""
    fd = os.open(name, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        chunks = []
        while chunk := os.read(fd, READ_CHUNK):  # until EOF: a short read is not the end of the file
            chunks.append(chunk)
    finally:
        os.close(fd)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)
