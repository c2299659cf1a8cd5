"""The console script (entry.py) run as a user runs it, with and without its head start, and what two such
runs may differ in: tests/check/test_entry.py and test_prestart.py compare the two."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = "from infractl.entry import main; main()"


def run_entry(args: list[str], cwd: Path, head: bool = True, *flags: str) -> subprocess.CompletedProcess:
    """``infractl ARGS`` in ``cwd`` (``flags``: the interpreter's own, such as ``-X importtime``)."""
    env = {**os.environ, "COLUMNS": "80", "INFRACTL_DEBUG": ""}
    env.pop("INFRACTL_NO_HEAD_START", None)
    if not head:
        env["INFRACTL_NO_HEAD_START"] = "1"
    return subprocess.run([sys.executable, *flags, "-c", SCRIPT, *args], cwd=cwd, capture_output=True,
                          text=True, env=env, timeout=120, check=False)


def comparable(out: str) -> str:
    """The run's duration is the only thing two runs may differ in."""
    try:
        doc = json.loads(out)
    except ValueError:
        return out
    if isinstance(doc, dict):
        doc.get("summary", {}).pop("seconds", None)
    return json.dumps(doc, sort_keys=True)
