"""fix-datetime and the file system: links, loops, unreadable directories, owners, size limit."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from support.fixdt import run_fix as run_fix_default
from support.unprivileged import without_dac_override


def run_fix(capsys, *paths, **options):
    """These tests are about files and layout, written for the aware rewrite (the default before auto);
    their findings are the file-level ones (DT00x): the per-rewrite and hazard findings are left out."""
    code, report, err = run_fix_default(capsys, *paths, **{"mode": "aware", **options})
    if isinstance(report, dict):
        report["findings"] = file_findings(report["findings"])
    return code, report, err


def file_findings(findings: list[dict]) -> list[dict]:
    return [f for f in findings if f["rule"] < "DT010"]

from infractl.errors import InfractlError

CALL = b"from datetime import datetime\nx = datetime.utcnow()\n"
FIXED = b"from datetime import datetime, timezone\nx = datetime.now(timezone.utc)\n"


def findings(report) -> list[tuple[str, str, str]]:
    return [(f["path"], f["rule"], f["severity"]) for f in report["findings"]]


def test_symlinked_file_stays_a_link_and_its_target_is_rewritten_once(tmp_path, monkeypatch, capsys):
    (tmp_path / "real").mkdir()
    (tmp_path / "pkg").mkdir()
    (tmp_path / "real" / "a.py").write_bytes(CALL)
    (tmp_path / "pkg" / "link.py").symlink_to("../real/a.py")
    (tmp_path / "pkg" / "also.py").symlink_to("../real/a.py")
    monkeypatch.chdir(tmp_path)
    code, report, _ = run_fix(capsys)
    assert code == 0
    assert (tmp_path / "pkg" / "link.py").is_symlink() and (tmp_path / "pkg" / "also.py").is_symlink()
    assert (tmp_path / "real" / "a.py").read_bytes() == FIXED
    assert report["summary"]["files_changed"] == 1 and report["summary"]["calls_fixed"] == 1  # once
    assert findings(report) == [("pkg/also.py", "DT005", "info"), ("pkg/link.py", "DT005", "info")]
    skipped = {f["path"]: f["skipped"] for f in report["files"]}
    assert skipped == {"pkg/also.py": "link to real/a.py", "pkg/link.py": "link to real/a.py", "real/a.py": ""}
    assert report["summary"]["files_candidate"] == 1


def test_link_to_a_file_outside_the_tree_is_reported_not_rewritten(tmp_path, monkeypatch, capsys):
    """Issue 15: nothing outside the paths given is written; the link is a DT009 warning instead."""
    (tmp_path / "shared").mkdir()
    (tmp_path / "proj").mkdir()
    (tmp_path / "shared" / "clock.py").write_bytes(CALL)
    (tmp_path / "proj" / "clock.py").symlink_to(tmp_path / "shared" / "clock.py")
    monkeypatch.chdir(tmp_path / "proj")
    code, report, _ = run_fix(capsys)
    assert code == 0 and (tmp_path / "proj" / "clock.py").is_symlink()
    assert (tmp_path / "shared" / "clock.py").read_bytes() == CALL
    assert findings(report) == [("clock.py", "DT009", "warning")]


def test_link_to_an_excluded_file_is_not_followed(tmp_path, monkeypatch, capsys):
    (tmp_path / "pyproject.toml").write_text('[tool.infractl.fix_datetime]\nexclude = ["vendor/**"]\n')
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "lib.py").write_bytes(CALL)
    (tmp_path / "lib.py").symlink_to("vendor/lib.py")
    monkeypatch.chdir(tmp_path)
    code, report, _ = run_fix(capsys)
    assert code == 0 and (tmp_path / "vendor" / "lib.py").read_bytes() == CALL
    assert findings(report) == [("lib.py", "DT007", "info")]


def test_symlink_loop_and_broken_link_are_warnings_not_an_abort(tmp_path, monkeypatch, capsys):
    (tmp_path / "loop.py").symlink_to("loop.py")
    (tmp_path / "gone.py").symlink_to("nowhere.py")
    (tmp_path / "ok.py").write_bytes(CALL)
    monkeypatch.chdir(tmp_path)
    code, report, _ = run_fix(capsys)
    assert code == 0  # warnings: fail only with --strict
    assert (tmp_path / "ok.py").read_bytes() == FIXED
    assert sorted(findings(report)) == [("gone.py", "DT006", "warning"), ("loop.py", "DT006", "warning")]
    # a skipped path is not a hazard in the code; ok.py's module-level x is one in aware mode (DT109)
    assert report["summary"]["hazards"] == 1
    assert run_fix(capsys, strict=True)[0] == 1
    code, report, _ = run_fix(capsys, "loop.py", "ok.py")  # named on the command line: the same warning
    assert code == 0 and findings(report) == [("loop.py", "DT006", "warning")]


def test_explicitly_named_but_excluded_file_says_so(tmp_path, monkeypatch, capsys):
    (tmp_path / "pyproject.toml").write_text('[tool.infractl.fix_datetime]\nexclude = ["legacy/**"]\n')
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "old.py").write_bytes(CALL)
    monkeypatch.chdir(tmp_path)
    code, report, _ = run_fix(capsys, "legacy/old.py", fmt="table")
    assert code == 0 and (tmp_path / "legacy" / "old.py").read_bytes() == CALL
    assert "DT007" in report and "exclude" in report


def test_unreadable_directory_is_a_warning(tmp_path):
    """Root reads every directory: run without that power (support.unprivileged) when we are root."""
    base = Path(tempfile.mkdtemp(prefix="infractl-unreadable-"))
    try:
        base.chmod(0o755)
        (base / "locked").mkdir()
        (base / "locked" / "a.py").write_bytes(CALL)
        (base / "ok.py").write_bytes(CALL)
        (base / "locked").chmod(0)
        command = [str(Path(sys.executable).parent / "infractl"), "fix-datetime", "--check", "--json", "."]
        done = subprocess.run(without_dac_override(command), cwd=base, capture_output=True, text=True, timeout=60, check=False)
        report = json.loads(done.stdout)
        assert done.returncode == 1, done.stderr  # ok.py would change
        assert [(f["path"], f["rule"]) for f in file_findings(report["findings"])] == [("locked", "DT006")]
        assert "internal error" not in done.stderr
    finally:
        (base / "locked").chmod(0o755)
        shutil.rmtree(base)


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another owner")
def test_owner_and_group_are_kept_when_run_as_root(tmp_path, monkeypatch, capsys):
    path = tmp_path / "a.py"
    path.write_bytes(CALL)
    os.chown(path, 1234, 5678)
    monkeypatch.chdir(tmp_path)
    assert run_fix(capsys)[0] == 0
    assert path.read_bytes() == FIXED
    assert (path.stat().st_uid, path.stat().st_gid) == (1234, 5678)


def test_big_file_is_skipped_with_a_warning_in_seconds(tmp_path, monkeypatch, capsys):
    """The issue's 5 MB generated module with one hit took 170 s and 4.2 GB; now it is not parsed."""
    body = b"".join(b"VALUE_%d = {'id': %d, 'name': 'item %d'}\n" % (i, i, i) for i in range(130_000))
    big = tmp_path / "generated.py"
    big.write_bytes(CALL + body)
    assert big.stat().st_size > 5_000_000
    (tmp_path / "small.py").write_bytes(CALL)
    monkeypatch.chdir(tmp_path)
    start = time.perf_counter()
    code, report, _ = run_fix(capsys)
    assert time.perf_counter() - start < 10
    assert code == 0 and big.read_bytes() == CALL + body and (tmp_path / "small.py").read_bytes() == FIXED
    assert findings(report) == [("generated.py", "DT004", "warning")]
    assert "5.0 MB" in report["findings"][0]["message"] or "MB" in report["findings"][0]["message"]


