"""shellcheck's levels, as actionlint passes them on, give AL005 its severity: info and style are info,
so a run's exit status does not depend on whether shellcheck is installed; warning is a warning, error
an error. On main every AL005 was an error (exit 1 for "SC2086:info: Double quote ...").

A FAKE actionlint answers with the messages the real actionlint 1.7 + shellcheck 0.11 print for
``echo $FOO``, an unused variable and backticks (copied from a real run).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from infractl import cli

runner = CliRunner()
MESSAGES = {
    "info": "shellcheck reported issue in this script: SC2086:info:1:6: Double quote to prevent globbing and word splitting",
    "style": "shellcheck reported issue in this script: SC2006:style:3:4: Use $(...) notation instead of legacy backticks `...`",
    "warning": "shellcheck reported issue in this script: SC2034:warning:1:1: x appears unused. Verify use (or export if used externally)",
    "error": "shellcheck reported issue in this script: SC1009:error:1:1: The mentioned syntax error was in this simple command",
}


def _run(tmp_path: Path, monkeypatch, levels: list[str]):
    repo = tmp_path / "repo"
    workflow = repo / ".github" / "workflows" / "ci.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text("name: ci\non: push\npermissions: {}\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
                        "    steps:\n      - run: echo $FOO\n")
    answer = [{"message": MESSAGES[level], "filepath": str(workflow), "line": 8, "column": 14, "kind": "shellcheck"}
              for level in levels]
    fake = tmp_path / "fake-actionlint"
    fake.write_text(f"#!/bin/sh\ncat <<'EOF'\n{json.dumps(answer)}\nEOF\nexit 1\n")
    fake.chmod(0o755)
    import importlib

    import infractl.lint_ci.tools.actionlint as module

    monkeypatch.setattr(module, "find_actionlint", lambda configured: [str(fake)])
    if importlib.util.find_spec("infractl.lint_ci.tools.zizmor"):  # its own tests: test_zizmor.py
        monkeypatch.setattr("infractl.lint_ci.tools.zizmor.find_zizmor", lambda configured: None)
    result = runner.invoke(cli.app, ["lint-ci", "--json", str(repo)])
    return result, [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "AL005"]


@pytest.mark.parametrize(("level", "severity"), [("info", "info"), ("style", "info"), ("warning", "warning"),
                                                 ("error", "error")])
def test_shellcheck_levels_are_al005_severities(tmp_path, monkeypatch, level, severity):
    _, [finding] = _run(tmp_path, monkeypatch, [level])
    assert finding["severity"] == severity and f":{level}:" in finding["message"]


def test_shellcheck_advice_alone_does_not_fail_the_run(tmp_path, monkeypatch):
    result, findings = _run(tmp_path, monkeypatch, ["info", "style"])
    assert len(findings) == 2 and result.exit_code == 0, result.output


def test_a_shellcheck_warning_fails_only_under_strict_and_an_error_always(tmp_path, monkeypatch):
    result, _ = _run(tmp_path, monkeypatch, ["warning"])
    assert result.exit_code == 0
    result, _ = _run(tmp_path / "again", monkeypatch, ["error"])
    assert result.exit_code == 1
