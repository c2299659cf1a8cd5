"""AL004 (actionlint's runner-label) on a label actionlint cannot know: a self-hosted or third-party runner
(celery's `blacksmith-4vcpu-ubuntu-2404`, issue 18's corpus) is a warning, not an error, since the job does
run there; a label named like a GitHub-hosted image that does not exist (a typo) stays an error: no runner
ever takes that job. The real actionlint decides which labels are unknown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from infractl import cli
from infractl.lint_ci.tools.actionlint import find_actionlint

runner = CliRunner()
pytestmark = pytest.mark.skipif(find_actionlint(None) is None, reason="actionlint is not installed")
WORKFLOW = "name: ci\non: push\npermissions: {}\njobs:\n  test:\n    runs-on: %s\n    steps:\n      - run: make\n"


def runner_label_findings(tmp_path: Path, monkeypatch, label: str) -> tuple[int, list[dict]]:
    workflow = tmp_path / ".github" / "workflows" / "ci.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(WORKFLOW % label)
    monkeypatch.setattr("infractl.lint_ci.tools.zizmor.find_zizmor", lambda configured: None)  # test_zizmor.py's
    result = runner.invoke(cli.app, ["lint-ci", "--json", str(tmp_path)])
    findings = json.loads(result.stdout)["findings"]
    return result.exit_code, [f for f in findings if f["rule"] == "AL004"]


def test_a_third_party_runner_label_is_a_warning(tmp_path, monkeypatch):
    code, [finding] = runner_label_findings(tmp_path, monkeypatch, "blacksmith-4vcpu-ubuntu-2404")
    assert finding["severity"] == "warning" and 'label "blacksmith-4vcpu-ubuntu-2404" is unknown' in finding["message"]
    assert code == 0


@pytest.mark.parametrize("label", ["ubuntu-2404", "macos-lastest", "Windows-2019-server"])
def test_a_label_named_like_a_hosted_image_that_does_not_exist_stays_an_error(tmp_path, monkeypatch, label):
    code, [finding] = runner_label_findings(tmp_path, monkeypatch, label)
    assert finding["severity"] == "error" and f'label "{label}" is unknown' in finding["message"]
    assert code == 1
