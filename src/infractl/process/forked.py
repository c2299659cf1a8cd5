"""A function run in a forked child process on the other core; its bytes come back through a pipe.

For work that is pure reading (a tree's walk and byte scan) while this process does something else.
The child ignores Ctrl-C (the parent handles it and stops the child), writes nothing but its answer,
and leaves by ``os._exit``: it never runs the parent's cleanup or flushes the parent's buffered output.
Only fork where no other thread runs (``can_fork``): a forked child of a threaded process may deadlock.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable


def can_fork() -> bool:
    # no threading module loaded: no thread was started from Python (and none is imported just to ask)
    threading = sys.modules.get("threading")
    return (hasattr(os, "fork") and (os.cpu_count() or 1) >= 2
            and (threading is None or threading.active_count() == 1))


class Forked:
    """``work()`` in a child from now on; ``result()`` waits for its bytes (None if it failed);
    ``stop()``, on every way out, leaves no child and no open descriptor."""

    def __init__(self, work: Callable[[], bytes]) -> None:
        self.reader: int | None = None
        self.pid: int | None = None
        reader, writer = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child
            code = 1
            try:
                import signal

                signal.signal(signal.SIGINT, signal.SIG_IGN)
                os.close(reader)
                answer = work()
                with os.fdopen(writer, "wb") as out:
                    out.write(answer)
                code = 0
            finally:
                os._exit(code)
        os.close(writer)
        self.reader, self.pid = reader, pid

    def result(self) -> bytes | None:
        if self.reader is None or self.pid is None:
            return None
        with os.fdopen(self.reader, "rb") as pipe:
            self.reader = None
            data = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        return data if status == 0 else None

    def stop(self) -> None:
        if self.reader is not None:
            os.close(self.reader)
            self.reader = None
        if self.pid is not None:
            import signal

            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(self.pid, 0)
            self.pid = None
