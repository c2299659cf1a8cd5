"""Helpers for the fix-datetime command tests: the fixture service tree and an in-process run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "fix_datetime" / "service"


def run_fix(capsys, *paths, fmt="json", **options):
    """Run the command in-process; returns (exit code, stdout (parsed when JSON), stderr)."""
    from infractl.fix_datetime import command

    arguments = {"check": False, "diff": False, "mode": None, "target_version": None, "exclude": [],
                 "jobs": None, "fmt": fmt, "strict": False, "config_path": None, **options}
    code = command.run(paths=[Path(p) for p in paths or ["."]], **arguments)
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if fmt == "json" else captured.out, captured.err


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.py"))}


def pytest_outcomes(root: Path, libraries: tuple[Path, ...] = ()) -> dict[str, str]:
    """Run a small project's tests (in ``root/tests``) with pytest; each test's outcome by name.
    ``libraries``: directories put on the path after the project (an unpacked sdist it tests with)."""
    report = root / "report.json"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(root),
         "-o", "python_files=test_*.py", "tests", "--junitxml", str(root / "junit.xml")],
        cwd=root, capture_output=True, text=True, check=False,
        # no bytecode: a file rewritten within the second it was compiled could run from a stale .pyc
        env={"PYTHONPATH": os.pathsep.join(map(str, (root, *libraries))), "PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"},
    )
    import xml.etree.ElementTree as ET

    outcomes = {}
    for case in ET.parse(root / "junit.xml").getroot().iter("testcase"):
        failed = case.find("failure") is not None or case.find("error") is not None
        outcomes[case.get("name")] = "failed" if failed else "passed"
    report.write_text(json.dumps(outcomes))
    assert outcomes, proc.stdout + proc.stderr
    return outcomes
