"""The one way infractl runs an external tool: kubectl/kustomize, actionlint, promtool, java (WireMock),
docker compose, npm, initdb/pg_ctl and the alembic worker.

- The child runs in its own process group, so a terminal's Ctrl-C reaches infractl only, and infractl
  ends the whole group (SIGTERM, then SIGKILL after ``GRACE`` seconds) when the run is done with it,
  when a command is left by an exception (Ctrl-C, SIGTERM: see ``guard``), and for any child still
  running when the command ends (``stop_all``, called by ``guard.guarded``).
- On Linux the child gets PR_SET_PDEATHSIG: if infractl itself is SIGKILLed, the kernel kills it too.
- The whole stderr is kept, and ``Finished.failure`` says when the exit status is not one the caller
  declared meaningful (or the tool was killed by a signal): callers turn that into an error finding or
  an error, never a silent pass.

A ``detached`` child (a WireMock server that ``wiremock up`` leaves running) gets its own session and
outlives infractl by design: it is neither tracked nor given PDEATHSIG.
"""

from __future__ import annotations

import _signal as signal  # the C module: ``signal`` builds IntEnums on import (~1.5 ms); names come from it lazily
import os
import subprocess
import sys
from collections import namedtuple
from collections.abc import Callable, Sequence

PIPE = subprocess.PIPE
DEVNULL = subprocess.DEVNULL
STDOUT = subprocess.STDOUT
GRACE = 2.0  # seconds between SIGTERM and SIGKILL: a tool that cleans up on SIGTERM gets that long
PR_SET_PDEATHSIG = 1

_running: set[subprocess.Popen] = set()


class ToolTimeout(Exception):
    """The tool did not finish within its time; it was ended (its group, SIGTERM then SIGKILL)."""

    def __init__(self, argv: Sequence[str], timeout: float) -> None:
        super().__init__(f"{os.path.basename(str(argv[0]))} did not finish within {timeout:g} s")


class Finished(namedtuple("Finished", "argv returncode stdout stderr")):
    """A tool's whole answer: ``argv`` (a tuple), ``returncode`` (< 0: killed by that signal, Popen's
    convention), ``stdout`` and ``stderr`` (str, or bytes for a binary run). A named tuple, not a
    dataclass: ``check`` runs actionlint through here, and importing dataclasses costs ~7 ms of its run."""

    __slots__ = ()

    def failure(self, meaningful: Sequence[int] = (0,)) -> str | None:
        """None when the tool answered with a status the caller declared meaningful; else why not, with
        the tool's whole message: ``exit 3: <stderr>`` or ``killed by SIGSEGV: <stderr>``."""
        if self.returncode in meaningful and self.returncode >= 0:
            return None
        return f"{status_text(self.returncode)}: {self.message()}"

    def message(self) -> str:
        """The whole of stderr (stdout when stderr is empty), stripped; ``no output`` for neither."""
        for stream in (self.stderr, self.stdout):
            text = stream.decode("utf-8", "replace") if isinstance(stream, bytes) else (stream or "")
            if text.strip():
                return text.strip()
        return "no output"


def status_text(returncode: int) -> str:
    if returncode < 0:
        try:
            import signal as named

            return f"killed by {named.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exit {returncode}"


def split_command(text: str, option: str) -> tuple[dict[str, str], list[str]]:
    """A command the user gave as one string (``--verify CMD``, ``--upgrade-command CMD``), split as a shell
    would, without running one: ``[env] VAR=value ... cmd args`` -> ({VAR: value}, [cmd, args]).
    ValueError (naming ``option``) when it cannot be read or runs nothing."""
    import shlex

    try:
        argv = shlex.split(text)
    except ValueError as exc:
        raise ValueError(f"{option}: cannot read the command ({exc})") from None
    if argv and os.path.basename(argv[0]) == "env":
        argv = argv[1:]
    assigned = {}
    while argv and "=" in argv[0] and not argv[0].startswith(("-", "=")):
        name, _, value = argv[0].partition("=")
        assigned[name] = value
        argv = argv[1:]
    if not argv:
        raise ValueError(f"{option}: the command is empty" if not text.strip() else f"{option}: the command "
                         "sets variables but runs nothing")
    return assigned, argv


