"""infractl.process.tools, the one runner for external tools, and guard's SIGTERM: children end with the run."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import pytest
from support.processes import gone, kill_leftovers, signal_lint_during_kubectl, wait_until


def test_the_whole_stderr_is_kept_and_a_status_not_declared_is_a_failure():
    from infractl.process import tools

    finished = tools.run(["sh", "-c", "echo first >&2; echo 'Caused by: the root' >&2; exit 3"])
    assert finished.returncode == 3
    assert finished.failure() == "exit 3: first\nCaused by: the root"
    assert finished.failure((0, 3)) is None  # declared meaningful by the caller


def test_a_tool_killed_by_a_signal_is_a_failure_even_when_0_is_meaningful():
    from infractl.process import tools

    finished = tools.run(["sh", "-c", "echo dying >&2; kill -SEGV $$"])
    assert finished.failure((0, 1)) == "killed by SIGSEGV: dying"


def test_a_timeout_ends_the_tools_whole_group(tmp_path):
    from infractl.process import tools

    pidfile = tmp_path / "pids"
    with pytest.raises(tools.ToolTimeout, match="did not finish within 0.5 s"):
        tools.run(["sh", "-c", f"sleep 60 & echo $$ $! > {pidfile}; wait"], timeout=0.5)
    pids = [int(p) for p in pidfile.read_text().split()]
    assert gone(pids), "the tool or its child outlived the timeout"
    assert not tools._running


def test_a_tool_runs_in_its_own_process_group_and_dies_with_its_parent(tmp_path):
    """PR_SET_PDEATHSIG: a parent SIGKILLed (no clean-up can run) still takes its tools with it."""
    pidfile = tmp_path / "pid"
    parent_code = (f"from infractl.process import tools; import os, time; p = tools.start(['sleep', '60']);"
                   f"open({str(pidfile)!r}, 'w').write(str(p.pid)); time.sleep(60)")
    import subprocess

    from support.processes import SRC

    parent = subprocess.Popen([sys.executable, "-c", parent_code], env={"PYTHONPATH": str(SRC)})
    child = 0
    try:
        assert wait_until(lambda: pidfile.exists() and pidfile.read_text() != "")
        child = int(pidfile.read_text())
        import os

        assert os.getpgid(child) == child  # its own group: a terminal's Ctrl-C reaches infractl only
        parent.kill()
        parent.wait()
        assert gone([child]), "the tool outlived its SIGKILLed parent"
    finally:
        if parent.poll() is None:
            parent.kill()
        kill_leftovers([child] if child else [])



def test_sigterm_is_an_orderly_exit_143_that_ends_the_tools(tmp_path: Path):
    """SIGTERM killed infractl on the spot, leaving its tools running. Now it is Ctrl-C's way out (tools
    ended, clean-ups run), one line, exit 143 (128 + SIGTERM; 130 stays Ctrl-C's)."""
    code, stderr, kubectl_gone = signal_lint_during_kubectl(tmp_path, signal.SIGTERM)
    assert code == 143, stderr
    assert stderr.strip().splitlines() == ["error: terminated"]
    assert kubectl_gone, "kubectl outlived infractl"


def test_an_empty_answer_keeps_its_type():
    """A tool that prints nothing in binary mode answers b"" (kustomize on ``resources: []``), not "":
    its caller decodes bytes."""
    from infractl.process import tools

    assert tools.run(["true"], text=False).stdout == b""
    assert tools.run(["true"]).stdout == ""


def test_an_error_raised_while_ctrl_c_unwinds_is_still_an_interrupt(capsys):
    """Ctrl-C during an import leaves a partly initialised module; a clean-up that touches it raises
    AttributeError while the KeyboardInterrupt unwinds. That is exit 130, not "internal error"."""
    from infractl.errors import EXIT_INTERRUPTED, EXIT_TERMINATED, Terminated
    from infractl.process.guard import guarded

    def cut_short(interrupt):
        def action():
            try:
                raise interrupt
            finally:
                raise AttributeError("partially initialized module 'yaml' has no attribute 'CSafeLoader'")
        return action

    assert guarded(cut_short(KeyboardInterrupt())) == EXIT_INTERRUPTED
    assert guarded(cut_short(Terminated())) == EXIT_TERMINATED
    assert capsys.readouterr().err == "error: interrupted\nerror: terminated\n"


def test_a_ctrl_c_while_a_tool_starts_leaves_it_where_stop_all_ends_it(monkeypatch):
    """Ctrl-C right after the fork, before Popen returned: the child must still be one that stop_all ends
    (it used to be lost, left running until infractl died: test_prestart's Ctrl-C test, 3 runs in 10)."""
    import subprocess

    from infractl.process import tools

    real, made = subprocess.Popen, []

    def popen(*args, **kwargs):
        made.append(real(*args, **kwargs))
        signal.raise_signal(signal.SIGINT)  # as a terminal's Ctrl-C lands in the middle of Popen
        return made[-1]

    monkeypatch.setattr(tools.subprocess, "Popen", popen)
    try:
        with pytest.raises(KeyboardInterrupt):
            tools.start(["sleep", "60"])
        tools.stop_all()
        assert made[0].poll() is not None, "the tool outlived stop_all"
    finally:
        made[0].kill()
        made[0].wait()
