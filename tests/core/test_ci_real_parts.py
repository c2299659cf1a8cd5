"""The CI=true rule of tests/support/cireal.py, run on a throwaway test file in a pytest subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]

SAMPLE = '''
import pytest

def test_missing_tool():
    pytest.skip("promtool is not installed")

@pytest.mark.skipif(True, reason="no Docker engine")
def test_marker_skip():
    pass

@pytest.mark.gated
@pytest.mark.skipif(True, reason="no API server")
def test_gated():
    pass

def test_real():
    pass
'''


def _run(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess:
    (tmp_path / "conftest.py").write_text("from support.cireal import pytest_runtest_makereport  # noqa: F401\n")
    (tmp_path / "test_sample.py").write_text(SAMPLE)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    env["PYTHONPATH"] = str(TESTS)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider",
                           "-o", "markers=gated: gated", "-o", "addopts=", str(tmp_path)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_under_ci_a_skip_fails_and_names_what_was_missing(tmp_path):
    done = _run(tmp_path, "true")
    assert done.returncode == 1, done.stdout
    assert "1 failed, 1 passed, 1 skipped, 1 error" in done.stdout
    assert "failed instead of skipping: Skipped: promtool is not installed" in done.stdout
    assert "failed instead of skipping: Skipped: no Docker engine" in done.stdout
    assert "SKIPPED [1] test_sample.py" in done.stdout and "no API server" in done.stdout


def test_outside_ci_a_skip_is_a_skip(tmp_path):
    done = _run(tmp_path, None)
    assert done.returncode == 0, done.stdout
    assert "1 passed, 3 skipped" in done.stdout
