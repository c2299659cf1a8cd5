"""The private copy fixes are tried in: the check runs again on it after every pass, and the user's files
are written only once, at the end, from it (so ``--diff`` and ``--fix`` share every step but the last, and
Ctrl-C during the passes leaves the user's tree untouched).

The copy holds the target's directory as the walk sees it: the directories every walk skips (``.git``,
virtualenvs, ``node_modules``: ``files.SKIP_DIRS``) are left out, symlinks stay links. A file that cannot
be copied is named in ``uncopied``: its findings are kept as they are, never lost.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from infractl.findings import Finding


class Workspace:
    """``target`` (a file or a directory) copied below a private temp directory; paths map both ways."""

    def __init__(self, target: Path) -> None:
        from infractl.discover.files import SKIP_DIRS

        self.target = Path(os.path.abspath(target))
        self.root = self.target if self.target.is_dir() else self.target.parent
        self.base = Path(tempfile.mkdtemp(prefix="infractl-fix-"))  # mode 0700: ours alone
        self.copy_root = self.base / "tree"
        self.uncopied: set[Path] = set()

        def ignore(directory: str, names: list[str]) -> set[str]:
            return {name for name in names if name in SKIP_DIRS or name.endswith(".egg-info")}

        try:
            shutil.copytree(self.root, self.copy_root, symlinks=True, ignore=ignore, copy_function=shutil.copy2,
                            ignore_dangling_symlinks=True)
        except shutil.Error as exc:  # the rest was copied; these could not be (unreadable to this user)
            self.uncopied = {Path(os.path.abspath(source)) for source, _, _ in exc.args[0]}
        if (self.root / ".git").exists():  # .gitignore files apply from the repository's top, as in the real tree
            (self.copy_root / ".git").mkdir(exist_ok=True)

    @property
    def copy_target(self) -> Path:
        return self.copy_root / self.target.relative_to(self.root) if self.target != self.root else self.copy_root

    def real_of(self, path: str | Path) -> Path | None:
        """The user's file a finding's path names, if it is inside the target (else None: not ours to fix)."""
        real = Path(os.path.abspath(path))
        try:
            real.relative_to(self.root)
        except ValueError:
            return None
        if self.target != self.root and real != self.target:
            return None
        return None if real in self.uncopied else real

    def to_copy(self, real: Path) -> Path:
        return self.copy_root / real.relative_to(self.root)

    def to_real(self, copy_path: str | Path) -> Path | None:
        try:
            return self.root / Path(os.path.abspath(copy_path)).relative_to(self.copy_root)
        except ValueError:
            return None

    def into_copy(self, finding: Finding) -> Finding | None:
        real = self.real_of(finding.path)
        return finding._replace(path=str(self.to_copy(real))) if real is not None else None

    def back(self, finding: Finding) -> Finding:
        """A finding made in the copy as the user's tree would show it: its path and any copy path in its
        text (WM009 names the other file) mapped back."""
        real = self.to_real(finding.path)
        path = shown(real) if real is not None else finding.path
        top = shown(self.root)

        def mapped(text: str) -> str:  # "<copy>/x" as "x" when the tree is the current directory, else "<root>/x"
            text = text.replace(str(self.copy_root) + os.sep, "" if top == "." else top + os.sep)
            return text.replace(str(self.copy_root), top)

        return finding._replace(path=path, message=mapped(finding.message), fix=mapped(finding.fix))

    def remove(self) -> None:
        shutil.rmtree(self.base, ignore_errors=True)


def shown(path: Path) -> str:
    """A path as every command shows it: relative to the current directory when under it."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def moved(path: Path, target: Path, copy: Path) -> Path:
    """``path`` (at or below ``target``) as it is in the copy of ``target`` at ``copy``: how a command's
    recheck finds its other inputs (manifests' compose files, Dockerfiles) in the copy."""
    relative = Path(os.path.abspath(path)).relative_to(os.path.abspath(target))
    return copy / relative if relative != Path(".") else copy