def test_size_limit_from_config_and_flag(tmp_path, monkeypatch, capsys):
    (tmp_path / "mid.py").write_bytes(CALL + b"# padding\n" * 20_000)  # ~200 KB
    (tmp_path / "pyproject.toml").write_text('[tool.infractl.fix_datetime]\nmax_file_size = "100KB"\n')
    monkeypatch.chdir(tmp_path)
    code, report, _ = run_fix(capsys, check=True)
    assert code == 0 and findings(report) == [("mid.py", "DT004", "warning")]
    code, report, _ = run_fix(capsys, check=True, max_file_size="1MB")  # the flag wins
    assert code == 1 and report["summary"]["calls_fixed"] == 1
    code, report, _ = run_fix(capsys, check=True, max_file_size="0")  # no limit
    assert code == 1
    with pytest.raises(InfractlError, match="max_file_size"):
        run_fix(capsys, check=True, max_file_size="lots")


def test_max_file_size_flag_of_the_console_script(tmp_path):
    (tmp_path / "a.py").write_bytes(CALL)
    infractl = str(Path(sys.executable).parent / "infractl")
    done = subprocess.run([infractl, "fix-datetime", "--check", "--json", "--max-file-size", "10", "."],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert findings(json.loads(done.stdout)) == [("a.py", "DT004", "warning")]
    done = subprocess.run([infractl, "fix-datetime", "--check", "--max-file-size", "big", "."],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2 and "max_file_size" in done.stderr and "Traceback" not in done.stderr
