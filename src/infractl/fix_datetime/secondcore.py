"""The second core of an in-process rewrite: a forked child that takes files from the back of the list and
wraps long lines with black, while this process analyses files from the front.

A default run on a real tree with hits was all on one core: the analysis (``ast.parse`` is half of it) and,
for new text, black's import (~65-75 ms) and its formatting of each statement the rewrite made too long
(``linewrap``). The child is forked early (entry.py's head start) or by the share or the first job,
imports black (when it will wrap) and the rewrite while it waits, and then:

- ``share(items, ...)``: both ends work on one list of files, each claiming an index in shared memory
  before it works on it (as discover/scanner.py's ``TwoEnds``); the child makes each file's whole
  ``fix_source`` result. A file the child claims is never dropped: this process skips an index only once
  the child's claim covers it, and the child claims only what this process has not. Both may take the
  file they meet at; the same function on the same bytes gives the same result, and this process keeps its.
- ``submit(requests)``: black's part of wrapping a file analysed here (linewrap.WrapPlan's requests: one
  statement each), which the child does before its next file; this process parses, plans and splices, and
  waits only for black's lines at its end.

It is only a second pair of hands: whatever it does not answer (it died, a job failed, it could not be
started, the parameters do not pickle) is computed here with the same functions, so the output never
depends on it. Messages go out through a writer thread and answers come in through a reader thread, so
neither process waits on a full pipe while the other is busy; ``results`` waits for the child's end.
"""

from __future__ import annotations

import mmap
import os
import pickle
import signal
import struct
from contextlib import suppress

_LENGTH = struct.Struct("!Q")
_END = _LENGTH.pack(0)  # the last message: no more jobs (no message is empty)
# The child's niceness: forked at the head start, its imports would otherwise slow the tree's walk and scan
# on a loaded machine; once sharing, on an idle second core, it runs as fast as at 0.
_NICE = 10
# The rewrite's modules, imported in this child (~15-20 ms measured): part of the first file it takes.
_REWRITE_IMPORT_SECONDS = 0.015
_FRONT, _BACK = 0, 1  # the shared slots: the next index this process takes, the lowest the child took


