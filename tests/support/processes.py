"""infractl as a real child process, for the tests that signal it, and the processes it leaves behind."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import infractl

SRC = Path(infractl.__file__).resolve().parents[1]  # the infractl under test (a worktree's src shadows main's)


def start_infractl(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    environment = {**os.environ, "PYTHONPATH": str(SRC), **(env or {})}
    return subprocess.Popen([sys.executable, "-m", "infractl", *args], cwd=cwd, env=environment,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def alive(pid: int) -> bool:
    """A process that runs (a zombie waiting for its parent to reap it has ended)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            state = handle.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def children(pid: int) -> list[int]:
    """The pids whose parent is ``pid`` now."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if ppid == pid:
            found.append(int(entry))
    return found


def wait_until(condition, timeout: float = 30.0, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def gone(pids: list[int], timeout: float = 5.0) -> bool:
    return wait_until(lambda: not any(alive(pid) for pid in pids), timeout)


def kill_leftovers(pids: list[int]) -> None:
    """A failing test must not leave its processes running (only the pids it recorded)."""
    import signal

    for pid in pids:
        if alive(pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def waiting(pid: int) -> bool:
    """``pid`` sleeps in poll/select/wait (infractl waiting on a tool's pipes), past its imports: a signal
    during an import tests something else."""
    try:
        with open(f"/proc/{pid}/wchan") as handle:
            return any(word in handle.read() for word in ("poll", "select", "wait"))
    except OSError:
        return False
