"""The Dockerfile fixers, called directly: each rule's (before, after) cases, idempotence, and what they
refuse (a shell feature, a CMD paired with an ENTRYPOINT, an explicit USER root)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.fixers import fix_until_stable, fixer_of, one_pass

from infractl.manifests.checks.dockerfile import lint_dockerfile
from infractl.manifests.checks.dockerfile_rules import RULE, RULES

FIXABLE = [rule for rule in RULES if rule.fixer]
CASES = [(rule, index, before, after) for rule in FIXABLE for index, (before, after) in enumerate(rule.fix_cases)]


def finder(tmp_path: Path):
    def find(text: str) -> list:
        path = tmp_path / "Dockerfile"
        path.write_text(text, encoding="utf-8", newline="")
        return lint_dockerfile(path)

    return find


def test_the_fixable_rules_declare_their_safety():
    assert {rule.id: rule.fix_safety for rule in FIXABLE} == {"DOCKER002": "unsafe", "DOCKER005": "unsafe"}  # an inherited ENTRYPOINT gets the command itself


@pytest.mark.parametrize(("rule", "index", "before", "after"), CASES, ids=[f"{r.id}-{i}" for r, i, _, _ in CASES])
def test_fix_case(rule, index, before, after, tmp_path):
    find = finder(tmp_path)
    assert rule.id in {f.rule for f in find(before)}
    fixed, passes = fix_until_stable(rule, before, find)
    assert (fixed, passes) == (after, 1)
    assert rule.id not in {f.rule for f in find(fixed)}
    assert one_pass(rule, fixed, find(fixed))[1] == []


@pytest.mark.parametrize("command", [
    "gunicorn --bind 0.0.0.0:$PORT app:application",  # a variable only sh expands
    "python -m app && echo started",
    "python -m app > /tmp/log",
    "python -m app /data/*.csv",
    "cd /srv && python -m app",
    "PYTHONUNBUFFERED=1 python -m app",
    "python -m app 'unbalanced",
    "python -m app \\\n    --workers 2",  # on two lines: left to a human
])
def test_shell_form_kept_where_sh_does_more_than_split_words(command, tmp_path):
    text = f"FROM python:3.12-slim\nUSER 10001\nCMD {command}\n"
    findings = [f for f in finder(tmp_path)(text) if f.rule == "DOCKER005"]
    assert findings
    assert fixer_of(RULE["DOCKER005"])(text, findings[0]) is None


@pytest.mark.parametrize("text", [
    "FROM python:3.12-slim\nUSER 10001\nENTRYPOINT [\"tini\", \"--\"]\nCMD python -m app\n",
    "FROM python:3.12-slim\nUSER 10001\nENTRYPOINT python -m app\nCMD [\"--workers\", \"2\"]\n",
])
def test_cmd_and_entrypoint_together_are_left_to_a_human(text, tmp_path):
    """Their forms decide how they combine: exec form would pass CMD to the ENTRYPOINT."""
    findings = [f for f in finder(tmp_path)(text) if f.rule == "DOCKER005"]
    assert findings
    assert [fixer_of(RULE["DOCKER005"])(text, f) for f in findings] == [None] * len(findings)


def test_an_explicit_user_root_is_left_to_a_human(tmp_path):
    text = "FROM python:3.12-slim\nUSER root\nCMD [\"app\"]\n"
    findings = [f for f in finder(tmp_path)(text) if f.rule == "DOCKER002"]
    assert findings and fixer_of(RULE["DOCKER002"])(text, findings[0]) is None


def test_user_goes_after_the_last_build_step_and_uses_the_files_case(tmp_path):
    text = "from python:3.12-slim AS build\nrun pip wheel .\n\nfrom python:3.12-slim\ncmd [\"app\"]\n" \
           "copy --from=build /wheels /wheels\nrun pip install /wheels/*\n"
    fixed, _ = fix_until_stable(RULE["DOCKER002"], text, finder(tmp_path))
    assert fixed == text + "user 10001:10001\n"
