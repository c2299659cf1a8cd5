"""An actionlint that crashes, is killed or answers nonsense fails the run closed (AL098, exit 1).

These use a FAKE actionlint: a shell script in tmp_path put in place of the lookup (``find_actionlint``)
in this process; the real actionlint's path is covered by test_lint_ci.py. On main each of these runs
said "0 errors" and exited 0 (the JSON ``[]``-less answers became one warning or nothing).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from infractl import cli

runner = CliRunner()
WORKFLOW = "name: ci\non: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n"


def _fake_actionlint(tmp_path: Path, monkeypatch, body: str) -> None:
    fake = tmp_path / "fake-actionlint"
    fake.write_text("#!/bin/sh\n" + body + "\n")
    fake.chmod(0o755)
    import infractl.lint_ci.tools.actionlint as module

    monkeypatch.setattr(module, "find_actionlint",
                        lambda configured: [str(fake), "-format", "{{json .}}", "-no-color"])


def _repo(tmp_path: Path) -> Path:
    workflow = tmp_path / "repo" / ".github" / "workflows" / "ci.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(WORKFLOW)
    return tmp_path / "repo"


@pytest.mark.parametrize(("body", "expected"), [
    ("echo 'fatal: could not read config' >&2\necho 'caused by: permission denied' >&2\nexit 3",
     ["exit 3", "fatal: could not read config", "caused by: permission denied"]),
    ("echo 'about to crash' >&2\nkill -SEGV $$", ["killed by SIGSEGV", "about to crash"]),
    ("echo 'garbage, not json'\nexit 0", ["exit 0", "output is not its JSON", "garbage, not json"]),
    ("echo '{\"not\": \"a list\"}'\nexit 1", ["output is not its JSON"]),
], ids=["exit-3", "sigsegv", "garbage", "json-not-a-list"])
def test_a_failing_actionlint_is_an_error_finding_with_its_whole_message(tmp_path, monkeypatch, body, expected):
    _fake_actionlint(tmp_path, monkeypatch, body)
    result = runner.invoke(cli.app, ["lint-ci", "--json", str(_repo(tmp_path))])
    assert result.exit_code == 1, result.output
    failed = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "AL098"]
    assert len(failed) == 1 and failed[0]["severity"] == "error"
    for text in expected:
        assert text in failed[0]["message"]


def test_a_fake_actionlint_reporting_nothing_still_passes(tmp_path, monkeypatch):
    """The control: exit 0 with its JSON ``[]`` is a clean run (the failures above are not a blanket error)."""
    _fake_actionlint(tmp_path, monkeypatch, "echo '[]'\nexit 0")
    result = runner.invoke(cli.app, ["lint-ci", "--json", str(_repo(tmp_path))])
    assert result.exit_code == 0, result.output
    assert not [f for f in json.loads(result.stdout)["findings"] if f["rule"].startswith("AL")]


def test_a_failing_actionlint_is_kept_when_the_first_file_is_not_yaml(tmp_path, monkeypatch):
    """Findings on a file that is not YAML are dropped (CI009 says it); actionlint's own failure is not."""
    _fake_actionlint(tmp_path, monkeypatch, "exit 3")
    repo = _repo(tmp_path)
    (repo / ".github" / "workflows" / "a.yml").write_text("jobs: [\n")
    result = runner.invoke(cli.app, ["lint-ci", "--json", str(repo)])
    rules = {f["rule"] for f in json.loads(result.stdout)["findings"]}
    assert {"CI009", "AL098"} <= rules and result.exit_code == 1


def test_a_failure_of_the_tool_is_placed_at_what_it_was_given_not_at_one_file(tmp_path, monkeypatch):
    """It was placed at the first workflow file, which reads as that file's fault; it is the directory now."""
    _fake_actionlint(tmp_path, monkeypatch, "exit 3")
    repo = _repo(tmp_path)
    (repo / ".github" / "workflows" / "b.yml").write_text(WORKFLOW)
    result = runner.invoke(cli.app, ["lint-ci", "--json", str(repo)])
    [failed] = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "AL098"]
    assert Path(failed["path"]) == repo / ".github" / "workflows" and failed["line"] is None
    assert "the 2 workflow files were not checked by it" in failed["message"]
