"""lint-ci's fixers, called directly: each rule's (before, after) cases, idempotence, edits only on the
flagged lines, and the real actionlint accepting every fixed workflow."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from support.fixers import changed_lines, fix_until_stable, fixer_of, one_pass

from infractl.lint_ci.command import collect
from infractl.lint_ci.tools.actionlint import find_actionlint
from infractl.rulebook import rules_for

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tests" / "fixtures" / "lint_ci" / "seed_pitfalls"
FIXABLE = [rule for rule in rules_for("lint-ci") if rule.fixer]
CASES = [(rule, index, before, after) for rule in FIXABLE for index, (before, after) in enumerate(rule.fix_cases)]


def finder(rule, tmp_path: Path):
    """The real lint-ci check of a text: a workflow, or for CI007 a test file."""
    counter = iter(range(1000))

    def find(text: str) -> list:
        root = tmp_path / f"run{next(counter)}"
        name = "tests/test_example.py" if rule.id == "CI007" else ".github/workflows/ci.yml"
        (root / name).parent.mkdir(parents=True)
        (root / name).write_text(text, encoding="utf-8", newline="")
        found = collect(root).findings
        return [f._replace(path=name) for f in found]

    return find


def actionlint_problems(workflow: Path) -> list[str]:
    command = find_actionlint(None)
    assert command is not None, "actionlint is part of the test environment"
    done = subprocess.run([*command, str(workflow)], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode in (0, 1), done.stderr
    return [problem["message"] for problem in json.loads(done.stdout or "[]")]


def test_the_fixable_rules_declare_their_safety():
    assert {rule.id: rule.fix_safety for rule in FIXABLE} == {
        "CI001": "unsafe", "CI002": "unsafe", "CI007": "safe", "CI008": "safe"}


@pytest.mark.parametrize(("rule", "index", "before", "after"), CASES, ids=[f"{r.id}-{i}" for r, i, _, _ in CASES])
def test_fix_case(rule, index, before, after, tmp_path):
    find = finder(rule, tmp_path)
    assert rule.id in {f.rule for f in find(before)}, "the before case must trigger the rule"
    fixed, passes = fix_until_stable(rule, before, find)
    assert fixed == after
    assert passes >= 1
    assert rule.id not in {f.rule for f in find(fixed)}
    assert one_pass(rule, fixed, find(fixed))[1] == []  # a second fix changes nothing


@pytest.mark.parametrize(("rule", "index", "before", "after"), [c for c in CASES if c[0].id != "CI007"],
                         ids=[f"{r.id}-{i}" for r, i, _, _ in CASES if r.id != "CI007"])
def test_a_fixed_workflow_changes_only_flagged_lines_and_actionlint_accepts_it(rule, index, before, after, tmp_path):
    flagged = {f.line for f in finder(rule, tmp_path)(before) if f.rule == rule.id}
    if (rule.id, index) == ("CI002", 1):  # "- continue-on-error: true": the next key moves up behind "- "
        flagged |= {line + 1 for line in flagged}
    assert changed_lines(before, after) <= flagged
    workflow = tmp_path / "fixed.yml"
    workflow.write_text(after)
    assert actionlint_problems(workflow) == []


def test_crlf_line_endings_are_kept(tmp_path):
    rule = next(r for r in FIXABLE if r.id == "CI002")
    before = rule.fix_cases[0][0].replace("\n", "\r\n")
    fixed, _ = fix_until_stable(rule, before, finder(rule, tmp_path))
    assert fixed == rule.fix_cases[0][1].replace("\n", "\r\n")


@pytest.mark.parametrize(("script", "expected"), [
    ("pytest || true", "pytest"),
    ("tox || echo 'tests failed'", "tox"),
    ("pytest || true; ruff check . || true", "pytest; ruff check ."),
    ("pytest; exit 0", "pytest"),
])
def test_neutralisers_removed_from_a_plain_run(script, expected, tmp_path):
    rule = next(r for r in FIXABLE if r.id == "CI001")
    job = "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: {}\n"
    fixed, _ = fix_until_stable(rule, job.format(script), finder(rule, tmp_path))
    assert fixed == job.format(expected)


@pytest.mark.parametrize("workflow", [
    # set +e and a final exit 0 are CI001 too, but what the script relies on needs a human
    "      - run: |\n          set +e\n          pytest\n",
    # a quoted script: text positions are not script positions
    "      - run: \"pytest || true\"\n",
])
def test_what_needs_a_human_is_not_fixed(workflow, tmp_path):
    rule = next(r for r in FIXABLE if r.id == "CI001")
    text = "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n" + workflow
    findings = [f for f in finder(rule, tmp_path)(text) if f.rule == "CI001"]
    assert findings
    assert [fixer_of(rule)(text, f) for f in findings] == [None] * len(findings)


def test_continue_on_error_in_a_flow_mapping_is_left_to_a_human(tmp_path):
    rule = next(r for r in FIXABLE if r.id == "CI002")
    text = "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n" \
           "      - {run: pytest, continue-on-error: true}\n"
    findings = [f for f in finder(rule, tmp_path)(text) if f.rule == "CI002"]
    assert findings and fixer_of(rule)(text, findings[0]) is None


def test_the_seed_pitfalls_fixed_by_every_workflow_fixer(tmp_path):
    """The original session's hand edits: '|| true' and continue-on-error gone, the service skip gated,
    every other line as it was; actionlint still accepts the workflow."""
    shutil.copytree(SEED, tmp_path / "seed")
    root = tmp_path / "seed"
    for rule in FIXABLE:
        for finding in [f for f in collect(root).findings if f.rule == rule.id]:
            path = Path(finding.path)
            text = path.read_text()
            change = fixer_of(rule)(text, finding)
            if change is not None:
                from infractl.fixes import apply_edits

                path.write_text(apply_edits(text, change.edits))
    remaining = sorted((Path(f.path).name, f.line, f.rule) for f in collect(root).findings if not f.rule.startswith("AL"))
    workflow = root / ".github" / "workflows" / "e2e.yml"
    before = (SEED / ".github" / "workflows" / "e2e.yml").read_text()
    assert changed_lines(before, workflow.read_text()) == {18, 32}  # 21: set +e needs a human
    assert [r for r in remaining if r[2] in ("CI001", "CI002", "CI004", "CI007")] == [("e2e.yml", 21, "CI001")]
    assert actionlint_problems(workflow) == actionlint_problems(SEED / ".github" / "workflows" / "e2e.yml")
