"""The real ``infractl`` console script on a copy of a fixture tree, checked with ruff afterwards."""

import json
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "fix_datetime" / "service"
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed (expected next to {sys.executable})")
    return found


def infractl(*args, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([tool("infractl"), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, check=False)


@pytest.fixture
def service(tmp_path):
    tree = tmp_path / "service"
    shutil.copytree(FIXTURE, tree)
    return tree


def test_console_script_fixes_the_tree_so_ruff_and_the_compiler_are_happy(service):
    ruff = [tool("ruff"), "check", "--isolated", "--no-cache", "--select", "DTZ003,DTZ004",
            "--extend-exclude", "scripts"]  # scripts/ is excluded by the tree's own config
    assert subprocess.run([*ruff, "."], cwd=service, capture_output=True, check=False).returncode == 1  # sanity: findings

    result = infractl("fix-datetime", cwd=service)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 files changed" in result.stdout and result.stderr == ""  # no progress bar, no traceback

    for path in service.rglob("*.py"):
        compile(path.read_bytes(), str(path), "exec")
    lint = subprocess.run([*ruff, "."], cwd=service, capture_output=True, text=True, check=False)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert b"utcnow" in (service / "scripts" / "cron.py").read_bytes()

    again = infractl("fix-datetime", "--check", cwd=service)
    assert again.returncode == 0 and "0 files would change" in again.stdout


def test_console_script_check_and_json(service):
    result = infractl("fix-datetime", "--check", "--json", "app", cwd=service)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["summary"]["files_changed"] == 4 and report["summary"]["written"] is False
    assert b"utcnow" in (service / "app" / "db.py").read_bytes()


def test_missing_path_is_one_line_and_exit_2(tmp_path):
    result = infractl("fix-datetime", "no/such/dir", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["error: path does not exist: no/such/dir"]
    assert result.stdout == ""


def test_progress_bar_only_on_a_terminal_and_never_with_json(tmp_path):
    for i in range(64):  # PROGRESS_MIN_FILES candidates: the smallest run that shows a bar
        (tmp_path / f"m{i:02}.py").write_text("from datetime import datetime\nx = datetime.utcnow()\n")

    def stderr_on_a_pty(*args) -> str:
        leader, follower = pty.openpty()
        env = {**os.environ, "COLUMNS": "100", "TERM": "xterm"}
        process = subprocess.Popen([tool("infractl"), *args], cwd=tmp_path, stdout=subprocess.DEVNULL,
                                   stderr=follower, env=env)
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the child closed its end
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait(timeout=120)
        os.close(leader)
        return b"".join(chunks).decode(errors="replace")

    assert "rewriting" in stderr_on_a_pty("fix-datetime", "--check", "-j", "1", ".")
    assert "rewriting" not in stderr_on_a_pty("fix-datetime", "--check", "--json", "-j", "1", ".")
    # (Piped stderr never shows it: the other console-script tests run piped and check stderr.)
