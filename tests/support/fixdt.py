"""Helpers for the fix-datetime command tests: the fixture service tree and an in-process run."""

from __future__ import annotations

import json
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