class SecondCore:
    """Used as a context manager; leaving it ends the child however the run ends."""

    def __init__(self, wraps: bool = True) -> None:
        """``wraps``: the run shows or writes new text, so the child imports black as soon as it starts."""
        self.wraps = wraps
        self.jobs: dict[tuple, None] = {}  # the black requests submitted, in order
        self.pid = 0
        self.started = False
        self.queue = None
        self.claims = None
        self.files: dict[int, object] = {}  # the reader thread's: index -> FileResult of the child's share
        self.formatted: dict[tuple, object] = {}  # request -> black's lines (None: black refused it)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def start(self) -> None:
        """Fork the child now (once). Only where no other thread runs (the progress bar's starts later)."""
        from infractl.process.forked import can_fork

        if self.started:
            return
        self.started = True
        if not can_fork():
            return  # a thread runs (forking then is unsafe): every job is done here
        try:
            self._start()
        except OSError:
            self.pid = 0  # no child: every job is done here

    def share(self, items: list, **params) -> bool:
        """Offer the child ``items`` (path, bytes) from the back, ``params`` as ``workers.fix_source`` takes
        them (``stubbed``/``verdicts``: by path). False when there is no child to share with."""
        self.start()
        if not self.pid:
            return False
        try:
            message = pickle.dumps(("share", items, params), pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError):
            return False  # something in the parameters does not travel: this process does every file
        _set(self.claims, _FRONT, 0)
        _set(self.claims, _BACK, len(items))
        self._send(message)
        return True

    def take(self, index: int) -> bool:
        """Claim ``index`` (the front's next) for this process; False when the child's claims reach it."""
        _set(self.claims, _FRONT, index + 1)
        return index < _get(self.claims, _BACK)

    def submit(self, requests: list[tuple[str, bool, int]]) -> None:
        """black's requests for one file (``linewrap.format_statement``'s arguments), each sent once; the child
        is started by the first unless it was started before."""
        self.start()
        new = [request for request in requests if request not in self.jobs]
        self.jobs.update(dict.fromkeys(new))
        if self.pid and new:
            self._send(pickle.dumps(("black", new), pickle.HIGHEST_PROTOCOL))

    def results(self) -> tuple[dict, dict]:
        """(index -> FileResult the child made for its share, request -> black's lines for every submitted
        request: the child's answer, or this process's own where it has none)."""
        from infractl.fix_datetime.rewrite.linewrap import format_statement

        files, formatted = {}, {}
        if self.queue is not None:
            self.queue.put(None)  # no more jobs: the writer closes the pipe; the child ends after its last answer
            self.reader.join()
            files, formatted = self.files, self.formatted
        return files, {request: formatted[request] if request in formatted else format_statement(*request)
                       for request in self.jobs}

    def _send(self, message: bytes) -> None:
        if self.queue is None:  # the threads: only once there is a message (no thread before a fork)
            import queue
            import threading

            self.queue = queue.SimpleQueue()
            self.writer = threading.Thread(target=_write_jobs, args=(self.queue, self._job_pipe), daemon=True)
            self.writer.start()
            self.reader = threading.Thread(target=self._read_answers, daemon=True)
            self.reader.start()
        self.queue.put(message)

    def _start(self) -> None:
        self.claims = mmap.mmap(-1, 8)  # anonymous and shared with the child
        job_read, job_write = os.pipe()
        answer_read, answer_write = os.pipe()
        _widen(job_write)
        _widen(answer_write)
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(job_write)
            os.close(answer_read)
            _serve(job_read, answer_write, self.claims, self.wraps)
        os.close(job_read)
        os.close(answer_write)
        self.pid, self.answers = pid, os.fdopen(answer_read, "rb")
        self._job_pipe = os.fdopen(job_write, "wb")

    def _read_answers(self) -> None:
        """In this process's reader thread, from the first message on: every answer, until the child ends
        (after its last one, or dead: what it did not answer is done here)."""
        try:
            while len(header := self.answers.read(_LENGTH.size)) == _LENGTH.size:
                kind, key, answer = pickle.loads(self.answers.read(_LENGTH.unpack(header)[0]))
                if kind == "black":
                    self.formatted.update(answer)  # what failed there is missing, and done here
                elif kind == "file" and answer is not None:
                    self.files[key] = answer
        except (OSError, EOFError, pickle.UnpicklingError, ValueError):
            pass

    def close(self) -> None:
        """End the child (at once: its answers were read or are no longer wanted)."""
        if self.queue is not None:
            self.queue.put(None)
        elif self.pid:
            self._job_pipe.close()  # no writer thread was started: nobody else closes it
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)  # its work is read or no longer wanted
            except ProcessLookupError:
                pass
            os.waitpid(self.pid, 0)
            if self.queue is not None:
                self.reader.join()  # at the child's end of the pipe, now closed
            self.answers.close()
            self.pid = 0


def _get(claims, slot: int) -> int:
    return struct.unpack_from("i", claims, slot * 4)[0]


def _set(claims, slot: int, value: int) -> None:
    struct.pack_into("i", claims, slot * 4, value)


# A pipe holds 64 KB: the share (every file's bytes, ~80 KB on google-auth 2.17.3) then reached the child
# in pieces, each one after this process's writer thread got the GIL back from the analysis (~25 ms
# measured). Up to 1 MB (Linux's default most for a pipe) a message is in the pipe at once.
_PIPE_BYTES = 1 << 20


def _widen(fd: int) -> None:
    try:
        import fcntl

        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), _PIPE_BYTES)
    except (ImportError, OSError):
        pass  # another system, or a lower limit: the default pipe only takes longer


def _write_jobs(jobs, pipe) -> None:
    """In this process's writer thread: each message, length first, until None; then the last message and
    the pipe's close."""
    try:
        while (job := jobs.get()) is not None:
            pipe.write(_LENGTH.pack(len(job)) + job)
            pipe.flush()
        pipe.write(_END)  # said, not only EOF: a process forked after the child would hold the writing end too
        pipe.flush()
    except OSError:
        pass  # the child died: results() does its jobs here
    finally:
        try:
            pipe.close()
        except OSError:
            pass


