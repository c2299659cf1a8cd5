"""The one writer for files the user gave us: compare-and-swap, atomic, owner/mode/links kept, or refused.

``write_if_unchanged(path, before, data, within)`` replaces a file with ``data`` only if, just before the
``os.replace``, it still is the file that was read (``before``: its bytes and its (dev, inode, size,
mtime_ns) identity then). Everything that would make the write unsafe or lossy is a *skipped* outcome
with a reason the command turns into a finding; nothing is overwritten, recreated or given away:

- changed, deleted or renamed since it was read: not overwritten, not recreated;
- its owner or group cannot be kept (a non-root user cannot chown back): refused, not silently the user's;
- read-only (see ``_read_only``) or in a read-only directory: left alone;
- hard-linked (st_nlink > 1): refused. An atomic write replaces the name with a new inode, which splits
  the link (the other names keep the old text, silently); writing in place would keep the link but a crash
  or a full disk would leave a half-written file behind every name. Neither is safe, so we say so and the
  user decides (break the link, or edit by hand);
- reached through a symlink that leads outside ``within`` (the paths the user gave): never written.

The remaining race, between the final check and ``os.replace``, is microseconds; no rename-based editor
(nor sed -i) can close it without locks other programs do not take.

Temp files and the directory lock live in ``fsio_temps`` (which says how a killed run's temp files are
removed); their public names are importable from here too.
"""

from __future__ import annotations

import errno
import os
import stat
from collections import namedtuple
from collections.abc import Sequence
from pathlib import Path

from infractl.fsio.temps import (  # noqa: F401 (STALE_AFTER, TEMP_SUFFIX, locked_directory: re-exported)
    STALE_AFTER,
    TEMP_SUFFIX,
    OwnerNotKept,
    locked_directory,
    remove_stale_temps,
    temp_copy,
    unlink_quietly,
)


class Snapshot(namedtuple("Snapshot", "data identity")):
    """A file as it was read: its bytes and ``(st_dev, st_ino, st_size, st_mtime_ns)`` (None: not known)."""

    __slots__ = ()


class WriteOutcome(namedtuple("WriteOutcome", "status reason kind", defaults=("", ""))):
    """``status``: "written", "unchanged" or "skipped"; for skipped, ``reason`` (a phrase for the finding)
    and ``kind``: "changed", "gone", "owner", "read-only", "hard-link", "outside", "error"."""

    __slots__ = ()

    @property
    def skipped(self) -> bool:
        return self.status == "skipped"


# What to do about each kind of skipped write: the finding's fix, the same for every command.
ADVICE = {
    "changed": "run again once nothing else is editing the file",
    "gone": "nothing to do, or run again on the file where it is now",
    "owner": "run as the file's owner (or root), or give the file to this user",
    "read-only": "make the file (and its directory) writable if it should be rewritten",
    "hard-link": "edit it by hand, or give this name its own copy (cp F F.new && mv F.new F) and run again",
    "outside": "run on the target's own path, or replace the link with a copy",
}


def identity(st: os.stat_result) -> tuple[int, int, int, int]:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def read_snapshot(path: Path | str) -> Snapshot:
    """Read a file and its identity from one open file (OSError as open/read raise it)."""
    with open(path, "rb") as handle:
        st = os.fstat(handle.fileno())
        return Snapshot(handle.read(), identity(st))


def snapshot_after_read(path: Path | str, data: bytes) -> Snapshot:
    """The identity of a file whose bytes were read elsewhere (a shared walk): a change in between is
    still caught, by the content comparison of ``write_if_unchanged``."""
    try:
        return Snapshot(data, identity(os.stat(path)))
    except OSError:
        return Snapshot(data, None)


def inside(path: Path | str, within: Sequence[Path | str]) -> bool:
    """Whether ``path``'s real location is one of ``within`` (real paths) or below one of them."""
    real = os.path.realpath(path)
    for root in within:
        top = os.path.realpath(root)
        if real == top or real.startswith(top.rstrip(os.sep) + os.sep):
            return True
    return False


def write_if_unchanged(path: Path | str, before: Snapshot, data: bytes,
                       within: Sequence[Path | str] | None = None) -> WriteOutcome:
    """Replace ``path`` (through a symlink: its target) with ``data`` if it is still as ``before``."""
    if within is not None and not inside(path, within):
        return WriteOutcome("skipped", f"it leads to {os.path.realpath(path)}, outside the given paths",
                            "outside")
    target = Path(os.path.realpath(path))  # replacing a link itself would turn it into a copy
    remove_stale_temps(target)
    try:
        st, current = _stat_and_read(target)
    except FileNotFoundError:
        return WriteOutcome("skipped", "it was deleted or renamed since it was read (not recreated)", "gone")
    except OSError as exc:
        return WriteOutcome("skipped", f"cannot read it again: {exc.strerror or exc}", "error")
    if current == data:
        return WriteOutcome("unchanged")  # nothing to write, the mtime stays
    refused = _refusal(target, st, current, before)
    if refused is not None:
        return refused
    try:
        tmp = temp_copy(target, data, st)
    except OwnerNotKept:
        return WriteOutcome("skipped", f"its owner or group ({st.st_uid}:{st.st_gid}) cannot be kept by this "
                            "user, and a rewrite would give it away", "owner")
    except OSError as exc:
        return WriteOutcome("skipped", f"cannot write: {exc.strerror or exc}", "error")
    try:
        try:
            st, current = _stat_and_read(target)  # the compare of compare-and-swap, right before the swap
        except FileNotFoundError:
            return WriteOutcome("skipped", "it was deleted or renamed since it was read (not recreated)", "gone")
        changed = _refusal(target, st, current, before)
        if changed is not None:
            return changed
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        return WriteOutcome("skipped", f"cannot write: {exc.strerror or exc}", "error")
    finally:
        if tmp is not None:
            unlink_quietly(tmp)
    return WriteOutcome("written")


