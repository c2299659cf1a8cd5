"""A shell comment in a `run:` script runs nothing (issue 18's corpus: argo-cd's issue-triage.lock.yml, a
Copilot step with continue-on-error whose script holds `# shellcheck disable=SC1003,SC2086`, was CI002's
"a test step has continue-on-error"). A test command before a comment on its line is still one."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from infractl import cli

runner = CliRunner()
JOB = "name: ci\non: push\npermissions: {}\njobs:\n  agent:\n    runs-on: ubuntu-latest\n    steps:\n"


def ci_findings(tmp_path: Path, monkeypatch, steps: str) -> list[tuple[str, int]]:
    workflow = tmp_path / ".github" / "workflows" / "ci.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(JOB + steps)
    monkeypatch.setattr("infractl.lint_ci.tools.actionlint.find_actionlint", lambda configured: None)
    monkeypatch.setattr("infractl.lint_ci.tools.zizmor.find_zizmor", lambda configured: None)
    result = runner.invoke(cli.app, ["lint-ci", "--json", str(tmp_path)])
    return [(f["rule"], f["line"]) for f in json.loads(result.stdout)["findings"] if f["rule"].startswith("CI")]


def test_a_shellcheck_directive_is_no_test_command(tmp_path, monkeypatch):
    steps = ("      - continue-on-error: true\n        run: |\n          # shellcheck disable=SC1003,SC2086\n"
             "          copilot --prompt \"$PROMPT\" | tee agent.log\n")
    assert ci_findings(tmp_path, monkeypatch, steps) == []


def test_a_test_command_followed_by_a_comment_is_still_one(tmp_path, monkeypatch):
    steps = "      - continue-on-error: true\n        run: pytest -q  # the suite\n"
    assert ci_findings(tmp_path, monkeypatch, steps) == [("CI002", 8)]
