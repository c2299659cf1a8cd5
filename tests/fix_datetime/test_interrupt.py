"""Ctrl-C for real: the console script on a big generated tree, SIGINT to its process group (what a
terminal sends), then: exit 130 within a second, no worker left running, no temp file, and every file
either exactly as it was or exactly fully rewritten."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from infractl.fix_datetime.rewrite.transform import transform_source

BIN = Path(sys.executable).parent
CLASS = '''

class Record{n}:
    created_default = datetime.datetime.utcnow

    def __init__(self, seconds=None):
        self.created = datetime.datetime.utcnow()
        self.loaded = dt.utcfromtimestamp(seconds or 0)

    def age(self):
        return (dt.utcnow() - self.created).total_seconds()
'''
# Twenty classes a module: the rewrite is ast and text edits (~1 ms for a small module), and each test
# needs the run still busy a moment after its workers start.
SOURCE = '"""A generated module with calls and references."""\nimport datetime\nfrom datetime import datetime as dt\n' + "".join(
    CLASS.format(n=n) for n in range(20))
FILES = 400  # ~3-6 s of rewriting on a 2-core machine, ~1 s of (fsynced) writes


def tree(root: Path) -> Path:
    package = root / "pkg"
    package.mkdir()
    for index in range(FILES):
        (package / f"mod{index:03}.py").write_text(SOURCE)
    return package


def start(cwd: Path, *args: str) -> subprocess.Popen:
    infractl = shutil.which("infractl", path=str(BIN)) or shutil.which("infractl")
    # Its own session, so the SIGINT can go to the whole group as a terminal's Ctrl-C does.
    # --mode aware: the expected rewrite below is the transform's own (auto's longer naive form gets wrapped)
    return subprocess.Popen([infractl, "fix-datetime", "--mode", "aware", *args, "."], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.005)
    return False


def interrupt(process: subprocess.Popen, group: bool = True) -> tuple[int, float]:
    """SIGINT to the process group (a terminal's Ctrl-C) or to the parent alone (``kill -INT``);
    (exit code, seconds until it exited)."""
    sent = time.monotonic()
    if group:
        os.killpg(process.pid, signal.SIGINT)
    else:
        os.kill(process.pid, signal.SIGINT)
    try:
        code = process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    return code, time.monotonic() - sent


def assert_each_file_old_or_new(package: Path) -> tuple[int, int]:
    new = transform_source(SOURCE, mode="aware").code.encode()
    old, rewritten = 0, 0
    for path in package.iterdir():
        assert path.suffix == ".py", f"left behind: {path.name}"  # no temp file
        data = path.read_bytes()
        assert data in (SOURCE.encode(), new), f"{path.name} is neither the original nor the rewrite"
        old += data == SOURCE.encode()
        rewritten += data == new
    assert old + rewritten == FILES
    return old, rewritten


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads worker processes from /proc")
@pytest.mark.parametrize("group", [True, False], ids=["ctrl-c", "kill-int-parent"])
def test_ctrl_c_while_workers_rewrite_ends_within_a_second_and_leaves_no_worker(tmp_path, group):
    package = tree(tmp_path)
    process = start(tmp_path, "-j", "2")
    assert wait_until(lambda: len(children(process.pid)) >= 2, 20), "no worker processes started"
    workers = children(process.pid)
    time.sleep(0.5)  # the workers are busy rewriting now
    assert process.poll() is None, "finished before it could be interrupted: make the tree bigger"
    code, seconds = interrupt(process, group)
    assert code == 130, process.stderr.read().decode()
    assert seconds < 1.0, f"took {seconds:.2f} s to stop"
    assert wait_until(lambda: not any(alive(pid) for pid in workers), 1.0), "a worker outlived the run"
    assert b"Traceback" not in process.stderr.read()
    assert assert_each_file_old_or_new(package) == (FILES, 0)  # rewriting had not finished: nothing written


@pytest.mark.slow
def test_ctrl_c_while_writing_leaves_every_file_old_or_fully_new(tmp_path):
    package = tree(tmp_path)
    before = package.stat().st_mtime_ns
    process = start(tmp_path)
    # The first write (a temp file appears, then is renamed) changes the directory's mtime.
    assert wait_until(lambda: package.stat().st_mtime_ns != before or process.poll() is not None, 60)
    assert process.poll() is None, "finished writing before it could be interrupted"
    code, seconds = interrupt(process)
    assert code == 130, process.stderr.read().decode()
    assert seconds < 1.0, f"took {seconds:.2f} s to stop"
    old, rewritten = assert_each_file_old_or_new(package)
    assert rewritten >= 1 and old >= 1, (old, rewritten)  # it really stopped half-way through the tree


def _busy_pool(tmp_path: Path) -> tuple[subprocess.Popen, list[int], Path]:
    package = tree(tmp_path)
    process = start(tmp_path, "-j", "2")
    assert wait_until(lambda: len(children(process.pid)) >= 2, 20), "no worker processes started"
    workers = children(process.pid)
    time.sleep(0.5)  # the workers are busy rewriting now
    assert process.poll() is None, "finished before it could be signalled: make the tree bigger"
    return process, workers, package


def _kill(pids: list[int]) -> None:
    for pid in pids:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads worker processes from /proc")
def test_sigterm_while_workers_rewrite_is_an_orderly_exit_143(tmp_path):
    """SIGTERM to the parent killed it at once: its workers rewrote on, then printed a BrokenPipeError
    traceback each (~68 lines). Now: the same way out as Ctrl-C, exit 143 (128 + SIGTERM; 130 is
    Ctrl-C's), one line, no worker left, nothing written."""
    process, workers, package = _busy_pool(tmp_path)
    try:
        sent = time.monotonic()
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=10)
        seconds = time.monotonic() - sent
        assert wait_until(lambda: not any(alive(pid) for pid in workers), 2.0), "a worker outlived the run"
        stderr = process.stderr.read().decode()
        assert code == 143, stderr
        assert seconds < 1.0, f"took {seconds:.2f} s to stop"
        assert stderr.strip().splitlines() == ["error: terminated"]
        assert assert_each_file_old_or_new(package) == (FILES, 0)
    finally:
        if process.poll() is None:
            process.kill()
        _kill(workers)


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads worker processes from /proc")
def test_sigkill_of_the_parent_takes_its_workers_quietly(tmp_path):
    """SIGKILL cannot be handled: the workers die with the parent (PR_SET_PDEATHSIG), print nothing."""
    process, workers, _ = _busy_pool(tmp_path)
    try:
        process.kill()
        process.wait(timeout=10)
        assert wait_until(lambda: not any(alive(pid) for pid in workers), 2.0), "workers outlived a SIGKILLed parent"
        stderr = process.stderr.read().decode()  # every writer is gone: read() ends
        assert "Traceback" not in stderr and "BrokenPipe" not in stderr, stderr
    finally:
        _kill(workers)
