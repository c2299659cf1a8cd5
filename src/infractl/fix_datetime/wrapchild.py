"""Long lines wrapped by black in a forked child, while this process analyses the next file.

A run that shows or writes new text wraps each statement the rewrite made too long (``linewrap``): black's
import (~65 ms) and its formatting were ~40% of a default run on a real tree with hits, all on one core.
The child is forked when the first file with a line made too long has been analysed, imports black at
once, and runs ``wrap_long_lines`` for each such file as its job arrives; its answers are read when every file has been
analysed. It is only a second pair of hands: the answer is the same function's, and whatever it cannot
give (it died, a job failed, it could not be started) is computed here, so the output never depends on it.

Jobs go out through a writer thread: the child blocks on a full answer pipe while this process is still
analysing, and a blocked job write in this thread would then wait for it for ever.
"""

from __future__ import annotations

import os
import pickle
import signal
import struct

_LENGTH = struct.Struct("!Q")


class WrapChild:
    """``submit(key, old, new, line_length)`` as files are analysed, then ``results()``: key -> Wrapped.
    Used as a context manager; leaving it ends the child however the run ends."""

    def __init__(self) -> None:
        self.jobs: dict[object, tuple[str, str, int]] = {}
        self.pid = 0
        self.queue = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop()

    def submit(self, key, old: str, new: str, line_length: int) -> None:
        """Started by the first job: a run whose rewrite makes no line too long forks nothing."""
        if not self.jobs:
            try:
                self._start()
            except OSError:
                self.pid = 0  # no child: every job is done here
        self.jobs[key] = (old, new, line_length)
        if self.queue is not None:
            self.queue.put(pickle.dumps((key, old, new, line_length), pickle.HIGHEST_PROTOCOL))

    def results(self) -> dict:
        """Every submitted job's Wrapped: the child's answer, or this process's own where it has none."""
        from infractl.fix_datetime.rewrite.linewrap import wrap_long_lines

        answers = self._answers() if self.pid else {}
        return {key: answers[key] if key in answers else wrap_long_lines(*job) for key, job in self.jobs.items()}

    def _start(self) -> None:
        import queue
        import threading

        from infractl.fix_datetime.rewrite import linewrap  # noqa: F401 - imported once, before the fork

        job_read, job_write = os.pipe()
        answer_read, answer_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(job_write)
            os.close(answer_read)
            _serve(job_read, answer_write)
        os.close(job_read)
        os.close(answer_write)
        self.pid, self.answers = pid, os.fdopen(answer_read, "rb")
        self.queue = queue.SimpleQueue()
        self.writer = threading.Thread(target=_write_jobs, args=(self.queue, os.fdopen(job_write, "wb")), daemon=True)
        self.writer.start()

    def _answers(self) -> dict:
        self.queue.put(None)  # no more jobs: the writer closes the pipe, and the child ends after the last answer
        answers = {}
        try:
            while len(answers) < len(self.jobs):
                header = self.answers.read(_LENGTH.size)
                if len(header) < _LENGTH.size:
                    break  # the child died: the rest is done here
                key, wrapped = pickle.loads(self.answers.read(_LENGTH.unpack(header)[0]))
                if wrapped is not None:
                    answers[key] = wrapped
        except (OSError, EOFError, pickle.UnpicklingError):
            pass
        return answers

    def _stop(self) -> None:
        if self.queue is not None:
            self.queue.put(None)
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)  # its work is read or no longer wanted
            except ProcessLookupError:
                pass
            os.waitpid(self.pid, 0)
            self.answers.close()
            self.pid = 0


def _write_jobs(jobs, pipe) -> None:
    """In this process's writer thread: each job, length first, until None; then close (EOF for the child)."""
    try:
        while (job := jobs.get()) is not None:
            pipe.write(_LENGTH.pack(len(job)) + job)
            pipe.flush()
    except OSError:
        pass  # the child died: results() does its jobs here
    finally:
        try:
            pipe.close()
        except OSError:
            pass


def _serve(job_read: int, answer_write: int) -> None:
    """The child: ignore Ctrl-C (the parent ends it), die with the parent, import black, answer each job.
    A job that raises gets None, and the parent computes it itself (the same exception, handled there)."""
    status = 0
    try:
        from infractl.process.tools import die_with_parent

        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        die_with_parent(os.getppid())
        import black  # noqa: F401 - the import is most of what this child saves the parent

        from infractl.fix_datetime.rewrite.linewrap import wrap_long_lines

        jobs, answers = os.fdopen(job_read, "rb"), os.fdopen(answer_write, "wb")
        while len(header := jobs.read(_LENGTH.size)) == _LENGTH.size:
            key, old, new, line_length = pickle.loads(jobs.read(_LENGTH.unpack(header)[0]))
            try:
                wrapped = wrap_long_lines(old, new, line_length)
            except Exception:  # noqa: BLE001 - the parent computes it again and reports what it raises
                wrapped = None
            answer = pickle.dumps((key, wrapped), pickle.HIGHEST_PROTOCOL)
            answers.write(_LENGTH.pack(len(answer)) + answer)
            answers.flush()
    except BaseException:  # noqa: BLE001 - whatever happens here, the parent does the work itself
        status = 1
    finally:
        os._exit(status)  # no exit handlers, no flush: the buffers inherited from the parent are the parent's
