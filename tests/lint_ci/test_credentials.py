"""CI012: a credential of a published format written into a workflow. Last round's corpus review found a
literal GitHub token in a workflow's ``env:`` that no area, actionlint nor zizmor reported; and the token
must never reach any output format."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from infractl import cli
from infractl.lint_ci.command import collect

GITHUB = "ghp_" + "Zq9" * 12
AWS = "AKIA" + "QX7" * 5 + "Z"
WORKFLOW = f"""name: release
on: push
env:
  PUBLISH_TOKEN: {GITHUB}
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          token: ${{{{ secrets.PAT }}}}
      - run: |
          echo building
          aws configure set aws_access_key_id {AWS}
      - run: echo ghp_tooshort and high through
"""


def _workflow(tmp_path):
    path = tmp_path / ".github" / "workflows" / "release.yml"
    path.parent.mkdir(parents=True)
    path.write_text(WORKFLOW)
    return path


def test_literal_credentials_are_ci012_at_their_lines(tmp_path):
    _workflow(tmp_path)
    found = sorted((f.line, f.message) for f in collect(tmp_path).findings if f.rule == "CI012")
    assert [line for line, _ in found] == [4, 14]
    assert found[0][1].startswith("a GitHub token written into the workflow at env.PUBLISH_TOKEN")
    assert found[1][1].startswith("an AWS access key id written into the workflow at jobs.release.steps.run")


def test_no_output_format_shows_the_credential(tmp_path):
    _workflow(tmp_path)
    for fmt in ("table", "json", "sarif", "github"):
        result = CliRunner().invoke(cli.app, ["lint-ci", str(tmp_path), "--format", fmt])
        assert result.exit_code == 1, (fmt, result.output)
        assert "CI012" in result.output, fmt
        assert GITHUB not in result.output and AWS not in result.output, fmt
    sarif = json.loads(CliRunner().invoke(cli.app, ["lint-ci", str(tmp_path), "--format", "sarif"]).output)
    assert any(r["ruleId"] == "CI012" for r in sarif["runs"][0]["results"])