def chmod_if_unchanged(path: Path | str, before: Snapshot, mode: int,
                       within: Sequence[Path | str] | None = None) -> WriteOutcome:
    """Give ``path`` (a file, or a directory with ``before.identity`` None) the permission bits ``mode``
    if it is still as ``before``: a fix that makes a file readable (WireMock's WM012) changes nothing else.
    A symlink leading outside ``within`` and a file that changed are refused as ``write_if_unchanged`` does."""
    if within is not None and not inside(path, within):
        return WriteOutcome("skipped", f"it leads to {os.path.realpath(path)}, outside the given paths",
                            "outside")
    target = Path(os.path.realpath(path))
    try:
        st = os.stat(target)
        if stat.S_ISREG(st.st_mode):
            st, current = _stat_and_read(target)
            if current != before.data or (before.identity is not None and identity(st) != before.identity):
                return WriteOutcome("skipped", "it changed since it was read (not changed)", "changed")
        if stat.S_IMODE(st.st_mode) == mode:
            return WriteOutcome("unchanged")
        os.chmod(target, mode)
    except FileNotFoundError:
        return WriteOutcome("skipped", "it was deleted or renamed since it was read", "gone")
    except OSError as exc:
        return WriteOutcome("skipped", f"cannot change its mode: {exc.strerror or exc}", "error")
    return WriteOutcome("written")


def create_new(path: Path | str, data: bytes, stale_names: str | None = None) -> WriteOutcome:
    """Create ``path`` with ``data``, complete or not at all; an existing file is never replaced
    (``os.link`` of the finished temp file fails with EEXIST instead of overwriting, atomically).
    ``stale_names``: a regex of the names earlier runs may have been creating here (for their temp files)."""
    target = Path(path)
    remove_stale_temps(target, stale_names)
    tmp = temp_copy(target, data, None)
    try:
        try:
            os.link(tmp, target)
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP):
                raise
            # a file system without hard links: the check and the rename are two steps (callers lock)
            if os.path.lexists(target):
                raise FileExistsError(errno.EEXIST, "exists", str(target)) from None
            os.replace(tmp, target)
    except FileExistsError:
        return WriteOutcome("skipped", "a file of that name exists (not overwritten)", "changed")
    finally:
        unlink_quietly(tmp)
    return WriteOutcome("written")


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Create or replace one of infractl's own files (wiremock's state), atomically, keeping mode and
    owner where it can. Files the user gave us go through ``write_if_unchanged`` instead."""
    target = Path(os.path.realpath(path))
    try:
        st = target.stat()
        if target.read_bytes() == data:
            return
    except FileNotFoundError:
        st = None
    tmp = temp_copy(target, data, st, strict_owner=False)
    try:
        os.replace(tmp, target)
    except BaseException:
        unlink_quietly(tmp)
        raise


def _stat_and_read(path: Path) -> tuple[os.stat_result, bytes]:
    with open(path, "rb") as handle:
        return os.fstat(handle.fileno()), handle.read()


def _refusal(target: Path, st: os.stat_result, current: bytes, before: Snapshot) -> WriteOutcome | None:
    if current != before.data or (before.identity is not None and identity(st) != before.identity):
        return WriteOutcome("skipped", "it changed since it was read (not overwritten)", "changed")
    if st.st_nlink > 1:
        return WriteOutcome("skipped", f"it has {st.st_nlink} hard links, and a rewrite would split them "
                            "(the other names would keep the old text)", "hard-link")
    why = _read_only(target, st)
    if why:
        return WriteOutcome("skipped", why, "read-only")
    return None


def _read_only(target: Path, st: os.stat_result) -> str:
    """Why this user may not write the file, or "". For a user, what ``access(W_OK)`` says of the file and
    of its directory (replacing needs both). Root may write anything, so for root a file (or directory)
    without any write bit counts as read-only: someone made it so on purpose, and an override in our
    name is what they wanted to prevent."""
    for place, place_st, label in ((target, st, "it is"), (target.parent, None, "its directory is")):
        if not os.access(place, os.W_OK, effective_ids=os.access in os.supports_effective_ids):
            return f"{label} read-only for this user"
        if os.geteuid() == 0:
            mode = (place_st or os.stat(place)).st_mode
            if not mode & 0o222:
                return f"{label} read-only (mode {stat.S_IMODE(mode):04o}), even for root"
    return ""


def interrupt_between_files():
    """Hold Ctrl-C and SIGTERM while a file is being written; the yielded ``check()`` raises them between
    files (``guard.signals_held``). Each write is atomic by itself, but an interrupt landing between
    ``mkstemp`` and the cleanup would leave a temp file behind. Used as::

        with interrupt_between_files() as check:
            for path, before, data in changes:
                check()
                write_if_unchanged(path, before, data)

    A write takes milliseconds, so the run still ends well within a second."""
    from infractl.process.guard import signals_held

    return signals_held()
