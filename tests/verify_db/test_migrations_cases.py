"""Fixit-style cases: every directory under tests/fixtures/migrations with an ``expected.json`` is a test.

A case is a real Alembic ``versions/`` tree plus ``expected.json``::

    {"description": "...",
     "findings": [{"rule": "DB002", "file": "x.py", "line": 22, "message": "substring"}],
     "heads": ["rev"],                 # optional
     "settings": {"ignore": ["DB004"]},  # optional RuleSettings overrides
     "error": "substring"}             # instead of findings: check_migrations must raise InfractlError

``file`` is the revision file's name, or "." for the versions directory itself (chain findings).
Adding a case directory adds a test; nothing here lists them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from infractl.errors import InfractlError
from infractl.verify_db.rules import RuleSettings
from infractl.verify_db.static.chain import check_migrations

CASES_ROOT = Path(__file__).resolve().parents[1] / "fixtures" / "migrations"
CASES = sorted(p.parent for p in CASES_ROOT.glob("*/expected.json"))


def load_case(case: Path) -> tuple[dict, Path, RuleSettings]:
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    overrides = {key: tuple(tuple(v) if isinstance(v, list) else v for v in value) if isinstance(value, list)
                 else value for key, value in expected.get("settings", {}).items()}
    return expected, case / "versions", RuleSettings(**overrides)


def finding_key(finding, versions: Path) -> tuple:
    path = Path(finding.path)
    return finding.rule, "." if path == versions else path.name, finding.line


def test_there_are_cases_for_every_rule():
    rules_covered = {f["rule"] for case in CASES for f in load_case(case)[0].get("findings", [])}
    assert {"DB001", "DB002", "DB003", "DB004", "DB005", "DB006", "DB007", "DB101"} <= rules_covered


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Path):
    expected, versions, settings = load_case(case)
    if "error" in expected:
        with pytest.raises(InfractlError) as info:
            check_migrations(versions, settings)
        assert expected["error"] in str(info.value)
        assert "\n" not in str(info.value)
        return
    findings, state = check_migrations(versions, settings)
    got = sorted(finding_key(f, versions) for f in findings)
    want = sorted((f["rule"], f["file"], f["line"]) for f in expected["findings"])
    assert got == want, [f"{f.rule} {Path(f.path).name}:{f.line} {f.message}" for f in findings]
    for item in expected["findings"]:  # several findings may share a line (a loop, a helper): any may match
        messages = [f.message for f in findings if finding_key(f, versions) == (item["rule"], item["file"], item["line"])]
        assert any(item.get("message", "") in message for message in messages), (item, messages)
    if "heads" in expected:
        assert state.heads == expected["heads"]
