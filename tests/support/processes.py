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


FAKE_KUBECTL = """#!/bin/sh
# a FAKE kubectl: records its pid and its child's, then never answers
sleep 60 &
echo $$ $! > "{pidfile}"
wait
"""


def signal_lint_during_kubectl(tmp_path: Path, signum: int) -> tuple[int, str, bool]:
    """``manifests lint`` with a (fake, hanging) kubectl, sent ``signum`` to infractl's pid alone once it
    waits on kubectl's pipes: (exit code, stderr, whether kubectl and its child are gone)."""
    pidfile = tmp_path / "kubectl.pids"
    fake = tmp_path / "kubectl"
    fake.write_text(FAKE_KUBECTL.format(pidfile=pidfile))
    fake.chmod(0o755)
    (tmp_path / "stack").mkdir()
    (tmp_path / "stack" / "kustomization.yaml").write_text("resources: []\n")
    run = start_infractl(["manifests", "lint", "stack"], tmp_path, {"INFRACTL_KUBECTL": str(fake)})
    pids: list[int] = []
    try:
        assert wait_until(lambda: pidfile.exists() and len(pidfile.read_text().split()) == 2)
        pids = [int(pid) for pid in pidfile.read_text().split()]
        assert all(alive(pid) for pid in pids)
        # infractl waits on kubectl's pipes (a signal during its imports tests something else)
        assert wait_until(lambda: waiting(run.pid))
        run.send_signal(signum)
        _, stderr = run.communicate(timeout=20)
        return run.returncode, stderr, gone(pids)
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
        kill_leftovers(pids)
