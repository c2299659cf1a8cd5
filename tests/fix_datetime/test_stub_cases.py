"""Runs every clock-stub project case under src/infractl/fix_datetime/cases/stubs/ (add a file, get a test).

A stub case is a small project in one file: the first line says what to expect, then each file of the
project follows a ``=== path`` line, and the expected text of each file the run changes an
``=== expected path`` line (a file without one must come back byte for byte)::

    # infractl-stub-case: held=app/clock.py:5,tests/test_clock.py:9
    # why the case exists
    === app/clock.py
    ...

``held`` is the exact set of DT107 findings (path:line) of ``fix-datetime --check`` in the default mode.
``needs=freezegun``: the tests run under the real freezegun (its pinned sdist, support/realprojects.py).
Each case is a real project: its tests (pytest, pytest-mock) pass before the run and give the same
outcomes after it, and a second run changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from support import realprojects as rp
from support.fixdt import pytest_outcomes, run_fix, snapshot

LIBRARIES = {"freezegun": rp.FREEZEGUN}
CASES_DIR = Path(__file__).resolve().parents[2] / "src" / "infractl" / "fix_datetime" / "cases" / "stubs"
HEADER = re.compile(r"^# infractl-stub-case:(?P<fields>.*)$", re.MULTILINE)
SECTION = re.compile(r"^=== (?:(?P<expected>expected) )?(?P<path>\S+)$", re.MULTILINE)


@dataclass(frozen=True)
class StubCase:
    name: str
    files: dict[str, str]
    expected: dict[str, str]
    held: frozenset[tuple[str, int]]
    needs: frozenset[str] = frozenset()


def load(path: Path) -> StubCase:
    text = path.read_text(encoding="utf-8")
    header = HEADER.match(text)
    assert header, f"{path.name}: first line must be '# infractl-stub-case: ...'"
    fields = dict(item.split("=", 1) for item in header.group("fields").split())
    held = frozenset((p, int(line)) for p, _, line in (h.rpartition(":") for h in fields.get("held", "").split(",") if h))
    files: dict[str, str] = {}
    expected: dict[str, str] = {}
    marks = list(SECTION.finditer(text))
    for mark, after in zip(marks, [*marks[1:], None]):
        body = text[mark.end() + 1:after.start() if after else len(text)]
        (expected if mark.group("expected") else files)[mark.group("path")] = body
    assert files and set(expected) <= set(files), path.name
    needs = frozenset(n for n in fields.get("needs", "").split(",") if n)
    assert needs <= set(LIBRARIES), f"{path.name}: needs one of {sorted(LIBRARIES)}"
    return StubCase(path.stem, files, expected, held, needs)


CASES = [load(p) for p in sorted(CASES_DIR.glob("*.txt"))]


def test_stub_cases_were_found():
    assert len(CASES) >= 15
    assert any(c.expected for c in CASES) and any(not c.expected for c in CASES)  # follow and hold cases


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_stub_case(case: StubCase, tmp_path, monkeypatch, capsys):
    root = tmp_path / "project"
    for name, body in case.files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(body, encoding="utf-8")
    monkeypatch.chdir(root)
    libraries = tuple(_library(name) for name in sorted(case.needs))
    before = pytest_outcomes(root, libraries)
    assert set(before.values()) == {"passed"}, before
    original = snapshot(root)

    code, report, _ = run_fix(capsys, ".", check=True)
    held = {(f["path"], f["line"]) for f in report["findings"] if f["rule"] == "DT107"}
    assert held == case.held, [(f["path"], f["line"], f["message"]) for f in report["findings"] if f["rule"] == "DT107"]
    for finding in report["findings"]:
        if finding["rule"] == "DT107":
            assert "(" in finding["message"], finding  # every stub held back says why
    assert snapshot(root) == original  # --check writes nothing
    assert code == (1 if case.expected else 0)

    code, report, _ = run_fix(capsys, ".")
    assert code == 0
    after = snapshot(root)
    for name, body in case.files.items():
        assert (root / name).read_text(encoding="utf-8") == case.expected.get(name, body), name
    assert pytest_outcomes(root, libraries) == before
    _, again, _ = run_fix(capsys, ".")
    assert snapshot(root) == after and again["summary"]["rewrites"] == 0


def _library(name: str) -> Path:
    """The unpacked sdist of a library a case's tests need (downloaded once, sha256 checked)."""
    try:
        return rp.tree(LIBRARIES[name])
    except rp.IndexUnreachable as exc:
        pytest.skip(f"the package index cannot be reached to fetch {name}: {exc}")
