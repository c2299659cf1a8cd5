"""The one writer's temp files and locks (``fsio`` writes through them).

A temp file is ``.NAME.PID-XXXXXXXX.infractl-tmp`` beside the file it will replace: on the same file
system, so ``os.replace`` is atomic, and given the original's owner, group and mode before it takes its
place. A ``kill -9`` in the write phase leaves one; ``remove_stale_temps`` (run by each write) deletes those
of the same NAME whose writer pid is no longer alive *and* that are older than ``STALE_AFTER`` seconds: the
pid guards a slow writer on this machine, the age one in another pid namespace (a container sharing the
directory), whose pid we cannot see.
"""

from __future__ import annotations

import fcntl
import os
import re
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TEMP_SUFFIX = ".infractl-tmp"
STALE_AFTER = 60.0  # seconds; a write takes milliseconds, even with fsync


class OwnerNotKept(Exception):
    """The temp file cannot be given the original's owner and group."""


def temp_copy(target: Path, data: bytes, st: os.stat_result | None, strict_owner: bool = True) -> str:
    """``data`` in a new temp file beside ``target``, synced, with ``st``'s owner, group and mode (a new
    file's mode from the umask). OwnerNotKept when the owner cannot be kept and ``strict_owner``."""
    import tempfile  # the write side only: a read-only run (check) never pays for it (random, weakref)

    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}-", suffix=TEMP_SUFFIX, dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if st is not None:
                _keep_owner(handle.fileno(), st, strict_owner)
            # after chown, which clears set-id bits
            os.fchmod(handle.fileno(), stat.S_IMODE(st.st_mode) if st is not None else 0o666 & ~_umask())
            os.fsync(handle.fileno())
    except BaseException:
        unlink_quietly(tmp)
        raise
    return tmp


def remove_stale_temps(path: Path, names: str | None = None) -> list[str]:
    """Delete the temp files an earlier, killed run left beside ``path`` (module docstring: which), of
    ``path``'s name or, given ``names`` (a regex), of any name it matches."""
    name = names or re.escape(path.name)
    pattern = re.compile(rf"\.(?:{name})\.(?:(?P<pid>\d+)-)?[a-z0-9_]{{8}}{re.escape(TEMP_SUFFIX)}")
    removed = []
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None:
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        pid = int(match["pid"]) if match["pid"] else None
        if stat.S_ISREG(st.st_mode) and now - st.st_mtime > STALE_AFTER and not _alive(pid):
            unlink_quietly(entry.path)
            removed.append(entry.path)
    return removed


@contextmanager
def locked_directory(directory: Path | str) -> Iterator[None]:
    """An exclusive ``flock`` on the directory itself (no lock file is left behind), held for the block:
    two runs that both lock it take turns."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the last descriptor releases the lock


def unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _alive(pid: int | None) -> bool:
    if pid is None:
        return False  # a temp of an older infractl, which did not name its pid: the age alone decides
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # EPERM: it exists, as another user's process
    return True


def _keep_owner(fd: int, st: os.stat_result, strict: bool) -> None:
    new = os.fstat(fd)
    if (new.st_uid, new.st_gid) == (st.st_uid, st.st_gid):
        return
    try:
        os.fchown(fd, st.st_uid, st.st_gid)  # root, CAP_CHOWN, or our own uid and a group we are in
    except PermissionError:
        if strict:
            raise OwnerNotKept from None
        try:
            os.fchown(fd, -1, st.st_gid)
        except PermissionError:
            pass


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