def start(argv: Sequence[str], *, stdin=DEVNULL, stdout=PIPE, stderr=PIPE, text: bool = False,
          cwd=None, env=None, pass_fds: Sequence[int] = (), detached: bool = False) -> subprocess.Popen:
    """Start ``argv`` (OSError when it cannot be run). Not detached: its own process group, killed with
    infractl, ended by ``stop``/``stop_all``. The caller ends it with ``finish`` or ``stop``."""
    options: dict = {"stdin": stdin, "stdout": stdout, "stderr": stderr, "cwd": cwd, "env": env,
                     "pass_fds": tuple(pass_fds)}
    if text:
        options.update(text=True, encoding="utf-8", errors="replace")
    if detached:
        process = subprocess.Popen(list(argv), start_new_session=True, **options)
        return process
    from infractl.process.guard import signals_held

    # Ctrl-C held off until the process is in _running: one that interrupted Popen after the fork lost the
    # child, which stop_all could not end (tests/check/test_prestart.py's Ctrl-C test, 3 runs in 10)
    with signals_held():
        # _child_setup returns None while other threads run (PDEATHSIG then comes from the group kill only)
        process = subprocess.Popen(list(argv), process_group=0, preexec_fn=_child_setup(), **options)  # noqa: PLW1509
        _running.add(process)
    return process


def finish(process: subprocess.Popen, timeout: float | None = None, input=None) -> Finished:
    """Wait for the tool and return its whole answer; whatever happens meanwhile (a timeout, Ctrl-C,
    SIGTERM) ends its group first. ``ToolTimeout`` after ``timeout`` seconds."""
    try:
        out, err = process.communicate(input, timeout=timeout)
    except subprocess.TimeoutExpired:
        stop(process)
        raise ToolTimeout(process.args, timeout or 0) from None
    finally:
        stop(process)
    empty = "" if getattr(process, "text_mode", True) else b""  # bytes stay bytes: b"" is no str
    return Finished(tuple(process.args), process.returncode, empty if out is None else out,
                    empty if err is None else err)


def run(argv: Sequence[str], *, timeout: float | None = None, input=None, text: bool = True, cwd=None,
        env=None, stderr=PIPE) -> Finished:
    """``start`` + ``finish``: the common case of a tool whose whole output is wanted."""
    process = start(argv, stdin=PIPE if input is not None else DEVNULL, text=text, cwd=cwd, env=env, stderr=stderr)
    return finish(process, timeout, input)


def stop(process: subprocess.Popen, grace: float = GRACE) -> None:
    """End a tool's process group: SIGTERM, then SIGKILL after ``grace`` seconds. A tool that has already
    exited is only reaped: its group id may belong to someone else by now."""
    try:
        if process.poll() is None:
            _signal_group(process, signal.SIGTERM)
            try:
                process.wait(grace)
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait()
    finally:
        _running.discard(process)
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream is not None:
                try:
                    stream.close()
                except OSError:  # a pipe whose reader went away while data was buffered
                    pass


def stop_all() -> None:
    """End every tool still running (a command that ends, any way, leaves none behind)."""
    for process in list(_running):
        stop(process)


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(process.pid, sig)
    except (ProcessLookupError, PermissionError):
        try:
            process.send_signal(sig)
        except ProcessLookupError:
            pass


def die_with_parent(parent: int | None = None) -> None:
    """In a child (after fork): be SIGKILLed when the parent dies (Linux PR_SET_PDEATHSIG); ``parent``:
    the pid the child was forked from, to catch a parent that died before the call. Elsewhere: nothing."""
    prctl = _prctl()
    if prctl is None:
        return
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if parent is not None and os.getppid() != parent:
        os.kill(os.getpid(), signal.SIGKILL)


def _child_setup() -> Callable[[], None] | None:
    """The PDEATHSIG set-up run in the child between fork and exec; None where it cannot be had safely:
    off Linux, or while other threads run (a forked child of a threaded process that runs Python code
    may deadlock on a lock another thread held; such a tool is still ended by ``stop``/``stop_all``)."""
    threading = sys.modules.get("threading")
    if _prctl() is None or (threading is not None and threading.active_count() > 1):
        return None
    parent = os.getpid()
    return lambda: die_with_parent(parent)


_PRCTL: list = []


def _prctl():
    """libc's prctl, looked up once in the parent (a forked child must not load libraries)."""
    if not _PRCTL:
        function = None
        if sys.platform.startswith("linux"):
            try:
                import ctypes

                function = ctypes.CDLL(None, use_errno=True).prctl
            except (ImportError, OSError, AttributeError):
                function = None
        _PRCTL.append(function)
    return _PRCTL[0]
