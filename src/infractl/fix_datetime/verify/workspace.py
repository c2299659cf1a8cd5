"""The private copy of the tree that ``--verify`` edits and tests; the user's tree is not touched.

A copy, not links: the suite may write into its tree (caches, fixtures), and a hard-linked copy would
write into the user's files. Virtualenvs inside the tree (a directory holding ``pyvenv.cfg``) are linked
instead of copied (they are not rewritten, and copying one costs hundreds of MB); ``.git`` and tool
caches are left out. The copy is removed on every way out, Ctrl-C included.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

SKIPPED = {".git", ".hg", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".tox", ".nox"}


class Workspace:
    """``with Workspace(root) as copy``: ``copy.root`` mirrors ``root``; ``restore(paths)`` puts the
    original bytes of those files (paths under ``root``) back in the copy."""

    def __init__(self, root: Path) -> None:
        self.source = root.resolve()
        self._scratch = tempfile.mkdtemp(prefix="infractl-verify-tree-")
        self.root = Path(self._scratch) / self.source.name
        self._originals: dict[Path, bytes] = {}
        self.linked: list[Path] = []  # the user's virtualenvs the copy links to (their files are not copied)

    def __enter__(self) -> Workspace:  # noqa: PYI034 - not meant to be subclassed
        venvs: list[str] = []

        def ignored(directory: str, names: list[str]) -> set[str]:
            skipped = {name for name in names if name in SKIPPED}
            for name in set(names) - skipped:
                if os.path.isfile(os.path.join(directory, name, "pyvenv.cfg")):
                    skipped.add(name)
                    venvs.append(os.path.join(directory, name))
            return skipped

        try:
            shutil.copytree(self.source, self.root, symlinks=True, ignore=ignored)
            self.linked = [Path(venv) for venv in venvs]
            for venv in venvs:  # linked, not copied: never rewritten, and copying one costs hundreds of MB
                os.symlink(venv, self.root / os.path.relpath(venv, self.source))
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        shutil.rmtree(self._scratch, ignore_errors=True)

    def inside(self, path: Path) -> Path:
        """Where ``path`` (in the user's tree) is in the copy."""
        return self.root / path.resolve().relative_to(self.source)

    def remember(self, paths) -> None:
        """Keep the current bytes of these files of the copy, once (the first time is the original)."""
        for path in paths:
            copy = Path(path)
            self._originals.setdefault(copy, copy.read_bytes())

    def restore(self) -> None:
        """Every remembered file back to its original bytes (before the next trial's rewrite)."""
        for copy, data in self._originals.items():
            if copy.read_bytes() != data:
                copy.write_bytes(data)

