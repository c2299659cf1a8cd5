"""The hooks in .pre-commit-hooks.yaml, run by pre-commit itself against a temporary repository.

The temporary project's .pre-commit-config.yaml names this repository at its HEAD commit (so what is
tested is what is committed), and pre-commit's environments are kept in .cache/pre-commit: one
install per commit, reused by every hook and every later run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.cache import cache_dir

ROOT = Path(__file__).resolve().parents[2]
HOOK_CACHE = cache_dir("pre-commit")  # pre-commit's environments, reused between runs

UTCNOW = "from datetime import datetime\n\n\ndef stamp():\n    return datetime.utcnow()\n"
SKIPPED = 'import pytest\n\n\n@pytest.mark.skip(reason="needs the docker-compose PostgreSQL")\ndef test_db():\n    pass\n'


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"})


@pytest.fixture
def project(tmp_path: Path) -> Path:
    repo = tmp_path / "project"
    (repo / "app").mkdir(parents=True)
    (repo / "tests").mkdir()
    (repo / "app" / "clock.py").write_text(UTCNOW)
    (repo / "tests" / "test_db.py").write_text(SKIPPED)
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "start")
    return repo


def _try_repo(project: Path, hook: str) -> subprocess.CompletedProcess:
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.strip()
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {ROOT}\n    rev: {head}\n    hooks:\n"
        "      - id: infractl-fix-datetime\n      - id: infractl-fix-skips\n      - id: infractl-check\n"
    )
    pre_commit = shutil.which("pre-commit") or str(Path(sys.executable).with_name("pre-commit"))
    return subprocess.run([pre_commit, "run", hook, "--all-files", "--color", "never"],
                          check=False, cwd=project, capture_output=True, text=True, timeout=900,
                          env={**os.environ, "PRE_COMMIT_HOME": str(HOOK_CACHE)})


@pytest.mark.slow
def test_hooks_fix_and_check_through_pre_commit(project: Path):
    fixed = _try_repo(project, "infractl-fix-datetime")
    assert fixed.returncode == 1, fixed.stdout + fixed.stderr  # pre-commit fails a hook that modified files
    assert "files were modified by this hook" in fixed.stdout
    assert "datetime.now(timezone.utc)" in (project / "app" / "clock.py").read_text()

    gated = _try_repo(project, "infractl-fix-skips")
    assert gated.returncode == 1, gated.stdout + gated.stderr
    assert 'skipif(not os.environ.get("RUN_E2E_TESTS")' in (project / "tests" / "test_db.py").read_text()

    again = _try_repo(project, "infractl-fix-datetime")
    assert again.returncode == 0, again.stdout + again.stderr  # idempotent: nothing left to fix

    checked = _try_repo(project, "infractl-check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "infractl check" in checked.stdout and "Passed" in checked.stdout
