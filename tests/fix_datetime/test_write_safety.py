"""fix-datetime's write phase end to end: what happens to a file between the read and the write (edited,
deleted, renamed), files it may not or should not write (other owner, read-only, hard links, a link to
outside the paths given), and the temp file a kill -9 leaves. Each file is left as it is, with a finding
(DT008/DT009) and without the "rewritten" wording of a done rewrite."""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from support.fixdt import run_fix

SOURCE = b"from datetime import datetime\n\nstarted = datetime.utcnow()\n"


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    (root / "clock.py").write_bytes(SOURCE)
    return root


def in_write_phase(monkeypatch, action) -> None:
    """Run ``action()`` when the write phase begins: after every file was read and rewritten in memory."""
    from infractl import fsio

    original = fsio.interrupt_between_files

    @contextmanager
    def hooked():
        action()
        with original() as check:
            yield check

    monkeypatch.setattr(fsio, "interrupt_between_files", hooked)


def by_rule(report: dict) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for finding in report["findings"]:
        found.setdefault(finding["rule"], []).append(finding)
    return found


def assert_left_with_finding(report: dict, rule: str, words: str) -> None:
    """The refusal is said, and the DT010 of the file left as it is is an error, not 'rewritten'."""
    findings = by_rule(report)
    assert [f["severity"] for f in findings[rule]] == ["error" if rule == "DT008" else "warning"]
    assert words in findings[rule][0]["message"] and "file left unchanged" in findings[rule][0]["message"]
    assert [(f["severity"], f["line"]) for f in findings["DT010"]] == [("error", 3)]
    assert not any("rewritten" in f["message"] for f in report["findings"]), report["findings"]
    assert not any(entry["changed"] for entry in report["files"])


def test_a_file_edited_between_read_and_write_is_not_overwritten(project, capsys, monkeypatch):
    edit = b"from datetime import datetime\n\nstarted = datetime.utcnow()  # mine\n"
    in_write_phase(monkeypatch, lambda: (project / "clock.py").write_bytes(edit))
    code, report = run_fix(capsys, str(project))[:2]
    assert code == 1
    assert (project / "clock.py").read_bytes() == edit
    assert_left_with_finding(report, "DT008", "changed since it was read")


@pytest.mark.parametrize("how", ["deleted", "renamed"])
def test_a_file_deleted_or_renamed_during_the_run_is_not_recreated(project, capsys, monkeypatch, how):
    clock = project / "clock.py"
    in_write_phase(monkeypatch, clock.unlink if how == "deleted" else lambda: clock.rename(project / "moved.py"))
    code, report = run_fix(capsys, str(project))[:2]
    assert code == 1
    assert not clock.exists()
    assert sorted(p.name for p in project.iterdir()) == ([] if how == "deleted" else ["moved.py"])
    if how == "renamed":
        assert (project / "moved.py").read_bytes() == SOURCE
    assert_left_with_finding(report, "DT008", "deleted or renamed since it was read")


def test_a_read_only_file_is_left_alone(project, capsys):
    (project / "clock.py").chmod(0o444)
    code, report = run_fix(capsys, str(project))[:2]
    assert code == 1
    assert (project / "clock.py").read_bytes() == SOURCE
    assert stat.S_IMODE((project / "clock.py").stat().st_mode) == 0o444
    assert_left_with_finding(report, "DT008", "read-only")


def test_a_hard_link_is_not_split(project, capsys):
    os.link(project / "clock.py", project / "clock_alias.py")
    code, report = run_fix(capsys, str(project / "clock.py"))[:2]
    assert code == 1
    assert os.path.samefile(project / "clock.py", project / "clock_alias.py")
    assert (project / "clock.py").read_bytes() == SOURCE
    assert_left_with_finding(report, "DT008", "2 hard links")


def test_a_symlink_to_a_file_outside_the_paths_is_not_rewritten(tmp_path, project, capsys):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "shared.py").write_bytes(SOURCE)
    (project / "clock.py").unlink()
    (project / "shared.py").symlink_to(outside / "shared.py")
    (project / "local.py").write_bytes(SOURCE)
    (project / "local_link.py").symlink_to("local.py")  # inside: rewritten through the link, as before
    code, report = run_fix(capsys, str(project))[:2]
    assert (outside / "shared.py").read_bytes() == SOURCE
    assert (project / "local.py").read_bytes() != SOURCE and (project / "local_link.py").is_symlink()
    [outside_finding] = by_rule(report)["DT009"]
    assert outside_finding["path"] == str(project / "shared.py") and outside_finding["severity"] == "warning"
    assert str(outside / "shared.py") in outside_finding["message"]
    assert code == 0  # a warning: the rest was rewritten


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"),
                    reason="needs root (to give the file to another owner) and setpriv (to drop CAP_CHOWN)")
def test_a_rewrite_that_would_change_the_owner_is_refused(project):
    """As a user who cannot chown back (here: root without CAP_CHOWN, which works wherever the checkout
    lives; a uid like 65534 may not reach a Python under /root), the replaced file would become that
    user's. Refused, the file untouched."""
    clock = project / "clock.py"
    os.chown(clock, 4321, 8765)
    clock.chmod(0o666)  # writable by anyone: the refusal is about the owner alone
    command = ["setpriv", "--bounding-set", "-chown", sys.executable, "-m", "infractl", "fix-datetime", "--json",
               str(project)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, env=_env(), check=False)
    assert result.returncode == 1, result.stderr
    assert (clock.stat().st_uid, clock.stat().st_gid) == (4321, 8765)
    assert clock.read_bytes() == SOURCE
    assert_left_with_finding(json.loads(result.stdout), "DT008", "owner or group (4321:8765) cannot be kept")


def test_the_temp_file_of_a_run_killed_while_writing_is_removed_by_the_next_run(project):
    """kill -9 in the write phase (here: at os.replace, after the temp file is complete) leaves the temp
    file; the next run over the directory removes it once its writer is dead and it is past the grace."""
    kill_at_replace = ("import os, runpy, signal, sys; os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL); "
                       "sys.argv = ['infractl', 'fix-datetime', sys.argv[1]]; runpy.run_module('infractl', "
                       "run_name='__main__')")
    killed = subprocess.run([sys.executable, "-c", kill_at_replace, str(project)], capture_output=True,
                            timeout=120, env=_env(), check=False)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    [temp] = [p for p in project.iterdir() if p.name.endswith(".infractl-tmp")]
    assert temp.name.startswith(".clock.py.")
    assert (project / "clock.py").read_bytes() == SOURCE  # the kill came before the replace
    os.utime(temp, (1_000_000, 1_000_000))  # past the grace (fsio.STALE_AFTER), as after a minute
    again = subprocess.run([sys.executable, "-m", "infractl", "fix-datetime", str(project)], capture_output=True,
                           text=True, timeout=120, env=_env(), check=False)
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in project.iterdir()) == ["clock.py"]
    assert b"utcnow" not in (project / "clock.py").read_bytes()


def _env() -> dict:
    """The infractl this test process imported, for the child processes too."""
    import infractl

    src = str(Path(infractl.__file__).resolve().parents[1])
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH")]))}
