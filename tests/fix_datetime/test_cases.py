"""Runs every Fixit-style case under src/infractl/fix_datetime/cases/ (add a file, get a test).

A case is ``<name>.py`` whose first line states how to run it and what to expect::

    # infractl-case: mode=naive target=py311 calls=2 refs=1 hazards=DT101@12,DT105 info=DT012@7

and ``<name>.expected.py`` holding the exact output; without it the file must come back unchanged
("never touch" cases). ``@12`` pins a hazard to a line of the output. ``mode`` defaults to auto;
``hazards`` lists the warnings, ``info`` the info findings other than the per-rewrite ones (every
rewrite is also a DT010/DT011 finding, checked against calls + refs).
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from infractl.fix_datetime.rewrite.transform import transform_source

ROOT = Path(__file__).resolve().parents[2]
CASES_DIR = ROOT / "src" / "infractl" / "fix_datetime" / "cases"
RUFF = ROOT / ".venv" / "bin" / "ruff"
HEADER = re.compile(r"^# infractl-case:(?P<fields>.*)$", re.MULTILINE)


@dataclass(frozen=True)
class Case:
    name: str
    source: str
    expected: str
    mode: str
    target: str | None
    calls: int
    refs: int
    hazards: tuple[tuple[str, int | None], ...]
    info: tuple[tuple[str, int | None], ...] = ()


def load_case(path: Path) -> Case:
    source = path.read_text(encoding="utf-8")
    header = HEADER.search(source)
    assert header, f"{path.name}: first line must be '# infractl-case: ...'"
    fields = dict(item.split("=", 1) for item in header.group("fields").split())
    def pinned(key: str) -> tuple[tuple[str, int | None], ...]:
        found = []
        for item in filter(None, fields.get(key, "").split(",")):
            rule, _, line = item.partition("@")
            found.append((rule, int(line) if line else None))
        return tuple(sorted(found, key=lambda h: (h[0], h[1] or 0)))

    expected_path = path.with_name(path.stem + ".expected.py")
    expected = expected_path.read_text(encoding="utf-8") if expected_path.exists() else source
    return Case(
        name=path.stem,
        source=source,
        expected=expected,
        mode=fields.get("mode", "auto"),
        target=fields.get("target"),
        calls=int(fields.get("calls", 0)),
        refs=int(fields.get("refs", 0)),
        hazards=pinned("hazards"),
        info=pinned("info"),
    )


CASE_PATHS = sorted(p for p in CASES_DIR.glob("*.py") if not p.name.endswith(".expected.py"))
CASES = [load_case(p) for p in CASE_PATHS]


def run(case: Case):
    return transform_source(case.source, mode=case.mode, target_version=case.target)


def test_cases_were_found_and_every_expected_file_has_an_input():
    assert len(CASES) >= 30
    names = {c.name for c in CASES}
    for expected in CASES_DIR.glob("*.expected.py"):
        assert expected.name.removesuffix(".expected.py") in names, f"orphan {expected.name}"


def test_every_hazard_rule_has_a_positive_and_a_negative_case():
    from infractl.fix_datetime.analyse.rules import RULES

    names = {c.name for c in CASES}
    for rule in (r.id for r in RULES if r.id.startswith("DT1")):
        assert any(rule in dict(c.hazards) for c in CASES), f"no case expects {rule}"
        negative = f"hazard_{rule.lower()}_negative"
        assert negative in names, f"missing {negative}.py"
        assert not any(r == rule for c in CASES if c.name == negative for r, _ in c.hazards)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Case):
    result = run(case)
    assert result.code == case.expected
    assert (result.calls_fixed, result.refs_fixed) == (case.calls, case.refs)
    if case.expected == case.source:
        assert (result.calls_fixed, result.refs_fixed) == (0, 0)
    rewrites = [h for h in result.hazards if h.rule in ("DT010", "DT011")]
    assert len(rewrites) == case.calls + case.refs
    for severity, wanted in (("warning", case.hazards), ("info", case.info)):
        found = [h for h in result.hazards if h.severity == severity and h not in rewrites]
        seen = sorted(((h.rule, h.line) for h in found), key=lambda h: (h[0], h[1]))
        assert sorted(rule for rule, _ in seen) == sorted(rule for rule, _ in wanted), [
            (h.rule, h.line, h.column, h.message) for h in found]
        for rule, line in wanted:
            if line is not None:
                assert (rule, line) in seen, f"{rule} expected on line {line}, saw {seen}"
    for hazard in result.hazards:
        assert hazard.message and hazard.fix and hazard.column >= 1
        assert 1 <= hazard.line <= len(result.code.splitlines())
    compile(result.code, f"{case.name}.py", "exec")
    again = transform_source(result.code, mode=case.mode, target_version=case.target)
    assert again.code == result.code, "a second run changed the output"
    assert (again.calls_fixed, again.refs_fixed) == (0, 0)
    # hazards of values that were aware before the run are found again (DT101, DT108: definite bugs)
    definite = {(h.rule, h.line) for h in result.hazards if h.rule in ("DT101", "DT108") and "cannot tell" not in h.message}
    assert definite <= {(h.rule, h.line) for h in again.hazards} or case.mode != "aware"


@pytest.fixture(scope="module")
def ruff_codes(tmp_path_factory) -> dict[tuple[str, str], list[str]]:
    """One ruff run over every input and output: {("in"|"out", case name): [rule codes]}."""
    base = tmp_path_factory.mktemp("ruff")
    for case in CASES:
        for side, text in (("in", case.source), ("out", run(case).code)):
            (base / side).mkdir(exist_ok=True)
            (base / side / f"{case.name}.py").write_text(text, encoding="utf-8")
    proc = subprocess.run(
        [str(RUFF), "check", "--isolated", "--no-cache", "--select", "DTZ003,DTZ004",
         "--output-format", "json", "--exit-zero", "in", "out"],
        cwd=base, capture_output=True, text=True, check=True,
    )
    codes: dict[tuple[str, str], list[str]] = {}
    for item in json.loads(proc.stdout):
        path = Path(item["filename"])
        codes.setdefault((path.parent.name, path.stem), []).append(item["code"])
    return codes


@pytest.mark.skipif(not RUFF.exists(), reason="ruff is not installed in .venv")
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_ruff_is_clean_on_output_and_flags_changed_inputs(case: Case, ruff_codes):
    if not case.name.startswith("noqa_"):  # those keep calls on purpose, under infractl's own codes
        assert ruff_codes.get(("out", case.name), []) == []
    if case.calls:
        assert ruff_codes.get(("in", case.name)), "ruff should flag the input this case rewrites"