def _serve(job_read: int, answer_write: int, claims, wraps: bool) -> None:
    """The child: ignore Ctrl-C (the parent ends it), die with the parent, import black (when it will wrap)
    and, while nothing is asked yet, the rewrite, then answer each message. A file whose work raises gets
    None and a black request that raises is left out: the parent does them itself."""
    status = 0
    try:
        from infractl.process.tools import die_with_parent

        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        die_with_parent(os.getppid())
        os.nice(_NICE)  # its imports take what the walk, the scan and the parent leave of the two cores
        if wraps:
            import black  # noqa: F401 - the import is most of what this child saves the parent
        from infractl.fix_datetime.rewrite.linewrap import format_statement

        if not _pending(job_read):  # nothing to answer yet: the rewrite's imports too, for the files it takes
            import infractl.fix_datetime.analyse.planner
            import infractl.fix_datetime.rewrite.edits
            import infractl.fix_datetime.stubs.phase
            import infractl.fix_datetime.workers  # noqa: F401

        answers = os.fdopen(answer_write, "wb")

        def answer(*message) -> None:
            data = pickle.dumps(message, pickle.HIGHEST_PROTOCOL)
            answers.write(_LENGTH.pack(len(data)) + data)
            answers.flush()

        def wrap(message: tuple) -> None:
            done = {}
            for request in message[1]:
                with suppress(Exception):  # left out: the parent formats it again and reports what it raises
                    done[request] = format_statement(*request)
            answer("black", None, done)

        ended = []  # the job pipe's end was read (the parent waits for the answers)

        def wrap_pending() -> None:
            """The long-line jobs that have arrived, done before the next file (the parent waits for them)."""
            while not ended and _pending(job_read):
                message = _receive(job_read)
                if message is None:
                    ended.append(True)
                else:
                    wrap(message)

        while not ended and (message := _receive(job_read)) is not None:
            if message[0] == "share":
                from infractl.fix_datetime.workers import fix_source

                _take_from_back(claims, *message[1:], fix_source, answer, wrap_pending)
            else:
                wrap(message)
    except BaseException:  # noqa: BLE001 - whatever happens here, the parent does the work itself
        status = 1
    finally:
        os._exit(status)  # no exit handlers, no flush: the buffers inherited from the parent are the parent's


def _receive(fd: int):
    """The next message from the job pipe (unbuffered, so that ``_pending`` can tell), or None at its end."""
    header = _read_exactly(fd, _LENGTH.size)
    if header is None or header == _END:
        return None
    data = _read_exactly(fd, _LENGTH.unpack(header)[0])
    return pickle.loads(data) if data is not None else None


def _read_exactly(fd: int, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _pending(fd: int) -> bool:
    import select

    return bool(select.select([fd], [], [], 0)[0])


def _take_from_back(claims, items: list, params: dict, fix_source, answer, wrap_pending) -> None:
    """The child's share: the parent's long-line jobs first (the parent waits for them at its end), then the
    highest index the parent has not taken, its whole FileResult, while the parent's files before it would
    take it at least as long (estimated): else the two ends meet here, and the rest is the parent's. A file
    taken at the end would keep the parent waiting for it, and the parent's long-line jobs behind it
    (google-auth 2.17.3: the child's last 17 KB file took ~30 ms, the parent had ~15 ms left)."""
    import sys

    from infractl.fix_datetime.workers import estimated_seconds

    stubbed, verdicts = params.pop("stubbed"), params.pop("verdicts")
    before = [0.0]  # before[i]: the estimated cost of items[:i]
    for item in items:
        before.append(before[-1] + estimated_seconds([item]))
    # the first file here also imports the rewrite (when the share came before this child was idle)
    imports = 0.0 if "infractl.fix_datetime.rewrite.edits" in sys.modules else _REWRITE_IMPORT_SECONDS

    index = _get(claims, _BACK) - 1
    while True:
        wrap_pending()
        front = _get(claims, _FRONT)
        if index < front or imports + before[index + 1] - before[index] > before[index] - before[front]:
            break
        imports = 0.0
        _set(claims, _BACK, index)  # claimed before it is worked on, and always finished
        path, data = items[index]
        try:
            result = fix_source(path, data, stubbed=stubbed.get(path, ""), verdicts=verdicts.get(path), **params)
        except Exception:  # noqa: BLE001 - fix_source turns failures into findings; anything else: done there
            result = None
        answer("file", index, result)
        index -= 1
