"""Which files of a tree are worth a closer look: the byte tests of ``candidates.worth_a_look``, fast.

Reading every file and scanning its bytes is the whole cost of a clean tree, and ruff, the
yardstick, uses every core. Two things make it cheap:

- Batches: the files' bytes are joined (a NUL between two files: no searched word holds one) and
  each word that ``worth_a_look`` needs is searched once in the batch; only the files that hold one
  get the per-file test. Ten searches of a file that holds none of the words cost ~7 us a file; a
  search of the batch costs next to nothing per file.
- Two cores: past ``PARALLEL_MIN_FILES`` a forked child takes the second half of the list and sends
  back the indices of the files it flags; this process does the first half meanwhile.

``candidates`` then reads and judges the flagged files exactly as it would have (``worth_a_look`` is
the test, per file), so the outcome cannot differ, only the time.

A child that fails or is interrupted sends nothing usable: its half is scanned here instead.
No fork without ``os.fork``, with one CPU, or while other threads run (a terminal's progress spinner):
forking a threaded process is unsafe, and those runs are interactive, where ~20 ms is not seen.
"""

from __future__ import annotations

import os
import sys
from bisect import bisect_right

from infractl.files import read_bytes
from infractl.fix_datetime.awareprobe import PARTNER_WORDS
from infractl.fix_datetime.candidates import worth_a_look

PARALLEL_MIN_FILES = 1500  # below this, a fork (~1 ms) and the pipe do not pay
BATCH_BYTES = 8 << 20
# ``mentions_utc_attribute`` needs one of these, ``aware_meets_naive_text`` one of PARTNER_WORDS
_NAME_WORDS = (b"utcnow", b"utcfromtimestamp")


def flagged(paths: list[str], parallel: bool = True) -> list[str]:
    """The paths whose bytes ``worth_a_look`` accepts, in order, plus those that cannot be read (the
    caller reports them)."""
    if not (parallel and len(paths) >= PARALLEL_MIN_FILES and _can_fork()):
        return [paths[i] for i in _scan(paths, range(len(paths)))]
    half = len(paths) // 2
    child = _Child(paths, range(half, len(paths)))
    try:
        mine = _scan(paths, range(half))
        theirs = child.result()
    finally:
        child.stop()
    if theirs is None:
        theirs = _scan(paths, range(half, len(paths)))
    return [paths[i] for i in (*mine, *theirs)]


def _scan(paths: list[str], indices: range) -> list[int]:
    found: list[int] = []
    batch: list[bytes] = []
    batch_indices: list[int] = []
    size = 0
    for index in indices:
        try:
            data = read_bytes(paths[index])
        except OSError:
            found.append(index)  # read again by the caller, who turns the error into a finding
            continue
        batch.append(data)
        batch_indices.append(index)
        size += len(data) + 1
        if size >= BATCH_BYTES:
            found += (batch_indices[i] for i in worth_a_look_in_batch(batch))
            batch, batch_indices, size = [], [], 0
    found += (batch_indices[i] for i in worth_a_look_in_batch(batch))
    return sorted(found)


def worth_a_look_in_batch(datas: list[bytes]) -> list[int]:
    """``[i for i, data in enumerate(datas) if worth_a_look(data)]``, with each word searched once."""
    if not datas:
        return []
    joined = b"\0".join(datas)
    starts = [0]
    for data in datas[:-1]:
        starts.append(starts[-1] + len(data) + 1)
    holding = _holding(joined, starts, _NAME_WORDS + PARTNER_WORDS)
    return sorted(i for i in holding if worth_a_look(datas[i]))


def _holding(joined: bytes, starts: list[int], words: tuple[bytes, ...]) -> set[int]:
    """The indices of the files that hold at least one of ``words``."""
    found: set[int] = set()
    ends = len(starts)
    for word in words:
        position = joined.find(word)
        while position != -1:
            index = bisect_right(starts, position) - 1
            found.add(index)
            if index + 1 == ends:
                break
            position = joined.find(word, starts[index + 1])  # on to the next file
    return found


def _can_fork() -> bool:
    # no threading module loaded: no thread was started from Python (and none is imported just to ask)
    threading = sys.modules.get("threading")
    return (hasattr(os, "fork") and (os.cpu_count() or 1) >= 2
            and (threading is None or threading.active_count() == 1))


class _Child:
    """A forked process scanning ``indices``; it writes the flagged ones, one per line, then "end"."""

    def __init__(self, paths: list[str], indices: range) -> None:
        self.reader, writer = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: never returns, never runs the parent's cleanup or flushes its output
            import signal

            code = 1
            try:
                os.close(self.reader)
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
                found = _scan(paths, indices)
                with os.fdopen(writer, "w") as out:
                    out.write("".join(f"{index}\n" for index in found) + "end\n")
                code = 0
            finally:
                os._exit(code)
        os.close(writer)

    def result(self) -> list[int] | None:
        with os.fdopen(self.reader, "r") as lines:
            self.reader = None
            text = lines.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        if status != 0 or not text.endswith("end\n"):
            return None
        return [int(line) for line in text.splitlines()[:-1]]

    def stop(self) -> None:
        """On the way out whatever happened: no child left running, no descriptor left open."""
        if self.reader is not None:
            os.close(self.reader)
            self.reader = None
        if self.pid is not None:
            import signal

            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = None
