"""What the file system can hand a command: a symlink loop named as an argument, a directory it may not
read. A named argument that cannot be read at all is a one-line usage error (exit 2), or, for
fix-datetime (which reports every path it could not walk), its warning; a directory found unreadable
while walking is a finding. Never "internal error", never a silent pass."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from support.unprivileged import without_dac_override
from typer.testing import CliRunner

from infractl import cli

LOOP = "error: cannot read loop: a symlink loop\n"


@pytest.fixture
def loop(tmp_path, monkeypatch):
    (tmp_path / "loop").symlink_to("loop")
    monkeypatch.chdir(tmp_path)
    return "loop"


@pytest.mark.parametrize("command", [["check"], ["manifests", "lint"]])
def test_a_symlink_loop_named_as_the_directory_is_one_line_exit_2(loop, command):
    result = CliRunner().invoke(cli.app, [*command, loop])
    assert (result.exit_code, result.output) == (2, LOOP)


def test_the_fast_path_of_check_says_the_same(loop):
    done = subprocess.run([sys.executable, "-m", "infractl", "check", loop], capture_output=True, text=True,
                          timeout=60, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", LOOP)


def test_lint_ci_on_a_symlink_loop_is_one_line_exit_2(loop):
    result = CliRunner().invoke(cli.app, ["lint-ci", loop])
    assert (result.exit_code, result.output) == (2, "error: path does not exist: loop\n")


def test_fix_datetime_on_nothing_but_a_symlink_loop_warns_about_it(loop):
    result = CliRunner().invoke(cli.app, ["fix-datetime", "--check", "--json", loop])
    assert result.exit_code == 0, result.output  # a warning: it fails with --strict
    findings = [(f["path"], f["rule"], f["severity"]) for f in json.loads(result.stdout)["findings"]]
    assert findings == [("loop", "DT006", "warning")]


@pytest.mark.parametrize("command", [["check", "--json", "."], ["fix-datetime", "--check", "--json", "."]])
def test_an_unreadable_directory_is_a_finding_even_with_nothing_else_to_check(command):
    """Root reads every directory: support.unprivileged runs the command without that power."""
    base = Path(tempfile.mkdtemp(prefix="infractl-unreadable-"))
    try:
        base.chmod(0o755)
        (base / ".git").mkdir()
        (base / "locked").mkdir()
        (base / "locked" / "app.py").write_text("import datetime\nx = datetime.datetime.utcnow()\n")
        (base / "locked").chmod(0)
        infractl = [str(Path(sys.executable).parent / "infractl"), *command]
        done = subprocess.run(without_dac_override(infractl), cwd=base, capture_output=True, text=True, timeout=60,
                              check=False)
        assert "internal error" not in done.stderr
        findings = [(f["path"], f["rule"], f["severity"]) for f in json.loads(done.stdout)["findings"]]
        assert findings == [("locked", "DT006", "warning")], done.stderr
        assert done.returncode == 0  # a warning; --strict fails on it
    finally:
        (base / "locked").chmod(0o755)
        shutil.rmtree(base)
