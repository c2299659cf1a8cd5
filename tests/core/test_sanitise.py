"""Every report passes one sanitiser before any renderer: control characters escaped, secrets masked, no
line that GitHub would run as a workflow command, in every format."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from infractl import cli
from infractl.findings import Finding, Severity
from infractl.render import Report, print_report

runner = CliRunner()
FORMATS = ["table", "json", "sarif", "github"]  # "table" off a terminal is the plain log format

HOSTILE = Finding("evil\x1b[31m\x07\x00.yml\n::warning file=x::pwned", 3, None, "CI001", Severity.ERROR,
                  "bad\x1b]0;title\x07 thing\n::error::injected\r\x7f\x9b", "run\x1b[2J it")


def rendered(capsys, fmt: str, report: Report) -> str:
    print_report(report, fmt)
    return capsys.readouterr().out


def rich_rendered(monkeypatch, report: Report) -> str:
    """The terminal view, as a real terminal would get it (styles on, markup as rich would read it)."""
    from rich.console import Console

    consoles = []

    def terminal(**kw):
        consoles.append(Console(force_terminal=True, record=True, width=100, **kw))
        return consoles[-1]

    monkeypatch.setattr("rich.console.Console", terminal)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    print_report(report)
    return consoles[0].export_text(styles=True)


def test_escape_controls_names_each_character():
    from infractl.sanitise import escape_controls

    assert escape_controls("a\x1b[0m\x07\x00\n\r\t\x7f\x85\u202eb") == "a\\x1b[0m\\x07\\x00\\n\\r\\t\\x7f\\x85\\u202eb"
    assert escape_controls("plain text, ünïcode") == "plain text, ünïcode"


@pytest.mark.parametrize("fmt", FORMATS)
def test_control_characters_are_escaped_in_every_format(capsys, fmt):
    out = rendered(capsys, fmt, Report("lint-ci", [HOSTILE]))
    for raw in ("\x1b", "\x07", "\x00", "\r", "\x7f", "\x9b"):
        assert raw not in out, (fmt, raw)
    if fmt == "json":
        [finding] = json.loads(out)["findings"]
        # JSON would escape them anyway; the values must be safe for a consumer that prints them
        assert finding["path"] == "evil\\x1b[31m\\x07\\x00.yml\\n::warning file=x::pwned"
        assert "\x1b" not in finding["message"] and "\n" not in finding["message"]
        assert finding["fix"] == "run\\x1b[2J it"
    if fmt == "sarif":
        [result] = json.loads(out)["runs"][0]["results"]
        assert "\x1b" not in result["message"]["text"] and "\\x1b]0;title\\x07" in result["message"]["text"]


@pytest.mark.parametrize("fmt", ["table", "github"])
def test_a_file_name_cannot_start_a_workflow_command(capsys, fmt):
    out = rendered(capsys, fmt, Report("lint-ci", [HOSTILE]))
    lines = out.splitlines()
    if fmt == "github":
        assert len(lines) == 1 and lines[0].startswith("::error file=")
        assert "%0A" not in lines[0] and "\\n" in lines[0]  # the newline was already an escape: one line
    else:
        assert not any(line.lstrip().startswith("::") for line in lines), out
        assert lines[0].startswith("evil\\x1b[31m")


def test_the_terminal_view_escapes_too_and_starts_no_workflow_command(monkeypatch):
    out = rich_rendered(monkeypatch, Report("lint-ci", [HOSTILE, HOSTILE._replace(path="::warning x", line=4)]))
    text = out.replace("\x1b[", "")  # rich's own style codes are fine; every other ESC would be ours
    assert "\x1b" not in text and "\x07" not in out and "\x00" not in out
    assert not any(_unstyled(line).lstrip().startswith("::") for line in out.splitlines()), out
    assert "\\::warning x:4" in _unstyled(out)


def _unstyled(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


WORKFLOW = """\
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: psql postgresql://u:S3cretPass@db/x -c 'select 1' && pytest || true
"""


@pytest.mark.parametrize("fmt", FORMATS)
def test_lint_ci_masks_a_url_password_from_a_run_line_in_every_format(tmp_path, fmt):
    workflow = tmp_path / ".github" / "workflows" / "ci.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(WORKFLOW)
    result = runner.invoke(cli.app, ["lint-ci", "--select", "CI001", "--format", fmt, str(tmp_path)])
    assert result.exit_code == 1, result.output
    assert "CI001" in result.output and "S3cretPass" not in result.output
    assert "postgresql://u:***@db/x" in result.output


DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000
          env:
            - name: MODE
              value: prod
            - name: DB_PASSWORD
              value: 12345678
"""


