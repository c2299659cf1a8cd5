"""``fix-datetime --verify CMD`` end to end, with real pytest suites: what the tests allow becomes aware,
what they need naive stays naive with the test named, and the user's tree is written once, at the end,
or not at all when the suite cannot decide."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

PYTEST = f"{sys.executable} -m pytest -q tests"
CLOCK = ("import datetime\n\n\ndef stamp():\n    return datetime.datetime.utcnow()\n\n\n"
         "def stamp_for_api():\n    return datetime.datetime.utcnow()\n")
TESTS = ("from app.clock import stamp, stamp_for_api\n\n\n"
         "def test_stamp_is_recent():\n    assert stamp().year >= 2024\n\n\n"
         "def test_api_stamp_is_naive():\n    assert stamp_for_api().tzinfo is None\n")


def project(root: Path, tests: str = TESTS, clock: str = CLOCK) -> Path:
    (root / "app").mkdir()
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "clock.py").write_text(clock)
    (root / "tests").mkdir()
    (root / "tests" / "test_clock.py").write_text(tests)
    return root


def fix(root: Path, *args: str, timeout: float = 300) -> tuple[subprocess.CompletedProcess, dict]:
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("INFRACTL_DEBUG", None)
    done = subprocess.run([sys.executable, "-m", "infractl", "fix-datetime", "--json", *args, "."], cwd=root,
                          capture_output=True, text=True, timeout=timeout, env=env, check=False)
    return done, (json.loads(done.stdout) if done.stdout.startswith("{") else {})


def by_rule(doc: dict) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for finding in doc["findings"]:
        found.setdefault(finding["rule"], []).append(finding)
    return found


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_suite_decides_each_group(tmp_path):
    root = project(tmp_path)
    done, doc = fix(root, "--verify", PYTEST)
    assert done.returncode == 0, done.stderr
    assert (root / "app" / "clock.py").read_text() == (
        "import datetime\n\n\ndef stamp():\n    return datetime.datetime.now(datetime.timezone.utc)\n\n\n"
        "def stamp_for_api():\n    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)\n")
    found = by_rule(doc)
    assert [f["line"] for f in found["DT020"]] == [5]
    kept = found["DT012"]
    assert [f["line"] for f in kept] == [9] and "tests/test_clock.py::test_api_stamp_is_naive" in kept[0]["message"]
    # two baseline runs, the default rewrite, both aware (fails), each alone
    assert doc["summary"]["verify"] == {"runs": 6, "groups_aware": 1, "groups_kept_naive": 1, "groups_undecided": 0,
                                        "written": True}
    done, _ = fix(root, "--check")
    assert done.returncode == 0  # nothing left to rewrite


def test_check_shows_the_verdicts_and_writes_nothing(tmp_path):
    root = project(tmp_path)
    before = snapshot(root)
    done, doc = fix(root, "--verify", PYTEST, "--check")
    assert done.returncode == 1 and snapshot(root) == before
    assert {"DT010", "DT012", "DT020"} <= set(by_rule(doc))


def test_without_verify_both_stay_naive(tmp_path):
    """The default run is unchanged by the feature: both sites keep their naive value."""
    root = project(tmp_path)
    done, doc = fix(root)
    assert done.returncode == 0 and "DT020" not in by_rule(doc) and len(by_rule(doc)["DT012"]) == 2
    assert (root / "app" / "clock.py").read_text().count(".replace(tzinfo=None)") == 2


def test_a_failing_baseline_is_reported_and_still_compared(tmp_path):
    tests = TESTS + "\n\ndef test_broken_before():\n    assert False\n"
    root = project(tmp_path, tests)
    done, doc = fix(root, "--verify", PYTEST)
    found = by_rule(doc)
    assert [f["message"] for f in found["DT021"]] == [
        f"'{PYTEST}' fails before any rewrite: tests/test_clock.py::test_broken_before"]
    assert [f["line"] for f in found["DT020"]] == [5]  # it keeps failing the same way: still verified
    assert done.returncode == 0


def test_when_the_default_rewrite_changes_a_test_nothing_is_written(tmp_path):
    tests = TESTS + ("\n\ndef test_reads_its_source():\n    from pathlib import Path\n"
                     "    assert 'utcnow' in Path('app/clock.py').read_text()\n")
    root = project(tmp_path, tests)
    before = snapshot(root)
    done, doc = fix(root, "--verify", PYTEST)
    assert snapshot(root) == before
    assert done.returncode == 1
    [finding] = by_rule(doc)["DT023"]
    assert "tests/test_clock.py::test_reads_its_source" in finding["message"] and finding["severity"] == "error"


def test_a_command_that_cannot_run_decides_nothing_and_writes_nothing(tmp_path):
    root = project(tmp_path)
    before = snapshot(root)
    done, doc = fix(root, "--verify", "no-such-test-runner -q")
    assert done.returncode == 1 and snapshot(root) == before
    assert "cannot run 'no-such-test-runner'" in by_rule(doc)["DT024"][0]["message"]


def test_what_the_budget_cannot_pay_for_stays_naive(tmp_path):
    root = project(tmp_path)
    done, doc = fix(root, "--verify", PYTEST, "--verify-budget", "4")  # baseline x2, default, all aware
    found = by_rule(doc)
    assert done.returncode == 0
    assert "DT020" not in found and sorted(f["line"] for f in found["DT022"]) == [5, 9]
    assert doc["summary"]["verify"]["runs"] == 4
    assert (root / "app" / "clock.py").read_text().count(".replace(tzinfo=None)") == 2


def test_a_flaky_test_never_decides(tmp_path):
    tests = TESTS + ("\n\ndef test_flips():\n    import os\n    marker = os.path.join(os.path.dirname(__file__), 'ran')\n"
                     "    first = not os.path.exists(marker)\n    open(marker, 'a').close()\n    assert first\n")
    root = project(tmp_path, tests.replace("assert stamp_for_api().tzinfo is None", "assert stamp_for_api()"))
    done, doc = fix(root, "--verify", PYTEST)
    assert done.returncode == 0
    assert sorted(f["line"] for f in by_rule(doc)["DT020"]) == [5, 9]
    assert "1 flaky tests ignored" in by_rule(doc)["DT020"][0]["message"]


@pytest.mark.parametrize("mode", ["aware", "naive"])
def test_verify_is_for_auto_mode(tmp_path, mode):
    done, _ = fix(project(tmp_path), "--verify", PYTEST, "--mode", mode)
    assert done.returncode == 2 and "--verify decides what auto mode keeps naive" in done.stderr


def test_ctrl_c_during_a_run_leaves_the_tree_and_nothing_behind(tmp_path):
    tests = TESTS + "\n\ndef test_slow():\n    import time\n    time.sleep(30)\n"
    root = project(tmp_path, tests)
    before = snapshot(root)
    scratch = Path(tempfile.gettempdir())
    copies = set(scratch.glob("infractl-verify-tree-*"))
    mark = f"ctrl-c-{os.getpid()}-{time.monotonic_ns()}"  # on the suite's command line: this run's own pytest
    command = f"{PYTEST} -o junit_suite_name={mark}"
    child = subprocess.Popen([sys.executable, "-m", "infractl", "fix-datetime", "--verify", command, "."], cwd=root,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    time.sleep(4)  # the first baseline run is sleeping in test_slow
    os.killpg(child.pid, signal.SIGINT)  # a terminal's Ctrl-C reaches the whole foreground group
    started = time.monotonic()
    _, err = child.communicate(timeout=30)
    assert child.returncode == 130 and err.strip() == "error: interrupted"
    assert time.monotonic() - started < 5
    assert snapshot(root) == before
    assert set(scratch.glob("infractl-verify-tree-*")) == copies
    leftover = subprocess.run(["pgrep", "-f", mark], capture_output=True, text=True, check=False)
    assert leftover.stdout == ""
