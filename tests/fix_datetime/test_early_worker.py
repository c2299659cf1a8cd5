"""The early worker: started at the first candidate (libcst imports on the other core while the tree is
still being read), it rewrites a small run exactly as the in-process path would, and never outlives it."""

from __future__ import annotations

import multiprocessing

import pytest
from support.fixdt import run_fix, snapshot

from infractl.fix_datetime import workers

SOURCE = b"from datetime import datetime\nx = datetime.utcnow()\nREF = datetime.utcfromtimestamp\n"


@pytest.fixture
def tree(tmp_path, monkeypatch):
    for index in range(3):
        (tmp_path / f"m{index}.py").write_bytes(SOURCE)
    (tmp_path / "plain.py").write_bytes(b"x = 1\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_small_run_goes_to_the_early_worker_with_the_same_result(tree, capsys, monkeypatch):
    monkeypatch.setattr(workers, "_cpus", lambda: 2)
    started = []
    real_start = workers.EarlyWorker.start

    def start(self):
        real_start(self)
        started.append(self.pool)

    monkeypatch.setattr(workers.EarlyWorker, "start", start)
    code, early_report, _ = run_fix(capsys, check=True)
    assert started and started[0] is not None  # it was started, at the first candidate
    assert multiprocessing.active_children() == []  # and is gone after the run
    code_1, in_process_report, _ = run_fix(capsys, check=True, jobs=1)
    assert (code, early_report) == (code_1, in_process_report)
    before = snapshot(tree)
    assert run_fix(capsys)[0] == 0
    assert snapshot(tree) != before and all(b"utcnow" not in data for data in snapshot(tree).values())


def test_no_early_worker_with_one_job_or_no_candidate(tree, capsys, monkeypatch):
    monkeypatch.setattr(workers, "_cpus", lambda: 2)
    pools = []
    monkeypatch.setattr(workers.EarlyWorker, "start", lambda self: pools.append(self.enabled))
    run_fix(capsys, check=True, jobs=1)
    assert pools == [False, False, False]  # asked at each candidate, never enabled with -j 1
    pools.clear()
    run_fix(capsys, "plain.py", check=True)
    assert pools == []  # no candidate: no worker, no libcst import anywhere