@pytest.mark.parametrize("fmt", FORMATS)
def test_manifests_schema_errors_never_quote_an_env_value(tmp_path, fmt):
    (tmp_path / "deployment.yaml").write_text(DEPLOYMENT)
    (tmp_path / "kustomization.yaml").write_text("resources:\n  - deployment.yaml\n")
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        result = runner.invoke(cli.app, ["manifests", "lint", "--select", "K8S001", "--format", fmt, "."])
    finally:
        os.chdir(old)
    assert result.exit_code == 1, result.output
    assert "12345678" not in result.output
    assert "env.1.value: an integer is not of type 'string', 'null'" in result.output


@pytest.mark.parametrize("text, masked", [
    ("env DB_PASSWORD=hunter22 set", "env DB_PASSWORD=*** set"),
    ('{"api_key": "abc def", "n": 1}', '{"api_key": "***", "n": 1}'),
    ("stringData.GITHUB_TOKEN: ghp_x1", "stringData.GITHUB_TOKEN: ***"),
    ("'client-secret': 'zz9'", "'client-secret': '***'"),
    ("AWS_SECRET_ACCESS_KEY=AKIAabc", "AWS_SECRET_ACCESS_KEY=***"),
    ("TOKEN=${{ secrets.TOKEN }} and TOKEN=$OTHER", "TOKEN=${{ secrets.TOKEN }} and TOKEN=$OTHER"),  # references
    ("a literal password: postgresql://u:p4ss@h/d", "a literal password: postgresql://u:***@h/d"),
])
def test_values_of_secret_looking_names_are_masked(text, masked):
    from infractl.sanitise import sanitise_text

    assert sanitise_text(text) == masked


def test_every_text_of_a_report_is_sanitised(capsys):
    finding = Finding("public.t", None, None, "DB001", Severity.ERROR, "m", "",
                      logical_name="public.t.\x1bc", logical_kind="column")
    report = Report("x", [finding], headline="checked postgresql://u:pw9@h/d", summary={"url": "x:\x1b"},
                    extra={"dsn": "PGPASSWORD=pw9", "diff": "-a\n+b\tc\x1b\n"})
    doc = json.loads(rendered(capsys, "json", report))
    assert doc["findings"][0]["logical_location"]["name"] == "public.t.\\x1bc"
    assert doc["summary"]["url"] == "x:\\x1b"
    # JSON-only data keeps its line breaks and tabs (a diff stays a diff), nothing else raw
    assert doc["dsn"] == "PGPASSWORD=***" and doc["diff"] == "-a\n+b\tc\\x1b\n"
    assert "pw9" not in rendered(capsys, "table", report)


def test_a_workflow_permission_level_is_not_masked_but_a_token_is():
    from infractl.sanitise.masking import mask_secret_pairs

    assert mask_secret_pairs("permissions: id-token: write") == "permissions: id-token: write"
    assert mask_secret_pairs('"id-token": "none"') == '"id-token": "none"'
    assert mask_secret_pairs("id-token: ghs_abc123") == "id-token: ***"


def test_infractl_own_error_line_is_one_escaped_line(tmp_path):
    import subprocess
    import sys

    name = "no\x1b[31mpe\n::warning file=x::pwned"
    done = subprocess.run([sys.executable, "-m", "infractl", "check", name], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert done.stderr == "error: path does not exist: no\\x1b[31mpe\\n::warning file=x::pwned\n"
