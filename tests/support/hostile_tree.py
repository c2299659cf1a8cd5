"""A small repository whose file names are an attack or an accident, for end-to-end runs of every command.

Names hold ESC/BEL sequences, a newline followed by a GitHub workflow command, a C1 CSI, a bidi override,
bytes that are not UTF-8, and names near NAME_MAX in a deep path; beside them a symlink loop (to a
directory and between two files), a dangling link and a hard-linked module. ``EXPECTED`` says how many
findings of each rule the readable inputs give, so a run can be checked for nothing lost.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from support.unprivileged import without_dac_override

TIME_LIMIT = 30  # seconds per run; each takes about one on an idle machine
ADDRESS_SPACE = 2 << 30  # RLIMIT_AS of each run: a runaway read or recursion fails, not the machine

UTCNOW = b"from datetime import datetime\n\nstarted = datetime.utcnow()\n"
SKIPPED_TEST = b'import pytest\n\n\n@pytest.mark.skip(reason="needs postgres")\ndef test_db():\n    pass\n'
WORKFLOW = b"on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest || true\n"

HOSTILE_NAMES = ["esc\x1b[31mred\x07", "nl\n::warning file=x::pwned", "c1\x9b2J", "bidi\u202eyp."]
NOT_UTF8 = b"bad_\xff\xfe"

# Findings per rule the readable part of the tree gives, per command.
_MODULES = 2 + 2 * len(HOSTILE_NAMES) + 2  # clock + its hard link, hostile files and dirs, not-UTF-8, deep
_WORKFLOWS = 2 + len(HOSTILE_NAMES)  # ci.yml, the hostile names, the not-UTF-8 one
_TEST_FILES = 2 + len(HOSTILE_NAMES)  # test_*.py (what lint-ci reads as tests): the same
EXPECTED = {
    "fix-datetime": {"DT010": _MODULES, "DT006": 3},  # DT006: the file loop (two names) and the dangling link
    "check": {"DT010": _MODULES, "DT006": 3, "CI001": _WORKFLOWS, "CI007": _TEST_FILES},
    "lint-ci": {"CI001": _WORKFLOWS, "CI007": _TEST_FILES},
    "fix-skips": {"FS001": _TEST_FILES},
}


def build(root: Path) -> None:
    workflows = root / ".github" / "workflows"
    app = root / "src" / "app"
    tests = root / "tests"
    for directory in (workflows, app, tests):
        directory.mkdir(parents=True)
    (workflows / "ci.yml").write_bytes(WORKFLOW)
    (app / "clock.py").write_bytes(UTCNOW)
    os.link(app / "clock.py", app / "clock_hardlink.py")
    (tests / "test_db.py").write_bytes(SKIPPED_TEST)
    for name in HOSTILE_NAMES:
        (workflows / f"{name}.yml").write_bytes(WORKFLOW)
        (app / f"{name}.py").write_bytes(UTCNOW)
        (app / f"dir_{name}").mkdir()
        (app / f"dir_{name}" / "mod.py").write_bytes(UTCNOW)
        (tests / f"test_{name}.py").write_bytes(SKIPPED_TEST)
    _write(os.fsencode(app) + b"/" + NOT_UTF8 + b".py", UTCNOW)
    _write(os.fsencode(tests) + b"/test_" + NOT_UTF8 + b".py", SKIPPED_TEST)
    _write(os.fsencode(workflows) + b"/" + NOT_UTF8 + b".yml", WORKFLOW)
    os.mkdir(os.fsencode(app) + b"/dir_" + NOT_UTF8)
    deep = app
    for level in range(3):  # a path of ~900 bytes, each name near NAME_MAX (255)
        deep = deep / ("d" * 250 + str(level))
        deep.mkdir()
    (deep / ("m" * 250 + ".py")).write_bytes(UTCNOW)
    (app / "loop").symlink_to(".")
    (app / "loop_a").symlink_to("loop_b")
    (app / "loop_b").symlink_to("loop_a")
    (app / "loop_a.py").symlink_to("loop_b.py")
    (app / "loop_b.py").symlink_to("loop_a.py")
    (app / "dangling.py").symlink_to("nowhere.py")


# Inputs that cannot be read (mode 000; only without root's DAC override): where each goes, by kind.
UNREADABLE = {
    "file": "tests/test_unreadable.py",
    "directory": "tests/unreadable_dir",
    "workflow": ".github/workflows/unreadable.yml",
}


def add_unreadable(root: Path, kind: str) -> str:
    """One input of ``kind`` nobody may read; returns its path relative to ``root``."""
    relative = UNREADABLE[kind]
    path = root / relative
    if kind == "directory":
        path.mkdir()
        (path / "test_inside.py").write_bytes(SKIPPED_TEST)
    else:
        path.write_bytes(WORKFLOW if kind == "workflow" else SKIPPED_TEST)
    path.chmod(0)
    return relative


def make_removable(root: Path) -> None:
    """Give back the permissions the unreadable inputs took, so the temporary tree can be deleted."""
    for relative in UNREADABLE.values():
        if (root / relative).exists():
            (root / relative).chmod(0o700)


def _write(path: bytes, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)


def run_bounded(cwd: Path, args: list[str]) -> subprocess.CompletedProcess:
    """``python -m infractl ARGS`` in ``cwd``, as a user without root's DAC override, within TIME_LIMIT
    and ADDRESS_SPACE, with a strict UTF-8 stdout (PYTHONIOENCODING=utf-8, as many CI images set it:
    an unescaped non-UTF-8 name there is a UnicodeEncodeError, where a C locale would print the byte)."""
    import infractl

    src = str(Path(infractl.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": src, "PYTHONIOENCODING": "utf-8", "COLUMNS": "120"}
    env.pop("INFRACTL_DEBUG", None)
    started = time.monotonic()
    result = subprocess.run(without_dac_override([sys.executable, "-m", "infractl", *args]), cwd=cwd, env=env,
                            capture_output=True, timeout=TIME_LIMIT, check=False,
                            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE,) * 2))
    assert time.monotonic() - started < TIME_LIMIT
    return result
