"""verify-db --replay and the signals that end it: SIGTERM removes the scratch server, its directory and
the alembic worker; what a SIGKILLed run left behind is removed by the next run (only our own)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from support.processes import SRC, alive, children, gone

pytestmark = pytest.mark.postgres

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SLOW = FIXTURES / "replay" / "slow"
LIVE_FIX = FIXTURES / "migrations" / "live_fix"


@pytest.fixture
def parent():
    """TMPDIR of the runs: a directory the server's user (postgres, when we are root) can reach."""
    directory = Path(tempfile.mkdtemp(prefix="infractl-test-", dir="/tmp"))
    directory.chmod(0o755)
    yield directory
    for base in directory.glob("infractl-scratch-*"):  # a failed test's server must not run on
        pidfile = base / "data" / "postmaster.pid"
        if pidfile.exists():
            _kill(int(pidfile.read_text().split()[0]))
    shutil.rmtree(directory, ignore_errors=True)


def _kill(pid: int) -> None:
    if alive(pid):
        os.kill(pid, signal.SIGKILL)


def _start(parent: Path, cwd: Path, migrations: Path, marker: Path) -> subprocess.Popen:
    env = {**os.environ, "TMPDIR": str(parent), "REPLAY_MARKER": str(marker), "PYTHONPATH": str(SRC)}
    env.pop("DATABASE_URL", None)
    return subprocess.Popen([sys.executable, "-m", "infractl", "verify-db", "--migrations", str(migrations),
                             "--replay"], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _running_slow_migration(parent: Path, tmp_path: Path) -> tuple[subprocess.Popen, Path, int, list[int]]:
    """A replay busy in the slow migration: (process, cluster directory, postmaster pid, its children)."""
    marker = tmp_path / "running"
    process = _start(parent, tmp_path, SLOW, marker)
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the slow migration never started"
        time.sleep(0.1)
    [base] = list(parent.glob("infractl-scratch-*"))
    postmaster = int((base / "data" / "postmaster.pid").read_text().split()[0])
    return process, base, postmaster, children(process.pid)


def test_sigterm_during_replay_removes_the_server_its_directory_and_the_worker(parent, tmp_path):
    process, _, postmaster, workers = _running_slow_migration(parent, tmp_path)
    assert workers, "no alembic worker"
    try:
        process.send_signal(signal.SIGTERM)  # to infractl alone, as `kill PID` or a CI runner's stop does
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
        for pid in workers:
            _kill(pid)
    assert process.returncode == 143, stderr
    assert stderr.strip() == "error: terminated"
    assert list(parent.iterdir()) == []
    assert gone([postmaster, *workers])


def test_what_a_sigkilled_run_left_is_removed_by_the_next_run(parent, tmp_path):
    process, base, postmaster, workers = _running_slow_migration(parent, tmp_path)
    process.kill()
    process.wait()
    try:
        assert gone(workers), "the alembic worker outlived its SIGKILLed parent"  # PDEATHSIG
    finally:
        for pid in workers:
            _kill(pid)
    assert alive(postmaster) and base.is_dir()  # a SIGKILL leaves the server: nothing could stop it
    # Not ours: a directory of the same name without an owner file, and one whose owner runs (this test).
    foreign = parent / "infractl-scratch-foreign"
    foreign.mkdir()
    owned = parent / "infractl-scratch-owned"
    owned.mkdir()
    (owned / "owner").write_text(f"{os.getpid()}\n")
    (tmp_path / "next").mkdir()
    again = _start(parent, tmp_path / "next", LIVE_FIX, tmp_path / "unused")
    _, stderr = again.communicate(timeout=120)
    assert again.returncode == 1, stderr  # the fixture's findings
    assert gone([postmaster]), "the abandoned server still runs"
    assert sorted(parent.iterdir()) == [foreign, owned]
