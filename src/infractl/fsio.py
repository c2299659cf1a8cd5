"""Atomic, mode- and owner-preserving file writes: a crash never leaves a half-written file."""

from __future__ import annotations

import os
import signal
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temp file in the same directory and ``os.replace``.

    Keeps the permission bits, and the owner and group (when allowed: as root, or a group the user is
    in), of an existing file. A symlink is written through to its target and stays a link. A no-op
    when the content is unchanged, so a second run does not even touch the file's mtime.
    """
    path = Path(path)
    if path.is_symlink():
        path = Path(os.path.realpath(path))  # replacing the link itself would turn it into a copy
    st = None
    try:
        st = path.stat()
        mode = stat.S_IMODE(st.st_mode)
        if path.read_bytes() == data:
            return
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".infractl-tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if st is not None:
                _keep_owner(handle.fileno(), st)
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)  # after chown, which clears set-id bits
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _keep_owner(fd: int, st: os.stat_result) -> None:
    """Give the new file the old one's owner and group, as far as this user may."""
    new = os.fstat(fd)
    if (new.st_uid, new.st_gid) == (st.st_uid, st.st_gid):
        return
    try:
        os.fchown(fd, st.st_uid, st.st_gid)  # root (or CAP_CHOWN)
    except PermissionError:
        try:
            os.fchown(fd, -1, st.st_gid)  # a group the user belongs to
        except PermissionError:
            pass  # the file becomes the user's own, as with any editor that saves by rename


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


@contextmanager
def interrupt_between_files() -> Iterator[Callable[[], None]]:
    """Hold Ctrl-C (SIGINT) while a file is being written; the yielded ``check()`` raises it between files.

    Each write is atomic by itself, but a KeyboardInterrupt landing between ``mkstemp`` and the cleanup
    would leave a temp file behind. Used as::

        with interrupt_between_files() as check:
            for path, data in changes:
                check()
                atomic_write_bytes(path, data)

    A write takes milliseconds, so the run still ends well within a second. Outside the main thread
    (where signal handlers cannot be set) it does nothing.
    """
    pending: list[int] = []

    def check() -> None:
        if pending:
            raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield check
        return
    previous = signal.signal(signal.SIGINT, lambda signum, frame: pending.append(signum))
    try:
        yield check
    finally:
        signal.signal(signal.SIGINT, previous)
    check()  # an interrupt during the last write still ends the run as interrupted
